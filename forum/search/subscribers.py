"""Search follows the database through the domain events (docs/architecture.md, the rules of the house).

Inside the transaction, each event that changes an indexed document queues it in the outbox
(documents.DocumentSource.events says which events and which payload key); after the outermost
commit, the index is brought up to date with a session of its own (``db.session`` is already
committed), and any failure only leaves the rows for `forum tick` — posting never fails because
of search.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from forum.events import subscribe
from forum.search.actions import queue_document, try_apply_outbox
from forum.search.documents import SOURCES

_RECEIVERS: dict[str, Any] = {}  # one receiver per (document type, event)


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
            subscribe(event, receiver)
            subscribe(event, on_after_commit, after_commit=True)


def init_app(app: Flask) -> None:
    from forum import ConfigError
    from forum.search import backend

    backend.init_app(app, ConfigError)  # SEARCH_BACKEND: postgres on a SQLite database stops start-up here
    connect()
    from forum.search.analysis import add_words
    from forum.search.expand import synonym_groups

    # the synonym table's Chinese entries are whole words for the segmenter, when indexing too
    add_words([entry for group in synonym_groups(app.config) for entry in group])
    from forum.search.queries import search_healthy

    app.extensions["forum.search_health"] = search_healthy
