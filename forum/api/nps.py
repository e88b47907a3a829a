"""API routes of the NPS survey, its scores and the customer-success follow-ups (docs/api.md: NPS,
Moderation), over forum.nps' actions and queries, in the order of checks 401, 400, 404, 403, 422, 409."""

from __future__ import annotations

from typing import Any, Literal, Optional

from flask_babel import gettext as _
from pydantic import Field

from forum import db
from forum.api import schemas as s
from forum.api.accounts import serialize_org_brief
from forum.api.core import (
    ApiError, bp, documented, iso, json_body, paginated, query_args, require_permission, require_scope,
    require_user, validate,
)
from forum.errors import NotFound
from forum.nps import actions, queries, rules
from forum.nps.models import Followup
from forum.qa.queries import access_category

TAGS = ("nps",)


# ----------------------------------------------------------------------------- schemas

class NpsIn(s.Body):
    score: int = Field(ge=rules.SCORE_MIN, le=rules.SCORE_MAX, description="0 (not at all likely) … 10 (extremely likely)")
    comment: Optional[str] = Field(default=None, max_length=rules.COMMENT_MAX)
    category: Optional[int] = Field(default=None, description="a category id (product line)")


class NpsOut(s.Out):
    id: int
    score: int
    category: Optional[s.CategoryOut]
    created_at: str


class SummaryQuery(s.Query):
    days: Optional[int] = Field(default=None, ge=1, le=3650, description="the window; default NPS_WINDOW_DAYS")
    category: Optional[int] = Field(default=None, description="a category id; all answers when absent")


class SummaryOut(s.Out):
    nps: Optional[float] = Field(description="% promoters − % detractors, −100 … 100; null with no responses")
    responses: int
    promoters: int
    passives: int
    detractors: int
    margin_of_error: Optional[float] = Field(description="95 % margin of error, in NPS points; null with no responses")
    window_days: int
    moderation_mode: Literal["open", "guarded", "strict"]


FollowupStatusName = Literal["open", "contacted", "resolved"]


class FollowupListQuery(s.PageQuery):
    status: Optional[FollowupStatusName] = None


class FollowupIn(s.Body):
    status: Literal["contacted", "resolved"]
    note: str = Field(description="what was done, required")


class FollowupNoteOut(s.Out):
    status: FollowupStatusName
    note: str
    by: Optional[s.AuthorOut]
    at: str


class FollowupOut(s.Out):
    id: int
    source: Literal["nps", "post"]
    nps_response_id: Optional[int]
    content_type: Optional[str]
    content_id: Optional[int]
    user: s.AuthorOut
    organization: Optional[s.OrganizationBrief]
    score: Optional[int]
    comment: str
    status: FollowupStatusName
    due_at: str
    overdue: bool
    created_at: str
    notes: list[FollowupNoteOut]


class FollowupPage(s.PageOut):
    items: list[FollowupOut]


# ----------------------------------------------------------------------------- representations

def _author(user: Any) -> dict[str, Any] | None:
    return {"id": user.id, "username": user.username} if user is not None else None


def _category(category: Any) -> dict[str, Any] | None:
    return {"id": category.id, "name": category.name, "slug": category.slug} if category is not None else None


def serialize_followup(followup: Followup, viewer: Any) -> dict[str, Any]:
    return {
        "id": followup.id, "source": followup.source.value, "nps_response_id": followup.nps_response_id,
        "content_type": followup.content_type, "content_id": followup.content_id, "user": _author(followup.user),
        "organization": serialize_org_brief(followup.organization, viewer), "score": followup.score,
        "comment": followup.comment, "status": followup.status.value, "due_at": iso(followup.due_at),
        "overdue": queries.is_overdue(followup), "created_at": iso(followup.created_at),
        "notes": [{"status": n.status.value, "note": n.note, "by": _author(n.author), "at": iso(n.at)}
                  for n in followup.notes],
    }


# ----------------------------------------------------------------------------- routes

@bp.post("/nps")
@documented(json=NpsIn, ok=NpsOut, status=201, errors=(400, 401, 403, 409, 422), tags=TAGS)
def answer_nps() -> Any:
    """Answer the survey. Before NPS_MIN_MEMBERSHIP_DAYS of membership 422 `nps_not_eligible`; a
    second answer inside NPS_SURVEY_INTERVAL_DAYS 409; a score outside 0..10 or an unknown category 422."""
    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(NpsIn, body)
    response = actions.record_nps(user, data.score, data.comment, data.category)
    db.commit()
    return {"id": response.id, "score": response.score, "category": _category(response.category),
            "created_at": iso(response.created_at)}, 201


@bp.get("/nps/summary")
@documented(query=SummaryQuery, ok=SummaryOut, errors=(401, 403, 422), tags=TAGS)
def nps_summary() -> Any:
    """NPS over the last `days` (default NPS_WINDOW_DAYS), overall or for one category, with the
    counts, the 95 % margin of error and the moderation mode (staff)."""
    user = require_user()
    require_permission(rules.SCORES_PERMISSION)
    args = query_args(SummaryQuery)
    category_id = None
    if args.category is not None:
        try:
            category_id = access_category(args.category, user).id
        except NotFound:
            raise ApiError(422, "unknown_category", _("No such category."), "category") from None
    days = queries.window_days(args.days)
    score = queries.summary(days, category_id)
    return score.as_dict() | {"window_days": days, "moderation_mode": queries.moderation_mode(category_id)}


@bp.get("/followups")
@documented(query=FollowupListQuery, ok=FollowupPage, errors=(401, 403, 422), tags=TAGS)
def list_followups() -> Any:
    """Follow-ups, open ones first and soonest due first (cs)."""
    user = require_user()
    require_permission(rules.FOLLOW_UP_PERMISSION)
    args = query_args(FollowupListQuery)
    return paginated(queries.followups(args.status), lambda f: serialize_followup(f, user))


@bp.post("/followups/<int:followup_id>")
@documented(json=FollowupIn, ok=FollowupOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def update_followup(followup_id: int) -> Any:
    """Mark a follow-up contacted or resolved with a note (cs): open → contacted → resolved,
    open → resolved; an unknown status, another transition or a missing note is 422."""
    user = require_user()
    body = json_body()
    followup = queries.access_followup(followup_id)
    require_scope("admin")
    require_permission(rules.FOLLOW_UP_PERMISSION)
    data = validate(FollowupIn, body)
    actions.update_followup(user, followup, data.status, data.note)
    db.commit()
    return serialize_followup(followup, user)
