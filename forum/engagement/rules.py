"""Which domain event is logged as which engagement event kind (DESIGN.md: Engagement events).

domain event → (kind, payload key of the subject, subject type). The actor is the payload's `user`
(or `voter`); the category is the question's.
"""

from __future__ import annotations

from forum.events import DomainEvent

EVENT_KINDS: dict[DomainEvent, tuple[str, str, str]] = {
    DomainEvent.USER_SIGNED_UP: ("signup", "user", "user"),
    DomainEvent.QUESTION_ASKED: ("question", "question", "question"),
    DomainEvent.ANSWER_POSTED: ("answer", "answer", "answer"),
    DomainEvent.COMMENT_POSTED: ("comment", "comment", "comment"),
    DomainEvent.VOTE_CAST: ("vote", "post_id", "post"),
    DomainEvent.ANSWER_ACCEPTED: ("accept", "answer", "answer"),
    DomainEvent.IDEA_SUBMITTED: ("idea", "idea", "idea"),
    DomainEvent.IDEA_SUPPORTED: ("support", "idea", "idea"),
}
