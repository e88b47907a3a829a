"""API routes of questions and answers (docs/api.md: Questions and answers), over forum.qa's
actions and queries; the visibility rule is the queries' (``access_*``, ``questions``, ``thread``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.api import schemas as s
from forum.api.core import (
    ApiError, api_user, bp, documented, iso, json_body, paginated, query_args, require_permission, require_scope,
    require_user, validate,
)
from forum.accounts.queries import is_signed_in
from forum.errors import Forbidden, NotFound, RuleViolation
from forum.qa import actions, queries, rules
from forum.qa.models import Answer, Comment, ContentStatus, Follow, PostType, Question, Vote
from forum.web import rate_limit

TAGS = ("questions",)


# ----------------------------------------------------------------------------- representations

def serialize_author(user: Any) -> dict[str, Any]:
    return {"id": user.id, "username": user.username}


def serialize_category(category: Any) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"id": category.id, "name": category.name, "slug": category.slug}


def serialize_comment(comment: Comment) -> dict[str, Any]:
    return {"id": comment.id, "body": comment.body, "body_html": comment.body_html, "status": comment.status.value,
            "author": serialize_author(comment.author), "created_at": iso(comment.created_at)}


def serialize_answer(answer: Answer, question: Question, *, my_vote: int = 0,
                     comments: list[Comment] | None = None) -> dict[str, Any]:
    return {
        "id": answer.id,
        "question_id": answer.question_id,
        "body": answer.body,
        "body_html": answer.body_html,
        "score": answer.score,
        "my_vote": my_vote,
        "accepted": question.accepted_answer_id == answer.id,
        "official": bool(answer.official),
        "status": answer.status.value,
        "release_at": iso(answer.release_at),
        "rejection_reason": answer.rejection_reason,
        "author": serialize_author(answer.author),
        "created_at": iso(answer.created_at),
        "updated_at": iso(answer.updated_at),
        "comments": [serialize_comment(c) for c in comments or []],
    }


def serialize_question_summary(question: Question, *, my_vote: int = 0, following: bool = False) -> dict[str, Any]:
    return {
        "id": question.id,
        "title": question.title,
        "body": question.body,
        "body_html": question.body_html,
        "tags": [t.name for t in question.tags],
        "category": serialize_category(question.category),
        "status": question.status.value,
        "release_at": iso(question.release_at),
        "rejection_reason": question.rejection_reason,
        "score": question.score,
        "my_vote": my_vote,
        "view_count": question.view_count,
        "answer_count": question.answer_count,
        "accepted_answer_id": question.accepted_answer_id,
        "following": following,
        "author": serialize_author(question.author),
        "created_at": iso(question.created_at),
        "updated_at": iso(question.updated_at),
    }


def serialize_question(viewer: Any, question: Question) -> dict[str, Any]:
    """The question page: the question, its comments and its visible answers with theirs, in the
    constant number of queries of ``forum.qa.queries.thread``."""
    page = queries.thread(viewer, question)
    votes = page["votes"]
    data = serialize_question_summary(question, my_vote=votes.get((PostType.question.value, question.id), 0),
                                      following=page["following"])
    data["comments"] = [serialize_comment(c) for c in page["question_comments"]]
    data["answers"] = [
        serialize_answer(a, question, my_vote=votes.get((PostType.answer.value, a.id), 0),
                         comments=page["answer_comments"].get(a.id, []))
        for a in page["answers"]
    ]
    return data


def _list_state(viewer: Any, question_ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """The viewer's votes on, and follows of, a page of questions (two queries whatever its size)."""
    if not is_signed_in(viewer) or not question_ids:
        return {}, set()
    votes = dict(db.session.execute(sa.select(Vote.post_id, Vote.value).where(
        Vote.user_id == viewer.id, Vote.post_type == PostType.question, Vote.post_id.in_(question_ids))).all())
    follows = set(db.session.scalars(sa.select(Follow.question_id).where(
        Follow.user_id == viewer.id, Follow.question_id.in_(question_ids))))
    return votes, follows


