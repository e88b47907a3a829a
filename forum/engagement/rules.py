"""Which domain event is logged as which engagement event kind (docs/rules.md: Engagement events).

domain event → (kind, payload key of the subject, subject type). The member is the payload's `user`
(or `voter`): who acted, or for `roles_changed` and `activated` whom it concerns; the category is
the question's. Read-time events (a visit, a search, the ask flow) have their own receivers in
subscribers.py, which write through ``db.side_write``.
"""

from __future__ import annotations

from forum.events import DomainEvent

EVENT_KINDS: dict[DomainEvent, tuple[str, str, str]] = {
    DomainEvent.USER_SIGNED_UP: ("signup", "user", "user"),
    DomainEvent.MEMBER_ACTIVATED: ("activated", "user", "user"),
    DomainEvent.ROLES_CHANGED: ("roles_changed", "user", "user"),
    DomainEvent.QUESTION_ASKED: ("question", "question", "question"),
    DomainEvent.ANSWER_POSTED: ("answer", "answer", "answer"),
    DomainEvent.COMMENT_POSTED: ("comment", "comment", "comment"),
    DomainEvent.QUESTION_PUBLISHED: ("question", "question", "question"),
    DomainEvent.ANSWER_PUBLISHED: ("answer", "answer", "answer"),
    DomainEvent.COMMENT_PUBLISHED: ("comment", "comment", "comment"),
    DomainEvent.VOTE_CAST: ("vote", "post_id", "post"),
    DomainEvent.ANSWER_ACCEPTED: ("accept", "answer", "answer"),
    DomainEvent.IDEA_SUBMITTED: ("idea", "idea", "idea"),
    DomainEvent.IDEA_SUPPORTED: ("support", "idea", "idea"),
    DomainEvent.IDEA_SUPPORT_WITHDRAWN: ("support_withdrawn", "idea", "idea"),
    DomainEvent.NPS_ANSWERED: ("nps", "response", "nps_response"),
}

# Posts are logged when they become public: these posting events only when the post was published
# at once; a post the NPS gate held is logged by its *_published event, so that times such as the
# time to first answer are measured from publication (docs/rules.md: Engagement events).
LOGGED_WHEN_PUBLISHED: dict[DomainEvent, str] = {
    DomainEvent.QUESTION_ASKED: "question",
    DomainEvent.ANSWER_POSTED: "answer",
    DomainEvent.COMMENT_POSTED: "comment",
}
