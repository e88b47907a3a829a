"""The question page's thread heads kept under the question's generation (forum.qa.queries.thread
with ``generation``, ``_shared_heads``): which answers and comments a viewer sees, in order, read once
for every viewer of a kind until the thread changes, while each member's own votes, follow and
unpublished posts are read at each request in one statement. A member's own hidden answer is never
in another's heads, a change through an action shows at the next request, and a page built from
the kept heads is byte for byte the page built without any cache."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.events import DomainEvent, announce
from forum.qa import actions as qa_actions
from forum.qa.models import Answer, Question
from tests.cache.test_pagecache import login
from tests.factories import answer, ask, make_user


@pytest.fixture
def thread(app: Any) -> dict[str, Any]:
    with app.app_context():
        asker = make_user("asker", points=500)
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        reply = answer(make_user("helper", points=500), question, body="It is under Settings, Data.")
        qa_actions.post_comment(asker, reply, body="Found it, thanks.")
        writer, reader = make_user("writer", points=500), make_user("reader", points=500)
        moderator = make_user("mod", roles=("moderator",), points=500)
        db.commit()
        return {"question": question.id, "answer": reply.id, "writer": writer.id, "reader": reader.id,
                "moderator": moderator.id, "path": f"/questions/{question.id}"}


def _client(app: Any, user_id: int) -> Any:
    client = app.test_client()
    login(client, user_id)
    return client


def _page(app: Any, user_id: int, path: str) -> str:
    response = _client(app, user_id).get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _hide_by_flags(answer_id: int) -> None:
    """What moderation announces when flags hide an answer (the owner, qa, hides it)."""
    announce(db.session, DomainEvent.CONTENT_HIDDEN_BY_FLAGS, content_type="answer", content_id=answer_id, item=None)
    db.commit()


def _writers_answer(app: Any, thread: dict[str, Any], body: str) -> int:
    with app.app_context():
        from forum.accounts.models import User

        mine = answer(db.session.get(User, thread["writer"]), db.session.get(Question, thread["question"]), body=body)
        db.commit()
        return mine.id


def test_a_new_answer_reaches_every_viewer_whose_heads_were_kept(app, thread):
    before = {who: _page(app, thread[who], thread["path"]) for who in ("reader", "moderator")}
    _writers_answer(app, thread, "Or press E on the list page.")
    for who in ("reader", "moderator"):
        assert "press E on the list page" not in before[who]
        assert "press E on the list page" in _page(app, thread[who], thread["path"])


def test_a_members_hidden_answer_is_in_their_heads_and_a_moderators_only(app, thread):
    _page(app, thread["reader"], thread["path"])  # the published heads kept
    mine = _writers_answer(app, thread, "My own answer, hidden after flags.")
    with app.app_context():
        _hide_by_flags(mine)
    for _ in range(2):  # the second time from the kept heads, where they are kept
        assert "My own answer, hidden after flags." in _page(app, thread["writer"], thread["path"])
        assert "My own answer, hidden after flags." in _page(app, thread["moderator"], thread["path"])
        assert "My own answer, hidden after flags." not in _page(app, thread["reader"], thread["path"])


def test_a_members_vote_and_follow_are_read_at_each_request(app, thread):
    _page(app, thread["reader"], thread["path"])
    with app.app_context():
        from forum.accounts.models import User

        me = db.session.get(User, thread["reader"])
        qa_actions.cast_vote(me, db.session.get(Answer, thread["answer"]), 1)
        qa_actions.follow_question(me, db.session.get(Question, thread["question"]), True)
        db.commit()
    mine, theirs = _page(app, thread["reader"], thread["path"]), _page(app, thread["writer"], thread["path"])
    up = re.compile(r'class="vote-btn up[^"]*"[^>]*aria-pressed="(\w+)"', re.S)
    assert up.search(mine.split(f'id="answer-{thread["answer"]}"', 1)[1]).group(1) == "true"
    assert up.search(theirs.split(f'id="answer-{thread["answer"]}"', 1)[1]).group(1) == "false"
    assert "Unfollow" in mine and "Unfollow" not in theirs


def test_a_page_from_kept_heads_runs_no_thread_read_and_is_the_page_built_anew(app, thread, freeze, csrf_second):
    freeze(dt.datetime.utcnow().replace(microsecond=0))
    mine = _writers_answer(app, thread, "My own answer, hidden after flags.")
    with app.app_context():
        _hide_by_flags(mine)
    engine = app.extensions["forum.engine"]
    for who in ("reader", "writer", "moderator"):
        client = _client(app, thread[who])
        client.get(thread["path"])  # heads and content kept
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            kept = client.get(thread["path"]).get_data()
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        # The heads' statements are the only ones ordered by the answers' score; a member with an
        # unpublished post of their own (the writer) reads theirs.
        thread_reads = [s for s in statements if "ORDER BY" in s and "score" in s]
        assert len(thread_reads) == (1 if who == "writer" else 0), who
        app.config["FRAGMENT_CACHE"] = False
        try:
            fresh = client.get(thread["path"]).get_data()
        finally:
            app.config["FRAGMENT_CACHE"] = True
        assert b"\x00" not in fresh and b"It is under Settings, Data." in fresh
        assert kept == fresh, who
