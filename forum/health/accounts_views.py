"""The per-organization health page, `/reports/accounts`, and its CSV (admin, moderator, product,
cs): a sortable table (cards on phones) for a period and an optional category kept in the URL
(docs/rules.md: Health reports, per organization). Thin: parse, read, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from forum import db
from forum.accounts.queries import can, require
from forum.accounts.rules import Permission
from forum.health import accounts
from forum.nps import queries as nps_queries
from forum.nps.rules import TIER_LABELS
from forum.qa.queries import visible_categories
from forum.web import login_required, page_arg, pager

bp = Blueprint("health_accounts", __name__)


def _arguments() -> dict[str, Any]:
    """The page's period, category and sort from the URL. A bad date shows the default period with
    the error beside the picker; an unknown category or sort is ignored."""
    error = None
    try:
        period = accounts.parse_period(request.args.get("from"), request.args.get("to"))
    except accounts.PeriodError as exc:
        error = exc
        period = accounts.parse_period(None, None)
    categories = list(db.session.scalars(visible_categories(current_user)))
    raw = (request.args.get("category") or "").strip()
    category = next((c for c in categories if c.slug == raw or str(c.id) == raw), None) if raw else None
    sort = request.args.get("sort") or accounts.DEFAULT_SORT
    sees_details = can(current_user, Permission.VIEW_ORG_DETAILS)
    if sort not in accounts.SORTS or (sort == "arr" and not sees_details):
        sort = accounts.DEFAULT_SORT
    return {"period": period, "period_days": (period.end - period.start).days + 1, "error": error, "categories": categories, "category": category, "sort": sort,
            "sees_details": sees_details}


@bp.get("/reports/accounts")
@login_required
def report() -> Any:
    """Customer organizations for the period: active members, contributions, ideas supported,
    latest NPS, open follow-ups, engagement against the previous period, at-risk rows marked."""
    require(current_user, Permission.VIEW_REPORTS)
    args = _arguments()
    rows = accounts.sort_rows(accounts.account_rows(args["period"], args["category"].id if args["category"] else None),
                              args["sort"], sees_arr=args["sees_details"])
    per_page = int(current_app.config["PER_PAGE"])
    page = page_arg()
    sorts = [name for name in accounts.SORTS if name != "arr" or args["sees_details"]]
    return render_template(
        "health_accounts/report.html", rows=rows[(page - 1) * per_page: page * per_page],
        pager=pager(page, len(rows), per_page), at_risk_count=sum(r.at_risk for r in rows),
        previous=args["period"].previous(), sorts=sorts, sort_labels=accounts.SORTS,
        drop_percent=round(accounts.at_risk_drop() * 100), nps_window=nps_queries.window_days(),
        tier_labels=TIER_LABELS, **args)


@bp.get("/reports/accounts.csv")
@login_required
def report_csv() -> Any:
    """The page's rows, every page, as CSV (UTF-8 with a byte-order mark), in the page's order."""
    require(current_user, Permission.VIEW_REPORTS)
    args = _arguments()
    rows = accounts.sort_rows(accounts.account_rows(args["period"], args["category"].id if args["category"] else None),
                              args["sort"], sees_arr=args["sees_details"])
    name = f"accounts-{args['period'].start.isoformat()}-{args['period'].end.isoformat()}.csv"
    return Response(accounts.accounts_csv(rows, sees_details=args["sees_details"]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
