"""API routes of the moderation queue and the NPS gate's policy (docs/api.md), over forum.moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from flask import request
from flask_babel import gettext as _
from pydantic import Field

from forum import db
from forum.api import schemas as s
from forum.api.core import (ApiError, api_user, bp, documented, iso, json_body, paginated, query_args, require_scope,
                            require_user, validate)
from forum.errors import NotFound, refuse
from forum.moderation import actions, queries, rules
from forum.qa import queries as qa_queries

TAGS = ("moderation",)


class QueueDecision(s.Body):
    action: str = Field(description="approve, reject or escalate (to customer success: the item stays in the queue)")
    reason: Optional[str] = Field(default=None, description="for reject: spam, abuse, personal_data, off_topic, duplicate")
    note: Optional[str] = None


class QueueQuery(s.PageQuery):
    content_type: Optional[Literal["question", "answer", "comment", "idea"]] = None


class QueueItemOut(s.Out):
    id: int
    content_type: str
    content_id: int
    reason: str = Field(description="why it is held: guarded_newcomer, strict, idea_premoderation, flagged, "
                                    "resubmitted, appeal")
    reason_text: str = Field(description="the reason in the reader's language")
    excerpt: str
    author: Optional[s.AuthorOut]
    held_at: str
    release_at: Optional[str] = Field(description="published automatically then; null: waits for a moderator")
    status: Literal["open", "approved", "rejected"]
    decided_by: Optional[s.AuthorOut]
    decision_reason: Optional[str]
    note: str
    negative: bool = Field(description="strict mode judged it negative about the product: routed to customer success")
    escalated_at: Optional[str]
    appeal_note: str
    url: Optional[str]


class QueuePage(s.PageOut):
    items: list[QueueItemOut]


class AppealIn(s.Body):
    content_type: Literal["question", "answer", "comment", "idea"]
    content_id: int
    note: Optional[str] = Field(default=None, description="why the rejection should be reconsidered (required)")


class ResubmitIn(s.Body):
    content_type: Literal["question", "answer", "comment"]
    content_id: int


class ResubmitOut(s.Out):
    content_type: str
    content_id: int
    status: str
    release_at: Optional[str]


def _author(user: Any) -> dict[str, Any] | None:
    return {"id": user.id, "username": user.username} if user is not None else None


def serialize_item(item: Any, paths: dict[tuple[str, int], str] | None = None) -> dict[str, Any]:
    if paths is None:
        paths = queries.content_paths([item])
    return {"id": item.id, "content_type": item.content_type, "content_id": item.content_id, "reason": item.reason,
            "reason_text": queries.reason_text(item), "excerpt": item.excerpt, "author": _author(item.author),
            "held_at": iso(item.held_at), "release_at": iso(item.release_at), "status": item.status.value,
            "decided_by": _author(item.decided_by), "decision_reason": item.decision_reason, "note": item.note,
            "negative": bool(item.negative), "escalated_at": iso(item.escalated_at),
            "appeal_note": item.appeal_note or "", "url": paths.get((item.content_type, item.content_id))}


@bp.get("/moderation/queue")
@documented(query=QueueQuery, ok=QueuePage, errors=(401, 403, 422), tags=TAGS)
def moderation_queue() -> Any:
    """Open queue items, oldest first (moderators); `?content_type=` filters."""
    user = require_user()
    args = query_args(QueueQuery)
    stmt = queries.queue(user, content_type=args.content_type)
    page = paginated(stmt, lambda item: item)
    paths = queries.content_paths(page["items"])
    page["items"] = [serialize_item(item, paths) for item in page["items"]]
    return page


@bp.post("/moderation/queue/<int:item_id>")
@documented(json=QueueDecision, ok=QueueItemOut, errors=(400, 401, 403, 404, 409, 422), tags=TAGS)
def decide_queue_item(item_id: int) -> Any:
    """Approve, reject with a reason from the fixed list (422 without one), or escalate to customer
    success; an unknown action is 422 `action`."""
    user = require_user()
    body = json_body()
    item = queries.access_item(user, item_id)
    require_scope("admin")
    data = validate(QueueDecision, body)
    actions.decide_item(user, item, action=data.action, reason=data.reason, note=data.note)
    db.commit()
    return serialize_item(item)


@bp.post("/moderation/appeals")
@documented(json=AppealIn, ok=QueueItemOut, status=201, errors=(400, 401, 403, 404, 409, 422), tags=TAGS)
def appeal() -> Any:
    """The author appeals the rejection of their content, once: 404 if it is not theirs, 422 if it
    is not rejected or the note is missing, 409 on a second appeal."""
    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(AppealIn, body)
    item = actions.appeal_rejection(user, data.content_type, data.content_id, data.note)
    db.commit()
    return serialize_item(item), 201


@bp.post("/moderation/resubmissions")
@documented(json=ResubmitIn, ok=ResubmitOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def resubmit() -> Any:
    """The author sends rejected content (edited or not, with PATCH) back for review: `pending`,
    waiting for a moderator (no release time)."""
    from forum.qa import actions as qa_actions

    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(ResubmitIn, body)
    post = _own_post(user, data.content_type, data.content_id)
    qa_actions.resubmit_post(user, post)
    db.commit()
    return {"content_type": data.content_type, "content_id": post.id, "status": post.status.value,
            "release_at": iso(post.release_at)}


def _own_post(user: Any, content_type: Any, content_id: Any) -> Any:
    """The caller's question, answer or comment (404 for anything else: unknown, or not theirs)."""
    if content_type not in ("question", "answer", "comment"):
        raise ApiError(422, "invalid", _("The content type must be one of: %(types)s.",
                                         types="question, answer, comment"), "content_type")
    if isinstance(content_id, bool) or not isinstance(content_id, int):
        raise ApiError(422, "invalid", _("The content id must be a whole number."), "content_id")
    access = {"question": qa_queries.access_question, "answer": qa_queries.access_answer,
              "comment": qa_queries.access_comment}[content_type]
    post = access(user, content_id)
    if post.author_id != user.id:
        raise NotFound(_("No content of yours with that id."))
    return post


