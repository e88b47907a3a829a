"""Builders and fixtures for the idea board's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from forum.events import subscribe, unsubscribe

# Small stages so a lifecycle takes a handful of supporters: 2 in 10 days, 3 within 20 more, 4 within 30 more.
SMALL_STAGES = [{"supporters": 2, "days": 10}, {"supporters": 3, "days": 20}, {"supporters": 4, "days": 30}]
T0 = dt.datetime(2026, 3, 1, 12, 0, 0)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"IDEA_STAGES": SMALL_STAGES, "IDEA_REVIEW_PERIOD_DAYS": 120, "IDEA_PREMODERATION": True}


@pytest.fixture
def ctx(app: Any) -> Iterator[Any]:
    """Actions run inside a request here (as they do in views and the API): other parts' subscribers
    render translated strings, which needs a locale."""
    with app.test_request_context():
        yield app


@pytest.fixture
def events() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every idea event announced during the test, in order: (name, payload)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for name in ("idea_submitted", "idea_published", "idea_stage_reached", "idea_decided", "idea_supported",
                 "idea_support_withdrawn", "idea_merged", "idea_changed"):
        def receiver(_sender: Any, _name: str = name, **payload: Any) -> None:
            seen.append((_name, payload))
        receivers.append((name, receiver))
        subscribe(name, receiver)
    yield seen
    for name, receiver in receivers:
        unsubscribe(name, receiver)


def submit(author: Any, title: str = "Dark mode for the dashboard", **kw: Any) -> Any:
    from forum.ideas.actions import submit_idea

    return submit_idea(author, title=title, description=kw.pop("description", "Please add a **dark** theme."), **kw)


def published(author: Any, title: str = "Dark mode for the dashboard", **kw: Any) -> Any:
    """A submitted idea that passed moderation (gathering)."""
    from forum.ideas.actions import publish_idea

    return publish_idea(submit(author, title, **kw))
