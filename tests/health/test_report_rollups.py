"""The weekly and per-day roll-up rows (member_weeks, active_days) and the roll-up mark: a report read
through them equals the same report read from the raw events (docs/rules.md: Health reports)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from forum import db
from forum.engagement.actions import days_to_roll_up, record_event, roll_up_events
from forum.engagement.models import ALL_CATEGORIES, ActiveDay, MemberLast, MemberWeek, RollupMark
from forum.health import queries
from tests.factories import make_user

D = dt.date
T = dt.datetime


def _numbers(r: dict) -> dict:
    return {"metrics": r["metrics"], "previous": r["previous"], "series": r["series"]}


def _weeks_of_activity(seed: int) -> list:
    """Five weeks (Monday 4 March 2030 … Sunday 7 April) with events on every day: members who sign
    up along the way, visit, ask and answer in two categories, some before their sign-up day."""
    rng = random.Random(seed)
    users = [make_user(created_at=T(2030, 3, 1) + dt.timedelta(days=rng.randrange(0, 30), hours=rng.randrange(24)))
             for _ in range(12)]
    day = D(2030, 3, 4)
    while day <= D(2030, 4, 7):
        record_event("visit", users[0], occurred_at=T(day.year, day.month, day.day, 1))
        for user in rng.sample(users, rng.randrange(1, 6)):
            at = T(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60))
            kind = rng.choice(("visit", "view_question", "question", "answer", "roles_changed"))
            record_event(kind, user, occurred_at=at, category_id=None if kind == "visit" else rng.choice((7, 8)))
        day += dt.timedelta(days=1)
    early = make_user(created_at=T(2030, 3, 13, 12))      # a Wednesday; active on the Tuesday before only
    record_event("visit", early, occurred_at=T(2030, 3, 12, 9))
    record_event("visit", early, occurred_at=T(2030, 3, 19, 9))
    db.session.commit()
    return users


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_whole_weeks_read_from_member_weeks_give_the_raw_numbers(session, seed):
    _weeks_of_activity(seed)
    now = T(2030, 4, 8, 12)
    periods = [(D(2030, 3, 4), D(2030, 4, 7)), (D(2030, 3, 6), D(2030, 4, 2)), (D(2030, 3, 11), D(2030, 4, 8))]
    cases = [(start, end, category) for start, end in periods for category in (None, 7)]
    raw = [queries.health_report(start, end, category, now=now) for start, end, category in cases]
    roll_up_events(now)
    db.session.commit()
    weeks = db.session.query(MemberWeek).filter(MemberWeek.category_id == ALL_CATEGORIES).count()
    assert weeks > 0 and db.session.query(ActiveDay).count() > 0
    for (start, end, category), expected in zip(cases, raw):
        assert _numbers(queries.health_report(start, end, category, now=now)) == _numbers(expected)


def test_an_idle_roll_up_counts_only_the_recent_days_and_finds_late_events_by_id(session):
    users = _weeks_of_activity(4)
    now = T(2030, 4, 8, 12)
    roll_up_events(now)
    db.session.commit()
    mark = db.session.query(RollupMark).one()
    assert mark.day == D(2030, 4, 8)
    assert days_to_roll_up(now.date()) == []
    record_event("visit", users[3], occurred_at=T(2030, 3, 5, 23))   # late, for a day five weeks back
    db.session.commit()
    assert days_to_roll_up(now.date()) == [D(2030, 3, 5)]
    before = queries.health_report(D(2030, 3, 4), D(2030, 4, 7), now=now)   # stale roll-up until the tick
    roll_up_events(now)
    db.session.commit()
    assert days_to_roll_up(now.date()) == []
    after = queries.health_report(D(2030, 3, 4), D(2030, 4, 7), now=now)
    db.session.query(RollupMark).delete()   # without a mark: every day compared, nothing stale
    assert days_to_roll_up(now.date()) == []
    assert after["series"]["active_members"][1] in (before["series"]["active_members"][1],
                                                    before["series"]["active_members"][1] + 1)


def test_a_sign_up_week_read_from_member_weeks_counts_only_activity_from_the_sign_up_day(session):
    regular = make_user(created_at=T(2030, 2, 1))
    day = D(2030, 3, 4)
    while day <= D(2030, 3, 31):
        record_event("visit", regular, occurred_at=T(day.year, day.month, day.day, 1))
        day += dt.timedelta(days=1)
    early = make_user(created_at=T(2030, 3, 13, 12))      # a Wednesday: active on the Tuesday before, then a week later
    record_event("visit", early, occurred_at=T(2030, 3, 12, 9))
    record_event("visit", early, occurred_at=T(2030, 3, 19, 9))
    late = make_user(created_at=T(2030, 3, 13, 8))        # the same Wednesday, active that Friday
    record_event("visit", late, occurred_at=T(2030, 3, 15, 9))
    db.session.commit()
    now = T(2030, 4, 1, 12)
    roll_up_events(now)
    db.session.commit()
    assert db.session.query(MemberWeek).filter(MemberWeek.week == D(2030, 3, 11)).count() > 0
    cohorts = queries.health_report(D(2030, 3, 4), D(2030, 3, 31), now=now)["metrics"]["retention_cohorts"]
    assert cohorts == [{"cohort": "2030-03-11", "size": 2, "retained": [0.5, 0.5, 0.0]}]


def test_member_weeks_carry_the_sign_up_monday_except_before_the_sign_up_day(session):
    _weeks_of_activity(5)
    early = db.session.query(MemberWeek.user_id).filter(MemberWeek.user_id.isnot(None)).count()
    assert early == 0   # nothing rolled up yet
    roll_up_events(T(2030, 4, 8, 12))
    db.session.commit()
    from forum.accounts.models import User

    member = db.session.query(User).filter(User.created_at == T(2030, 3, 13, 12)).one()
    rows = {(r.week, r.category_id): r.signup_week for r in db.session.query(MemberWeek).filter_by(user_id=member.id)}
    assert rows[(D(2030, 3, 11), ALL_CATEGORIES)] is None          # active on the Tuesday before the Wednesday sign-up
    assert rows[(D(2030, 3, 18), ALL_CATEGORIES)] == D(2030, 3, 11)
    joined = {u.id: u.created_at.date() for u in db.session.query(User)}
    for r in db.session.query(MemberWeek):
        monday = joined[r.user_id] - dt.timedelta(days=joined[r.user_id].weekday())
        before = r.week == monday and r.last_day < joined[r.user_id]
        assert r.signup_week == (None if before else monday)


def test_periods_reaching_the_last_roll_up_read_the_members_last_days_and_give_the_raw_numbers(session):
    _weeks_of_activity(4)
    now = T(2030, 4, 8, 12)
    cases = [(start, end, category) for start in (D(2030, 3, 4), D(2030, 3, 13), D(2030, 4, 3))
             for end in (D(2030, 4, 7), D(2030, 4, 8)) for category in (None, 7, 8)]
    raw = [queries.health_report(start, end, category, now=now) for start, end, category in cases]
    roll_up_events(now)
    db.session.commit()
    lasts = db.session.query(MemberLast).filter(MemberLast.category_id == ALL_CATEGORIES).all()
    assert lasts and all(last.last_day <= D(2030, 4, 7) for last in lasts)
    for (start, end, category), expected in zip(cases, raw):
        assert _numbers(queries.health_report(start, end, category, now=now)) == _numbers(expected), (start, end)


def test_a_late_contribution_moves_the_members_last_contribution_day(session):
    users = _weeks_of_activity(5)
    now = T(2030, 4, 8, 12)
    roll_up_events(now)
    db.session.commit()
    before = queries.health_report(D(2030, 3, 25), D(2030, 4, 8), None, now=now)["metrics"]
    quiet = make_user(created_at=T(2030, 3, 1))
    record_event("answer", quiet, occurred_at=T(2030, 3, 27, 10), category_id=7)   # logged late, after the roll-up
    db.session.commit()
    roll_up_events(now)
    db.session.commit()
    last = db.session.query(MemberLast).filter_by(user_id=quiet.id, category_id=ALL_CATEGORIES).one()
    assert (last.last_day, last.last_contribution_day) == (D(2030, 3, 27), D(2030, 3, 27))
    after = queries.health_report(D(2030, 3, 25), D(2030, 4, 8), None, now=now)["metrics"]
    assert after["contributors"] == before["contributors"] + 1
    assert users  # the five weeks' members are there too
