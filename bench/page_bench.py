"""Benchmark: page latency, throughput and SQL queries per page on a generated database.

Builds the database of bench/generate_bench.py (100,000 posts by default; `--reuse` keeps the
one already in bench/out/), then for the home page and a question page (one with the median
number of answers among answered questions, with comments), anonymous and signed in:

- in-process, through the Flask test client (no HTTP, no network): sequential requests,
  latency p50/p95/p99, requests/s, and SQL statements per page (a `before_cursor_execute`
  listener on the engine);
- with `--server`, also through a real threaded server on 127.0.0.1 (werkzeug, the server of
  `make run`) with `--concurrency` clients: requests/s and latency under concurrency.

    .venv/bin/python bench/page_bench.py [--posts 100000] [--requests 200] [--reuse] [--server]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate_bench import fresh_app, plan_for  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def pick_question() -> int:
    """A question with the median answer count among answered ones, that has comments."""
    from forum import db
    from forum.qa.models import Comment, Question

    counts = db.session.scalars(sa.select(Question.answer_count).where(Question.answer_count > 0)).all()
    median = int(statistics.median(counts)) if counts else 0
    qid = db.session.scalar(
        sa.select(Question.id).where(Question.answer_count == median,
                                     Question.id.in_(sa.select(Comment.question_id).where(Comment.question_id.is_not(None))))
        .order_by(Question.id).limit(1))
    return qid or db.session.scalar(sa.select(Question.id).order_by(Question.id).limit(1))


def measure(app, client, path: str, n: int) -> dict[str, float]:
    engine = app.extensions["forum.engine"]
    statements = [0]

    def count(*_args, **_kw):
        statements[0] += 1

    for _ in range(5):  # warm up templates and caches
        assert client.get(path).status_code == 200, path
    sa.event.listen(engine, "before_cursor_execute", count)
    latencies = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return {"rps": n / (sum(latencies) / 1000), "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99), "queries": statements[0] / n}


def serve(app, paths: list[str], n: int, concurrency: int) -> dict[str, dict[str, float]]:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results = {}
    try:
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"

            def fetch(_i: int, url: str = url) -> float:
                started = time.perf_counter()
                with urllib.request.urlopen(url) as response:
                    response.read()
                    assert response.status == 200
                return (time.perf_counter() - started) * 1000

            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(fetch, range(concurrency * 2)))  # warm up
                started = time.perf_counter()
                latencies = list(pool.map(fetch, range(n)))
                wall = time.perf_counter() - started
            results[path] = {"rps": n / wall, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                             "p99": percentile(latencies, 99)}
    finally:
        server.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="use bench/out/generate_bench.db as it is")
    parser.add_argument("--server", action="store_true", help="also measure through a real threaded server")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db_file = out / "generate_bench.db"

    if args.reuse and db_file.exists():
        from forum import create_app

        app = create_app({"DATABASE_URL": f"sqlite:///{db_file}", "SEARCH_DIR": str(out / "search"),
                          "RATELIMIT_ENABLED": False, "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
    else:
        app = fresh_app(None, out)
        with app.app_context():
            from forum.generate import generate

            started = time.perf_counter()
            run = generate(plan_for(args.posts, args.seed))
            print(f"generated {run.counts} in {time.perf_counter() - started:.0f} s")
    app.config["RATELIMIT_ENABLED"] = False

    with app.app_context():
        from forum import db
        from forum.accounts.models import User
        from forum.qa.models import Answer, Comment, Question

        qid = pick_question()
        member = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
        sizes = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Question, Answer, Comment, User)}
        question = db.session.get(Question, qid)
        print(f"database: {sizes}; question page: /questions/{qid} ({question.answer_count} answers)")

    paths = ["/", f"/questions/{qid}"]
    anonymous = app.test_client()
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = str(member)
        session["_fresh"] = True

    print(f"\nin-process (Flask test client), {args.requests} sequential requests per page")
    print("| page | visitor | requests/s | p50 ms | p95 ms | p99 ms | SQL statements |")
    print("|---|---|---|---|---|---|---|")
    for path in paths:
        for who, client in (("anonymous", anonymous), ("signed in", signed_in)):
            r = measure(app, client, path, args.requests)
            print(f"| `{path}` | {who} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
                  f"| {r['queries']:.1f} |")

    if args.server:
        print(f"\nreal server (werkzeug, threaded) on 127.0.0.1, {args.concurrency} concurrent anonymous clients, "
              f"{args.requests} requests per page")
        print("| page | requests/s | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for path, r in serve(app, paths, args.requests, args.concurrency).items():
            print(f"| `{path}` | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |")


if __name__ == "__main__":
    main()
