"""POST /api/v1/flags (docs/api.md, Moderation): 201, the order of checks 401, 400, 404, 403, 422,
idempotence (200), hiding at FLAGS_TO_HIDE and the queue's decision."""

from __future__ import annotations

from typing import Any

import pytest

from forum.qa.models import Answer, ContentStatus, Question
from tests.api.conftest import assert_error


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MODERATION_FALLBACK_MODE": "open"}


def _setup(world: Any) -> tuple[Any, Any, dict[str, str]]:
    author = world.user(points=200)
    question = world.question(author)
    flagger = world.user(points=15)
    return author, question, world.headers(flagger)


def test_flag_is_created_then_idempotent(client, world):
    _author, question, headers = _setup(world)
    body = {"content_type": "question", "content_id": question.id, "reason": "spam", "note": "buy now"}
    resp = client.post("/api/v1/flags", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["content_type"] == "question" and data["reason"] == "spam" and data["outcome"] == "pending"
    again = client.post("/api/v1/flags", json=body | {"reason": "abuse"}, headers=headers)
    assert again.status_code == 200 and again.get_json()["id"] == data["id"] and again.get_json()["reason"] == "spam"


def test_the_order_of_checks(client, world):
    author, question, headers = _setup(world)
    poor = world.headers(world.user(points=3))
    good = {"content_type": "question", "content_id": question.id, "reason": "spam"}
    assert_error(client.post("/api/v1/flags", json=good), 401)
    assert_error(client.post("/api/v1/flags", data="{not json", headers=headers | {"Content-Type": "application/json"}),
                 400)
    assert_error(client.post("/api/v1/flags", json=good | {"content_id": 9999}, headers=poor), 404)
    error = assert_error(client.post("/api/v1/flags", json=good | {"reason": "nope"}, headers=poor), 403)
    assert "15" in error["message"] and "3" in error["message"]
    assert_error(client.post("/api/v1/flags", json=good | {"reason": "criticism"}, headers=headers), 422,
                 field="reason")
    assert_error(client.post("/api/v1/flags", json=good | {"content_type": "vote"}, headers=headers), 422,
                 field="content_type")
    assert_error(client.post("/api/v1/flags", json=good, headers=world.headers(author)), 422, field="content_id")
    hidden = world.question(author, "A question waiting for review", status="pending")
    assert_error(client.post("/api/v1/flags", json=good | {"content_id": hidden.id}, headers=headers), 404)


def test_three_flags_hide_and_the_queue_decides(client, world):
    author = world.user(points=200)
    question = world.question(author)
    answer = world.answer(author, question)
    for _ in range(3):
        resp = client.post("/api/v1/flags", json={"content_type": "answer", "content_id": answer.id, "reason": "spam"},
                           headers=world.headers(world.user(points=20)))
        assert resp.status_code == 201
    assert world.get(Answer, answer.id).status == ContentStatus.hidden
    shown = client.get(f"/api/v1/questions/{question.id}").get_json()
    assert shown["answer_count"] == 0 and answer.id not in [a["id"] for a in shown.get("answers", [])]
    moderator = world.headers(world.user(roles=("moderator",)))
    queue = client.get("/api/v1/moderation/queue", headers=moderator).get_json()["items"]
    [item] = [i for i in queue if i["content_type"] == "answer" and i["content_id"] == answer.id]
    assert item["reason"] == "flagged" and item["release_at"] is None
    resp = client.post(f"/api/v1/moderation/queue/{item['id']}", json={"action": "approve"}, headers=moderator)
    assert resp.status_code == 200
    assert world.get(Answer, answer.id).status == ContentStatus.published
    assert world.get(Question, question.id).answer_count == 1
