"""Notifications: telling a member something (any part, in its own transaction) and marking it read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.errors import RuleViolation
from forum.notifications.models import Notification


def notify(user_id: int, kind: str, url: str = "", **data: Any) -> Notification:
    """Queue an in-app notification in the caller's transaction. `kind` is a key of
    `rules.NOTIFICATION_TEXTS`; `data` holds the codes its sentence is filled with at read time."""
    notification = Notification(user_id=user_id, kind=kind, url=url, data=data)
    db.session.add(notification)
    return notification


def mark_notifications_read(user: Any, ids: Any = None) -> int:
    """Mark the member's notifications read: those listed, or all when `ids` is None (docs/api.md:
    Notifications). Returns how many changed."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id, Notification.read.is_(False))
    if ids is not None:
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise RuleViolation(_("ids must be a list of notification ids."), code="invalid", field="ids")
        stmt = stmt.where(Notification.id.in_(ids))
    return db.session.execute(stmt.values(read=True).execution_options(synchronize_session=False)).rowcount


def delete_member_notifications(user_id: int) -> None:
    """A deleted member's notifications go with their account (docs/rules.md: Personal data)."""
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user_id))
