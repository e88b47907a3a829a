"""Q&A: categories, tags, questions, answers, comments, votes, follows."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, enum_column
from forum.db import Base, created_at, intpk, user_fk, utcnow


class ContentStatus(enum.StrEnum):
    """docs/api.md: Visibility."""

    published = "published"
    pending = "pending"
    rejected = "rejected"
    hidden = "hidden"
    deleted = "deleted"


class PostType(enum.StrEnum):
    question = "question"
    answer = "answer"


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(80))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    ambassadors_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[created_at]


question_tags = sa.Table(
    "question_tags",
    Base.metadata,
    sa.Column("question_id", sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    created_at: Mapped[created_at]


class _Post:
    """Columns every moderated post shares (status and its explanation)."""

    status: Mapped[ContentStatus] = enum_column(ContentStatus, default=ContentStatus.published, index=True)
    release_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    rejection_reason: Mapped[Optional[str]] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]
    published_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)


class Question(_Post, Base):
    __tablename__ = "questions"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(sa.String(200))
    author_id: Mapped[int] = user_fk()
    category_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    view_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    answer_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    accepted_answer_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("answers.id", ondelete="SET NULL", use_alter=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)
    last_activity_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    category: Mapped[Optional[Category]] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, lazy="selectin", order_by=Tag.name)
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="question", foreign_keys="Answer.question_id", order_by="Answer.created_at")
    comments: Mapped[list["Comment"]] = relationship(
        primaryjoin="Comment.question_id == Question.id", order_by="Comment.created_at", viewonly=True)

    __table_args__ = (
        sa.Index("ix_questions_status_created", "status", "created_at"),
        sa.Index("ix_questions_status_score", "status", "score"),
        # The list's sorts (forum/qa/rules.py SORTS, ties by id) walked in order, for the anonymous list
        # (status = published) and for members, whose `published OR mine` cannot seek on status.
        sa.Index("ix_questions_status_score_created", "status", "score", "created_at"),
        sa.Index("ix_questions_status_active", "status", "last_activity_at"),
        sa.Index("ix_questions_created_id", "created_at", "id"),
        sa.Index("ix_questions_score_created", "score", "created_at"),
    )

    post_type = PostType.question


class Answer(_Post, Base):
    __tablename__ = "answers"

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = user_fk()
    score: Mapped[int] = mapped_column(sa.Integer, default=0)
    official: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    official_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    question: Mapped[Question] = relationship(back_populates="answers", foreign_keys=[question_id])
    comments: Mapped[list["Comment"]] = relationship(
        primaryjoin="Comment.answer_id == Answer.id", order_by="Comment.created_at", viewonly=True)

    post_type = PostType.answer


class Comment(_Post, Base):
    __tablename__ = "comments"

    id: Mapped[intpk]
    question_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = user_fk()

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class Vote(Base):
    """One vote per member per post, enforced by the database (docs/architecture.md)."""

    __tablename__ = "votes"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    post_type: Mapped[PostType] = enum_column(PostType, length=10)
    post_id: Mapped[int] = mapped_column(sa.Integer)
    post_author_id: Mapped[int] = user_fk()
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    created_at: Mapped[created_at]

    __table_args__ = (
        sa.UniqueConstraint("user_id", "post_type", "post_id"),
        sa.Index("ix_votes_post", "post_type", "post_id"),
        sa.Index("ix_votes_voter_author_time", "user_id", "post_author_id", "created_at"),
    )


class Follow(Base):
    __tablename__ = "follows"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[created_at]

    __table_args__ = (sa.UniqueConstraint("user_id", "question_id"),)
