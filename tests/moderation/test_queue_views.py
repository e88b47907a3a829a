"""The queue page (templates/moderation/queue.html): questions, answers, comments and ideas with
author, why held, excerpt, release time and a link; approve / reject (with its own reason select) /
escalate with CSRF and a confirmation; filters by content type; pagination; empty state; a fixed
number of statements whatever the number of items."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from forum import db
from forum.ideas.actions import submit_idea
from forum.moderation.models import ItemStatus, ModerationItem
from forum.qa.actions import post_comment
from forum.qa.models import ContentStatus
from tests.factories import answer, ask, make_user

NOW = dt.datetime(2026, 11, 2, 9, 0, 0)


def login(client: Any, user: Any) -> None:
    from flask import g

    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    g.pop("_login_user", None)


def _count(app: Any, client: Any, url: str) -> tuple[int, str]:
    engine = app.extensions["forum.engine"]
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert resp.status_code == 200
    return len(statements), resp.get_data(as_text=True)


def _fill(n: int) -> dict[str, Any]:
    """n held questions, each with a held answer and a held comment, and n ideas, by newcomers."""
    staff = make_user(roles=("moderator",))
    made: dict[str, Any] = {"question": [], "answer": [], "comment": [], "idea": []}
    for i in range(n):
        made["question"].append(ask(make_user(), title=f"Held question number {i} about exports"))
        host = ask(staff, title=f"Staff question {i} about dashboards")
        made["answer"].append(answer(make_user(), host, body=f"Held answer {i}"))
        made["comment"].append(post_comment(make_user(points=60), host, body=f"Held comment {i}"))
        made["idea"].append(submit_idea(make_user(), title=f"Idea number {i} for reports", description="Please."))
    db.commit()
    return made


def test_the_queue_lists_every_kind_with_why_and_when(app, client, session, freeze):
    freeze(NOW)
    made = _fill(1)
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    html = client.get("/moderation/queue").get_data(as_text=True)
    for kind in ("question", "answer", "comment"):
        assert made[kind][0].status == ContentStatus.pending
    question, answer_, comment = made["question"][0], made["answer"][0], made["comment"][0]
    assert f'href="/questions/{question.id}"' in html
    assert f'href="/questions/{answer_.question_id}#answer-{answer_.id}"' in html
    assert f'href="/questions/{comment.question_id}#comment-{comment.id}"' in html
    assert f'href="/ideas/{made["idea"][0].id}"' in html
    assert "Guarded mode: a newcomer" in html and "Every idea is checked" in html
    assert 'published automatically <time datetime="2026-11-03T09:00:00Z" title="Nov 3, 2026, 9:00\u202fAM UTC">' in html
    assert "waits for a moderator" in html
    assert html.count('data-control="reject"') == 4 and html.count("data-reject-form") == 4
    assert html.count('name="item') > 0 and 'value="personal_data"' in html and "js/moderation.js" in html
    assert "criticism" not in html.lower().split("never a reason")[1]


def test_filters_by_content_type_and_the_empty_state(app, client, session, freeze):
    freeze(NOW)
    made = _fill(1)
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    html = client.get("/moderation/queue?type=idea").get_data(as_text=True)
    assert f'/ideas/{made["idea"][0].id}' in html and "/questions/" not in html.split("queue-list")[1]
    assert "Held answer" not in client.get("/moderation/queue?type=question").get_data(as_text=True)
    assert "Held answer" in client.get("/moderation/queue?type=bogus").get_data(as_text=True)  # no filter


def test_empty_queue(app, client, session):
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    assert "The queue is empty" in client.get("/moderation/queue").get_data(as_text=True)


def test_members_may_not_see_the_queue(app, client, session):
    member = make_user()
    db.commit()
    login(client, member)
    assert client.get("/moderation/queue").status_code == 403


def test_decisions_from_the_page_with_a_confirmation(app, client, session, freeze):
    freeze(NOW)
    made = _fill(1)
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    items = {i.content_type: i for i in session.scalars(sa.select(ModerationItem))}
    q_item, a_item, c_item = items["question"], items["answer"], items["comment"]
    # a rejection without a reason is refused with the rule's message, the item stays open
    resp = client.post(f"/moderation/queue/{q_item.id}", data={f"item{q_item.id}-action": "reject",
                                                               f"item{q_item.id}-reason": ""},
                       follow_redirects=True)
    assert "A rejection needs a reason" in resp.get_data(as_text=True)
    resp = client.post(f"/moderation/queue/{q_item.id}", data={f"item{q_item.id}-action": "reject",
                                                               f"item{q_item.id}-reason": "spam",
                                                               f"item{q_item.id}-note": "An advert"},
                       follow_redirects=True)
    assert "Rejected (Spam)" in resp.get_data(as_text=True)
    resp = client.post(f"/moderation/queue/{a_item.id}", data={f"item{a_item.id}-action": "approve"},
                       follow_redirects=True)
    assert "Approved: the answer is published" in resp.get_data(as_text=True)
    resp = client.post(f"/moderation/queue/{c_item.id}", data={f"item{c_item.id}-action": "escalate"},
                       follow_redirects=True)
    assert "Escalated" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert made["question"][0].status == ContentStatus.rejected and made["question"][0].rejection_reason == "spam"
    assert made["answer"][0].status == ContentStatus.published
    assert db.session.get(ModerationItem, c_item.id).status == ItemStatus.open


def test_the_decision_forms_carry_a_csrf_token(app, client, session, freeze):
    freeze(NOW)
    _fill(1)
    moderator = make_user(roles=("moderator",))
    db.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    login(client, moderator)
    html = client.get("/moderation/queue").get_data(as_text=True)
    assert len(re.findall(r'name="item\d+-csrf_token"', html)) == 12
    item = session.scalars(sa.select(ModerationItem)).first()
    client.post(f"/moderation/queue/{item.id}", data={f"item{item.id}-action": "approve"})
    db.session.expire_all()
    assert db.session.get(ModerationItem, item.id).status == ItemStatus.open  # refused without the token


def test_the_page_runs_a_fixed_number_of_statements(app, client, session, freeze):
    freeze(NOW)
    _fill(1)
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    client.get("/moderation/queue")  # the day's first page also records the visit
    few, _ = _count(app, client, "/moderation/queue")
    _fill(4)  # 20 items, a full page of every kind
    many, html = _count(app, client, "/moderation/queue")
    assert many == few and html.count("queue-item") == 20


@pytest.mark.parametrize("app_config", [{"PER_PAGE": 5}])
def test_the_queue_pages(app, client, session, freeze):
    freeze(NOW)
    _fill(2)
    moderator = make_user(roles=("moderator",))
    db.commit()
    login(client, moderator)
    first = client.get("/moderation/queue").get_data(as_text=True)
    assert 'rel="next"' in first and first.count('class="card queue-item"') == 5
    second = client.get("/moderation/queue?page=2").get_data(as_text=True)
    assert second.count('class="card queue-item"') == 3
