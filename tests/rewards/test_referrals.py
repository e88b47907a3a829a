"""Referrals and the onboarding checklist (DESIGN.md: accounts' invites/referrals; Badges)."""

from __future__ import annotations

from types import SimpleNamespace

from forum import db
from forum.accounts.actions import register_user, update_profile
from forum.events import announce
from forum.qa.actions import cast_vote
from forum.rewards.queries import badges_of, onboarding_checklist
from tests.factories import ask, make_user
from tests.rewards.conftest import deltas


def _invite(inviter, n):
    return register_user(username=f"invitee{n}", email=f"invitee{n}@example.com", password="long enough pw",
                         invite_code=inviter.invite_code)


def test_three_activated_referrals_earn_the_recruiter_badge(session):
    inviter = make_user()
    invitees = [_invite(inviter, n) for n in range(3)]
    ask(invitees[0], "First question of the first invitee")
    announce(db.session, "idea_published", idea=SimpleNamespace(id=9, author_id=invitees[1].id), user=invitees[1])
    assert deltas(inviter) == [20, 20]
    assert "recruiter" not in {b["slug"] for b in badges_of(inviter)}
    held = SimpleNamespace(content_type="answer", content_id=1, author_id=invitees[2].id)
    announce(db.session, "held_content_approved", item=held, actor=None)
    assert deltas(inviter) == [20, 20, 20]
    assert "recruiter" in {b["slug"] for b in badges_of(inviter)}


def test_an_unpublished_post_does_not_activate_a_referral(session):
    inviter = make_user()
    invitee = _invite(inviter, 1)
    announce(db.session, "content_status_changed", content=SimpleNamespace(author_id=invitee.id, status="pending"))
    assert deltas(inviter) == []


def test_onboarding_checklist_disappears_when_done(session):
    member = make_user()
    steps = onboarding_checklist(member)
    assert [s["key"] for s in steps] == ["profile", "contribute", "vote"] and not any(s["done"] for s in steps)
    update_profile(member, display_name="Ann Lee", bio="Data engineer")
    ask(member)
    assert [s["done"] for s in onboarding_checklist(member)] == [True, True, False]
    member.points = 15
    cast_vote(member, ask(make_user(), "Somebody else's question"), 1)
    assert onboarding_checklist(member) is None
