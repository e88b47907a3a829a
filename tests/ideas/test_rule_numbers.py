"""The idea board's rule numbers come from config.py: the note limit of a decision
(NOTE_MAX_CHARS) and the image upload limit (IDEA_IMAGE_MAX_BYTES), in the rule and on the page."""

from __future__ import annotations

import io
from typing import Any

import pytest

from forum import db
from forum.errors import RuleViolation
from forum.ideas import actions
from forum.ideas.models import IdeaStatus
from tests.factories import make_user
from tests.ideas.conftest import SMALL_STAGES, published

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"IDEA_STAGES": SMALL_STAGES, "NOTE_MAX_CHARS": 20, "IDEA_IMAGE_MAX_BYTES": 512 * 1024}


def test_a_decision_note_has_at_most_note_max_chars(session):
    product = make_user(roles=("product",))
    idea = published(make_user())
    with pytest.raises(RuleViolation, match="20") as exc:
        actions.decide_idea(product, idea, decision="approved", note="x" * 21)
    assert exc.value.field == "note" and idea.status == IdeaStatus.gathering
    actions.decide_idea(product, idea, decision="approved", note="x" * 20)
    assert idea.status == IdeaStatus.approved


def test_the_image_limit_is_image_max_bytes_in_the_rule(session):
    with pytest.raises(RuleViolation, match=r"at most 0\.5 MB") as exc:
        actions.store_image(io.BytesIO(PNG + b"\x00" * 512 * 1024))
    assert exc.value.code == "too_large"
    assert actions.store_image(io.BytesIO(PNG)).endswith(".png")


def test_the_submit_page_states_the_configured_image_limit(app, client):
    with app.app_context():
        author_id = make_user("author").id
        db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = str(author_id)
        s["_fresh"] = True
    html = client.get("/ideas/new").get_data(as_text=True)
    assert "at most 0.5 MB" in html and "2 MB" not in html