# ----------------------------------------------------------------------------- the NPS gate's policy

Mode = Literal["open", "guarded", "strict"]


class PolicyQuery(s.Query):
    category: Optional[int] = Field(default=None, description="a category id; omitted: the community")


class PolicyChange(s.Body):
    mode: Optional[str] = Field(description="open, guarded or strict; null clears the override")
    note: Optional[str] = Field(default=None, description="why (required to override)")
    until: Optional[str] = Field(default=None, description="ISO 8601 UTC end, in the future; default in "
                                                           "MODERATION_OVERRIDE_DAYS (7) days")
    category: Optional[int] = Field(default=None, description="a category id; omitted: the community")


class OverrideOut(s.Out):
    mode: Mode
    by: Optional[s.AuthorOut]
    note: str
    until: str


class PolicyOut(s.Out):
    mode: Mode
    computed_mode: Mode
    nps: Optional[float] = Field(description="over the window; null with no answers")
    responses: int
    margin_of_error: Optional[float] = Field(description="95 %, in NPS points")
    reason: str = Field(description="the decision in words, in the reader's language")
    override: Optional[OverrideOut]
    window_days: int
    min_responses: int
    from_fallback: bool
    computed_at: Optional[str]
    category: Optional[s.CategoryOut]


def serialize_policy(info: dict[str, Any], category: Any) -> dict[str, Any]:
    override = info["override"]
    return {
        "mode": info["mode"].value, "computed_mode": info["computed_mode"].value, "nps": info["nps"],
        "responses": info["responses"], "margin_of_error": info["margin_of_error"], "reason": info["reason"],
        "override": None if override is None else {"mode": override["mode"].value, "by": _author(override["by"]),
                                                    "note": override["note"], "until": iso(override["until"])},
        "window_days": info["window_days"], "min_responses": info["min_responses"],
        "from_fallback": info["from_fallback"], "computed_at": iso(info["computed_at"]),
        "category": {"id": category.id, "name": category.name, "slug": category.slug} if category is not None else None,
    }


def _policy_category(viewer: Any, category_id: Any) -> Any:
    """A category the caller can see, or 422 `unknown_category` naming the field (docs/api.md)."""
    if category_id is None:
        return None
    try:
        return qa_queries.access_category(category_id, viewer)
    except NotFound:
        raise ApiError(422, "unknown_category", _("No such category."), "category") from None


def _parse_until(raw: str | None) -> dt.datetime | None:
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, "invalid", _("until: an ISO 8601 time, such as 2027-01-01T00:00:00Z."), "until") from None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


