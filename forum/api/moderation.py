"""API routes of the moderation queue (API.md: Moderation), over forum.moderation."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from forum import db
from forum.api import schemas as s
from forum.api.core import bp, documented, iso, json_body, paginated, require_scope, require_user, validate
from forum.moderation import actions, queries

TAGS = ("moderation",)


class QueueDecision(s.Body):
    action: Literal["approve", "reject"]
    reason: Optional[str] = Field(default=None, description="for reject: spam, abuse, personal_data, off_topic, duplicate")
    note: Optional[str] = None


class QueueItemOut(s.Out):
    id: int
    content_type: str
    content_id: int
    reason: str
    excerpt: str
    author: Optional[s.AuthorOut]
    held_at: str
    release_at: Optional[str]
    status: Literal["open", "approved", "rejected"]
    decided_by: Optional[s.AuthorOut]
    decision_reason: Optional[str]
    note: str


class QueuePage(s.PageOut):
    items: list[QueueItemOut]


def _author(user: Any) -> dict[str, Any] | None:
    return {"id": user.id, "username": user.username} if user is not None else None


def serialize_item(item: Any) -> dict[str, Any]:
    return {"id": item.id, "content_type": item.content_type, "content_id": item.content_id, "reason": item.reason,
            "excerpt": item.excerpt, "author": _author(item.author), "held_at": iso(item.held_at),
            "release_at": iso(item.release_at), "status": item.status.value, "decided_by": _author(item.decided_by),
            "decision_reason": item.decision_reason, "note": item.note}


@bp.get("/moderation/queue")
@documented(ok=QueuePage, errors=(401, 403), tags=TAGS)
def moderation_queue() -> Any:
    """Open queue items, oldest first (moderators)."""
    user = require_user()
    stmt = queries.queue(user)
    return paginated(stmt, serialize_item)


@bp.post("/moderation/queue/<int:item_id>")
@documented(json=QueueDecision, ok=QueueItemOut, errors=(400, 401, 403, 404, 409, 422), tags=TAGS)
def decide_queue_item(item_id: int) -> Any:
    """Approve, or reject with a reason from the fixed list (422 without one)."""
    user = require_user()
    body = json_body()
    item = queries.access_item(user, item_id)
    require_scope("admin")
    data = validate(QueueDecision, body)
    actions.decide_item(user, item, action=data.action, reason=data.reason, note=data.note)
    db.commit()
    return serialize_item(item)
