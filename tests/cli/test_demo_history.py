"""The demo's months of activity history (forum/demo/history.py, the loader's last step): visits,
question views, searches and ask-flow steps of the demo members, in the generator's shape, the
quiet organization falling silent, deterministic and rolled up; the demo stays idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import Organization, User
from forum.demo.history import HISTORY_DAYS, HISTORY_EVENTS, QUIET_ORGANIZATIONS
from forum.demo.load import load_demo
from forum.demo.people import ORGANIZATIONS
from forum.engagement.actions import days_to_roll_up
from forum.engagement.models import Event
from forum.qa.models import Question
from tests.conftest import demo_password_hashes, load_demo_once

NOW = dt.datetime(2027, 3, 1, 12, 0)
ACTIVITY = ("visit", "view_question", "search", "ask_started", "ask_suggestion_clicked",
            "ask_abandoned_after_suggestion")


# The demo is loaded once per backend for the module's tests (tests/conftest.py `module_app`); the
# second test then empties every table and loads it again, to compare.
@pytest.fixture(scope="module")
def loaded(module_app):
    return load_demo_once(module_app, NOW)


@pytest.fixture
def app(module_app):
    return module_app


@pytest.fixture
def demo(module_app, loaded, monkeypatch):
    demo_password_hashes(monkeypatch)
    with module_app.app_context():
        yield loaded


def _activity():
    return [tuple(r) for r in db.session.execute(
        sa.select(Event.occurred_at, Event.user_id, Event.organization_id, Event.category_id, Event.kind,
                  Event.subject_id).where(Event.kind.in_(ACTIVITY)).order_by(Event.id))]


def test_the_demo_has_months_of_activity_in_the_generators_shape(demo):
    rows = _activity()
    assert len(rows) >= HISTORY_EVENTS and demo.counts["history events"] == HISTORY_EVENTS
    assert min(r[0] for r in rows) >= NOW - dt.timedelta(days=HISTORY_DAYS)
    assert max(r[0] for r in rows) <= NOW
    kinds = Counter(r[4] for r in rows)
    assert min(kinds["visit"], kinds["view_question"]) > kinds["search"] > kinds["ask_started"] > 0
    members = dict(tuple(r) for r in db.session.execute(sa.select(User.id, User.organization_id)))
    joined = dict(tuple(r) for r in db.session.execute(sa.select(User.id, User.created_at)))
    questions = dict(tuple(r) for r in db.session.execute(sa.select(Question.id, Question.category_id)))
    for when, user, org, category, kind, subject in rows:
        if user is not None:
            assert org == members[user] and when >= joined[user]
        if kind == "view_question":
            assert category == questions[subject]
    weekday = Counter(r[0].weekday() for r in rows)
    assert sum(weekday[d] for d in range(5)) / 5 > 1.5 * sum(weekday[d] for d in (5, 6)) / 2
    assert days_to_roll_up(NOW.date()) == []  # rolled up, as forum tick would

    # the quiet organization falls silent
    names = {key: name for key, name, *_ in ORGANIZATIONS}
    for key, days_ago in QUIET_ORGANIZATIONS:
        org_id = db.session.scalar(sa.select(Organization.id).where(Organization.name == names[key]))
        since = NOW - dt.timedelta(days=days_ago)
        per_day = Counter()
        for (when,) in db.session.execute(sa.select(Event.occurred_at).where(
                Event.organization_id == org_id, Event.kind.in_(ACTIVITY))):
            per_day["after" if when >= since else "before"] += 1
        before_days = HISTORY_DAYS - days_ago
        assert per_day["before"] > 0
        assert per_day["after"] / days_ago < 0.3 * per_day["before"] / before_days


def test_the_history_is_deterministic_and_the_demo_idempotent(app, demo):
    first = _activity()
    assert load_demo() is None and _activity() == first  # loaded once
    db.rollback()
    for table in reversed(db.Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.commit()
    assert load_demo() is not None
    assert [r[0] for r in _activity()] == [r[0] for r in first]
    assert Counter(r[4] for r in _activity()) == Counter(r[4] for r in first)
