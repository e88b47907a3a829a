"""The anonymous page cache (forum/pagecache.py): hits, 304s, never a member's page or another
visitor's token or flash, languages apart, and invalidation by every change to what a page shows."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.qa import actions as qa_actions
from forum.qa.models import Answer, Question
from tests.factories import answer, ask, make_user


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


@pytest.fixture
def thread(app: Any) -> dict[str, int]:
    with app.app_context():
        asker, helper, voter = make_user("asker"), make_user("helper"), make_user("voter", points=500)
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        reply = answer(helper, question, body="It is under Settings, Data.")
        db.commit()
        return {"asker": asker.id, "helper": helper.id, "voter": voter.id, "question": question.id,
                "answer": reply.id}


def page(app: Any, path: str, **headers: str) -> Any:
    """One anonymous visitor's request (a fresh client: no cookies)."""
    return app.test_client().get(path, headers=headers)


def test_second_anonymous_request_is_a_hit_and_a_304_with_its_etag(app, thread):
    path = f"/questions/{thread['question']}"
    first = page(app, path)
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    second = page(app, path)
    assert second.headers["X-Page-Cache"] == "hit"
    strip = lambda html: re.sub(r'(csrf[-_]token"? (?:content|value)=")[^"]+', r"\1", html)  # noqa: E731
    assert strip(second.get_data(as_text=True)) == strip(first.get_data(as_text=True))
    assert second.headers["ETag"] == first.headers["ETag"] and second.headers["Last-Modified"]
    assert "Cookie" in second.headers["Vary"]
    again = page(app, path, **{"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = page(app, path, **{"If-Modified-Since": second.headers["Last-Modified"]})
    assert since.status_code == 304


def test_hits_still_count_the_views(app, thread):
    path = f"/questions/{thread['question']}"
    for _ in range(3):
        page(app, path)
    with app.app_context():
        assert qa_actions.flush_view_counts() == 3
        db.commit()
        assert db.session.get(Question, thread["question"]).view_count == 3


def test_members_are_never_served_from_nor_stored_into_the_cache(app, thread):
    path = f"/questions/{thread['question']}"
    page(app, path)
    member = app.test_client()
    login(member, thread["voter"])
    resp = member.get(path)
    assert "X-Page-Cache" not in resp.headers
    assert "voter" in resp.get_data(as_text=True)  # their name in the header
    anonymous = page(app, path)
    assert anonymous.headers["X-Page-Cache"] == "hit"
    assert ">voter<" not in anonymous.get_data(as_text=True)


def test_each_visitor_gets_their_own_csrf_token_and_no_cookie_is_replayed(app, thread):
    path = f"/questions/{thread['question']}"
    tokens = []
    for _ in range(2):
        client = app.test_client()
        resp = client.get(path)
        token = re.search(r'name="csrf-token" content="([^"]+)"', resp.get_data(as_text=True)).group(1)
        tokens.append(token)
        with client.session_transaction() as s:
            raw = s["csrf_token"]
        from itsdangerous import URLSafeTimedSerializer

        assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(token) == raw
    assert tokens[0] != tokens[1]
    client = app.test_client()
    client.set_cookie("other", "1")
    hit = client.get(path)
    assert hit.headers["X-Page-Cache"] == "hit"
    assert all("other=" not in c for c in hit.headers.getlist("Set-Cookie"))


def test_languages_are_cached_apart(app, thread):
    path = "/"
    en = page(app, path, **{"Accept-Language": "en"})
    zh = page(app, path, **{"Accept-Language": "zh"})
    assert zh.headers["X-Page-Cache"] == "miss"
    assert page(app, path, **{"Accept-Language": "zh"}).get_data() != page(app, path, **{"Accept-Language": "en"}).get_data()
    assert 'lang="zh' in page(app, path, **{"Accept-Language": "zh"}).get_data(as_text=True)
    assert 'lang="en' in en.get_data(as_text=True)


def test_a_page_with_a_flashed_message_is_neither_served_nor_stored(app, thread):
    path = "/"
    client = app.test_client()
    with client.session_transaction() as s:
        s["_flashes"] = [("info", "Only for you")]
    resp = client.get(path)
    assert "Only for you" in resp.get_data(as_text=True) and "X-Page-Cache" not in resp.headers
    other = page(app, path)
    assert other.headers["X-Page-Cache"] == "miss" and "Only for you" not in other.get_data(as_text=True)


def test_signed_out_visitor_with_a_remember_cookie_is_not_served(app, thread):
    page(app, "/")
    client = app.test_client()
    client.set_cookie("remember_token", "1|abc")
    resp = client.get("/")
    assert "X-Page-Cache" not in resp.headers


# ----------------------------------------------------------------------------- invalidation

def _score_shown(html: str, answer_id: int) -> str:
    block = html.split(f'id="answer-{answer_id}"', 1)[1]
    return re.search(r'class="vote-score"[^>]*>\s*(-?\d+)', block).group(1)


def _changes_next_page(app: Any, path: str, change: Any) -> tuple[str, str]:
    before = page(app, path)
    assert page(app, path).headers["X-Page-Cache"] == "hit"
    with app.app_context():
        change()
        db.commit()
    after = page(app, path)
    assert after.headers["X-Page-Cache"] == "miss"
    return before.get_data(as_text=True), after.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/questions/{question}", "/"])
def test_a_vote_changes_the_next_anonymous_page(app, thread, path):
    path = path.format(**thread)

    def vote() -> None:
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, thread["voter"]), db.session.get(Question, thread["question"]), 1)

    before, after = _changes_next_page(app, path, vote)
    assert before != after


