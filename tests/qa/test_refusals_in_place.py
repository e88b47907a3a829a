"""Issue 14, "say what a member can't do yet": controls a member lacks the points for are shown
disabled with the refusal in words (the points needed), and an action refused anyway answers on
the question page itself — the reason beside the control and the typed text kept — never the
full error page."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from forum import db
from forum.qa.models import Comment, Vote
from tests import factories


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.app_context():
        result = fn()
        db.session.commit()
        return result


def _world(app: Any) -> dict[str, int]:
    def make() -> dict[str, int]:
        asker = factories.make_user("asker")
        helper = factories.make_user("helper", points=200)
        newcomer = factories.make_user("newcomer")
        question = factories.ask(asker, title="How do I export my dashboard?")
        answer = factories.answer(helper, question)
        return {"asker": asker.id, "helper": helper.id, "newcomer": newcomer.id,
                "question": question.id, "answer": answer.id}

    return build(app, make)


def _button(html: str, control: str, post: str) -> str:
    """The start tag of the element carrying data-control=`control` for `post`."""
    for tag in re.findall(r"<(?:button|summary)\b[^>]*>", html):
        if f'data-control="{control}"' in tag and f'data-post="{post}"' in tag:
            return unescape(tag)
    raise AssertionError(f"no {control} control for {post}")


def test_a_new_member_sees_disabled_vote_and_comment_controls_with_the_points_needed(app, client):
    w = _world(app)
    login(client, w["newcomer"])
    html = client.get(f"/questions/{w['question']}").get_data(as_text=True)
    up = _button(html, "vote-up", f"answer-{w['answer']}")
    assert 'aria-disabled="true"' in up and 'title="Voting up needs 15 points; you have 0."' in up
    down = _button(html, "vote-down", f"question-{w['question']}")
    assert 'aria-disabled="true"' in down and "Voting down needs 125 points; you have 0." in down
    # screen readers get the reason too, not only the tooltip
    assert f'id="why-up-answer-{w["answer"]}">Voting up needs 15 points; you have 0.</span>' in html
    comment = _button(html, "comment", f"question-{w['question']}")
    assert "disabled" in comment
    assert "Commenting on others&#39; posts needs 50 points; you have 0." in html or \
        "Commenting on others' posts needs 50 points; you have 0." in unescape(html)


def test_the_asker_may_comment_on_their_own_question_and_answers_but_not_vote_on_their_own(app, client):
    w = _world(app)
    login(client, w["asker"])
    html = client.get(f"/questions/{w['question']}").get_data(as_text=True)
    assert "disabled" not in _button(html, "comment", f"question-{w['question']}")
    assert "disabled" not in _button(html, "comment", f"answer-{w['answer']}")
    login(client, w["helper"])  # 200 points: voting is open to them, but not on their own answer
    html = client.get(f"/questions/{w['question']}").get_data(as_text=True)
    own = _button(html, "vote-up", f"answer-{w['answer']}")
    assert 'aria-disabled="true"' in own and "You cannot vote on your own post." in own
    assert "disabled" not in _button(html, "vote-up", f"question-{w['question']}")


def test_a_refused_vote_answers_on_the_question_page_with_the_reason(app, client):
    w = _world(app)
    login(client, w["newcomer"])
    resp = client.post(f"/answers/{w['answer']}/vote", data={"value": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert 'class="card error-page"' not in html
    assert "How do I export my dashboard?" in html
    assert re.search(r'class="vote-msg shown"[^>]*>Voting up needs 15 points; you have 0\.</p>', html)
    with app.app_context():
        assert db.session.query(Vote).count() == 0


def test_a_refused_vote_from_the_script_gets_the_reason_as_json(app, client):
    w = _world(app)
    login(client, w["newcomer"])
    resp = client.post(f"/questions/{w['question']}/vote", data={"value": "-1"},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 403
    assert resp.get_json() == {"error": {"code": "insufficient_points",
                                         "message": "Voting down needs 125 points; you have 0."}}


def test_a_refused_comment_keeps_the_typed_text_and_says_why(app, client):
    w = _world(app)
    login(client, w["newcomer"])
    typed = "Which version of the exporter are you on? <b>bold</b>"
    resp = client.post(f"/answers/{w['answer']}/comments", data={"body": typed})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert 'class="card error-page"' not in html
    form = html[html.index(f'id="comment-form-answer-{w["answer"]}"'):]
    form = form[:form.index("</details>")]
    assert " open" in form.split(">")[0]
    assert "Commenting on others&#39; posts needs 50 points; you have 0." in form
    assert "Which version of the exporter are you on? &lt;b&gt;bold&lt;/b&gt;</textarea>" in form
    with app.app_context():
        assert db.session.query(Comment).count() == 0


def test_a_blank_comment_is_refused_in_place(app, client):
    w = _world(app)
    login(client, w["asker"])
    resp = client.post(f"/questions/{w['question']}/comments", data={"body": "   "})
    assert resp.status_code == 422
    assert "The text must not be blank." in resp.get_data(as_text=True)


def test_posting_a_comment_and_accepting_confirm_with_a_message(app, client):
    w = _world(app)
    login(client, w["asker"])
    resp = client.post(f"/questions/{w['question']}/comments", data={"body": "Thanks, trying it now."},
                       follow_redirects=True)
    assert resp.status_code == 200 and "Your comment is posted." in resp.get_data(as_text=True)
    resp = client.post(f"/answers/{w['answer']}/accept", data={"on": "1"}, follow_redirects=True)
    assert "You accepted this answer" in resp.get_data(as_text=True)
    resp = client.post(f"/answers/{w['answer']}/accept", data={"on": "0"}, follow_redirects=True)
    assert "You took back the accepted mark." in resp.get_data(as_text=True)


def test_a_refused_accept_answers_in_place(app, client):
    w = _world(app)
    login(client, w["helper"])
    resp = client.post(f"/answers/{w['answer']}/accept", data={"on": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403 and 'class="card error-page"' not in html
    assert "Only the person who asked the question can accept an answer." in html
