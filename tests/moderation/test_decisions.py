"""Decisions on held posts (docs/rules.md: The NPS gate): approve publishes, reject with a reason
from the fixed list keeps the post rejected, escalate routes it to customer success and keeps it in
the queue; each is audited and told to the author, with the reason by its name and the note."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.audit.models import AuditEntry
from forum.errors import Conflict, RuleViolation
from forum.events import subscribe, unsubscribe
from forum.moderation.actions import decide_item
from forum.moderation.models import ItemStatus, ModerationItem
from forum.notifications.models import Notification
from forum.notifications.queries import notification_text
from forum.qa.models import ContentStatus
from tests.factories import answer, ask, make_user

NOW = dt.datetime(2026, 11, 2, 9, 0, 0)


@pytest.fixture
def published_events():
    seen = []

    def listener(name):
        def on_event(_sender, **payload):
            seen.append((name, payload))
        return on_event

    receivers = {name: listener(name) for name in ("question_published", "answer_published", "comment_published")}
    for name, receiver in receivers.items():
        subscribe(name, receiver)
    yield seen
    for name, receiver in receivers.items():
        unsubscribe(name, receiver)


def _held_question(freeze):
    freeze(NOW)
    author = make_user()
    question = ask(author)
    item = db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_id == question.id)).one()
    return author, question, item


def _notes(user):
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def test_approval_publishes_once_from_now_and_tells_the_author(session, freeze, published_events):
    author, question, item = _held_question(freeze)
    moderator = make_user(roles=("moderator",))
    freeze(NOW + dt.timedelta(hours=2))
    decide_item(moderator, item, action="approve", note="Welcome!")
    assert question.status == ContentStatus.published and question.release_at is None
    assert question.published_at == NOW + dt.timedelta(hours=2)
    assert [name for name, _ in published_events] == ["question_published"]
    decide_item(moderator, item, action="approve")  # repeating changes nothing
    assert len(published_events) == 1
    (note,) = _notes(author)
    assert note.kind == "post_approved_note" and note.url == f"/questions/{question.id}"
    assert "Welcome!" in notification_text(note)
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.event_type == "moderation:question:approve")).one()
    assert audit.acting_user_id == moderator.id


@pytest.mark.parametrize("reason", ["criticism", None, "", "other", 3])
def test_a_rejection_without_a_listed_reason_is_refused(session, freeze, reason):
    _author, question, item = _held_question(freeze)
    with pytest.raises(RuleViolation) as exc:
        decide_item(make_user(roles=("moderator",)), item, action="reject", reason=reason)
    assert exc.value.field == "reason" and question.status == ContentStatus.pending
    assert item.status == ItemStatus.open


def test_an_unknown_action_is_refused_on_the_action_field(session, freeze):
    _author, _question, item = _held_question(freeze)
    with pytest.raises(RuleViolation) as exc:
        decide_item(make_user(roles=("moderator",)), item, action="bury")
    assert exc.value.field == "action"


@pytest.mark.parametrize("reason", ["spam", "abuse", "personal_data", "off_topic", "duplicate"])
def test_rejection_keeps_the_post_with_its_reason_and_tells_the_author(session, freeze, reason, app):
    author, question, item = _held_question(freeze)
    decide_item(make_user(roles=("moderator",)), item, action="reject", reason=reason, note="See the rules.")
    assert question.status == ContentStatus.rejected and question.rejection_reason == reason
    assert question.release_at is None
    (note,) = _notes(author)
    assert note.kind == "post_rejected_note" and note.data["reason"] == reason
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        from flask_babel import refresh
        refresh()
        text = notification_text(note)
    assert "See the rules." in text and reason not in text  # the reason by its name, not its code


def test_a_rejected_answer_stays_uncounted_and_an_approved_one_counts(session, freeze):
    freeze(NOW)
    question = ask(make_user(roles=("moderator",)))
    moderator = make_user(roles=("moderator",))
    first, second = answer(make_user(), question), answer(make_user(), question)
    items = {i.content_id: i for i in session.scalars(sa.select(ModerationItem).where(ModerationItem.content_type == "answer"))}
    decide_item(moderator, items[first.id], action="reject", reason="spam")
    decide_item(moderator, items[second.id], action="approve")
    assert (first.status, second.status, question.answer_count) == (ContentStatus.rejected, ContentStatus.published, 1)
    with pytest.raises(Conflict):
        decide_item(moderator, items[first.id], action="approve")


def test_escalation_routes_to_customer_success_and_keeps_the_item_open(session, freeze):
    from forum.nps.models import Followup

    author, question, item = _held_question(freeze)
    moderator = make_user(roles=("moderator",))
    decide_item(moderator, item, action="escalate", note="An unhappy customer")
    decide_item(moderator, item, action="escalate")  # once
    assert item.status == ItemStatus.open and item.escalated_by_id == moderator.id
    assert question.status == ContentStatus.pending
    followup = session.scalars(sa.select(Followup)).one()
    assert (followup.content_type, followup.content_id, followup.user_id) == ("question", question.id, author.id)
    assert [n.kind for n in _notes(author)] == ["post_escalated_note"]
    assert session.scalars(sa.select(AuditEntry.event_type).where(AuditEntry.subject_id == question.id)).all() == [
        "moderation:question:escalate"]
    decide_item(moderator, item, action="approve")  # still decidable afterwards
    assert question.status == ContentStatus.published
