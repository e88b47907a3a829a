"""Engagement subscribes to the other parts' domain events and appends to the event log: inside the
same transaction for changes (so a rolled-back action leaves no event), through ``db.side_write``
for what happens while a page is only read (a visit, a search, the ask flow), and in bulk for the
page views the tick flushes from their buffer (a page view never writes on the request path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from forum.engagement.actions import (anonymize_member_events, record_event, record_read_event, record_views,
                                      record_visit)
from forum.engagement.queries import category_of
from forum.engagement.rules import EVENT_KINDS, EVENT_VALUES, LOGGED_WHEN_PUBLISHED, MODERATION_VALUES
from forum.events import DomainEvent, declared, on, subscribe


def _category(payload: dict[str, Any], subject: Any) -> int | None:
    """The question's category (in the payload), else the subject's own (an idea, a survey answer),
    else the category of the content the payload names (a vote's post, a flag's content)."""
    question = payload.get("question")
    if question is not None:
        return getattr(question, "category_id", None)
    if subject is not None and not isinstance(subject, int) and hasattr(subject, "category_id"):
        return subject.category_id
    if "content_type" in payload:
        return category_of(payload.get("content_type"), payload.get("content_id"))
    if "post_type" in payload:
        return category_of(str(payload.get("post_type")), payload.get("post_id"))
    return None


def _value(domain_event: DomainEvent, payload: dict[str, Any], subject: Any) -> float | None:
    source = EVENT_VALUES.get(domain_event)
    if source is None:
        return None
    where, name = source
    value = payload.get(name) if where == "payload" else getattr(subject, name, None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _subscriber(domain_event: str, kind: str, subject_key: str, subject_type: str) -> Any:
    def on_event(_sender: Any, **payload: Any) -> None:
        post_key = LOGGED_WHEN_PUBLISHED.get(declared(domain_event))
        if post_key is not None and str(getattr(payload.get(post_key), "status", "published")) != "published":
            return
        actor = payload.get("user") or payload.get("voter")
        subject = payload.get(subject_key)
        subject_id = subject if isinstance(subject, int) else getattr(subject, "id", None)
        subject_type_value = payload.get("post_type") if subject_type == "post" else subject_type
        record_event(kind, actor, subject_type=str(subject_type_value) if subject_type_value else None,
                     subject_id=subject_id, category_id=_category(payload, subject), value=_value(declared(domain_event), payload, subject))

    on_event.__name__ = f"log_{domain_event}"
    return on_event


for _name, (_kind, _key, _type) in EVENT_KINDS.items():
    subscribe(_name, _subscriber(_name, _kind, _key, _type))


@on(DomainEvent.USER_SIGNED_UP)
def log_invite_accepted(_session: Session, *, user: Any, **_: Any) -> None:
    """`invite_accepted`: the new member came through an invite; the subject is the inviter."""
    inviter = getattr(user, "invited_by_id", None)
    if inviter is not None:
        record_event("invite_accepted", user, subject_type="user", subject_id=inviter)


def _log_decision(domain_event: DomainEvent) -> Any:
    def on_decision(_session: Session, *, item: Any, actor: Any = None, **_: Any) -> None:
        record_event("moderation", actor, subject_type=item.content_type, subject_id=item.content_id,
                     category_id=category_of(item.content_type, item.content_id),
                     value=MODERATION_VALUES[domain_event])

    on_decision.__name__ = f"log_{domain_event}"
    return on_decision


for _decision in MODERATION_VALUES:
    subscribe(_decision, _log_decision(_decision))


@on(DomainEvent.QUESTION_VIEWS_FLUSHED)
def log_question_views(_session: Session, *, views: list[dict[str, Any]], **_: Any) -> None:
    """`view_question` events for the page views the tick flushed, in one bulk insert."""
    record_views(views)


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


@on(DomainEvent.MEMBER_DELETED)
def anonymize_deleted_member(_session: Session, *, user_id: int, **_: Any) -> None:
    anonymize_member_events(user_id)