# ----------------------------------------------------------------------------- input helpers

def _category_id(viewer: Any, category_id: int | None) -> int | None:
    """A category filter must name a category the caller can see (422 otherwise)."""
    if category_id is None:
        return None
    try:
        return queries.access_category(category_id, viewer).id
    except NotFound:
        raise ApiError(422, "unknown_category", _("No such category."), "category") from None


def _cast_vote(user: Any, post: Question | Answer, value: int) -> tuple[int, int]:
    """cast_vote, with refusals (self-vote, unpublished post) naming the `value` field (docs/api.md: 422)."""
    try:
        return actions.cast_vote(user, post, value)
    except RuleViolation as exc:
        exc.field = exc.field or "value"
        raise


def _require_may_change(user: Any, post: Question | Answer, what: str) -> None:
    """The edit rule's role-and-points refusal (actions.edit_refusal) answers 403 before the new
    content is checked (422); its other refusals (suspension, a deleted post) come from the action."""
    refusal = actions.edit_refusal(user, post)
    if isinstance(refusal, Forbidden) and refusal.code == Forbidden.code:
        raise ApiError(403, "forbidden", _("Only the author or a moderator may change this %(what)s.", what=what))


# ----------------------------------------------------------------------------- questions

@bp.post("/questions")
@rate_limit("post")
@documented(json=s.QuestionCreate, ok=s.QuestionOut, status=201, errors=(400, 401, 403, 422), tags=TAGS)
def create_question() -> Any:
    """Ask a question; `status` is `published`, or `pending` when moderation holds it."""
    user = require_user()
    body = json_body()
    require_scope("write")
    data = validate(s.QuestionCreate, body)
    question = actions.ask_question(user, title=data.title, body=data.body, tags=data.tags, category_id=data.category)
    db.commit()
    return serialize_question(user, question), 201


@bp.get("/questions")
@documented(query=s.QuestionListQuery, ok=s.QuestionPage, errors=(422,), tags=TAGS)
def list_questions() -> Any:
    """Visible questions, newest (or most voted, or most recently active) first; without answers."""
    viewer = api_user()
    args = query_args(s.QuestionListQuery)
    stmt = queries.questions(viewer, sort=args.sort, unanswered=args.unanswered, tag=args.tag or None,
                             category_id=_category_id(viewer, args.category))
    page = paginated(stmt, lambda q: q)
    votes, follows = _list_state(viewer, [q.id for q in page["items"]])
    page["items"] = [serialize_question_summary(q, my_vote=votes.get(q.id, 0), following=q.id in follows)
                     for q in page["items"]]
    return page


@bp.get("/questions/<int:question_id>")
@documented(ok=s.QuestionOut, errors=(404,), tags=TAGS)
def show_question(question_id: int) -> Any:
    """The question with its visible answers and comments; counts a view."""
    viewer = api_user()
    question = queries.access_question(viewer, question_id)
    actions.record_view(question.id, viewer)
    return serialize_question(viewer, question)


