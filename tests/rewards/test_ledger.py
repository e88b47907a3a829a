"""The points ledger against a real database (docs/rules.md: Points, and its "Precisely" list)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from forum import db
from forum.accounts.actions import register_user
from forum.errors import RuleViolation
from forum.events import announce
from forum.qa.actions import accept_answer, cast_vote, delete_answer, delete_question, unaccept_answer
from tests.factories import answer, ask, make_user
from tests.rewards.conftest import deltas, entries, ledger_total, points_now, voter


def test_question_votes_pay_the_asker(session):
    asker, a, b = make_user(), voter(), voter()
    q = ask(asker)
    cast_vote(a, q, 1)
    cast_vote(b, q, -1)
    assert deltas(asker) == [5, -2]
    assert [e.reason for e in entries(asker)] == ["question_upvoted", "question_downvoted"]
    assert all(e.subject_type == "question" and e.subject_id == q.id for e in entries(asker))
    assert deltas(b) == []  # a down-vote on a question costs the voter nothing
    assert points_now(asker) == 3 == ledger_total(asker)


def test_answer_votes_pay_the_answerer_and_a_down_vote_costs_the_voter(session):
    asker, helper, up, down = make_user(), make_user(), voter(), voter()
    a = answer(helper, ask(asker))
    cast_vote(up, a, 1)
    cast_vote(down, a, -1)
    assert deltas(helper) == [10, -2]
    assert [(e.reason, e.delta) for e in entries(down)] == [("downvote_cast", -1)]
    assert points_now(down) == 999
    assert points_now(helper) == 8


def test_changing_an_up_vote_to_a_down_vote_then_withdrawing(session):
    """docs/rules.md: +10, −10, −2 and the voter −1; withdrawing gives the answerer +2, the voter +1."""
    asker, helper, v = make_user(), make_user(), voter()
    a = answer(helper, ask(asker))
    cast_vote(v, a, 1)
    cast_vote(v, a, -1)
    assert deltas(helper) == [10, -10, -2]
    assert deltas(v) == [-1]
    first, undo, down = entries(helper)
    assert undo.reverses == first.id and undo.reason == first.reason == "answer_upvoted"
    assert down.reverses is None and down.reason == "answer_downvoted"
    cast_vote(v, a, 0)
    assert deltas(helper) == [10, -10, -2, 2]
    assert deltas(v) == [-1, 1]
    assert entries(helper)[-1].reverses == down.id and entries(helper)[-1].reason == "answer_downvoted"
    assert entries(v)[-1].reverses == entries(v)[0].id
    assert points_now(helper) == 0 == ledger_total(helper)
    assert points_now(v) == 1000


def test_repeating_a_vote_writes_nothing(session):
    asker, v = make_user(), voter()
    q = ask(asker)
    cast_vote(v, q, 1)
    cast_vote(v, q, 1)
    cast_vote(v, q, 0)
    cast_vote(v, q, 0)
    assert deltas(asker) == [5, -5]


def test_voting_on_your_own_post_is_refused(session):
    asker = voter()
    q = ask(asker)
    with pytest.raises(RuleViolation):
        cast_vote(asker, q, 1)
    assert entries(asker) == []


def test_accept_pays_answerer_and_asker_and_moving_it_undoes_the_first(session):
    asker, first, second = make_user(), make_user(), make_user()
    q = ask(asker)
    a1, a2 = answer(first, q), answer(second, q, "Another way.")
    accept_answer(asker, a1)
    assert deltas(first) == [15] and deltas(asker) == [2]
    accept_answer(asker, a1)  # already in effect
    assert deltas(first) == [15]
    accept_answer(asker, a2)
    assert deltas(first) == [15, -15]
    assert deltas(asker) == [2, -2, 2]
    assert deltas(second) == [15]
    assert entries(first)[1].reverses == entries(first)[0].id
    assert [e.reason for e in entries(asker)] == ["accepted_answer"] * 3
    unaccept_answer(asker, a2)
    assert deltas(second) == [15, -15] and deltas(asker) == [2, -2, 2, -2]
    assert points_now(asker) == 0 and points_now(second) == 0


def test_accepting_your_own_answer_earns_nothing(session):
    asker = make_user()
    q = ask(asker)
    accept_answer(asker, answer(asker, q))
    assert entries(asker) == []


def test_daily_cap_cuts_the_crossing_entry_writes_later_ones_as_zero_and_counts_down_votes(session, freeze):
    freeze(dt.datetime(2026, 11, 23, 9, 0))
    asker, helper = make_user(), make_user()
    q = ask(asker)
    answers = [answer(helper, q, f"Answer {i}") for i in range(4)]
    own_question = ask(helper, "A question by the helper")
    voters = [voter() for _ in range(26)]
    for i in range(19):  # 19 up-votes on answers: 190
        cast_vote(voters[i], answers[i % 4], 1)
    cast_vote(voters[19], own_question, 1)  # +5 → 195
    cast_vote(voters[20], answers[0], 1)  # cut to the remainder: +5 → 200
    cast_vote(voters[21], answers[1], 1)  # written as 0
    cast_vote(voters[22], answers[2], -1)  # down-votes count in full: 198
    cast_vote(voters[23], answers[3], 1)  # +2 → 200
    assert deltas(helper) == [10] * 19 + [5, 5, 0, -2, 2]
    assert points_now(helper) == 200 == ledger_total(helper)
    cast_vote(voters[20], answers[0], 0)  # compensates what was granted: −5
    cast_vote(voters[21], answers[1], 0)  # −0
    assert deltas(helper)[-2:] == [-5, 0]
    assert points_now(helper) == 195
    accept_answer(asker, answers[0])  # accepts are not capped
    assert deltas(helper)[-1] == 15
    freeze(dt.datetime(2026, 11, 24, 0, 0, 1))  # a new UTC day
    cast_vote(voters[24], answers[1], 1)
    assert deltas(helper)[-1] == 10


def test_deleting_an_answer_compensates_its_votes_and_accept(session):
    asker, helper, up, down = make_user(), make_user(), voter(), voter()
    q = ask(asker)
    a = answer(helper, q)
    cast_vote(up, a, 1)
    cast_vote(down, a, -1)
    accept_answer(asker, a)
    assert points_now(helper) == 10 - 2 + 15
    delete_answer(helper, a)
    assert points_now(helper) == 0 == ledger_total(helper)
    assert points_now(asker) == 0
    assert deltas(down) == [-1, 1]
    assert all(e.reverses for e in entries(helper)[3:]) and len(entries(helper)) == 6
    delete_answer(helper, a)  # already deleted: nothing more
    assert len(entries(helper)) == 6


def test_deleting_a_question_compensates_its_votes_and_its_accept(session):
    asker, helper, v = make_user(), make_user(), voter()
    q = ask(asker)
    a = answer(helper, q)
    cast_vote(v, q, 1)
    cast_vote(v, a, 1)
    accept_answer(asker, a)
    delete_question(asker, q)
    assert points_now(asker) == 0 == ledger_total(asker)
    assert deltas(helper) == [10, 15, -15]  # the answer's own vote stays: the answer was not removed


def test_idea_events_pay_the_author_once(session):
    author = make_user()
    idea = SimpleNamespace(id=7, author_id=author.id)
    announce(db.session, "idea_published", idea=idea, user=author)
    announce(db.session, "idea_published", idea=idea, user=author)
    assert deltas(author) == [5]
    announce(db.session, "idea_stage_reached", idea=idea, stage=1)
    announce(db.session, "idea_stage_reached", idea=idea, stage=1)
    assert deltas(author) == [5, 20]
    announce(db.session, "idea_stage_reached", idea=idea, stage=3)  # a merge may jump stages: 2 and 3 pay
    assert deltas(author) == [5, 20, 40, 60]
    assert [e.stage for e in entries(author)[1:]] == [1, 2, 3]
    announce(db.session, "idea_decided", idea=idea, decision="approved", actor=None, note="Planned")
    announce(db.session, "idea_decided", idea=idea, decision="shipped", actor=None, note="Released")
    announce(db.session, "idea_decided", idea=idea, decision="shipped", actor=None, note="Again")
    announce(db.session, "idea_decided", idea=idea, decision="not_approved", actor=None, note="No")
    assert deltas(author) == [5, 20, 40, 60, 200, 300]
    assert points_now(author) == 625 == ledger_total(author)



def test_referral_pays_the_inviter_once_at_the_first_published_contribution(session):
    inviter = make_user()
    assert inviter.invite_code
    newcomer = register_user(username="newcomer", email="new@example.com", password="long enough pw",
                             invite_code=inviter.invite_code)
    assert newcomer.invited_by_id == inviter.id and newcomer.invite_code
    assert entries(inviter) == []
    q = ask(newcomer)
    answer(newcomer, q)
    ask(newcomer, "A second question here")
    assert [(e.reason, e.delta, e.subject_type, e.subject_id) for e in entries(inviter)] == [
        ("referral_activated", 20, "user", newcomer.id)]
    stranger = register_user(username="stranger", email="s@example.com", password="long enough pw",
                             invite_code="no-such-code")
    assert stranger.invited_by_id is None


def test_entries_are_never_edited_and_points_equal_the_ledger(session):
    asker, helper, v = make_user(), make_user(), voter()
    q = ask(asker)
    a = answer(helper, q)
    cast_vote(v, a, 1)
    original = [(e.id, e.delta) for e in entries(helper)]
    cast_vote(v, a, -1)
    cast_vote(v, a, 1)
    assert [(e.id, e.delta) for e in entries(helper)][:1] == original
    session.commit()
    assert points_now(helper) == ledger_total(helper) == 10
