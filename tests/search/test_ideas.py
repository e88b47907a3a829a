"""Ideas join the index through the registry (documents.py): published ideas only."""

from __future__ import annotations

from forum.ideas.actions import decide_idea, publish_idea, submit_idea
from forum.search.queries import search
from tests.factories import ask, make_category, make_user


def test_ideas_are_indexed_once_published_and_follow_status(session):
    author, product = make_user(), make_user(roles=("product",))
    idea = submit_idea(author, title="Dark mode for the 仪表盘", description="Please add a dark theme.")
    question = ask(author, title="Is there a dark theme?", body="Looking for dark mode.")
    session.commit()
    assert [h.type for h in search(None, "dark").items] == ["question"]  # the idea is still pending
    publish_idea(idea, product)
    session.commit()
    assert {(h.type, h.id) for h in search(None, "dark").items} == {("idea", idea.id), ("question", question.id)}
    assert [(h.type, h.id) for h in search(None, "仪表盘", doc_type="idea").items] == [("idea", idea.id)]
    assert [h.id for h in search(None, "dark", doc_type="question").items] == [question.id]
    decide_idea(product, idea, decision="approved", note="Planned for Q3.")
    session.commit()
    assert [(h.type, h.id) for h in search(None, "theme", doc_type="idea").items] == [("idea", idea.id)]


def test_ideas_in_restricted_categories_are_masked(session):
    author = make_user(ambassador=True)
    secret = make_category("Private feedback", ambassadors_only=True)
    idea = submit_idea(author, title="Offline sync for mobile", description="Early access wish.",
                       category_id=secret.id)
    publish_idea(idea, make_user(roles=("moderator",)))
    session.commit()
    assert search(make_user(), "offline").items == []
    assert [h.id for h in search(author, "offline").items] == [idea.id]
