"""Search reads: parsing a member's query, the result page, similar questions while asking.

docs/api.md (Search): only published content is ever shown, to anyone; ambassadors-only categories
only to ambassadors and staff. The index is filtered first (restricted categories are masked by
the database's current list) and every hit is then checked against the database, so content
deleted, held or moved since it was indexed never shows. A query the parser cannot read is
searched as plain words with a notice saying so (``ParsedQuery.notice``); one with no
searchable words at all raises ``QueryError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape
from whoosh import qparser
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter
from whoosh.query import And, NullQuery, Or, Query, Term

from forum import db
from forum.accounts.queries import sees_restricted_categories
from forum.qa.queries import restricted_category_ids
from forum.search import rules
from forum.search.documents import SOURCES
from forum.search.index import SCHEMA, exists, with_searcher


class QueryError(ValueError):
    """The query has nothing to search for; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedQuery:
    query: Query
    notice: str | None = None


@dataclass
class Hit:
    type: str
    id: int
    title: str
    title_html: Markup
    snippet: Markup
    relevance: float
    url: str
    obj: Any


@dataclass
class SearchPage:
    q: str
    items: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    notice: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# ----------------------------------------------------------------------------- parsing

_FIELD_PREFIX = re.compile(r"(?<![\w:])([^\W\d_][\w]*):")
_WORDS = re.compile(r"[^\W_]+")


