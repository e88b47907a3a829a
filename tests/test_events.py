"""Domain events (docs/architecture.md, "Events"): declared names, and after-commit work that runs
once, after the outermost commit, never at a savepoint."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from forum import events
from forum.events import DomainEvent, UndeclaredEvent, announce, subscribe, unsubscribe
from forum.search.models import SearchOutbox
from tests.factories import ask, make_user
from tests.search.conftest import found

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def after_commit_calls() -> Any:
    """Every after-commit delivery of profile_updated during the test."""
    calls: list[dict[str, Any]] = []

    def receiver(_session: Any, **payload: Any) -> None:
        calls.append(payload)

    subscribe(DomainEvent.PROFILE_UPDATED, receiver, after_commit=True)
    yield calls
    unsubscribe(DomainEvent.PROFILE_UPDATED, receiver, after_commit=True)


def test_after_commit_receivers_run_once_after_the_outermost_commit(session, after_commit_calls):
    member = make_user()
    announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="before savepoint")
    with session.begin_nested():
        announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="in savepoint")
    assert after_commit_calls == []  # releasing the savepoint is not a commit
    session.commit()
    assert [c["label"] for c in after_commit_calls] == ["before savepoint", "in savepoint"]
    session.commit()
    assert len(after_commit_calls) == 2  # run once: the queue is empty after the commit


def test_a_rolled_back_transaction_drops_its_after_commit_work(session, after_commit_calls):
    member = make_user()
    announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="lost")
    session.rollback()
    session.commit()
    assert after_commit_calls == []


def test_a_rolled_back_savepoint_drops_only_what_was_announced_inside_it(session, after_commit_calls):
    member = make_user()
    announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="kept")
    savepoint = session.begin_nested()
    announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="inside")
    inner = session.begin_nested()
    announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="deeper")
    inner.commit()
    savepoint.rollback()
    with session.begin_nested():
        announce(session, DomainEvent.PROFILE_UPDATED, user=member, label="after")
    session.commit()
    assert [c["label"] for c in after_commit_calls] == ["kept", "after"]


def test_posting_then_voting_indexes_only_at_the_real_commit(session):
    """Reproduction: a vote's savepoint used to fire the search outbox early, against uncommitted
    rows (on SQLite the outbox's own session then waited out the busy timeout)."""
    from forum.qa.actions import cast_vote

    author, voter = make_user(), make_user(points=1000)
    question = ask(author, title="Savepoints and the search outbox", body="Does the index wait?")
    cast_vote(voter, question, 1)  # runs inside begin_nested()
    assert session.scalar(sa.select(sa.func.count(SearchOutbox.id))) >= 1  # not applied yet
    assert found(None, "savepoints") == []
    session.commit()
    assert found(None, "savepoints") == [question.id]
    assert session.scalar(sa.select(sa.func.count(SearchOutbox.id))) == 0


def test_an_undeclared_name_is_refused_when_announced_or_subscribed(session):
    with pytest.raises(UndeclaredEvent):
        announce(session, "question_askd", question=None)
    with pytest.raises(UndeclaredEvent):
        subscribe("idea_status_changed", lambda _s, **_p: None)
    assert announce(session, "profile_updated", user=make_user()) is None  # a declared name as text is fine


def _scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    package = tmp_path / "forum"
    (package / "part").mkdir(parents=True)
    (package / "part" / "actions.py").write_text(textwrap.dedent(source))
    monkeypatch.setattr(events, "_PACKAGE", package)
    events.senders.cache_clear()
    try:
        events.check_senders()
    finally:
        events.senders.cache_clear()


@pytest.mark.parametrize("source", [
    "announce(db.session, DomainEvent.QUESTON_ASKED, question=q)\n",  # a typo
    'announce(db.session, "question_asked", question=q)\n',  # an unchecked string
])
def test_start_up_refuses_an_announce_of_an_undeclared_name(tmp_path, monkeypatch, source):
    with pytest.raises(UndeclaredEvent):
        _scan(tmp_path, monkeypatch, source)


def test_start_up_accepts_declared_names(tmp_path, monkeypatch):
    _scan(tmp_path, monkeypatch, "announce(db.session, DomainEvent.QUESTION_ASKED, question=q)\n")


def test_create_app_runs_the_check(tmp_path, monkeypatch, database_urls):
    from tests.conftest import make_app

    package = tmp_path / "forum"
    package.mkdir()
    (package / "bad.py").write_text("announce(db.session, DomainEvent.NO_SUCH_EVENT)\n")
    monkeypatch.setattr(events, "_PACKAGE", package)
    events.senders.cache_clear()
    try:
        with pytest.raises(UndeclaredEvent):
            make_app(database_urls["sqlite"], tmp_path)
    finally:
        events.senders.cache_clear()


def test_every_event_has_a_sender_and_a_receiver():
    """The table of docs/architecture.md: an event nobody sends, or nobody receives, is a mistake."""
    table = events.catalogue()
    print("\n" + "\n".join(
        f"{row['name']:<24} sent by {', '.join(row['senders']) or '-'}; received by "
        f"{', '.join(row['receivers'] + row['after_commit']) or '-'}" for row in table))
    assert {row["name"] for row in table} == {str(e) for e in DomainEvent}
    assert [row["name"] for row in table if not row["senders"]] == []
    assert [row["name"] for row in table if not row["receivers"] and not row["after_commit"]] == []
    assert all(row["meaning"] for row in table)
