"""Health's periodic job for `flask forum tick`: the dashboard's reports computed ahead."""

from __future__ import annotations

import datetime as dt

from forum.health import reports
from forum.tick import periodic


@periodic("health_reports")
def warm_dashboard(now: dt.datetime) -> str:
    """Compute the dashboard's windows ending today whose kept report is getting old (reports.warm_dashboard)."""
    done = reports.warm_dashboard(now)
    return f"{len(done)} dashboard reports computed ({', '.join(f'{d} days' for d in done) or 'none due'})"
