"""Engagement: appending to the event log and rolling it up per day (docs/rules.md: Engagement events and
health reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forum import db
from forum.engagement.models import DailyRollup, Event, MemberDay
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
    differ and the day is computed again."""
    day_of = sa.func.date(Event.occurred_at)
    active = sa.func.coalesce(sa.func.sum(sa.case((member_activity(), 1), else_=0)), 0)
    raw = {
        _as_date(day): (n, int(a))
        for day, n, a in db.session.execute(
            sa.select(day_of, sa.func.count(), active).where(Event.occurred_at < _day_start(before))
            .group_by(day_of))
    }
    rolled = {
        _as_date(day): int(n)
        for day, n in db.session.execute(
            sa.select(DailyRollup.day, sa.func.sum(DailyRollup.count)).where(DailyRollup.day < before)
            .group_by(DailyRollup.day))
    }
    member_rows = {
        _as_date(day): int(n)
        for day, n in db.session.execute(
            sa.select(MemberDay.day, sa.func.sum(MemberDay.events)).where(MemberDay.day < before)
            .group_by(MemberDay.day))
    }
    stale = [day for day, (n, a) in raw.items() if rolled.get(day) != n or member_rows.get(day, 0) != a]
    gone = [day for day in set(rolled) | set(member_rows) if day not in raw]
    return sorted(stale) + sorted(gone)


def member_activity() -> sa.ColumnElement[bool]:
    """An event that makes its member active that day: it has a member and is not logged about them
    (engagement.rules.PASSIVE_KINDS)."""
    return sa.and_(Event.user_id.is_not(None), Event.kind.not_in(PASSIVE_KINDS))


def is_contribution() -> sa.ColumnElement[bool]:
    return Event.kind.in_(CONTRIBUTION_KINDS)


def roll_up_day(day: dt.date) -> int:
    """Replace the day's roll-up rows: per kind and category (0 for none), the number of events,
    of distinct members and the sum of values; and per member and category the member's active
    events and contributions (``MemberDay``). Re-running it for a day gives the same rows.
    Returns the number of DailyRollup rows written."""
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
    return len(rows)


def roll_up_events(now: dt.datetime) -> dict[str, int]:
    """Roll up yesterday and every older day not rolled up yet (idempotent); returns the number of
    days and of rows written. docs/rules.md: Engagement events — "a daily job rolls events up into
    per-day rows; reports read the roll-ups and today's raw events"."""
    days = days_to_roll_up(now.date())
    return {"days": len(days), "rows": sum(roll_up_day(day) for day in days)}
