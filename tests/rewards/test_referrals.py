"""Referrals and the onboarding checklist (docs/rules.md: accounts' invites/referrals; Badges)."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from forum import db
from forum.engagement.models import Event
from forum.ideas.actions import support_idea
from forum.accounts.actions import register_user, update_profile
from forum.events import announce
from forum.qa.actions import cast_vote
from forum.qa.models import Answer, ContentStatus
from forum.rewards.queries import badges_of, onboarding_checklist
from tests.factories import ask, make_user
from tests.ideas.conftest import published
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
    question = ask(invitees[0], "Second question of the first invitee")
    held_answer = Answer(question_id=question.id, author_id=invitees[2].id, body="held", body_html="<p>held</p>",
                         status=ContentStatus.pending)
    db.session.add(held_answer)
    db.session.flush()
    assert deltas(inviter) == [20, 20]  # a held answer is no contribution yet
    held = SimpleNamespace(content_type="answer", content_id=held_answer.id, author_id=invitees[2].id)
    announce(db.session, "held_content_approved", item=held, actor=None)  # Q&A publishes it: answer_published
    assert deltas(inviter) == [20, 20, 20]
    assert "recruiter" in {b["slug"] for b in badges_of(inviter)}


def test_an_unpublished_post_does_not_activate_a_referral(session):
    inviter = make_user()
    invitee = _invite(inviter, 1)
    announce(db.session, "question_asked", question=SimpleNamespace(id=1, author_id=invitee.id, status="pending"),
             user=invitee)
    assert deltas(inviter) == []


def test_onboarding_checklist_disappears_when_done(session):
    member = make_user()
    steps = onboarding_checklist(member)
    assert [s["key"] for s in steps] == ["profile", "contribute", "vote", "support"]
    assert not any(s["done"] for s in steps)
    update_profile(member, display_name="Ann Lee", bio="Data engineer")
    ask(member)
    assert [s["done"] for s in onboarding_checklist(member)] == [True, True, False, False]
    member.points = 15
    cast_vote(member, ask(make_user(), "Somebody else's question"), 1)
    assert [s["done"] for s in onboarding_checklist(member)] == [True, True, True, False]
    assert activations(member) == 0
    support_idea(member, published(make_user(), "Export dashboards to PDF"))
    assert onboarding_checklist(member) is None
    assert activations(member) == 1


def test_activation_is_recorded_once(session):
    member = make_user(points=15, display_name="Bo", bio="Analyst")
    support_idea(member, published(make_user(), "Scheduled exports"))
    ask(member)
    assert activations(member) == 0
    other = ask(make_user(), "A question to vote on")
    cast_vote(member, other, 1)
    assert activations(member) == 1
    ask(member, "A second question after activation")
    update_profile(member, bio="Senior analyst")
    assert activations(member) == 1


def activations(member) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event)
                             .where(Event.kind == "activated", Event.user_id == member.id))
