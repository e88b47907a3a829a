"""Engagement: the append-only event log every part writes to, and its daily roll-ups."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Base, intpk, utcnow


class Event(Base):
    """docs/rules.md: Engagement events. Rows are only ever inserted."""

    __tablename__ = "events"

    id: Mapped[intpk]
    occurred_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.Integer, index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    category_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[Optional[str]] = mapped_column(sa.String(20))
    subject_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    value: Mapped[Optional[float]] = mapped_column(sa.Float)

    __table_args__ = (sa.Index("ix_events_kind_time", "kind", "occurred_at"),)


class DailyRollup(Base):
    """Per-day, per-kind (and per category) counts, written by `forum tick` for closed days."""

    __tablename__ = "event_rollups"

    id: Mapped[intpk]
    day: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(40))
    category_id: Mapped[int] = mapped_column(sa.Integer, default=0)
    count: Mapped[int] = mapped_column(sa.Integer, default=0)
    users: Mapped[int] = mapped_column(sa.Integer, default=0)
    value_sum: Mapped[float] = mapped_column(sa.Float, default=0.0)

    __table_args__ = (sa.UniqueConstraint("day", "kind", "category_id"),)


class MemberDay(Base):
    """Per day, member and category (0 for events without one): how many events the member logged and
    how many of them were contributions (engagement.rules.CONTRIBUTION_KINDS). Written by `forum tick`
    beside the day's DailyRollup rows, so that distinct members over any span of days (WAU, MAU,
    contributors, cohorts) are read from one row per active member-day instead of every event
    (docs/rules.md: Health reports). The organization is the member's at the time of the events."""

    __tablename__ = "member_days"

    id: Mapped[intpk]
    day: Mapped[dt.date] = mapped_column(sa.Date)
    user_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    category_id: Mapped[int] = mapped_column(sa.Integer, default=0)
    events: Mapped[int] = mapped_column(sa.Integer, default=0)
    contributions: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (sa.UniqueConstraint("day", "user_id", "category_id"),)
