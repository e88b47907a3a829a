"""Which domain event is logged as which engagement event kind (docs/rules.md: Engagement events).

domain event → (kind, payload key of the subject, subject type). The member is the payload's `user`
(or `voter`): who acted, or for `roles_changed` and `activated` whom it concerns; the organization
is the member's at the time of the event; the category is the question's (an answer's, comment's,
vote's or flag's question), an idea's own or the survey answer's. The value is the vote (+1/−1)
or the NPS score. Events are ids only: no names, texts or other personal data.

Other kinds have their own receivers in subscribers.py: `invite_accepted` (an invited member
signed up; the subject is the inviter), `moderation` (a held item approved, value 1, or rejected,
value 0; the member is the moderator, none for a release at the end of the hold), `view_question`
(the tick's flush of the buffered page views, one bulk insert), and the read-time events (a visit,
a search, the ask flow), written through ``db.side_write``.
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
    DomainEvent.FLAG_RAISED: ("flag", "flag", "flag"),
}

# Where an event's value comes from: ("payload", key) or ("subject", attribute); other events have none.
EVENT_VALUES: dict[DomainEvent, tuple[str, str]] = {
    DomainEvent.VOTE_CAST: ("payload", "value"),      # +1 or -1
    DomainEvent.NPS_ANSWERED: ("subject", "score"),   # the answer's score 0-10
}

# The value of a `moderation` event per decision.
MODERATION_VALUES: dict[DomainEvent, float] = {
    DomainEvent.HELD_CONTENT_APPROVED: 1.0,
    DomainEvent.HELD_CONTENT_REJECTED: 0.0,
}

# Posts are logged when they become public: these posting events only when the post was published
# at once; a post the NPS gate held is logged by its *_published event, so that times such as the
# time to first answer are measured from publication (docs/rules.md: Engagement events).
LOGGED_WHEN_PUBLISHED: dict[DomainEvent, str] = {
    DomainEvent.QUESTION_ASKED: "question",
    DomainEvent.ANSWER_POSTED: "answer",
    DomainEvent.COMMENT_POSTED: "comment",
}

# Roll-ups (docs/rules.md: Health reports): the kinds that make a member a contributor, and the kinds
# logged *about* a member rather than by them, which do not make the member active that day.
CONTRIBUTION_KINDS: tuple[str, ...] = ("question", "answer", "comment", "idea")
PASSIVE_KINDS: tuple[str, ...] = ("roles_changed", "activated")
