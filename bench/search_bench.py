"""Search benchmark (issue 3): reindex throughput and search latency on generated data.

    .venv/bin/python bench/search_bench.py                    # 100,000 posts, SQLite in a temp dir
    .venv/bin/python bench/search_bench.py --posts 20000 --queries 200
    DATABASE_URL=postgresql://... .venv/bin/python bench/search_bench.py   # a scratch database: it is emptied

It builds a fresh database (schema by create_all) and fills it with `forum generate`'s bulk
generator (30 % questions, 70 % answers; a share of the texts Chinese), runs `forum reindex`'s
rebuild (one writer, one commit) and times it, then times searches — words and two-word
queries taken from the generated titles, English and Chinese, relevance and newest-first — and
the ask page's similar-question lookup. Prints p50/p95 latencies in milliseconds and the
reindex rate in documents/s (documents = questions, each with its answers' text) and posts/s,
and with --write-results replaces the "Search" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## Search"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def make_app(database_url: str, work: Path) -> Any:
    from forum import PARTS, create_app
    from forum.db import Base

    for part in PARTS:
        try:
            importlib.import_module(f"forum.{part}.models")
        except ModuleNotFoundError:
            pass
    app = create_app({"DATABASE_URL": database_url, "SEARCH_DIR": str(work / "search"),
                      "UPLOAD_DIR": str(work / "uploads"), "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
    engine = app.extensions["forum.engine"]
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        Base.metadata.create_all(conn)
    return app


def generate(posts: int, seed: int) -> dict[str, int]:
    from forum.generate import Plan, generate as run_generate

    questions = posts * 3 // 10
    plan = Plan(members=max(100, posts // 50), questions=questions, answers=posts - questions, seed=seed)
    run = run_generate(plan)
    return dict(run.counts)


def sample_queries(n: int, seed: int) -> list[str]:
    """Words and word pairs from the generated titles (what members would type)."""
    import sqlalchemy as sa

    from forum import db
    from forum.qa.models import Question

    rng = random.Random(seed)
    titles = list(db.session.scalars(sa.select(Question.title).order_by(Question.id).limit(5000)))
    words: list[str] = []
    for title in titles:
        words.extend(w for w in re.findall(r"[A-Za-z]{4,}|[\u4e00-\u9fff]{2,4}", title))
    from forum.search.analysis import words as analyzed

    words = sorted(w for w in set(words) if analyzed(w))  # no stop words on their own
    queries = []
    for i in range(n):
        if i % 3 == 2:
            queries.append(" ".join(rng.sample(words, 2)))
        else:
            queries.append(rng.choice(words))
    return queries


def time_calls(fn: Any, args: list[Any]) -> list[float]:
    times = []
    for a in args:
        started = time.perf_counter()
        fn(a)
        times.append((time.perf_counter() - started) * 1000)
    return times


def write_results(text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _m: text, current)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'bench.db'}"
    app = make_app(database_url, work)
    from forum import db
    from forum.search.actions import reindex
    from forum.search.queries import search, similar_questions

    with app.test_request_context():
        started = time.perf_counter()
        counts = generate(args.posts, args.seed)
        gen_seconds = time.perf_counter() - started
        posts = counts.get("questions", 0) + counts.get("answers", 0)
        print(f"generated {posts} posts ({counts.get('questions', 0)} questions, {counts.get('answers', 0)} answers) "
              f"in {gen_seconds:.1f} s", flush=True)

        started = time.perf_counter()
        documents = reindex()
        reindex_seconds = time.perf_counter() - started
        docs_rate = documents / reindex_seconds
        posts_rate = posts / reindex_seconds
        print(f"reindex: {documents} documents ({posts} posts) in {reindex_seconds:.1f} s = "
              f"{docs_rate:.0f} documents/s, {posts_rate:.0f} posts/s", flush=True)

        queries = sample_queries(args.queries, args.seed)
        for q in queries[:5]:
            search(None, q)  # warm up (jieba's dictionary, the OS cache)
        relevance = time_calls(lambda q: search(None, q), queries)
        newest = time_calls(lambda q: search(None, q, sort="newest"), queries)
        similar = time_calls(lambda q: similar_questions(None, q + " how to configure"), queries)
        db.rollback()

    def line(name: str, values: list[float]) -> str:
        return (f"| {name} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
                f"{max(values):.1f} |")

    backend = database_url.split(":", 1)[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    table = "\n".join([
        "| search | queries | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
        line("search, relevance", relevance),
        line("search, newest first", newest),
        line("similar questions (ask page)", similar),
    ])
    print(table)
    report = (
        f"{SECTION}\n\n"
        f"`bench/search_bench.py --posts {args.posts} --queries {args.queries} --seed {args.seed}` "
        f"on {backend}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({time.strftime('%Y-%m-%d', time.gmtime())}; load average at the end "
        f"{load}: the machine was shared, so figures on an idle machine are lower).\n\n"
        f"- Data: {posts} posts ({counts.get('questions', 0)} questions, {counts.get('answers', 0)} answers) "
        f"from `forum generate`'s generator.\n"
        f"- Reindex (`forum reindex`: one writer, one commit): {documents} documents in {reindex_seconds:.1f} s = "
        f"**{docs_rate:.0f} documents/s** ({posts_rate:.0f} posts/s).\n\n"
        f"{table}\n\n"
        "Latency is the whole query function: parsing, Whoosh search, highlighting of the 20 hits, and the "
        "database check of what the viewer may see.\n"
        f"Reproduce: `.venv/bin/python bench/search_bench.py --posts {args.posts} --queries {args.queries} "
        "--write-results` (about 3 minutes on an idle 2-CPU machine; `DATABASE_URL=postgresql://…` to run on "
        "PostgreSQL).\n\n"
    )
    if args.write_results:
        write_results(report)
        print("bench/RESULTS.md updated.")
    if not args.keep_data:
        import shutil

        app.extensions["forum.engine"].dispose()
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"data kept in {work}")


if __name__ == "__main__":
    main()
