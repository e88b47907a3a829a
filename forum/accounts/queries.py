"""Accounts' read helpers: permission checks and lookups (docs/architecture.md: access_* raise)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from forum import db
from forum.accounts.models import ApiToken, Organization, User
from forum.accounts.rules import PERMISSIONS, Permission, roles_for
from forum.errors import Forbidden, NotFound


def is_signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _declared(permission: Permission) -> Permission:
    """Permission names are declared (accounts.rules.Permission); a free string is a mistake."""
    if not isinstance(permission, Permission):
        raise TypeError(f"not a declared permission (forum.accounts.rules.Permission): {permission!r}")
    return permission


def can(user: Any, permission: Permission) -> bool:
    """Whether `user`'s roles grant `permission` (accounts.rules.PERMISSIONS; admin has all)."""
    permission = _declared(permission)
    if not is_signed_in(user):
        return False
    roles = set(user.roles)
    return "admin" in roles or bool(roles & PERMISSIONS[permission])


def role_refusal(user: Any, permission: Permission) -> Forbidden | None:
    """The 403 naming the roles that would allow `permission`, or None when `user` holds it."""
    if can(user, permission):
        return None
    return Forbidden(_("This needs the role: %(roles)s.", roles=_(" or ").join(roles_for(permission))),
                     code="forbidden")


def require(user: Any, permission: Permission) -> None:
    """Raise the 403 of `role_refusal` unless `user` holds `permission`."""
    refusal = role_refusal(user, permission)
    if refusal is not None:
        raise refusal


def active_member_refusal(user: Any) -> Forbidden | None:
    """Posting, voting, supporting and flagging need a signed-in member who is not suspended: the
    403 that says which is missing (a suspension with its end and reason), or None."""
    if not is_signed_in(user):
        return Forbidden(_("Sign in to do this."), code="not_signed_in")
    if user.suspended_until is not None and user.suspended_until > db.utcnow():
        if user.suspension_reason:
            return Forbidden(_("Your account is suspended until %(until)s UTC: %(reason)s",
                               until=f"{user.suspended_until:%Y-%m-%d %H:%M}", reason=user.suspension_reason),
                             code="suspended")
        return Forbidden(_("Your account is suspended until %(until)s UTC.",
                           until=f"{user.suspended_until:%Y-%m-%d %H:%M}"), code="suspended")
    return None


def require_active_member(user: Any) -> None:
    """Raise the 403 of `active_member_refusal`, if any."""
    refusal = active_member_refusal(user)
    if refusal is not None:
        raise refusal


def sees_restricted_categories(user: Any) -> bool:
    """Ambassadors-only categories are for ambassadors and staff (docs/rules.md: Ambassador programme)."""
    return is_signed_in(user) and (user.is_ambassador or user.is_staff)


def access_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No member with that id."))
    return user


def user_by_login(login: str) -> User | None:
    login = (login or "").strip()
    return db.session.scalar(
        sa.select(User).where(sa.or_(sa.func.lower(User.username) == login.lower(),
                                     User.email == login.lower())))


def access_organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("No organization with that id."))
    return org


def organizations() -> sa.Select[Any]:
    return sa.select(Organization).order_by(Organization.name)


def token_by_secret(secret: str) -> ApiToken | None:
    """The live (not revoked, not expired) token with this secret, or None."""
    from forum.accounts.actions import hash_token

    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or token.expires_at <= db.utcnow():
        return None
    return token


def tokens_of(user: User) -> sa.Select[Any]:
    return sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


# ----------------------------------------------------------------------------- lookups for lists and pages
# One statement per kind of data, whatever the number of rows (docs/architecture.md, the rules of the house).

def access_profile(user_id: int) -> User:
    """`access_user` with the member's organization loaded, for the profile page."""
    user = db.session.scalar(sa.select(User).where(User.id == user_id).options(joinedload(User.organization)))
    if user is None:
        raise NotFound(_("No member with that id."))
    return user


def organizations_by_id(organization_ids: Collection[int | None]) -> dict[int, Organization]:
    """The organizations named by `organization_ids` (None ignored), by id, in one statement."""
    ids = {i for i in organization_ids if i is not None}
    if not ids:
        return {}
    return {org.id: org for org in db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids)))}


# ----------------------------------------------------------------------------- invites and referrals
# Invites belong to accounts (docs/architecture.md, "The parts"); every member has an invite code (link
# /join/<code>) and a member who signed up with one keeps who invited them (`invited_by_id`).

def user_by_invite_code(code: Any) -> User | None:
    """The member whose invite code this is (surrounding spaces ignored), or None."""
    if not isinstance(code, str) or not code.strip():
        return None
    return db.session.scalar(sa.select(User).where(User.invite_code == code.strip()))


def invitees(user_id: int) -> sa.Select[Any]:
    """The members who signed up with this member's invite code, oldest first."""
    return sa.select(User).where(User.invited_by_id == user_id).order_by(User.created_at, User.id)


def invited_member(member_id: int) -> User | None:
    """The member when they signed up with someone's invite code (rewards' referral points read
    the inviter from it), else None."""
    member = db.session.get(User, member_id)
    return member if member is not None and member.invited_by_id is not None else None


# ----------------------------------------------------------------------------- health reports
# docs/rules.md, Health reports: members of a period, and who counts as staff.

def member_totals(since: Any, until: Any) -> dict[str, int]:
    """Members who signed up before `until` (``total``) and in [since, until) (``new``), in one statement."""
    joined = sa.and_(User.created_at >= since, User.created_at < until)
    row = db.session.execute(sa.select(
        sa.func.count().label("total"),
        sa.func.coalesce(sa.func.sum(sa.case((joined, 1), else_=0)), 0).label("new"))
        .where(User.created_at < until)).one()
    return {"total": int(row.total), "new": int(row.new)}


def members_joined(since: Any, until: Any) -> sa.Select[Any]:
    """``id`` and ``created_at`` of the members who signed up in [since, until)."""
    return sa.select(User.id, User.created_at).where(User.created_at >= since, User.created_at < until)


def staff_ids() -> set[int]:
    """Members holding a staff role (moderator, product, cs, admin) today."""
    from forum.accounts.models import UserRole
    from forum.accounts.rules import STAFF_ROLES

    return set(db.session.scalars(sa.select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES)).distinct()))


def ambassador_ids() -> set[int]:
    """Members who are ambassadors today."""
    return set(db.session.scalars(sa.select(User.id).where(User.is_ambassador.is_(True))))


def display_names(usernames: Collection[str]) -> dict[str, str]:
    """username → the name pages show (display name, or the username when there is none), for the
    usernames that exist, in one statement (notifications name members as pages do)."""
    wanted = {u for u in usernames if isinstance(u, str) and u}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.username, User.display_name).where(User.username.in_(wanted)))
    return {username: display or username for username, display in rows}


def role_names_column(user_id: Any) -> Any:
    """The role names of the member whose id is `user_id`, comma-separated (None without roles): a
    column of the statement that loads the signed-in member (the user loader), labelled
    ``role_names``, instead of joining their role rows — loading those through the ORM was the
    largest single cost of a signed-in page (issue 12). ``aggregate_strings`` is compiled for the
    database that runs it (string_agg on PostgreSQL, group_concat on SQLite): the loader's statement
    is built once and Flask-Login's loader is one for the process, whichever app uses it."""
    from forum.accounts.models import UserRole

    role = sa.type_coerce(UserRole.__table__.c.role, sa.String)
    names = sa.func.aggregate_strings(role, ",")
    return sa.select(names).where(UserRole.user_id == user_id).scalar_subquery().label("role_names")
