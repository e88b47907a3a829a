"""Accounts keeps the member's own row up to date from what other parts report (docs/architecture.md, the rules of the house)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from forum.accounts import actions
from forum.events import DomainEvent, on


@on(DomainEvent.USER_VISITED)
def on_user_visited(session: Session, *, user: Any, at: dt.datetime, **_: Any) -> None:
    """`last_seen_at`, and an invite code for a member who has none, written on the visit's own
    side-write session."""
    actions.record_last_seen(session, user.id, at)
    actions.give_invite_code(session, user)


@on(DomainEvent.POINTS_MOVED)
def on_points_moved(_session: Session, *, user_id: int, delta: int, **_: Any) -> None:
    """`users.points` follows the ledger (docs/rules.md: a member's points are the sum of their entries)."""
    actions.move_points(user_id, delta)


@on(DomainEvent.AMBASSADOR_APPOINTED)
def on_ambassador_appointed(_session: Session, *, user: Any, **_: Any) -> None:
    """The member holds the ambassador title while a term runs (rewards keeps the terms)."""
    actions.record_ambassador_status(user, True)


@on(DomainEvent.AMBASSADOR_ENDED)
def on_ambassador_ended(_session: Session, *, user: Any, **_: Any) -> None:
    """Revoked, lapsed or expired: the member is no longer an ambassador."""
    actions.record_ambassador_status(user, False)
