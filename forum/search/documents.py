"""What the index holds: one registered source per document type ("question", "idea").

A source says, for its type:
- ``events``: which domain events change a document, and which payload key names it (an object
  with ``.id`` or an int id); subscribers.py queues each in the outbox inside the transaction;
- ``load(session, ids)``: the index fields of those documents that are *published* (a missing id
  is removed from the index: deleted, held, rejected or hidden content is never indexed);
- ``all_ids()``: a Select of the ids of every indexable document (for `forum reindex`);
- ``visible(session, viewer, ids)``: the rows of those ids the viewer may see *now*, checked
  against the database when hits are shown, so nothing stale leaks from the index;
- ``url(id)``: where a hit links to, built from the page's endpoint (`page_url`).

Ideas: the ideas part announces ``idea_published`` and ``idea_changed`` (every status change)
with ``idea=<Idea>``, and ``idea_merged`` with ``source=<Idea>``; ``IDEAS`` below indexes
``forum.ideas.models.Idea`` (``title``, ``description_html``, ``status``, ``category_id``,
``published_at``). Another type needs only ``register(DocumentSource(...))`` here.

Every document has the fields of ``index.SCHEMA``: ``key`` ("question:12"), ``type``, ``doc_id``,
``title``, ``body``, ``answers`` (the text of a question's published answers), ``tags`` (exact
names, for filters) and ``tagtext`` (the same, as words),
``category`` (id as text, "0" for none; ambassadors-only categories are masked at query time from
the database's current list), ``solved`` and ``created``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import Session, lazyload, selectinload

from forum.events import DomainEvent
from forum.ideas.models import Idea
from forum.qa.models import Answer, ContentStatus, Question

Fields = dict[str, Any]


@dataclass(frozen=True)
class DocumentSource:
    doc_type: str
    load: Callable[[Session, list[int]], dict[int, Fields]]
    all_ids: Callable[[], sa.Select[Any]]
    visible: Callable[[Session, Any, list[int]], dict[int, Any]]
    url: Callable[[int], str]
    events: dict[DomainEvent, str] = field(default_factory=dict)


SOURCES: dict[str, DocumentSource] = {}


def register(source: DocumentSource) -> None:
    SOURCES[source.doc_type] = source


def indexable_ids(session: Session) -> dict[str, list[int]]:
    """Every indexable document's id, per type, in id order (for a rebuild of either index)."""
    out: dict[str, list[int]] = {}
    for doc_type, source in SOURCES.items():
        stmt = source.all_ids()
        out[doc_type] = list(session.scalars(stmt.order_by(stmt.selected_columns[0])))
    return out


def doc_key(doc_type: str, doc_id: int) -> str:
    return f"{doc_type}:{doc_id}"


_TAG = re.compile(r"<[^>]+>")


def plain_text(body_html: str) -> str:
    """The visible text of sanitized HTML: what is indexed and what snippets are cut from."""
    return " ".join(html.unescape(_TAG.sub(" ", body_html or "")).split())


def page_url(endpoint: str, **values: Any) -> str:
    """The path of a hit's page, built from its endpoint (a wrong name raises BuildError).

    In a request it is `url_for` (with the request's script root); outside one (the CLI, a test)
    the app's URL map builds the bare path.
    """
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("").build(endpoint, values)


# ----------------------------------------------------------------------------- questions

def _load_questions(session: Session, ids: list[int]) -> dict[int, Fields]:
    questions = session.scalars(
        sa.select(Question).where(Question.id.in_(ids), Question.status == ContentStatus.published)
        .options(selectinload(Question.tags))).unique().all()
    answers: dict[int, list[str]] = {}
    if questions:
        rows = session.execute(
            sa.select(Answer.question_id, Answer.body_html)
            .where(Answer.question_id.in_([q.id for q in questions]), Answer.status == ContentStatus.published)
            .order_by(Answer.id))
        for question_id, body_html in rows:
            answers.setdefault(question_id, []).append(plain_text(body_html))
    return {
        q.id: {
            "title": q.title,
            "body": plain_text(q.body_html),
            "answers": "\n".join(answers.get(q.id, [])),
            "tags": ",".join(t.name for t in q.tags),
            "tagtext": " ".join(t.name for t in q.tags),
            "category": str(q.category_id or 0),
            "solved": q.accepted_answer_id is not None,
            "created": q.published_at or q.created_at,
        }
        for q in questions
    }


