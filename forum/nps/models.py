"""NPS: survey answers, dismissed prompts and customer-success follow-ups (docs/rules.md: NPS)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Organization, Tier, User, enum_column
from forum.db import Base, created_at, intpk, user_fk, utcnow
from forum.qa.models import Category


class NpsResponse(Base):
    """One answer to the survey. The member's organization and its tier are kept as they were when
    the member answered, so scores per organization tier do not move when an organization changes."""

    __tablename__ = "nps_responses"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    organization_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    organization_tier: Mapped[Optional[Tier]] = enum_column(Tier, nullable=True)
    score: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    category_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")
    category: Mapped[Optional[Category]] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("score >= 0 AND score <= 10", name="score_range"),
        sa.Index("ix_nps_responses_user_created", "user_id", "created_at"),
    )

    def __repr__(self) -> str:
        return f"<NpsResponse {self.id} {self.score}>"


class NpsPromptDismissal(Base):
    """When a member last dismissed the in-page survey prompt (one row per member)."""

    __tablename__ = "nps_prompt_dismissals"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    dismissed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)


class FollowupSource(enum.StrEnum):
    nps = "nps"    # a detractor's survey answer
    post = "post"  # a held post, negative about the product, in strict mode


class FollowupStatus(enum.StrEnum):
    open = "open"
    contacted = "contacted"
    resolved = "resolved"


class Followup(Base):
    """A customer-success follow-up: whom to contact, why, and by when (docs/rules.md: NPS)."""

    __tablename__ = "followups"

    id: Mapped[intpk]
    source: Mapped[FollowupSource] = enum_column(FollowupSource)
    nps_response_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("nps_responses.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[Optional[str]] = mapped_column(sa.String(20))
    content_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    user_id: Mapped[int] = user_fk()
    organization_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    score: Mapped[Optional[int]] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[FollowupStatus] = enum_column(FollowupStatus, default=FollowupStatus.open, index=True)
    due_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")
    notes: Mapped[list["FollowupNote"]] = relationship(
        order_by="(FollowupNote.at, FollowupNote.id)", lazy="selectin", cascade="all, delete-orphan",
        back_populates="followup")

    __table_args__ = (sa.UniqueConstraint("content_type", "content_id"),)

    def __repr__(self) -> str:
        return f"<Followup {self.id} {self.source} {self.status}>"


class FollowupNote(Base):
    """Each status change of a follow-up with its note: who, when, what."""

    __tablename__ = "followup_notes"

    id: Mapped[intpk]
    followup_id: Mapped[int] = mapped_column(sa.ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    status: Mapped[FollowupStatus] = enum_column(FollowupStatus)
    note: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)

    followup: Mapped[Followup] = relationship(back_populates="notes")
    author: Mapped[Optional[User]] = relationship(lazy="joined")
