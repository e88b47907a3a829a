"""Accounts' declarative tables: what each role may do, and what each notification says."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

# Roles (API.md: Accounts). `admin` implies every other role.
STAFF_ROLES = ("moderator", "product", "cs", "admin")
ASSIGNABLE_ROLES = ("moderator", "product", "cs", "admin")



class Permission(StrEnum):
    """What a role may do (DESIGN.md: Who uses it). `can()` and `require()` take only these names."""

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


# Token scopes (API.md: Conventions): which scopes a member's roles allow.
SCOPES = ("read", "write", "admin")


def allowed_scopes(roles: list[str]) -> list[str]:
    staff = any(r in STAFF_ROLES for r in roles)
    return ["read", "write", "admin"] if staff else ["read", "write"]


# Notification kinds → the sentence shown (rendered in the reader's language at read time).
NOTIFICATION_TEXTS: dict[str, Any] = {
    "answer_posted": _l("%(actor)s answered “%(title)s”"),
    "comment_posted": _l("%(actor)s commented on your post in “%(title)s”"),
    "answer_accepted": _l("Your answer to “%(title)s” was accepted"),
    "answer_official": _l("Your answer to “%(title)s” was marked as the official answer"),
    "roles_changed": _l("Your roles are now: %(roles)s"),
    "badge_awarded": _l("You earned the %(tier)s badge “%(badge)s”"),
    "referral_activated": _l("%(member)s, whom you invited, made a first contribution: referral points for you"),
    "ambassador_appointed": _l("You are now a community ambassador, until %(until)s"),
    "ambassador_renewed": _l("Your ambassador term was renewed, until %(until)s"),
    "ambassador_revoked": _l("Your ambassador status was ended by a community manager"),
    "ambassador_lapsed": _l("Your ambassador status lapsed after a long time without contributions"),
    "ambassador_expired": _l("Your ambassador term has ended"),
    "idea_published": _l("Your idea “%(title)s” is published and gathering support"),
    "idea_rejected": _l("Your idea “%(title)s” was not published (%(reason)s)"),
    "idea_stage_reached": _l("The idea “%(title)s” reached stage %(stage)s"),
    "idea_in_review": _l("The idea “%(title)s” reached its last threshold and is in review"),
    "idea_decided": _l("The idea “%(title)s” is now %(status)s: %(note)s"),
    "idea_expired": _l("The idea “%(title)s” missed its deadline and expired"),
    "idea_merged": _l("The idea “%(title)s” was merged into “%(target)s”"),
}
