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
from whoosh.query import And, NullQuery, Or, Query, Term

from forum import db
from forum.accounts.queries import sees_restricted_categories
from forum.qa.queries import restricted_category_ids
from forum.search import backend, rules
from forum.search.documents import SOURCES, doc_key
from forum.search.expand import TEXT_FIELDS, expand, suggestion
from forum.search.highlight import SNIPPET_FIELDS, formatter, plain_snippet, snippet, title_html
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
    language: str = "en"  # "en" or "zh": the document's language
    other_language: bool = False  # not the query's language (shown as such)
    by_meaning: bool = False  # found by the semantic retriever only


@dataclass
class SearchPage:
    q: str
    items: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    notice: str | None = None
    suggestion: str | None = None  # "Did you mean …": the query with misspelt words corrected
    estimated: bool = False  # `total` is an estimate (many matches: shown as "about N results")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# ----------------------------------------------------------------------------- parsing

_FIELD_PREFIX = re.compile(r"(?<![\w:])([^\W\d_][\w]*):")
_WORDS = re.compile(r"[^\W_]+")
_HAN_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORDS = re.compile(r"[A-Za-z]+")
# Query syntax that asks for exact words (no semantic half): quotes, fields, +/-word, operators.
_SYNTAX = re.compile(r'"|(?<![\w:])[A-Za-z]+:\S|(?:^|\s)[-+]\S|\b(?:AND|OR|NOT)\b')


def any_words() -> Any:
    """The default group of a free-text query: any word. BM25F sums the scores of the words a
    document matches, so documents matching more of them rank higher. (Whoosh's coordination
    factor is not used: its "SQR" formula scores a query that reaches one term as 0, and the +/-
    plugin regroups the free words without it anyway.)"""
    return qparser.OrGroup


def _parser(group: Any = None, boosts: dict[str, float] = rules.FIELD_BOOSTS) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(boosts), SCHEMA, fieldboosts=boosts, group=group or any_words())
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.PlusMinusPlugin())  # +word required, -word excluded
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


_INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


def parse_query(text: str, group: Any = None) -> ParsedQuery:
    """The member's query: fields (title:, body:, answers:, tag:), "phrases", AND/OR/NOT, +word,
    -word and parentheses; free text matches any of its words, documents matching more of them
    ranking higher (BM25F's sum). A hyphen inside a word (e-mail, single-sign-on) joins
    words, it does not exclude. Unknown field names are plain words. Malformed syntax falls back
    to the plain words, with a notice."""
    text = _INNER_HYPHEN.sub(" ", (text or "").strip())
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


FILTER_CACHE_SIZE = 32  # filter/mask document sets kept per searcher (one index generation)


def _docset(searcher: Any, query: Query | None) -> Any:
    """The documents a filter or mask query stands for, kept on the searcher (so for one index
    generation): a category mask or a type filter costs a pass over its postings only once."""
    if query is None:
        return None
    cache = searcher.__dict__.setdefault("_forum_docsets", {})
    key = repr(query)
    if key not in cache:
        if len(cache) >= FILTER_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        # A plain set (never changed once cached): Whoosh's own BitSet answers "is it empty?"
        # by scanning all its bits, and its collectors ask that for every matching document.
        cache[key] = set(searcher.docs_for_query(query))
    return cache[key]


def _total(results: Any, limit: int) -> tuple[int, bool]:
    """How many documents matched, and whether that is an estimate: exact when fewer than
    `limit` did (all of them were collected); otherwise Whoosh's estimate from the words'
    document frequencies, at most the index's size (counting every match of a common word was
    most of the time of a search on a large index)."""
    scored = results.scored_length()
    if scored < limit:  # the heap never filled, so no block was skipped: every match was scored
        return scored, False
    # (not results.has_exact_length(): after a search that skipped blocks it may claim an exact
    # count and then count every match again)
    reader = results.searcher.reader()
    return max(scored, min(reader.doc_count(), int(results.q.estimate_size(reader)))), True


def without_common_words(query: Query, reader: Any) -> Query:
    """A free-text query without its very common words ("how", "app" on a large index) when it
    has rarer ones: they carry almost no weight in the ranking (their inverse document frequency
    is low) but matching any of them makes most of the index a candidate to score, which is most
    of the time of a search. A query of common words only, and any other query, is unchanged."""
    # only the any-word group of free text: one Or with a clause per word and field (a single
    # word's Or is over its fields only, and those are not words)
    if not isinstance(query, Or) or len(query.subqueries) < 2:
        return query
    size = reader.doc_count()
    if size < rules.COMMON_WORD_MIN_DOCS:
        return query
    words = {_word_of(sub) for sub in query.subqueries} - {None}
    if len(words) < 2:
        return query
    common = {w for w in words if max(reader.doc_frequency(f, w) for f in TEXT_FIELDS) > rules.COMMON_WORD_SHARE * size}
    if not common or common == words:
        return query
    kept = [sub for sub in query.subqueries if _word_of(sub) not in common]
    return kept[0] if len(kept) == 1 else Or(kept, boost=query.boost, scale=query.scale)


