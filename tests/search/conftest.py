"""Search test helpers: which questions a search returns."""

from __future__ import annotations

from typing import Any


def found(viewer: Any, q: str, **kw: Any) -> list[int]:
    """The question ids a search returns for the viewer, in order."""
    from forum.search.queries import search

    return [h.id for h in search(viewer, q, **kw).items if h.type == "question"]
