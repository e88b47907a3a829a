"""Accounts: every state change of members, roles, organizations and API tokens."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import secrets
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from werkzeug.security import check_password_hash, generate_password_hash

from forum import bounds, db
from forum.accounts.models import ApiToken, Organization, RememberToken, Role, Tier, User, UserRole
from forum.accounts.queries import can, user_by_invite_code, user_by_login
from forum.accounts.rules import SCOPES, Permission, allowed_scopes
from forum.audit.actions import record_audit
from forum.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.notifications.actions import notify


# ----------------------------------------------------------------------------- members

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,29}$")
PASSWORD_MIN = 8


def _clean_username(username: Any) -> str:
    if not isinstance(username, str) or not USERNAME_PATTERN.match(username.strip()):
        raise RuleViolation(_("A username has 3 to 30 letters, digits, dots, dashes or underscores."),
                            code="invalid", field="username")
    return username.strip()


def _clean_email(email: Any) -> str:
    if not isinstance(email, str):
        raise RuleViolation(_("A valid e-mail address is needed."), code="invalid", field="email")
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise RuleViolation(_("A valid e-mail address is needed."), code="invalid", field="email") from None


def _clean_password(password: Any) -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise RuleViolation(_("The password needs at least %(n)s characters.", n=PASSWORD_MIN),
                            code="invalid", field="password")
    if len(password) > 200:
        raise RuleViolation(_("The password is too long."), code="invalid", field="password")
    return password


def _clean_locale(locale: Any) -> str:
    languages = current_app.config["LANGUAGES"]
    if locale not in languages:
        raise RuleViolation(_("The language must be one of: %(languages)s.", languages=", ".join(languages)),
                            code="invalid", field="locale")
    return locale


def new_invite_code() -> str:
    """A fresh invite code (the link /join/<code>)."""
    return secrets.token_urlsafe(6)


def register_user(*, username: Any, email: Any, password: Any, locale: Any = "en", invite_code: Any = None) -> User:
    """Sign up a member. Duplicate usernames (any case) and e-mails are a Conflict (409).

    Invites belong to accounts (docs/architecture.md, "The parts"): the new member gets an invite
    code of their own, and `invite_code` (given to the API, or kept in the browser session by
    /join/<code> for the sign-up page) records who invited them; an unknown code is ignored."""
    username = _clean_username(username)
    email = _clean_email(email)
    password = _clean_password(password)
    locale = _clean_locale(locale or "en")
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise Conflict(_("That username is taken."), code="username_taken", field="username")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_("An account with that e-mail address exists."), code="email_taken", field="email")
    inviter = user_by_invite_code(invite_code)
    user = User(username=username, email=email, password_hash=generate_password_hash(password), locale=locale,
                created_at=db.utcnow(), invite_code=new_invite_code(),
                invited_by_id=inviter.id if inviter is not None else None)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("That username or e-mail address is taken."), code="conflict") from None
    announce(db.session, DomainEvent.USER_SIGNED_UP, user=user, invite_code=invite_code)
    return user


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """A password hash of nothing anyone knows, made like members' hashes: checking a password
    against it for an unknown account costs what checking a real one costs."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


def authenticate(login: str, password: str) -> User | None:
    """The member with this username or e-mail and password, or None. As slow for an unknown
    account as for a wrong password (a dummy hash is checked), so timing does not tell which."""
    user = user_by_login(login)
    if not isinstance(password, str):
        password = ""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def update_profile(user: User, *, display_name: Any = None, bio: Any = None, locale: Any = None) -> User:
    if display_name is not None:
        if not isinstance(display_name, str) or len(display_name.strip()) > 80:
            raise RuleViolation(_("A display name has at most 80 characters."), code="invalid", field="display_name")
        refuse(bounds.name_char_refusal("display_name", display_name)
               or bounds.control_char_refusal("display_name", display_name))
        user.display_name = display_name.strip()
    if bio is not None:
        if not isinstance(bio, str) or len(bio) > 2000:
            raise RuleViolation(_("The bio has at most 2000 characters."), code="invalid", field="bio")
        user.bio = bio.strip()
    if locale is not None:
        user.locale = _clean_locale(locale)
    announce(db.session, DomainEvent.PROFILE_UPDATED, user=user)
    return user


def change_password(user: User, new_password: Any) -> None:
    """A new password ends every session and forgets every "Remember me" (`end_sessions`)."""
    user.password_hash = generate_password_hash(_clean_password(new_password))
    end_sessions(user)


