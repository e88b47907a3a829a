"""`forum generate --events N` makes a realistic year (forum/generate/events.py): deterministic for a
seed, weekdays busier than weekends, growth over the year, churned organizations whose members go
quiet, NPS answers inside the survey's rules that move, every event with its member's organization
and its question's category, rolled up at the end."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.engagement.actions import days_to_roll_up
from forum.engagement.models import DailyRollup, Event
from forum.generate import Plan, generate
from forum.nps.models import Followup, NpsResponse
from forum.qa.models import Question

NOW = dt.datetime(2026, 11, 25, 15, 30)  # a Wednesday
PLAN = dict(members=240, questions=120, answers=200, comments=60, events=15_000)


def _generate(app: Any, seed: int = 5, **plan: int) -> Any:
    app.config["FROZEN_NOW"] = NOW
    return generate(Plan(seed=seed, **{**PLAN, **plan}))


def _rows(stmt: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.session.execute(stmt)]


def _events() -> list[tuple[Any, ...]]:
    return _rows(sa.select(Event.occurred_at, Event.user_id, Event.organization_id, Event.category_id, Event.kind,
                           Event.subject_type, Event.subject_id, Event.value).order_by(Event.id))


@pytest.fixture
def year(app: Any, ctx: Any) -> Any:
    return _generate(app)


def test_the_year_is_deterministic_for_a_seed(app, ctx):
    run = _generate(app, seed=11)
    first = (_events(), _rows(sa.select(NpsResponse.user_id, NpsResponse.score, NpsResponse.created_at)
                              .order_by(NpsResponse.id)), dict(run.churned_orgs))
    assert len(first[0]) > PLAN["events"] and first[1] and first[2]
    db.rollback()
    for table in reversed(db.Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.commit()
    again = _generate(app, seed=11)
    assert (_events(), _rows(sa.select(NpsResponse.user_id, NpsResponse.score, NpsResponse.created_at)
                             .order_by(NpsResponse.id)), dict(again.churned_orgs)) == first


def test_exactly_n_activity_events_in_the_year_and_none_in_the_future(year):
    assert year.counts["activity events"] == PLAN["events"]
    first, last = db.session.execute(sa.select(sa.func.min(Event.occurred_at), sa.func.max(Event.occurred_at))).one()
    assert last <= NOW
    assert first >= dt.datetime.combine(NOW.date() - dt.timedelta(days=364), dt.time())
    kinds = Counter(dict(_rows(sa.select(Event.kind, sa.func.count()).group_by(Event.kind))))
    posts = kinds["question"] + kinds["answer"] + kinds["comment"]
    assert kinds["visit"] > kinds["view_question"] > kinds["search"] > posts / 2 > 0
    assert kinds["search"] > kinds["ask_started"] > kinds["ask_abandoned_after_suggestion"]


def test_weekdays_are_busier_than_weekends_and_the_year_grows(year):
    by_day = Counter()
    for (when,) in db.session.execute(sa.select(Event.occurred_at).where(Event.kind.in_(("visit", "view_question")))):
        by_day[when.date()] += 1
    start = NOW.date() - dt.timedelta(days=363)
    days = [start + dt.timedelta(days=i) for i in range(363)]  # closed days
    weekday = [by_day[d] for d in days if d.weekday() < 5]
    weekend = [by_day[d] for d in days if d.weekday() >= 5]
    assert sum(weekday) / len(weekday) > 1.8 * sum(weekend) / len(weekend)
    first_quarter, last_quarter = sum(by_day[d] for d in days[:90]), sum(by_day[d] for d in days[-90:])
    assert last_quarter > 2 * first_quarter
    hours = Counter(when.hour for (when,) in db.session.execute(sa.select(Event.occurred_at)))
    assert hours[14] > 3 * hours[3]  # working hours


def test_churned_organizations_go_quiet_and_their_scores_fall(year):
    assert year.churned_orgs
    quiet_since = {org: day for org, day in year.churned_orgs.items()}
    members = dict(_rows(sa.select(User.id, User.organization_id)))
    assert all(org in set(members.values()) for org in quiet_since)
    last_month = NOW - dt.timedelta(days=30)
    recent = Counter(org for (org,) in db.session.execute(sa.select(Event.organization_id).where(
        Event.occurred_at >= last_month, Event.kind.in_(("visit", "view_question", "search")))))
    size = Counter(members.values())
    churned_rate = sum(recent[o] for o in quiet_since) / sum(size[o] for o in quiet_since)
    others = [o for o in size if o is not None and o not in quiet_since]
    other_rate = sum(recent[o] for o in others) / sum(size[o] for o in others)
    assert churned_rate < 0.3 * other_rate
    # before going quiet the same organizations were as busy as the others, per member
    before = Counter(org for (org, when) in db.session.execute(sa.select(Event.organization_id, Event.occurred_at).where(
        Event.kind.in_(("visit", "view_question", "search")))) if org in quiet_since and when.date() < quiet_since[org])
    assert sum(before.values()) > 0
    scores = defaultdict(list)
    for org, score, when in db.session.execute(sa.select(NpsResponse.organization_id, NpsResponse.score,
                                                         NpsResponse.created_at)):
        if org in quiet_since and when.date() >= quiet_since[org]:
            scores["churned"].append(score)
        elif org not in quiet_since:
            scores["others"].append(score)
    if scores["churned"]:
        assert sum(scores["churned"]) / len(scores["churned"]) < sum(scores["others"]) / len(scores["others"])


def test_nps_answers_respect_membership_and_the_interval_and_move(app, year):
    interval = dt.timedelta(days=app.config["NPS_SURVEY_INTERVAL_DAYS"])
    membership = dt.timedelta(days=app.config["NPS_MIN_MEMBERSHIP_DAYS"])
    joined = dict(_rows(sa.select(User.id, User.created_at)))
    by_member = defaultdict(list)
    rows = _rows(sa.select(NpsResponse.id, NpsResponse.user_id, NpsResponse.created_at, NpsResponse.score,
                           NpsResponse.organization_id).order_by(NpsResponse.created_at))
    assert len(rows) > 40
    for _id, user, when, _score, _org in rows:
        by_member[user].append(when)
        assert when - joined[user] >= membership and when <= NOW
    for times in by_member.values():
        assert all(b - a >= interval for a, b in zip(times, times[1:]))
    assert any(len(t) > 1 for t in by_member.values())
    # one `nps` event per answer, with the score as its value
    logged = {(s, v) for s, v in db.session.execute(sa.select(Event.subject_id, Event.value).where(Event.kind == "nps"))}
    assert logged == {(rid, float(score)) for rid, _u, _w, score, _o in rows}
    # detractors have their follow-ups
    detractors = {rid for rid, _u, _w, score, _o in rows if score <= app.config["NPS_DETRACTOR_MAX"]}
    assert set(db.session.scalars(sa.select(Followup.nps_response_id))) == detractors


def test_events_carry_the_members_organization_and_the_questions_category(year):
    org_of = dict(_rows(sa.select(User.id, User.organization_id)))
    joined = dict(_rows(sa.select(User.id, User.created_at)))
    question = {qid: (category, created) for qid, category, created in db.session.execute(
        sa.select(Question.id, Question.category_id, Question.created_at))}
    visits: Counter[tuple[int, dt.date]] = Counter()
    anonymous = 0
    for when, user, org, category, kind, subject_type, subject_id, _value in _events():
        if user is None:
            assert org is None
            anonymous += 1
        else:
            assert org == org_of[user] and when >= joined[user] - dt.timedelta(seconds=1)
        if kind == "view_question":
            assert subject_type == "question" and category == question[subject_id][0]
            assert when >= question[subject_id][1]
        if kind == "visit" and user is not None:
            visits[(user, when.date())] += 1
    assert anonymous > 0
    assert max(visits.values()) == 1  # a visit is once per member and day


def test_the_generated_days_are_rolled_up(year):
    assert days_to_roll_up(NOW.date()) == []
    rolled = db.session.scalar(sa.select(sa.func.sum(DailyRollup.count)))
    closed = db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.occurred_at < dt.datetime.combine(NOW.date(), dt.time())))
    assert rolled == closed
