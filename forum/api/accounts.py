"""API routes of accounts (docs/api.md: Accounts): sign-up, tokens, members, roles, organizations,
notifications. Also the one user representation every API module uses (``serialize_user``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Optional

import sqlalchemy as sa
from flask_babel import gettext as _
from pydantic import Field

from forum import db
from forum.accounts import actions, queries
from forum.accounts.models import ApiToken, Organization, User
from forum.accounts.rules import Permission
from forum.api import schemas as s
from forum.api.core import (
    ApiError, api_user, bp, documented, iso, json_body, paginated, require_permission, require_scope, require_user,
    validate,
)
from forum.errors import refuse
from forum.notifications import actions as notification_actions, queries as notification_queries
from forum.notifications.models import Notification
from forum.rewards import queries as rewards_queries
from forum.web import rate_limit

TAGS = ("accounts",)


# ----------------------------------------------------------------------------- representations

def serialize_badges(badges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """docs/api.md: a user's badges as `{slug, name, tier, awarded_at}` (rewards.queries.badges_of)."""
    return [{"slug": b["slug"], "name": str(b["name"]), "tier": str(b["tier"]), "awarded_at": iso(b["awarded_at"])}
            for b in badges]


def serialize_org_brief(org: Organization | None, viewer: Any) -> dict[str, Any] | None:
    """Tier and ARR only for product, cs and admin callers (docs/api.md: Visibility)."""
    if org is None:
        return None
    details = queries.can(viewer, Permission.VIEW_ORG_DETAILS)
    return {"id": org.id, "name": org.name, "tier": org.tier.value if details else None,
            "arr": org.arr if details else None}


def serialize_users(users: Sequence[User], viewer: Any) -> list[dict[str, Any]]:
    """docs/api.md: each user = {id, username, points, trust_level, roles, ambassador, badges, organization,
    created_at}; the badges and organizations of all the users are read in one statement each, so a
    list's statements do not grow with its rows."""
    badges = rewards_queries.badges_by_member([u.id for u in users])
    organizations = queries.organizations_by_id([u.organization_id for u in users])
    return [{
        "id": user.id,
        "username": user.username,
        "points": user.points,
        "trust_level": rewards_queries.trust_level(user),
        "roles": user.roles,
        "ambassador": bool(user.is_ambassador),
        "badges": serialize_badges(badges[user.id]),
        "organization": serialize_org_brief(organizations.get(user.organization_id), viewer),
        "created_at": iso(user.created_at),
    } for user in users]


def serialize_user(user: User, viewer: Any) -> dict[str, Any]:
    """One user of `serialize_users`."""
    return serialize_users([user], viewer)[0]


def paginated_users(stmt_or_items: Any, viewer: Any) -> dict[str, Any]:
    """A page of users (a Select of User or a list), serialized together (`serialize_users`)."""
    page = paginated(stmt_or_items, lambda user: user)
    page["items"] = serialize_users(page["items"], viewer)
    return page


def serialize_me(user: User) -> dict[str, Any]:
    return serialize_user(user, user) | {
        "email": user.email,
        "notifications_unread": notification_queries.unread_count(user),
        "invite_code": getattr(user, "invite_code", None),
    }


def serialize_organization(org: Organization, viewer: Any, member_ids: list[int] | None = None) -> dict[str, Any]:
    if member_ids is None:
        member_ids = list(db.session.scalars(sa.select(User.id).where(User.organization_id == org.id).order_by(User.id)))
    return serialize_org_brief(org, viewer) | {"member_ids": member_ids, "created_at": iso(org.created_at)}  # type: ignore[operator]


def serialize_token(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "scopes": token.scope_list, "created_at": iso(token.created_at),
            "expires_at": iso(token.expires_at), "last_used_at": iso(token.last_used_at),
            "revoked_at": iso(token.revoked_at),
            "active": token.revoked_at is None and token.expires_at > db.utcnow()}


def serialize_notification(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "text": notification_queries.notification_text(n), "url": n.url, "read": bool(n.read),
            "created_at": iso(n.created_at)}


# ----------------------------------------------------------------------------- sign-up and tokens

