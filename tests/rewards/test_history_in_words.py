"""Issue 14: the points history reads in words with the title of its subject as the link ("Your
answer to “How do I export…” was up-voted"), never "question #38"; titles the reader may not see
stay out; one statement fetches every title of the page. And the "Get started" checklist offers
only the steps the member can do now."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from sqlalchemy import event

from forum import db
from forum.accounts.models import User
from forum.qa.actions import accept_answer, cast_vote, delete_question
from forum.qa.models import Question
from forum.rewards import queries
from tests import factories
from tests.ideas.conftest import published

ID_TEXT = re.compile(r"(question|answer|idea|member) #\d+")


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def _history_world() -> dict[str, int]:
    asker = factories.make_user("asker")
    helper = factories.make_user("helper")
    fan = factories.make_user("fan", points=20)
    question = factories.ask(asker, title="How do I export my dashboard?")
    answer = factories.answer(helper, question)
    cast_vote(fan, answer, 1)
    cast_vote(fan, question, 1)
    accept_answer(asker, answer)
    cast_vote(fan, answer, 0)  # withdrawn: a compensating entry
    published(helper, title="Dark mode for the dashboard")
    cast_vote(fan, factories.ask(helper, title="Can I schedule a weekly export?"), 1)
    return {"asker": asker.id, "helper": helper.id, "fan": fan.id, "question": question.id, "answer": answer.id}


def test_the_member_reads_their_history_in_words_with_titles_as_links(app, client):
    w = build(app, _history_world)
    login(client, w["helper"])
    html = client.get(f"/users/{w['helper']}/points").get_data(as_text=True)
    link = f'<a href="/questions/{w["question"]}#answer-{w["answer"]}">How do I export my dashboard?</a>'
    assert f"Your answer to “{link}” was up-voted" in html
    assert f"Your answer to “{link}” was accepted" in html
    assert f"Reversed: Your answer to “{link}” was up-voted" in html
    assert re.search(r'Your idea “<a href="/ideas/\d+">Dark mode for the dashboard</a>” was published', html)
    assert not ID_TEXT.search(unescape(html))


def test_others_read_the_same_history_in_the_third_person(app, client):
    w = build(app, _history_world)
    html = client.get(f"/users/{w['asker']}/points").get_data(as_text=True)  # a visitor
    q_link = f'<a href="/questions/{w["question"]}">How do I export my dashboard?</a>'
    assert f"Question “{q_link}” was up-voted" in html
    a_link = f'<a href="/questions/{w["question"]}#answer-{w["answer"]}">How do I export my dashboard?</a>'
    assert f"Accepted an answer to their question “{a_link}”" in html
    assert "Your " not in html.split("Points history", 1)[1]
    assert not ID_TEXT.search(unescape(html))


def test_a_subject_the_reader_may_not_see_reads_without_its_title(app, client):
    def world() -> dict[str, int]:
        w = _history_world()
        insider = factories.make_user("insider", ambassador=True)
        early = factories.make_category("Early access", ambassadors_only=True)
        secret = factories.ask(insider, title="Preview of the secret exporter", category_id=early.id)
        cast_vote(db.session.get(User, w["fan"]), secret, 1)
        delete_question(db.session.get(User, w["asker"]), db.session.get(Question, w["question"]))
        w["insider"] = insider.id
        return w

    w = build(app, world)
    html = unescape(client.get(f"/users/{w['insider']}/points").get_data(as_text=True))
    assert "Question up-voted" in html and "secret exporter" not in html
    html = unescape(client.get(f"/users/{w['helper']}/points").get_data(as_text=True))
    assert "How do I export my dashboard?" not in html  # the question was deleted
    assert "Answer up-voted" in html and "Answer accepted" in html and not ID_TEXT.search(html)
    login(client, w["insider"])  # the member sees their own question's title
    assert "Preview of the secret exporter" in client.get(f"/users/{w['insider']}/points").get_data(as_text=True)


def test_one_statement_fetches_every_title_of_the_history(app):
    w = build(app, _history_world)
    with app.test_request_context():
        engine = app.extensions["forum.engine"]
        seen: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement)

        viewer = db.session.get(User, w["helper"])
        event.listen(engine, "before_cursor_execute", count)
        try:
            rows = queries.history(w["helper"], viewer=viewer)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(rows) == 5 and {r["entry"].subject_type for r in rows} == {"question", "answer", "idea"}
        assert all(r["title"] for r in rows)
        assert len(seen) == 2, seen  # the entries, then the titles of questions, answers and ideas in one UNION


def test_the_api_text_is_unchanged(app):
    w = build(app, _history_world)
    with app.test_request_context():
        entry = next(r["entry"] for r in queries.history(w["helper"]) if r["entry"].reason == "answer_upvoted" and r["entry"].reverses is None)
        assert queries.entry_text(entry) == f"Answer up-voted (answer #{w['answer']})"


# ----------------------------------------------------------------------------- the checklist

def test_the_checklist_offers_voting_only_once_the_member_may_vote(app, client):
    member = build(app, lambda: factories.make_user("newbie").id)
    login(client, member)
    html = client.get("/").get_data(as_text=True)
    assert "Get started" in html
    assert 'data-step="vote"' not in html and 'data-step="contribute"' in html and 'data-step="support"' in html
    assert "Later, at 15 points: Vote on a post" in html
    with app.app_context():
        db.session.get(User, member).points = 15
        db.session.commit()
    html = client.get(f"/users/{member}/points").get_data(as_text=True)
    assert 'data-step="vote"' in html and "Later, at 15 points" not in html


def test_the_checklist_still_counts_every_step_for_activation(app):
    with app.test_request_context():
        member = factories.make_user("newbie")
        steps = queries.onboarding_checklist(member)
        assert [(s["key"], s["available"]) for s in steps] == [
            ("profile", True), ("contribute", True), ("vote", False), ("support", True)]
        assert steps[2]["later"] == "Later, at 15 points: Vote on a post"
