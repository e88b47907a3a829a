"""NPS follows the moderation gate: a negative post held in strict mode opens a customer-success
follow-up (`source: post`) in the same transaction (docs/rules.md: The NPS gate)."""

from __future__ import annotations

from typing import Any

from forum.events import DomainEvent, on
from forum.nps import actions


@on(DomainEvent.NEGATIVE_POST_HELD)
def on_negative_post_held(_session: Any, *, content_type: str, content_id: int, user: Any, excerpt: str = "",
                          **_: Any) -> None:
    actions.open_post_followup(content_type, content_id, user, excerpt)


@on(DomainEvent.HELD_CONTENT_ESCALATED)
def on_held_content_escalated(_session: Any, *, content_type: str, content_id: int, user: Any, excerpt: str = "",
                              **_: Any) -> None:
    """A moderator escalated a held post to customer success: the same follow-up (`source: post`)."""
    actions.open_post_followup(content_type, content_id, user, excerpt)


@on(DomainEvent.MEMBER_DELETED)
def on_member_deleted(_session: Any, *, user_id: int, **_: Any) -> None:
    actions.anonymize_member_answers(user_id)
