"""Moderation: the pre-moderation queue (docs/rules.md: The NPS gate; docs/api.md: Moderation)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, enum_column
from forum.db import Base, intpk, user_fk, utcnow
from forum.moderation.rules import Mode


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
    # The queue's routing (docs/rules.md: The NPS gate): a strict-mode post judged negative about
    # the product, an escalation to customer success (the item stays open), and an appeal's
    # rejected item (the moderator who rejected it may not decide the appeal).
    negative: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    escalated_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    escalated_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    appeal_of_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("moderation_items.id", ondelete="SET NULL"))
    appeal_note: Mapped[str] = mapped_column(sa.Text, default="")

    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    escalated_by: Mapped[Optional[User]] = relationship(foreign_keys=[escalated_by_id], lazy="joined")
    appeal_of: Mapped[Optional["ModerationItem"]] = relationship(remote_side="ModerationItem.id",
                                                                 foreign_keys=[appeal_of_id], lazy="joined")

    __table_args__ = (sa.Index("ix_moderation_items_content", "content_type", "content_id"),)


class ModerationPolicy(Base):
    """The NPS gate's state of one scope, the community (`scope` "community") or a category
    ("category:<id>"): the computed mode with the inputs it was computed from, and an admin's
    override with its note and end (docs/rules.md: The NPS gate). One row per scope."""

    __tablename__ = "moderation_policies"

    id: Mapped[intpk]
    scope: Mapped[str] = mapped_column(sa.String(40), unique=True)
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id", ondelete="CASCADE"),
                                                       unique=True)
    mode: Mapped[Mode] = enum_column(Mode)
    nps: Mapped[Optional[float]] = mapped_column(sa.Float)
    responses: Mapped[int] = mapped_column(sa.Integer, default=0)
    margin: Mapped[Optional[float]] = mapped_column(sa.Float)
    window_days: Mapped[int] = mapped_column(sa.Integer)
    computed_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    from_fallback: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    override_mode: Mapped[Optional[Mode]] = enum_column(Mode, nullable=True)
    override_note: Mapped[str] = mapped_column(sa.Text, default="")
    override_until: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime, index=True)
    override_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    override_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)

    override_by: Mapped[Optional[User]] = relationship(foreign_keys=[override_by_id], lazy="joined")

    def override_active(self, now: dt.datetime) -> bool:
        """An override counts until its end; an expired one is ignored (and cleared by `forum tick`)."""
        return self.override_mode is not None and self.override_until is not None and self.override_until > now

    def __repr__(self) -> str:
        return f"<ModerationPolicy {self.scope} {self.mode}>"


# --------------------------------------------------------------------------- flags
# docs/rules.md, "The NPS gate": members with the flag privilege flag content with a reason;
# FLAGS_TO_HIDE flags from counting flaggers hide it until a moderator decides, and each flag's
# outcome (upheld or dismissed) follows that decision, so each flagger's accuracy can be read.

class FlagOutcome(enum.StrEnum):
    pending = "pending"
    upheld = "upheld"
    dismissed = "dismissed"


class Flag(Base):
    """One member's flag on one piece of content (once: unique per flagger and content)."""

    __tablename__ = "flags"

    id: Mapped[intpk]
    flagger_id: Mapped[int] = user_fk()
    content_type: Mapped[str] = mapped_column(sa.String(20))
    content_id: Mapped[int] = mapped_column(sa.Integer)
    content_author_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    reason: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)
    outcome: Mapped[FlagOutcome] = enum_column(FlagOutcome, default=FlagOutcome.pending, index=True)
    item_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("moderation_items.id", ondelete="SET NULL"))
    decided_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)

    flagger: Mapped[User] = relationship(foreign_keys=[flagger_id], lazy="joined", innerjoin=True)

    __table_args__ = (
        sa.UniqueConstraint("flagger_id", "content_type", "content_id"),
        sa.Index("ix_flags_content", "content_type", "content_id"),
    )

    def __repr__(self) -> str:
        return f"<Flag {self.flagger_id} {self.content_type}:{self.content_id} {self.reason} {self.outcome}>"
