"""With REDIS_URL the question page's views are buffered in Redis (one list every worker and machine
shares) and the tick's flush moves them into the counters; runs only with TEST_REDIS_URL."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from forum import db
from forum.qa import actions as qa_actions
from forum.qa.models import Question
from forum.qa import viewbuffer
from forum.qa.viewbuffer import RedisViewBuffer
from tests.conftest import redis_url
from tests.factories import ask, make_user

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "REDIS_URL": redis_url()}


@pytest.fixture
def own_list(monkeypatch: pytest.MonkeyPatch) -> str:
    """A list of this test's own: other tests (in this process and in the other test workers) buffer
    views in the shared Redis too. What this process still holds of theirs is written first."""
    viewbuffer._held.flush()
    key = f"{RedisViewBuffer.KEY}:test:{uuid.uuid4().hex}"
    monkeypatch.setattr(RedisViewBuffer, "KEY", key)
    return key


def test_views_go_to_redis_and_the_flush_counts_them_once(app, own_list):
    with app.app_context():
        question = ask(make_user(), title="Counted in Redis?", body="Every view, once.")
        db.commit()
        qid = question.id
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/questions/{qid}").status_code == 200
    with app.app_context():
        buffer = qa_actions.view_buffer()
        assert isinstance(buffer, RedisViewBuffer)
        viewbuffer._held.flush()  # what this process holds (as at its exit, or VIEW_FLUSH_SECONDS after the first)
        assert buffer.redis.llen(RedisViewBuffer.KEY) == 3
        assert qa_actions.view_buffer().redis is buffer.redis  # one client per process
        assert qa_actions.flush_view_counts() == 3
        db.commit()
        assert qa_actions.flush_view_counts() == 0
        assert db.session.get(Question, qid).view_count == 3