def _all_question_ids() -> sa.Select[Any]:
    return sa.select(Question.id).where(Question.status == ContentStatus.published)


def _visible_questions(session: Session, viewer: Any, ids: list[int]) -> dict[int, Any]:
    """docs/api.md: search never shows unpublished content, to anyone; ambassadors-only categories
    only to ambassadors and staff (qa.queries.category_visibility)."""
    from forum.qa.queries import category_visibility

    # A hit shows the question's counts, tags and category, not its author: no join of users.
    rows = session.scalars(sa.select(Question).options(lazyload(Question.author)).where(
        Question.id.in_(ids), Question.status == ContentStatus.published,
        category_visibility(Question.category_id, viewer))).unique()
    return {q.id: q for q in rows}


QUESTIONS = DocumentSource(
    doc_type="question",
    load=_load_questions,
    all_ids=_all_question_ids,
    visible=_visible_questions,
    url=lambda i: page_url("qa.show_question", question_id=i),
    events={
        DomainEvent.QUESTION_ASKED: "question",
        DomainEvent.QUESTION_EDITED: "question",
        DomainEvent.QUESTION_DELETED: "question",
        DomainEvent.ANSWER_POSTED: "question",
        DomainEvent.QUESTION_PUBLISHED: "question",
        DomainEvent.ANSWER_PUBLISHED: "question",
        DomainEvent.ANSWER_EDITED: "question",
        DomainEvent.ANSWER_DELETED: "question",
        DomainEvent.ANSWER_ACCEPTED: "question",
        DomainEvent.ANSWER_UNACCEPTED: "question",
    },
)
register(QUESTIONS)


# ----------------------------------------------------------------------------- ideas

IDEA_UNINDEXED_STATUSES = ("pending", "rejected", "merged")  # unpublished (docs/api.md) or redirected


def _load_ideas(session: Session, ids: list[int]) -> dict[int, Fields]:
    rows = session.scalars(sa.select(Idea).where(Idea.id.in_(ids), Idea.status.not_in(IDEA_UNINDEXED_STATUSES)))
    return {
        i.id: {
            "title": i.title,
            "body": plain_text(i.description_html),
            "answers": "",
            "tags": "",
            "tagtext": "",
            "category": str(i.category_id or 0),
            "solved": False,
            "created": i.published_at or i.created_at,
        }
        for i in rows.unique()
    }


def _all_idea_ids() -> sa.Select[Any]:
    return sa.select(Idea.id).where(Idea.status.not_in(IDEA_UNINDEXED_STATUSES))


def _visible_ideas(session: Session, viewer: Any, ids: list[int]) -> dict[int, Any]:
    """Published ideas only; ambassadors-only categories only to ambassadors and staff."""
    from forum.qa.queries import category_visibility

    rows = session.scalars(sa.select(Idea).options(lazyload(Idea.author)).where(
        Idea.id.in_(ids), Idea.status.not_in(IDEA_UNINDEXED_STATUSES),
        category_visibility(Idea.category_id, viewer))).unique()
    return {i.id: i for i in rows}


IDEAS = DocumentSource(
    doc_type="idea",
    load=_load_ideas,
    all_ids=_all_idea_ids,
    visible=_visible_ideas,
    url=lambda i: page_url("ideas.show", idea_id=i),
    events={DomainEvent.IDEA_PUBLISHED: "idea", DomainEvent.IDEA_CHANGED: "idea",
            DomainEvent.IDEA_MERGED: "source"},
)
register(IDEAS)
