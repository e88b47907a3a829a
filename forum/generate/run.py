"""What the generators share (`forum generate`): the plan, the run's state, and bulk insertion.

Rows are bulk-inserted straight into the tables in batches of ``BATCH`` (executemany), with
explicit ids, so 100,000 posts take a minute or two rather than hours.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.generate.words import GROWTH_START, HOUR_WEIGHTS, WEEKDAY_WEIGHTS, YEAR_DAYS

BATCH = 5000
DAYS = YEAR_DAYS  # generated activity falls in the last DAYS days (a year: forum/generate/events.py)
HOUR_CUM = list(itertools.accumulate(HOUR_WEIGHTS))


def first_day(now: dt.datetime, days: int = YEAR_DAYS) -> dt.date:
    """The first day of the generated year (or of `days` days; the period ends today)."""
    return now.date() - dt.timedelta(days=days - 1)


def day_weight(day_index: int, day: dt.date, days: int = YEAR_DAYS) -> float:
    """A day's activity per active member: growth over the period times the weekday's weight."""
    growth = GROWTH_START + (1 - GROWTH_START) * day_index / max(1, days - 1)
    return growth * WEEKDAY_WEIGHTS[day.weekday()]


def time_of_day(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    """A moment of `day` drawn by HOUR_WEIGHTS (working hours busier), never after `now`."""
    start = dt.datetime.combine(day, dt.time())
    hour = bisect.bisect_right(HOUR_CUM, rng.random() * HOUR_CUM[-1])
    when = start + dt.timedelta(seconds=hour * 3600 + rng.random() * 3600)
    if when > now:
        when = start + dt.timedelta(seconds=rng.random() * max(0.0, (now - start).total_seconds()))
    return when


@dataclass
class Plan:
    """How many of each thing to make (the options of `forum generate`), and the seed."""

    members: int = 0
    questions: int = 0
    answers: int = 0
    comments: int = 0
    ideas: int = 0
    events: int = 0
    seed: int = 1


@dataclass
class Run:
    """What generators share: the plan, the clock, the RNG, ids made so far, and counts."""

    plan: Plan
    now: dt.datetime
    rng: random.Random
    tick: Callable[[int], None]
    user_ids: list[int] = field(default_factory=list)
    new_user_ids: list[int] = field(default_factory=list)
    user_org: dict[int, int | None] = field(default_factory=dict)
    user_created: dict[int, dt.datetime] = field(default_factory=dict)
    category_ids: list[int] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)
    question_category: dict[int, int | None] = field(default_factory=dict)
    content_events: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    _day_cum: list[float] = field(default_factory=list)
    churned_orgs: dict[int, dt.date] = field(default_factory=dict)  # organization → the day it went quiet

    def moment(self, after: dt.datetime | None = None, mean_hours: float | None = None) -> dt.datetime:
        """A random past moment: in the generated year, shaped like its activity (growth, weekdays,
        working hours), or some hours after `after` (never future)."""
        if after is None:
            start = first_day(self.now)
            if not self._day_cum:
                self._day_cum = list(itertools.accumulate(
                    day_weight(i, start + dt.timedelta(days=i)) for i in range(YEAR_DAYS)))
            index = min(YEAR_DAYS - 1, bisect.bisect_right(self._day_cum, self.rng.random() * self._day_cum[-1]))
            when = time_of_day(self.rng, start + dt.timedelta(days=index), self.now)
        else:
            when = after + dt.timedelta(hours=self.rng.expovariate(1 / (mean_hours or 12)))
        return min(when, self.now)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


Generator = Callable[[Run], None]


def next_id(table: sa.Table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def insert_rows(table: sa.Table, rows: Iterable[dict[str, Any]], run: Run | None = None) -> int:
    """Insert rows in batches of BATCH (executemany); advances the progress bar."""
    batch: list[dict[str, Any]] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.session.execute(sa.insert(table), batch)
            total += len(batch)
            if run is not None:
                run.tick(len(batch))
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)
        total += len(batch)
        if run is not None:
            run.tick(len(batch))
    return total


def fix_sequences(tables: Iterable[sa.Table]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if db.dialect() != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table.name}\"), false)"))
