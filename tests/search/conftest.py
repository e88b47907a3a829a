"""Search test helpers: which documents a search returns."""

from __future__ import annotations

from typing import Any

import pytest


def found(viewer: Any, q: str, **kw: Any) -> list[int]:
    """The question ids a search returns for the viewer, in order."""
    from forum.search.queries import search

    return [h.id for h in search(viewer, q, **kw).items if h.type == "question"]


@pytest.fixture
def find() -> Any:
    return found


@pytest.fixture
def session(ctx: Any) -> Any:
    """The test's session, inside a request context (other parts' actions translate messages)."""
    from forum import db

    with ctx.test_request_context():
        yield db.session
