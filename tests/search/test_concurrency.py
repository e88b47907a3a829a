"""Several server processes posting at once leave a complete index, without lock errors and
without `forum tick` (issue 3). Real processes share the database and the index directory while
a third one searches."""

from __future__ import annotations

import multiprocessing
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.search.models import SearchOutbox
from tests.conftest import make_app
from tests.factories import ask, make_user
from tests.search.conftest import index_keys

PER_PROCESS = 12


def _poster(url: str, tmp_path: Any, author_id: int, prefix: str, barrier: Any) -> None:
    app = make_app(url, tmp_path, MODERATION_FALLBACK_MODE="open")  # new members' posts are not held
    with app.test_request_context():
        author = db.session.get(User, author_id)
        db.commit()  # end the read transaction before racing (SQLite cannot upgrade a stale one)
        barrier.wait(timeout=60)
        for n in range(PER_PROCESS):
            ask(author, title=f"{prefix} concurrent question {n}", body=f"Posted by {prefix}.")
            db.commit()
    app.extensions["forum.engine"].dispose()


def _searcher(url: str, tmp_path: Any, barrier: Any, done: Any) -> None:
    from forum.search.queries import search

    app = make_app(url, tmp_path, MODERATION_FALLBACK_MODE="open")  # new members' posts are not held
    with app.test_request_context():
        barrier.wait(timeout=60)
        while not done.is_set():
            search(None, "concurrent question")
            db.rollback()
    app.extensions["forum.engine"].dispose()


def test_two_processes_posting_concurrently_leave_a_complete_index(app, database_urls, backend, tmp_path):
    with app.test_request_context():
        author_id = make_user().id
        db.commit()
    url = database_urls[backend]
    ctx = multiprocessing.get_context("fork")
    barrier, done = ctx.Barrier(3), ctx.Event()
    posters = [ctx.Process(target=_poster, args=(url, tmp_path, author_id, prefix, barrier))
               for prefix in ("alpha", "omega")]
    searcher = ctx.Process(target=_searcher, args=(url, tmp_path, barrier, done))
    for p in [*posters, searcher]:
        p.start()
    for p in posters:
        p.join(timeout=180)
    done.set()
    searcher.join(timeout=60)
    assert [p.exitcode for p in [*posters, searcher]] == [0, 0, 0]  # no process raised (no lock error)
    with app.test_request_context():
        assert db.session.scalar(sa.select(sa.func.count(SearchOutbox.id))) == 0  # nothing left for the tick
        keys = index_keys(app)
        ids = set(db.session.scalars(sa.text("SELECT id FROM questions")))
    assert len(ids) == 2 * PER_PROCESS
    assert keys == {f"question:{i}" for i in ids}
