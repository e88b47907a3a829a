"""The home page's list and sidebar cards from the cache (forum/cache.py cached_blocks/page_block):
shared by every member and visitor who is shown the same questions, never showing one member's own
unpublished question or the ambassadors' category to another, re-rendered after a change, and with
relative dates worded at each request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from forum import db
from forum.extensions import cache
from forum.qa import actions as qa_actions
from forum.qa.models import Question
from tests.cache.test_pagecache import login
from tests.factories import ask, make_user

NOW = dt.datetime(2026, 11, 30, 10, 0, 0)


@pytest.fixture
def listed(app: Any) -> dict[str, Any]:
    app.config["FROZEN_NOW"] = NOW
    with app.app_context():
        asker = make_user("asker")
        readers = [make_user(f"reader{i}", points=500) for i in range(2)]
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        ask(asker, title="Can exports run at night?", body="Scheduling them would help.")
        db.commit()
        return {"question": question.id, "asker": asker.id, "readers": [r.id for r in readers]}


def _row_entries(app: Any) -> int:
    with app.app_context():
        backend = cache.cache
        if hasattr(backend, "_cache"):  # SimpleCache
            return sum(1 for k in backend._cache if "blocks:home:" in k)
        return len(backend._write_client.keys("forum:blocks:home:*"))


def _member(app: Any, user_id: int) -> Any:
    client = app.test_client()
    login(client, user_id)
    return client


def _rows(html: str) -> str:
    return re.search(r'<ul class="q-list">(.*?)</ul>', html, re.S).group(1)


def test_members_shown_the_same_questions_share_the_rows(app, listed):
    first, second = (_member(app, uid) for uid in listed["readers"])
    a = first.get("/").get_data(as_text=True)
    assert _row_entries(app) == 1
    b = second.get("/").get_data(as_text=True)
    assert _row_entries(app) == 1  # the second member's rows came from the cache
    assert _rows(a) == _rows(b) and "Where is the export button?" in _rows(b)
    assert ">reader1<" in b and ">reader1<" not in a  # each page is still the member's own


def test_a_members_own_pending_question_is_never_in_another_members_rows(app, listed):
    with app.app_context():
        from forum.accounts.models import User

        mine = ask(db.session.get(User, listed["readers"][0]), title="My export question waits for review",
                   body="Held by the gate.")
        mine.status = "pending"
        db.commit()
    owner, other = (_member(app, uid) for uid in listed["readers"])
    assert "My export question waits for review" in owner.get("/").get_data(as_text=True)
    assert "My export question waits for review" not in other.get("/").get_data(as_text=True)
    assert "My export question waits for review" not in app.test_client().get("/").get_data(as_text=True)
    # …and the owner's rows, asked again, still hold it (their page of ids is not the others').
    assert "My export question waits for review" in owner.get("/").get_data(as_text=True)


def test_a_vote_changes_the_next_members_rows(app, listed):
    reader = _member(app, listed["readers"][0])
    before = _rows(reader.get("/").get_data(as_text=True))
    with app.app_context():
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, listed["readers"][1]), db.session.get(Question, listed["question"]), 1)
        db.commit()
    after = _rows(reader.get("/").get_data(as_text=True))
    assert "<strong>1</strong> vote" in after and "<strong>1</strong> vote" not in before


def test_relative_dates_in_cached_rows_are_worded_at_each_request(app, listed):
    first, second = (_member(app, uid) for uid in listed["readers"])
    assert ">in 0 seconds</time>" in _rows(first.get("/").get_data(as_text=True))
    app.config["FROZEN_NOW"] = NOW + dt.timedelta(minutes=10)
    cached = _rows(second.get("/").get_data(as_text=True))
    assert _row_entries(app) == 1  # from the cache…
    assert ">10 minutes ago</time>" in cached and "0 seconds" not in cached  # …worded now, not when stored
    app.config["FROZEN_NOW"] = NOW + dt.timedelta(days=9)
    cached = _rows(first.get("/").get_data(as_text=True))
    assert "Nov 30, 2026</time>" in cached and _row_entries(app) == 1
    # The same rows rendered without the cache read exactly the same.
    app.config["FRAGMENT_CACHE"] = False
    assert _rows(second.get("/").get_data(as_text=True)) == cached


def test_the_ambassadors_category_stays_with_those_who_may_see_it(app, listed):
    from tests.factories import make_category

    with app.app_context():
        make_category("Ambassador lounge", ambassadors_only=True)
        make_category("Exports")
        ambassador = make_user("ambassador", ambassador=True)
        db.commit()
        ambassador_id = ambassador.id
    member = _member(app, listed["readers"][0])
    assert "Ambassador lounge" not in member.get("/").get_data(as_text=True)
    assert "Ambassador lounge" in _member(app, ambassador_id).get("/").get_data(as_text=True)
    assert "Ambassador lounge" not in _member(app, listed["readers"][1]).get("/").get_data(as_text=True)
    assert "Ambassador lounge" not in app.test_client().get("/").get_data(as_text=True)
    assert _row_entries(app) == 2


def test_the_total_is_each_members_own(app, listed):
    with app.app_context():
        from forum.accounts.models import User

        mine = ask(db.session.get(User, listed["readers"][0]), title="An export question of mine on hold",
                   body="Held by the gate.")
        mine.status = "pending"
        db.commit()
    assert "3 questions" in _member(app, listed["readers"][0]).get("/").get_data(as_text=True)
    assert "2 questions" in _member(app, listed["readers"][1]).get("/").get_data(as_text=True)


def _step(html: str, key: str) -> str:
    return re.search(rf'<li class="([^"]*)" data-step="{key}"', html).group(1)


def test_the_onboarding_card_is_each_members_own_and_follows_what_they_do(app, listed):
    first, second = (_member(app, uid) for uid in listed["readers"])
    assert _step(first.get("/").get_data(as_text=True), "vote") == ""
    assert _step(first.get("/").get_data(as_text=True), "vote") == ""  # from the cache
    with app.app_context():
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, listed["readers"][0]), db.session.get(Question, listed["question"]), 1)
        db.commit()
    assert _step(first.get("/").get_data(as_text=True), "vote") == "done"
    assert _step(second.get("/").get_data(as_text=True), "vote") == ""
