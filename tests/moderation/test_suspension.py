"""Suspensions (forum/accounts, docs/rules.md "Members who break the rules"): who may suspend whom,
the end and the reason, the refusal message of posting, voting and flagging while suspended,
lifting, notifications and audit rows; the profile's forms through the test client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.actions import lift_suspension, may_suspend, suspend_member
from forum.accounts.models import User
from forum.audit.models import AuditEntry
from forum.errors import Forbidden, RuleViolation
from forum.notifications.models import Notification
from forum.notifications.queries import notification_text
from tests.factories import ask, make_user

FUTURE = dt.datetime(2099, 5, 17, 10, 0)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MODERATION_FALLBACK_MODE": "open"}


def test_a_moderator_suspends_with_an_end_and_a_reason(session):
    moderator, member = make_user(roles=("moderator",)), make_user(points=50)
    suspend_member(moderator, member, until=FUTURE, reason="  Repeated   spam links ")
    assert member.suspended_until == FUTURE and member.suspension_reason == "Repeated spam links"
    audit = session.scalar(sa.select(AuditEntry).where(AuditEntry.event_type == "accounts:user:suspended"))
    assert audit.acting_user_id == moderator.id and audit.subject_id == member.id
    assert audit.extra["reason"] == "Repeated spam links" and audit.extra["until"].startswith("2099-05-17")
    note = session.scalar(sa.select(Notification).where(Notification.user_id == member.id))
    text = notification_text(note)
    assert "2099-05-17 10:00" in text and "Repeated spam links" in text


def test_suspending_again_the_same_way_changes_nothing(session):
    moderator, member = make_user(roles=("moderator",)), make_user()
    suspend_member(moderator, member, until=FUTURE, reason="spam")
    suspend_member(moderator, member, until=FUTURE, reason="spam")
    assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1
    suspend_member(moderator, member, until=FUTURE + dt.timedelta(days=1), reason="spam")
    assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 2


def test_timezone_aware_ends_are_stored_in_utc(session):
    moderator, member = make_user(roles=("moderator",)), make_user()
    tz = dt.timezone(dt.timedelta(hours=8))
    suspend_member(moderator, member, until=dt.datetime(2099, 1, 1, 8, 0, tzinfo=tz), reason="abuse")
    assert member.suspended_until == dt.datetime(2099, 1, 1, 0, 0)


@pytest.mark.parametrize("until, reason, field", [
    (dt.datetime(2000, 1, 1), "spam", "until"),
    ("tomorrow", "spam", "until"),
    (FUTURE, "", "reason"),
    (FUTURE, "   ", "reason"),
    (FUTURE, None, "reason"),
    (FUTURE, "x" * 501, "reason"),
])
def test_bad_input_is_refused_with_the_field(session, until, reason, field):
    moderator, member = make_user(roles=("moderator",)), make_user()
    with pytest.raises(RuleViolation) as exc:
        suspend_member(moderator, member, until=until, reason=reason)
    assert exc.value.field == field
    assert member.suspended_until is None


def test_an_end_exactly_now_is_in_the_past(app, session, freeze):
    now = dt.datetime(2030, 1, 1, 12, 0)
    freeze(now)
    moderator, member = make_user(roles=("moderator",)), make_user()
    with pytest.raises(RuleViolation):
        suspend_member(moderator, member, until=now, reason="spam")
    suspend_member(moderator, member, until=now + dt.timedelta(minutes=1), reason="spam")
    freeze(None)


@pytest.mark.parametrize("actor_roles, target_roles, allowed", [
    ((), (), False),                      # members do not suspend
    (("cs",), (), False),                 # nor do other staff
    (("moderator",), (), True),
    (("moderator",), ("moderator",), False),   # staff only by admins
    (("moderator",), ("cs",), False),
    (("admin",), ("moderator",), True),
    (("admin",), ("admin",), True),
])
def test_who_may_suspend_whom(session, actor_roles, target_roles, allowed):
    actor, target = make_user(roles=actor_roles), make_user(roles=target_roles)
    assert may_suspend(actor, target) is allowed
    if allowed:
        suspend_member(actor, target, until=FUTURE, reason="spam")
    else:
        with pytest.raises(Forbidden):
            suspend_member(actor, target, until=FUTURE, reason="spam")
        with pytest.raises(Forbidden):
            lift_suspension(actor, target)


def test_nobody_suspends_themself(session):
    admin = make_user(roles=("admin",))
    assert not may_suspend(admin, admin)


def test_posting_voting_and_flagging_are_refused_with_the_end_and_reason(session):
    from forum.moderation.actions import flag_content
    from forum.qa.actions import cast_vote, post_answer

    moderator, member = make_user(roles=("moderator",)), make_user(points=500)
    question = ask(make_user(points=200))
    suspend_member(moderator, member, until=FUTURE, reason="Repeated spam links")
    for attempt in (lambda: ask(member), lambda: post_answer(member, question, body="An answer here."),
                    lambda: cast_vote(member, question, 1),
                    lambda: flag_content(member, "question", question.id, reason="spam")):
        with pytest.raises(Forbidden) as exc:
            attempt()
        assert exc.value.code == "suspended"
        assert "2099-05-17 10:00" in exc.value.message and "Repeated spam links" in exc.value.message


def test_lifting_ends_it_and_is_idempotent(session):
    from forum.qa.actions import post_answer

    moderator, member = make_user(roles=("moderator",)), make_user()
    question = ask(make_user(points=200))
    suspend_member(moderator, member, until=FUTURE, reason="spam")
    lift_suspension(moderator, member)
    assert member.suspended_until is None and member.suspension_reason is None
    post_answer(member, question, body="Back to answering questions.")
    lift_suspension(moderator, member)
    events = list(session.scalars(sa.select(AuditEntry.event_type).order_by(AuditEntry.id)))
    assert events == ["accounts:user:suspended", "accounts:user:suspension_lifted"]
    kinds = list(session.scalars(sa.select(Notification.kind).where(Notification.user_id == member.id)
                                 .order_by(Notification.id)))
    assert kinds == ["account_suspended", "account_unsuspended"]


# --------------------------------------------------------------------------- the profile's forms

def _login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _build(app: Any, fn: Any) -> Any:
    with app.app_context():
        result = fn()
        db.session.commit()
        return result


def test_the_profile_form_suspends_and_lifts(app, client):
    ids = _build(app, lambda: (make_user("mod", roles=("moderator",)).id, make_user("carl").id))
    mod_id, carl_id = ids
    _login(client, mod_id)
    page = client.get(f"/users/{carl_id}").get_data(as_text=True)
    assert 'data-control="suspend"' in page and 'data-control="lift-suspension"' not in page
    resp = client.post(f"/users/{carl_id}/suspension", data={"until": "2099-05-17T10:00", "reason": "spam links"})
    assert resp.status_code == 302
    page = client.get(f"/users/{carl_id}").get_data(as_text=True)
    assert "data-suspended" in page and "spam links" in page and 'data-control="lift-suspension"' in page
    with app.app_context():
        assert db.session.get(User, carl_id).suspended_until == FUTURE
    client.post(f"/users/{carl_id}/suspension/lift")
    with app.app_context():
        assert db.session.get(User, carl_id).suspended_until is None


def test_the_profile_form_refuses_a_past_end_and_members_see_no_form(app, client):
    mod_id, carl_id, other_id = _build(app, lambda: (make_user("mod", roles=("moderator",)).id, make_user("carl").id,
                                                     make_user("dora").id))
    _login(client, mod_id)
    client.post(f"/users/{carl_id}/suspension", data={"until": "2001-01-01T10:00", "reason": "spam"})
    page = client.get(f"/users/{carl_id}").get_data(as_text=True)
    assert "in the future" in page
    with app.app_context():
        assert db.session.get(User, carl_id).suspended_until is None
    _login(client, other_id)
    assert 'data-control="suspend"' not in client.get(f"/users/{carl_id}").get_data(as_text=True)
    client.post(f"/users/{carl_id}/suspension", data={"until": "2099-01-01T10:00", "reason": "spam"})
    with app.app_context():
        assert db.session.get(User, carl_id).suspended_until is None


def test_the_suspension_form_needs_csrf(app, tmp_path, database_urls, backend):
    from tests.conftest import make_app

    strict = make_app(database_urls[backend], tmp_path, WTF_CSRF_ENABLED=True, MODERATION_FALLBACK_MODE="open")
    with strict.app_context():
        mod_id, carl_id = make_user("mod2", roles=("moderator",)).id, make_user("carl2").id
        db.session.commit()
    client = strict.test_client()
    _login(client, mod_id)
    client.post(f"/users/{carl_id}/suspension", data={"until": "2099-05-17T10:00", "reason": "spam"})
    with strict.app_context():
        assert db.session.get(User, carl_id).suspended_until is None
    strict.extensions["forum.engine"].dispose()
