"""Fixtures of the browser tests: one chromium, the artifacts folder, and `site`: a forum served on
127.0.0.1 (a free port) from a SQLite file in a temporary folder, seeded with eight weeks of
history so that every main page and every dashboard chart has something to show.

Screenshots go to $BROWSER_ARTIFACTS when set, else to a temporary folder (never the repository).
tests/browser/test_pages.py keeps its own server. The `browser` fixture (one chromium per test
process, for every browser test in the suite) is in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import new_page, sign_in

WEEK = dt.timedelta(days=7)
SAML_TITLE = "SAML login loops back to the sign-in page after the IdP redirect"
IDEA_TITLE = "Export the audit log to our SIEM every night"
HELD_TITLE = "Where do I find the onboarding checklist for new admins?"


@dataclass
class Site:
    url: str
    app: Any
    ids: dict[str, int]
    artifacts: Path
    states: dict[str, Any] = field(default_factory=dict)

    def state(self, browser: Any, username: str) -> Any:
        """The cookies of `username` signed in once through the login form (reused by contexts)."""
        if username not in self.states:
            watched = new_page(browser)
            sign_in(watched.page, self.url, username)
            self.states[username] = watched.page.context.storage_state()
            watched.page.context.close()
        return self.states[username]


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("BROWSER_ARTIFACTS") or tmp_path_factory.mktemp("browser-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _seed(app: Any) -> dict[str, int]:
    """Staff, members, three categories (Onboarding strict by an admin's override), eight weekly
    sign-up cohorts that ask, answer and accept, NPS answers each week, ideas at several stages,
    and one post held by the gate."""
    import sqlalchemy as sa

    from forum import db
    from forum.accounts.models import User
    from forum.ideas.actions import publish_idea, submit_idea, support_idea
    from forum.moderation.actions import override_mode
    from forum.nps.models import NpsResponse
    from forum.qa.actions import accept_answer, ask_question, cast_vote, post_answer, post_comment
    from tests.factories import make_category, make_user

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).replace(microsecond=0)
    with app.app_context():
        app.config["FROZEN_NOW"] = now - 9 * WEEK
        admin = make_user("ada", roles=("admin",), display_name="Ada Admin")
        mod = make_user("mona", roles=("moderator",), display_name="Mona Moderator")
        make_user("pat", roles=("product",), display_name="Pat Product")
        helper = make_user("devon", points=2300, display_name="Devon Price")
        voter = make_user("vic", points=400, display_name="Vic Voter")
        ivy = make_user("ivy", points=300, display_name="Ivy Ideas")
        make_user("olga", points=200, display_name="Olga Reader")  # the NPS prompt is due for her
        make_user("nina", points=150, display_name="Nina Survey")  # … and for her
        sso = make_category("Single sign-on")
        billing = make_category("Billing")
        onboarding = make_category("Onboarding")
        ask_question(helper, title="Which tags should I use for billing and SSO questions?", category_id=billing.id,
                     body="Listing the tags the community uses most.", tags="billing, export, sso, saml")

        first = None
        for week in range(8, 0, -1):
            app.config["FROZEN_NOW"] = now - week * WEEK
            cohort = [make_user(f"cohort{week}_{i}", points=20) for i in range(2)]
            for i, member in enumerate(cohort):
                q = ask_question(member, title=f"How do I export invoices as CSV, week {week} case {i}?",
                                 body="Looking for a bulk export of every invoice.", tags="billing, export",
                                 category_id=billing.id)
                app.config["FROZEN_NOW"] += dt.timedelta(hours=3)
                a = post_answer(helper, q, body="Use Settings → Billing → Export and pick the period.")
                cast_vote(voter, a, 1)
                if i == 0:
                    accept_answer(member, a)
                db.session.add(NpsResponse(user_id=member.id, score=(10, 9, 7, 3)[(week + i) % 4],
                                           created_at=app.config["FROZEN_NOW"]))
                if week > 1:  # active again the week after: the cohort chart has cells
                    app.config["FROZEN_NOW"] += WEEK
                    post_comment(member, q, body="Thanks, that worked for last month too.")
                    app.config["FROZEN_NOW"] -= WEEK
            if week == 6:
                first = ask_question(voter, title=SAML_TITLE, tags="sso, saml", category_id=sso.id,
                                     body="After upgrading our Okta app, users are sent back to the sign-in page.")
                answer = post_answer(helper, first, body="Check the clock skew and the ACS URL's trailing slash.")
                accept_answer(voter, answer)
        app.config["FROZEN_NOW"] = now - 4 * WEEK
        idea = submit_idea(ivy, title=IDEA_TITLE, category_id=None,
                           description="Our security team wants the audit log in Splunk without a manual export.")
        publish_idea(idea, admin)
        support_idea(helper, idea, importance=None, comment="We need this too.")
        older = submit_idea(voter, title="Dark mode for the admin console", description="Easier on the eyes at night.")
        publish_idea(older, admin)
        app.config["FROZEN_NOW"] = None
        db.session.flush()
        for name in ("olga", "nina"):  # members long enough for the survey prompt
            user = db.session.execute(sa.select(User).filter_by(username=name)).scalar_one()
            user.created_at = now - 9 * WEEK
        override_mode(admin, "strict", "Browser tests: every post in Onboarding waits for a moderator.",
                      category_id=onboarding.id)
        newcomer = make_user("hal", display_name="Hal Newcomer")
        held = ask_question(newcomer, title=HELD_TITLE, category_id=onboarding.id,
                            body="I am the first admin of our workspace and want to set it up properly.")
        make_user("quinn", display_name="Quinn Newcomer")
        db.commit()
        return {"question": first.id, "idea": idea.id, "held": held.id, "admin": admin.id, "mod": mod.id,
                "helper": helper.id, "onboarding": onboarding.id}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Site]:
    from werkzeug.serving import make_server

    from forum import db
    from forum.db import Base
    from tests.conftest import make_app

    tmp = tmp_path_factory.mktemp("browser-site")
    app = make_app(f"sqlite:///{tmp / 'forum.db'}", tmp, WTF_CSRF_ENABLED=True, MODERATION_FALLBACK_MODE="open")
    with app.app_context():
        Base.metadata.create_all(db.engine())
    ids = _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(url=f"http://127.0.0.1:{server.server_port}", app=app, ids=ids, artifacts=artifacts)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["forum.engine"].dispose()
