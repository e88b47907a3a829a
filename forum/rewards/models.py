"""Rewards: the points ledger, badges, ambassador terms (docs/rules.md: Points, Badges, Ambassador programme)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Base, created_at, intpk, user_fk


class PointEntry(Base):
    """One line of the append-only points ledger; never edited or deleted.

    `reason` is the POINTS key; the subject names what earned it (a question, an answer, an
    idea, an invited member, an NPS answer). An undo writes a compensating entry with the same
    reason and the opposite of the amount actually granted, pointing at it through `reverses`.
    `vote_id` names the vote that caused a vote entry (votes are deleted when withdrawn);
    `stage` the stage number of an `idea_stage_reached` entry.
    """

    __tablename__ = "point_entries"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    delta: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int] = mapped_column(sa.Integer)
    reverses: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("point_entries.id"), unique=True)
    vote_id: Mapped[Optional[int]] = mapped_column(sa.Integer, index=True)
    stage: Mapped[Optional[int]] = mapped_column(sa.Integer)
    actor_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    created_at: Mapped[created_at]

    __table_args__ = (
        sa.Index("ix_point_entries_user_time", "user_id", "created_at"),
        sa.Index("ix_point_entries_subject", "subject_type", "subject_id"),
    )

    def __repr__(self) -> str:
        return f"<PointEntry {self.id} u{self.user_id} {self.reason} {self.delta:+d}>"


class Badge(Base):
    """A badge of rules.BADGES, stored so that awards can refer to it (synced by slug)."""

    __tablename__ = "badges"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    tier: Mapped[str] = mapped_column(sa.String(10))
    description: Mapped[str] = mapped_column(sa.String(300), default="")


class UserBadge(Base):
    """A badge awarded to a member: once (a unique constraint), never taken back."""

    __tablename__ = "user_badges"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    badge_id: Mapped[int] = mapped_column(sa.ForeignKey("badges.id", ondelete="CASCADE"), index=True)
    awarded_at: Mapped[created_at]

    badge: Mapped[Badge] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "badge_id"),)


class AmbassadorTerm(Base):
    """One ambassador term: appointed with a note for AMBASSADOR_CRITERIA `term_days` (default 365);
    ended by revocation, lapse or its end date (`end_reason`). The rows are the programme's history
    and are kept."""

    __tablename__ = "ambassador_terms"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    appointed_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    end_reason: Mapped[Optional[str]] = mapped_column(sa.String(20))
    ended_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    end_note: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    appointed_by: Mapped[Optional[User]] = relationship(foreign_keys=[appointed_by_id], lazy="joined")

    __table_args__ = (sa.Index("ix_ambassador_terms_open", "user_id", "ended_at"),)
