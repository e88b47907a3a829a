"""The idea board follows the moderation queue's decisions on held ideas (in-transaction)."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.events import DomainEvent, on, subscribe
from forum.ideas.actions import publish_idea, reject_idea
from forum.ideas.models import Idea, IdeaStatus


def _held_idea(item: Any) -> Idea | None:
    if item.content_type != "idea":
        return None
    idea = db.session.get(Idea, item.content_id)
    return idea if idea is not None and idea.status == IdeaStatus.pending else None


def on_held_content_approved(_sender: Any, *, item: Any, actor: Any, **_: Any) -> None:
    idea = _held_idea(item)
    if idea is not None:
        publish_idea(idea, actor)


def on_held_content_rejected(_sender: Any, *, item: Any, actor: Any, reason: str, note: str = "", **_: Any) -> None:
    idea = _held_idea(item)
    if idea is not None:
        reject_idea(idea, actor, reason, note)


subscribe(DomainEvent.HELD_CONTENT_APPROVED, on_held_content_approved)
subscribe(DomainEvent.HELD_CONTENT_REJECTED, on_held_content_rejected)
