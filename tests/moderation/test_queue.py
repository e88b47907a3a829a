"""The pre-moderation queue (forum/moderation): holding, deciding with reasons, audit, events."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.audit.models import AuditEntry
from forum.errors import Conflict, Forbidden, NotFound, RuleViolation
from forum.events import subscribe, unsubscribe
from forum.moderation import rules
from forum.moderation.actions import decide_item, hold_content
from forum.moderation.models import ItemStatus
from forum.moderation.queries import access_item, queue
from tests.factories import make_user


@pytest.fixture
def decided():
    seen = []

    def on_approved(_sender, **payload):
        seen.append(("approved", payload))

    def on_rejected(_sender, **payload):
        seen.append(("rejected", payload))

    subscribe("held_content_approved", on_approved)
    subscribe("held_content_rejected", on_rejected)
    yield seen
    unsubscribe("held_content_approved", on_approved)
    unsubscribe("held_content_rejected", on_rejected)


def test_the_rejection_reasons_are_the_api_list():
    assert set(rules.REJECTION_REASONS) == {"spam", "abuse", "personal_data", "off_topic", "duplicate"}
    assert "criticism" not in rules.REJECTION_REASONS


def test_queue_lists_open_items_oldest_first_for_moderators(session):
    author, moderator = make_user(), make_user(roles=("moderator",))
    first = hold_content("question", 1, reason="gate", excerpt="  first\n\n text " + "x" * 400, author_id=author.id)
    second = hold_content("question", 2, reason="gate", excerpt="second", author_id=author.id)
    assert first.excerpt.startswith("first text") and len(first.excerpt) == rules.EXCERPT_LENGTH
    assert list(session.scalars(queue(moderator))) == [first, second]
    with pytest.raises(Forbidden):
        queue(author)
    with pytest.raises(Forbidden):
        access_item(author, first.id)
    with pytest.raises(NotFound):
        access_item(moderator, 999)
    decide_item(moderator, first, action="approve")
    assert list(session.scalars(queue(moderator))) == [second]


def test_decisions_are_audited_announced_and_idempotent(session, decided):
    moderator = make_user(roles=("moderator",))
    item = hold_content("answer", 7, reason="gate", excerpt="text", author_id=make_user().id)
    with pytest.raises(RuleViolation) as exc:
        decide_item(moderator, item, action="reject", reason="criticism")
    assert exc.value.field == "reason" and item.status == ItemStatus.open
    decide_item(moderator, item, action="reject", reason="abuse", note="insults")
    decide_item(moderator, item, action="reject", reason="abuse")
    assert item.status == ItemStatus.rejected and item.decision_reason == "abuse" and item.note == "insults"
    assert [(kind, p["reason"]) for kind, p in decided] == [("rejected", "abuse")]
    with pytest.raises(Conflict):
        decide_item(moderator, item, action="approve")
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_type == "answer")).all()
    assert [(a.event_type, a.acting_user_id, a.extra["reason"]) for a in audit] == [
        ("moderation:answer:reject", moderator.id, "abuse")]
