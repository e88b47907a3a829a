"""A moderator's decision changes the next anonymous page (the gate holds new members' posts here)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation.actions import decide_item
from forum.moderation.models import ModerationItem
from tests.factories import ask, make_user


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "MODERATION_FALLBACK_MODE": "guarded"}


def _held(app: Any, title: str) -> tuple[int, int]:
    with app.app_context():
        question = ask(make_user(), title=title, body="Held for review by the gate.")
        item = db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_id == question.id)).one()
        moderator = make_user(roles=("moderator",))
        db.commit()
        return item.id, moderator.id


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decision_changes_the_next_anonymous_home_page(app, action):
    from forum.accounts.models import User

    item_id, moderator_id = _held(app, "Can the export run every night?")
    assert app.test_client().get("/").headers["X-Page-Cache"] == "miss"
    cached = app.test_client().get("/")
    assert cached.headers["X-Page-Cache"] == "hit"
    assert "Can the export run every night?" not in cached.get_data(as_text=True)
    with app.app_context():
        decide_item(db.session.get(User, moderator_id), db.session.get(ModerationItem, item_id), action=action,
                    reason="spam" if action == "reject" else None)
        db.commit()
    after = app.test_client().get("/")
    assert after.headers["X-Page-Cache"] == "miss"
    assert ("Can the export run every night?" in after.get_data(as_text=True)) == (action == "approve")
