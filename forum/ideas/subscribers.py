"""The idea board follows the moderation queue's decisions on held ideas (in-transaction)."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.events import DomainEvent, on, subscribe
from forum.ideas import rules
from forum.ideas.actions import publish_idea, reject_idea
from forum.ideas.models import Idea, IdeaStatus


def _held_idea(item: Any) -> Idea | None:
    if item.content_type != "idea":
        return None
    idea = db.session.get(Idea, item.content_id)
    if idea is None:
        return None
    if idea.status == IdeaStatus.pending or (idea.status == IdeaStatus.rejected and item.reason == "appeal"):
        return idea
    return None


def on_held_content_approved(_sender: Any, *, item: Any, actor: Any, **_: Any) -> None:
    idea = _held_idea(item)
    if idea is not None:
        publish_idea(idea, actor)


def on_held_content_rejected(_sender: Any, *, item: Any, actor: Any, reason: str, note: str = "", **_: Any) -> None:
    idea = _held_idea(item)
    if idea is not None:
        reject_idea(idea, actor, reason, note)


def on_flagged_idea_rejected(_sender: Any, *, item: Any, actor: Any, reason: str, note: str = "", **_: Any) -> None:
    """A moderator upheld the community's flags on a public idea (the queue item moderation opened
    when FLAGS_TO_HIDE counting flags were reached; the idea stayed visible, ideas have no hidden
    status): it is rejected (rules.TRANSITIONS, cause "flags"). Dismissed flags change nothing."""
    if item.content_type != "idea" or item.reason != "flagged":
        return
    idea = db.session.get(Idea, item.content_id)
    if idea is not None and rules.allowed(idea.status, IdeaStatus.rejected, "flags"):
        reject_idea(idea, actor, reason, note, cause="flags")


subscribe(DomainEvent.HELD_CONTENT_APPROVED, on_held_content_approved)
subscribe(DomainEvent.HELD_CONTENT_REJECTED, on_held_content_rejected)
subscribe(DomainEvent.HELD_CONTENT_REJECTED, on_flagged_idea_rejected)
