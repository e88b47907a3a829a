"""Accounts' service layer against a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from forum.accounts import actions
from forum.accounts.models import ApiToken, Organization, User
from forum.accounts.queries import token_by_secret
from forum.audit.models import AuditEntry
from forum.errors import Conflict, Forbidden, NotFound, RuleViolation
from forum.notifications.models import Notification
from forum.notifications.queries import notification_text, unread_count
from tests.factories import PASSWORD, make_org, make_user


def register(**kw):
    data = {"username": "alice", "email": "alice@example.com", "password": "s3cret-pass", "locale": "en"}
    data.update(kw)
    return actions.register_user(**data)


# ----------------------------------------------------------------------------- sign-up and sign-in

@pytest.mark.parametrize("field, value", [
    ("username", "ab"), ("username", "has space"), ("username", "-leadingdash"), ("username", "x" * 31),
    ("email", "not-an-email"), ("email", ""), ("password", "short"), ("password", "p" * 201),
    ("locale", "fr"),
])
def test_register_refuses_invalid_input(session, field, value):
    with pytest.raises(RuleViolation) as info:
        register(**{field: value})
    assert info.value.status == 422
    assert info.value.field == field
    assert session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_stores_a_hash_and_a_lower_cased_email(session):
    user = register(username="Alice", email="Alice@Example.COM")
    session.commit()
    assert user.id is not None
    assert user.email == "alice@example.com"
    assert user.username == "Alice"
    assert user.password_hash != "s3cret-pass" and "s3cret-pass" not in user.password_hash
    assert user.roles == ["member"]


def test_register_duplicates_are_conflicts_case_insensitively(session):
    register(username="alice", email="alice@example.com")
    session.commit()
    with pytest.raises(Conflict) as info:
        register(username="ALICE", email="other@example.com")
    assert info.value.status == 409 and info.value.code == "username_taken" and info.value.field == "username"
    with pytest.raises(Conflict) as info:
        register(username="alice2", email="ALICE@example.com")
    assert info.value.status == 409 and info.value.code == "email_taken"
    assert session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_authenticate_by_username_or_email(session):
    user = make_user("Bob")
    assert actions.authenticate("Bob", PASSWORD) is user
    assert actions.authenticate("bob", PASSWORD) is user
    assert actions.authenticate("BOB@example.com", PASSWORD) is user
    assert actions.authenticate("Bob", PASSWORD + "x") is None
    assert actions.authenticate("nobody", PASSWORD) is None
    assert actions.authenticate("Bob", None) is None  # type: ignore[arg-type]


def test_update_profile_and_change_password(session):
    user = make_user()
    actions.update_profile(user, display_name="  Ann Lee ", bio="Ops lead", locale="zh")
    assert (user.display_name, user.bio, user.locale, user.name) == ("Ann Lee", "Ops lead", "zh", "Ann Lee")
    with pytest.raises(RuleViolation):
        actions.update_profile(user, display_name="x" * 81)
    with pytest.raises(RuleViolation):
        actions.update_profile(user, locale="de")
    actions.change_password(user, "a-new-password")
    assert actions.authenticate(user.username, "a-new-password") is user
    assert actions.authenticate(user.username, PASSWORD) is None
    with pytest.raises(RuleViolation):
        actions.change_password(user, "short")


# ----------------------------------------------------------------------------- password reset

def test_reset_token_works_once(session):
    user = make_user()
    token = actions.password_reset_token(user)
    assert actions.reset_password(token, "brand-new-pass") is user
    assert actions.authenticate(user.username, "brand-new-pass") is user
    with pytest.raises(RuleViolation) as info:
        actions.reset_password(token, "another-pass-1")
    assert info.value.code == "invalid_token"
    assert actions.authenticate(user.username, "brand-new-pass") is user


def test_reset_token_stops_after_a_password_change(session):
    user = make_user()
    token = actions.password_reset_token(user)
    actions.change_password(user, "changed-meanwhile")
    with pytest.raises(RuleViolation):
        actions.reset_password(token, "brand-new-pass")


def test_reset_token_expires(app, session, monkeypatch):
    user = make_user()
    token = actions.password_reset_token(user)
    hours = app.config["PASSWORD_RESET_HOURS"]
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + hours * 3600 + 5)
    with pytest.raises(RuleViolation) as info:
        actions.reset_password(token, "brand-new-pass")
    assert "expired" in info.value.message
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + hours * 3600 - 60)
    assert actions.reset_password(token, "brand-new-pass") is user


def test_reset_token_is_tamper_proof(session):
    user = make_user()
    token = actions.password_reset_token(user)
    with pytest.raises(RuleViolation):
        actions.reset_password(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "brand-new-pass")


# ----------------------------------------------------------------------------- roles

def test_only_admins_set_roles(session):
    member, target = make_user(), make_user()
    moderator = make_user(roles=("moderator",))
    for actor in (member, moderator):
        with pytest.raises(Forbidden):
            actions.set_roles(actor, target, ["moderator"])
    assert target.roles == ["member"]


def test_unknown_role_is_422(session):
    admin, target = make_user(roles=("admin",)), make_user()
    with pytest.raises(RuleViolation) as info:
        actions.set_roles(admin, target, ["moderator", "wizard"])
    assert info.value.status == 422 and "wizard" in info.value.message
    with pytest.raises(RuleViolation):
        actions.set_roles(admin, target, "moderator")
    assert target.roles == ["member"]


def test_set_roles_writes_audit_and_notification(session):
    admin, target = make_user(roles=("admin",)), make_user()
    actions.set_roles(admin, target, ["product", "cs"])
    session.commit()
    assert target.roles == ["member", "cs", "product"]
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_type == "user")).all()
    assert len(audit) == 1
    assert audit[0].acting_user_id == admin.id and audit[0].subject_id == target.id
    assert audit[0].event_type == "accounts:user:roles_changed"
    assert audit[0].extra == {"before": ["member"], "after": ["cs", "member", "product"]}
    note = session.scalar(sa.select(Notification).where(Notification.user_id == target.id))
    assert note.kind == "roles_changed" and "Product" in notification_text(note)

    actions.set_roles(admin, target, ["cs", "product"])  # no change: no new audit row, no notification
    session.commit()
    assert session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.subject_type == "user")) == 1
    actions.set_roles(admin, target, [])
    session.commit()
    assert target.roles == ["member"]
    assert unread_count(target) == 2


# ----------------------------------------------------------------------------- organizations

def test_create_update_and_duplicate_organizations(session):
    admin = make_user(roles=("admin",))
    org = actions.create_organization(admin, name=" Globex ", tier="benchmark", arr=250000)
    assert (org.name, org.tier.value, org.arr) == ("Globex", "benchmark", 250000)
    with pytest.raises(Conflict):
        actions.create_organization(admin, name="GLOBEX", tier="standard", arr=0)
    other = actions.create_organization(admin, name="Initech", tier="standard", arr=0)
    with pytest.raises(Conflict):
        actions.update_organization(admin, other, name="globex", tier="standard", arr=0)
    actions.update_organization(admin, org, name="Globex Corp", tier="value_added", arr=1)
    assert (org.name, org.tier.value, org.arr) == ("Globex Corp", "value_added", 1)
    with pytest.raises(RuleViolation):
        actions.create_organization(admin, name="Bad", tier="platinum", arr=1)
    with pytest.raises(RuleViolation):
        actions.create_organization(admin, name="Bad", tier="standard", arr=-1)
    with pytest.raises(Forbidden):
        actions.create_organization(make_user(roles=("cs",)), name="Nope", tier="standard", arr=0)
    events = session.scalars(sa.select(AuditEntry.event_type).where(AuditEntry.subject_type == "organization")).all()
    assert sorted(events) == ["accounts:organization:created", "accounts:organization:created",
                              "accounts:organization:updated"]


def test_organization_members_by_username(session):
    admin = make_user(roles=("admin",))
    org = make_org("Globex")
    ann, bob, cy = make_user("ann"), make_user("bob"), make_user("cy")
    actions.set_organization_members_by_username(admin, org, ["ANN", "bob"])
    assert {u.username for u in org.members} == {"ann", "bob"}
    with pytest.raises(RuleViolation) as info:
        actions.set_organization_members_by_username(admin, org, ["cy", "ghost"])
    assert "ghost" in info.value.message
    assert {u.username for u in org.members} == {"ann", "bob"}
    actions.set_organization_members_by_username(admin, org, ["cy"])
    assert [u.username for u in org.members] == ["cy"]
    assert ann.organization_id is None and bob.organization_id is None and cy.organization_id == org.id
    with pytest.raises(Forbidden):
        actions.set_organization_members_by_username(ann, org, ["ann"])


def test_import_organizations_csv_reports_problems(session):
    admin = make_user(roles=("admin",))
    existing = make_org("Initech", tier="standard", arr=5)
    ann, bob = make_user("ann"), make_user("bob")
    text = ("name,tier,arr,member emails\n"
            "Globex,benchmark,250000,ann@example.com; ghost@example.com\n"
            "initech,value_added,12000,BOB@example.com\n"
            "Hooli,platinum,1,\n"
            "Umbrella,standard,lots,\n"
            "\n")
    report = actions.import_organizations_csv(admin, text)
    session.commit()
    assert (report["created"], report["updated"], report["assigned"]) == (1, 1, 2)
    problems = report["problems"]
    assert len(problems) == 3
    assert any("line 2" in p and "ghost@example.com" in p for p in problems)
    assert any("line 4" in p and "tier" in p for p in problems)
    assert any("line 5" in p and "lots" in p for p in problems)
    globex = session.scalar(sa.select(Organization).where(Organization.name == "Globex"))
    assert (globex.tier.value, globex.arr) == ("benchmark", 250000)
    assert ann.organization_id == globex.id and bob.organization_id == existing.id
    assert (existing.tier.value, existing.arr) == ("value_added", 12000)
    assert session.scalar(sa.select(Organization).where(Organization.name == "Hooli")) is None


# ----------------------------------------------------------------------------- API tokens

def test_token_stores_only_the_hash(session):
    user = make_user()
    token, secret = actions.issue_token(user, name="CRM sync", scopes=["read"])
    session.commit()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = session.execute(sa.select(ApiToken.__table__)).mappings().one()
    assert all(secret not in str(value) for value in row.values())
    assert token_by_secret(secret) is token
    assert token_by_secret(secret + "x") is None
    assert token.scope_list == ["read"] and token.name == "CRM sync"


def test_token_scopes_are_limited_by_roles(session):
    member, staff = make_user(), make_user(roles=("moderator",))
    token, _ = actions.issue_token(member)
    assert token.scope_list == ["read", "write"]
    with pytest.raises(RuleViolation) as info:
        actions.issue_token(member, scopes=["read", "admin"])
    assert info.value.code == "scope_not_allowed"
    with pytest.raises(RuleViolation):
        actions.issue_token(member, scopes=["delete_everything"])
    staff_token, _ = actions.issue_token(staff)
    assert staff_token.scope_list == ["read", "write", "admin"]


def test_token_expires(app, session, freeze):
    user = make_user()
    start = dt.datetime(2026, 1, 1, 12, 0)
    freeze(start)
    token, secret = actions.issue_token(user)
    days = app.config["API_TOKEN_DAYS"]
    assert token.expires_at == start + dt.timedelta(days=days)
    freeze(start + dt.timedelta(days=days) - dt.timedelta(seconds=1))
    assert token_by_secret(secret) is token
    freeze(start + dt.timedelta(days=days))
    assert token_by_secret(secret) is None


def test_revoke_token(session):
    user, other = make_user(), make_user()
    token, secret = actions.issue_token(user)
    with pytest.raises(NotFound):
        actions.revoke_token(other, token.id)
    assert token_by_secret(secret) is token
    actions.revoke_token(user, token.id)
    assert token.revoked_at is not None
    assert token_by_secret(secret) is None


# ----------------------------------------------------------------------------- invites and referrals

def test_sign_up_gives_an_invite_code_and_records_the_inviter_from_a_code(session):
    """Invites belong to accounts (docs/architecture.md, "The parts"): register_user resolves the code."""
    from forum.accounts.queries import invited_member, invitees, user_by_invite_code

    inviter = make_user()
    invitee = register(invite_code=f"  {inviter.invite_code} ")
    stranger = register(username="bob", email="bob@example.com", invite_code="no-such-code")
    assert invitee.invite_code and stranger.invite_code and invitee.invite_code != stranger.invite_code
    assert invitee.invited_by_id == inviter.id and stranger.invited_by_id is None
    assert user_by_invite_code(inviter.invite_code) is inviter
    assert user_by_invite_code("no-such-code") is None and user_by_invite_code(None) is None
    assert list(session.scalars(invitees(inviter.id))) == [invitee]
    assert invited_member(invitee.id) is invitee
    assert invited_member(stranger.id) is None and invited_member(99999) is None
