"""Engagement: appending to the event log (DESIGN.md: Engagement events and health reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import session as http_session

from forum import db
from forum.engagement.models import Event


def record_event(kind: str, user: Any = None, *, subject_type: str | None = None, subject_id: int | None = None,
                 category_id: int | None = None, value: float | None = None,
                 occurred_at: dt.datetime | None = None) -> Event:
    """Append one event; the organization is taken from the member at the time of the event."""
    event = Event(
        kind=kind,
        user_id=getattr(user, "id", None),
        organization_id=getattr(user, "organization_id", None),
        category_id=category_id,
        subject_type=subject_type,
        subject_id=subject_id,
        value=value,
        occurred_at=occurred_at or db.utcnow(),
    )
    db.session.add(event)
    return event


def record_visit(user: Any) -> None:
    """One `visit` event per member per UTC day and browser session; committed on its own."""
    today = db.utcnow().date().isoformat()
    if http_session.get("visit_day") == today:
        return
    record_event("visit", user)
    user.last_seen_at = db.utcnow()
    db.commit()
    http_session["visit_day"] = today
