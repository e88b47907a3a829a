"""Engagement: appending to the event log and rolling it up per day (docs/rules.md: Engagement events and
health reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forum import db
from forum.engagement.models import (ALL_CATEGORIES, ActiveDay, DailyRollup, Event, MemberDay, MemberLast, MemberWeek,
                                     RollupMark)
from forum.engagement.rules import CONTRIBUTION_KINDS, PASSIVE_KINDS


def record_event(kind: str, user: Any = None, *, subject_type: str | None = None, subject_id: int | None = None,
                 category_id: int | None = None, value: float | None = None,
                 occurred_at: dt.datetime | None = None) -> Event:
    """Append one event; the organization is taken from the member at the time of the event."""
    event = _event(kind, user, subject_type=subject_type, subject_id=subject_id, category_id=category_id,
                   value=value, occurred_at=occurred_at)
    db.session.add(event)
    return event


def record_read_event(kind: str, user: Any = None, **fields: Any) -> None:
    """Append an event that happens while a page is only read (a search, the ask page opened):
    written and committed through ``db.side_write`` so the page's read never becomes a write."""
    with db.side_write() as side:
        side.add(_event(kind, user, **fields))


def _event(kind: str, user: Any, *, subject_type: str | None = None, subject_id: int | None = None,
           category_id: int | None = None, value: float | None = None,
           occurred_at: dt.datetime | None = None) -> Event:
    user = user if getattr(user, "is_authenticated", True) else None
    return Event(
        kind=kind,
        user_id=getattr(user, "id", None),
        organization_id=getattr(user, "organization_id", None),
        category_id=category_id,
        subject_type=subject_type,
        subject_id=subject_id,
        value=value,
        occurred_at=occurred_at or db.utcnow(),
    )


def record_visit(session: Session, user: Any, at: dt.datetime) -> None:
    """The `visit` event (docs/rules.md: Engagement events), added to `session`: the one side write the
    `user_visited` event is announced on (forum/__init__.py, the request hook)."""
    session.add(_event("visit", user, occurred_at=at))


def record_views(views: list[dict[str, Any]]) -> int:
    """One `view_question` event per buffered page view (``question_views_flushed``: the tick's
    flush), in one bulk insert: the viewer and organization as buffered at the view (none when
    anonymous), the question's category, the time of the view. Returns the number of events."""
    if not views:
        return 0
    db.session.execute(sa.insert(Event.__table__), [
        {"kind": "view_question", "user_id": v.get("user_id"), "organization_id": v.get("organization_id"),
         "category_id": v.get("category_id"), "subject_type": "question", "subject_id": v["question_id"],
         "value": None, "occurred_at": v["at"]}
        for v in views])
    return len(views)


# ----------------------------------------------------------------------------- daily roll-ups

