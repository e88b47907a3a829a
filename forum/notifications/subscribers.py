"""Notifications follow the members' accounts: a deleted member's notifications are removed in the
same transaction (docs/rules.md: Personal data)."""

from __future__ import annotations

from typing import Any

from forum.events import DomainEvent, on
from forum.notifications import actions


@on(DomainEvent.MEMBER_DELETED)
def on_member_deleted(_session: Any, *, user_id: int, **_: Any) -> None:
    actions.delete_member_notifications(user_id)
