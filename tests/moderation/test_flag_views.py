"""Flags through the pages: the Flag control on questions, answers and comments (shown exactly when
allowed; the reason for those who may not), the form without JavaScript, the confirmation, and the
queue showing the flags with each flagger's accuracy."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation.models import Flag
from forum.qa.actions import post_comment
from tests.factories import answer, ask, make_user


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MODERATION_FALLBACK_MODE": "open"}


def _login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _thread(app: Any) -> dict[str, int]:
    with app.app_context():
        author = make_user("asker", points=200)
        question = ask(author)
        a = answer(author, question)
        c = post_comment(author, question, body="A comment on the question.")
        ids = {"author": author.id, "question": question.id, "answer": a.id, "comment": c.id,
               "flagger": make_user("flagger", points=15).id, "poor": make_user("poor", points=3).id,
               "moderator": make_user("mod", roles=("moderator",)).id}
        db.session.commit()
        return ids


def test_the_control_is_shown_to_those_who_may_flag(app, client):
    ids = _thread(app)
    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    assert 'data-control="flag"' not in page and "flag-why" not in page       # visitors: nothing
    _login(client, ids["flagger"])
    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    for key in (f"question-{ids['question']}", f"answer-{ids['answer']}", f"comment-{ids['comment']}"):
        assert f'data-control="flag" data-post="{key}"' in page
    assert 'name="reason"' in page and 'value="personal_data"' in page
    _login(client, ids["poor"])
    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    assert 'data-control="flag"' not in page and "Flagging needs 15 points; you have 3." in page
    _login(client, ids["author"])
    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    assert 'data-control="flag"' not in page and "Flagging needs" not in page


def test_the_form_flags_and_confirms(app, client):
    ids = _thread(app)
    _login(client, ids["flagger"])
    resp = client.post("/flags", data={"content_type": "answer", "content_id": str(ids["answer"]), "reason": "spam",
                                       "note": "a link farm", "next": f"/questions/{ids['question']}#answer-1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/questions/{ids['question']}#answer-1")
    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    assert "a moderator will look at it" in page
    assert f'data-control="flagged" data-post="answer-{ids["answer"]}"' in page
    with app.app_context():
        flag = db.session.scalar(sa.select(Flag))
        assert (flag.content_type, flag.content_id, flag.reason, flag.note) == ("answer", ids["answer"], "spam",
                                                                               "a link farm")
    client.post("/flags", data={"content_type": "answer", "content_id": str(ids["answer"]), "reason": "spam"})
    assert "You already flagged this" in client.get("/").get_data(as_text=True)


def test_refusals_come_back_as_messages(app, client):
    ids = _thread(app)
    _login(client, ids["poor"])
    resp = client.post("/flags", data={"content_type": "question", "content_id": str(ids["question"]),
                                       "reason": "spam", "next": "//evil.example/"})
    assert resp.status_code == 302 and "evil.example" not in resp.headers["Location"]
    assert "Flagging needs 15 points" in client.get("/").get_data(as_text=True)
    _login(client, ids["flagger"])
    client.post("/flags", data={"content_type": "question", "content_id": "abc", "reason": "spam"})
    client.post("/flags", data={"content_type": "question", "content_id": "999", "reason": "spam"})
    client.post("/flags", data={"content_type": "question", "content_id": str(ids["question"]), "reason": "nope"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Flag.id))) == 0


def test_the_queue_shows_flags_with_accuracy(app, client):
    ids = _thread(app)
    with app.app_context():
        flaggers = [make_user(f"f{i}", points=20).id for i in range(3)]
        db.session.commit()
    for uid in flaggers:
        _login(client, uid)
        client.post("/flags", data={"content_type": "question", "content_id": str(ids["question"]), "reason": "abuse"})
    assert client.get(f"/questions/{ids['question']}").status_code == 404    # hidden from members
    _login(client, ids["moderator"])
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert "Abuse × 3" in page and "no decided flags yet" in page and "f0" in page
