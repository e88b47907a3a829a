"""The queue takes in what other parts submit for pre-moderation (in-transaction)."""

from __future__ import annotations

from typing import Any

from forum.events import DomainEvent, on, subscribe
from forum.moderation.actions import hold_content


def on_idea_submitted(_sender: Any, *, idea: Any, user: Any, **_: Any) -> None:
    """DESIGN.md: The idea board — with IDEA_PREMODERATION every idea waits for a moderator
    (no automatic release)."""
    if str(idea.status) != "pending":
        return
    hold_content("idea", idea.id, reason="idea_premoderation", excerpt=f"{idea.title} — {idea.description}",
                 author_id=user.id, release_at=None)


subscribe(DomainEvent.IDEA_SUBMITTED, on_idea_submitted)
