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

    __table_args__ = (
        sa.UniqueConstraint("day", "user_id", "category_id"),
        # Activation reads only the member-days with a contribution (a few per cent of them).
        sa.Index("ix_member_days_contributing", "day", "user_id", "category_id",
                 sqlite_where=sa.text("contributions > 0"), postgresql_where=sa.text("contributions > 0")),
    )


ALL_CATEGORIES = -1
"""The `category_id` of the roll-up rows (MemberWeek, ActiveDay) that count every category at once."""


class MemberWeek(Base):
    """Per ISO week (its Monday, UTC), member and category — and per week and member over every
    category (`category_id` ALL_CATEGORIES, -1) — the member's active events and contributions and
    the last day of the week they were active; rebuilt from the week's MemberDay rows whenever `forum
    tick` rolls up one of its days. Distinct members over whole weeks (the period's active members
    and contributors, weekly cohorts) read one row per member-week instead of one per member-day
    (docs/rules.md: Health reports). `signup_week` is the member's sign-up Monday, None when the
    row is of the sign-up week and none of its activity is from the sign-up day on: weekly
    cohorts are one grouped count over (signup_week, week), without reading the members."""

    __tablename__ = "member_weeks"

    id: Mapped[intpk]
    week: Mapped[dt.date] = mapped_column(sa.Date)
    user_id: Mapped[int] = mapped_column(sa.Integer)
    category_id: Mapped[int] = mapped_column(sa.Integer, default=ALL_CATEGORIES)
    last_day: Mapped[dt.date] = mapped_column(sa.Date)
    events: Mapped[int] = mapped_column(sa.Integer, default=0)
    contributions: Mapped[int] = mapped_column(sa.Integer, default=0)
    signup_week: Mapped[Optional[dt.date]] = mapped_column(sa.Date)

    __table_args__ = (sa.UniqueConstraint("week", "category_id", "user_id"),
                      sa.Index("ix_member_weeks_user_week", "user_id", "week"),
                      sa.Index("ix_member_weeks_cohort", "category_id", "signup_week", "week"),
                      # The period's active members and contributors: an index-only read of the weeks.
                      sa.Index("ix_member_weeks_members", "category_id", "week", "user_id", "contributions"))


class MemberLast(Base):
    """Per member and category — and per member over every category (ALL_CATEGORIES) — the last
    rolled-up day the member was active, the last one with a contribution and the first one with
    a contribution from the sign-up day on (``activated_day``); rebuilt from
    MemberDay for the members of the days each `forum tick` rolls up. A period that reaches the last
    rolled-up day (the dashboard's periods end today) counts its active members and contributors
    as the members whose last day is in it, one index range instead of a year of member-weeks
    (docs/rules.md: Health reports)."""

    __tablename__ = "member_lasts"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.Integer)
    category_id: Mapped[int] = mapped_column(sa.Integer, default=ALL_CATEGORIES)
    last_day: Mapped[dt.date] = mapped_column(sa.Date)
    last_contribution_day: Mapped[Optional[dt.date]] = mapped_column(sa.Date)
    activated_day: Mapped[Optional[dt.date]] = mapped_column(sa.Date)
    """The first rolled-up day with a contribution on or after the member's sign-up day (activation)."""

    __table_args__ = (sa.UniqueConstraint("user_id", "category_id"),
                      sa.Index("ix_member_lasts_day", "category_id", "last_day", "user_id", "last_contribution_day"))


class ActiveDay(Base):
    """Per rolled-up day and category — and per day over every category (ALL_CATEGORIES, -1) — the
    distinct active members and contributors: the DAU series without counting member-days."""

    __tablename__ = "active_days"

    id: Mapped[intpk]
    day: Mapped[dt.date] = mapped_column(sa.Date)
    category_id: Mapped[int] = mapped_column(sa.Integer, default=ALL_CATEGORIES)
    members: Mapped[int] = mapped_column(sa.Integer, default=0)
    contributors: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (sa.UniqueConstraint("day", "category_id"),)


class RollupMark(Base):
    """One row, written by each roll-up: the highest event id it saw (`event_id`) and the first day
    that was not closed yet (`day`). Every event up to `event_id` of a day before `day` has been
    rolled up, so `forum tick` finds late events by their id and counts only the days from `day`
    on again, instead of counting every day's events at each run. `version` goes up by one at each
    roll-up that rewrote a day: the health dashboard's cached reports are keyed by it."""

    __tablename__ = "event_rollup_marks"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(sa.Integer, default=0)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
