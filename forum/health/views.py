"""The community-health dashboard, `/reports/health` (admin, moderator, product, cs), and its
downloads for a signed-in viewer: the report as CSV, JSON and a self-contained HTML file. Thin: the
period and category from the URL, one report (forum.health.queries.health_report), rendered by
forum.health.export (docs/rules.md: Health reports; docs/api.md: Reports)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.accounts.queries import require
from forum.accounts.rules import Permission
from forum.health import export, queries, reports, rules
from forum.qa.queries import visible_categories
from forum.web import login_required

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    """The per-organization pages (accounts_views.py) are a second blueprint of this part."""
    from forum.health import accounts_views

    app.register_blueprint(accounts_views.bp)

CUSTOM = "custom"


@dataclass(frozen=True)
class Choice:
    """The period and category the viewer picked: `days` is one of the windows or "custom"."""

    start: dt.date
    end: dt.date
    days: str
    category: Any
    error: str | None

    def args(self) -> dict[str, Any]:
        """The query arguments that show this choice again (the picker's links and the downloads)."""
        args: dict[str, Any] = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.days != CUSTOM:
            args["days"] = self.days
        if self.category is not None:
            args["category"] = self.category.id
        return args


def _settings() -> tuple[tuple[int, ...], int, int]:
    """HEALTH_DASHBOARD_WINDOWS, HEALTH.default_days and HEALTH.max_days (docs/rules.md: Health reports)."""
    health = rules.health()
    return (tuple(int(d) for d in current_app.config["HEALTH_DASHBOARD_WINDOWS"]), int(health["default_days"]),
            int(health["max_days"]))


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def _choice(categories: list[Any]) -> Choice:
    """`?days=` (a window: the days ending today) wins; `?days=custom`, or no `days`, reads `?from=`
    and `?to=` (YYYY-MM-DD; `to` defaults to today). A bad date, a period that ends before it starts
    or one longer than the maximum shows the default window with the reason; an unknown category
    shows every category."""
    windows, default_days, max_days = _settings()
    today = db.utcnow().date()
    raw_category = (request.args.get("category") or "").strip()
    category = next((c for c in categories if str(c.id) == raw_category or c.slug == raw_category), None)
    days = (request.args.get("days") or "").strip()
    error = None
    if days.isdigit() and int(days) in windows:
        return Choice(today - dt.timedelta(days=int(days) - 1), today, days, category, None)
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if days == CUSTOM or raw_from or raw_to:
        start, end = _date(raw_from), _date(raw_to) or (today if not (raw_to or "").strip() else None)
        if start is None or end is None:
            error = _("The dates must be written YYYY-MM-DD.")
        elif start > end:
            error = _("The period starts after it ends.")
        elif (end - start).days + 1 > max_days:
            error = _("The period may be at most %(n)s days long.", n=max_days)
        else:
            return Choice(start, end, CUSTOM, category, None)
    elif days:
        error = _("Pick one of the periods offered.")
    return Choice(today - dt.timedelta(days=default_days - 1), today, str(default_days) if default_days in windows
                  else CUSTOM, category, error)


def _report() -> tuple[dict[str, Any], Choice, list[Any]]:
    require(current_user, Permission.VIEW_REPORTS)
    categories = list(db.session.scalars(visible_categories(current_user)))
    choice = _choice(categories)
    report = reports.cached_report(choice.start, choice.end, choice.category.id if choice.category else None)
    return report, choice, categories


@bp.get("/reports/health")
@login_required
def dashboard() -> Any:
    """The headline numbers with their change against the previous period, the health index with its
    sub-scores and formula, the launch-readiness verdict, the proof that criticism is answered, the
    charts (drawn by static/js/health.js from the page's JSON block) and every metric's definition."""
    report, choice, categories = _report()
    windows, _default, max_days = _settings()
    as_of = dt.datetime.fromisoformat(report["as_of"]) if report.get("as_of") else None
    return render_template("health/dashboard.html", choice=choice, categories=categories, windows=windows,
                           max_days=max_days, chart_data=export.chart_data(report), as_of=as_of,
                           **export.report_context(report))


def _attachment(body: str, mimetype: str, choice: Choice, suffix: str) -> Response:
    name = f"health-{choice.start.isoformat()}-{choice.end.isoformat()}.{suffix}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/health.csv")
@login_required
def download_csv() -> Any:
    """The dashboard's report as CSV (queries.report_csv: one row per metric, its previous value and
    definition), for a viewer signed in on the site."""
    report, choice, _categories = _report()
    return _attachment(queries.report_csv(report), "text/csv", choice, "csv")


@bp.get("/reports/health.json")
@login_required
def download_json() -> Any:
    """The dashboard's report as JSON (the API's document, for a viewer signed in on the site)."""
    report, choice, _categories = _report()
    return _attachment(json.dumps(report, ensure_ascii=False, indent=2, default=str), "application/json", choice,
                       "json")


@bp.get("/reports/health.html")
@login_required
def download_html() -> Any:
    """The dashboard's report as one self-contained HTML file to e-mail (export.render_report_html)."""
    report, choice, _categories = _report()
    return _attachment(export.render_report_html(report), "text/html", choice, "html")
