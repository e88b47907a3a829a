"""Engagement logs the other parts' events (forum/engagement/subscribers.py): inside their
transaction for changes, through ``db.side_write`` for what happens while a page is only read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.actions import set_roles
from forum.accounts.models import User
from forum.engagement.models import Event
from forum.events import DomainEvent, subscribe, unsubscribe
from forum.ideas.actions import support_idea, withdraw_support
from tests.factories import make_user
from tests.ideas.conftest import published

NOW = dt.datetime(2026, 11, 23, 12, 0)


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Callable[[], Any]) -> Any:
    with app.app_context():
        result = fn()
        db.commit()
        return result


def logged(app: Any, kind: str) -> list[tuple[int | None, dt.datetime]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Event.user_id, Event.occurred_at).where(Event.kind == kind).order_by(Event.id))]


@pytest.fixture
def announced() -> Iterator[Callable[[DomainEvent], list[dict[str, Any]]]]:
    """announced(event) → the payloads of every announce of `event` during the test (a member as
    their id, read while the request's session still holds them)."""
    seen: dict[DomainEvent, list[dict[str, Any]]] = {}
    receivers: list[tuple[DomainEvent, Any]] = []

    def listen(event: DomainEvent) -> list[dict[str, Any]]:
        if event not in seen:
            seen[event] = []

            def receiver(_session: Any, **payload: Any) -> None:
                seen[event].append({key: getattr(value, "id", value) for key, value in payload.items()})

            subscribe(event, receiver)
            receivers.append((event, receiver))
        return seen[event]

    yield listen
    for event, receiver in receivers:
        unsubscribe(event, receiver)


def test_a_visit_is_announced_once_per_day_and_session_and_written_in_one_side_write(
        app, client, freeze, monkeypatch, announced):
    """Reproduction: engagement used to write `users.last_seen_at` itself; now the request hook
    announces `user_visited` and engagement (the `visit` event) and accounts (`last_seen_at`)
    each receive it, on one side-write session."""
    member = build(app, lambda: make_user().id)
    visits = announced(DomainEvent.USER_VISITED)
    side_writes: list[int] = []
    real_side_write = db.side_write

    @contextmanager
    def counting_side_write() -> Iterator[Any]:
        side_writes.append(1)
        with real_side_write() as side:
            yield side

    monkeypatch.setattr(db, "side_write", counting_side_write)
    login(client, member)
    freeze(NOW)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    assert [(v["user"], v["at"]) for v in visits] == [(member, NOW)]
    assert len(side_writes) == 1
    assert logged(app, "visit") == [(member, NOW)]
    with app.app_context():
        assert db.session.get(User, member).last_seen_at == NOW
    freeze(NOW + dt.timedelta(days=1))
    client.get("/")
    assert len(visits) == 2 and len(side_writes) == 2
    with app.app_context():
        assert db.session.get(User, member).last_seen_at == NOW + dt.timedelta(days=1)


def test_an_anonymous_page_view_announces_no_visit(app, client, announced):
    visits = announced(DomainEvent.USER_VISITED)
    assert client.get("/").status_code == 200
    assert visits == [] and logged(app, "visit") == []


def test_role_changes_and_withdrawn_supports_are_logged(session):
    """Reproduction: `roles_changed` and `idea_support_withdrawn` had no receiver."""
    admin, member, author = make_user(roles=("admin",)), make_user(), make_user()
    set_roles(admin, member, ["moderator"])
    idea = published(author)
    support_idea(member, idea)
    withdraw_support(member, idea)
    rows = session.execute(sa.select(Event.kind, Event.user_id, Event.subject_type, Event.subject_id)
                           .where(Event.kind.in_(("roles_changed", "support_withdrawn"))).order_by(Event.id)).all()
    assert [tuple(r) for r in rows] == [("roles_changed", member.id, "user", member.id),
                                        ("support_withdrawn", member.id, "idea", idea.id)]


def test_the_ask_page_announces_its_opening_and_engagement_logs_ask_started(app, client, announced):
    """Reproduction: the Q&A view used to call engagement's action itself."""
    member = build(app, lambda: make_user().id)
    opened = announced(DomainEvent.ASK_PAGE_OPENED)
    login(client, member)
    assert client.get("/ask").status_code == 200
    assert [o["user"] for o in opened] == [member]
    assert [user for user, _at in logged(app, "ask_started")] == [member]
