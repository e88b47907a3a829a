"""The queue takes in what other parts submit for pre-moderation (in-transaction); the NPS gate
follows every NPS answer and tells moderators when a mode changes."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.events import DomainEvent, on, subscribe
from forum.moderation import queries
from forum.moderation.actions import hold_content, hold_post, hold_resubmission, recompute_modes
from forum.notifications.actions import notify
from forum.qa.models import Category


def on_idea_submitted(_sender: Any, *, idea: Any, user: Any, hold: Any = None, **_: Any) -> None:
    """docs/rules.md, The idea board: with IDEA_PREMODERATION every idea waits for a moderator
    (no automatic release); without it, an idea the NPS gate held is queued like a post."""
    if str(idea.status) != "pending":
        return
    text = f"{idea.title} — {idea.description}"
    if hold is not None:
        hold_post("idea", idea.id, hold=hold, text=text, author=user)
        return
    hold_content("idea", idea.id, reason="idea_premoderation", excerpt=text, author_id=user.id, release_at=None)


subscribe(DomainEvent.IDEA_SUBMITTED, on_idea_submitted)


# --------------------------------------------------------------------------- posts the gate held
# docs/rules.md, "The NPS gate": Q&A announces every new post with the gate's decision (`hold`);
# a held one is queued with the hold's reason and release time, and resubmissions wait for a moderator.

def _held(post: Any, hold: Any) -> bool:
    return hold is not None and str(post.status) == "pending"


@on(DomainEvent.QUESTION_ASKED)
def queue_question(_sender: Any, *, question: Any, user: Any, hold: Any = None, **_: Any) -> None:
    if _held(question, hold):
        hold_post("question", question.id, hold=hold, text=f"{question.title} — {question.body}", author=user)


@on(DomainEvent.ANSWER_POSTED)
def queue_answer(_sender: Any, *, answer: Any, user: Any, hold: Any = None, **_: Any) -> None:
    if _held(answer, hold):
        hold_post("answer", answer.id, hold=hold, text=answer.body, author=user)


@on(DomainEvent.COMMENT_POSTED)
def queue_comment(_sender: Any, *, comment: Any, user: Any, hold: Any = None, **_: Any) -> None:
    if _held(comment, hold):
        hold_post("comment", comment.id, hold=hold, text=comment.body, author=user)


@on(DomainEvent.POST_RESUBMITTED)
def queue_resubmission(_sender: Any, *, content_type: str, content_id: int, user: Any, excerpt: str = "",
                       **_: Any) -> None:
    hold_resubmission(content_type, content_id, author=user, excerpt=excerpt)


@on(DomainEvent.NPS_ANSWERED)
def recompute_on_answer(_sender: Any, **_: Any) -> None:
    """docs/rules.md, "The NPS gate": the mode is recomputed on every NPS answer, in its transaction."""
    recompute_modes()


@on(DomainEvent.MODERATION_MODE_CHANGED)
def tell_moderators(_sender: Any, *, category_id: int | None, old: Any, new: Any, cause: str, **_: Any) -> None:
    """Moderators and admins are told when a scope's mode changes (the queue fills or empties with
    it); the notification links to the policy page that explains why."""
    category = db.session.get(Category, category_id) if category_id is not None else None
    url = url_for_policy(category.slug if category is not None else None)
    for user_id in queries.staff_to_tell():
        notify(user_id, "moderation_mode_changed", url=url, scope=category.name if category is not None else "community",
               old=str(old), new=str(new), cause=cause)


def url_for_policy(slug: str | None) -> str:
    """The policy page's address (without a request: notifications are also made by `forum tick`)."""
    return "/moderation/policy" + (f"?category={slug}" if slug else "")
