"""The audit log's reads: the admins' log page, newest first, filtered by event type prefix."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.audit.models import AuditEntry


def entries(prefix: str | None = None) -> sa.Select[Any]:
    """Audit rows, newest first; `prefix` keeps those whose event type starts with it
    ("moderation:", "accounts:user:"), matched literally (no wildcards)."""
    stmt = sa.select(AuditEntry)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(AuditEntry.event_type.like(escaped + "%", escape="\\"))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def actors_of(rows: list[AuditEntry]) -> dict[int, User]:
    """The acting members of a page of rows, by id, in one statement."""
    ids = {r.acting_user_id for r in rows if r.acting_user_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def event_prefixes() -> list[str]:
    """The filters the page offers: each part ("moderation:") and part:subject ("moderation:question:")
    found in the log, in one statement."""
    types = db.session.scalars(sa.select(AuditEntry.event_type).distinct())
    prefixes: set[str] = set()
    for event_type in types:
        parts = event_type.split(":")
        for depth in range(1, min(len(parts), 3)):
            prefixes.add(":".join(parts[:depth]) + ":")
    return sorted(prefixes)
