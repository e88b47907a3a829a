"""A member's personal data: deleting the account (docs/rules.md: Personal data).

`delete_account` keeps the member's row — their questions, answers, ideas, votes and points ledger
point at it, so scores, totals and threads stay as they were — but removes everything in it that
says who they were: username and e-mail become placeholders, the password can match nothing,
display name, bio, organization, roles, invite code, API tokens and remember tokens go, and every
session is signed out. Pages and the API then name them “deleted member”. The other parts react to
``member_deleted`` in their own subscribers, in the same transaction (notifications are removed,
follows dropped, NPS comments and engagement events anonymized, an ambassador status ended). The
download of one's data is the API part's (forum/api/export.py), which reads every part.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from forum import db
from forum.accounts.models import ApiToken, RememberToken, User, UserRole
from forum.accounts.queries import is_signed_in
from forum.audit.actions import record_audit
from forum.errors import DomainError, Forbidden, RuleViolation, refuse
from forum.events import DomainEvent, announce

DELETED_USERNAME = "~deleted-{id}"  # "~" cannot start a username, so no one can sign up as one
DELETED_EMAIL = "deleted-{id}@deleted.invalid"  # RFC 2606: .invalid never receives mail
UNUSABLE_PASSWORD = "!"  # not a werkzeug hash: no password matches it


def is_deleted(user: Any) -> bool:
    return getattr(user, "deleted_at", None) is not None


def account_deletion_refusal(user: Any, password: Any) -> DomainError | None:
    """Deleting an account needs the member signed in and their current password (422 `password`)."""
    if not is_signed_in(user) or is_deleted(user):
        return Forbidden(_("Sign in to do this."), code="not_signed_in")
    if not isinstance(password, str) or not password or not check_password_hash(user.password_hash, password):
        return RuleViolation(_("That is not your current password."), code="invalid", field="password")
    return None


def delete_account(user: User, password: Any) -> User:
    """The member deletes their account, confirming with their password; audited without the old
    name. Content stays, attributed to “deleted member”. Never commits."""
    refuse(account_deletion_refusal(user, password))
    now = db.utcnow()
    announce(db.session, DomainEvent.MEMBER_DELETED, user_id=user.id)
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(sa.delete(RememberToken).where(RememberToken.user_id == user.id))
    db.session.execute(sa.delete(UserRole).where(UserRole.user_id == user.id))
    db.session.expire(user, ["role_rows"])
    user.username = DELETED_USERNAME.format(id=user.id)
    user.email = DELETED_EMAIL.format(id=user.id)
    user.password_hash = UNUSABLE_PASSWORD
    user.display_name = ""
    user.bio = ""
    user.organization_id = None
    user.invite_code = None
    user.suspended_until = None
    user.suspension_reason = None
    user.is_ambassador = False
    user.deleted_at = now
    user.session_version = (user.session_version or 0) + 1  # every session and remember cookie ends
    db.session.flush()
    record_audit(None, "user", user.id, "accounts:user:deleted")
    return user