def test_a_vote_on_an_answer_changes_its_score_on_the_page(app, thread):
    path = f"/questions/{thread['question']}"

    def vote() -> None:
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, thread["voter"]), db.session.get(Answer, thread["answer"]), 1)

    before, after = _changes_next_page(app, path, vote)
    assert (_score_shown(before, thread["answer"]), _score_shown(after, thread["answer"])) == ("0", "1")


def test_an_answer_changes_the_next_anonymous_page(app, thread):
    path = f"/questions/{thread['question']}"

    def reply() -> None:
        from forum.accounts.models import User

        answer(db.session.get(User, thread["voter"]), db.session.get(Question, thread["question"]),
               body="Or press E on the list page.")

    before, after = _changes_next_page(app, path, reply)
    assert "press E on the list page" in after and "press E on the list page" not in before


def test_an_edit_changes_the_next_anonymous_page(app, thread):
    path = f"/questions/{thread['question']}"

    def edit() -> None:
        from forum.accounts.models import User

        qa_actions.edit_answer(db.session.get(User, thread["helper"]), db.session.get(Answer, thread["answer"]),
                               body="It moved to Settings, Exports.")

    before, after = _changes_next_page(app, path, edit)
    assert "Settings, Exports" in after and "Settings, Exports" not in before


def test_an_edit_through_the_page_changes_the_next_anonymous_page(app, thread):
    path = f"/questions/{thread['question']}"
    page(app, path)
    assert page(app, path).headers["X-Page-Cache"] == "hit"
    member = app.test_client()
    login(member, thread["asker"])
    resp = member.post(f"/questions/{thread['question']}/edit",
                       data={"title": "Where did the export button go?", "body": "I cannot find it anywhere.",
                             "tags": ""})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:300]
    after = page(app, path)
    assert after.headers["X-Page-Cache"] == "miss" and "Where did the export button go?" in after.get_data(as_text=True)


def test_a_rolled_back_change_keeps_the_cached_page(app, thread):
    path = f"/questions/{thread['question']}"
    page(app, path)
    with app.app_context():
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, thread["voter"]), db.session.get(Question, thread["question"]), 1)
        db.rollback()
    assert page(app, path).headers["X-Page-Cache"] == "hit"
