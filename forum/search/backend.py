"""Which keyword index search uses: Whoosh files beside the app, or PostgreSQL full text.

The SEARCH_BACKEND setting (env FORUM_SEARCH_BACKEND; docs/rules.md: Search):

- ``auto`` (the default): ``postgres`` when the database is PostgreSQL, ``whoosh`` otherwise, so
  that several app servers sharing one PostgreSQL database share one index too;
- ``whoosh``: the embedded index in SEARCH_DIR (one machine; on PostgreSQL too, if wanted);
- ``postgres``: the index in the database (search.pgindex, search.pgquery); on any other
  database start-up stops with a message saying so.

Both backends parse a query the same way (queries.parse_query), widen it the same way
(search.expand) and rank alike (BM25F, summed over the words matched), so the query language means
the same on both. The semantic retriever's vectors live in the database for both.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from forum.search import rules

EXTENSION = "forum.search_backend"


def resolve(setting: Any, dialect: str) -> str:
    """The backend for a SEARCH_BACKEND value and a database dialect; ValueError when impossible."""
    value = str(setting or "auto").strip().lower()
    if value not in rules.BACKENDS:
        raise ValueError(f"SEARCH_BACKEND is {setting!r}: it must be one of {', '.join(rules.BACKENDS)}.")
    if value == "auto":
        return "postgres" if dialect == "postgresql" else "whoosh"
    if value == "postgres" and dialect != "postgresql":
        raise ValueError(
            f"SEARCH_BACKEND is 'postgres' but the database is {dialect}: the PostgreSQL search backend "
            "keeps its index in a PostgreSQL database. Set DATABASE_URL to PostgreSQL, or "
            "FORUM_SEARCH_BACKEND to 'whoosh' (or 'auto') for the embedded index.")
    return value


def init_app(app: Flask, error: type[Exception]) -> None:
    """Decide the backend at start-up (``error``: the app's ConfigError)."""
    dialect = app.extensions["forum.engine"].dialect.name
    try:
        app.extensions[EXTENSION] = resolve(app.config.get("SEARCH_BACKEND"), dialect)
    except ValueError as exc:
        raise error(str(exc)) from None


def name(app: Flask | None = None) -> str:
    """"whoosh" or "postgres", for the current app."""
    app = app or current_app
    chosen = app.extensions.get(EXTENSION)
    if chosen is None:  # an app made without the search part's init (never in the product)
        chosen = resolve(app.config.get("SEARCH_BACKEND"), app.extensions["forum.engine"].dialect.name)
        app.extensions[EXTENSION] = chosen
    return chosen


def postgres() -> bool:
    return name() == "postgres"
