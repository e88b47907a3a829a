"""The reader's pages run a number of SQL statements that does not grow with the data (issue: query
discipline): each page is counted with a little data and again with several times as much, signed
out and signed in, and the two counts must be equal. The page cache is off here (the test app's
default), so every request renders."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from forum import db
from forum.qa import actions as qa_actions
from tests.factories import answer, ask, make_category, make_org, make_user
from tests.rewards.test_statement_counts import build, count_statements, login

_n = itertools.count()


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"IDEA_PREMODERATION": False}


@pytest.fixture
def people(app: Any) -> dict[str, int]:
    def make() -> dict[str, int]:
        reader = make_user("reader", points=5000, organization=make_org())
        asker = make_user("asker", points=5000)
        question = ask(asker, title="Export to CSV fails with a timeout", body="The export button spins forever.",
                       tags=["export", "csv"])
        return {"reader": reader.id, "asker": asker.id, "question": question.id}

    return build(app, make)


def _voters(k: int) -> list[Any]:
    return [make_user(f"voter{next(_n)}", points=5000, organization=make_org()) for _ in range(k)]


def _grow_thread(question_id: int, answers: int) -> None:
    """Answers by new members (each with a comment and votes), so every author, vote and comment is new."""
    from forum.qa.models import Question

    question = db.session.get(Question, question_id)
    for _ in range(answers):
        author = make_user(f"helper{next(_n)}", points=5000, organization=make_org(), ambassador=bool(next(_n) % 2))
        reply = answer(author, question, body=f"Try the streaming export, number {next(_n)}.")
        qa_actions.post_comment(question.author, reply, body="Thanks, that worked for me.")
        for voter in _voters(2):
            qa_actions.cast_vote(voter, reply, 1)
    db.session.flush()


def _grow_questions(k: int) -> None:
    category = make_category()
    for _ in range(k):
        author = make_user(f"asker{next(_n)}", points=5000, organization=make_org())
        q = ask(author, title=f"Export number {next(_n)} is slow", body="The export takes minutes.",
                tags=[f"tag{next(_n)}", "export"], category_id=category.id)
        answer(make_user(f"helper{next(_n)}"), q, body="Use the async export.")


def _grow_ideas(k: int) -> None:
    from forum.ideas.actions import support_idea, submit_idea

    category = make_category()
    for _ in range(k):
        author = make_user(f"ideator{next(_n)}", points=100, organization=make_org())
        idea = submit_idea(author, title=f"Export scheduling {next(_n)}", description="Run the export nightly.",
                           category_id=category.id)
        for voter in _voters(2):
            support_idea(voter, idea)


def _twice(app: Any, client: Any, url: str, grow: Any, *args: Any) -> tuple[int, int]:
    """The statements of ``url`` after a little data and after several times as much, each counted on
    the second request after the data (the first does the one-time reads: the day's visit, the
    cached list total that the change made stale)."""
    counts = []
    for n in (2, 8):
        build(app, grow, *args, n)
        client.get(url)
        counts.append(count_statements(app, client, url)[0])
    return counts[0], counts[1]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_question_page_does_not_grow_with_its_answers(app, client, people, signed_in):
    if signed_in:
        login(client, people["reader"])
    small, big = _twice(app, client, f"/questions/{people['question']}",
                        lambda n: _grow_thread(people["question"], n))
    assert big == small


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("url", ["/", "/?sort=votes", "/?sort=active", "/?sort=unanswered", "/?tag=export",
                                 "/?page=2"])
def test_home_does_not_grow_with_the_questions(app, client, people, signed_in, url):
    if signed_in:
        login(client, people["reader"])
    small, big = _twice(app, client, url, _grow_questions)
    assert big == small


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("url", ["/ideas", "/ideas?sort=supporters"])
def test_idea_board_does_not_grow_with_the_ideas(app, client, people, signed_in, url):
    if signed_in:
        login(client, people["reader"])
    small, big = _twice(app, client, url, _grow_ideas)
    assert big == small


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_search_page_does_not_grow_with_the_matches(app, client, people, signed_in):
    if signed_in:
        login(client, people["reader"])
    small, big = _twice(app, client, "/search?q=export", _grow_questions)
    assert big == small


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_profile_does_not_grow_with_the_members_posts(app, client, people, signed_in):
    if signed_in:
        login(client, people["reader"])

    def grow(n: int) -> None:
        from forum.accounts.models import User
        from forum.qa.models import Question

        member = db.session.get(User, people["asker"])
        target = db.session.get(Question, people["question"])
        for _ in range(n):
            ask(member, title=f"Export question {next(_n)} from the profile", body="Another export question.")
            other = ask(make_user(f"other{next(_n)}"), title=f"Someone else's export {next(_n)}", body="Slow export.")
            answer(member, other, body=f"My own answer {next(_n)}.")
        del target

    small, big = _twice(app, client, f"/users/{people['asker']}", grow)
    assert big == small
