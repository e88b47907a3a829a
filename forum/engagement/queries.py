"""Engagement's read helpers for the other parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.engagement.models import DailyRollup, Event


def has_logged(kind: str, user_id: int) -> bool:
    """Whether the event log holds an event of `kind` for the member (rewards: `activated` is once)."""
    first = sa.select(Event.id).where(Event.kind == kind, Event.user_id == user_id).limit(1)
    return db.session.scalar(first) is not None


def category_of(content_type: str | None, content_id: int | None) -> int | None:
    """The category of a question, answer, comment or idea (an answer's and a comment's is their
    question's), read in one statement; None for anything else. Events carry the category of the
    question so that reports can be filtered by category (docs/rules.md: Engagement events)."""
    from forum.ideas.models import Idea
    from forum.qa.models import Answer, Comment, Question

    if content_id is None or isinstance(content_id, bool):
        return None
    if content_type == "question":
        stmt = sa.select(Question.category_id).where(Question.id == content_id)
    elif content_type == "answer":
        stmt = sa.select(Question.category_id).join(Answer, Answer.question_id == Question.id).where(
            Answer.id == content_id)
    elif content_type == "comment":
        via_answer = sa.select(Answer.question_id).where(Answer.id == Comment.answer_id).scalar_subquery()
        question_id = sa.func.coalesce(Comment.question_id, via_answer)
        stmt = sa.select(Question.category_id).join(Comment, question_id == Question.id).where(Comment.id == content_id)
    elif content_type == "idea":
        stmt = sa.select(Idea.category_id).where(Idea.id == content_id)
    else:
        return None
    return db.session.scalar(stmt)


# ----------------------------------------------------------------------------- per organization (health reports)

def activity_by_organization(first: dt.date, split: dt.date, last: dt.date, *, today: dt.date,
                             until: dt.datetime, category_id: int | None = None) -> dict[int, dict[str, int]]:
    """Per organization (the member's organization when the events happened), over two adjacent
    periods of days, the previous one `first` … the day before `split` and the current one `split`
    … `last`: ``active`` and ``previous_active`` (distinct members with an event that makes them
    active, ``actions.member_activity``) and ``contributions`` (engagement.rules.CONTRIBUTION_KINDS,
    current period). Organizations without activity are absent.

    docs/rules.md: Health reports, per organization. Read as ``activity`` reads: member-day
    roll-ups (MemberDay) for rolled closed days, raw events for today and for days not rolled up
    yet; two statements for every organization at once."""
    from forum.engagement.actions import is_contribution, member_activity
    from forum.engagement.models import MemberDay

    last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    parts: list[Any] = []
    if last_rolled is not None:
        rolled = (sa.select(day_number(MemberDay.day).label("daynum"), MemberDay.user_id.label("user_id"),
                            MemberDay.organization_id.label("organization_id"),
                            MemberDay.contributions.label("contributions"))
                  .where(MemberDay.day >= first, MemberDay.day <= last_rolled, MemberDay.organization_id.is_not(None)))
        if category_id is not None:
            rolled = rolled.where(MemberDay.category_id == category_id)
        parts.append(rolled)
    if ranges:
        daynum = day_number(Event.occurred_at)
        raw = (sa.select(daynum.label("daynum"), Event.user_id.label("user_id"),
                         Event.organization_id.label("organization_id"),
                         sa.func.coalesce(sa.func.sum(sa.case((is_contribution(), 1), else_=0)), 0)
                         .label("contributions"))
               .where(_in_ranges(ranges), member_activity(), Event.organization_id.is_not(None))
               .group_by(daynum, Event.user_id, Event.organization_id))
        if category_id is not None:
            raw = raw.where(Event.category_id == category_id)
        parts.append(raw)
    if not parts:
        return {}
    days = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("org_activity")
    split_number = (split - EPOCH).days
    current = days.c.daynum >= split_number
    stmt = (sa.select(
        days.c.organization_id,
        sa.func.count(sa.distinct(sa.case((current, days.c.user_id)))).label("active"),
        sa.func.count(sa.distinct(sa.case((~current, days.c.user_id)))).label("previous_active"),
        sa.func.coalesce(sa.func.sum(sa.case((current, days.c.contributions), else_=0)), 0).label("contributions"))
        .group_by(days.c.organization_id))
    return {
        int(row.organization_id): {"active": int(row.active), "previous_active": int(row.previous_active),
                                   "contributions": int(row.contributions)}
        for row in db.session.execute(stmt)
    }


def supports_by_organization(since: dt.datetime, until: dt.datetime, *, category_id: int | None = None,
                             ) -> dict[int, int]:
    """Per organization (at the time of the event), the ideas its members supported in
    [since, until): distinct member-and-idea pairs of `support` events, so that supporting,
    withdrawing and supporting the same idea again counts once. One statement over the raw
    `support` events (the kind-and-time index), every organization at once."""
    pair = sa.cast(Event.user_id, sa.String) + ":" + sa.cast(Event.subject_id, sa.String)
    stmt = (sa.select(Event.organization_id, sa.func.count(sa.distinct(pair)))
            .where(Event.kind == "support", Event.occurred_at >= since, Event.occurred_at < until,
                   Event.organization_id.is_not(None), Event.user_id.is_not(None))
            .group_by(Event.organization_id))
    if category_id is not None:
        stmt = stmt.where(Event.category_id == category_id)
    return {int(org_id): int(n) for org_id, n in db.session.execute(stmt)}


# ----------------------------------------------------------------------------- health reports
# docs/rules.md, Health reports: closed days are read from the roll-ups (DailyRollup, MemberDay),
# today — and any closed day `forum tick` has not rolled up yet — from the raw events, so that a
# year's report reads about one row per active member-day, not every event. Days are numbered from
# 1970-01-01 (`day_number`) so the rolled and the raw halves line up on both databases.

EPOCH = dt.date(1970, 1, 1)


def day_number(column: Any) -> Any:
    """The days since 1970-01-01 of a date (or timestamp) column, as an integer, in SQL."""
    if db.dialect() == "postgresql":
        return sa.type_coerce(sa.cast(column, sa.Date) - sa.cast(sa.literal("1970-01-01"), sa.Date), sa.Integer)
    return sa.cast(sa.func.julianday(sa.func.date(column)) - 2440587.5, sa.Integer)


def date_of(column: Any) -> Any:
    """The UTC date of a timestamp column, in SQL, comparable with a Date column on both databases."""
    if db.dialect() == "postgresql":
        return sa.cast(column, sa.Date)
    return sa.func.date(column)


def as_day(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def _unrolled_ranges(first: dt.date, last: dt.date, today: dt.date,
                     until: dt.datetime) -> tuple[dt.date | None, list[tuple[dt.datetime, dt.datetime]]]:
    """The last closed day read from the roll-ups (None: none), and the time ranges of the days read
    raw: today, and closed days without roll-up rows (consecutive days in one range)."""
    rolled = {
        as_day_value(day) for day in db.session.scalars(
            sa.select(DailyRollup.day).where(DailyRollup.day >= first, DailyRollup.day <= last,
                                             DailyRollup.day < today).distinct())
    }
    ranges: list[tuple[dt.datetime, dt.datetime]] = []
    day = first
    while day <= last:
        if day >= today or day not in rolled:
            begin = dt.datetime.combine(day, dt.time())
            end = min(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), until)
            if ranges and ranges[-1][1] == begin:
                ranges[-1] = (ranges[-1][0], end)
            elif end > begin:
                ranges.append((begin, end))
        day += dt.timedelta(days=1)
    return (min(last, today - dt.timedelta(days=1)) if rolled else None), ranges


def as_day_value(value: Any) -> dt.date:
    """SQLite returns dates as text, PostgreSQL as dates."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _in_ranges(ranges: list[tuple[dt.datetime, dt.datetime]]) -> Any:
    return sa.or_(*[sa.and_(Event.occurred_at >= a, Event.occurred_at < b) for a, b in ranges])


def activity(first: dt.date, last: dt.date, *, today: dt.date, until: dt.datetime,
             category_id: int | None = None, contributing: bool = False, rolled_days: bool = True) -> Any:
    """A subquery of members' activity per day from `first` to `last`: ``daynum``, ``user_id``,
    ``events`` and ``contributions`` (engagement.rules.CONTRIBUTION_KINDS), one row per member-day
    (and category, for rolled days). Only events before `until` are read; with `category_id`, only
    events of that category; with `contributing`, only the member-days with a contribution; without
    `rolled_days`, only the days read raw."""
    from forum.engagement.actions import is_contribution, member_activity
    from forum.engagement.models import MemberDay

    last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    parts: list[Any] = []
    if last_rolled is not None and rolled_days:
        rolled = (sa.select(day_number(MemberDay.day).label("daynum"), MemberDay.user_id.label("user_id"),
                            MemberDay.events.label("events"), MemberDay.contributions.label("contributions"))
                  .where(MemberDay.day >= first, MemberDay.day <= last_rolled))
        if category_id is not None:
            rolled = rolled.where(MemberDay.category_id == category_id)
        if contributing:  # a literal 0, so that SQLite can read the partial index ix_member_days_contributing
            rolled = rolled.where(MemberDay.contributions > sa.literal_column("0"))
        parts.append(rolled)
    if ranges:
        daynum = day_number(Event.occurred_at)
        raw = (sa.select(daynum.label("daynum"), Event.user_id.label("user_id"), sa.func.count().label("events"),
                         sa.func.coalesce(sa.func.sum(sa.case((is_contribution(), 1), else_=0)), 0)
                         .label("contributions"))
               .where(_in_ranges(ranges), member_activity()).group_by(daynum, Event.user_id))
        if category_id is not None:
            raw = raw.where(Event.category_id == category_id)
        if contributing:
            raw = raw.having(sa.func.sum(sa.case((is_contribution(), 1), else_=0)) > 0)
        parts.append(raw)
    if not parts:
        parts.append(sa.select(sa.literal(0).label("daynum"), sa.literal(0).label("user_id"),
                               sa.literal(0).label("events"), sa.literal(0).label("contributions")).where(sa.false()))
    return (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("activity")


def kind_counts(first: dt.date, last: dt.date, kinds: Collection[str], *, today: dt.date, until: dt.datetime,
                category_id: int | None = None) -> dict[tuple[dt.date, str], int]:
    """(day, kind) → the number of events of `kinds` from `first` to `last`: the roll-ups' counts for
    rolled days, raw events for the others (as ``activity``)."""
    last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    counts: dict[tuple[dt.date, str], int] = {}
    if last_rolled is not None:
        stmt = (sa.select(DailyRollup.day, DailyRollup.kind, sa.func.sum(DailyRollup.count))
                .where(DailyRollup.day >= first, DailyRollup.day <= last_rolled, DailyRollup.kind.in_(list(kinds)))
                .group_by(DailyRollup.day, DailyRollup.kind))
        if category_id is not None:
            stmt = stmt.where(DailyRollup.category_id == category_id)
        for day, kind, n in db.session.execute(stmt):
            counts[(as_day_value(day), kind)] = int(n)
    if ranges:
        daynum = day_number(Event.occurred_at)
        stmt = (sa.select(daynum, Event.kind, sa.func.count())
                .where(_in_ranges(ranges), Event.kind.in_(list(kinds))).group_by(daynum, Event.kind))
        if category_id is not None:
            stmt = stmt.where(Event.category_id == category_id)
        for number, kind, n in db.session.execute(stmt):
            key = (as_day(number), kind)
            counts[key] = counts.get(key, 0) + int(n)
    return counts


def active_by_day(first: dt.date, last: dt.date, *, today: dt.date, until: dt.datetime,
                  category_id: int | None = None) -> dict[dt.date, int]:
    """Day → distinct active members (the DAU's daily values) from `first` to `last`: the ActiveDay
    rows of rolled days, raw events for the others (as ``activity``); days without any are absent."""
    from forum.engagement.actions import member_activity
    from forum.engagement.models import ALL_CATEGORIES, ActiveDay

    last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    found: dict[dt.date, int] = {}
    if last_rolled is not None:
        stmt = sa.select(ActiveDay.day, ActiveDay.members).where(
            ActiveDay.day >= first, ActiveDay.day <= last_rolled,
            ActiveDay.category_id == (ALL_CATEGORIES if category_id is None else category_id))
        found.update((as_day_value(day), int(n)) for day, n in db.session.execute(stmt))
    if ranges:
        daynum = day_number(Event.occurred_at)
        stmt = (sa.select(daynum, sa.func.count(sa.distinct(Event.user_id)))
                .where(_in_ranges(ranges), member_activity()).group_by(daynum))
        if category_id is not None:
            stmt = stmt.where(Event.category_id == category_id)
        for number, n in db.session.execute(stmt):
            found[as_day(number)] = found.get(as_day(number), 0) + int(n)
    return found


def rollup_version() -> int:
    """The roll-up mark's version: it goes up at each roll-up that rewrote a day (0 before any)."""
    from forum.engagement.models import RollupMark

    return int(db.session.scalar(sa.select(RollupMark.version).order_by(RollupMark.id).limit(1)) or 0)


def rolled_weeks(first: dt.date, last: dt.date, *, today: dt.date,
                 until: dt.datetime) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """The Mondays of the whole weeks from `first` to `last` whose days are all rolled up (read from
    MemberWeek), and the spans of the other days (first, last day; read per member-day)."""
    _last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    raw_days = set()
    for begin, end in ranges:
        day = begin.date()
        while dt.datetime.combine(day, dt.time()) < end:
            raw_days.add(day)
            day += dt.timedelta(days=1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    whole: list[dt.date] = []
    while monday + dt.timedelta(days=6) <= last:
        if not any(monday + dt.timedelta(days=i) in raw_days for i in range(7)):
            whole.append(monday)
        monday += dt.timedelta(days=7)
    spans: list[tuple[dt.date, dt.date]] = []
    day = first
    for week in whole + [last + dt.timedelta(days=1)]:
        if day < week:
            spans.append((day, week - dt.timedelta(days=1)))
        day = week + dt.timedelta(days=7)
    return whole, spans


def activated_members(joined: Any, window: int, first: dt.date, last: dt.date, *, today: dt.date,
                      until: dt.datetime, category_id: int | None = None) -> int:
    """How many members of `joined` (a subquery of ``id`` and ``created_at``) contributed on their
    sign-up day or in the `window` days after it, from `first` to `last`: those whose MemberLast
    ``activated_day`` is in their window, and those with a contribution in it on the days read raw
    (today, days not rolled up yet)."""
    from forum.engagement.models import ALL_CATEGORIES, MemberLast

    joined_day = day_number(joined.c.created_at)
    rolled_in_window = sa.and_(
        MemberLast.user_id == joined.c.id,
        MemberLast.category_id == (ALL_CATEGORIES if category_id is None else category_id),
        MemberLast.activated_day.is_not(None), day_number(MemberLast.activated_day) <= joined_day + window)
    rolled = db.session.scalar(sa.select(sa.func.count()).select_from(joined).join(MemberLast, rolled_in_window))
    act = activity(first, last, today=today, until=until, category_id=category_id, contributing=True,
                   rolled_days=False)
    raw = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(joined.c.id))).select_from(joined).join(act, act.c.user_id == joined.c.id)
        .where(act.c.daynum >= joined_day, act.c.daynum <= joined_day + window,
               ~sa.exists().where(rolled_in_window)))
    return int(rolled or 0) + int(raw or 0)


@dataclass(frozen=True)
class MemberCounts:
    """Distinct members of a span of days: those active, those with a contribution, and those active
    on or after its `recent_from` day (0 without one)."""

    active: int
    contributors: int
    recent: int


def _member_rows(first: dt.date, last: dt.date, *, today: dt.date, until: dt.datetime,
                 category_id: int | None, recent_from: dt.date | None, rolled_days: bool = True) -> list[Any]:
    """SELECTs of ``user_id``, ``contributed`` (1 or 0) and ``recent`` (1 when on or after
    `recent_from`) from `first` to `last`: one row per member-day (and category) of the rolled days,
    one per member over the days read raw (as ``activity``). Only the columns the distinct counts
    need: no day arithmetic per row. Without `rolled_days`, only the days read raw."""
    from forum.engagement.actions import is_contribution, member_activity
    from forum.engagement.models import MemberDay

    last_rolled, ranges = _unrolled_ranges(first, last, today, until)
    parts: list[Any] = []
    if last_rolled is not None and rolled_days:
        recent = sa.case((MemberDay.day >= recent_from, 1), else_=0) if recent_from else sa.literal(0)
        rolled = (sa.select(MemberDay.user_id.label("user_id"),
                            sa.case((MemberDay.contributions > 0, 1), else_=0).label("contributed"),
                            recent.label("recent"))
                  .where(MemberDay.day >= first, MemberDay.day <= last_rolled))
        if category_id is not None:
            rolled = rolled.where(MemberDay.category_id == category_id)
        parts.append(rolled)
    if ranges:
        since = dt.datetime.combine(recent_from, dt.time()) if recent_from else None
        recent = sa.func.max(sa.case((Event.occurred_at >= since, 1), else_=0)) if since else sa.literal(0)
        raw = (sa.select(Event.user_id.label("user_id"),
                         sa.func.max(sa.case((is_contribution(), 1), else_=0)).label("contributed"),
                         recent.label("recent"))
               .where(_in_ranges(ranges), member_activity()).group_by(Event.user_id))
        if category_id is not None:
            raw = raw.where(Event.category_id == category_id)
        parts.append(raw)
    return parts


def _count_members(parts: list[Any]) -> MemberCounts:
    """One grouped count (GROUP BY member, then a count of the groups) over the rows of `parts`: a
    hash or sorted aggregate on both databases, where COUNT(DISTINCT …) sorts once per column."""
    if not parts:
        return MemberCounts(0, 0, 0)
    rows = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("member_rows")
    per_member = (sa.select(sa.func.max(rows.c.contributed).label("contributed"),
                            sa.func.max(rows.c.recent).label("recent"))
                  .group_by(rows.c.user_id).subquery("per_member"))
    found = db.session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_member.c.contributed), 0),
                                         sa.func.coalesce(sa.func.sum(per_member.c.recent), 0))).one()
    return MemberCounts(int(found[0]), int(found[1]), int(found[2]))


