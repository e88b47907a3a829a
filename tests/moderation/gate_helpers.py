"""Builders for the NPS gate's tests: a pinned clock, NPS answers in a window, statement counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from forum import db
from forum.nps.models import NpsResponse
from tests import factories

T0 = dt.datetime(2026, 6, 15, 12, 0, 0)
DAY = dt.timedelta(days=1)


def answers(promoters: int = 0, passives: int = 0, detractors: int = 0, *, category_id: int | None = None,
            when: dt.datetime = T0 - DAY) -> None:
    """NPS answers from fresh members (rows made directly: the gate only reads them)."""
    for score, n in ((10, promoters), (8, passives), (3, detractors)):
        for _ in range(n):
            user = factories.make_user()
            db.session.add(NpsResponse(user_id=user.id, score=score, category_id=category_id, created_at=when))
    db.session.flush()


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True