def narrowed(query: Query, reader: Any) -> list[Query]:
    """Cheaper first passes for a free-text query made only of common words (see
    without_common_words): its words where they weigh most, in the title or the tags. When a pass
    fills the page's window it gives the page — in practice the best-ranked documents of the whole
    query — without scoring the long tail of matches in bodies and answers (Whoosh scores a posting in
    about 5 µs, and a common word's tens of thousands of postings are most of a
    search's time); when none fills it the whole query runs. None for a query with a rare word,
    one that is not free text, or a small index. (An And of all the words was tried as a first
    pass: intersecting common words' postings in Python costs nearly as much as scoring them.)"""
    if reader.doc_count() < rules.COMMON_WORD_MIN_DOCS:
        return []
    clauses = query.subqueries if isinstance(query, Or) else [query]
    by_word: dict[str, list[Query]] = {}
    for sub in clauses:
        word = _word_of(sub)
        if word is None:
            return []
        by_word.setdefault(word, []).append(sub)
    size = reader.doc_count()
    if any(max(reader.doc_frequency(f, w) for f in TEXT_FIELDS) <= rules.COMMON_WORD_SHARE * size for w in by_word):
        return []
    passes: list[Query] = []
    strong = [sub for sub in clauses if _field_of(sub) in rules.STRONG_FIELDS]
    if strong and len(strong) < len(clauses):
        passes.append(strong[0] if len(strong) == 1 else Or(strong))
    return passes


def _field_of(query: Query) -> str | None:
    if isinstance(query, Term):
        return query.fieldname
    if isinstance(query, Or) and query.subqueries:
        return _field_of(query.subqueries[0])
    return None


def _word_of(query: Query) -> str | None:
    """The query word a clause of the any-word group stands for (a widened word is an Or whose
    first clause is the word as typed)."""
    if isinstance(query, Term):
        return query.text if query.fieldname in TEXT_FIELDS and isinstance(query.text, str) else None
    if isinstance(query, Or) and query.subqueries:
        return _word_of(query.subqueries[0])
    return None


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


# ----------------------------------------------------------------------------- search

def language_of(text: str) -> str:
    from forum.search.semantic import language_of as detect

    return detect(text)


def fuse(*ranked: tuple[list[Any], float]) -> list[Any]:
    """Reciprocal rank fusion of ranked lists of keys (each with its weight): a key's score is the
    sum of weight / (rules.RRF_K + rank) over the lists that hold it; ties keep first-seen order."""
    scores: dict[Any, float] = {}
    for keys, weight in ranked:
        for rank, key in enumerate(keys, 1):
            scores[key] = scores.get(key, 0.0) + weight / (rules.RRF_K + rank)
    return sorted(scores, key=lambda k: -scores[k])


def _semantic_candidates(q: str, doc_type: str, parsed: ParsedQuery, semantic: bool | None) -> list[tuple[str, int, float]]:
    """The semantic retriever's nearest documents for a free-text query (none for a query that
    uses syntax: a phrase, a field, -word or an operator asks for exact words)."""
    from forum.search import semantic as sem

    if semantic is False or parsed.notice or not sem.enabled():
        return []
    if _SYNTAX.search(q):
        return []
    return sem.nearest(q, list(SOURCES) if doc_type == "all" else [doc_type])


