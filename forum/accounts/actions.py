"""Accounts: every state change of members, roles, organizations, tokens and notifications."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.accounts.models import AuditEntry, Notification, User


def notify(user_id: int, kind: str, url: str = "", **data: Any) -> Notification:
    """Queue an in-app notification; its text is `NOTIFICATION_TEXTS[kind]` rendered at read time."""
    notification = Notification(user_id=user_id, kind=kind, url=url, data=data)
    db.session.add(notification)
    return notification


def record_audit(actor: User | None, subject_type: str, subject_id: int, event_type: str, **extra: Any) -> AuditEntry:
    """STYLE.md rule 8: an audit row written in the same transaction as the change."""
    entry = AuditEntry(acting_user_id=actor.id if actor is not None else None, subject_type=subject_type,
                       subject_id=subject_id, event_type=event_type, extra=extra)
    db.session.add(entry)
    return entry
