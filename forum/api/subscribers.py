"""The API part reacts to domain events (forum/events.py) by queueing webhook deliveries
(docs/api.md: Webhooks), inside the transaction of the change: question asked, answered and solved
(once published), idea status changed (to a public status), NPS detractor, follow-up opened."""

from __future__ import annotations

from typing import Any

from flask import current_app

from forum.api import actions
from forum.api.rules import WebhookEvent
from forum.events import DomainEvent, on
from forum.nps.rules import is_detractor

UNPUBLISHED_IDEA = {"pending", "rejected"}


def _url(path: str) -> str:
    return (current_app.config.get("BASE_URL") or "").rstrip("/") + path


def _iso(value: Any) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value is not None else None


def _member(user: Any) -> dict[str, Any] | None:
    return {"id": user.id, "username": user.username} if user is not None else None


def _category(category: Any) -> dict[str, Any] | None:
    return {"id": category.id, "name": category.name, "slug": category.slug} if category is not None else None


def _organization(org: Any) -> dict[str, Any] | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def _question(question: Any) -> dict[str, Any]:
    return {"id": question.id, "title": question.title, "url": _url(f"/questions/{question.id}"),
            "category": _category(question.category), "tags": [t.name for t in question.tags],
            "author": _member(question.author), "created_at": _iso(question.created_at)}


def _answer(answer: Any, question: Any) -> dict[str, Any]:
    return {"id": answer.id, "question_id": question.id, "url": _url(f"/questions/{question.id}#answer-{answer.id}"),
            "author": _member(answer.author), "created_at": _iso(answer.created_at)}


def _published(post: Any) -> bool:
    return str(getattr(post.status, "value", post.status)) == "published"


@on(DomainEvent.QUESTION_ASKED)
def _question_asked(_session: Any, question: Any, **_: Any) -> None:
    if _published(question):
        actions.enqueue(WebhookEvent.question_asked, lambda: {"question": _question(question)})


@on(DomainEvent.QUESTION_PUBLISHED)
def _question_released(_session: Any, question: Any, **_: Any) -> None:
    actions.enqueue(WebhookEvent.question_asked, lambda: {"question": _question(question)})


@on(DomainEvent.ANSWER_POSTED)
def _answer_posted(_session: Any, answer: Any, question: Any, **_: Any) -> None:
    if _published(answer):
        actions.enqueue(WebhookEvent.question_answered,
                        lambda: {"question": _question(question), "answer": _answer(answer, question)})


@on(DomainEvent.ANSWER_PUBLISHED)
def _answer_released(_session: Any, answer: Any, question: Any, **_: Any) -> None:
    actions.enqueue(WebhookEvent.question_answered,
                    lambda: {"question": _question(question), "answer": _answer(answer, question)})


@on(DomainEvent.ANSWER_ACCEPTED)
def _answer_accepted(_session: Any, answer: Any, question: Any, user: Any, **_: Any) -> None:
    actions.enqueue(WebhookEvent.question_solved, lambda: {"question": _question(question), "answer": _answer(answer, question),
                                                   "accepted_by": _member(user)})


@on(DomainEvent.IDEA_TRANSITIONED)
def _idea_status_changed(_session: Any, idea: Any, old: Any, new: Any, actor: Any = None, note: str = "",
                         **_: Any) -> None:
    if str(new) in UNPUBLISHED_IDEA:
        return
    actions.enqueue(WebhookEvent.idea_status_changed, lambda: {"idea": {
        "id": idea.id, "title": idea.title, "url": _url(f"/ideas/{idea.id}"), "status": str(new),
        "previous_status": str(old), "stage": idea.stage, "supporters": idea.supporters,
        "category": _category(idea.category), "author": _member(idea.author)},
        "actor": _member(actor), "note": note or ""})


@on(DomainEvent.NPS_ANSWERED)
def _nps_answered(_session: Any, response: Any, user: Any, **_: Any) -> None:
    if not is_detractor(response.score):
        return
    actions.enqueue(WebhookEvent.nps_detractor, lambda: {"response": {
        "id": response.id, "score": response.score, "comment": response.comment or "",
        "category": _category(response.category), "created_at": _iso(response.created_at)},
        "member": _member(user), "organization": _organization(user.organization)})


@on(DomainEvent.FOLLOWUP_OPENED)
def _followup_opened(_session: Any, followup: Any, **_: Any) -> None:
    actions.enqueue(WebhookEvent.followup_opened, lambda: {"followup": {
        "id": followup.id, "source": str(followup.source), "nps_response_id": followup.nps_response_id,
        "content_type": followup.content_type, "content_id": followup.content_id, "score": followup.score,
        "comment": followup.comment or "", "due_at": _iso(followup.due_at), "url": _url("/followups")},
        "member": _member(followup.user), "organization": _organization(followup.user.organization)})
