"""Search's periodic job for `flask forum tick`: applying the queued index updates (docs/rules.md: Run
modes; docs/api.md: Command line)."""

from __future__ import annotations

import datetime as dt

from forum.search import semantic
from forum.search.actions import catch_up
from forum.tick import periodic


@periodic("search_index")
def search_index_job(_now: dt.datetime) -> str:
    """Apply the search outbox (rebuilding the index if it is missing); then embed a batch of
    documents that have no semantic vector yet (semantic.fill_missing)."""
    done = catch_up()
    embedded = semantic.fill_missing()
    vectors = f"; {embedded} vectors embedded" if embedded else ""
    if "reindexed" in done:
        return f"rebuilt the index ({done['reindexed']} documents){vectors}"
    return f"{done['applied']} index updates{vectors}"
