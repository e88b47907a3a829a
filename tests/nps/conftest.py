"""Builders and fixtures for the NPS part's tests: a pinned clock and members of a chosen age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from forum import db
from tests import factories

T0 = dt.datetime(2026, 6, 15, 12, 0, 0)
DAY = dt.timedelta(days=1)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"FROZEN_NOW": T0}


@pytest.fixture
def ctx(app: Any) -> Iterator[Any]:
    """Actions run inside a request (as in views and the API): subscribers render translated strings."""
    with app.test_request_context():
        yield app


def member(days: float = 30, **kw: Any) -> Any:
    """A member who joined `days` before T0."""
    return factories.make_user(created_at=T0 - dt.timedelta(days=days), **kw)


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def at(app: Any, when: dt.datetime) -> None:
    """Pin the app's clock."""
    app.config["FROZEN_NOW"] = when
