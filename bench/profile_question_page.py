"""Profile the signed-in question page in-process (Flask test client, no HTTP), as bench_reader.

    .venv/bin/python bench/profile_question_page.py [--database-url URL] [--requests 60] [--profile]
        [--html out.html] [--user bench_reader] [--question ID] [--no-fragment-cache]

On the serve benchmark's database (bench/serve_bench.py generate; app_config() of that script), the
50-answer question: signs in through the login form, warms up (templates, the answers fragment),
then times --requests GETs and prints the median, p10 and p90 in ms, the CPU ms per request
(process time) and the SQL statements per request. --profile runs pyinstrument over the same
requests and prints the top of the call tree (--html writes the full report). The file cache lives
in a directory of its own under /tmp, so nothing is shared with a running server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_bench import BENCH_MEMBER, BIG_QUESTION_ANSWERS, app_config, sqlite_url  # noqa: E402


def make_app(url: str, fragment_cache: bool):
    from forum import create_app

    scratch = Path(tempfile.mkdtemp(prefix="qa-prof-"))
    return create_app(app_config(url, SECRET_KEY="profile-secret", WTF_CSRF_ENABLED=False,
                                 CACHE_DIR=str(scratch / "cache"), VIEW_BUFFER_DIR=str(scratch / "views"),
                                 SEARCH_SEMANTIC=False, FRAGMENT_CACHE=fragment_cache))


def big_question(app) -> int:
    with app.app_context():
        from forum import db
        from forum.qa.models import Answer

        return db.session.scalar(sa.select(Answer.question_id).group_by(Answer.question_id)
                                 .having(sa.func.count() == BIG_QUESTION_ANSWERS).order_by(Answer.question_id).limit(1))


def signed_in_client(app, username: str):
    from forum.generate import GENERATED_PASSWORD

    client = app.test_client()
    resp = client.post("/login", data={"login": username, "password": GENERATED_PASSWORD})
    assert resp.status_code in (302, 303), f"login failed: {resp.status_code}"
    client.get("/")  # the day's visit recorded, as in the benchmark's cookie
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--user", default=BENCH_MEMBER)
    parser.add_argument("--question", type=int, default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--html", default=None)
    parser.add_argument("--no-fragment-cache", action="store_true")
    parser.add_argument("--csrf", action="store_true", help="CSRF protection on after signing in, as served")
    args = parser.parse_args()

    app = make_app(args.database_url or sqlite_url(), not args.no_fragment_cache)
    qid = args.question or big_question(app)
    path = f"/questions/{qid}"
    client = signed_in_client(app, args.user)
    app.config["WTF_CSRF_ENABLED"] = args.csrf
    for _ in range(args.warmup):
        resp = client.get(path)
        assert resp.status_code == 200, resp.status_code
    print(f"{path} as {args.user}: {len(resp.data):,} bytes", flush=True)

    engine = app.extensions["forum.engine"]
    statements = [0]

    def count(*_a, **_k):
        statements[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    wall, cpu = [], []
    for _ in range(args.requests):
        w0, c0 = time.perf_counter(), time.process_time()
        resp = client.get(path)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        assert resp.status_code == 200
    sa.event.remove(engine, "before_cursor_execute", count)
    q = statistics.quantiles(wall, n=10)
    print(f"wall ms: median {statistics.median(wall):.1f}  p10 {q[0]:.1f}  p90 {q[-1]:.1f}   "
          f"cpu ms: median {statistics.median(cpu):.2f}  p10 {statistics.quantiles(cpu, n=10)[0]:.2f}   statements/request {statements[0] / args.requests:.1f}",
          flush=True)

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
