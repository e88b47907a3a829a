"""The signed-in question page's answers from a cached fragment (forum/cache.py cached_fragment):
shared by members for whom it renders the same, never showing one member's votes or token to
another, and invalidated by a change to the question's posts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forum import db
from forum.extensions import cache
from forum.qa import actions as qa_actions
from forum.qa.models import Answer
from tests.cache.test_pagecache import login
from tests.factories import answer, ask, make_user


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PAGE_CACHE": False}  # the fragment alone


@pytest.fixture
def thread(app: Any) -> dict[str, int]:
    with app.app_context():
        asker = make_user("asker")
        readers = [make_user(f"reader{i}", points=500) for i in range(3)]
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        reply = answer(make_user("helper"), question, body="It is under Settings, Data.")
        db.commit()
        return {"question": question.id, "answer": reply.id, "readers": [r.id for r in readers]}


def _fragments(app: Any) -> int:
    with app.app_context():
        backend = cache.cache
        if hasattr(backend, "_cache"):  # SimpleCache
            return sum(1 for k in backend._cache if "frag:" in k)
        return len(backend._write_client.keys("forum:frag:*"))


def _member(app: Any, user_id: int) -> Any:
    client = app.test_client()
    login(client, user_id)
    return client


def _up_pressed(html: str, answer_id: int) -> str:
    block = html.split(f'id="answer-{answer_id}"', 1)[1]
    return re.search(r'class="vote-btn up[^"]*"[^>]*aria-pressed="(\w+)"', block, re.S).group(1)


def test_members_who_see_the_same_share_one_fragment(app, thread):
    path = f"/questions/{thread['question']}"
    first, second = (_member(app, uid) for uid in thread["readers"][:2])
    first.get(path)
    fragments = _fragments(app)
    page = second.get(path).get_data(as_text=True)
    assert _fragments(app) == fragments  # the second member was served the first one's fragment
    assert "It is under Settings, Data." in page


def test_a_members_vote_is_theirs_alone_and_their_token_too(app, thread):
    path = f"/questions/{thread['question']}"
    voter, other = (_member(app, uid) for uid in thread["readers"][:2])
    other.get(path)
    with app.app_context():
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, thread["readers"][0]), db.session.get(Answer, thread["answer"]), 1)
        db.commit()
    mine, theirs = voter.get(path).get_data(as_text=True), other.get(path).get_data(as_text=True)
    assert _up_pressed(mine, thread["answer"]) == "true"
    assert _up_pressed(theirs, thread["answer"]) == "false"
    for client, html in ((voter, mine), (other, theirs)):
        with client.session_transaction() as s:
            raw = s["csrf_token"]
        from itsdangerous import URLSafeTimedSerializer

        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert tokens and all(URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(t) == raw
                              for t in tokens)


def test_a_new_answer_and_a_vote_change_the_members_fragment(app, thread):
    path = f"/questions/{thread['question']}"
    reader = _member(app, thread["readers"][2])
    before = reader.get(path).get_data(as_text=True)
    with app.app_context():
        from forum.accounts.models import User
        from forum.qa.models import Question

        answer(db.session.get(User, thread["readers"][0]), db.session.get(Question, thread["question"]),
               body="Or press E on the list page.")
        qa_actions.cast_vote(db.session.get(User, thread["readers"][1]), db.session.get(Answer, thread["answer"]), 1)
        db.commit()
    after = reader.get(path).get_data(as_text=True)
    assert "press E on the list page" in after and "press E on the list page" not in before
    score = lambda html: re.search(r'class="vote-score"[^>]*>\s*(-?\d+)',  # noqa: E731
                                   html.split(f'id="answer-{thread["answer"]}"', 1)[1]).group(1)
    assert (score(before), score(after)) == ("0", "1")


def test_a_cached_page_is_the_page_rendered_anew_with_the_members_own_token(app, thread, freeze, csrf_second):
    """The fragments are kept as bytes cut at the CSRF token's places and spliced into the response
    (forum/cache.py fragment_block): a page from the cache — the content's fragment, or the answers'
    fragment inside a content rendered anew — is byte for byte the page rendered without the cache,
    with the member's own token in every form and no placeholder left."""
    import datetime as dt

    freeze(dt.datetime.utcnow().replace(microsecond=0))
    path = f"/questions/{thread['question']}"
    first, second = (_member(app, uid) for uid in thread["readers"][:2])
    first.get(path)  # stores the answers' fragment and the content's
    with app.app_context():
        from forum.accounts.models import User
        from forum.qa.models import Question

        qa_actions.follow_question(db.session.get(User, thread["readers"][1]),
                                   db.session.get(Question, thread["question"]), True)
        db.commit()
    # The follow changes the second member's content (their Unfollow button), not the answers: the
    # content is rendered around the answers' fragment from the cache, then served from the cache.
    pages = [second.get(path).get_data() for _ in range(2)]
    app.config["FRAGMENT_CACHE"] = False
    try:
        fresh = second.get(path).get_data()
    finally:
        app.config["FRAGMENT_CACHE"] = True
    assert b"\x00" not in fresh and b'data-control="follow"' in fresh and b"Unfollow" in fresh
    assert pages == [fresh, fresh]
    assert b"It is under Settings, Data." in fresh
