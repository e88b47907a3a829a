"""`forum generate` keeps the ledger: every generated member's points equal their entries."""

from __future__ import annotations

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.generate import Plan, generate
from forum.qa.models import Question, Vote
from forum.rewards.models import PointEntry


def test_generated_points_equal_the_ledger_and_respect_the_cap(session, app):
    app.config["DAILY_VOTE_POINTS_CAP"] = 30
    generate(Plan(members=15, questions=40, answers=120, comments=0, seed=5))
    db.session.expire_all()
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
    vote_entries = db.session.scalar(sa.select(sa.func.count(sa.distinct(PointEntry.vote_id))))
    assert votes > 0 and vote_entries == votes
    accepted = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.accepted_answer_id.is_not(None)))
    assert db.session.scalar(sa.select(sa.func.count()).where(PointEntry.reason == "answer_accepted")) == accepted
    for user in db.session.scalars(sa.select(User)):
        entries = list(db.session.scalars(sa.select(PointEntry).where(PointEntry.user_id == user.id)))
        assert user.points == sum(e.delta for e in entries)
        per_day: dict = {}
        for e in entries:
            if e.reason in ("question_upvoted", "answer_upvoted", "question_downvoted", "answer_downvoted"):
                per_day.setdefault(e.created_at.date(), []).append(e)
        for day_entries in per_day.values():
            net = 0
            for e in sorted(day_entries, key=lambda e: (e.created_at, e.vote_id)):
                if e.delta > 0:
                    assert net + e.delta <= 30
                net += e.delta
    generate(Plan(seed=6))  # a second run writes nothing twice
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(PointEntry.vote_id)))) == votes
