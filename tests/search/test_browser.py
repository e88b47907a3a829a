"""The ask page's suggestions and deflection events, and the header search, in a real browser
(Playwright driving Debian's chromium against a live server, CSRF on). Skipped without chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
                                reason=f"chromium is not installed at {CHROMIUM}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from werkzeug.serving import make_server

    from forum import db
    from forum.db import Base
    from forum.qa.actions import accept_answer
    from tests.conftest import make_app
    from tests.factories import answer, ask, make_user

    tmp = tmp_path_factory.mktemp("search-browser")
    app = make_app(f"sqlite:///{tmp / 'browser.db'}", tmp, WTF_CSRF_ENABLED=True)
    with app.app_context():
        Base.metadata.create_all(db.engine())
    with app.test_request_context():
        asker, helper = make_user("asker"), make_user("helper")
        solved = ask(asker, title="Single sign-on with Okta keeps looping", body="The SAML login loops.")
        accept_answer(asker, answer(helper, solved, body="Fix the ACS URL."))
        open_q = ask(asker, title="Single sign-on for a second domain", body="Two domains.")
        ask(asker, title="配置数据库连接池的大小", body="连接池应该多大？")
        db.commit()
        ids = {"solved": solved.id, "open": open_q.id, "helper": helper.id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "ids": ids, "app": app, "shots": tmp}
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["forum.engine"].dispose()


# `browser`: the test process's one chromium (tests/conftest.py).


def _events(app: Any) -> list[tuple[str, int | None]]:
    from forum import db
    from forum.engagement.models import Event

    with app.app_context():
        return [(k, s) for k, s in db.session.execute(
            sa.select(Event.kind, Event.subject_id).where(Event.kind.like("ask_%")).order_by(Event.id))]


def test_suggestions_while_typing_and_abandonment_after_a_suggestion(live, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live["url"] + "/login")
    page.fill("input[name=login]", "helper")
    page.fill("input[name=password]", "correct horse battery")
    page.click("form button[type=submit]:has-text('Sign in'), form input[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(live["url"] + "/ask")
    page.wait_for_function("() => true")
    page.type("input[name=title]", "single sign-on okta", delay=20)
    page.wait_for_selector("#similar-questions:not([hidden]) .similar-item")
    items = page.locator(".similar-item")
    assert items.count() == 2
    assert "Okta keeps looping" in items.first.inner_text()
    assert items.first.locator(".badge-accepted").count() == 1  # the solved one is marked
    assert items.nth(1).locator(".badge-accepted").count() == 0
    page.screenshot(path=str(live["shots"] / "ask-suggestions.png"), full_page=True)

    with context.expect_page() as opened:
        items.first.locator("a").click()
    opened.value.close()
    page.goto(live["url"] + "/search?q=sign-on")  # leave the ask page without posting
    assert page.locator(".search-hit").count() == 2
    assert page.locator(".search-hit mark").count() >= 2
    page.screenshot(path=str(live["shots"] / "search-results.png"), full_page=True)
    page.wait_for_timeout(300)
    got = _events(live["app"])
    assert got == [("ask_started", None), ("ask_suggestion_clicked", live["ids"]["solved"]),
                                    ("ask_abandoned_after_suggestion", None)], got
    assert errors == []
    context.close()


def test_posting_after_a_suggestion_is_no_abandonment(live, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US")
    page = context.new_page()
    page.goto(live["url"] + "/login")
    page.fill("input[name=login]", "asker")
    page.fill("input[name=password]", "correct horse battery")
    page.click("form button[type=submit]:has-text('Sign in'), form input[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    before = len(_events(live["app"]))
    page.goto(live["url"] + "/ask")
    page.type("input[name=title]", "数据库连接池", delay=20)
    page.wait_for_selector("#similar-questions:not([hidden]) .similar-item")
    with context.expect_page() as opened:
        page.locator(".similar-item a").first.click()
    opened.value.close()
    page.fill("input[name=title]", "数据库连接池在高并发下耗尽")
    page.fill("textarea[name=body]", "高峰期连接不够用。")
    page.click("button:has-text('Post your question')")
    page.wait_for_selector("h1:has-text('数据库连接池在高并发下耗尽')")
    page.wait_for_timeout(300)
    kinds = [k for k, _s in _events(live["app"])[before:]]
    assert kinds == ["ask_started", "ask_suggestion_clicked"]
    page.goto(live["url"] + "/search?q=连接池")
    assert page.locator(".search-hit").count() == 2  # the new question is searchable at once
    context.close()
