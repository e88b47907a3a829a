"""Accounts: members, roles, organizations, API tokens (notifications and the audit log are their own
parts, forum/notifications/ and forum/audit/)."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Any, Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Base, created_at, intpk, user_fk


class Role(enum.StrEnum):
    member = "member"
    moderator = "moderator"
    product = "product"
    cs = "cs"
    admin = "admin"


class Tier(enum.StrEnum):
    benchmark = "benchmark"
    value_added = "value_added"
    standard = "standard"


def enum_column(enum_cls: type[enum.Enum], length: int = 20, **kw: Any) -> Any:
    """A StrEnum stored by its value as a plain string (no database enum type to migrate)."""
    return mapped_column(
        sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=True),
        **kw,
    )


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    tier: Mapped[Tier] = enum_column(Tier, default=Tier.standard)
    arr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[created_at]

    members: Mapped[list["User"]] = relationship(back_populates="organization")


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    display_name: Mapped[str] = mapped_column(sa.String(80), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    points: Mapped[int] = mapped_column(sa.Integer, default=0)
    is_ambassador: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    organization_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    suspended_until: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    suspension_reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    created_at: Mapped[created_at]
    last_seen_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    # Invites: the member's invite code (link /join/<code>) and who invited them; rewards pays
    # the referral points when an invitee first contributes.
    invite_code: Mapped[Optional[str]] = mapped_column(
        sa.String(16), unique=True, default=lambda: secrets.token_urlsafe(6))
    invited_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Signing out, "sign out everywhere" and a password change add one: every session cookie
    # signed with an older version stops working (get_id below; docs/security.md).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # Set when the member deleted their account (forum/accounts/privacy.py): the row stays, without
    # personal data, so that their content and the points ledger stay consistent ("deleted member").
    deleted_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)

    organization: Mapped[Optional[Organization]] = relationship(back_populates="members")
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role")

    @property
    def roles(self) -> list[str]:
        # The signed-in member's role names come with the statement that loads them (the user
        # loader, accounts.queries.role_names_column), so that role_rows is not loaded on every
        # request; once role_rows is loaded (an action changes it) or expired, the rows decide.
        names = self.__dict__.get(LOADED_ROLE_NAMES)
        if names is None or "role_rows" in self.__dict__:
            names = [r.role.value for r in self.role_rows]
        return ["member"] + sorted(n for n in names if n != Role.member)

    def has_role(self, *roles: str) -> bool:
        """Admin implies every role (docs/api.md: Accounts)."""
        mine = set(self.roles)
        return "admin" in mine or any(r in mine for r in roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role("moderator", "product", "cs", "admin")

    @property
    def name(self) -> str:
        if self.deleted_at is not None:
            from flask_babel import gettext

            return gettext("deleted member")
        return self.display_name or self.username

    def get_id(self) -> str:
        """What the session cookie holds (Flask-Login): ``"<id>:<session_version>"``; the user
        loader refuses a cookie whose version is not the member's current one."""
        return f"{self.id}:{self.session_version or 0}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


# Where the user loader keeps the role names it read with the member (User.roles).
LOADED_ROLE_NAMES = "_loaded_role_names"


@sa.event.listens_for(User, "expire")
def _forget_loaded_role_names(target: User, attrs: Any) -> None:
    """Expiring the member's roles (or the whole member) drops the names read with them: the next
    User.roles reads the rows again."""
    if target is not None and (attrs is None or "role_rows" in attrs):  # None: already collected
        target.__dict__.pop(LOADED_ROLE_NAMES, None)


class UserRole(Base):
    __tablename__ = "user_roles"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    role: Mapped[Role] = enum_column(Role)

    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)


class RememberToken(Base):
    """A "remember me" cookie: a random secret, stored as its SHA-256, replaced by a new one each
    time it signs the browser in, deleted on sign-out and password change (docs/security.md)."""

    __tablename__ = "remember_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    last_used_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