@bp.get("/moderation/policy")
@documented(query=PolicyQuery, ok=PolicyOut, errors=(401, 422), tags=TAGS)
def moderation_policy() -> Any:
    """The moderation mode of the community or a category, the computed mode, its inputs, the
    reason in words and any override (public)."""
    viewer = api_user()
    args = query_args(PolicyQuery)
    category = _policy_category(viewer, args.category)
    return serialize_policy(queries.policy(category.id if category is not None else None), category)


@bp.put("/moderation/policy")
@documented(json=PolicyChange, ok=PolicyOut, errors=(400, 401, 403, 422), tags=TAGS)
def change_moderation_policy() -> Any:
    """Override a scope's mode with a note and an end (admin), or `{mode: null}` to clear it."""
    user = require_user()
    body = json_body()
    refuse(actions.override_refusal(user))
    require_scope("admin")
    data = validate(PolicyChange, body)
    category = _policy_category(user, data.category)
    category_id = category.id if category is not None else None
    if data.mode is None:
        actions.clear_override(user, category_id)
    else:
        actions.override_mode(user, data.mode, data.note, until=_parse_until(data.until), category_id=category_id)
    db.commit()
    return serialize_policy(queries.policy(category_id), category)


# --------------------------------------------------------------------------- flags

class FlagCreate(s.Body):
    content_type: Literal["question", "answer", "comment", "idea"]
    content_id: int
    reason: Literal["spam", "abuse", "off_topic", "personal_data", "other"]
    note: Optional[str] = Field(default=None, description="at most 500 characters, shown to moderators")


class FlagOut(s.Out):
    id: int
    content_type: str
    content_id: int
    reason: str
    note: str
    outcome: Literal["pending", "upheld", "dismissed"]
    created_at: str


def serialize_flag(flag: Any) -> dict[str, Any]:
    return {"id": flag.id, "content_type": flag.content_type, "content_id": flag.content_id, "reason": flag.reason,
            "note": flag.note, "outcome": flag.outcome.value, "created_at": iso(flag.created_at)}


@bp.post("/flags")
@documented(json=FlagCreate, ok=FlagOut, status=201, errors=(400, 401, 403, 404, 422), tags=TAGS)
def create_flag() -> Any:
    """Flag content for the moderators (the flag privilege; not your own post). A second flag by
    the same member on the same content is 200 and changes nothing."""
    user = require_user()
    body = json_body()
    content_type, content_id = body.get("content_type"), body.get("content_id")
    if content_type in rules.FLAGGABLE and isinstance(content_id, int) and not isinstance(content_id, bool):
        queries.flag_target(user, content_type, content_id)  # 404 first: unknown or invisible content
    refuse(queries.flag_refusal(user, None))  # then 403 (no flag privilege, suspended), before any 422
    require_scope("write")
    flag, created = actions.flag_content(user, body.get("content_type"), body.get("content_id"),
                                         reason=body.get("reason"), note=body.get("note"))
    db.commit()
    return serialize_flag(flag), 201 if created else 200


# --------------------------------------------------------------------------- transparency

class StatsQuery(s.Query):
    days: Optional[int] = Field(default=None, description="the window, 1 … MODERATION_STATS_MAX_DAYS days (default 30)")


class StatsOut(s.Out):
    held: int
    released: int
    rejected: int
    open: int
    median_hold_minutes: Optional[float]
    rejections_by_reason: dict[str, int]
    held_by_reason: dict[str, int]
    window_days: int


@bp.get("/moderation/stats")
@documented(query=StatsQuery, ok=StatsOut, errors=(401, 422), tags=TAGS)
def moderation_stats() -> Any:
    """What moderation held, released and rejected over the last `days` days, and why (public)."""
    settings = rules.stats_settings()
    raw = request.args.get("days")
    days = settings.default_days
    if raw not in (None, ""):
        try:
            days = int(raw)
        except ValueError:
            raise ApiError(422, "invalid", _("days must be a whole number."), "days") from None
        if not 1 <= days <= settings.max_days:
            raise ApiError(422, "invalid", _("days must be from 1 to %(max)s.", max=settings.max_days), "days")
    numbers = queries.moderation_stats(days)
    return {"held": numbers["held"], "released": numbers["released"], "rejected": numbers["rejected"],
            "open": numbers["open"], "median_hold_minutes": numbers["median_hold_minutes"],
            "rejections_by_reason": numbers["rejections_by_reason"], "held_by_reason": numbers["held_by_reason"],
            "window_days": days}
