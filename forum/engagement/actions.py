"""Engagement: appending to the event log (DESIGN.md: Engagement events and health reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import session as http_session

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.engagement.models import Event


def record_event(kind: str, user: Any = None, *, subject_type: str | None = None, subject_id: int | None = None,
                 category_id: int | None = None, value: float | None = None,
                 occurred_at: dt.datetime | None = None) -> Event:
    """Append one event; the organization is taken from the member at the time of the event."""
    event = _event(kind, user, subject_type=subject_type, subject_id=subject_id, category_id=category_id,
                   value=value, occurred_at=occurred_at)
    db.session.add(event)
    return event


def record_read_event(kind: str, user: Any = None, **fields: Any) -> None:
    """Append an event that happens while a page is only read (a search, the ask page opened):
    written and committed through ``db.side_write`` so the page's read never becomes a write."""
    with db.side_write() as side:
        side.add(_event(kind, user, **fields))


def _event(kind: str, user: Any, *, subject_type: str | None = None, subject_id: int | None = None,
           category_id: int | None = None, value: float | None = None,
           occurred_at: dt.datetime | None = None) -> Event:
    user = user if getattr(user, "is_authenticated", True) else None
    return Event(
        kind=kind,
        user_id=getattr(user, "id", None),
        organization_id=getattr(user, "organization_id", None),
        category_id=category_id,
        subject_type=subject_type,
        subject_id=subject_id,
        value=value,
        occurred_at=occurred_at or db.utcnow(),
    )


def record_visit(user: Any) -> None:
    """One `visit` event per member per UTC day and browser session; committed on its own."""
    today = db.utcnow().date().isoformat()
    if http_session.get("visit_day") == today:
        return
    now = db.utcnow()
    with db.side_write() as side:
        side.add(_event("visit", user, occurred_at=now))
        side.execute(sa.update(User).where(User.id == user.id).values(last_seen_at=now)
                     .execution_options(synchronize_session=False))
    http_session["visit_day"] = today
