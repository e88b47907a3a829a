"""A held or rejected post as its author sees it (docs/rules.md: The NPS gate): a banner with the
release time and why, or the reason and the moderator's note with resubmit and appeal controls;
others get 404, moderators see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation.actions import decide_item
from forum.moderation.models import ModerationItem
from forum.qa.models import ContentStatus
from tests.factories import answer, ask, make_user

NOW = dt.datetime(2026, 11, 2, 9, 0, 0)
pytestmark = pytest.mark.parametrize("app_config", [{"MODERATION_FALLBACK_MODE": "guarded"}])


def login(client: Any, user: Any) -> None:
    from flask import g

    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    g.pop("_login_user", None)


def _item(post_id: int, kind: str = "question") -> ModerationItem:
    return db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_type == kind,
                                                              ModerationItem.content_id == post_id)).one()


def test_the_author_sees_until_when_and_why_others_get_404(app, client, session, freeze):
    freeze(NOW)
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    question = ask(author, title="How do I export every dashboard?")
    db.commit()
    login(client, author)
    html = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Held for review until Nov 3, 2026, 9:00\u202fAM UTC" in html
    assert "Guarded mode: a newcomer" in html and "Only you and the moderators can see it." in html
    login(client, other)
    assert client.get(f"/questions/{question.id}").status_code == 404
    login(client, moderator)
    assert "Held for review until" in client.get(f"/questions/{question.id}").get_data(as_text=True)


def test_a_held_answer_shows_its_banner_to_its_author_only(app, client, session, freeze):
    freeze(NOW)
    asker, answerer = make_user(roles=("moderator",)), make_user()
    question = ask(asker)
    held = answer(answerer, question, body="Try the bulk export in settings.")
    db.commit()
    login(client, answerer)
    html = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Try the bulk export" in html and "Held for review until" in html
    login(client, make_user())
    db.commit()
    html = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Try the bulk export" not in html and held.status == ContentStatus.pending


def test_a_rejected_question_shows_the_reason_the_note_and_the_way_back(app, client, session, freeze):
    freeze(NOW)
    author = make_user()
    question = ask(author)
    decide_item(make_user(roles=("moderator",)), _item(question.id), action="reject", reason="duplicate",
                note="Asked last week, see the FAQ")
    db.commit()
    login(client, author)
    html = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Rejected by a moderator" in html and "Duplicate" in html and "Asked last week, see the FAQ" in html
    assert 'data-control="resubmit"' in html and 'data-control="appeal"' in html
    assert f'/moderation/appeals/question/{question.id}' in html
    # the appeal page, then the appeal
    page = client.get(f"/moderation/appeals/question/{question.id}").get_data(as_text=True)
    assert "Duplicate" in page and "You can appeal once" in page
    client.post(f"/moderation/appeals/question/{question.id}", data={"note": "It is not the same question."})
    html = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert 'data-control="appeal"' not in html and "Your appeal waits for another moderator." in html
    # resubmit: pending again, waiting for a moderator
    resp = client.post(f"/questions/{question.id}/resubmit", follow_redirects=True)
    assert "Resubmitted" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert question.status == ContentStatus.pending and question.release_at is None


def test_others_cannot_resubmit_or_appeal(app, client, session, freeze):
    freeze(NOW)
    author, other = make_user(), make_user()
    question = ask(author)
    decide_item(make_user(roles=("moderator",)), _item(question.id), action="reject", reason="spam")
    db.commit()
    login(client, other)
    assert client.post(f"/questions/{question.id}/resubmit").status_code == 404
    assert client.get(f"/moderation/appeals/question/{question.id}").status_code == 404
