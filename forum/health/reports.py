"""The health reports the dashboard and its downloads show, from the cache (docs/rules.md: The
dashboard). The numbers are cached without their words: the formula, the definitions and the
launch verdict are written again in the reader's language at each request.

- A closed period (ending before today) is kept for HEALTH_REPORT_CACHE_SECONDS, keyed by the roll-up
  mark's version, so that a roll-up that rewrites a day starts new keys.
- A period reaching today is kept for HEALTH_LIVE_REPORT_SECONDS (its numbers are at most that old,
  and the page says as of when); the `health_reports` tick job computes the dashboard's windows
  ahead, so that a manager opening the dashboard does not wait for a year's report. 0 computes the
  report at each request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app

from forum import db
from forum.engagement import queries as log
from forum.extensions import cache
from forum.health import queries


def _key(start: dt.date, end: dt.date, category_id: int | None) -> str:
    if end >= db.utcnow().date():
        return f"health-report-live:{start.isoformat()}:{end.isoformat()}:{category_id or ''}"
    return f"health-report:{log.rollup_version()}:{start.isoformat()}:{end.isoformat()}:{category_id or ''}"


def _timeout(end: dt.date) -> int:
    config = current_app.config
    live = end >= db.utcnow().date()
    return int(config["HEALTH_LIVE_REPORT_SECONDS"] if live else config["HEALTH_REPORT_CACHE_SECONDS"])


def in_words(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its words in the reader's language (the cached numbers are the same for all)."""
    return report | {"health_formula": queries.health_formula(), "definitions": queries.definitions(),
                     "launch": queries.launch_readiness(report["metrics"])}


def compute(start: dt.date, end: dt.date, category_id: int | None) -> dict[str, Any]:
    """Compute the report now and keep it (with the time it was computed: ``as_of``)."""
    report = queries.health_report(start, end, category_id=category_id)
    report["as_of"] = db.utcnow().replace(microsecond=0).isoformat()
    timeout = _timeout(end)
    if timeout > 0:
        cache.set(_key(start, end, category_id), report, timeout=timeout)
    return report


def cached_report(start: dt.date, end: dt.date, category_id: int | None) -> dict[str, Any]:
    """The report of the period from the cache (its words in the reader's language), or computed now
    (in the request's language) and kept."""
    report = cache.get(_key(start, end, category_id)) if _timeout(end) > 0 else None
    return compute(start, end, category_id) if report is None else in_words(report)


def cached_age(start: dt.date, end: dt.date, category_id: int | None, now: dt.datetime) -> float | None:
    """Seconds since the cached report of the period was computed; None when none is kept."""
    report = cache.get(_key(start, end, category_id))
    if not report or not report.get("as_of"):
        return None
    return (now - dt.datetime.fromisoformat(report["as_of"])).total_seconds()


def warm_dashboard(now: dt.datetime) -> list[int]:
    """Compute again the dashboard's windows (HEALTH_DASHBOARD_WINDOWS days ending today, every
    category) whose kept report is missing or older than half of HEALTH_LIVE_REPORT_SECONDS;
    returns the windows computed."""
    seconds = int(current_app.config["HEALTH_LIVE_REPORT_SECONDS"])
    if seconds <= 0:
        return []
    today = now.date()
    done = []
    for days in sorted(int(d) for d in current_app.config["HEALTH_DASHBOARD_WINDOWS"]):
        start = today - dt.timedelta(days=days - 1)
        age = cached_age(start, today, None, now)
        if age is None or age >= seconds / 2:
            compute(start, today, None)
            db.rollback()  # the report only reads
            done.append(days)
    return done
