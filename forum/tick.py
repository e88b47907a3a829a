"""`forum tick`: the registry of idempotent periodic jobs (docs/rules.md: Run modes).

Each part contributes its jobs from its own ``forum/<part>/jobs.py`` (loaded by ``create_app``
with the part's other modules), one ``@periodic("name")`` function each that calls the part's
actions; the job receives ``now`` and returns a short summary (or None). ``run_tick`` runs every
job, in the order the parts are loaded, in one transaction per job, under a PostgreSQL advisory
lock so that cron on every machine is safe. In the embedded mode a background thread runs the
same tick every ``TICK_INTERVAL_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, g

log = logging.getLogger(__name__)

Job = Callable[[dt.datetime], Any]
JOBS: dict[str, Job] = {}
ADVISORY_LOCK_KEY = 0x666F72756D  # "forum"


def periodic(name: str) -> Callable[[Job], Job]:
    """Register a job under a name that no other job has (a second one would silently replace it)."""

    def register(fn: Job) -> Job:
        if JOBS.get(name, fn) is not fn:
            raise ValueError(f"two periodic jobs are named {name!r}")
        JOBS[name] = fn
        return fn

    return register


def run_tick(now: dt.datetime | None = None) -> dict[str, Any]:
    """Run every registered job once; returns each job's summary. Idempotent."""
    from forum import db

    now = now or db.utcnow()
    g.now = now
    results: dict[str, Any] = {}
    lock_conn = None
    if db.dialect() == "postgresql":
        lock_conn = db.engine().connect()
        got = lock_conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
        if not got:
            lock_conn.close()
            return {"skipped": "another tick is running"}
    try:
        for name, job in JOBS.items():
            try:
                results[name] = job(now)
                db.commit()
            except Exception:
                db.rollback()
                log.exception("tick job %s failed", name)
                results[name] = "failed"
    finally:
        if lock_conn is not None:
            lock_conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            lock_conn.close()
        g.pop("now", None)
    return results


def start_background_ticker(app: Flask) -> threading.Thread:
    """The embedded server runs the tick every minute, so nothing needs cron."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(app.config["TICK_INTERVAL_SECONDS"]):
            with app.app_context():
                try:
                    run_tick()
                except Exception:  # noqa: BLE001 - the ticker must survive and retry next minute
                    log.exception("background tick failed")

    thread = threading.Thread(target=loop, name="forum-tick", daemon=True)
    thread.start()
    app.extensions["forum.ticker_stop"] = stop
    return thread
