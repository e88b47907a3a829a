"""Engagement subscribes to the other parts' domain events and appends to the event log: inside the
same transaction for changes (so a rolled-back action leaves no event), through ``db.side_write``
for what happens while a page is only read (a visit, a search, the ask flow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from forum.engagement.actions import record_event, record_read_event, record_visit
from forum.engagement.rules import EVENT_KINDS, LOGGED_WHEN_PUBLISHED
from forum.events import DomainEvent, declared, on, subscribe


def _subscriber(domain_event: str, kind: str, subject_key: str, subject_type: str) -> Any:
    def on_event(_sender: Any, **payload: Any) -> None:
        post_key = LOGGED_WHEN_PUBLISHED.get(declared(domain_event))
        if post_key is not None and str(getattr(payload.get(post_key), "status", "published")) != "published":
            return
        actor = payload.get("user") or payload.get("voter")
        subject = payload.get(subject_key)
        subject_id = subject if isinstance(subject, int) else getattr(subject, "id", None)
        if subject_type == "post":
            subject_type_value = payload.get("post_type")
        else:
            subject_type_value = subject_type
        question = payload.get("question")
        category_id = getattr(question, "category_id", None) if question is not None else None
        record_event(kind, actor, subject_type=subject_type_value, subject_id=subject_id, category_id=category_id)

    on_event.__name__ = f"log_{domain_event}"
    return on_event


for _name, (_kind, _key, _type) in EVENT_KINDS.items():
    subscribe(_name, _subscriber(_name, _kind, _key, _type))


@on(DomainEvent.USER_VISITED)
def log_visit(session: Session, *, user: Any, at: dt.datetime, **_: Any) -> None:
    """The `visit` event, on the visit's own side-write session."""
    record_visit(session, user, at)


@on(DomainEvent.SEARCHED)
def log_search(_session: Session, *, user: Any, category_id: int | None, total: int, **_: Any) -> None:
    record_read_event("search", user, subject_type="search", category_id=category_id, value=float(total))


@on(DomainEvent.ASK_PAGE_OPENED)
def log_ask_started(_session: Session, *, user: Any, **_: Any) -> None:
    record_read_event("ask_started", user)


@on(DomainEvent.ASK_STEP_REPORTED)
def log_ask_step(_session: Session, *, user: Any, kind: str, question_id: int | None = None, **_: Any) -> None:
    """`ask_started`, `ask_suggestion_clicked` or `ask_abandoned_after_suggestion` (docs/rules.md:
    self-service deflection), the kinds search.rules.ASK_EVENT_KINDS lets through."""
    record_read_event(kind, user, subject_type="question" if question_id else None, subject_id=question_id)
