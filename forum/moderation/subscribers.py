"""The queue takes in what other parts submit for pre-moderation (in-transaction); the NPS gate
follows every NPS answer and tells moderators when a mode changes."""

from __future__ import annotations

from typing import Any

from forum import db
from forum.events import DomainEvent, on, subscribe
from forum.moderation import queries
from forum.moderation.actions import hold_content, recompute_modes
from forum.notifications.actions import notify
from forum.qa.models import Category


def on_idea_submitted(_sender: Any, *, idea: Any, user: Any, **_: Any) -> None:
    """docs/rules.md, The idea board: with IDEA_PREMODERATION every idea waits for a moderator
    (no automatic release)."""
    if str(idea.status) != "pending":
        return
    hold_content("idea", idea.id, reason="idea_premoderation", excerpt=f"{idea.title} — {idea.description}",
                 author_id=user.id, release_at=None)


subscribe(DomainEvent.IDEA_SUBMITTED, on_idea_submitted)


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
