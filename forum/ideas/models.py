"""Ideas: the idea board (docs/rules.md: The idea board) — ideas, supports, status history, comments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, enum_column
from forum.db import Base, created_at, intpk, user_fk, utcnow
from forum.qa.models import Category


class IdeaStatus(enum.StrEnum):
    """docs/api.md: Ideas. `pending` and `rejected` are unpublished; every other status is public."""

    pending = "pending"
    rejected = "rejected"
    gathering = "gathering"
    in_review = "in_review"
    on_hold = "on_hold"
    approved = "approved"
    not_approved = "not_approved"
    shipped = "shipped"
    expired = "expired"
    merged = "merged"


class Importance(enum.StrEnum):
    nice_to_have = "nice_to_have"
    important = "important"
    must_have = "must_have"


class Idea(Base):
    __tablename__ = "ideas"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    description_html: Mapped[str] = mapped_column(sa.Text)
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int] = user_fk()
    status: Mapped[IdeaStatus] = enum_column(IdeaStatus, default=IdeaStatus.pending, index=True)
    # The number of stage thresholds reached (0 … len(IDEA_STAGES)); never decreases.
    stage: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Counted in SQL (`supporters = supporters + 1`), never read-modify-written in Python.
    supporters: Mapped[int] = mapped_column(sa.Integer, default=0)
    deadline: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime, index=True)
    review_due: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    published_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    decision_note: Mapped[Optional[str]] = mapped_column(sa.Text)
    release_url: Mapped[Optional[str]] = mapped_column(sa.String(500))
    rejection_reason: Mapped[Optional[str]] = mapped_column(sa.String(40))
    merged_into_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ideas.id", ondelete="SET NULL"))
    image_name: Mapped[Optional[str]] = mapped_column(sa.String(80))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    category: Mapped[Optional[Category]] = relationship(lazy="joined")
    history: Mapped[list["IdeaHistory"]] = relationship(
        order_by="(IdeaHistory.at, IdeaHistory.id)", lazy="selectin", cascade="all, delete-orphan",
        back_populates="idea")

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status}>"

    # The board's sorts (forum/ideas/queries.py: newest, supporters), ties by id.
    __table_args__ = (sa.Index("ix_ideas_created_id", "created_at", "id"),
                      sa.Index("ix_ideas_supporters_created", "supporters", "created_at"))


class IdeaSupport(Base):
    """One support per member per idea (a unique constraint)."""

    __tablename__ = "idea_supports"

    id: Mapped[intpk]
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = user_fk()
    importance: Mapped[Optional[Importance]] = enum_column(Importance, nullable=True)
    comment: Mapped[str] = mapped_column(sa.String(280), default="")
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.UniqueConstraint("idea_id", "user_id"),)


class IdeaHistory(Base):
    """Every status change of an idea: what, when, who and why (shown on the idea page)."""

    __tablename__ = "idea_history"

    id: Mapped[intpk]
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    status: Mapped[IdeaStatus] = enum_column(IdeaStatus)
    stage: Mapped[int] = mapped_column(sa.Integer, default=0)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)
    actor_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    note: Mapped[str] = mapped_column(sa.Text, default="")

    idea: Mapped[Idea] = relationship(back_populates="history")
    actor: Mapped[Optional[User]] = relationship(lazy="joined")


class IdeaComment(Base):
    """Comments on an idea; the author's own comments are shown as the idea's updates."""

    __tablename__ = "idea_comments"

    id: Mapped[intpk]
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = user_fk()
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="published")
    created_at: Mapped[created_at]

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