def _as_date(value: Any) -> dt.date:
    """SQLite's date() returns text, PostgreSQL's a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def days_to_roll_up(before: dt.date) -> list[dt.date]:
    """Closed days (before `before`) whose roll-up is missing or no longer matches the raw events.

    Events are append-only, so a day's event count equal to the sum of its roll-up counts (and its
    count of members' active events equal to the sum of its member-day rows) means the day is
    rolled up; events written late for a closed day (imports, generated data) make the counts
    differ and the day is computed again. Only the days that can have changed since the last
    roll-up (``RollupMark``) are counted: the days of the events with a higher id than it saw,
    and the days from the two before its first open day on (open then, or closed around its run
    by events committed out of id order). Without a mark every day is compared once."""
    mark = db.session.execute(sa.select(RollupMark.event_id, RollupMark.day).order_by(RollupMark.id).limit(1)).first()
    if mark is None or mark.day is None:
        return _stale_days(before, None, None)
    since = min(_as_date(mark.day) - dt.timedelta(days=2), before)
    day_of = sa.func.date(Event.occurred_at)
    late = {_as_date(day) for day in db.session.scalars(
        sa.select(day_of).where(Event.id > mark.event_id, Event.occurred_at < _day_start(since)).distinct())}
    return _stale_days(before, since, sorted(late))


def _stale_days(before: dt.date, since: dt.date | None, late: list[dt.date] | None) -> list[dt.date]:
    """Of the days from `since` to the day before `before` and the days `late` (`since` None: every
    day), those whose roll-up rows do not match their events."""
    day_of = sa.func.date(Event.occurred_at)
    active = sa.func.coalesce(sa.func.sum(sa.case((member_activity(), 1), else_=0)), 0)
    counted = sa.select(day_of, sa.func.count(), active).where(Event.occurred_at < _day_start(before))
    days: list[dt.date] | None = None
    if since is not None:
        days = sorted(set(late or ()) | {since + dt.timedelta(days=i) for i in range((before - since).days)})
        counted = counted.where(sa.or_(Event.occurred_at >= _day_start(since), *[
            sa.and_(Event.occurred_at >= _day_start(d), Event.occurred_at < _day_start(d + dt.timedelta(days=1)))
            for d in late or ()]))
    raw = {_as_date(day): (n, int(a)) for day, n, a in db.session.execute(counted.group_by(day_of))}

    def per_day(stmt: Any, column: Any) -> Any:
        stmt = stmt.where(column < before)
        return stmt if days is None else stmt.where(column.in_(days))

    rolled = {_as_date(day): int(n) for day, n in db.session.execute(per_day(
        sa.select(DailyRollup.day, sa.func.sum(DailyRollup.count)), DailyRollup.day).group_by(DailyRollup.day))}
    member_rows = {_as_date(day): int(n) for day, n in db.session.execute(per_day(
        sa.select(MemberDay.day, sa.func.sum(MemberDay.events)), MemberDay.day).group_by(MemberDay.day))}
    counted_days = {_as_date(day) for day in db.session.scalars(per_day(
        sa.select(ActiveDay.day).where(ActiveDay.category_id == ALL_CATEGORIES), ActiveDay.day))}
    stale = [day for day, (n, a) in raw.items()
             if rolled.get(day) != n or member_rows.get(day, 0) != a or (a and day not in counted_days)]
    gone = [day for day in set(rolled) | set(member_rows) | counted_days if day not in raw]
    return sorted(stale) + sorted(gone)


def member_activity() -> sa.ColumnElement[bool]:
    """An event that makes its member active that day: it has a member and is not logged about them
    (engagement.rules.PASSIVE_KINDS)."""
    return sa.and_(Event.user_id.is_not(None), Event.kind.not_in(PASSIVE_KINDS))


def is_contribution() -> sa.ColumnElement[bool]:
    return Event.kind.in_(CONTRIBUTION_KINDS)


def roll_up_day(day: dt.date, *, weeks: bool = True) -> int:
    """Replace the day's roll-up rows: per kind and category (0 for none), the number of events,
    of distinct members and the sum of values; per member and category the member's active
    events and contributions (``MemberDay``); per category and over every category the distinct
    active members and contributors (``ActiveDay``); and (unless `weeks` is false: the caller
    rebuilds the weeks once, ``roll_up_week``, and the members' last days, ``roll_up_lasts``) the
    member-week rows of the day's week and the day's members' MemberLast rows.
    Re-running it for a day gives the same rows. Returns the number of DailyRollup rows written."""
    start, end = _day_start(day), _day_start(day + dt.timedelta(days=1))
    category = sa.func.coalesce(Event.category_id, 0)
    rows = db.session.execute(
        sa.select(Event.kind, category, sa.func.count(), sa.func.count(sa.distinct(Event.user_id)),
                  sa.func.coalesce(sa.func.sum(Event.value), 0.0))
        .where(Event.occurred_at >= start, Event.occurred_at < end)
        .group_by(Event.kind, category)).all()
    db.session.execute(sa.delete(DailyRollup).where(DailyRollup.day == day))
    if rows:
        db.session.execute(sa.insert(DailyRollup), [
            {"day": day, "kind": kind, "category_id": int(category_id), "count": int(count),
             "users": int(users), "value_sum": float(value_sum)}
            for kind, category_id, count, users, value_sum in rows])
    contributions = sa.func.coalesce(sa.func.sum(sa.case((is_contribution(), 1), else_=0)), 0)
    members = db.session.execute(
        sa.select(Event.user_id, category, sa.func.max(Event.organization_id), sa.func.count(), contributions)
        .where(Event.occurred_at >= start, Event.occurred_at < end, member_activity())
        .group_by(Event.user_id, category)).all()
    db.session.execute(sa.delete(MemberDay).where(MemberDay.day == day))
    if members:
        db.session.execute(sa.insert(MemberDay), [
            {"day": day, "user_id": int(user_id), "category_id": int(category_id),
             "organization_id": None if org is None else int(org), "events": int(events),
             "contributions": int(contributed)}
            for user_id, category_id, org, events, contributed in members])
    db.session.execute(sa.delete(ActiveDay).where(ActiveDay.day == day))
    counted: dict[int, tuple[set[int], set[int]]] = {}
    for user_id, category_id, _org, _events, contributed in members:
        for key in (int(category_id), ALL_CATEGORIES):
            active, contributing = counted.setdefault(key, (set(), set()))
            active.add(int(user_id))
            if contributed:
                contributing.add(int(user_id))
    if counted:
        db.session.execute(sa.insert(ActiveDay), [
            {"day": day, "category_id": key, "members": len(active), "contributors": len(contributing)}
            for key, (active, contributing) in sorted(counted.items())])
    if weeks:
        roll_up_week(monday_of(day))
        roll_up_lasts([day])
    return len(rows)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def roll_up_week(monday: dt.date) -> int:
    """Rebuild the week's ``MemberWeek`` rows from its MemberDay rows: per member and category, and
    per member over every category (ALL_CATEGORIES), each with the member's sign-up Monday
    (``signup_week``; None for a sign-up week row without activity from the sign-up day on).
    Returns the number of rows written."""
    from forum.accounts.queries import members_joined

    sunday = monday + dt.timedelta(days=6)
    db.session.execute(sa.delete(MemberWeek).where(MemberWeek.week == monday))
    in_week = sa.and_(MemberDay.day >= monday, MemberDay.day <= sunday)
    joined = members_joined(dt.datetime.min, dt.datetime.max).subquery("joined")
    written = 0
    for category in (MemberDay.category_id, sa.literal(ALL_CATEGORIES, sa.Integer)):
        stmt = (sa.select(MemberDay.user_id, category, sa.func.max(MemberDay.day), sa.func.sum(MemberDay.events),
                          sa.func.sum(MemberDay.contributions), sa.func.max(joined.c.created_at))
                .select_from(MemberDay).outerjoin(joined, joined.c.id == MemberDay.user_id)
                .where(in_week).group_by(MemberDay.user_id, *([category] if category is MemberDay.category_id else [])))
        rows = [{"week": monday, "user_id": int(user_id), "category_id": int(category_id), "last_day": _as_date(last),
                 "events": int(events), "contributions": int(contributed),
                 "signup_week": _signup_week(monday, _as_date(last), created)}
                for user_id, category_id, last, events, contributed, created in db.session.execute(stmt)]
        if rows:
            db.session.execute(sa.insert(MemberWeek), rows)
        written += len(rows)
    return written


def roll_up_lasts(days: list[dt.date]) -> None:
    """Rebuild the ``MemberLast`` rows of the members active on `days` from all their MemberDay rows:
    per category and over every category, the last active day, the last day with a contribution and
    the first day with a contribution from the member's sign-up day on."""
    from forum.accounts.queries import members_joined
    from forum.engagement.queries import date_of

    touched = sa.select(MemberDay.user_id).where(MemberDay.day.in_(sorted(set(days)))).distinct()
    db.session.execute(sa.delete(MemberLast).where(MemberLast.user_id.in_(touched)))
    joined = members_joined(dt.datetime.min, dt.datetime.max).subquery("joined")
    contributed = sa.func.max(sa.case((MemberDay.contributions > 0, MemberDay.day), else_=None))
    activated = sa.func.min(sa.case((sa.and_(MemberDay.contributions > 0, MemberDay.day >= date_of(joined.c.created_at)),
                                     MemberDay.day), else_=None))
    columns = ["user_id", "category_id", "last_day", "last_contribution_day", "activated_day"]
    for category in (MemberDay.category_id, sa.literal(ALL_CATEGORIES, sa.Integer)):
        grouped = [MemberDay.user_id] + ([MemberDay.category_id] if category is MemberDay.category_id else [])
        rows = (sa.select(MemberDay.user_id, category, sa.func.max(MemberDay.day), contributed, activated)
                .select_from(MemberDay).outerjoin(joined, joined.c.id == MemberDay.user_id)
                .where(MemberDay.user_id.in_(touched)).group_by(*grouped))
        db.session.execute(sa.insert(MemberLast).from_select(columns, rows))


def _signup_week(monday: dt.date, last_day: dt.date, created: Any) -> dt.date | None:
    """The sign-up Monday of a member-week row: None without a sign-up time, and for a row of the
    sign-up week whose last active day is before the sign-up day (docs/rules.md: retention_cohorts)."""
    if created is None:
        return None
    joined = created.date() if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(str(created)).date()
    signup = monday_of(joined)
    return None if signup == monday and last_day < joined else signup


def roll_up_events(now: dt.datetime) -> dict[str, int]:
    """Roll up yesterday and every older day not rolled up yet (idempotent); returns the number of
    days and of rows written. docs/rules.md: Engagement events — "a daily job rolls events up into
    per-day rows; reports read the roll-ups and today's raw events"."""
    before = now.date()
    top = db.session.scalar(sa.select(sa.func.max(Event.id))) or 0
    days = days_to_roll_up(before)
    rows = sum(roll_up_day(day, weeks=False) for day in days)
    for monday in sorted({monday_of(day) for day in days}):
        roll_up_week(monday)
    if days:
        roll_up_lasts(days)
    _advance_mark(before, top, changed=bool(days))
    return {"days": len(days), "rows": rows}


def _advance_mark(before: dt.date, top: int, *, changed: bool) -> None:
    """Record the roll-up: every event up to `top` of a day before `before` is rolled up; the
    mark's version goes up when a day was rewritten (`changed`)."""
    mark = db.session.scalar(sa.select(RollupMark).order_by(RollupMark.id).limit(1))
    if mark is None:
        mark = RollupMark(event_id=0, day=before, version=0)
        db.session.add(mark)
    mark.event_id, mark.day = max(mark.event_id or 0, top), before
    if changed:
        mark.version = (mark.version or 0) + 1


def anonymize_member_events(user_id: int) -> None:
    """A deleted member's events stay in the log (the counts of past days stay right) without
    saying whose they were or which customer they worked for; the roll-ups already made count them
    under the member's id, which no longer names anyone (docs/rules.md: Personal data)."""
    db.session.execute(sa.update(Event).where(Event.user_id == user_id).values(user_id=None, organization_id=None))
