"""Q&A follows the domain events: its notifications, written in the same transaction as the change
that causes them, the removal of serial votes that rewards finds, and the moderation queue's
decisions on held posts (published or rejected, docs/rules.md: The NPS gate)."""

from __future__ import annotations

from typing import Any

from forum.events import DomainEvent, on
from forum.notifications.actions import notify
from forum.qa import actions
from forum.qa.models import ContentStatus
from forum.qa.queries import followers


def _question_url(question: Any, anchor: str = "") -> str:
    return f"/questions/{question.id}" + (f"#{anchor}" if anchor else "")


def _published(post: Any) -> bool:
    return post.status == ContentStatus.published


@on(DomainEvent.ANSWER_POSTED)
@on(DomainEvent.ANSWER_PUBLISHED)
def notify_followers(_sender: Any, *, answer: Any, question: Any, user: Any, **_: Any) -> None:
    """Everyone following the question (askers and answerers follow automatically) but the answerer,
    once the answer is published (at once, or when its hold ends)."""
    if not _published(answer):
        return
    for user_id in followers(question.id):
        if user_id != user.id:
            notify(user_id, "answer_posted", url=_question_url(question, f"answer-{answer.id}"),
                   actor=user.username, title=question.title)


@on(DomainEvent.COMMENT_POSTED)
@on(DomainEvent.COMMENT_PUBLISHED)
def notify_post_author(_sender: Any, *, comment: Any, parent: Any, question: Any, user: Any, **_: Any) -> None:
    if _published(comment) and parent.author_id != user.id:
        notify(parent.author_id, "comment_posted", url=_question_url(question, f"comment-{comment.id}"),
               actor=user.username, title=question.title)


@on(DomainEvent.ANSWER_ACCEPTED)
def notify_accepted(_sender: Any, *, answer: Any, question: Any, user: Any, **_: Any) -> None:
    if answer.author_id != user.id:
        notify(answer.author_id, "answer_accepted", url=_question_url(question, f"answer-{answer.id}"),
               title=question.title)


@on(DomainEvent.ANSWER_MARKED_OFFICIAL)
def notify_official(_sender: Any, *, answer: Any, question: Any, user: Any, **_: Any) -> None:
    if answer.author_id != user.id:
        notify(answer.author_id, "answer_official", url=_question_url(question, f"answer-{answer.id}"),
               title=question.title)


@on(DomainEvent.SERIAL_VOTING_FOUND)
def remove_serial_votes(_sender: Any, *, voter_id: int, post_author_id: int, since: Any, until: Any, **_: Any) -> None:
    """Q&A owns the votes: it removes those the serial-voting rule found (rewards.actions)."""
    actions.remove_serial_votes(voter_id, post_author_id, since, until)


@on(DomainEvent.HELD_CONTENT_APPROVED)
def publish_approved(_sender: Any, *, item: Any, actor: Any = None, **_: Any) -> None:
    """A moderator approved a held question, answer or comment, or its hold time ended: published."""
    actions.publish_held(item.content_type, item.content_id, actor)


@on(DomainEvent.HELD_CONTENT_REJECTED)
def mark_rejected(_sender: Any, *, item: Any, reason: str, **_: Any) -> None:
    """A moderator rejected a held question, answer or comment: kept, rejected, with the reason."""
    actions.reject_held(item.content_type, item.content_id, reason)


@on(DomainEvent.CONTENT_HIDDEN_BY_FLAGS)
def hide_flagged(_sender: Any, *, content_type: str, content_id: int, **_: Any) -> None:
    """Flags from the community reached FLAGS_TO_HIDE: the post is hidden until a moderator decides
    (an approval publishes it again, a rejection keeps it rejected: the receivers above)."""
    actions.hide_flagged_post(content_type, content_id)


@on(DomainEvent.MEMBER_DELETED)
def on_member_deleted(_session: Any, *, user_id: int, **_: Any) -> None:
    actions.forget_member_follows(user_id)
