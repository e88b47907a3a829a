"""Which domain event is logged as which engagement event kind (DESIGN.md: Engagement events).

domain event → (kind, payload key of the subject, subject type). The actor is the payload's `user`
(or `voter`); the category is the question's.
"""

from __future__ import annotations

EVENT_KINDS: dict[str, tuple[str, str, str]] = {
    "user_signed_up": ("signup", "user", "user"),
    "question_asked": ("question", "question", "question"),
    "answer_posted": ("answer", "answer", "answer"),
    "comment_posted": ("comment", "comment", "comment"),
    "vote_cast": ("vote", "post_id", "post"),
    "answer_accepted": ("accept", "answer", "answer"),
    "idea_submitted": ("idea", "idea", "idea"),
    "idea_supported": ("support", "idea", "idea"),
}
