"""Domain events → cache generations (forum.cache): what each change makes stale.

Receivers run inside the sender's transaction and only note which generations to bump (in the
session's ``info``); the bumps happen once the outermost transaction commits, so a page rendered
after the bump sees the change, and a rolled-back change bumps nothing. Every declared event bumps
``site`` except the read-time ones in ``READS`` (a new event is covered without touching this file);
the events about a question's posts also bump that question's generation (its answers fragment),
and those about how members are shown bump ``people``.
"""

from __future__ import annotations

from typing import Any

from flask import has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from forum.cache import bump, question_generation
from forum.events import DomainEvent, on

_PENDING = "forum.cache_bumps"

# Events that change nothing any page shows to someone else.
READS = frozenset({DomainEvent.USER_VISITED, DomainEvent.ASK_PAGE_OPENED, DomainEvent.ASK_STEP_REPORTED,
                   DomainEvent.SEARCHED, DomainEvent.FLAG_RAISED})

# Events that change how a member is shown beside their posts (name, avatar, staff and ambassador badges).
PEOPLE = frozenset(e for e in DomainEvent if e.value in {
    "profile_updated", "roles_changed", "ambassador_appointed", "ambassador_ended", "member_deleted"})

# Events whose payload names content on a question page: content_type/content_id, post_type/post_id,
# or the objects themselves.
CONTENT = frozenset({
    DomainEvent.QUESTION_ASKED, DomainEvent.QUESTION_EDITED, DomainEvent.QUESTION_DELETED,
    DomainEvent.ANSWER_POSTED, DomainEvent.ANSWER_EDITED, DomainEvent.ANSWER_DELETED, DomainEvent.COMMENT_POSTED,
    DomainEvent.QUESTION_PUBLISHED, DomainEvent.ANSWER_PUBLISHED, DomainEvent.COMMENT_PUBLISHED,
    DomainEvent.POST_RESUBMITTED, DomainEvent.VOTE_CAST, DomainEvent.VOTE_WITHDRAWN, DomainEvent.ANSWER_ACCEPTED,
    DomainEvent.ANSWER_UNACCEPTED, DomainEvent.ANSWER_MARKED_OFFICIAL, DomainEvent.HELD_CONTENT_APPROVED,
    DomainEvent.HELD_CONTENT_REJECTED, DomainEvent.HELD_CONTENT_ESCALATED, DomainEvent.CONTENT_HIDDEN_BY_FLAGS,
    DomainEvent.NEGATIVE_POST_HELD,
})


def pending(session: Session) -> set[str]:
    return session.info.setdefault(_PENDING, set())


def _refs(payload: dict[str, Any]) -> list[tuple[str, int]]:
    refs: list[tuple[str, int]] = []
    for kind_key, id_key, holder in (("post_type", "post_id", None), ("content_type", "content_id", None),
                                     ("content_type", "content_id", payload.get("item"))):
        def read(key: str) -> Any:
            return payload.get(key) if holder is None else getattr(holder, key, None)

        kind, ident = read(kind_key), read(id_key)
        if kind is not None and isinstance(ident, int) and not isinstance(ident, bool):
            kind = str(getattr(kind, "value", kind))
            if kind in ("question", "answer", "comment"):
                refs.append((kind, ident))
    return refs


def _question_ids(payload: dict[str, Any]) -> set[int]:
    """The question pages an event's payload touches."""
    ids: set[int] = set()
    question = payload.get("question")
    if question is not None and getattr(question, "id", None) is not None:
        ids.add(int(question.id))
    for name in ("answer", "comment", "parent"):
        qid = getattr(payload.get(name), "question_id", None)
        if qid is not None:
            ids.add(int(qid))
    refs = _refs(payload)
    if refs:
        from forum.qa.queries import post_threads

        ids.update(int(t["question_id"]) for t in post_threads(refs).values() if t.get("question_id") is not None)
    return ids


def stale_pages(session: Session, **payload: Any) -> None:
    """Every anonymous page may show this change."""
    pending(session).add("site")


def stale_member_display(session: Session, **payload: Any) -> None:
    """How a member is shown (name, badges, points) changed: pages and answer fragments."""
    pending(session).update(("site", "people"))


def stale_question_page(session: Session, **payload: Any) -> None:
    """A question page's posts, votes, accepts or moderation state changed: pages and its fragment."""
    names = pending(session)
    names.add("site")
    names.update(question_generation(qid) for qid in _question_ids(payload))


for _event in DomainEvent:
    if _event in READS:
        continue
    on(_event)(stale_question_page if _event in CONTENT else stale_member_display if _event in PEOPLE
               else stale_pages)


@sa_event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    names = session.info.pop(_PENDING, None)
    if names and has_app_context():
        bump(*names)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(_PENDING, None)
