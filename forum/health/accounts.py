"""Health per customer organization: for a period and an optional category, each organization's
active members, contributions, ideas supported, latest NPS, open follow-ups and engagement trend,
with the at-risk flag (docs/rules.md: Health reports, per organization; docs/api.md: Reports).

Reads only: the organizations (accounts), the engagement log (engagement), the NPS answers and
follow-ups (nps), through their queries. A report runs six statements whatever the number of
organizations; sorting and paging happen on the computed rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext

from forum import db
from forum.accounts.queries import organizations
from forum.engagement.queries import activity_by_organization, supports_by_organization
from forum.health.queries import Period, PeriodError
from forum.health.queries import parse_period as parse_days
from forum.nps import queries as nps_queries
from forum.nps.rules import rounded

# --------------------------------------------------------------------------- the rule table

# sort name → its label; the default puts at-risk organizations first, the largest fall first.
SORTS: dict[str, Any] = {
    "at_risk": lazy_gettext("At risk first"),
    "active_members": lazy_gettext("Active members"),
    "contributions": lazy_gettext("Contributions"),
    "arr": lazy_gettext("ARR"),
    "name": lazy_gettext("Name"),
}
DEFAULT_SORT = "at_risk"


def parse_period(raw_from: str | None, raw_to: str | None, now: dt.datetime | None = None) -> Period:
    """The period of ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` as the health report reads it
    (``health.queries.parse_period``: `to` defaults to today, `from` to HEALTH.default_days days
    ending at `to`). Raises PeriodError naming the field, also for a period so early that the
    previous period would fall before the calendar starts."""
    now = now or db.utcnow()
    start, end = parse_days(raw_from, raw_to, today=now.date())
    period = Period(start, end, now)
    try:
        period.previous()
    except OverflowError:
        raise PeriodError("from", str(lazy_gettext("The period starts too early."))) from None
    return period


def at_risk_drop() -> float:
    return float(current_app.config["HEALTH"]["at_risk_drop"])


def is_at_risk(engagement: int, previous: int, drop: float) -> bool:
    """Engagement fell by more than `drop` (a fraction) of the previous period's: 10 → 6 is a 40 %
    fall; exactly `drop` is not at risk; nothing before (0 → anything) is never at risk. Exact
    arithmetic, so that 10 → 7 at 0.3 is not at risk by a rounding error."""
    if previous <= 0:
        return False
    return Fraction(previous - engagement, previous) > Fraction(str(drop))


def trend_of(engagement: int, previous: int) -> float | None:
    """The change as a fraction of the previous period (−0.4 for 10 → 6); None with nothing before."""
    if previous <= 0:
        return None
    return round((engagement - previous) / previous, 4)


# --------------------------------------------------------------------------- the rows

@dataclass
class AccountRow:
    organization: Any
    active_members: int = 0
    contributions: int = 0
    ideas_supported: int = 0
    latest_nps: float | None = None
    nps_responses: int = 0
    followups_open: int = 0
    engagement: int = 0
    previous_engagement: int = 0
    trend: float | None = None
    at_risk: bool = False

    @property
    def drop_percent(self) -> int | None:
        """The fall in whole percent (40 for 10 → 6), None when engagement did not fall."""
        if self.trend is None or self.trend >= 0:
            return None
        return round(-self.trend * 100)


def account_rows(period: Period, category_id: int | None = None) -> list[AccountRow]:
    """Every customer organization's row for `period` (docs/rules.md: Health reports, per
    organization), by name. Engagement is the number of active members; the previous period has
    the same length and ends the day before `period` starts. The latest NPS is the organization's
    NPS over NPS_WINDOW_DAYS ending at the period's end (or now). Six statements, whatever the
    number of organizations."""
    before = period.previous()
    orgs = list(db.session.scalars(organizations()))
    activity = activity_by_organization(before.start, period.start, period.end, today=period.today,
                                        until=period.until, category_id=category_id)
    supports = supports_by_organization(period.since, period.until, category_id=category_id)
    nps = nps_queries.by_organization(category_id=category_id, now=period.until)
    followups = nps_queries.open_followups_by_organization()
    drop = at_risk_drop()
    rows = []
    for org in orgs:
        seen = activity.get(org.id, {})
        score = nps.get(org.id)
        active, previous = seen.get("active", 0), seen.get("previous_active", 0)
        rows.append(AccountRow(
            organization=org, active_members=active, contributions=seen.get("contributions", 0),
            ideas_supported=supports.get(org.id, 0),
            latest_nps=rounded(score.nps) if score is not None else None,
            nps_responses=score.responses if score is not None else 0,
            followups_open=followups.get(org.id, 0), engagement=active, previous_engagement=previous,
            trend=trend_of(active, previous), at_risk=is_at_risk(active, previous, drop)))
    return sort_rows(rows, "name")


def sort_rows(rows: list[AccountRow], sort: str, *, sees_arr: bool = True) -> list[AccountRow]:
    """Rows in the order `sort` names (SORTS): `at_risk` puts at-risk organizations first, the
    largest fall first, then the others by their trend (falling first) and name; `active_members`,
    `contributions` and `arr` largest first; `name` alphabetical. Ties go by name. A caller who may
    not see ARR gets `arr` as `name` (the order would tell the ARR)."""
    if sort == "arr" and not sees_arr:
        sort = "name"

    def name_key(row: AccountRow) -> tuple[str, int]:
        return (row.organization.name.casefold(), row.organization.id)

    if sort == "active_members":
        return sorted(rows, key=lambda r: (-r.active_members, name_key(r)))
    if sort == "contributions":
        return sorted(rows, key=lambda r: (-r.contributions, name_key(r)))
    if sort == "arr":
        return sorted(rows, key=lambda r: (-int(r.organization.arr or 0), name_key(r)))
    if sort == "name":
        return sorted(rows, key=name_key)
    return sorted(rows, key=lambda r: (not r.at_risk, r.trend if r.trend is not None else float("inf"), name_key(r)))


# --------------------------------------------------------------------------- representations

def row_dict(row: AccountRow, *, sees_details: bool) -> dict[str, Any]:
    """docs/api.md: Reports — one per-organization row; tier and ARR null for callers who may not
    see them."""
    org = row.organization
    return {
        "organization": {"id": org.id, "name": org.name, "tier": org.tier.value if sees_details else None,
                         "arr": org.arr if sees_details else None},
        "active_members": row.active_members, "contributions": row.contributions,
        "ideas_supported": row.ideas_supported, "latest_nps": row.latest_nps, "nps_responses": row.nps_responses,
        "followups_open": row.followups_open, "engagement": row.engagement,
        "previous_engagement": row.previous_engagement, "trend": row.trend, "at_risk": row.at_risk,
    }


CSV_COLUMNS = ("organization_id", "organization", "tier", "arr", "active_members", "contributions",
               "ideas_supported", "latest_nps", "nps_responses", "followups_open", "engagement",
               "previous_engagement", "trend", "at_risk")


def _cell_text(text: str) -> str:
    """A name a spreadsheet would run as a formula (=, +, -, @) is written with a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def accounts_csv(rows: list[AccountRow], *, sees_details: bool) -> str:
    """The rows as CSV, starting with a UTF-8 byte-order mark so that spreadsheet programs read
    Chinese names correctly; empty cells for null values, `true`/`false` for the flag."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row_dict(row, sees_details=sees_details)
        org = data["organization"]
        values = [org["id"], _cell_text(org["name"]), org["tier"], org["arr"]] + [data[c] for c in CSV_COLUMNS[4:]]
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v)
                         for v in values])
    return out.getvalue()
