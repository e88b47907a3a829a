"""API routes of the community-health report (docs/api.md: Reports), over forum.health.queries, in
the order of checks 401, 403, 422: ``GET /reports/health`` (JSON) and ``GET /reports/health.csv``."""

from __future__ import annotations

from typing import Any, Optional

from flask import Response, request
from flask_babel import gettext as _
from pydantic import ConfigDict, Field, create_model

from forum.api import schemas as s
from forum.api.core import CSV, ApiError, bp, documented, require_permission, require_user
from forum.errors import NotFound
from forum.health import queries, rules
from forum.qa.queries import access_category

TAGS = ("reports",)


class HealthQuery(s.Query):
    model_config = ConfigDict(populate_by_name=True)

    from_: Optional[str] = Field(default=None, alias="from",
                                 description="YYYY-MM-DD, included; default 29 days before `to`")
    to: Optional[str] = Field(default=None, description="YYYY-MM-DD, included; default today (UTC)")
    category: Optional[int] = Field(default=None, description="a category id; the whole community when absent")


_STRUCTURED = {"retention_cohorts": (list[dict[str, Any]], "[{cohort, size, retained: [share per week]}]"),
               "ideas_by_stage": (dict[str, int], "status → ideas")}


def _metric_field(key: str) -> tuple[Any, Any]:
    text = rules.DEFINITIONS[key]
    description = getattr(text, "_args", (str(text),))[0]
    kind, more = _STRUCTURED.get(key, (Optional[float], ""))
    return kind, Field(description=f"{description} {more}".strip())


MetricsOut = create_model("MetricsOut", __base__=s.Out, **{k: _metric_field(k) for k in rules.METRIC_KEYS})
SubScoresOut = create_model("SubScoresOut", __base__=s.Out,
                            **{k: (Optional[float], Field(description="0–100; null without data"))
                               for k in rules.SUB_SCORES})


class HealthReportOut(s.Out):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="YYYY-MM-DD, the first day")
    to: str = Field(description="YYYY-MM-DD, the last day")
    category: Optional[s.CategoryOut]
    health_index: Optional[float] = Field(description="0–100, the weighted mean of the sub-scores with data")
    health_formula: str
    sub_scores: SubScoresOut  # type: ignore[valid-type]
    previous_health_index: Optional[float] = Field(description="the index of the period of equal length before")
    previous_sub_scores: SubScoresOut  # type: ignore[valid-type]
    metrics: MetricsOut  # type: ignore[valid-type]
    previous: MetricsOut = Field(description="the same metrics for the period of equal length before")  # type: ignore[valid-type]
    series: dict[str, Any] = Field(description="days, active_members, questions, answers, weekly, nps_trend, idea_funnel")
    launch: dict[str, Any] = Field(description="{ready, nps, margin_of_error, needed, reason}")
    criticism: dict[str, Any]
    definitions: dict[str, str]


def _report() -> dict[str, Any]:
    """The report for the query string, after the checks (401, 403, 422 naming the parameter)."""
    user = require_user()
    require_permission(rules.REPORTS_PERMISSION)
    try:
        start, end = queries.parse_period(request.args.get("from"), request.args.get("to"))
    except queries.PeriodError as exc:
        raise ApiError(422, "invalid", exc.message, exc.field) from None
    category_id = None
    raw = request.args.get("category")
    if raw not in (None, ""):
        try:
            category_id = access_category(int(raw), user).id
        except (ValueError, NotFound):
            raise ApiError(422, "unknown_category", _("No such category."), "category") from None
    return queries.health_report(start, end, category_id)


@bp.get("/reports/health")
@documented(query=HealthQuery, ok=HealthReportOut, errors=(401, 403, 422), tags=TAGS)
def report_health() -> Any:
    """The community-health report of a period (default: the last 30 days) and optionally one
    category, with the previous period of equal length (admin, moderator, product, cs)."""
    return _report()


@bp.get("/reports/health.csv")
@documented(query=HealthQuery, ok=CSV, errors=(401, 403, 422), tags=TAGS)
def report_health_csv() -> Any:
    """The same report as CSV, UTF-8 with a byte-order mark: key, value, previous, definition."""
    report = _report()
    name = f"health-{report['from']}-{report['to']}.csv"
    return Response(queries.report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
