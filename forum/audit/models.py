"""The audit log's rows."""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Base, created_at, intpk, user_fk


class AuditEntry(Base):
    """Who did what to whom (docs/architecture.md): role changes, moderation, overrides, decisions."""

    __tablename__ = "audit_log"

    id: Mapped[intpk]
    acting_user_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int] = mapped_column(sa.Integer)
    event_type: Mapped[str] = mapped_column(sa.String(80))
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[created_at]
