"""A moderator's decision note has at most NOTE_MAX_CHARS characters (config.py), in the rule and
on the queue page."""

from __future__ import annotations

from typing import Any

import pytest

from forum import db
from forum.errors import RuleViolation
from forum.moderation.actions import decide_item, hold_content
from forum.moderation.models import ItemStatus
from tests.factories import make_user


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"NOTE_MAX_CHARS": 15}


def test_a_decision_note_has_at_most_note_max_chars(session):
    moderator = make_user(roles=("moderator",))
    item = hold_content("answer", 7, reason="gate", excerpt="text", author_id=make_user().id)
    with pytest.raises(RuleViolation, match="15") as exc:
        decide_item(moderator, item, action="reject", reason="abuse", note="x" * 16)
    assert exc.value.field == "note" and item.status == ItemStatus.open
    decide_item(moderator, item, action="reject", reason="abuse", note="x" * 15)
    assert item.status == ItemStatus.rejected


def test_the_queue_page_limits_the_note_field(app, client):
    with app.test_request_context():
        moderator_id = make_user(roles=("moderator",)).id
        hold_content("answer", 7, reason="gate", excerpt="held text", author_id=make_user().id)
        db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = str(moderator_id)
        s["_fresh"] = True
    html = client.get("/moderation/queue").get_data(as_text=True)
    assert "held text" in html and 'maxlength="15"' in html
