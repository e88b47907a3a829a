"""Benchmark: a one-year community-health report and the dashboard page over generated data
(bench/README.md), beside one bare aggregate over the same events table in the same run.

Builds a fresh database (SQLite file under bench/out/ unless --database-url is given; the schema by
create_all — on PostgreSQL the `public` schema is dropped and recreated, so point it at a scratch
database such as `bench`, never at one others use), generates a year with `forum generate`'s bulk
generator (default: 50,000 members, 1,000,000 activity events, 20,000 questions, 40,000 answers,
20,000 comments, 2,000 ideas: with the content events, sign-ups and NPS answers about 1.3 million
events), which rolls the closed days up at its end, then times, each --repeat times (after one
warm-up run):

- `SELECT date(occurred_at) AS day, count(*) FROM events GROUP BY day` (the bare aggregate);
- `forum.health.queries.health_report(today - 364 days, today)` (the report: roll-ups for the past
  days, raw events for today only, the previous year for comparison);
- `GET /reports/health?from=..&to=..` through the Flask test client, signed in as an admin: computed
  at the request (HEALTH_LIVE_REPORT_SECONDS 0: the report and the page's rendering), with its
  number of SQL statements; then `forum tick`'s health_reports job (the dashboard's windows
  computed ahead) and the same page reading the kept report.

    .venv/bin/python bench/report_bench.py [--events 1000000] [--members 50000] [--seed 1]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench] [--reuse] [--repeat 5]

--reuse skips the generation when the database already holds events (a second run on the same
data). The aim (issue: community-health reports): the report within 5x the bare aggregate and the
dashboard under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BARE_AGGREGATE = "SELECT date(occurred_at) AS day, count(*) FROM events GROUP BY day"


def app_for(database_url: str | None, out: Path, reuse: bool):
    from generate_bench import fresh_app

    from forum import create_app

    if reuse:
        url = database_url or f"sqlite:///{out / 'report_bench.db'}"
        if database_url is not None or (out / "report_bench.db").exists():
            app = create_app({"DATABASE_URL": url, "SEARCH_DIR": str(out / "search"), "RATELIMIT_ENABLED": False,
                              "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
            with app.app_context():
                import sqlalchemy as sa

                from forum import db
                try:
                    if db.session.scalar(sa.text("SELECT count(*) FROM events")):
                        return app, False
                except Exception:
                    db.rollback()
    if database_url is None:
        app = fresh_app(None, out)  # generate_bench.db: rename below
        app.extensions["forum.engine"].dispose()
        db_file = out / "report_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        os.replace(out / "generate_bench.db", db_file)
        app = create_app({"DATABASE_URL": f"sqlite:///{db_file}", "SEARCH_DIR": str(out / "search"),
                          "RATELIMIT_ENABLED": False, "TICK_IN_BACKGROUND": False, "REDIS_URL": None})
        return app, True
    return fresh_app(database_url, out), True


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: caches, the query planner, SQLite's page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def fmt(times: list[float]) -> str:
    return (f"median {statistics.median(times) * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   "
            f"max {max(times) * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=40_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--ideas", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)

    import sqlalchemy as sa

    from forum import db
    from forum.accounts.models import Role, User, UserRole
    from forum.engagement.models import Event
    from forum.generate import Plan, generate

    app, fresh = app_for(args.database_url, out, args.reuse)
    with app.app_context():
        backend = db.dialect()
        if fresh:
            plan = Plan(members=args.members, questions=args.questions, answers=args.answers,
                        comments=args.comments, ideas=args.ideas, events=args.events, seed=args.seed)
            started = time.perf_counter()
            run = generate(plan)
            seconds = time.perf_counter() - started
            print(f"generated in {seconds:.1f} s: " + ", ".join(f"{n} {what}" for what, n in run.counts.items()))
            if backend == "postgresql":  # planner statistics and the visibility map, as autovacuum would
                db.commit()
                with db.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text("VACUUM ANALYZE"))
            else:
                db.session.execute(sa.text("ANALYZE"))  # planner statistics, as after a real import
                db.commit()
        from forum.engagement.actions import roll_up_events

        started = time.perf_counter()
        again = roll_up_events(db.utcnow())
        db.commit()
        tick_seconds = time.perf_counter() - started
        events = db.session.scalar(sa.select(sa.func.count()).select_from(Event))
        members = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        admin = db.session.scalar(sa.select(User).where(User.username == "bench_admin"))
        if admin is None:
            admin = User(username="bench_admin", email="bench_admin@example.com", password_hash="!", points=0,
                         is_ambassador=False, display_name="", bio="", locale="en", created_at=db.utcnow())
            admin.role_rows = [UserRole(role=Role.admin)]
            db.session.add(admin)
            db.commit()
        admin_id = admin.id
        today = db.utcnow().date()
        start = today - dt.timedelta(days=364)

    print(f"backend: {backend}; Python {platform.python_version()}; {platform.machine()}; "
          f"{os.cpu_count()} CPUs; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"data: {events:,} events, {members:,} members; one-year period {start} … {today}")
    print(f"roll-up check afterwards (forum tick's rollups job with nothing left to do): {tick_seconds:.2f} s "
          f"({again['days']} days)")

    def bare() -> None:
        with app.app_context():
            rows = db.session.execute(sa.text(BARE_AGGREGATE)).all()
            assert rows
            db.rollback()

    def report() -> None:
        from forum.health.queries import health_report

        with app.app_context():
            result = health_report(start, today)
            assert "metrics" in result
            db.rollback()

    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = str(admin_id)
        s["_fresh"] = True
    statements: list[str] = []

    def page() -> None:
        response = client.get(f"/reports/health?from={start}&to={today}")
        assert response.status_code == 200, response.status_code

    engine = app.extensions["forum.engine"]
    bare_times = timed(bare, args.repeat)
    print(f"bare aggregate ({BARE_AGGREGATE}):\n    {fmt(bare_times)}", flush=True)
    report_times = timed(report, args.repeat)
    print(f"health_report(), one year:  {fmt(report_times)}   = "
          f"{statistics.median(report_times) / statistics.median(bare_times):.2f} x the bare aggregate", flush=True)
    live = app.config["HEALTH_LIVE_REPORT_SECONDS"]
    app.config["HEALTH_LIVE_REPORT_SECONDS"] = 0  # computed at each request
    try:
        page_times = timed(page, args.repeat)
    except AssertionError as exc:
        print(f"GET /reports/health (admin): failed with status {exc}", flush=True)
        return
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    page()
    print(f"GET /reports/health (admin), computed at the request: {fmt(page_times)}   "
          f"({len(statements)} SQL statements)", flush=True)
    app.config["HEALTH_LIVE_REPORT_SECONDS"] = live

    def warm() -> None:
        from forum.extensions import cache
        from forum.health.reports import warm_dashboard

        with app.app_context():
            cache.clear()
            assert warm_dashboard(db.utcnow())

    warm_times = timed(warm, args.repeat)
    print(f"forum tick's health_reports job (the dashboard's {len(app.config['HEALTH_DASHBOARD_WINDOWS'])} "
          f"windows computed ahead):\n    {fmt(warm_times)}", flush=True)
    statements.clear()
    kept_times = timed(page, args.repeat)
    print(f"GET /reports/health (admin), the kept report (HEALTH_LIVE_REPORT_SECONDS {live}): {fmt(kept_times)}   "
          f"({len(statements) // (args.repeat + 1)} SQL statements)", flush=True)

if __name__ == "__main__":
    main()