def _reaches_last_rollup(last: dt.date) -> bool:
    """Whether no day after `last` is rolled up: then MemberLast's last days are all within `last`."""
    top = db.session.scalar(sa.select(sa.func.max(DailyRollup.day)))
    return top is None or as_day_value(top) <= last


def _last_rows(first: dt.date, category_id: int | None, recent_from: dt.date | None) -> Any:
    """MemberLast as rows for ``_count_members``: the members whose last rolled-up active day is on or
    after `first`, contributing when their last contribution is, recent when their last day is on
    or after `recent_from`."""
    from forum.engagement.models import ALL_CATEGORIES, MemberLast

    recent = sa.case((MemberLast.last_day >= recent_from, 1), else_=0) if recent_from else sa.literal(0)
    return (sa.select(MemberLast.user_id.label("user_id"),
                      sa.case((MemberLast.last_contribution_day >= first, 1), else_=0).label("contributed"),
                      recent.label("recent"))
            .where(MemberLast.category_id == (ALL_CATEGORIES if category_id is None else category_id),
                   MemberLast.last_day >= first))


def active_members(first: dt.date, last: dt.date, *, today: dt.date, until: dt.datetime,
                   category_id: int | None = None, recent_from: dt.date | None = None) -> MemberCounts:
    """Distinct members active from `first` to `last` (events before `until`; with `category_id`,
    of that category), those with a contribution, and those active from `recent_from` on (MAU and
    WAU in one statement). Raw events for the days not rolled up; for the rolled-up days, when no
    later day is rolled up (a period reaching today or yesterday), the members' last days
    (MemberLast: one row per member), otherwise member-day roll-ups."""
    if _reaches_last_rollup(last):
        return _count_members([_last_rows(first, category_id, recent_from)] + _member_rows(
            first, last, today=today, until=until, category_id=category_id, recent_from=recent_from,
            rolled_days=False))
    return _count_members(_member_rows(first, last, today=today, until=until, category_id=category_id,
                                       recent_from=recent_from))