# ----------------------------------------------------------------------------- sessions
# docs/security.md: the session cookie carries the member's session version (User.get_id); a new
# version ends every session signed with an older one. "Remember me" is a random token stored as
# its SHA-256 (RememberToken), replaced each time it signs a browser in.

def end_sessions(user: User) -> None:
    """Sign the member out everywhere: the session version moves on and every remember token goes."""
    user.session_version = (user.session_version or 0) + 1
    db.session.execute(sa.delete(RememberToken).where(RememberToken.user_id == user.id)
                       .execution_options(synchronize_session=False))


def _remember_row(session: Session, user_id: int, now: dt.datetime) -> tuple[RememberToken, str]:
    secret = "rm_" + secrets.token_urlsafe(32)
    row = RememberToken(user_id=user_id, token_hash=hash_token(secret), created_at=now,
                        expires_at=now + dt.timedelta(days=int(current_app.config["REMEMBER_DAYS"])))
    session.add(row)
    return row, secret


def issue_remember_token(user: User) -> str:
    """A new remember token for the member (sign-in with "Remember me"); returns its secret."""
    _row, secret = _remember_row(db.session, user.id, db.utcnow())
    db.session.flush()
    return secret


def rotate_remember_token(session: Session, secret: Any, now: dt.datetime) -> tuple[int, str] | None:
    """Use a remember token, written on `session` (a side write the caller commits): the member's
    id and the secret of the token that replaces it, or None when the token is unknown or expired.
    The used token keeps working for REMEMBER_ROTATION_GRACE_SECONDS (requests sent in parallel
    with the same cookie), then expires; its replacement lasts REMEMBER_DAYS."""
    if not isinstance(secret, str) or not secret.startswith("rm_") or len(secret) > 100:
        return None
    row = session.scalar(sa.select(RememberToken).where(RememberToken.token_hash == hash_token(secret)))
    if row is None or row.expires_at <= now:
        return None
    grace = now + dt.timedelta(seconds=int(current_app.config["REMEMBER_ROTATION_GRACE_SECONDS"]))
    row.expires_at = min(row.expires_at, grace)
    session.execute(sa.delete(RememberToken).where(RememberToken.user_id == row.user_id,
                                                   RememberToken.expires_at <= now))
    _new, new_secret = _remember_row(session, row.user_id, now)
    session.flush()
    return row.user_id, new_secret


# Password reset tokens are signed (itsdangerous) and bound to the current password hash, so a
# token stops working once used or once the password changes.
def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})


def reset_password(token: str, new_password: Any) -> User:
    max_age = int(current_app.config["PASSWORD_RESET_HOURS"]) * 3600
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        raise RuleViolation(_("This reset link is invalid or has expired. Ask for a new one."),
                            code="invalid_token", field="token") from None
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise RuleViolation(_("This reset link was already used. Ask for a new one."), code="invalid_token",
                            field="token")
    change_password(user, new_password)
    return user


def set_roles(actor: User | None, user: User, roles: Any) -> User:
    """Admins set a member's roles (`member` is implicit); audited; the member is told.

    `actor=None` is the command line (`forum create-user --role`)."""
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only an admin can change roles."))
    if not isinstance(roles, (list, tuple)) or not all(isinstance(r, str) for r in roles):
        raise RuleViolation(_("Roles must be a list of role names."), code="invalid", field="roles")
    valid = {r.value for r in Role}
    unknown = [r for r in roles if r not in valid]
    if unknown:
        raise RuleViolation(_("Unknown role: %(unknown)s. Roles are: %(roles)s.", unknown=", ".join(unknown),
                              roles=", ".join(sorted(valid))),
                            code="invalid", field="roles")
    wanted = {Role(r) for r in roles if r != "member"}
    before = sorted(user.roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted) if r not in {row.role for row in user.role_rows}]
    db.session.flush()
    after = sorted(user.roles)
    if before != after:
        record_audit(actor, "user", user.id, "accounts:user:roles_changed", before=before, after=after)
        notify(user.id, "roles_changed", url=f"/users/{user.id}", roles=", ".join(after))
        announce(db.session, DomainEvent.ROLES_CHANGED, user=user, actor=actor, before=before, after=after)
    return user


# ----------------------------------------------------------------------------- organizations

