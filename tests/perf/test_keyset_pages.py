"""The home list's deep pages continue from a cursor (?after= the last row's key, ?before= the first
row's; forum/qa/views.py home, qa.queries.keyset_page_keys): followed through HTTP, the Next links
walk the whole list once, in order, for every sort, also while new questions arrive; Previous comes
back to the page before; a damaged cursor is a 400 (never a 500)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.qa import actions as qa_actions
from forum.qa.models import Question
from forum.qa.rules import NUMBERED_PAGES
from tests.factories import answer, ask, make_user

PER_PAGE = 3
QUESTIONS = 26  # 9 pages: the numbered ones and several reached by cursor


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"PER_PAGE": PER_PAGE}


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


@pytest.fixture
def listed(app: Any) -> dict[str, Any]:
    """Questions with ties on every sort key (the same created_at in threes, equal scores), some
    answered and voted, and one pending question of the reader's own."""
    with app.app_context():
        authors = [make_user(f"author{i}", points=5000) for i in range(4)]
        reader = make_user("reader", points=5000)
        start = dt.datetime(2026, 11, 1, 9, 0, 0)
        for i in range(QUESTIONS):
            q = ask(authors[i % 4], title=f"Export question number {i}", body="The export is slow.")
            q.created_at = q.last_activity_at = start + dt.timedelta(minutes=i // 3)  # ties, broken by id
            if i % 4 == 0:
                answer(authors[(i + 1) % 4], q, body="Use the async export.")
            if i % 5 == 0:
                qa_actions.cast_vote(authors[(i + 2) % 4], q, 1)
        own = ask(reader, title="My own pending export question", body="Held for review.")
        own.status = "pending"
        db.commit()
        return {"reader": reader.id, "own": own.id, "authors": [a.id for a in authors]}


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="q-title"><a href="/questions/(\d+)"', page)]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return htmllib.unescape(found.group(1)) if found else None


def _expected(app: Any, sort: str, viewer_id: int | None = None) -> list[int]:
    order = {"newest": [Question.created_at.desc()], "votes": [Question.score.desc(), Question.created_at.desc()],
             "active": [Question.last_activity_at.desc()]}[sort]
    with app.app_context():
        visible = Question.status == "published"
        if viewer_id is not None:
            visible = sa.or_(visible, Question.author_id == viewer_id)
        return list(db.session.scalars(sa.select(Question.id).where(visible).order_by(*order, Question.id.desc())))


def _walk(client: Any, start: str, limit: int = 40) -> tuple[list[int], list[str]]:
    """Follow Next from `start` until it is disabled: every id shown, and every address visited."""
    seen: list[int] = []
    visited = [start]
    url: str | None = start
    while url is not None and len(visited) <= limit:
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        page = resp.get_data(as_text=True)
        seen += _ids(page)
        url = _link(page, "next")
        if url:
            visited.append(url)
    return seen, visited


@pytest.mark.parametrize("sort", ["newest", "votes", "active"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_next_walks_the_whole_list_once_in_order(app, client, listed, sort, signed_in):
    if signed_in:
        login(client, listed["reader"])
    expected = _expected(app, sort, listed["reader"] if signed_in else None)
    seen, visited = _walk(client, f"/?sort={sort}")
    assert seen == expected
    assert (listed["own"] in seen) == signed_in
    # The first pages go by number, the later ones by cursor.
    assert all("page=" in u for u in visited[1:NUMBERED_PAGES])
    assert all("after=" in u and "page=" not in u for u in visited[NUMBERED_PAGES:])
    assert len(visited) > NUMBERED_PAGES + 1


def test_a_cursor_page_continues_exactly_while_new_questions_arrive(app, client, listed):
    expected = _expected(app, "newest")
    _, visited = _walk(client, "/")
    deep = visited[NUMBERED_PAGES + 1]  # a page reached by cursor
    first = _ids(client.get(deep).get_data(as_text=True))
    assert first == expected[(NUMBERED_PAGES + 1) * PER_PAGE:(NUMBERED_PAGES + 2) * PER_PAGE]
    with app.app_context():
        from forum.accounts.models import User

        newcomer = db.session.get(User, listed["authors"][0])
        for i in range(4):  # newer than everything: an offset page would shift by four rows
            ask(newcomer, title=f"A brand new export question {i}", body="Arrived in between.")
        db.commit()
    page = client.get(deep).get_data(as_text=True)
    assert _ids(page) == first  # the same address still shows the same rows
    following = _ids(client.get(_link(page, "next")).get_data(as_text=True))
    assert following == expected[(NUMBERED_PAGES + 2) * PER_PAGE:(NUMBERED_PAGES + 3) * PER_PAGE]
    assert not set(following) & set(first)


def test_previous_from_a_cursor_page_is_the_page_before(app, client, listed):
    expected = _expected(app, "newest")
    _, visited = _walk(client, "/")
    for n in (NUMBERED_PAGES, NUMBERED_PAGES + 1, len(visited) - 1):  # 0-based: page n + 1
        page = client.get(visited[n]).get_data(as_text=True)
        assert _ids(page) == expected[n * PER_PAGE:(n + 1) * PER_PAGE]
        back = client.get(_link(page, "prev")).get_data(as_text=True)
        assert _ids(back) == expected[(n - 1) * PER_PAGE:n * PER_PAGE]
    # Back at the start, Previous is the numbered first page.
    page = client.get(visited[NUMBERED_PAGES]).get_data(as_text=True)
    for _ in range(NUMBERED_PAGES):
        page = client.get(_link(page, "prev")).get_data(as_text=True)
    assert _ids(page) == expected[:PER_PAGE]
    assert 'aria-current="page">1<' in page and 'class="disabled">‹' in page


def test_sort_and_filter_links_drop_the_cursor(app, client, listed):
    _, visited = _walk(client, "/")
    page = client.get(visited[-1]).get_data(as_text=True)
    tabs = re.search(r'<nav class="tabs".*?</nav>', page, re.S).group(0)
    assert "after=" not in tabs and "before=" not in tabs
    first = re.search(r'<a href="([^"]+)">1</a>', page).group(1)
    assert "after=" not in first and _ids(client.get(htmllib.unescape(first)).get_data(as_text=True)) == \
        _expected(app, "newest")[:PER_PAGE]


@pytest.mark.parametrize("query", [
    "after=garbage", "after=", "before=x,y", "after=2026-13-40T00:00:00,5", "after=2026-11-01T09:00:00",
    "after=2026-11-01T09:00:00,1,2", "after=2026-11-01T09:00:00%2B08:00,5", "after=2026-11-01T09:00:00,99999999999999999999",
    "sort=votes&after=2026-11-01T09:00:00,5", "sort=votes&after=99999999999,2026-11-01T09:00:00,5",
    "after=2026-11-01T09:00:00,%EF%BC%91", "after=2026-11-01T09:00:00,%00",
])
def test_a_damaged_cursor_is_a_400_naming_the_problem(app, client, listed, query):
    resp = client.get(f"/?{query}")
    assert resp.status_code in (400, 422), resp.status_code
    if resp.status_code == 400:
        assert "damaged or out of date" in resp.get_data(as_text=True)


def test_a_cursor_past_the_end_shows_no_more_questions(app, client, listed):
    page = client.get("/?after=2000-01-01T00:00:00,1").get_data(as_text=True)
    assert _ids(page) == [] and "No more questions" in page
