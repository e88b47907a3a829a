"""The Q&A pages in a real browser (Playwright driving Debian's chromium) against a live server.

Skipped when chromium is not installed. Screenshots (desktop and a 375px phone) go to a temporary
folder, or to $FORUM_SCREENSHOT_DIR when set (docs/question-page.png is made that way).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                                reason=f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")


def _seed(app: Any) -> dict[str, int]:
    from forum import db
    from forum.qa.actions import accept_answer, ask_question, cast_vote, mark_official, post_answer, post_comment
    from tests.factories import make_category, make_user

    with app.app_context():
        asker = make_user("maria", points=420, display_name="Maria Chen")
        helper = make_user("devon", points=2300, display_name="Devon Price")
        staff = make_user("sam", roles=("cs",), display_name="Sam (Acme Support)")
        voters = [make_user(f"voter{i}", points=400) for i in range(4)]
        sso = make_category("Single sign-on")
        make_category("Billing")
        q = ask_question(asker, title="SAML login loops back to the sign-in page after the IdP redirect",
                         body="After upgrading our Okta app, users are sent back to the **sign-in page** in a loop.\n\n"
                              "What we tried:\n\n- Clearing cookies\n- Re-uploading the IdP metadata\n\n"
                              "```\nERROR saml: InResponseTo does not match any request\n```",
                         tags="sso, saml, okta", category_id=sso.id)
        a1 = post_answer(helper, q, body="This is almost always a **clock skew** or a cookie `SameSite` issue.\n\n"
                                         "1. Check the server clock (NTP).\n2. Make sure the ACS URL matches exactly, "
                                         "including the trailing slash.")
        a2 = post_answer(staff, q, body="We shipped a fix for IdP-initiated logins in release 4.12. "
                                        "Upgrading resolves the loop; see the [release notes](https://example.com/notes).")
        post_answer(voters[0], q, body="Same here, following.")
        mark_official(staff, a2, True)
        for v in voters[:3]:
            cast_vote(v, q, 1)
            cast_vote(v, a1, 1)
        cast_vote(voters[3], a2, 1)
        post_comment(helper, q, body="Which Okta app type are you using: SAML 2.0 or OIDC?")
        post_comment(asker, a1, body="The ACS URL was missing the trailing slash. Thank you!")
        accept_answer(asker, a1)
        for i in range(6):
            extra = ask_question(voters[i % 4], title=f"How do I export invoices as CSV for {2020 + i}?",
                                 body="Looking for a bulk export.", tags="billing, export")
            if i % 2:
                post_answer(helper, extra, body="Use Settings → Billing → Export.")
        db.commit()
        return {"question": q.id, "answer": a1.id, "staff_answer": a2.id}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from werkzeug.serving import make_server

    from forum import db
    from forum.db import Base
    from tests.conftest import make_app

    tmp = tmp_path_factory.mktemp("browser")
    app = make_app(f"sqlite:///{tmp / 'browser.db'}", tmp, WTF_CSRF_ENABLED=True)
    with app.app_context():
        Base.metadata.create_all(db.engine())
    ids = _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shots = Path(os.environ.get("FORUM_SCREENSHOT_DIR") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "ids": ids, "shots": shots, "app": app}
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["forum.engine"].dispose()


# `browser` is the session's one chromium (tests/browser/conftest.py): a second sync_playwright()
# in the same process fails while the first is running.


def _page(browser: Any, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  locale="en-US")
    return context.new_page()


def _shot(page: Any, path: Path) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of a full-page shot
    page.screenshot(path=str(path), full_page=True)


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll}px of content in {width}px"


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (375, 812, "phone")])
def test_home_and_question_pages(live, browser, width, height, name):
    page = _page(browser, width, height)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live["url"] + "/")
    assert page.locator(".q-row").count() == 7
    assert page.locator(".q-stat.answers.accepted").count() == 1
    _no_horizontal_overflow(page)
    _shot(page, live["shots"] / f"home-{name}.png")

    page.click("text=SAML login loops back to the sign-in page after the IdP redirect")
    page.wait_for_selector("#question")
    assert page.locator(".answer-card").count() == 3
    first = page.locator(".answer-card").first
    assert "accepted" in (first.get_attribute("class") or "")
    assert "clock skew" in first.inner_text()
    assert page.locator(".badge-official").count() == 1
    assert page.locator(".comment").count() == 2
    _no_horizontal_overflow(page)
    _shot(page, live["shots"] / f"question-{name}.png")
    assert errors == []
    page.context.close()


def test_signed_in_vote_and_accept(live, browser):
    page = _page(browser, 1280, 900)
    page.goto(live["url"] + "/login")
    page.fill("input[name=login]", "maria")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]:has-text('Sign in'), form input[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("button", name="Sign out", include_hidden=True).count() >= 1
    assert page.get_by_role("banner").locator("a[title='@maria']").count() >= 1

    qid, staff_answer = live["ids"]["question"], live["ids"]["staff_answer"]
    page.goto(f"{live['url']}/questions/{qid}")
    card = page.locator(f"#answer-{staff_answer}")
    score = card.locator(".vote-score")
    before = int(score.inner_text())
    card.locator(".vote-btn.up").click()  # fetch() enhancement: no page reload
    page.wait_for_function("([el, n]) => el.textContent.trim() === String(n)",  # a function: the CSP forbids eval
                           arg=[score.element_handle(), before + 1])
    assert "active" in (card.locator(".vote-btn.up").get_attribute("class") or "")
    page.reload()
    assert int(page.locator(f"#answer-{staff_answer} .vote-score").inner_text()) == before + 1

    page.locator(f"#answer-{staff_answer} .accept-btn").click()
    page.wait_for_load_state()
    accepted = page.locator(".answer-card.accepted")
    assert accepted.count() == 1 and accepted.get_attribute("id") == f"answer-{staff_answer}"
    _shot(page, live["shots"] / "question-signed-in.png")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live['url']}/ask")
    _no_horizontal_overflow(page)
    page.fill("input[name=title]", "Can I restrict SSO to one domain?")
    page.fill("textarea[name=body]", "We have two e-mail domains.")
    page.fill("input[name=tags]", "sso")
    page.click("button:has-text('Post your question')")
    page.wait_for_selector("h1:has-text('Can I restrict SSO to one domain?')")
    _shot(page, live["shots"] / "asked-phone.png")
    page.context.close()