@bp.patch("/questions/<int:question_id>")
@documented(json=s.QuestionPatch, ok=s.QuestionOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def edit_question(question_id: int) -> Any:
    """Change the fields given; `category: null` clears the category."""
    user = require_user()
    body = json_body()
    question = queries.access_question(user, question_id)
    require_scope("write")
    _require_may_change(user, question, _("question"))
    data = validate(s.QuestionPatch, body)
    changes: dict[str, Any] = {}
    for field in ("title", "body", "tags"):
        if field in data.model_fields_set:
            changes[field] = getattr(data, field)
    if "category" in data.model_fields_set:
        changes["category_id"] = data.category
    actions.edit_question(user, question, **changes)
    db.commit()
    return serialize_question(user, question)


def _deleted_own(model: type[Question] | type[Answer], user: Any, post_id: int) -> Any:
    """A post the caller already deleted (its author): repeating the delete is 200 unchanged."""
    post = db.session.get(model, post_id)
    if post is not None and post.author_id == user.id and post.status == ContentStatus.deleted:
        return post
    return None


@bp.delete("/questions/<int:question_id>")
@documented(ok=s.DeletedOut, errors=(401, 403, 404), tags=TAGS)
def delete_question(question_id: int) -> Any:
    """Soft deletion by the author or a moderator."""
    user = require_user()
    try:
        question = queries.access_question(user, question_id)
    except NotFound:
        question = _deleted_own(Question, user, question_id)
        if question is None:
            raise
    require_scope("write")
    actions.delete_question(user, question)
    db.commit()
    return {"id": question.id, "status": question.status.value}


@bp.put("/questions/<int:question_id>/vote")
@rate_limit("vote")
@documented(json=s.VoteIn, ok=s.VoteOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def vote_question(question_id: int) -> Any:
    """Up (1), down (-1) or withdraw (0); voting on your own question is 422."""
    user = require_user()
    body = json_body()
    question = queries.access_question(user, question_id)
    require_scope("write")
    data = validate(s.VoteIn, body)
    score, mine = _cast_vote(user, question, data.value)
    db.commit()
    return {"score": score, "my_vote": mine}


@bp.put("/questions/<int:question_id>/follow")
@documented(ok=s.FollowOut, errors=(401, 403, 404), tags=TAGS)
def follow_question(question_id: int) -> Any:
    """Follow a question (notifications of new answers)."""
    user = require_user()
    question = queries.access_question(user, question_id)
    require_scope("write")
    following = actions.follow_question(user, question, True)
    db.commit()
    return {"following": following}


@bp.delete("/questions/<int:question_id>/follow")
@documented(ok=s.FollowOut, errors=(401, 403, 404), tags=TAGS)
def unfollow_question(question_id: int) -> Any:
    """Stop following a question."""
    user = require_user()
    question = queries.access_question(user, question_id)
    require_scope("write")
    following = actions.follow_question(user, question, False)
    db.commit()
    return {"following": following}


@bp.post("/questions/<int:question_id>/comments")
@rate_limit("post")
@documented(json=s.CommentCreate, ok=s.CommentOut, status=201, errors=(400, 401, 403, 404, 422), tags=TAGS)
def comment_question(question_id: int) -> Any:
    """Comment on a question."""
    user = require_user()
    body = json_body()
    question = queries.access_question(user, question_id)
    require_scope("write")
    data = validate(s.CommentCreate, body)
    comment = actions.post_comment(user, question, body=data.body)
    db.commit()
    return serialize_comment(comment), 201


# ----------------------------------------------------------------------------- answers

@bp.post("/questions/<int:question_id>/answers")
@rate_limit("post")
@documented(json=s.AnswerCreate, ok=s.AnswerOut, status=201, errors=(400, 401, 403, 404, 422), tags=TAGS)
def create_answer(question_id: int) -> Any:
    """Answer a published question."""
    user = require_user()
    body = json_body()
    question = queries.access_question(user, question_id)
    require_scope("write")
    data = validate(s.AnswerCreate, body)
    answer = actions.post_answer(user, question, body=data.body)
    db.commit()
    return serialize_answer(answer, question), 201


@bp.patch("/answers/<int:answer_id>")
@documented(json=s.AnswerPatch, ok=s.AnswerOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def edit_answer(answer_id: int) -> Any:
    """Change an answer's body (the author, moderators, members with `edit_others`)."""
    user = require_user()
    body = json_body()
    answer = queries.access_answer(user, answer_id)
    require_scope("write")
    _require_may_change(user, answer, _("answer"))
    data = validate(s.AnswerPatch, body)
    if "body" in data.model_fields_set:
        actions.edit_answer(user, answer, body=data.body)
        db.commit()
    return _answer_view(user, answer)


def _answer_view(viewer: Any, answer: Answer) -> dict[str, Any]:
    comments = list(db.session.scalars(
        sa.select(Comment).where(Comment.answer_id == answer.id, queries.status_visibility(Comment, viewer))
        .order_by(Comment.created_at, Comment.id)))
    return serialize_answer(answer, answer.question, my_vote=queries.my_vote(viewer, answer), comments=comments)


@bp.delete("/answers/<int:answer_id>")
@documented(ok=s.DeletedOut, errors=(401, 403, 404), tags=TAGS)
def delete_answer(answer_id: int) -> Any:
    """Soft deletion by the author or a moderator; an accepted answer loses the mark."""
    user = require_user()
    try:
        answer = queries.access_answer(user, answer_id)
    except NotFound:
        answer = _deleted_own(Answer, user, answer_id)
        if answer is None:
            raise
    require_scope("write")
    actions.delete_answer(user, answer)
    db.commit()
    return {"id": answer.id, "status": answer.status.value}


@bp.put("/answers/<int:answer_id>/vote")
@rate_limit("vote")
@documented(json=s.VoteIn, ok=s.VoteOut, errors=(400, 401, 403, 404, 422), tags=TAGS)
def vote_answer(answer_id: int) -> Any:
    """Up (1), down (-1) or withdraw (0); voting on your own answer is 422."""
    user = require_user()
    body = json_body()
    answer = queries.access_answer(user, answer_id)
    require_scope("write")
    data = validate(s.VoteIn, body)
    score, mine = _cast_vote(user, answer, data.value)
    db.commit()
    return {"score": score, "my_vote": mine}


@bp.post("/answers/<int:answer_id>/accept")
@documented(ok=s.QuestionOut, errors=(401, 403, 404, 422), tags=TAGS)
def accept_answer(answer_id: int) -> Any:
    """The asker accepts an answer (accepting another moves the mark); returns the question."""
    user = require_user()
    answer = queries.access_answer(user, answer_id)
    require_scope("write")
    question = actions.accept_answer(user, answer)
    db.commit()
    return serialize_question(user, question)


@bp.delete("/answers/<int:answer_id>/accept")
@documented(ok=s.QuestionOut, errors=(401, 403, 404), tags=TAGS)
def unaccept_answer(answer_id: int) -> Any:
    """The asker withdraws the accept; returns the question."""
    user = require_user()
    answer = queries.access_answer(user, answer_id)
    require_scope("write")
    question = actions.unaccept_answer(user, answer)
    db.commit()
    return serialize_question(user, question)


def _set_official(answer_id: int, official: bool) -> Any:
    user = require_user()
    answer = queries.access_answer(user, answer_id)
    require_permission(rules.MARK_OFFICIAL_PERMISSION)
    require_scope("admin")
    actions.mark_official(user, answer, official)
    db.commit()
    return _answer_view(user, answer)


@bp.post("/answers/<int:answer_id>/official")
@documented(ok=s.AnswerOut, errors=(401, 403, 404), tags=TAGS)
def mark_official(answer_id: int) -> Any:
    """Staff mark the official answer (apart from the asker's accept)."""
    return _set_official(answer_id, True)


@bp.delete("/answers/<int:answer_id>/official")
@documented(ok=s.AnswerOut, errors=(401, 403, 404), tags=TAGS)
def unmark_official(answer_id: int) -> Any:
    """Staff remove the official mark."""
    return _set_official(answer_id, False)


@bp.post("/answers/<int:answer_id>/comments")
@rate_limit("post")
@documented(json=s.CommentCreate, ok=s.CommentOut, status=201, errors=(400, 401, 403, 404, 422), tags=TAGS)
def comment_answer(answer_id: int) -> Any:
    """Comment on an answer."""
    user = require_user()
    body = json_body()
    answer = queries.access_answer(user, answer_id)
    require_scope("write")
    data = validate(s.CommentCreate, body)
    comment = actions.post_comment(user, answer, body=data.body)
    db.commit()
    return serialize_comment(comment), 201
