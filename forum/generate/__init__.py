"""`flask forum generate`: synthetic data at scale, for load tests and benchmarks (bench/).

Rows are bulk-inserted straight into the tables (run.py), not made through the actions, so
100,000 posts take a minute or two rather than hours. What the actions would keep consistent is
computed by each generator instead (see its module). The texts are data (words.py, drawn by
texts.py); ``generate`` is one loop over ``GENERATORS``, in the order each needs the ids the
earlier ones made. The generator is not a part (forum.PARTS), so it writes every part's tables.
The run is deterministic for a seed (same rows, same texts; times are relative to now).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from forum import db
from forum.generate.events import generate_events, generate_rollups
from forum.generate.ideas import generate_ideas
from forum.generate.members import GENERATED_PASSWORD, generate_members
from forum.generate.points import generate_points
from forum.generate.qa import generate_qa
from forum.generate.run import Generator, Plan, Run

__all__ = ["GENERATED_PASSWORD", "GENERATORS", "Plan", "Run", "generate"]

GENERATORS: tuple[Generator, ...] = (generate_members, generate_qa, generate_events, generate_points,
                                     generate_ideas, generate_rollups)


def generate(plan: Plan, progress: Callable[[int], None] = lambda n: None) -> Run:
    """Run every generator in one transaction; commits at the end."""
    run = Run(plan=plan, now=db.utcnow(), rng=random.Random(plan.seed), tick=progress)
    try:
        for step in GENERATORS:
            step(run)
        db.commit()
    except Exception:
        db.rollback()
        raise
    return run
