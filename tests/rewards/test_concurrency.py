"""Concurrent votes on PostgreSQL: no vote is lost, points equal the ledger, the cap holds."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.qa.actions import cast_vote
from forum.qa.models import Answer, Vote
from forum.rewards.models import PointEntry
from tests.factories import answer, ask, make_user


def _vote_in_threads(app, voter_ids, answer_ids, value_of):
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(voter_ids))

    def run(voter_id, answer_id):
        try:
            with app.app_context():
                voter = db.session.get(User, voter_id)
                post = db.session.get(Answer, answer_id)
                barrier.wait()
                cast_vote(voter, post, value_of(voter_id))
                db.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(v, a)) for v, a in zip(voter_ids, answer_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


def _ledger_sum(user_id):
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0))
                             .where(PointEntry.user_id == user_id))


def test_concurrent_votes_on_one_answer(app, backend):
    if backend != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    with app.app_context():
        author = make_user()
        a = answer(author, ask(make_user()))
        voters = [make_user(points=500) for _ in range(16)]
        db.commit()
        author_id, answer_id, voter_ids = author.id, a.id, [v.id for v in voters]
    down = set(voter_ids[:4])
    _vote_in_threads(app, voter_ids, [answer_id] * 16, lambda v: -1 if v in down else 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 16
        assert db.session.get(Answer, answer_id).score == 12 - 4
        author = db.session.get(User, author_id)
        assert author.points == _ledger_sum(author_id) == 12 * 10 - 4 * 2
        for voter_id in voter_ids:
            assert db.session.get(User, voter_id).points - 500 == _ledger_sum(voter_id) == (-1 if voter_id in down else 0)


def test_concurrent_votes_respect_the_daily_cap(app, backend):
    if backend != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    with app.app_context():
        author = make_user()
        q = ask(make_user())
        answers = [answer(author, q, f"Answer {i}") for i in range(3)]
        voters = [make_user(points=500) for _ in range(24)]
        db.commit()
        author_id, answer_ids, voter_ids = author.id, [x.id for x in answers], [v.id for v in voters]
    _vote_in_threads(app, voter_ids, [answer_ids[i % 3] for i in range(24)], lambda v: 1)
    with app.app_context():
        author = db.session.get(User, author_id)
        assert author.points == _ledger_sum(author_id) == 200
        deltas = sorted(db.session.scalars(sa.select(PointEntry.delta).where(PointEntry.user_id == author_id)))
        assert deltas == [0] * 4 + [10] * 20
