"""Serial voting (docs/rules.md: Points): rewards finds it, Q&A — which owns the votes — removes them,
and the ledger compensates each removal exactly once (through `vote_withdrawn`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from forum.events import DomainEvent, subscribe, unsubscribe
from forum.qa.actions import cast_vote
from forum.qa.models import Vote
from forum.rewards.actions import reverse_serial_votes
from forum.rewards.models import PointEntry
from tests.factories import ask, make_user
from tests.rewards.conftest import deltas, ledger_total, points_now, voter

NOW = dt.datetime(2026, 11, 23, 12, 0)


def test_rewards_announces_serial_voting_and_qa_removes_the_votes(session, freeze):
    freeze(NOW - dt.timedelta(hours=1))
    target, serial = make_user(), voter()
    for i in range(11):
        cast_vote(serial, ask(target, f"Question number {i}"), 1)
    freeze(None)
    found: list[dict[str, Any]] = []
    withdrawn: list[int] = []

    def on_found(_session: Any, **payload: Any) -> None:
        found.append(payload)

    def on_withdrawn(_session: Any, *, vote_id: int, **_: Any) -> None:
        withdrawn.append(vote_id)

    subscribe(DomainEvent.SERIAL_VOTING_FOUND, on_found)
    subscribe(DomainEvent.VOTE_WITHDRAWN, on_withdrawn)
    try:
        assert reverse_serial_votes(NOW) == 11
        assert reverse_serial_votes(NOW) == 0  # nothing left to find
    finally:
        unsubscribe(DomainEvent.SERIAL_VOTING_FOUND, on_found)
        unsubscribe(DomainEvent.VOTE_WITHDRAWN, on_withdrawn)
    assert [(f["voter_id"], f["post_author_id"], f["until"]) for f in found] == [(serial.id, target.id, NOW)]
    assert len(withdrawn) == len(set(withdrawn)) == 11
    assert session.scalar(sa.select(sa.func.count(Vote.id)).where(Vote.user_id == serial.id)) == 0
    compensations = session.scalar(sa.select(sa.func.count(PointEntry.id)).where(
        PointEntry.user_id == target.id, PointEntry.reverses.is_not(None)))
    assert compensations == 11  # one compensating entry per removed vote, no more
    assert deltas(target) == [5] * 11 + [-5] * 11
    assert points_now(target) == ledger_total(target) == 0
