"""The audit log: one row per audited change, written by the action that makes it."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.audit.models import AuditEntry


def record_audit(actor: Any, subject_type: str, subject_id: int, event_type: str, **extra: Any) -> AuditEntry:
    """An audit row written in the same transaction as the change (docs/architecture.md, "The rules
    of the house"); `event_type` is a ``"part:subject:action"`` tag, `actor` None for the command
    line and periodic jobs."""
    entry = AuditEntry(acting_user_id=actor.id if actor is not None else None, subject_type=subject_type,
                       subject_id=subject_id, event_type=event_type, extra=extra)
    db.session.add(entry)
    return entry
