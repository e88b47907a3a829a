"""The question page's cached answers (templates/qa/question.html, keyed by forum.qa.views._answers_bits):
members share the block exactly when it renders the same for both. What a member alone sees in it —
their own hidden or held comment or answer — keeps the block theirs."""

from __future__ import annotations

from typing import Any

import pytest

from forum import db
from forum.qa import actions as qa_actions
from forum.qa.models import Answer, Comment, ContentStatus
from tests.factories import answer, ask, make_user


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PAGE_CACHE": False, "FRAGMENT_CACHE": True}


def _client(app: Any, user_id: int) -> Any:
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True
    return client


@pytest.fixture
def thread(app: Any) -> dict[str, Any]:
    with app.app_context():
        asker = make_user("asker", points=500)
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        reply = answer(make_user("helper", points=500), question, body="It is under Settings, Data.")
        writer, reader = make_user("writer", points=500), make_user("reader", points=500)
        db.commit()
        return {"question": question.id, "answer": reply.id, "writer": writer.id, "reader": reader.id}


@pytest.mark.parametrize("first", ["reader", "writer"])
@pytest.mark.parametrize("status", [ContentStatus.hidden, ContentStatus.pending])
def test_a_members_own_unpublished_comment_is_not_served_to_another(app, thread, status, first):
    with app.app_context():
        from forum.accounts.models import User

        note = qa_actions.post_comment(db.session.get(User, thread["writer"]), db.session.get(Answer, thread["answer"]),
                                       body="Only I can see this remark now.")
        db.session.get(Comment, note.id).status = status
        db.commit()
    path = f"/questions/{thread['question']}"
    seen = {}
    for who in (first, "writer" if first == "reader" else "reader", first):
        seen.setdefault(who, []).append(_client(app, thread[who]).get(path).get_data(as_text=True))
    assert all("Only I can see this remark now." in page for page in seen["writer"])
    assert all("Only I can see this remark now." not in page for page in seen["reader"])


def test_a_members_own_hidden_answer_is_not_served_to_another(app, thread):
    with app.app_context():
        from forum.accounts.models import User
        from forum.qa.models import Question

        mine = answer(db.session.get(User, thread["writer"]), db.session.get(Question, thread["question"]),
                      body="My own answer, hidden after flags.")
        db.session.get(Answer, mine.id).status = ContentStatus.hidden
        db.commit()
    path = f"/questions/{thread['question']}"
    seen_by_writer = _client(app, thread["writer"]).get(path).get_data(as_text=True)
    seen_by_reader = _client(app, thread["reader"]).get(path).get_data(as_text=True)
    assert "My own answer, hidden after flags." in seen_by_writer
    assert "My own answer, hidden after flags." not in seen_by_reader


def test_complete_thread_reads_every_column_and_drops_a_post_gone_since_the_first_read(app, thread):
    """``queries.thread(rows=True)`` reads the few columns the page needs before its cache lookup;
    ``complete_thread`` the rest for rendering, on the same rows — and a post that is gone by then
    (another transaction's commit between the two reads) is not shown rather than shown half read."""
    from forum.accounts.models import User
    from forum.qa import queries
    from forum.qa.models import Question

    with app.test_request_context():
        reader = db.session.get(User, thread["reader"])
        question = db.session.get(Question, thread["question"])
        context = queries.thread(reader, question, rows=True)
        (row,) = context["answers"]
        assert not hasattr(row, "body_html") and row.author_id and row.status == ContentStatus.published
        ghost = queries.AnswerRow(question=question, id=row.id + 1000, question_id=question.id,
                                  author_id=row.author_id, status=ContentStatus.published, official=False)
        context["answers"].append(ghost)
        context["answer_comments"][ghost.id] = []
        queries.complete_thread(reader, question, context)
        assert context["answers"] == [row] and row.body_html == db.session.get(Answer, thread["answer"]).body_html
        assert list(context["answer_comments"]) == [row.id]


def test_a_flag_control_is_its_posts_flagged_state_and_the_pages_shared_fields(app, thread):
    """The page's cache key writes a flag control as the post's ``flagged`` and, once per page, the
    fields that are the same for every post (views.FLAG_PAGE_FIELDS): a control must hold nothing
    else, or two members with different controls could share a page."""
    from forum.accounts.models import User
    from forum.moderation.queries import FLAG_ANCHORS, flag_controls
    from forum.qa import views
    from forum.qa.models import Question

    with app.test_request_context():
        reader = db.session.get(User, thread["reader"])
        question = db.session.get(Question, thread["question"])
        reply = db.session.get(Answer, thread["answer"])
        comment = qa_actions.post_comment(db.session.get(User, thread["writer"]), reply, body="Which settings page?")
        db.session.flush()
        controls = flag_controls(reader, [("question", question), ("answer", reply), ("comment", comment)])
        assert len(controls) == 3
        shared = {repr(tuple(c[name] for name in views.FLAG_PAGE_FIELDS)) for c in controls.values()}
        assert len(shared) == 1
        for (kind, post_id), control in controls.items():
            assert set(control) == {"content_type", "content_id", "anchor", "flagged", *views.FLAG_PAGE_FIELDS}
            assert (control["content_type"], control["content_id"]) == (kind, post_id)
            assert control["anchor"] == FLAG_ANCHORS[kind](post_id)


def test_a_members_flag_on_a_comment_is_theirs_alone(app, thread):
    from forum.accounts.models import User
    from forum.moderation.actions import flag_content

    with app.app_context():
        reply = db.session.get(Answer, thread["answer"])
        comment = qa_actions.post_comment(db.session.get(User, thread["writer"]), reply, body="Which settings page?")
        db.commit()
        comment_id = comment.id
    path = f"/questions/{thread['question']}"
    flagger_id = make_user_id(app, "flagger")
    flagger, reader = _client(app, flagger_id), _client(app, thread["reader"])
    before = [c.get(path).get_data(as_text=True) for c in (flagger, reader)]  # both stored, alike
    with app.app_context():
        flag_content(db.session.get(User, flagger_id), "comment", comment_id, reason="spam")
        db.commit()
    mine, theirs = flagger.get(path).get_data(as_text=True), reader.get(path).get_data(as_text=True)
    flagged = f'data-control="flagged" data-post="comment-{comment_id}"'
    offered = f'data-control="flag" data-post="comment-{comment_id}"'
    assert all(offered in html and flagged not in html for html in before)
    assert flagged in mine and offered not in mine
    assert offered in theirs and flagged not in theirs


def make_user_id(app: Any, name: str) -> int:
    with app.app_context():
        user = make_user(name, points=500)
        db.commit()
        return user.id
