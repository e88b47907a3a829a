"""Search follows the database through the domain events (STYLE.md rule 5).

Inside the transaction, each event that changes an indexed document queues it in the outbox
(documents.DocumentSource.events says which events and which payload key); after commit, the
index is brought up to date with a session of its own (``db.session`` is already committed),
and any failure only leaves the rows for `forum tick` — posting never fails because of search.

``content_status_changed`` (moderation: holds, releases, rejections, hides) names its content
either as an object (``content=`` or ``post=``; ``question=``, ``idea=``) or by
``content_type``/``content_id``; an answer's change re-indexes its question.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from forum.events import signal
from forum.search.actions import queue_document, try_apply_outbox
from forum.search.documents import SOURCES, register_ideas

STATUS_EVENT = "content_status_changed"

_RECEIVERS: dict[str, Any] = {}  # blinker holds weak references: keep the receivers alive


def _ident(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return getattr(value, "id", None)


def _queue_for(doc_type: str, key: str) -> Any:
    def on_event(session: Any, **payload: Any) -> None:
        doc_id = _ident(payload.get(key))
        if doc_id is not None:
            queue_document(session, doc_type, doc_id)

    return on_event


def _question_of_answer(session: Any, answer_id: int) -> int | None:
    from forum.qa.models import Answer

    return session.scalar(sa.select(Answer.question_id).where(Answer.id == answer_id))


def on_status_changed(session: Any, **payload: Any) -> None:
    """Moderation changed a post's status: re-index the document it belongs to."""
    from forum.qa.models import Answer, Question

    content = payload.get("content") or payload.get("post")
    content_type = str(payload.get("content_type") or "")
    content_id = _ident(payload.get("content_id"))
    if isinstance(content, Question):
        content_type, content_id = "question", content.id
    elif isinstance(content, Answer):
        content_type, content_id = "answer", content.id
    elif content is not None and not content_type:
        content_type, content_id = type(content).__name__.lower(), _ident(content)
    for key in ("question", "idea"):
        if payload.get(key) is not None and key in SOURCES:
            queue_document(session, key, _ident(payload[key]))  # type: ignore[arg-type]
    if content_id is None:
        return
    if content_type == "answer":
        question_id = _question_of_answer(session, content_id)
        if question_id is not None:
            queue_document(session, "question", question_id)
    elif content_type in SOURCES:
        queue_document(session, content_type, content_id)


def on_after_commit(_session: Any, **_payload: Any) -> None:
    try_apply_outbox()


def connect() -> None:
    """Subscribe to every event of every registered source (idempotent)."""
    for source in SOURCES.values():
        for event, key in source.events.items():
            name = f"{source.doc_type}:{event}"
            if name in _RECEIVERS:
                continue
            receiver = _queue_for(source.doc_type, key)
            _RECEIVERS[name] = receiver
            signal(event).connect(receiver)
            signal(event, after_commit=True).connect(on_after_commit)
    if STATUS_EVENT not in _RECEIVERS:
        _RECEIVERS[STATUS_EVENT] = on_status_changed
        signal(STATUS_EVENT).connect(on_status_changed)
        signal(STATUS_EVENT, after_commit=True).connect(on_after_commit)


def init_app(app: Flask) -> None:
    register_ideas()
    connect()
    from forum.search.queries import search_healthy

    app.extensions["forum.search_health"] = search_healthy
