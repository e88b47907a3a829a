"""Many members supporting one idea at the same moment lose no support (PostgreSQL only)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.ideas.actions import support_idea
from forum.ideas.models import Idea, IdeaHistory, IdeaSupport
from tests.factories import make_user
from tests.ideas.conftest import T0, published

N = 16


def test_concurrent_supporters_are_all_counted(app, backend, freeze):
    if backend != "postgresql":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    app.config["IDEA_STAGES"] = [{"supporters": 5, "days": 10}, {"supporters": 12, "days": 20},
                                 {"supporters": 1000, "days": 30}]
    freeze(T0)
    with app.test_request_context():
        idea = published(make_user())
        user_ids = [make_user().id for _ in range(N)]
        idea_id = idea.id
        db.commit()

    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def supporter(user_id: int) -> None:
        try:
            with app.test_request_context():
                user = db.session.get(User, user_id)
                target = db.session.get(Idea, idea_id)
                barrier.wait(timeout=30)
                support_idea(user, target, importance="important")
                db.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=supporter, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors

    with app.test_request_context():
        idea = db.session.get(Idea, idea_id)
        assert idea.supporters == N
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaSupport)) == N
        assert idea.stage == 2
        assert idea.deadline == T0 + dt.timedelta(days=10 + 20 + 30)
        notes = list(db.session.scalars(sa.select(IdeaHistory.note).where(IdeaHistory.idea_id == idea_id)))
        assert notes.count("stage 1") == 1 and notes.count("stage 2") == 1