def search(viewer: Any, q: str, *, doc_type: str = rules.DEFAULT_TYPE, tag: str | None = None,
           category_id: int | None = None, solved: bool = False, sort: str = rules.DEFAULT_SORT,
           page: int = 1, per_page: int = 20, semantic: bool | None = None) -> SearchPage:
    """One page of results the viewer may see, with highlighted title and snippet (issues 3, 11).

    Keyword hits (any word, synonyms and typo corrections: search.expand) are fused by rank with
    the semantic retriever's nearest documents when it is available and the results are sorted
    by relevance; ``suggestion`` is the "Did you mean …" query. Raises QueryError when there is
    nothing to search for; ``notice`` explains a fallback.
    """
    if backend.postgres():  # the same page from the PostgreSQL index (search.backend)
        from forum.search import pgquery

        return pgquery.search(viewer, q, doc_type=doc_type, tag=tag, category_id=category_id, solved=solved,
                              sort=sort, page=page, per_page=per_page, semantic=semantic)
    parsed = parse_query(q)
    doc_type = doc_type if doc_type in rules.TYPES else rules.DEFAULT_TYPE
    sort = sort if sort in rules.SORTS else rules.DEFAULT_SORT
    page = max(1, page)
    result = SearchPage(q=q, page=page, per_page=per_page, notice=parsed.notice)
    if not exists():
        return result
    # The semantic retriever embeds the query on its own thread while Whoosh answers the keyword half.
    from forum.search import semantic as sem

    pending = sem.in_background(_semantic_candidates, q, doc_type, parsed, semantic) \
        if sort == "relevance" and semantic is not False and sem.enabled() else None
    filters = {"filter": _filter(doc_type, tag, category_id, solved), "mask": _restricted_mask(viewer)}
    window = page * per_page
    limit = max(window, rules.KEYWORD_CANDIDATES) if pending is not None else window
    kwargs: dict[str, Any] = {"limit": limit}
    sort_field = rules.SORTS[sort]
    if sort_field:
        kwargs.update(sortedby=sort_field, reverse=True)
    query_language = language_of(q)

    def run(searcher: Any) -> SearchPage:
        page_result = SearchPage(q=q, page=page, per_page=per_page, notice=parsed.notice)
        expansion = expand(parsed.query, q, searcher.reader())
        page_result.suggestion = suggestion(q, expansion.corrections)
        masks = {name: _docset(searcher, fq) for name, fq in filters.items()}
        if masks["filter"] is not None and not masks["filter"]:
            return page_result  # the filter matches no document (Whoosh reads an empty set as none)
        if not masks["mask"]:
            masks["mask"] = None  # nothing to hide
        query = without_common_words(expansion.query, searcher.reader())
        results = None
        for first in narrowed(query, searcher.reader()) if sort == "relevance" else ():
            results = searcher.search(first, **masks, **kwargs)
            if results.scored_length() >= limit:
                results.q = query  # the estimated total is the whole query's
                break
            results = None
        if results is None:
            results = searcher.search(query, **masks, **kwargs)
        # The query's words of each field, found once per page (Whoosh's hit.highlights() expands the
        # query's fuzzy terms against the index again for every hit and field).
        words = {name: frozenset(SCHEMA[name].from_bytes(text) for _f, text
                                 in results.query_terms(expand=True, fieldname=name))
                 for name in ("title", *SNIPPET_FIELDS)}
        marks = formatter()
        keyword_hits = [hit for hit in results]  # not list(results): it asks len(), a count of every match
        by_key = {h["key"]: h for h in keyword_hits}
        order = [h["key"] for h in keyword_hits]
        total, page_result.estimated = _total(results, limit)
        meaning_only: set[str] = set()
        near = sem.answer_of(pending, [])
        if near:
            wanted = [doc_key(t, i) for t, i, _sim in near]
            found = searcher.search(Or([Term("key", k) for k in wanted]), limit=len(wanted), **masks)
            allowed = {h["key"] for h in found}
            for h in found:
                by_key.setdefault(h["key"], h)
            semantic_keys = [k for k in wanted if k in allowed]
            fused = fuse((order[: rules.KEYWORD_CANDIDATES], 1.0), (semantic_keys, rules.SEMANTIC_WEIGHT))
            meaning_only = {k for k in semantic_keys if k not in set(order)}
            order = fused + [k for k in order[rules.KEYWORD_CANDIDATES:] if k not in set(fused)]
            total += len(meaning_only)
        page_result.total = total
        page_keys = order[(page - 1) * per_page: page * per_page]
        page_hits = [by_key[k] for k in page_keys]
        visible = _visible_objects(viewer, [(h["type"], h["doc_id"]) for h in page_hits])
        for hit in page_hits:
            key = (hit["type"], hit["doc_id"])
            obj = visible.get(key)
            if obj is None:
                page_result.total -= 1  # stale entry: gone or hidden since it was indexed
                continue
            language = language_of(f"{obj.title} {hit.get('body') or ''}"[:400])
            by_meaning = hit["key"] in meaning_only  # no word of the query to mark: a plain snippet
            page_result.items.append(Hit(
                type=key[0], id=key[1], title=obj.title,
                title_html=escape(obj.title) if by_meaning else title_html(obj.title, words, marks),
                snippet=plain_snippet(hit) if by_meaning else snippet(hit, words, marks),
                relevance=round(float(hit.score or 0.0), 4),
                url=SOURCES[key[0]].url(key[1]), obj=obj, language=language,
                other_language=language != query_language, by_meaning=by_meaning))
        return page_result

    return with_searcher(run)


