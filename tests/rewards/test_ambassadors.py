"""The ambassador programme and rewards' tick jobs (docs/rules.md: Ambassador programme, Points)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.audit.models import AuditEntry
from forum.errors import Forbidden, RuleViolation
from forum.notifications.models import Notification
from forum.qa.actions import cast_vote
from forum.qa.models import Vote
from forum.rewards.actions import appoint_ambassador, renew_ambassador, revoke_ambassador
from forum.rewards.models import AmbassadorTerm
from forum.rewards.queries import ambassador_candidates, ambassador_evidence, badges_of, trust_level
from tests.factories import answer, ask, make_user
from tests.rewards.conftest import deltas, ledger_total, voter

NOW = dt.datetime(2026, 11, 23, 12, 0)  # a Monday


def _veteran(freeze, *, points=1200, accepted=10, weeks=(0, 1, 2), days_member=120):
    """A member with `points`, `accepted` accepted answers and a post in each of `weeks` ago."""
    member = make_user(points=points, created_at=NOW - dt.timedelta(days=days_member))
    for i in range(accepted):
        freeze(NOW - dt.timedelta(days=40, hours=i))
        q = ask(make_user(), f"Question number {i}")
        a = answer(member, q, f"Answer {i}")
        q.accepted_answer_id = a.id
    for w in weeks:
        freeze(NOW - dt.timedelta(weeks=w, hours=1) if w else NOW - dt.timedelta(hours=1))
        ask(member, f"Weekly question {w}")
    freeze(NOW)
    db.session.flush()
    return member


def test_evidence_and_eligibility(session, freeze):
    member = _veteran(freeze)
    evidence = ambassador_evidence(member, NOW)
    assert evidence["eligible"], evidence
    c = evidence["criteria"]
    assert c["points"]["value"] == 1200 and c["accepted_answers"]["value"] == 10
    assert c["active_weeks"]["value"] == 3 and len(c["active_weeks"]["weeks"]) == 4
    assert c["nps"]["passed"] and c["clean_record"]["passed"]  # no NPS answer, no moderation history
    assert [m.id for m, _ in ambassador_candidates(NOW)] == [member.id]


@pytest.mark.parametrize("change", [{"points": 999}, {"accepted": 9}, {"weeks": (0, 2)}, {"days_member": 59}])
def test_each_criterion_is_required(session, freeze, change):
    member = _veteran(freeze, **change)
    assert not ambassador_evidence(member, NOW)["eligible"]
    assert ambassador_candidates(NOW) == []


def test_appoint_revoke_and_history(session, freeze):
    freeze(NOW)
    admin, member = make_user(roles=("admin",)), make_user()
    with pytest.raises(Forbidden):
        appoint_ambassador(make_user(roles=("moderator",)), member, "Great helper")
    with pytest.raises(RuleViolation):
        appoint_ambassador(admin, member, "  ")
    appoint_ambassador(admin, member, "Answers every SSO question")
    assert member.is_ambassador and trust_level(member) == 4
    assert "ambassador" in {b["slug"] for b in badges_of(member)}
    term = db.session.scalar(sa.select(AmbassadorTerm))
    assert term.note == "Answers every SSO question" and term.ends_at == NOW + dt.timedelta(days=365)
    assert term.evidence["criteria"]["points"]["value"] == 0
    appoint_ambassador(admin, member, "Again")  # already in effect
    renew_ambassador(admin, member, "Reviewed: strong year")
    revoke_ambassador(admin, member, "Left the company")
    assert not member.is_ambassador
    terms = list(db.session.scalars(sa.select(AmbassadorTerm).order_by(AmbassadorTerm.id)))
    assert [(t.end_reason, t.ended_at is not None) for t in terms] == [("renewed", True), ("revoked", True)]
    events = list(db.session.scalars(sa.select(AuditEntry.event_type).order_by(AuditEntry.id)))
    assert events == ["rewards:ambassador:appointed", "rewards:ambassador:renewed", "rewards:ambassador:revoked"]
    assert "ambassador" in {b["slug"] for b in badges_of(member)}  # the badge stays


def _tick(app, when):
    result = app.test_cli_runner().invoke(args=["forum", "tick", "--now", when.strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert "serial_votes" in result.output, result.output
    db.session.expire_all()
    return result


def test_tick_lapses_an_ambassador_without_contributions(session, freeze, app):
    freeze(NOW)
    admin, member = make_user(roles=("admin",)), make_user()
    ask(member, "A question from the ambassador")
    appoint_ambassador(admin, member, "Welcome")
    member_id = member.id
    db.session.commit()
    freeze(None)
    _tick(app, NOW + dt.timedelta(days=89))
    assert db.session.get(User, member_id).is_ambassador
    _tick(app, NOW + dt.timedelta(days=91))
    member = db.session.get(User, member_id)
    assert not member.is_ambassador
    term = db.session.scalar(sa.select(AmbassadorTerm))
    assert term.end_reason == "lapsed" and term.ended_at == NOW + dt.timedelta(days=91)
    assert db.session.scalar(sa.select(Notification.id).where(
        Notification.user_id == member_id, Notification.kind == "ambassador_lapsed")) is not None
    _tick(app, NOW + dt.timedelta(days=92))  # idempotent: nothing more
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmbassadorTerm)) == 1


def test_tick_reverses_serial_voting(session, freeze, app):
    freeze(NOW - dt.timedelta(hours=5))
    target, bystander = make_user(), make_user()
    serial, moderate = voter(), voter()
    questions = [ask(target, f"Question number {i}") for i in range(11)]
    for q in questions:
        cast_vote(serial, q, 1)
    for q in questions[:10]:
        cast_vote(moderate, q, 1)
    other = ask(bystander, "Somebody else's question")
    cast_vote(serial, other, 1)
    ids = target.id, bystander.id, serial.id
    db.session.commit()
    assert ledger_total(target) == 21 * 5 == 105
    freeze(None)
    _tick(app, NOW)
    target, bystander, serial = (db.session.get(User, i) for i in ids)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.user_id == serial.id)) == 1
    assert target.points == ledger_total(target) == 50  # the moderate voter's 10 votes stay
    assert deltas(target)[-11:] == [-5] * 11
    assert bystander.points == 5
    assert [q.score for q in db.session.scalars(sa.select(type(questions[0])).where(
        type(questions[0]).author_id == target.id).order_by(type(questions[0]).id))] == [1] * 10 + [0]
    _tick(app, NOW)  # idempotent
    assert ledger_total(db.session.get(User, ids[0])) == 50


def test_an_upheld_moderation_rejection_in_90_days_makes_a_member_ineligible(session, freeze):
    from forum.moderation.models import ItemStatus, ModerationItem

    member = _veteran(freeze)
    old = ModerationItem(content_type="answer", content_id=1, reason="gate", author_id=member.id,
                         status=ItemStatus.rejected, decided_at=NOW - dt.timedelta(days=120), decision_reason="spam")
    db.session.add(old)
    db.session.flush()
    assert ambassador_evidence(member, NOW)["eligible"]
    db.session.add(ModerationItem(content_type="answer", content_id=2, reason="gate", author_id=member.id,
                                  status=ItemStatus.rejected, decided_at=NOW - dt.timedelta(days=10),
                                  decision_reason="spam"))
    db.session.flush()
    evidence = ambassador_evidence(member, NOW)
    assert not evidence["eligible"] and evidence["criteria"]["clean_record"]["value"] == 1


@pytest.mark.parametrize(("score", "eligible"), [(None, True), (6, False), (0, False), (7, True), (10, True)])
def test_latest_nps_answer_must_not_be_a_detractor(session, freeze, score, eligible):
    from forum.rewards import queries

    member = _veteran(freeze)
    if score is not None:
        _answer_nps(member, score)
    evidence = ambassador_evidence(member, NOW)
    assert evidence["eligible"] is eligible and evidence["criteria"]["nps"]["value"] == score


def test_ambassadors_see_the_ambassadors_only_categories(session):
    from forum.errors import NotFound
    from forum.qa.queries import access_category
    from tests.factories import make_category

    early = make_category("Early access", ambassadors_only=True)
    admin, member = make_user(roles=("admin",)), make_user()
    with pytest.raises(NotFound):
        access_category(early.id, member)
    appoint_ambassador(admin, member, "Welcome")
    assert access_category(early.id, member) == early
    revoke_ambassador(admin, member)
    with pytest.raises(NotFound):
        access_category(early.id, member)


def _answer_nps(member, score: int) -> None:
    """An earlier answer and the latest one: the criterion reads the latest."""
    from forum import db
    from forum.nps.models import NpsResponse

    earlier = 10 if score <= 6 else 0
    db.session.add_all([NpsResponse(user_id=member.id, score=earlier, created_at=NOW - dt.timedelta(days=200)),
                        NpsResponse(user_id=member.id, score=score, created_at=NOW - dt.timedelta(days=5))])
    db.session.flush()