def _clean_org(name: Any, tier: Any, arr: Any) -> tuple[str, Tier, int]:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 120:
        raise RuleViolation(_("An organization needs a name of at most 120 characters."), code="invalid", field="name")
    if tier not in {t.value for t in Tier}:
        raise RuleViolation(_("The tier must be benchmark, value_added or standard."), code="invalid", field="tier")
    if isinstance(arr, bool) or not isinstance(arr, (int, float)) or arr < 0:
        raise RuleViolation(_("ARR must be a number of at least 0."), code="invalid", field="arr")
    return name.strip(), Tier(tier), int(arr)


def create_organization(actor: User | None, *, name: Any, tier: Any, arr: Any) -> Organization:
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only an admin can manage organizations."))
    name, tier, arr = _clean_org(name, tier, arr)
    if db.session.scalar(sa.select(Organization.id).where(sa.func.lower(Organization.name) == name.lower())):
        raise Conflict(_("An organization with that name exists."), code="organization_exists", field="name")
    org = Organization(name=name, tier=tier, arr=arr, created_at=db.utcnow())
    db.session.add(org)
    db.session.flush()
    record_audit(actor, "organization", org.id, "accounts:organization:created", tier=tier.value, arr=arr)
    return org


def update_organization(actor: User | None, org: Organization, *, name: Any, tier: Any, arr: Any) -> Organization:
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only an admin can manage organizations."))
    name, tier, arr = _clean_org(name, tier, arr)
    clash = db.session.scalar(sa.select(Organization.id).where(
        sa.func.lower(Organization.name) == name.lower(), Organization.id != org.id))
    if clash:
        raise Conflict(_("An organization with that name exists."), code="organization_exists", field="name")
    org.name, org.tier, org.arr = name, tier, arr
    record_audit(actor, "organization", org.id, "accounts:organization:updated", tier=tier.value, arr=arr)
    return org


def set_organization_members(actor: User | None, org: Organization, user_ids: Any) -> Organization:
    """The organization's members become exactly `user_ids` (others leave it)."""
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only an admin can manage organizations."))
    if not isinstance(user_ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in user_ids):
        raise RuleViolation(_("user_ids must be a list of member ids."), code="invalid", field="user_ids")
    users = list(db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))) if user_ids else []
    missing = sorted(set(user_ids) - {u.id for u in users})
    if missing:
        raise RuleViolation(_("Unknown member ids: %(ids)s.", ids=", ".join(map(str, missing))),
                            code="invalid", field="user_ids")
    for member in db.session.scalars(sa.select(User).where(User.organization_id == org.id)):
        if member.id not in user_ids:
            member.organization_id = None
    for member in users:
        member.organization_id = org.id
    db.session.flush()
    db.session.refresh(org, ["members"])
    record_audit(actor, "organization", org.id, "accounts:organization:members_set", user_ids=sorted(user_ids))
    return org


