"""API routes of the idea board (docs/api.md: Ideas), over forum.ideas' actions and queries.

The visibility rule is the queries' (``access_idea``, ``ideas``); organization tier and ARR
(`supporters_by_tier`, `supporting_arr`) are null unless the caller may view organization details.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from flask_babel import gettext as _
from pydantic import Field

from forum import db
from forum.accounts.queries import can
from forum.api import schemas as s
from forum.api.core import (
    ApiError, api_user, bp, documented, iso, json_body, paginated, query_args, require_permission, require_scope,
    require_user, validate,
)
from forum.errors import NotFound
from forum.ideas import actions, queries, rules
from forum.ideas.models import Idea, IdeaComment, IdeaSupport
from forum.qa.queries import access_category
from forum.web import rate_limit

TAGS = ("ideas",)

IdeaStatusName = Literal["pending", "rejected", "gathering", "in_review", "on_hold", "approved", "not_approved",
                         "shipped", "expired", "merged"]
ImportanceName = Literal["nice_to_have", "important", "must_have"]


# ----------------------------------------------------------------------------- schemas

class IdeaCreate(s.Body):
    title: str
    description: str = Field(description="Markdown")
    category: Optional[int] = Field(default=None, description="a category id")


class IdeaListQuery(s.Query):
    status: Optional[IdeaStatusName] = None
    sort: Literal["supporters", "newest", "deadline"] = "newest"
    category: Optional[int] = None


class SupportIn(s.Body):
    importance: Optional[ImportanceName] = None
    comment: Optional[str] = Field(default=None, max_length=rules.SUPPORT_COMMENT_MAX)


class DecisionIn(s.Body):
    decision: Literal["approved", "not_approved", "on_hold", "shipped"]
    note: str = Field(description="the public reason, required")
    release_url: Optional[str] = Field(default=None, description="for `shipped`: where it shipped")


class MergeIn(s.Body):
    into: int = Field(description="the id of the idea to merge into")


class TierCounts(s.Out):
    benchmark: int
    value_added: int
    standard: int
    none: int


class MySupportOut(s.Out):
    importance: Optional[ImportanceName]
    comment: str
    created_at: str


class HistoryOut(s.Out):
    status: IdeaStatusName
    stage: int
    at: str
    actor: Optional[s.AuthorOut]
    note: str


class IdeaOut(s.Out):
    id: int
    title: str
    description: str
    description_html: str
    category: Optional[s.CategoryOut]
    status: IdeaStatusName
    stage: int
    supporters: int
    next_threshold: Optional[int] = Field(description="supporters needed for the next stage; null past the last")
    deadline: Optional[str]
    review_due: Optional[str]
    author: s.AuthorOut
    supporters_by_tier: Optional[TierCounts] = Field(description="null unless the caller is product, cs or admin")
    supporting_organizations: int
    supporting_arr: Optional[int] = Field(description="null unless the caller is product, cs or admin")
    my_support: Optional[MySupportOut]
    decision_note: Optional[str]
    merged_into: Optional[int]
    history: list[HistoryOut]
    created_at: str
    published_at: Optional[str]
    rejection_reason: Optional[str]
    release_url: Optional[str]
    image_url: Optional[str]


class IdeaPage(s.PageOut):
    items: list[IdeaOut]


class IdeaCommentOut(s.Out):
    id: int
    body: str
    body_html: str
    status: str
    author: s.AuthorOut
    created_at: str


# ----------------------------------------------------------------------------- representations

def _author(user: Any) -> dict[str, Any] | None:
    return {"id": user.id, "username": user.username} if user is not None else None


def serialize_idea(viewer: Any, idea: Idea, breakdown: dict[str, Any] | None = None,
                   my_support: IdeaSupport | None = None) -> dict[str, Any]:
    if breakdown is None:
        breakdown = queries.support_breakdown([idea.id])[idea.id]
        my_support = queries.my_supports(viewer, [idea.id]).get(idea.id)
    org_details = can(viewer, rules.ORG_DETAILS_PERMISSION)
    category = idea.category
    return {
        "id": idea.id,
        "title": idea.title,
        "description": idea.description,
        "description_html": idea.description_html,
        "category": {"id": category.id, "name": category.name, "slug": category.slug} if category else None,
        "status": idea.status.value,
        "stage": idea.stage,
        "supporters": idea.supporters,
        "next_threshold": queries.next_threshold(idea),
        "deadline": iso(idea.deadline),
        "review_due": iso(idea.review_due),
        "author": _author(idea.author),
        "supporters_by_tier": dict(breakdown["by_tier"]) if org_details else None,
        "supporting_organizations": breakdown["organizations"],
        "supporting_arr": breakdown["arr"] if org_details else None,
        "my_support": ({"importance": my_support.importance.value if my_support.importance else None,
                        "comment": my_support.comment, "created_at": iso(my_support.created_at)}
                       if my_support is not None else None),
        "decision_note": idea.decision_note,
        "merged_into": idea.merged_into_id,
        "history": [{"status": h.status.value, "stage": h.stage, "at": iso(h.at), "actor": _author(h.actor),
                     "note": h.note} for h in idea.history],
        "created_at": iso(idea.created_at),
        "published_at": iso(idea.published_at),
        "rejection_reason": idea.rejection_reason,
        "release_url": idea.release_url,
        "image_url": f"/ideas/{idea.id}/image" if idea.image_name else None,
    }


def serialize_comment(comment: IdeaComment) -> dict[str, Any]:
    return {"id": comment.id, "body": comment.body, "body_html": comment.body_html, "status": comment.status,
            "author": _author(comment.author), "created_at": iso(comment.created_at)}


def _category_id(viewer: Any, category_id: int | None) -> int | None:
    if category_id is None:
        return None
    try:
        return access_category(category_id, viewer).id
    except NotFound:
        raise ApiError(422, "unknown_category", _("No such category."), "category") from None


# ----------------------------------------------------------------------------- routes

@bp.post("/ideas")
@rate_limit("post")
@documented(json=IdeaCreate, ok=IdeaOut, status=201, errors=(400, 401, 403, 422), tags=TAGS)
def create_idea() -> Any:
    """Submit an idea: `pending` until a moderator publishes it (IDEA_PREMODERATION), else `gathering`."""
    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(IdeaCreate, body)
    idea = actions.submit_idea(user, title=data.title, description=data.description, category_id=data.category)
    db.commit()
    return serialize_idea(user, idea), 201


@bp.get("/ideas")
@documented(query=IdeaListQuery, ok=IdeaPage, errors=(422,), tags=TAGS)
def list_ideas() -> Any:
    """The board: visible ideas, filtered by status and category, newest / most supported / ending soon first."""
    viewer = api_user()
    args = query_args(IdeaListQuery)
    stmt = queries.ideas(viewer, status=args.status, sort=args.sort, category_id=_category_id(viewer, args.category))
    page = paginated(stmt, lambda i: i)
    ids = [i.id for i in page["items"]]
    breakdowns = queries.support_breakdown(ids)
    mine = queries.my_supports(viewer, ids)
    page["items"] = [serialize_idea(viewer, i, breakdowns[i.id], mine.get(i.id)) for i in page["items"]]
    return page


@bp.get("/ideas/<int:idea_id>")
@documented(ok=IdeaOut, errors=(404,), tags=TAGS)
def show_idea(idea_id: int) -> Any:
    """One idea with its history; a merged idea is 200 with `merged_into`."""
    viewer = api_user()
    return serialize_idea(viewer, queries.access_idea(viewer, idea_id))


@bp.put("/ideas/<int:idea_id>/support")
@rate_limit("vote")
@documented(json=SupportIn, ok=IdeaOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def idea_support(idea_id: int) -> Any:
    """Support an idea (once; again changes only importance and comment). Your own idea, or one
    that is not gathering or past its deadline, is 422."""
    user = require_user()
    body = json_body(optional=True)
    idea = queries.access_idea(user, idea_id)
    require_scope("write")
    data = validate(SupportIn, body)
    actions.support_idea(user, idea, importance=data.importance, comment=data.comment)
    db.commit()
    return serialize_idea(user, idea)


@bp.delete("/ideas/<int:idea_id>/support")
@documented(ok=IdeaOut, errors=(401, 403, 404, 422), tags=TAGS)
def idea_withdraw(idea_id: int) -> Any:
    """Withdraw your support while the idea gathers (withdrawing none is 200, unchanged)."""
    user = require_user()
    idea = queries.access_idea(user, idea_id)
    require_scope("write")
    actions.withdraw_support(user, idea)
    db.commit()
    return serialize_idea(user, idea)


@bp.post("/ideas/<int:idea_id>/comments")
@rate_limit("post")
@documented(json=s.CommentCreate, ok=IdeaCommentOut, status=201, errors=(400, 401, 403, 404, 422), tags=TAGS)
def idea_comment(idea_id: int) -> Any:
    """Comment on a public idea (expired and merged ideas are read-only: 422)."""
    user = require_user()
    body = json_body()
    idea = queries.access_idea(user, idea_id)
    require_scope("write")
    data = validate(s.CommentCreate, body)
    created = actions.post_idea_comment(user, idea, body=data.body)
    db.commit()
    return serialize_comment(created), 201


@bp.post("/ideas/<int:idea_id>/decision")
@documented(json=DecisionIn, ok=IdeaOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def idea_decision(idea_id: int) -> Any:
    """The product team's decision, always with a note (docs/rules.md: transitions; any other is 422)."""
    user = require_user()
    body = json_body()
    idea = queries.access_idea(user, idea_id)
    require_scope("admin")
    require_permission(rules.DECIDE_PERMISSION)
    data = validate(DecisionIn, body)
    actions.decide_idea(user, idea, decision=data.decision, note=data.note, release_url=data.release_url)
    db.commit()
    return serialize_idea(user, idea)


@bp.post("/ideas/<int:idea_id>/merge")
@documented(json=MergeIn, ok=IdeaOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def idea_merge(idea_id: int) -> Any:
    """Merge this idea into `into` (product); answers the idea merged into."""
    user = require_user()
    body = json_body()
    source = queries.access_idea(user, idea_id)
    require_scope("admin")
    require_permission(rules.DECIDE_PERMISSION)
    data = validate(MergeIn, body)
    try:
        target = queries.access_idea(user, data.into)
    except NotFound:
        raise ApiError(422, "unknown_idea", _("No idea with that id to merge into."), "into") from None
    actions.merge_ideas(user, source, target)
    db.commit()
    return serialize_idea(user, target)

