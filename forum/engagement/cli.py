"""`flask forum tick` (every periodic job once) and the daily roll-up job of the event log.

DESIGN.md: Engagement events — "a daily job rolls events up into per-day rows; reports read the
roll-ups and today's raw events". The demo and generator commands register here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
import sqlalchemy as sa

from forum import db
from forum.cli import forum_cli
from forum.engagement.models import DailyRollup, Event
from forum.tick import periodic, run_tick

import forum.demo  # noqa: E402,F401  (registers `forum demo`)
import forum.generate  # noqa: E402,F401  (registers `forum generate`)


def parse_now(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time (``2027-01-01T00:00:00Z``) as the naive UTC datetime the database stores."""
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time such as 2027-01-01T00:00:00Z.",
                                 param_hint="--now") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


@forum_cli.command("tick")
@click.option("--now", "now_text", metavar="ISO-TIME", help="Run as if it were this UTC time (for tests).")
def tick_command(now_text: str | None) -> None:
    """Run every periodic job once (idempotent; safe from cron on every machine)."""
    results = run_tick(parse_now(now_text))
    for name, summary in results.items():
        click.echo(f"{name}: {summary if summary is not None else 'done'}")
    failed = [name for name, summary in results.items() if summary == "failed"]
    if failed:
        raise click.ClickException("failed jobs: " + ", ".join(failed))


# ----------------------------------------------------------------------------- roll-ups

def _as_date(value: Any) -> dt.date:
    """SQLite's date() returns text, PostgreSQL's a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def days_to_roll_up(before: dt.date) -> list[dt.date]:
    """Closed days (before `before`) whose roll-up is missing or no longer matches the raw events.

    Events are append-only, so a day's event count equal to the sum of its roll-up counts means
    the day is rolled up; events written late for a closed day (imports, generated data) make the
    counts differ and the day is computed again."""
    day_of = sa.func.date(Event.occurred_at)
    raw = {
        _as_date(day): n
        for day, n in db.session.execute(
            sa.select(day_of, sa.func.count()).where(Event.occurred_at < _day_start(before)).group_by(day_of))
    }
    rolled = {
        _as_date(day): int(n)
        for day, n in db.session.execute(
            sa.select(DailyRollup.day, sa.func.sum(DailyRollup.count)).where(DailyRollup.day < before)
            .group_by(DailyRollup.day))
    }
    return sorted(day for day, n in raw.items() if rolled.get(day) != n) + sorted(
        day for day in rolled if day not in raw)


def roll_up_day(day: dt.date) -> int:
    """Replace the day's roll-up rows: per kind and category (0 for none), the number of events,
    of distinct members and the sum of values. Returns the number of rows written."""
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
    return len(rows)


@periodic("rollups")
def roll_up_events(now: dt.datetime) -> str:
    """Roll up yesterday and every older day not rolled up yet (idempotent)."""
    days = days_to_roll_up(now.date())
    rows = sum(roll_up_day(day) for day in days)
    return f"{len(days)} days rolled up ({rows} rows)"
