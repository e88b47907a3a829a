"""The named domain events (DESIGN.md: the parts change each other through events).

Each event has two blinker signals: ``<name>`` is sent at once, inside the transaction, for
subscribers whose writes must commit or roll back with the change (the points ledger, the
engagement log); ``<name>:after_commit`` is sent once the transaction has committed, for side
effects (search index, e-mail). ``announce()`` sends the first and queues the second on the
session; the session hooks below send or drop the queue.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

signals = Namespace()

NAMES = (
    "user_signed_up",
    "user_visited",
    "roles_changed",
    "profile_updated",
    "question_asked",
    "question_edited",
    "question_deleted",
    "question_viewed",
    "answer_posted",
    "answer_edited",
    "answer_deleted",
    "comment_posted",
    "vote_cast",
    "vote_withdrawn",
    "answer_accepted",
    "answer_unaccepted",
    "answer_marked_official",
    "content_status_changed",
    "idea_submitted",
    "idea_published",
    "idea_stage_reached",
    "idea_decided",
    "idea_supported",
    "idea_support_withdrawn",
    "idea_merged",
    "idea_changed",
    "held_content_approved",
    "held_content_rejected",
)


def signal(name: str, after_commit: bool = False) -> Any:
    return signals.signal(f"{name}:after_commit" if after_commit else name)


def announce(session: Session, name: str, **payload: Any) -> None:
    """Send ``name`` now (in the transaction) and queue ``name:after_commit`` for after commit."""
    signal(name).send(session, **payload)
    session.info.setdefault("after_commit", []).append((name, payload))


@sa_event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    queued = session.info.pop("after_commit", [])
    for name, payload in queued:
        signal(name, after_commit=True).send(session, **payload)


@sa_event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)