def active_members_by_week(first: dt.date, last: dt.date, *, today: dt.date, until: dt.datetime,
                           category_id: int | None = None) -> MemberCounts:
    """As ``active_members`` (without `recent`; the same when the period reaches the last rolled-up
    day), reading whole weeks whose days are all rolled up from MemberWeek (one row per
    member-week) and only the other days per member-day: the period's active members and
    contributors over a year read ~13 rows per member, not one per active day."""
    from forum.engagement.models import ALL_CATEGORIES, MemberWeek

    if _reaches_last_rollup(last):
        return active_members(first, last, today=today, until=until, category_id=category_id)
    whole, spans = rolled_weeks(first, last, today=today, until=until)
    parts: list[Any] = []
    if whole:
        weeks = (sa.select(MemberWeek.user_id.label("user_id"),
                           sa.case((MemberWeek.contributions > 0, 1), else_=0).label("contributed"),
                           sa.literal(0).label("recent"))
                 .where(MemberWeek.category_id == (ALL_CATEGORIES if category_id is None else category_id),
                        MemberWeek.week >= whole[0], MemberWeek.week <= whole[-1]))
        if len(whole) != (whole[-1] - whole[0]).days // 7 + 1:
            weeks = weeks.where(MemberWeek.week.in_(whole))
        parts.append(weeks)
    for begin, end in spans:
        parts += _member_rows(begin, end, today=today, until=until, category_id=category_id, recent_from=None)
    return _count_members(parts)
