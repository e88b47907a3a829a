"""Search test helpers: which questions a search returns, and what the tests that break, lock,
lose or inspect the index do on each backend (Whoosh files, or PostgreSQL's tables)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


def found(viewer: Any, q: str, **kw: Any) -> list[int]:
    """The question ids a search returns for the viewer, in order."""
    from forum.search.queries import search

    return [h.id for h in search(viewer, q, **kw).items if h.type == "question"]


def on_postgres(app: Any) -> bool:
    from forum.search import backend

    return backend.name(app) == "postgres"


@contextmanager
def broken_index(app: Any) -> Iterator[None]:
    """Nothing can be written to the index inside (Whoosh: a read-only directory, or a file where
    the directory should be; PostgreSQL: its table is gone); repaired on leaving."""
    engine = app.extensions["forum.engine"]
    if on_postgres(app):
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE search_documents RENAME TO search_documents_away"))
        try:
            yield
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text("ALTER TABLE search_documents_away RENAME TO search_documents"))
        return
    path = app.config["SEARCH_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    if os.geteuid() != 0:  # as a normal user a read-only directory is the real-world case
        os.makedirs(path)
        os.chmod(path, 0o500)
    else:
        with open(path, "w") as fh:  # root writes anywhere: a file where the directory should be
            fh.write("not a directory")
    try:
        yield
    finally:
        if os.geteuid() != 0:
            os.chmod(path, 0o700)
            shutil.rmtree(path)
        else:
            os.remove(path)


@contextmanager
def write_lock_held(app: Any) -> Iterator[None]:
    """Another process holds the index's write lock inside."""
    if on_postgres(app):
        from forum.search import rules

        with app.extensions["forum.engine"].connect() as conn:
            with conn.begin():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": rules.PG_LOCK_KEY})
                yield
        return
    from forum.search.index import open_index

    held = open_index().writer()
    try:
        yield
    finally:
        held.cancel()


def index_generation(app: Any) -> int:
    """A number that every commit of the index moves by one."""
    if on_postgres(app):
        with app.extensions["forum.engine"].connect() as conn:
            return int(conn.scalar(sa.text("SELECT changed FROM search_terms WHERE field_name = '#gen'")) or 0)
    from forum.search.index import open_index

    return open_index().latest_generation()


def lose_index(app: Any) -> None:
    """The index is gone (Whoosh: its directory deleted; PostgreSQL: its rows deleted)."""
    if on_postgres(app):
        with app.extensions["forum.engine"].begin() as conn:
            conn.execute(sa.text("DELETE FROM search_documents"))
            conn.execute(sa.text("DELETE FROM search_terms"))
        return
    shutil.rmtree(app.config["SEARCH_DIR"])


def index_keys(app: Any) -> set[str]:
    """The keys ("question:12") of every document in the index."""
    if on_postgres(app):
        with app.extensions["forum.engine"].connect() as conn:
            return set(conn.scalars(sa.text("SELECT key FROM search_documents")))
    from forum.search.index import open_index

    with open_index().searcher() as s:
        return {f["key"] for f in s.all_stored_fields()}
