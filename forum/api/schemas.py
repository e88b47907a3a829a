"""The API's request and response schemas, declared once (docs/api.md): handlers validate requests
with them (forum.api.core.validate) and the OpenAPI document is generated from them.

Request bodies are strict (JSON types are not coerced: `"5"` is not a number, `true` is not 1);
query strings are lax (they are always text). Unknown fields are ignored.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    model_config = ConfigDict(strict=False, extra="ignore")


class Out(BaseModel):
    """Response schemas (documentation; the handlers build the dictionaries)."""


# ----------------------------------------------------------------------------- errors

class ErrorDetail(Out):
    code: str = Field(description="snake_case error code")
    message: str = Field(description="a human sentence")
    field: Optional[str] = Field(default=None, description="the offending field, when there is one")


class ErrorOut(Out):
    error: ErrorDetail


class OpenApiOut(Out):
    """The OpenAPI 3 document itself (GET /api/v1/openapi.json)."""

    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


INT_MAX = 2**31 - 1  # ids and page numbers fit PostgreSQL's integer; beyond, 422 (or 404 in a path)


class PageQuery(Query):
    page: int = Field(default=1, ge=1, le=INT_MAX)
    per_page: int = Field(default=20, ge=1, le=INT_MAX, description="at most 100 (more is taken as 100)")


class PageOut(Out):
    total: int
    page: int
    per_page: int


# ----------------------------------------------------------------------------- accounts

Tier = Literal["benchmark", "value_added", "standard"]


class OrganizationBrief(Out):
    id: int
    name: str
    tier: Optional[Tier] = Field(description="null unless the caller is product, cs or admin")
    arr: Optional[float] = Field(description="null unless the caller is product, cs or admin")


class OrganizationOut(OrganizationBrief):
    member_ids: list[int]
    created_at: str


class OrganizationPage(PageOut):
    items: list[OrganizationOut]


class BadgeOut(Out):
    slug: str
    name: str
    tier: str
    awarded_at: Optional[str]


class UserOut(Out):
    id: int
    username: str
    points: int
    trust_level: int
    roles: list[str]
    ambassador: bool
    badges: list[BadgeOut]
    organization: Optional[OrganizationBrief]
    created_at: str


class MeOut(UserOut):
    email: str
    notifications_unread: int
    invite_code: Optional[str]


class AuthorOut(Out):
    id: int
    username: str


class UserCreate(Body):
    username: str
    email: str
    password: str
    locale: Optional[str] = None
    invite_code: Optional[str] = None


class TokenCreate(Body):
    username: str = Field(description="username or e-mail")
    password: str
    name: Optional[str] = None
    scopes: Optional[list[str]] = Field(default=None, description="read, write, admin; default: all your roles allow")


class TokenCreated(Out):
    id: int
    token: str = Field(description="the secret, shown once")
    scopes: list[str]
    expires_at: str


class TokenOut(Out):
    id: int
    name: str
    scopes: list[str]
    created_at: str
    expires_at: str
    last_used_at: Optional[str]
    revoked_at: Optional[str]
    active: bool


class TokenPage(PageOut):
    items: list[TokenOut]


class RolesUpdate(Body):
    roles: list[str]


class OrganizationIn(Body):
    name: str
    tier: Tier
    arr: float = Field(ge=0, le=2**63 - 1, description="annual recurring revenue, a whole amount")
    model_config = ConfigDict(strict=True, extra="ignore")


class OrganizationMembers(Body):
    user_ids: list[int]


class NotificationOut(Out):
    id: int
    kind: str
    text: str
    url: str
    read: bool
    created_at: str


class NotificationPage(PageOut):
    items: list[NotificationOut]


class NotificationsRead(Body):
    ids: Optional[list[int]] = Field(default=None, description="all unread when absent")


class MarkedOut(Out):
    marked: int
    notifications_unread: int


class RevokedOut(Out):
    id: int
    revoked: bool


# ----------------------------------------------------------------------------- questions and answers

Status = Literal["published", "pending", "rejected", "hidden", "deleted"]


class CategoryOut(Out):
    id: int
    name: str
    slug: str


class CommentOut(Out):
    id: int
    body: str
    body_html: str
    status: Status
    author: AuthorOut
    created_at: str


class AnswerOut(Out):
    id: int
    question_id: int
    body: str
    body_html: str
    score: int
    my_vote: int
    accepted: bool
    official: bool
    status: Status
    release_at: Optional[str]
    rejection_reason: Optional[str]
    author: AuthorOut
    created_at: str
    updated_at: str
    comments: list[CommentOut]


class QuestionSummaryOut(Out):
    id: int
    title: str
    body: str
    body_html: str
    tags: list[str]
    category: Optional[CategoryOut]
    status: Status
    release_at: Optional[str]
    rejection_reason: Optional[str]
    score: int
    my_vote: int
    view_count: int
    answer_count: int
    accepted_answer_id: Optional[int]
    following: bool
    author: AuthorOut
    created_at: str
    updated_at: str


class QuestionOut(QuestionSummaryOut):
    comments: list[CommentOut]
    answers: list[AnswerOut]


class QuestionPage(PageOut):
    items: list[QuestionSummaryOut]


class QuestionListQuery(Query):
    sort: Literal["newest", "votes", "active"] = "newest"
    unanswered: bool = False
    tag: Optional[str] = None
    category: Optional[int] = None


class QuestionCreate(Body):
    title: str
    body: str
    tags: Optional[list[str]] = None
    category: Optional[int] = Field(default=None, description="a category id")


class QuestionPatch(Body):
    title: Optional[str] = None
    body: Optional[str] = None
    tags: Optional[list[str]] = None
    category: Optional[int] = Field(default=None, description="a category id; null clears it")


class AnswerPatch(Body):
    body: Optional[str] = None


class AnswerCreate(Body):
    body: str


class CommentCreate(Body):
    body: str


class VoteIn(Body):
    value: Literal[1, -1, 0] = Field(description="1 up, -1 down, 0 withdraw")

    @field_validator("value", mode="before")
    @classmethod
    def _integer(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("the vote value must be the integer 1, -1 or 0")
        return value


class VoteOut(Out):
    score: int
    my_vote: int


class FollowOut(Out):
    following: bool


class DeletedOut(Out):
    id: int
    status: Status
