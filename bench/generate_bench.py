"""Benchmark: `forum generate` throughput at 100,000 posts (bench/README.md).

Builds a fresh database (SQLite file under bench/out/ unless --database-url is given; the schema
by create_all), then times the generator that `flask forum generate` runs, with the same mix as
the README's command: 5,000 members, 20,000 questions, 50,000 answers, 30,000 comments and
100,000 activity events. Prints posts/s and rows/s.

    .venv/bin/python bench/generate_bench.py [--posts 100000] [--seed 1] [--database-url URL]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_app(database_url: str | None, out: Path):
    import sqlalchemy as sa

    from forum import PARTS, create_app
    from forum.db import Base

    import importlib

    for part in PARTS:
        try:
            importlib.import_module(f"forum.{part}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"forum.{part}.models":
                raise
    if database_url is None:
        db_file = out / "generate_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{db_file}"
    app = create_app({"DATABASE_URL": database_url, "SEARCH_DIR": str(out / "search"), "RATELIMIT_ENABLED": False,
                      "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
    with app.app_context():
        from forum import db

        with db.engine().begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            else:
                Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
    return app


def plan_for(posts: int, seed: int):
    """The README's mix, scaled: 20 % questions, 50 % answers, 30 % comments."""
    from forum.generate import Plan

    questions, answers = posts // 5, posts // 2
    return Plan(members=max(10, posts // 20), questions=questions, answers=answers,
                comments=posts - questions - answers, events=posts, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)

    app = fresh_app(args.database_url, out)
    plan = plan_for(args.posts, args.seed)
    with app.app_context():
        from forum import db
        from forum.generate import generate

        started = time.perf_counter()
        run = generate(plan)
        seconds = time.perf_counter() - started
        backend = db.dialect()
    posts = sum(run.counts.get(k, 0) for k in ("questions", "answers", "comments"))
    rows = sum(run.counts.values())
    print(f"backend: {backend}; Python {platform.python_version()}; {platform.machine()}")
    print("generated: " + ", ".join(f"{n} {what}" for what, n in run.counts.items()))
    print(f"{posts} posts in {seconds:.1f} s = {posts / seconds:.0f} posts/s "
          f"({rows} rows in all = {rows / seconds:.0f} rows/s)")


if __name__ == "__main__":
    main()
