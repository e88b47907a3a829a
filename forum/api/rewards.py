"""API routes of rewards (docs/api.md: Accounts): a member's points ledger, the ambassadors, the
candidates with their evidence, appointing and revoking ambassadors."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from forum import db
from forum.accounts.queries import access_user
from forum.accounts.rules import Permission
from forum.api import schemas as s
from forum.api.accounts import paginated_users, serialize_user, serialize_users
from forum.api.core import (
    api_user, bp, documented, iso, json_body, paginated, require_permission, require_scope, require_user, validate,
)
from forum.rewards import actions, queries
from forum.rewards.models import PointEntry

TAGS = ("rewards",)


class PointEntryOut(s.Out):
    id: int
    delta: int
    reason: str = Field(description="the POINTS key (docs/rules.md: Rule keys)")
    subject_type: str
    subject_id: int
    reverses: Optional[int] = Field(description="the entry this one compensates, if any")
    stage: Optional[int] = None
    text: str = Field(description="the entry explained in words")
    created_at: str


class PointEntryPage(s.PageOut):
    items: list[PointEntryOut]


class UserPage(s.PageOut):
    items: list[s.UserOut]


class Criterion(s.Out):
    value: Any = None
    required: Optional[int] = None
    passed: bool
    label: str


class Evidence(s.Out):
    eligible: bool
    criteria: dict[str, Criterion]


class CandidateOut(s.UserOut):
    evidence: Evidence


class CandidatePage(s.PageOut):
    items: list[CandidateOut]


class AmbassadorNote(s.Body):
    note: str = Field(min_length=1, description="at most NOTE_MAX_CHARS characters (config.py; 2000 by default)")


class AmbassadorRevoke(s.Body):
    note: Optional[str] = Field(default=None, description="at most NOTE_MAX_CHARS characters")


def serialize_entry(entry: PointEntry) -> dict[str, Any]:
    return {"id": entry.id, "delta": entry.delta, "reason": entry.reason, "subject_type": entry.subject_type,
            "subject_id": entry.subject_id, "reverses": entry.reverses, "stage": entry.stage,
            "text": queries.entry_text(entry), "created_at": iso(entry.created_at)}


@bp.get("/users/<int:user_id>/points")
@documented(query=s.PageQuery, ok=PointEntryPage, errors=(404,), tags=TAGS)
def user_points(user_id: int) -> Any:
    """A member's ledger entries, newest first (points = the sum of the entries)."""
    member = access_user(user_id)
    return paginated(queries.ledger(member.id), serialize_entry)


@bp.get("/ambassadors")
@documented(query=s.PageQuery, ok=UserPage, tags=TAGS)
def list_ambassadors() -> Any:
    """The current ambassadors."""
    return paginated_users(queries.ambassadors(), api_user())


@bp.get("/ambassadors/candidates")
@documented(query=s.PageQuery, ok=CandidatePage, errors=(401, 403), tags=TAGS)
def list_candidates() -> Any:
    """Members who meet every ambassador criterion, with the evidence (admin)."""
    viewer = require_user()
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    page = paginated(queries.ambassador_candidates(), lambda row: row)
    rows = page["items"]
    users = serialize_users([member for member, _evidence in rows], viewer)
    page["items"] = [user | {"evidence": evidence} for user, (_member, evidence) in zip(users, rows, strict=True)]
    return page


@bp.post("/users/<int:user_id>/ambassador")
@documented(json=AmbassadorNote, ok=s.UserOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def appoint_ambassador(user_id: int) -> Any:
    """Appoint a member for a 12-month term, with a note (admin); repeating it changes nothing."""
    actor = require_user()
    body = json_body()
    member = access_user(user_id)
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = validate(AmbassadorNote, body)
    actions.appoint_ambassador(actor, member, data.note)
    db.commit()
    return serialize_user(member, actor)


@bp.delete("/users/<int:user_id>/ambassador")
@documented(json=AmbassadorRevoke, ok=s.UserOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def revoke_ambassador(user_id: int) -> Any:
    """End a member's ambassador status (admin); the term stays in the history."""
    actor = require_user()
    body = json_body(optional=True)
    member = access_user(user_id)
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = validate(AmbassadorRevoke, body)
    actions.revoke_ambassador(actor, member, data.note)
    db.commit()
    return serialize_user(member, actor)