def _parser(group: Any = qparser.AndGroup, boosts: dict[str, float] = rules.FIELD_BOOSTS) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(boosts), SCHEMA, fieldboosts=boosts, group=group)
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    aliases: dict[str, list[str]] = {}
    for name, target in rules.QUERY_FIELDS.items():
        if name != target:
            aliases.setdefault(target, []).append(name)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def _malformed(text: str) -> str | None:
    """Why the query's syntax cannot be read, or None."""
    depth = 0
    for ch in re.sub(r'"[^"]*"', " ", text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return _("a closing parenthesis has no opening one")
    if depth > 0:
        return _("a parenthesis is not closed")
    if text.count('"') % 2:
        return _("a quotation mark is not closed")
    fields = "|".join(map(re.escape, rules.QUERY_FIELDS))
    if re.search(rf"(?<![\w:])({fields}):(\s|$|\))", text):
        return _("a field name (like title:) is not followed by a word")
    return None


def plain_words(text: str) -> str:
    """The query's words without any syntax (operators lower-cased so they are words too)."""
    return " ".join(_WORDS.findall(text)).lower()


def parse_query(text: str, group: Any = qparser.AndGroup) -> ParsedQuery:
    """The member's query: fields (title:, body:, answers:, tag:), "phrases", AND/OR/NOT and
    parentheses; every word must match (any word, for similar questions). Unknown field names
    are plain words. Malformed syntax falls back to the plain words, with a notice."""
    text = (text or "").strip()
    known = set(rules.QUERY_FIELDS)
    text = _FIELD_PREFIX.sub(lambda m: m.group(0) if m.group(1).lower() in known else m.group(1) + " ", text)
    text = _FIELD_PREFIX.sub(lambda m: m.group(1).lower() + ":", text)
    parser = _parser(group)
    problem = _malformed(text)
    if problem is None:
        try:
            query = parser.parse(text)
        except Exception:  # noqa: BLE001 - Whoosh's parser raises assorted errors on odd input
            query = NullQuery
            problem = _("the query syntax could not be read")
        if query is not NullQuery and query is not None:
            return ParsedQuery(query)
        if problem is None and plain_words(text) and plain_words(text) != text.lower():
            problem = _("an operator (AND, OR, NOT) has nothing on one side")
    words = plain_words(_FIELD_PREFIX.sub(" ", text))
    query = parser.parse(words) if words else NullQuery
    if query is NullQuery or query is None:
        raise QueryError(_("Type one or more words to search for (very common words such as “the” "
                           "are not searched on their own)."))
    notice = None
    if problem:
        notice = _("Your search could not be read as written (%(problem)s), so it was searched as the "
                   "plain words: %(words)s", problem=problem, words=words)
    return ParsedQuery(query, notice)


# ----------------------------------------------------------------------------- filters

def _restricted_mask(viewer: Any) -> Query | None:
    if sees_restricted_categories(viewer):
        return None
    ids = list(db.session.scalars(restricted_category_ids()))
    return Or([Term("category", str(i)) for i in ids]) if ids else None


def _filter(doc_type: str, tag: str | None, category_id: int | None, solved: bool) -> Query | None:
    terms: list[Query] = []
    if doc_type != "all":
        terms.append(Term("type", doc_type))
    if tag:
        terms.append(Term("tags", tag.strip().lower().lstrip("#")))
    if category_id is not None:
        terms.append(Term("category", str(category_id)))
    if solved:
        terms.append(Term("solved", True))
    return And(terms) if terms else None


def _visible_objects(viewer: Any, keys: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_type: dict[str, list[int]] = {}
    for doc_type, doc_id in keys:
        by_type.setdefault(doc_type, []).append(doc_id)
    visible: dict[tuple[str, int], Any] = {}
    for doc_type, ids in by_type.items():
        source = SOURCES.get(doc_type)
        if source is None:
            continue
        for doc_id, obj in source.visible(db.session, viewer, ids).items():
            visible[(doc_type, doc_id)] = obj
    return visible


def _snippet(hit: Any, results: Any) -> Markup:
    results.fragmenter = ContextFragmenter(maxchars=rules.SNIPPET_CHARS, surround=60)
    for name in ("body", "answers"):
        text = (hit.get(name) or "")[: rules.HIGHLIGHT_MAX_CHARS]
        if text:
            found = hit.highlights(name, text=text, top=2)
            if found:
                return Markup(found)
    body = hit.get("body") or hit.get("answers") or ""
    cut = body[: rules.SNIPPET_CHARS]
    return escape(cut + ("…" if len(body) > len(cut) else ""))


def _title_html(hit: Any, results: Any, title: str) -> Markup:
    """The current title (from the database), its matched words marked."""
    results.fragmenter = WholeFragmenter()
    found = hit.highlights("title", text=title)
    return Markup(found) if found else escape(title)


# ----------------------------------------------------------------------------- search

def search(viewer: Any, q: str, *, doc_type: str = rules.DEFAULT_TYPE, tag: str | None = None,
           category_id: int | None = None, solved: bool = False, sort: str = rules.DEFAULT_SORT,
           page: int = 1, per_page: int = 20) -> SearchPage:
    """One page of results the viewer may see, with highlighted title and snippet (issue 3).

    Raises QueryError when there is nothing to search for; ``notice`` explains a fallback.
    """
    parsed = parse_query(q)
    doc_type = doc_type if doc_type in rules.TYPES else rules.DEFAULT_TYPE
    sort = sort if sort in rules.SORTS else rules.DEFAULT_SORT
    page = max(1, page)
    result = SearchPage(q=q, page=page, per_page=per_page, notice=parsed.notice)
    if not exists():
        return result
    kwargs: dict[str, Any] = {"filter": _filter(doc_type, tag, category_id, solved),
                              "mask": _restricted_mask(viewer), "limit": page * per_page, "terms": True}
    sort_field = rules.SORTS[sort]
    if sort_field:
        kwargs.update(sortedby=sort_field, reverse=True)

    def run(searcher: Any) -> SearchPage:
        page_result = SearchPage(q=q, page=page, per_page=per_page, notice=parsed.notice)
        results = searcher.search(parsed.query, **kwargs)
        page_result.total = len(results)
        page_hits = list(results)[(page - 1) * per_page: page * per_page]
        results.formatter = HtmlFormatter(tagname="mark", classname="hl", between=" … ")
        visible = _visible_objects(viewer, [(h["type"], h["doc_id"]) for h in page_hits])
        for hit in page_hits:
            key = (hit["type"], hit["doc_id"])
            obj = visible.get(key)
            if obj is None:
                page_result.total -= 1  # stale entry: gone or hidden since it was indexed
                continue
            page_result.items.append(Hit(
                type=key[0], id=key[1], title=obj.title, title_html=_title_html(hit, results, obj.title),
                snippet=_snippet(hit, results), relevance=round(float(hit.score or 0.0), 4),
                url=SOURCES[key[0]].url(key[1]), obj=obj))
        return page_result

    return with_searcher(run)


def similar_questions(viewer: Any, title: str, limit: int = rules.SIMILAR_LIMIT) -> list[dict[str, Any]]:
    """Published questions most like a title being typed, any of its words matching (docs/api.md:
    GET /questions/similar): ``{id, title, score, answer_count, accepted, relevance, url}``."""
    words = plain_words(title or "")
    limit = max(1, min(limit, rules.SIMILAR_LIMIT))
    if len(words) < rules.SIMILAR_MIN_TITLE or not exists():
        return []
    query = _parser(qparser.OrGroup, rules.SIMILAR_FIELD_BOOSTS).parse(words)
    if query is NullQuery or query is None:
        return []
    # No filter or mask here (each costs more than the search itself as the title is typed):
    # over-fetch, keep the questions, and let the database check drop what the viewer may not see.
    hits = with_searcher(lambda searcher: [(h["doc_id"], float(h.score or 0.0)) for h in searcher.search(
        query, limit=limit * rules.SIMILAR_OVERFETCH) if h["type"] == "question"])
    if not hits:
        return []
    visible = SOURCES["question"].visible(db.session, viewer, [i for i, _s in hits])
    items = []
    for doc_id, relevance in hits:
        question = visible.get(doc_id)
        if question is None:
            continue
        items.append({"id": question.id, "title": question.title, "score": question.score,
                      "answer_count": question.answer_count, "accepted": question.accepted_answer_id is not None,
                      "relevance": round(relevance, 4), "url": SOURCES["question"].url(question.id)})
        if len(items) == limit:
            break
    return items


def outbox_backlog() -> tuple[int, Any]:
    """(rows waiting, oldest queued_at) of the search outbox, for /healthz and the tick."""
    from forum.search.models import SearchOutbox

    row = db.session.execute(sa.select(sa.func.count(SearchOutbox.id), sa.func.min(SearchOutbox.queued_at))).one()
    return int(row[0] or 0), row[1]


def search_healthy() -> bool:
    """/healthz: the index exists and is writable, and no update has waited too long."""
    from forum.search.index import writable

    try:
        if not writable():
            return False
        count, oldest = outbox_backlog()
    except Exception:  # noqa: BLE001 - a probe answers, it does not fail
        return False
    if count and oldest is not None:
        waited = (db.utcnow() - oldest).total_seconds()
        if waited > rules.OUTBOX_MAX_AGE_SECONDS:
            return False
    return True
