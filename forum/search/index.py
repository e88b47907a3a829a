"""The Whoosh index in ``SEARCH_DIR`` (FORUM_SEARCH_DIR): its schema, opening it and its writer.

Whoosh allows one writer at a time per index directory (a file lock); every process that writes
takes that lock with a timeout (``writer()``), so several server processes never corrupt the
index and a busy lock is a delay, not an error (the update stays in the outbox, actions.py).
"""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from forum.search.analysis import ForumAnalyzer

INDEX_NAME = "forum"


def make_schema() -> Schema:
    analyzer = ForumAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True),
        doc_id=NUMERIC(int, bits=64, stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        answers=TEXT(analyzer=analyzer, stored=True),
        tags=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        tagtext=TEXT(analyzer=analyzer),
        category=ID(stored=True),
        solved=BOOLEAN(stored=True),
        created=DATETIME(stored=True, sortable=True),
    )


SCHEMA = make_schema()


def search_dir() -> str:
    return current_app.config["SEARCH_DIR"]


def exists() -> bool:
    path = search_dir()
    return os.path.isdir(path) and whoosh_index.exists_in(path, indexname=INDEX_NAME)


def open_index(create: bool = True) -> Any:
    """The index, created empty on first use; raises OSError/whoosh errors when unavailable."""
    path = search_dir()
    if exists():
        return whoosh_index.open_dir(path, indexname=INDEX_NAME)
    if not create:
        raise whoosh_index.EmptyIndexError(f"No search index in {path}.")
    os.makedirs(path, exist_ok=True)
    return whoosh_index.create_in(path, SCHEMA, indexname=INDEX_NAME)


def writer(ix: Any, timeout: float, **kwargs: Any) -> Any:
    """The index writer, waiting up to `timeout` seconds for another writer's lock (LockError)."""
    return ix.writer(timeout=timeout, delay=0.05, **kwargs)


def writable() -> bool:
    """Whether the index exists (it is created empty if missing) and its directory accepts writes."""
    path = search_dir()
    try:
        open_index(create=True)
    except Exception:  # noqa: BLE001 - any failure means the index is unavailable
        return False
    probe = os.path.join(path, f".probe-{os.getpid()}")
    try:
        with open(probe, "w") as fh:
            fh.write("ok")
        os.remove(probe)
    except OSError:
        return False
    return True
