"""Notifications, a kernel service (forum/notifications/): what any part may tell a member."""

from __future__ import annotations

import pytest

from forum.errors import RuleViolation
from forum.notifications.actions import mark_notifications_read, notify
from forum.notifications.models import Notification
from forum.notifications.queries import notification_text, notifications_for, unread_count
from tests.factories import make_user


def test_mark_notifications_read(session):
    user, other = make_user(), make_user()
    first = notify(user.id, "roles_changed", roles="member")
    notify(user.id, "roles_changed", roles="member, cs")
    notify(other.id, "roles_changed", roles="member")
    session.flush()
    assert mark_notifications_read(user, [first.id]) == 1
    assert unread_count(user) == 1
    assert mark_notifications_read(user) == 1
    assert unread_count(user) == 0 and unread_count(other) == 1
    with pytest.raises(RuleViolation):
        mark_notifications_read(user, "all")


def test_a_notification_is_stored_as_codes_and_worded_when_read(session):
    member = make_user()
    notify(member.id, "idea_rejected", url="/ideas/2", title="Spam idea", reason="spam")
    session.flush()
    [note] = session.scalars(notifications_for(member)).all()
    assert isinstance(note, Notification) and note.data == {"title": "Spam idea", "reason": "spam"}
    assert notification_text(note).startswith("Your idea “Spam idea” was not published (")
    assert "(spam)" not in notification_text(note)  # the reason code is worded for the reader


def test_the_table_keeps_its_name_so_no_migration_moves_it():
    assert Notification.__tablename__ == "notifications"
