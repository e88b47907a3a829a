"""Badges: declarative, awarded once on events, backfilled from existing data (docs/rules.md: Badges)."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from forum import db
from forum.events import announce
from forum.notifications.models import Notification
from forum.qa.actions import accept_answer, cast_vote
from forum.qa.models import Answer, Question
from forum.rewards import rules
from forum.rewards.actions import award_badge, backfill_badges
from forum.rewards.models import UserBadge
from forum.rewards.queries import badge_catalogue, badges_of
from tests.factories import answer, ask, make_user
from tests.rewards.conftest import voter


def slugs(user):
    return {b["slug"] for b in badges_of(user)}


def test_badge_table_is_complete_and_well_formed():
    assert len({b.slug for b in rules.BADGES}) == len(rules.BADGES)
    assert {b.tier for b in rules.BADGES} <= {"bronze", "silver", "gold"}
    assert {"good-question", "good-answer", "solver", "great-answer", "outstanding-answer", "expert", "idea-maker",
            "crowd-favourite", "visionary", "supporter", "feedback-giver", "recruiter", "ambassador"} <= set(
        rules.BADGES_BY_SLUG)


def test_first_good_question_and_answer_and_accept_award_once_with_a_notification(session):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q)
    cast_vote(voter(), q, 1)
    cast_vote(voter(), a, 1)
    assert slugs(asker) == {"good-question"}
    assert slugs(helper) == {"good-answer"}
    cast_vote(voter(), a, 1)  # a second qualifying event awards nothing more
    accept_answer(asker, a)
    assert slugs(helper) == {"good-answer", "solver"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserBadge)) == 3
    kinds = list(db.session.scalars(sa.select(Notification.data).where(
        Notification.user_id == helper.id, Notification.kind == "badge_awarded")))
    assert sorted(k["badge"] for k in kinds) == ["Good Answer", "Solver"]
    assert award_badge(helper.id, "solver") is None  # idempotent


def test_a_down_voted_question_earns_no_badge(session):
    asker = make_user()
    q = ask(asker)
    cast_vote(voter(), q, -1)
    assert slugs(asker) == set()


def test_idea_badges_from_events(session):
    author = make_user()
    idea = SimpleNamespace(id=3, author_id=author.id)
    announce(db.session, "idea_published", idea=idea, user=author)
    announce(db.session, "idea_stage_reached", idea=idea, stage=1)
    assert "crowd-favourite" not in slugs(author)
    announce(db.session, "idea_stage_reached", idea=idea, stage=2)
    announce(db.session, "idea_decided", idea=idea, decision="approved", actor=None, note="Yes")
    assert {"idea-maker", "crowd-favourite", "visionary"} <= slugs(author)


def test_backfill_awards_what_existing_data_earned(session, app):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    answers = []
    for i in range(10):
        other = ask(make_user(), f"Question number {i}")
        a = answer(helper, other, f"Answer {i}")
        other.accepted_answer_id = a.id  # rows changed directly: no events, no badges yet
        answers.append(a)
    q.score = 3
    answers[0].score = 12
    db.session.flush()
    assert slugs(helper) == set()
    awarded = backfill_badges()
    assert slugs(asker) == {"good-question"}
    assert slugs(helper) == {"good-answer", "solver", "expert", "great-answer"}
    assert awarded == 5
    assert backfill_badges() == 0
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "badges", "--backfill"])
    assert result.exit_code == 0 and "Awarded 0 badge(s)." in result.output


def test_catalogue_lists_every_badge_with_its_holders(session):
    asker = make_user(username="curious")
    q = ask(asker)
    cast_vote(voter(), q, 1)
    catalogue = {b["slug"]: b for b in badge_catalogue()}
    assert len(catalogue) == len(rules.BADGES)
    assert [u.username for u, _ in catalogue["good-question"]["holders"]] == ["curious"]
    assert catalogue["solver"]["holders"] == [] and catalogue["solver"]["description"]


def test_self_accepted_answers_do_not_count(session):
    asker = make_user()
    q = ask(asker)
    accept_answer(asker, answer(asker, q))
    assert "solver" not in slugs(asker)
    assert db.session.get(Question, q.id).accepted_answer_id == db.session.scalar(sa.select(Answer.id))


def test_withdrawing_a_down_vote_can_earn_a_score_badge(session):
    asker = make_user()
    q = ask(asker)
    critic = voter()
    cast_vote(critic, q, -1)
    cast_vote(voter(), q, 1)
    assert slugs(asker) == set()  # score 0
    cast_vote(critic, q, 0)
    assert slugs(asker) == {"good-question"}