@bp.post("/users")
@rate_limit("signup")
@documented(json=s.UserCreate, ok=s.UserOut, status=201, errors=(400, 409, 422), tags=TAGS)
def create_user() -> Any:
    """Sign up a member."""
    data = validate(s.UserCreate, json_body())
    user = actions.register_user(username=data.username, email=data.email, password=data.password,
                                 locale=data.locale, invite_code=data.invite_code)
    db.commit()
    return serialize_user(user, api_user() or user), 201


@bp.post("/tokens")
@rate_limit("login")
@documented(json=s.TokenCreate, ok=s.TokenCreated, status=201, errors=(400, 401, 422), tags=TAGS)
def create_token() -> Any:
    """Sign in with username (or e-mail) and password; the token's secret is shown once."""
    data = validate(s.TokenCreate, json_body())
    user = actions.authenticate(data.username, data.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    token, secret = actions.issue_token(user, name=data.name or "", scopes=data.scopes)
    db.commit()
    return {"id": token.id, "token": secret, "scopes": token.scope_list, "expires_at": iso(token.expires_at)}, 201


@bp.get("/tokens")
@documented(query=s.PageQuery, ok=s.TokenPage, errors=(401,), tags=TAGS)
def list_tokens() -> Any:
    """The caller's tokens, newest first (never the secrets)."""
    user = require_user()
    return paginated(queries.tokens_of(user), serialize_token)


@bp.delete("/tokens/<int:token_id>")
@documented(ok=s.RevokedOut, errors=(401, 403, 404), tags=TAGS)
def delete_token(token_id: int) -> Any:
    """Revoke one of the caller's tokens (repeating it changes nothing)."""
    user = require_user()
    if db.session.scalar(sa.select(ApiToken.id).where(ApiToken.id == token_id, ApiToken.user_id == user.id)) is None:
        raise ApiError(404, "not_found", _("No token with that id."))
    require_scope("write")
    token = actions.revoke_token(user, token_id)
    db.commit()
    return {"id": token.id, "revoked": True}


# ----------------------------------------------------------------------------- members

@bp.get("/me")
@documented(ok=s.MeOut, errors=(401,), tags=TAGS)
def me() -> Any:
    """The caller, with e-mail, unread notifications and invite code."""
    return serialize_me(require_user())


@bp.get("/users/<int:user_id>")
@documented(ok=s.UserOut, errors=(404,), tags=TAGS)
def show_user(user_id: int) -> Any:
    """A member's public profile."""
    return serialize_user(queries.access_user(user_id), api_user())


@bp.put("/users/<int:user_id>/roles")
@documented(json=s.RolesUpdate, ok=s.UserOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def set_user_roles(user_id: int) -> Any:
    """Admins set a member's roles (`member` is implicit)."""
    actor = require_user()
    body = json_body()
    user = queries.access_user(user_id)
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = validate(s.RolesUpdate, body)
    actions.set_roles(actor, user, data.roles)
    db.commit()
    return serialize_user(user, actor)


# ----------------------------------------------------------------------------- organizations

def _member_ids(orgs: list[Organization]) -> dict[int, list[int]]:
    ids: dict[int, list[int]] = {o.id: [] for o in orgs}
    if ids:
        for uid, oid in db.session.execute(sa.select(User.id, User.organization_id)
                                           .where(User.organization_id.in_(list(ids))).order_by(User.id)):
            ids[oid].append(uid)
    return ids


@bp.get("/organizations")
@documented(query=s.PageQuery, ok=s.OrganizationPage, tags=TAGS)
def list_organizations() -> Any:
    """Organizations by name; tier and ARR only for product, cs and admin callers."""
    viewer = api_user()
    page = paginated(queries.organizations(), lambda o: o)
    members = _member_ids(page["items"])
    page["items"] = [serialize_organization(o, viewer, members[o.id]) for o in page["items"]]
    return page


def _organization_input(body: dict[str, Any]) -> s.OrganizationIn:
    return validate(s.OrganizationIn, body)


@bp.post("/organizations")
@documented(json=s.OrganizationIn, ok=s.OrganizationOut, status=201, errors=(400, 401, 403, 409, 422), tags=TAGS)
def create_organization() -> Any:
    """Create an organization (admin)."""
    actor = require_user()
    body = json_body()
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = _organization_input(body)
    org = actions.create_organization(actor, name=data.name, tier=data.tier, arr=data.arr)
    db.commit()
    return serialize_organization(org, actor), 201


@bp.put("/organizations/<int:org_id>")
@documented(json=s.OrganizationIn, ok=s.OrganizationOut, errors=(400, 401, 403, 404, 409, 422), tags=TAGS)
def update_organization(org_id: int) -> Any:
    """Rename an organization or change its tier and ARR (admin)."""
    actor = require_user()
    body = json_body()
    org = queries.access_organization(org_id)
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = _organization_input(body)
    actions.update_organization(actor, org, name=data.name, tier=data.tier, arr=data.arr)
    db.commit()
    return serialize_organization(org, actor)


@bp.put("/organizations/<int:org_id>/members")
@documented(json=s.OrganizationMembers, ok=s.OrganizationOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def set_organization_members(org_id: int) -> Any:
    """The organization's members become exactly `user_ids`."""
    actor = require_user()
    body = json_body()
    org = queries.access_organization(org_id)
    require_permission(Permission.MANAGE_COMMUNITY)
    require_scope("admin")
    data = validate(s.OrganizationMembers, body)
    actions.set_organization_members(actor, org, data.user_ids)
    db.commit()
    return serialize_organization(org, actor)


# ----------------------------------------------------------------------------- notifications

@bp.get("/notifications")
@documented(query=s.PageQuery, ok=s.NotificationPage, errors=(401,), tags=TAGS)
def list_notifications() -> Any:
    """The caller's notifications, newest first."""
    user = require_user()
    return paginated(notification_queries.notifications_for(user), serialize_notification)


@bp.post("/notifications/read")
@documented(json=s.NotificationsRead, ok=s.MarkedOut, errors=(400, 401, 403, 422), tags=TAGS)
def read_notifications() -> Any:
    """Mark the listed notifications read, or all of them when `ids` is absent."""
    user = require_user()
    body = json_body(optional=True)
    require_scope("write")
    data = validate(s.NotificationsRead, body)
    marked = notification_actions.mark_notifications_read(user, data.ids)
    db.commit()
    return {"marked": marked, "notifications_unread": notification_queries.unread_count(user)}


# ----------------------------------------------------------------------------- suspensions

class SuspensionIn(s.Body):
    until: str = Field(description="ISO 8601 date and time (UTC when it has no offset), in the future")
    reason: str = Field(description="told to the member; at most 500 characters")


class SuspendedUserOut(s.UserOut):
    suspended_until: Optional[str]
    suspension_reason: Optional[str]


def _parse_until(raw: Any) -> dt.datetime:
    """An ISO 8601 time (a trailing Z, an offset, or none: UTC) or date (its midnight UTC); 422 `until`."""
    if not isinstance(raw, str) or not raw.strip():
        raise ApiError(422, "invalid", _("until: This field is required."), "until")
    text = raw.strip()
    try:
        value = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ApiError(422, "invalid", _("until: not an ISO 8601 date and time."), "until") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def serialize_suspended(user: User, viewer: Any) -> dict[str, Any]:
    """The user, with the suspension (its end and reason) moderators see."""
    running = actions.is_suspended(user)
    return serialize_user(user, viewer) | {"suspended_until": iso(user.suspended_until) if running else None,
                                           "suspension_reason": user.suspension_reason if running else None}


@bp.put("/users/<int:user_id>/suspension")
@documented(json=SuspensionIn, ok=SuspendedUserOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def suspend_user(user_id: int) -> Any:
    """Moderators suspend a member until a time with a reason (only admins suspend staff); the
    member is told why and until when. Repeating it is 200 and changes nothing."""
    actor = require_user()
    body = json_body()
    member = queries.access_user(user_id)
    refuse(actions.suspend_refusal(actor, member))
    require_scope("admin")
    data = validate(SuspensionIn, body)
    actions.suspend_member(actor, member, until=_parse_until(data.until), reason=data.reason)
    db.commit()
    return serialize_suspended(member, actor)


@bp.delete("/users/<int:user_id>/suspension")
@documented(ok=SuspendedUserOut, errors=(401, 403, 404), tags=TAGS)
def lift_user_suspension(user_id: int) -> Any:
    """Moderators lift a suspension; lifting when there is none is 200 and changes nothing."""
    actor = require_user()
    member = queries.access_user(user_id)
    refuse(actions.suspend_refusal(actor, member))
    require_scope("admin")
    actions.lift_suspension(actor, member)
    db.commit()
    return serialize_suspended(member, actor)