def import_organizations_csv(actor: User | None, text: str) -> dict[str, Any]:
    """CSV rows `name, tier, arr, member emails` (emails separated by spaces or ';').

    Creates or updates each organization and adds the listed members; unknown e-mails are
    reported, not fatal. Returns counts and the problems found, row by row."""
    if actor is not None and not can(actor, Permission.MANAGE_COMMUNITY):
        raise Forbidden(_("Only an admin can manage organizations."))
    created = updated = assigned = 0
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text))
    for line_no, row in enumerate(reader, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if line_no == 1 and row[0].strip().lower() == "name":
            continue
        cells = [c.strip() for c in row] + ["", "", "", ""]
        name, tier, arr_text, emails = cells[0], cells[1], cells[2], cells[3]
        try:
            arr = float(arr_text or 0)
        except ValueError:
            problems.append(_("line %(line)s: ARR “%(arr)s” is not a number", line=line_no, arr=arr_text))
            continue
        try:
            with db.session.begin_nested():
                org = db.session.scalar(sa.select(Organization).where(sa.func.lower(Organization.name) == name.lower()))
                if org is None:
                    org = create_organization(actor, name=name, tier=tier, arr=arr)
                    created += 1
                else:
                    update_organization(actor, org, name=name, tier=tier, arr=arr)
                    updated += 1
                for email in [e for e in re.split(r"[;\s]+", emails) if e]:
                    member = db.session.scalar(sa.select(User).where(User.email == email.lower()))
                    if member is None:
                        problems.append(_("line %(line)s: no member with e-mail %(email)s", line=line_no, email=email))
                        continue
                    member.organization_id = org.id
                    assigned += 1
        except DomainError as exc:
            problems.append(_("line %(line)s: %(problem)s", line=line_no, problem=exc.message))
    return {"created": created, "updated": updated, "assigned": assigned, "problems": problems}


# ----------------------------------------------------------------------------- API tokens

# How often a token's last use is written (at most once per interval per token).
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def issue_token(user: User, *, name: Any = "", scopes: Any = None) -> tuple[ApiToken, str]:
    """A new API token: all the scopes the member's roles allow unless fewer are asked for.

    Only the SHA-256 of the secret is stored; the secret is returned once."""
    allowed = allowed_scopes(user.roles)
    if scopes is None:
        scopes = allowed
    if not isinstance(scopes, (list, tuple)) or not all(isinstance(s, str) for s in scopes):
        raise RuleViolation(_("scopes must be a list of scope names."), code="invalid", field="scopes")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise RuleViolation(_("Unknown scope: %(scopes)s.", scopes=", ".join(unknown)), code="invalid", field="scopes")
    refused = [s for s in scopes if s not in allowed]
    if refused:
        raise RuleViolation(_("Your roles do not allow the scope: %(scopes)s.", scopes=", ".join(refused)),
                            code="scope_not_allowed", field="scopes")
    if name is not None and (not isinstance(name, str) or len(name) > 80):
        raise RuleViolation(_("A token name has at most 80 characters."), code="invalid", field="name")
    secret = "fk_" + secrets.token_urlsafe(32)
    now = db.utcnow()
    token = ApiToken(user_id=user.id, name=(name or "").strip(), token_hash=hash_token(secret),
                     scopes=" ".join(s for s in SCOPES if s in scopes), created_at=now,
                     expires_at=now + dt.timedelta(days=int(current_app.config["API_TOKEN_DAYS"])))
    db.session.add(token)
    db.session.flush()
    return token, secret


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise NotFound(_("No token with that id."))
    if token.revoked_at is None:
        token.revoked_at = db.utcnow()
    return token


def touch_token(token: ApiToken, now: dt.datetime) -> None:
    """Record that the token was used (its `last_used_at`, shown on the tokens page and in the API),
    at most once per TOKEN_USE_RESOLUTION; written through ``db.side_write``, so a GET stays a reader."""
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    with db.side_write() as side:
        side.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                     .execution_options(synchronize_session=False))


def set_organization_members_by_username(actor: User | None, org: Organization, usernames: Any) -> Organization:
    """The admin page's form of `set_organization_members`: usernames (any case) instead of ids;
    unknown usernames are a RuleViolation naming them, and nothing changes."""
    if not isinstance(usernames, (list, tuple)) or not all(isinstance(u, str) for u in usernames):
        raise RuleViolation(_("usernames must be a list of usernames."), code="invalid", field="usernames")
    wanted = {u.strip().lower() for u in usernames if u.strip()}
    found = list(db.session.scalars(sa.select(User).where(sa.func.lower(User.username).in_(wanted)))) if wanted else []
    unknown = sorted(wanted - {u.username.lower() for u in found})
    if unknown:
        raise RuleViolation(_("No member with the username: %(usernames)s.", usernames=", ".join(unknown)),
                            code="unknown_usernames",
                            field="usernames")
    return set_organization_members(actor, org, [u.id for u in found])


# ----------------------------------------------------------------------------- what other parts report

def record_last_seen(session: Session, user_id: int, at: dt.datetime) -> None:
    """The member's `last_seen_at` (docs/rules.md: a visit), written on `session`: the one side write
    the `user_visited` event is announced on (forum/__init__.py, the request hook)."""
    session.execute(sa.update(User).where(User.id == user_id).values(last_seen_at=at)
                    .execution_options(synchronize_session=False))


def give_invite_code(session: Session, user: User) -> str:
    """A member without an invite code (rows from before codes existed) gets one, written on
    `session`: the side write of the member's visit (`user_visited`), so a page view stays a
    reader; the loaded member sees it. Returns the member's code."""
    if user.invite_code:
        return user.invite_code
    code = new_invite_code()
    session.execute(sa.update(User).where(User.id == user.id, User.invite_code.is_(None)).values(invite_code=code)
                    .execution_options(synchronize_session=False))
    set_committed_value(user, "invite_code", code)
    return code


def record_ambassador_status(user: User, is_ambassador: bool) -> None:
    """`users.is_ambassador` follows the ambassador programme (rewards announces
    `ambassador_appointed` and `ambassador_ended`; docs/rules.md, "The ambassador programme")."""
    user.is_ambassador = is_ambassador
    db.session.flush()