def similar_documents(viewer: Any, title: str, doc_type: str, limit: int = rules.SIMILAR_LIMIT) -> list[tuple[Any, float]]:
    """Published documents of one type most like a title being typed: any of its words (with
    synonyms and typo corrections) fused with the semantic retriever, as (row, relevance)."""
    words = plain_words(title or "")
    limit = max(1, min(limit, rules.SIMILAR_LIMIT))
    if len((title or "").strip()) < rules.SIMILAR_MIN_TITLE or not (backend.postgres() or exists()):
        return []
    from forum.search import semantic as sem

    query = _parser(None, rules.SIMILAR_FIELD_BOOSTS).parse(words) if words else NullQuery
    pending = sem.in_background(sem.nearest, title, [doc_type], limit * 2) if sem.enabled() else None

    # No filter or mask here (each costs more than the search itself as the title is typed):
    # over-fetch, keep the type, and let the database check drop what the viewer may not see.
    def run(searcher: Any) -> list[tuple[int, float]]:
        if query is NullQuery or query is None:
            return []
        expanded = without_common_words(expand(query, words, searcher.reader()).query, searcher.reader())
        return [(h["doc_id"], float(h.score or 0.0)) for h in searcher.search(
            expanded, limit=limit * rules.SIMILAR_OVERFETCH) if h["type"] == doc_type]

    if backend.postgres():
        from forum.search import pgquery

        hits = [] if query is NullQuery or query is None else pgquery.similar_hits(
            query, words, doc_type, limit * rules.SIMILAR_OVERFETCH)
    else:
        hits = with_searcher(run)
    near = sem.answer_of(pending, [])
    relevance = dict(hits)
    for _t, doc_id, sim in near:
        relevance.setdefault(doc_id, round(sim, 4))
    ids = fuse(([i for i, _s in hits], 1.0), ([i for _t, i, _s in near], rules.SEMANTIC_WEIGHT))
    if not ids:
        return []
    visible = SOURCES[doc_type].visible(db.session, viewer, ids)
    out = [(visible[i], relevance[i]) for i in ids if i in visible]
    return out[:limit]


def similar_questions(viewer: Any, title: str, limit: int = rules.SIMILAR_LIMIT) -> list[dict[str, Any]]:
    """Published questions most like a title being typed (docs/api.md: GET /questions/similar):
    ``{id, title, score, answer_count, accepted, relevance, url}``."""
    return [{"id": q.id, "title": q.title, "score": q.score, "answer_count": q.answer_count,
             "accepted": q.accepted_answer_id is not None, "relevance": round(relevance, 4),
             "url": SOURCES["question"].url(q.id)}
            for q, relevance in similar_documents(viewer, title, "question", limit)]


def similar_ideas(viewer: Any, title: str, limit: int = rules.SIMILAR_LIMIT) -> list[dict[str, Any]]:
    """Published ideas most like the title of an idea being submitted (duplicates are the idea
    board's main waste): ``{id, title, status, relevance, url}``."""
    return [{"id": i.id, "title": i.title, "status": str(getattr(i.status, "value", i.status)),
             "relevance": round(relevance, 4), "url": SOURCES["idea"].url(i.id)}
            for i, relevance in similar_documents(viewer, title, "idea", limit)]


def outbox_backlog() -> tuple[int, Any]:
    """(rows waiting, oldest queued_at) of the search outbox, for /healthz and the tick."""
    from forum.search.models import SearchOutbox

    row = db.session.execute(sa.select(sa.func.count(SearchOutbox.id), sa.func.min(SearchOutbox.queued_at))).one()
    return int(row[0] or 0), row[1]


def _pg_writable() -> bool:
    from forum.search.pgindex import writable

    return writable()


def search_healthy() -> bool:
    """/healthz: the index exists and is writable, and no update has waited too long."""
    from forum.search.index import writable

    try:
        if not (_pg_writable() if backend.postgres() else writable()):
            return False
        count, oldest = outbox_backlog()
    except Exception:  # noqa: BLE001 - a probe answers, it does not fail
        return False
    if count and oldest is not None:
        waited = (db.utcnow() - oldest).total_seconds()
        if waited > rules.OUTBOX_MAX_AGE_SECONDS:
            return False
    return True
