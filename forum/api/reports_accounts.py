"""API routes of the per-organization health report (docs/api.md: Reports), over
forum.health.accounts, in the order of checks 401, 403, 422."""

from __future__ import annotations

from typing import Any, Literal, Optional

from flask import Response, request
from flask_babel import gettext as _
from pydantic import ConfigDict, Field

from forum.accounts.queries import can
from forum.accounts.rules import Permission
from forum.api import schemas as s
from forum.api.core import CSV, ApiError, bp, documented, paginated, require_permission, require_user
from forum.errors import NotFound
from forum.health import accounts
from forum.qa.queries import access_category

TAGS = ("reports",)
SortName = Literal["at_risk", "active_members", "contributions", "arr", "name"]


class AccountsQuery(s.Query):
    model_config = ConfigDict(populate_by_name=True)

    from_: Optional[str] = Field(default=None, alias="from", description="YYYY-MM-DD; default 29 days before `to`")
    to: Optional[str] = Field(default=None, description="YYYY-MM-DD, included; default today (UTC)")
    category: Optional[int] = Field(default=None, description="a category id; every category when absent")
    sort: Optional[SortName] = Field(default=None, description="default at_risk: at-risk organizations first")


class AccountRowOut(s.Out):
    organization: s.OrganizationBrief
    active_members: int = Field(description="distinct members with an engagement event in the period")
    contributions: int = Field(description="questions, answers and comments published and ideas submitted")
    ideas_supported: int = Field(description="ideas the organization's members supported in the period")
    latest_nps: Optional[float] = Field(description="NPS over NPS_WINDOW_DAYS ending at the period's end")
    nps_responses: int
    followups_open: int = Field(description="follow-ups not resolved")
    engagement: int = Field(description="active members in the period")
    previous_engagement: int = Field(description="active members in the previous period of equal length")
    trend: Optional[float] = Field(description="(engagement − previous) ÷ previous; null with no previous activity")
    at_risk: bool = Field(description="engagement fell by more than HEALTH.at_risk_drop")


class AccountPage(s.PageOut):
    items: list[AccountRowOut]


def _report() -> tuple[list[accounts.AccountRow], bool]:
    """The caller's sorted rows and whether they see tier and ARR, after the checks."""
    user = require_user()
    require_permission(Permission.VIEW_REPORTS)
    try:
        period = accounts.parse_period(request.args.get("from"), request.args.get("to"))
    except accounts.PeriodError as exc:
        raise ApiError(422, "invalid", exc.message, exc.field) from None
    category_id = None
    raw_category = request.args.get("category")
    if raw_category not in (None, ""):
        try:
            category_id = access_category(int(raw_category), user).id
        except (ValueError, NotFound):
            raise ApiError(422, "unknown_category", _("No such category."), "category") from None
    sort = request.args.get("sort") or accounts.DEFAULT_SORT
    if sort not in accounts.SORTS:
        raise ApiError(422, "invalid", _("Sort by one of: %(names)s.", names=", ".join(accounts.SORTS)), "sort")
    sees_details = can(user, Permission.VIEW_ORG_DETAILS)
    rows = accounts.account_rows(period, category_id)
    return accounts.sort_rows(rows, sort, sees_arr=sees_details), sees_details


@bp.get("/reports/accounts")
@documented(query=AccountsQuery, ok=AccountPage, errors=(401, 403, 422), tags=TAGS)
def report_accounts() -> Any:
    """Customer organizations' health for a period (admin, moderator, product, cs), at-risk first
    by default; tier and ARR null unless the caller is product, cs or admin."""
    rows, sees_details = _report()
    return paginated(rows, lambda row: accounts.row_dict(row, sees_details=sees_details))


@bp.get("/reports/accounts.csv")
@documented(query=AccountsQuery, ok=CSV, errors=(401, 403, 422), tags=TAGS)
def report_accounts_csv() -> Any:
    """The same rows, every page, as CSV (UTF-8 with a byte-order mark)."""
    rows, sees_details = _report()
    return Response(accounts.accounts_csv(rows, sees_details=sees_details), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="accounts.csv"'})
