"""Property: whatever votes, accepts, withdrawals and removals happen, every member's points equal
the sum of their ledger entries and no positive vote entry crosses the daily cap."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum import db
from forum.accounts.models import User
from forum.errors import DomainError
from forum.qa.actions import accept_answer, cast_vote, delete_answer, delete_question, unaccept_answer
from forum.rewards import rules
from forum.rewards.models import PointEntry
from tests.factories import answer, ask, make_user

CAP = 20


@pytest.fixture
def app_config():
    return {"DAILY_VOTE_POINTS_CAP": CAP}


N_MEMBERS, N_ANSWERS = 6, 8
vote = st.tuples(st.just("vote"), st.integers(0, N_MEMBERS - 1), st.integers(0, 1 + N_ANSWERS),
                 st.sampled_from([1, 1, -1, 0]))
other = st.one_of(
    st.tuples(st.just("accept"), st.integers(0, N_ANSWERS - 1)),
    st.tuples(st.just("unaccept"), st.integers(0, N_ANSWERS - 1)),
    st.tuples(st.just("delete_answer"), st.integers(0, N_ANSWERS - 1)),
    st.tuples(st.just("delete_question"), st.integers(0, 1)),
    st.tuples(st.just("later"), st.integers(1, 8)),
)
# three votes in four, so that the daily cap is reached
operation = st.tuples(st.integers(0, 3), vote, other).map(lambda t: t[2] if t[0] == 0 else t[1])


def _check_invariants(members: list[User]) -> None:
    for member in members:
        db.session.refresh(member, ["points"])
        rows = list(db.session.scalars(sa.select(PointEntry).where(PointEntry.user_id == member.id)
                                       .order_by(PointEntry.id)))
        assert member.points == sum(e.delta for e in rows)
        net: dict[dt.date, int] = defaultdict(int)
        reversed_ids = [e.reverses for e in rows if e.reverses is not None]
        assert len(reversed_ids) == len(set(reversed_ids))  # each entry compensated at most once
        by_id = {e.id: e for e in rows}
        for e in rows:
            if e.reverses is not None:
                assert e.delta == -by_id[e.reverses].delta and e.reason == by_id[e.reverses].reason
            if e.reason not in rules.CAPPED_REASONS:
                continue
            day = e.created_at.date()
            full = rules.points_for(e.reason)
            if e.reverses is None and full > 0:
                assert e.delta == max(0, min(full, CAP - net[day]))
                assert net[day] + e.delta <= max(CAP, net[day])
            net[day] += e.delta


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=10, max_size=50))
def test_points_always_equal_the_ledger_and_respect_the_cap(session, freeze, ops):
    now = dt.datetime(2026, 11, 23, 20, 0)
    freeze(now)
    members = [make_user(roles=("moderator",)) for _ in range(N_MEMBERS)]  # every privilege, 0 points
    questions = [ask(members[0], "First question here"), ask(members[1], "Second question here")]
    answers = [answer(members[1 + i % 2], questions[i % 2], f"Answer {i}") for i in range(N_ANSWERS)]
    posts = questions + answers
    for op in ops:
        try:
            with db.session.begin_nested():
                if op[0] == "vote":
                    cast_vote(members[op[1]], posts[op[2]], op[3])
                elif op[0] == "accept":
                    a = answers[op[1]]
                    accept_answer(db.session.get(User, a.question.author_id), a)
                elif op[0] == "unaccept":
                    a = answers[op[1]]
                    unaccept_answer(db.session.get(User, a.question.author_id), a)
                elif op[0] == "delete_answer":
                    delete_answer(members[0], answers[op[1]])
                elif op[0] == "delete_question":
                    delete_question(members[0], questions[op[1]])
                else:
                    now += dt.timedelta(hours=op[1])
                    freeze(now)
        except DomainError:
            pass
    _check_invariants(members)
    db.session.rollback()
