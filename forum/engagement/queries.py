"""Engagement's read helpers for the other parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import sqlalchemy as sa

from forum import db
from forum.engagement.models import Event


def has_logged(kind: str, user_id: int) -> bool:
    """Whether the event log holds an event of `kind` for the member (rewards: `activated` is once)."""
    first = sa.select(Event.id).where(Event.kind == kind, Event.user_id == user_id).limit(1)
    return db.session.scalar(first) is not None


def category_of(content_type: str | None, content_id: int | None) -> int | None:
    """The category of a question, answer, comment or idea (an answer's and a comment's is their
    question's), read in one statement; None for anything else. Events carry the category of the
    question so that reports can be filtered by category (docs/rules.md: Engagement events)."""
    from forum.ideas.models import Idea
    from forum.qa.models import Answer, Comment, Question

    if content_id is None or isinstance(content_id, bool):
        return None
    if content_type == "question":
        stmt = sa.select(Question.category_id).where(Question.id == content_id)
    elif content_type == "answer":
        stmt = sa.select(Question.category_id).join(Answer, Answer.question_id == Question.id).where(
            Answer.id == content_id)
    elif content_type == "comment":
        via_answer = sa.select(Answer.question_id).where(Answer.id == Comment.answer_id).scalar_subquery()
        question_id = sa.func.coalesce(Comment.question_id, via_answer)
        stmt = sa.select(Question.category_id).join(Comment, question_id == Question.id).where(Comment.id == content_id)
    elif content_type == "idea":
        stmt = sa.select(Idea.category_id).where(Idea.id == content_id)
    else:
        return None
    return db.session.scalar(stmt)


# ----------------------------------------------------------------------------- per organization (health reports)

def activity_by_organization(start: dt.datetime, split: dt.datetime, end: dt.datetime, *,
                             contribution_kinds: Collection[str], support_kind: str,
                             ignored_kinds: Collection[str] = (), category_id: int | None = None,
                             ) -> dict[int, dict[str, int]]:
    """Per organization (the member's organization when the event happened), over two adjacent
    periods, the previous one ``[start, split)`` and the current one ``[split, end)``:
    ``active`` and ``previous_active`` (distinct members with any event not in `ignored_kinds`),
    ``contributions`` (events of `contribution_kinds` in the current period) and ``supports``
    (distinct member-and-idea pairs of `support_kind` events in the current period).

    docs/rules.md: Health reports, per organization. One grouped statement over the raw events for
    every organization at once (the daily roll-ups have no organization), read through the
    ``occurred_at`` index; organizations without events are absent."""
    current = Event.occurred_at >= split
    previous = Event.occurred_at < split
    engaged = Event.kind.not_in(list(ignored_kinds)) if ignored_kinds else sa.true()
    pair = sa.cast(Event.user_id, sa.String) + ":" + sa.cast(Event.subject_id, sa.String)
    stmt = (
        sa.select(
            Event.organization_id,
            sa.func.count(sa.distinct(sa.case((sa.and_(current, engaged), Event.user_id)))).label("active"),
            sa.func.count(sa.distinct(sa.case((sa.and_(previous, engaged), Event.user_id)))).label("previous_active"),
            sa.func.coalesce(sa.func.sum(sa.case(
                (sa.and_(current, Event.kind.in_(list(contribution_kinds))), 1), else_=0)), 0).label("contributions"),
            sa.func.count(sa.distinct(sa.case((sa.and_(current, Event.kind == support_kind), pair)))).label("supports"),
        )
        .where(Event.occurred_at >= start, Event.occurred_at < end, Event.organization_id.is_not(None),
               Event.user_id.is_not(None))
        .group_by(Event.organization_id)
    )
    if category_id is not None:
        stmt = stmt.where(Event.category_id == category_id)
    return {
        int(row.organization_id): {"active": int(row.active), "previous_active": int(row.previous_active),
                                   "contributions": int(row.contributions), "supports": int(row.supports)}
        for row in db.session.execute(stmt)
    }