def move_points(user_id: int, delta: int) -> int:
    """Move the member's points total by `delta` atomically in SQL, after a ledger entry
    (`points_moved`, forum/rewards/actions.py); a loaded member sees the new total. Returns it."""
    total = db.session.execute(
        sa.update(User).where(User.id == user_id).values(points=User.points + delta)
        .returning(User.points).execution_options(synchronize_session=False)).scalar_one()
    member = db.session.identity_map.get(identity_key(User, user_id))
    if member is not None:
        set_committed_value(member, "points", total)
    return total


# ----------------------------------------------------------------------------- suspensions
# docs/rules.md, "Members who break the rules": moderators suspend a member until a date with a
# reason and lift it; while it runs, posting, voting, supporting and flagging are refused with the
# reason and the end (queries.active_member_refusal). Staff are suspended only by admins.

SUSPENSION_REASON_MAX = 500


def suspend_refusal(actor: Any, member: User) -> DomainError | None:
    """Moderators (Permission.MODERATE) suspend members; a member with a staff role only an admin
    may suspend; nobody suspends themself."""
    if not can(actor, Permission.MODERATE):
        return Forbidden(_("Only a moderator can suspend a member."), code="forbidden")
    if member.id == actor.id:
        return Forbidden(_("You cannot suspend yourself."), code="forbidden")
    if member.is_staff and not can(actor, Permission.MANAGE_COMMUNITY):
        return Forbidden(_("Only an admin can suspend a member of staff."), code="forbidden")
    return None


def may_suspend(actor: Any, member: User) -> bool:
    """Whether `actor` may suspend `member` or lift their suspension: the profile's form."""
    return suspend_refusal(actor, member) is None


def _clean_until(until: Any, now: dt.datetime) -> dt.datetime:
    if not isinstance(until, dt.datetime):
        raise RuleViolation(_("The end must be a date and time."), code="invalid", field="until")
    if until.tzinfo is not None:
        until = until.astimezone(dt.UTC).replace(tzinfo=None)
    if until <= now:
        raise RuleViolation(_("The end of a suspension must be in the future."), code="invalid", field="until")
    return until.replace(microsecond=0)


def _clean_reason(reason: Any) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise RuleViolation(_("A suspension needs a reason the member is told."), code="invalid", field="reason")
    reason = " ".join(reason.split())
    if len(reason) > SUSPENSION_REASON_MAX:
        raise RuleViolation(_("The reason may have at most %(n)s characters.", n=SUSPENSION_REASON_MAX),
                            code="invalid", field="reason")
    return reason


def is_suspended(member: User, now: dt.datetime | None = None) -> bool:
    return member.suspended_until is not None and member.suspended_until > (now or db.utcnow())


def suspend_member(actor: Any, member: User, *, until: Any, reason: Any, now: dt.datetime | None = None) -> User:
    """Suspend `member` until `until` (in the future) with a reason (required, at most
    SUSPENSION_REASON_MAX characters). Who may: `suspend_refusal`. Suspending again changes the end
    and reason; repeating the suspension in effect changes nothing. Audited
    ("accounts:user:suspended"); the member is told why and until when."""
    refuse(suspend_refusal(actor, member))
    now = now or db.utcnow()
    until = _clean_until(until, now)
    reason = _clean_reason(reason)
    if is_suspended(member, now) and member.suspended_until == until and member.suspension_reason == reason:
        return member
    previous = {"until": member.suspended_until.isoformat() if is_suspended(member, now) and member.suspended_until
                else None, "reason": member.suspension_reason if is_suspended(member, now) else None}
    member.suspended_until = until
    member.suspension_reason = reason
    db.session.flush()
    record_audit(actor, "user", member.id, "accounts:user:suspended", until=until.isoformat(), reason=reason,
                 previous=previous)
    notify(member.id, "account_suspended", url=f"/users/{member.id}", until=f"{until:%Y-%m-%d %H:%M}", why=reason)
    return member


def lift_suspension(actor: Any, member: User, now: dt.datetime | None = None) -> User:
    """End `member`'s suspension now. Who may: `suspend_refusal`. Lifting when there is none
    changes nothing. Audited ("accounts:user:suspension_lifted"); the member is told."""
    refuse(suspend_refusal(actor, member))
    now = now or db.utcnow()
    if not is_suspended(member, now):
        return member
    record_audit(actor, "user", member.id, "accounts:user:suspension_lifted",
                 until=member.suspended_until.isoformat() if member.suspended_until else None,
                 reason=member.suspension_reason)
    member.suspended_until = None
    member.suspension_reason = None
    db.session.flush()
    notify(member.id, "account_unsuspended", url=f"/users/{member.id}")
    return member
