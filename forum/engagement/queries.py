"""Engagement's read helpers for the other parts."""

from __future__ import annotations

import sqlalchemy as sa

from forum import db
from forum.engagement.models import Event


def has_logged(kind: str, user_id: int) -> bool:
    """Whether the event log holds an event of `kind` for the member (rewards: `activated` is once)."""
    first = sa.select(Event.id).where(Event.kind == kind, Event.user_id == user_id).limit(1)
    return db.session.scalar(first) is not None
