"""API routes for a member's own data (docs/api.md: Accounts): download it, delete the account."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import ConfigDict, Field

from forum import db
from forum.accounts import privacy
from forum.api import export
from forum.api import schemas as s
from forum.api.core import bp, documented, json_body, require_scope, require_user, validate

TAGS = ("accounts",)


class DataExportOut(s.Out):
    """Every section of docs/api.md's export (profile, questions, answers, … events)."""

    model_config = ConfigDict(extra="allow")
    format: int
    exported_at: str
    profile: dict[str, Any]
    questions: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    ideas: list[dict[str, Any]]
    points: list[dict[str, Any]]
    events: list[dict[str, Any]]


class AccountDelete(s.Body):
    password: Optional[str] = Field(default=None, description="your current password (required)")


class AccountDeletedOut(s.Out):
    id: int
    deleted: bool


@bp.get("/me/export")
@documented(ok=DataExportOut, tags=TAGS)
def export_my_data() -> Any:
    """Everything the forum keeps about the caller, as one JSON document."""
    return export.member_data(require_user())


@bp.delete("/me")
@documented(json=AccountDelete, ok=AccountDeletedOut, tags=TAGS)
def delete_my_account() -> Any:
    """Delete the caller's account, confirmed with the password (422 `password` otherwise): the
    content stays, attributed to “deleted member”; every token and session ends."""
    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(AccountDelete, body)
    privacy.delete_account(user, data.password)
    db.commit()
    return {"id": user.id, "deleted": True}
