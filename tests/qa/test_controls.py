"""The question page's batch predicate (forum.qa.actions.controls_for, one Viewer for every post)
answers exactly what each action's own predicate answers when asked alone with the member — for
every kind of viewer (visitor, points, roles, ambassador, suspension) and post (author, status,
accepted, official, the viewer's vote), refusal words included, and for the answers as the page
reads them (qa.queries.AnswerRow) as for Answer instances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.accounts.models import Role, User, UserRole
from forum.qa import actions
from forum.qa.models import Answer, ContentStatus, Question
from forum.qa.queries import AnswerRow

NOW = dt.datetime(2026, 6, 1, 12, 0, 0)
VIEWER_ID, ASKER_ID, OTHER_ID = 1, 2, 3
STATUSES = list(ContentStatus)


def _refusal(error: Any) -> Any:
    """A refusal as the page and the API see it (None: allowed)."""
    if error is None:
        return None
    return (type(error).__name__, error.code, error.message, error.status, error.field)


viewers = st.one_of(
    st.none(),
    st.fixed_dictionaries({
        "points": st.sampled_from([0, 3, 14, 15, 49, 50, 124, 125, 1999, 2000, 5000]),
        "roles": st.sets(st.sampled_from(["moderator", "product", "cs", "admin"]), max_size=2),
        "ambassador": st.booleans(),
        "suspended": st.sampled_from([None, "future", "future-reason", "past"]),
        "is_asker": st.booleans(),
    }))
posts = st.fixed_dictionaries({
    "status": st.sampled_from(STATUSES),
    "author": st.sampled_from(["viewer", "asker", "other"]),
    "official": st.booleans(),
    "vote": st.sampled_from([-1, 0, 1]),
})


def _member(spec: dict[str, Any]) -> User:
    suspended_until = {None: None, "past": NOW - dt.timedelta(days=1)}.get(spec["suspended"], NOW + dt.timedelta(days=2))
    user = User(id=VIEWER_ID, username="viewer", email="viewer@example.com", password_hash="x",
                points=spec["points"], is_ambassador=spec["ambassador"], suspended_until=suspended_until,
                suspension_reason="Spam links" if spec["suspended"] == "future-reason" else None)
    user.role_rows = [UserRole(role=Role(r)) for r in sorted(spec["roles"])]
    return user


def _author_id(who: str, viewer_is_asker: bool) -> int:
    if who == "viewer" or (who == "asker" and viewer_is_asker):
        return VIEWER_ID
    return ASKER_ID if who == "asker" else OTHER_ID


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(viewer=viewers, question_spec=posts, answer_specs=st.lists(posts, max_size=5),
       accepted=st.one_of(st.none(), st.integers(0, 4)), as_rows=st.booleans())
def test_controls_for_answers_as_each_predicate_alone(app, viewer, question_spec, answer_specs, accepted, as_rows):
    with app.test_request_context():
        app.config["FROZEN_NOW"] = NOW
        try:
            user = AnonymousUserMixin() if viewer is None else _member(viewer)
            is_asker = viewer is not None and viewer["is_asker"]
            question = Question(id=100, title="How do I export?", body="b", body_html="<p>b</p>",
                                author_id=VIEWER_ID if is_asker else ASKER_ID, status=question_spec["status"])
            answers = []
            for i, spec in enumerate(answer_specs):
                a = Answer(id=200 + i, question_id=question.id, body="a", body_html="<p>a</p>",
                           author_id=_author_id(spec["author"], is_asker), status=spec["status"],
                           official=spec["official"])
                a.question = question
                answers.append(a)
            if accepted is not None and accepted < len(answers):
                question.accepted_answer_id = answers[accepted].id
            votes = {("question", question.id): question_spec["vote"]}
            votes.update({("answer", a.id): spec["vote"] for a, spec in zip(answers, answer_specs)})

            # The page reads answers as rows (qa.queries.thread(rows=True)): the rules must answer for a
            # row as for the Answer it was read from.
            rows = [AnswerRow(question=question, **{c.key: getattr(a, c.key) for c in Answer.__table__.columns})
                    for a in answers]
            batch = actions.controls_for(user, question, rows if as_rows else answers, votes)

            assert set(batch) == {("question", question.id)} | {("answer", a.id) for a in answers}
            for post in (question, *answers):
                kind = "question" if post is question else "answer"
                got = batch[(kind, post.id)]
                mine = votes[(kind, post.id)]
                assert got.edit == actions.may_edit(user, post)
                assert got.delete == actions.may_delete(user, post)
                assert _refusal(got.vote_up) == _refusal(actions.vote_refusal(user, post, 0 if mine == 1 else 1))
                assert _refusal(got.vote_down) == _refusal(actions.vote_refusal(user, post, 0 if mine == -1 else -1))
                assert _refusal(got.comment) == _refusal(actions.comment_refusal(user, post))
                if kind == "answer":
                    alone = (actions.may_unaccept(user, post) if question.accepted_answer_id == post.id
                             else actions.may_accept(user, post))
                    assert got.accept == alone
                    assert got.official == actions.may_mark_official(user)
                else:
                    assert not got.accept and not got.official
        finally:
            app.config.pop("FROZEN_NOW", None)


def test_a_viewer_remembers_nothing_a_post_decides(app):
    """One Viewer asked about many posts gives each post its own answer (the refusal of one post is
    not served for another of a different kind or state)."""
    with app.test_request_context():
        user = _member({"points": 0, "roles": set(), "ambassador": False, "suspended": None})
        viewer = actions.Viewer(user)
        question = Question(id=1, author_id=OTHER_ID, status=ContentStatus.published, title="t", body="b", body_html="b")
        mine = Answer(id=2, author_id=VIEWER_ID, status=ContentStatus.published, official=False, body="a", body_html="a")
        deleted = Answer(id=3, author_id=VIEWER_ID, status=ContentStatus.deleted, official=False, body="a", body_html="a")
        theirs = Answer(id=4, author_id=OTHER_ID, status=ContentStatus.published, official=False, body="a", body_html="a")
        for answer in (mine, deleted, theirs):
            answer.question = question
        assert actions.edit_refusal(viewer, question).message.endswith("may edit this question.")
        assert actions.edit_refusal(viewer, theirs).message.endswith("may edit this answer.")
        assert actions.delete_refusal(viewer, question).message.endswith("delete this question.")
        assert actions.delete_refusal(viewer, theirs).message.endswith("delete this answer.")
        assert actions.edit_refusal(viewer, mine) is None
        assert actions.edit_refusal(viewer, deleted).code == "deleted"
        assert actions.vote_refusal(viewer, question, 1).code == "insufficient_points"
        assert actions.vote_refusal(viewer, mine, 0).code == "own_post"
        assert actions.vote_refusal(viewer, deleted, 0).code == "not_published"
        assert actions.comment_refusal(viewer, question).code == "insufficient_points"
        assert actions.comment_refusal(viewer, mine) is None
        assert actions.comment_refusal(viewer, deleted).code == "not_published"
