"""The search page, the ask page's suggestions and deflection events, and /healthz.

Rows are made in their own app context (tests.api.conftest.World), so that requests do not share
the test's `g` (the signed-in member is cached there)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import db
from forum.engagement.models import Event
from tests.api.conftest import World, world  # noqa: F401  (fixture)
from tests.factories import PASSWORD


def login(client: Any, user: Any) -> None:
    resp = client.post("/login", data={"login": user.username, "password": PASSWORD})
    assert resp.status_code in (302, 303), resp.status_code


def events(world: World, kind_like: str) -> list[Any]:
    return world.run(lambda: db.session.execute(
        sa.select(Event.kind, Event.user_id, Event.subject_id).where(Event.kind.like(kind_like)).order_by(Event.id)).all())


def test_search_page_shows_highlighted_results_and_records_the_search(client, world: World):
    q = world.question(world.user(), "Configure the 数据库连接池 size")
    resp = client.get("/search?q=数据库")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'href="/questions/{q.id}"' in html and "<mark" in html
    assert len(events(world, "search")) == 1
    client.get("/search?q=数据库&page=2")  # turning a page is not a new search
    assert len(events(world, "search")) == 1


def test_search_page_filters_and_empty_states(client, world: World):
    q = world.question(world.user(), "Export invoices as CSV")
    link = f'href="/questions/{q.id}"'
    assert link not in client.get("/search?q=invoices&solved=1").get_data(as_text=True)
    assert link in client.get("/search?q=invoices&sort=newest&type=question").get_data(as_text=True)
    assert client.get("/search?q=invoices&type=bogus&sort=bogus&page=x&category=y").status_code == 200
    assert client.get("/search").status_code == 200


def test_search_page_hides_restricted_results(client, world: World):
    author = world.user(ambassador=True)
    restricted = world.category("Early access", ambassadors_only=True)
    q = world.question(author, "Preview of the new analytics", category=restricted)
    assert f'href="/questions/{q.id}"' not in client.get("/search?q=analytics").get_data(as_text=True)
    login(client, author)
    assert f'href="/questions/{q.id}"' in client.get("/search?q=analytics").get_data(as_text=True)


def test_malformed_queries_get_a_message_not_an_error_page(client, world: World):
    world.question(world.user(), "Reset the admin password")
    resp = client.get('/search?q="unclosed reset')
    assert resp.status_code == 200
    assert "quotation mark" in resp.get_data(as_text=True)
    resp = client.get("/search?q=title:(")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Type one or more words" in body and "Tips" in body


def test_similar_questions_endpoint(client, world: World):
    q = world.question(world.user(), "Single sign-on with Azure AD")
    items = client.get("/search/similar?title=azure sign-on").get_json()["items"]
    assert [i["id"] for i in items] == [q.id]
    assert client.get("/search/similar?title=").get_json() == {"items": []}


def test_ask_events_are_whitelisted_and_recorded(client, world: World):
    member = world.user()
    assert client.post("/search/ask-events", json={"kind": "ask_started"}).status_code == 401
    login(client, member)
    for kind in ("ask_started", "ask_suggestion_clicked", "ask_abandoned_after_suggestion"):
        body = {"kind": kind, "question_id": 7} if kind == "ask_suggestion_clicked" else {"kind": kind}
        assert client.post("/search/ask-events", json=body).status_code == 204
    assert client.post("/search/ask-events", data={"kind": "ask_started"}).status_code == 204  # sendBeacon form
    assert client.post("/search/ask-events", json={"kind": "question"}).status_code == 422
    rows = events(world, "ask_%")
    assert [r.kind for r in rows] == ["ask_started", "ask_suggestion_clicked", "ask_abandoned_after_suggestion",
                                      "ask_started"]
    assert {r.user_id for r in rows} == {member.id}
    assert rows[1].subject_id == 7


def test_ask_events_need_the_csrf_token(app, client, world: World):
    member = world.user()
    login(client, member)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/search/ask-events", json={"kind": "ask_started"}).status_code == 400
    assert events(world, "ask_%") == []


def test_similar_partial_renders(app):
    from flask import render_template

    with app.test_request_context():
        html = render_template("search/_similar.html")
    assert 'id="similar-questions"' in html and "js/search.js" in html and "/search/similar" in html


def test_healthz_reports_search_ok(client, world: World):
    world.question(world.user(), "Anything at all")
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "search": "ok"}


def test_healthz_on_a_fresh_install_creates_the_index(app, client):
    import os

    assert not os.path.exists(app.config["SEARCH_DIR"])
    assert client.get("/healthz").get_json()["search"] == "ok"


def test_the_ask_page_carries_the_suggestions(app, client, world: World):
    from flask import url_for

    with app.test_request_context():
        ask_url = url_for("qa.ask")
    login(client, world.user())
    html = client.get(ask_url).get_data(as_text=True)
    assert 'id="similar-questions"' in html and "js/search.js" in html and 'name="title"' in html
