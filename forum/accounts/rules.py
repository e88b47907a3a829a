"""Accounts' declarative tables: what each role may do, and which API scopes it allows."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

# Roles (docs/api.md: Accounts). `admin` implies every other role.
STAFF_ROLES = ("moderator", "product", "cs", "admin")
ASSIGNABLE_ROLES = ("moderator", "product", "cs", "admin")

# role → its name in the reader's language (pages, notifications).
ROLE_LABELS: dict[str, Any] = {
    "member": _l("Member"), "moderator": _l("Moderator"), "product": _l("Product"),
    "cs": _l("Customer success"), "admin": _l("Admin"),
}


def role_label(role: str) -> str:
    """A role's name in the reader's language (the code itself for a role without one)."""
    return str(ROLE_LABELS.get(role, role))



class Permission(StrEnum):
    """What a role may do (docs/rules.md: Who uses it). `can()` and `require()` take only these names."""

    MODERATE = "moderate"                  # see everything, edit and delete any post, decide the queue
    MARK_OFFICIAL = "mark_official"        # mark an answer as the official one
    DECIDE_IDEAS = "decide_ideas"          # review, decide and merge ideas
    FOLLOW_UP = "follow_up"                # follow up NPS detractors
    VIEW_REPORTS = "view_reports"          # community-health reports
    VIEW_ORG_DETAILS = "view_org_details"  # organization tier and ARR
    MANAGE_COMMUNITY = "manage_community"  # categories, organizations, roles, ambassadors: admin only


# permission → roles that hold it (admin holds all).
PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.MODERATE: frozenset({"moderator"}),
    Permission.MARK_OFFICIAL: frozenset({"moderator", "product", "cs"}),
    Permission.DECIDE_IDEAS: frozenset({"product"}),
    Permission.FOLLOW_UP: frozenset({"cs"}),
    Permission.VIEW_REPORTS: frozenset({"moderator", "product", "cs"}),
    Permission.VIEW_ORG_DETAILS: frozenset({"product", "cs"}),
    Permission.MANAGE_COMMUNITY: frozenset(),
}


def roles_for(permission: Permission) -> list[str]:
    """The roles that hold a permission, for 403 messages that name what would allow it."""
    return sorted(PERMISSIONS[permission] | {"admin"})


# Token scopes (docs/api.md: Conventions): which scopes a member's roles allow.
SCOPES = ("read", "write", "admin")


def allowed_scopes(roles: list[str]) -> list[str]:
    staff = any(r in STAFF_ROLES for r in roles)
    return ["read", "write", "admin"] if staff else ["read", "write"]
