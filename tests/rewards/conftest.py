"""Rewards test helpers: members who may vote, posts, and reading a member's ledger."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import db
from forum.rewards.models import PointEntry
from tests.factories import make_user

VOTER_POINTS = 1000  # enough for up- and down-votes


def voter(**kw: Any) -> Any:
    return make_user(points=kw.pop("points", VOTER_POINTS), **kw)


def entries(user: Any) -> list[PointEntry]:
    """The member's entries, oldest first."""
    return list(db.session.scalars(sa.select(PointEntry).where(PointEntry.user_id == user.id).order_by(PointEntry.id)))


def deltas(user: Any) -> list[int]:
    return [e.delta for e in entries(user)]


def ledger_total(user: Any) -> int:
    return sum(deltas(user))


def points_now(user: Any) -> int:
    db.session.refresh(user, ["points"])
    return user.points
