"""Moderation: the pre-moderation queue (DESIGN.md: The NPS gate; API.md: Moderation)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, enum_column
from forum.db import Base, intpk, user_fk, utcnow


class ItemStatus(enum.StrEnum):
    open = "open"
    approved = "approved"
    rejected = "rejected"


class ModerationItem(Base):
    """A piece of content held for a moderator: what, whose, why, until when, and the decision."""

    __tablename__ = "moderation_items"

    id: Mapped[intpk]
    content_type: Mapped[str] = mapped_column(sa.String(20))
    content_id: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.String(40))
    excerpt: Mapped[str] = mapped_column(sa.String(300), default="")
    author_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    held_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
    release_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    status: Mapped[ItemStatus] = enum_column(ItemStatus, default=ItemStatus.open, index=True)
    decided_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    decision_reason: Mapped[Optional[str]] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (sa.Index("ix_moderation_items_content", "content_type", "content_id"),)
