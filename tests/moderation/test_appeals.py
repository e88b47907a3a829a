"""Rejected content is kept (docs/rules.md: The NPS gate): its author edits and resubmits it (back
to the queue, waiting for a moderator) or appeals once, and another moderator decides the appeal.
Through the API: POST /moderation/appeals and /moderation/resubmissions, POST /moderation/queue/{id}."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation.actions import decide_item, release_due
from forum.moderation.models import ItemStatus, ModerationItem
from forum.qa.models import ContentStatus, Question
from tests.api.conftest import World, assert_error
from tests.factories import ask, make_user

NOW = dt.datetime(2026, 11, 2, 9, 0, 0)


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def rejected(world, app):
    """A member's question held by the gate and rejected (spam) by moderator `first`."""
    app.config["FROZEN_NOW"] = NOW
    author = world.user("author")
    first, second = world.user("first", roles=("moderator",)), world.user("second", roles=("moderator",))

    def _reject():
        question = ask(db.session.get(type(author), author.id))
        item = db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_id == question.id)).one()
        decide_item(db.session.get(type(first), first.id), item, action="reject", reason="spam", note="Looks like an ad")
        return question.id

    question_id = world.run(_reject)
    return {"author": author, "first": first, "second": second, "question_id": question_id}


def _items(world, question_id):
    def _read():
        rows = db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_id == question_id)
                                  .order_by(ModerationItem.id)).all()
        return [(i.id, i.reason, str(i.status), i.release_at) for i in rows]
    return world.run(_read)


def test_the_author_sees_the_rejection_and_others_do_not(client, world, rejected):
    qid = rejected["question_id"]
    mine = client.get(f"/api/v1/questions/{qid}", headers=world.headers(rejected["author"])).get_json()
    assert (mine["status"], mine["rejection_reason"], mine["release_at"]) == ("rejected", "spam", None)
    assert_error(client.get(f"/api/v1/questions/{qid}", headers=world.headers(world.user("other"))), 404)
    assert_error(client.get(f"/api/v1/questions/{qid}"), 404)


def test_an_appeal_once_decided_by_another_moderator(client, world, rejected):
    qid, author = rejected["question_id"], world.headers(rejected["author"])
    body = {"content_type": "question", "content_id": qid, "note": "It is a real question about our setup."}
    assert_error(client.post("/api/v1/moderation/appeals", json={**body, "note": "  "}, headers=author), 422, field="note")
    assert_error(client.post("/api/v1/moderation/appeals", json={k: v for k, v in body.items() if k != "note"},
                             headers=author), 422, field="note")
    assert_error(client.post("/api/v1/moderation/appeals", json=body, headers=world.headers(world.user("other"))), 404)
    assert_error(client.post("/api/v1/moderation/appeals", json={**body, "content_id": 9999}, headers=author), 404)
    assert_error(client.post("/api/v1/moderation/appeals", json=body), 401)
    resp = client.post("/api/v1/moderation/appeals", json=body, headers=author)
    assert resp.status_code == 201, resp.get_json()
    appeal = resp.get_json()
    assert (appeal["reason"], appeal["release_at"], appeal["appeal_note"]) == ("appeal", None, body["note"])
    assert_error(client.post("/api/v1/moderation/appeals", json=body, headers=author), 409)
    # the moderator who rejected it may not decide the appeal
    error = assert_error(client.post(f"/api/v1/moderation/queue/{appeal['id']}", json={"action": "approve"},
                                     headers=world.headers(rejected["first"])), 403)
    assert "another moderator" in error["message"]
    ok = client.post(f"/api/v1/moderation/queue/{appeal['id']}", json={"action": "approve", "note": "Fair enough"},
                     headers=world.headers(rejected["second"]))
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    question = world.get(Question, qid)
    assert (question.status, question.rejection_reason) == (ContentStatus.published, None)
    # published content is no longer rejected: no appeal (422)
    assert_error(client.post("/api/v1/moderation/appeals", json=body, headers=author), 422)


def test_a_refused_appeal_keeps_it_rejected_and_a_second_appeal_is_409(client, world, rejected):
    qid, author = rejected["question_id"], world.headers(rejected["author"])
    body = {"content_type": "question", "content_id": qid, "note": "Please look again."}
    appeal = client.post("/api/v1/moderation/appeals", json=body, headers=author).get_json()
    client.post(f"/api/v1/moderation/queue/{appeal['id']}", json={"action": "reject", "reason": "off_topic"},
                headers=world.headers(rejected["second"]))
    question = world.get(Question, qid)
    assert (question.status, question.rejection_reason) == (ContentStatus.rejected, "off_topic")
    assert_error(client.post("/api/v1/moderation/appeals", json=body, headers=author), 409)


def test_content_that_is_not_rejected_cannot_be_appealed(client, world, app):
    app.config["FROZEN_NOW"] = NOW
    author = world.user("author")
    question = world.run(lambda: ask(db.session.get(type(author), author.id)))
    assert_error(client.post("/api/v1/moderation/appeals", json={"content_type": "question", "content_id": question.id,
                                                                 "note": "why?"}, headers=world.headers(author)), 422)


def test_edit_and_resubmit_waits_for_a_moderator(client, world, rejected, app):
    qid, author = rejected["question_id"], world.headers(rejected["author"])
    patched = client.patch(f"/api/v1/questions/{qid}", json={"body": "A clearer question, without the link."},
                           headers=author)
    assert patched.status_code == 200 and patched.get_json()["status"] == "rejected"
    body = {"content_type": "question", "content_id": qid}
    assert_error(client.post("/api/v1/moderation/resubmissions", json=body, headers=world.headers(world.user("x"))), 404)
    resp = client.post("/api/v1/moderation/resubmissions", json=body, headers=author)
    assert resp.status_code == 200 and resp.get_json() == {**body, "status": "pending", "release_at": None}
    assert_error(client.post("/api/v1/moderation/resubmissions", json=body, headers=author), 422)
    items = _items(world, qid)
    assert items[-1][1:] == ("resubmitted", "open", None)
    # a resubmission is never released automatically
    assert world.run(lambda: release_due(NOW + dt.timedelta(days=30))) == 0
    assert world.get(Question, qid).status == ContentStatus.pending
    queue = client.get("/api/v1/moderation/queue", headers=world.headers(rejected["second"])).get_json()
    assert [(i["content_id"], i["reason"]) for i in queue["items"]] == [(qid, "resubmitted")]
    assert ItemStatus.open.value == queue["items"][0]["status"]
