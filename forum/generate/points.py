"""`forum generate`: the points ledger of the generated votes and accepts (run after the Q&A
generator), so that every generated member's points equal the sum of their entries.

Bulk-written, applying the same rules as the subscribers: one entry per recipient, a down-vote
on an answer costs the voter, the daily vote cap (per member and UTC day, on the net total, in
vote order), accepting your own answer earns nothing. Badges are left to
`forum badges --backfill`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask import current_app

from forum import db
from forum.accounts.models import User
from forum.generate.run import Run, insert_rows
from forum.qa.models import Answer, Question, Vote
from forum.rewards import rules
from forum.rewards.models import PointEntry


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _vote_net_by_day(user_ids: set[int]) -> dict[tuple[int, dt.date], int]:
    """The net vote points already in the ledger per (member, UTC day)."""
    if not user_ids:
        return {}
    day = sa.func.date(PointEntry.created_at)
    rows = db.session.execute(sa.select(PointEntry.user_id, day, sa.func.sum(PointEntry.delta))
                              .where(PointEntry.reason.in_(rules.CAPPED_REASONS), PointEntry.user_id.in_(user_ids))
                              .group_by(PointEntry.user_id, day))
    return {(u, _day(d)): int(total) for u, d, total in rows}


def generate_points(run: Run) -> None:
    """Ledger entries for votes and accepts that have none yet; then `users.points` moves by them."""
    cap = int(current_app.config["DAILY_VOTE_POINTS_CAP"])
    logged_votes = sa.select(PointEntry.vote_id).where(PointEntry.vote_id.is_not(None))
    votes = db.session.execute(
        sa.select(Vote.id, Vote.user_id, Vote.post_type, Vote.post_id, Vote.post_author_id, Vote.value,
                  Vote.created_at).where(Vote.id.not_in(logged_votes), Vote.user_id != Vote.post_author_id)
        .order_by(Vote.created_at, Vote.id)).all()
    paid = sa.select(PointEntry.subject_id).where(PointEntry.subject_type == "answer",
                                                  PointEntry.reason == rules.ACCEPT_ANSWERER)
    accepts = db.session.execute(
        sa.select(Answer.id, Answer.author_id, Question.author_id, Question.last_activity_at)
        .join(Question, Question.accepted_answer_id == Answer.id)
        .where(Answer.author_id != Question.author_id, Answer.id.not_in(paid))).all()
    net = _vote_net_by_day({v.post_author_id for v in votes})
    rows: list[dict[str, Any]] = []
    totals: dict[int, int] = defaultdict(int)

    def add(user_id: int, delta: int, reason: str, subject_type: str, subject_id: int, when: dt.datetime,
            vote_id: int | None = None, actor_id: int | None = None) -> None:
        rows.append({"user_id": user_id, "delta": delta, "reason": reason, "subject_type": subject_type,
                     "subject_id": subject_id, "reverses": None, "vote_id": vote_id, "stage": None,
                     "actor_id": actor_id, "created_at": when})
        totals[user_id] += delta

    for v in votes:
        post_type = str(getattr(v.post_type, "value", v.post_type))
        received = rules.VOTE_RECEIVED.get((post_type, v.value))
        if received:
            amount = rules.points_for(received)
            key = (v.post_author_id, v.created_at.date())
            if amount > 0:
                amount = max(0, min(amount, cap - net.get(key, 0)))
            net[key] = net.get(key, 0) + amount
            add(v.post_author_id, amount, received, post_type, v.post_id, v.created_at, v.id, v.user_id)
        cast = rules.VOTE_CAST.get((post_type, v.value))
        if cast:
            add(v.user_id, rules.points_for(cast), cast, post_type, v.post_id, v.created_at, v.id, v.user_id)
    for answer_id, answerer, asker, when in accepts:
        add(answerer, rules.points_for(rules.ACCEPT_ANSWERER), rules.ACCEPT_ANSWERER, "answer", answer_id, when,
            actor_id=asker)
        add(asker, rules.points_for(rules.ACCEPT_ASKER), rules.ACCEPT_ASKER, "answer", answer_id, when,
            actor_id=asker)
    run.count("point entries", insert_rows(PointEntry.__table__, rows))
    users = User.__table__
    changes = [{"uid": user_id, "delta": delta} for user_id, delta in sorted(totals.items()) if delta]
    if changes:
        db.session.execute(users.update().where(users.c.id == sa.bindparam("uid"))
                           .values(points=users.c.points + sa.bindparam("delta")), changes)
