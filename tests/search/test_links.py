"""Where a search hit links to: the page of its own part, built from the endpoint's real name.

A source's `url(id)` builds with `url_for`, so a wrong endpoint name fails loudly instead of
falling back to a guessed path (forum/search/documents.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import BuildError

from forum import db
from forum.ideas.actions import publish_idea, submit_idea
from forum.search import documents
from forum.search.queries import search
from tests.factories import ask, make_user

PREFIX = "/community"  # the forum mounted under a path (SCRIPT_NAME), as behind a reverse proxy
BASE_URL = f"http://localhost{PREFIX}"


def _idea_and_question(app: Any) -> tuple[int, int]:
    with app.app_context():
        author, product = make_user(), make_user(roles=("product",))
        idea = submit_idea(author, title="Dark mode for the dashboard", description="Please add a dark theme.")
        publish_idea(idea, product)
        question = ask(author, title="Is there a dark theme yet?", body="Looking for dark mode.")
        db.session.commit()
        return idea.id, question.id


def test_a_search_hit_for_an_idea_links_to_the_idea_page(app: Any, client: Any) -> None:
    idea_id, question_id = _idea_and_question(app)
    html = client.get("/search?q=dark", base_url=BASE_URL).get_data(as_text=True)
    with app.test_request_context(base_url=BASE_URL):
        from flask import url_for

        idea_url, question_url = url_for("ideas.show", idea_id=idea_id), url_for("qa.show_question",
                                                                                  question_id=question_id)
    assert idea_url == f"{PREFIX}/ideas/{idea_id}"
    assert f'href="{idea_url}"' in html and f'href="{question_url}"' in html
    assert client.get(f"/ideas/{idea_id}").status_code == 200


def test_hits_link_to_the_pages_outside_a_request_too(app: Any) -> None:
    idea_id, question_id = _idea_and_question(app)
    with app.app_context():
        urls = {(h.type, h.id): h.url for h in search(None, "dark").items}
    assert urls == {("idea", idea_id): f"/ideas/{idea_id}", ("question", question_id): f"/questions/{question_id}"}


def test_a_wrong_endpoint_name_fails_loudly(app: Any) -> None:
    with app.test_request_context(), pytest.raises(BuildError):
        documents.page_url("ideas.show_idea", idea_id=1)
    with app.app_context(), pytest.raises(BuildError):
        documents.page_url("ideas.show_idea", idea_id=1)
