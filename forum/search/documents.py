"""What the index holds: one registered source per document type ("question", later "idea").

A source says, for its type:
- ``events``: which domain events change a document, and which payload key names it (an object
  with ``.id`` or an int id); subscribers.py queues each in the outbox inside the transaction;
- ``load(session, ids)``: the index fields of those documents that are *published* (a missing id
  is removed from the index: deleted, held, rejected or hidden content is never indexed);
- ``all_ids()``: a Select of the ids of every indexable document (for `forum reindex`);
- ``visible(session, viewer, ids)``: the rows of those ids the viewer may see *now*, checked
  against the database when hits are shown, so nothing stale leaks from the index;
- ``url(id)``: where a hit links to.

Adding ideas (issue 5): the ideas part announces ``idea_published`` and ``idea_changed`` (and
``idea_status_changed``, ``idea_merged``) with ``idea=<Idea>``; ``_idea_source()`` below reads
``forum.ideas.models.Idea`` (``title``, ``description``, ``status``, ``category_id``,
``created_at``) and is registered at start-up as soon as that model exists. Another type needs
only ``register(DocumentSource(...))`` from its part's ``init_app``.

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
from sqlalchemy.orm import Session, selectinload

from forum.qa.models import Answer, ContentStatus, Question

Fields = dict[str, Any]


@dataclass(frozen=True)
class DocumentSource:
    doc_type: str
    load: Callable[[Session, list[int]], dict[int, Fields]]
    all_ids: Callable[[], sa.Select[Any]]
    visible: Callable[[Session, Any, list[int]], dict[int, Any]]
    url: Callable[[int], str]
    events: dict[str, str] = field(default_factory=dict)


SOURCES: dict[str, DocumentSource] = {}


def register(source: DocumentSource) -> None:
    SOURCES[source.doc_type] = source


def doc_key(doc_type: str, doc_id: int) -> str:
    return f"{doc_type}:{doc_id}"


_TAG = re.compile(r"<[^>]+>")


def plain_text(body_html: str) -> str:
    """The visible text of sanitized HTML: what is indexed and what snippets are cut from."""
    return " ".join(html.unescape(_TAG.sub(" ", body_html or "")).split())


def _url(endpoint: str, fallback: str, **values: Any) -> str:
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        return url_for(endpoint, **values)
    except (BuildError, RuntimeError):  # no such page yet, or no request to build it from
        return fallback


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
    """API.md: search never shows unpublished content, to anyone; ambassadors-only categories
    only to ambassadors and staff (qa.queries.category_visibility)."""
    from forum.qa.queries import category_visibility

    rows = session.scalars(sa.select(Question).where(
        Question.id.in_(ids), Question.status == ContentStatus.published,
        category_visibility(Question.category_id, viewer))).unique()
    return {q.id: q for q in rows}


QUESTIONS = DocumentSource(
    doc_type="question",
    load=_load_questions,
    all_ids=_all_question_ids,
    visible=_visible_questions,
    url=lambda i: _url("qa.show_question", f"/questions/{i}", question_id=i),
    events={
        "question_asked": "question",
        "question_edited": "question",
        "question_deleted": "question",
        "answer_posted": "question",
        "answer_edited": "question",
        "answer_deleted": "question",
        "answer_accepted": "question",
        "answer_unaccepted": "question",
    },
)
register(QUESTIONS)


# ----------------------------------------------------------------------------- ideas (issue 5)

IDEA_UNINDEXED_STATUSES = ("pending", "rejected", "merged")  # unpublished (API.md) or redirected


def _idea_source(idea_model: Any) -> DocumentSource:
    def load(session: Session, ids: list[int]) -> dict[int, Fields]:
        rows = session.scalars(sa.select(idea_model).where(
            idea_model.id.in_(ids), idea_model.status.not_in(IDEA_UNINDEXED_STATUSES))).unique()
        return {
            i.id: {
                "title": i.title,
                "body": plain_text(getattr(i, "description_html", None) or html.escape(i.description or "")),
                "answers": "",
                "tags": "",
                "tagtext": "",
                "category": str(i.category_id or 0),
                "solved": False,
                "created": getattr(i, "published_at", None) or i.created_at,
            }
            for i in rows
        }

    def all_ids() -> sa.Select[Any]:
        return sa.select(idea_model.id).where(idea_model.status.not_in(IDEA_UNINDEXED_STATUSES))

    def visible(session: Session, viewer: Any, ids: list[int]) -> dict[int, Any]:
        from forum.qa.queries import category_visibility

        rows = session.scalars(sa.select(idea_model).where(
            idea_model.id.in_(ids), idea_model.status.not_in(IDEA_UNINDEXED_STATUSES),
            category_visibility(idea_model.category_id, viewer))).unique()
        return {i.id: i for i in rows}

    return DocumentSource(
        doc_type="idea", load=load, all_ids=all_ids, visible=visible,
        url=lambda i: _url("ideas.show_idea", f"/ideas/{i}", idea_id=i),
        events={"idea_published": "idea", "idea_changed": "idea", "idea_status_changed": "idea",
                "idea_merged": "source", "idea_deleted": "idea"},
    )


def register_ideas() -> bool:
    """Register the idea source if the ideas part has its model (called from init_app)."""
    if "idea" in SOURCES:
        return True
    try:
        from forum.ideas.models import Idea  # type: ignore[import-not-found]
    except ImportError:
        return False
    if not all(hasattr(Idea, name) for name in ("id", "title", "status", "category_id", "created_at")):
        return False
    register(_idea_source(Idea))
    return True
