"""What the generators share (`forum generate`): the plan, the run's state, and bulk insertion.

Rows are bulk-inserted straight into the tables in batches of ``BATCH`` (executemany), with
explicit ids, so 100,000 posts take a minute or two rather than hours.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from forum import db

BATCH = 5000
DAYS = 90  # generated activity falls in the last DAYS days


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

    def moment(self, after: dt.datetime | None = None, mean_hours: float | None = None) -> dt.datetime:
        """A random past moment: in the last DAYS days, or some hours after `after` (never future)."""
        if after is None:
            when = self.now - dt.timedelta(seconds=self.rng.uniform(0, DAYS * 86400))
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
