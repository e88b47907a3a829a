"""Search: the PostgreSQL backend's reads (search.backend; the index is written by search.pgindex).

The same query language as Whoosh, because it is the same parser (queries.parse_query) and the
same widening (search.expand, here over ``Reader``: the vocabulary in ``search_terms`` and an
in-memory copy of the spelling words per process). The parsed and widened Whoosh query tree is
then translated, node by node, into a tsquery (``translate``, ``to_tsquery``):

- a word in a field → its lexeme restricted to the field's weight (``'reset':A``); the same word
  in every text field → the bare lexeme (so the GIN index answers without rechecking rows);
- ``tag:name`` → the lexeme ``#name``; a phrase → ``<->``; AND → ``&``; OR → ``|``; NOT, -word →
  ``!``; +word → required (``&``), the optional words only ranking;
- lexemes are quoted and escaped, and the whole tsquery is a bound parameter cast to tsquery
  (never SQL built from the member's text, and never PostgreSQL's parser: the words are the
  forum analyzer's, as in the index).

Ranking. Matching is PostgreSQL's (``tsv @@ query`` with the filters and the restricted-category
mask as SQL conditions); ranking is Whoosh's own formula (BM25F per field with the field boosts,
summed over the query tree as Whoosh's matchers sum), computed here for a bounded set of
candidates from the query words' positions, so both backends order alike. Candidates, each pass
newest first and at most rules.PG_PASS_LIMIT (or the page's depth): documents matching in the
title or tags (the small ``head`` vector), matching every word, holding the query's rarest words,
and matching at all. A common word matches tens of thousands of documents, and ranking (or
counting) every one costs far more than the 50 ms a search may take; when the last pass is full
the total is estimated from the words' document counts and the filters' shares ("about N").
Each pass's plan is chosen from the vocabulary's exact counts (``_pass_sql``), and the statement
runs unprepared (``unprepared``), so that PostgreSQL plans it for its words every time.

Pages: the hits' stored text is highlighted by Whoosh's own highlighter and analyzer (the same
marks and snippets as on Whoosh); the semantic half of a hybrid search is embedded in a worker
thread while PostgreSQL answers the keyword half, and fused by rank as on Whoosh.
"""

from __future__ import annotations

import math
import threading
import time
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton
from whoosh.query import And, AndMaybe, AndNot, DisjunctionMax, Every, Not, Or, Phrase, Query, Require, Term
from whoosh.util.numeric import byte_to_length, length_to_byte

from forum import db
from forum.search import rules
from forum.search.documents import SOURCES, doc_key
from forum.search.highlight import formatter, plain_snippet, snippet, title_html
from forum.search.models import SearchDocument, SearchTerm
from forum.search.pgindex import (ANY_FIELD, CATEGORIES, DOCS, FIELDS_BY_WEIGHT, GENERATION, LENGTHS, SOLVED, SPELL,
                                  TAG_PREFIX, TYPES, parse_tsvector, quote)

SCORED_FIELDS = ("title", "tagtext", "body", "answers", "tags")


# ----------------------------------------------------------------------------- the spelling words

class SpellWords:
    """The unstemmed spelling words with their document counts, kept per process (per app) and
    brought up to date from ``search_terms`` by the rows changed since the last look."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.words: list[str] = []
        self.seen = 0  # the last write (search_terms "#gen") read
        self.checked = 0.0
        self.loaded_at = float("-inf")  # never: the first look loads everything

    def refresh(self, session: Any) -> None:
        now = time.monotonic()
        if now - self.checked < rules.VOCABULARY_REFRESH_SECONDS:
            return
        with self.lock:
            generation = int(session.scalar(sa.select(SearchTerm.changed).where(
                SearchTerm.field_name == GENERATION, SearchTerm.term == "")) or 0)
            if generation < self.seen or now - self.loaded_at > rules.VOCABULARY_FULL_RELOAD_SECONDS:
                rows = session.execute(sa.select(SearchTerm.term, SearchTerm.doc_count).where(
                    SearchTerm.field_name == SPELL, SearchTerm.doc_count > 0)).all()
                counts = {t: int(n) for t, n in rows}
                self.counts, self.words = counts, sorted(counts)  # new objects: readers keep the old ones
                self.loaded_at = now
            elif generation > self.seen:
                changed = session.execute(sa.select(SearchTerm.term, SearchTerm.doc_count).where(
                    SearchTerm.field_name == SPELL, SearchTerm.changed > self.seen)).all()
                if len(changed) > 1000:  # a rebuild: sorting once beats inserting each
                    counts = dict(self.counts)
                    for term, count in changed:
                        counts[term] = int(count)
                    counts = {t: n for t, n in counts.items() if n > 0}
                    self.counts, self.words = counts, sorted(counts)
                elif changed:
                    counts, words = dict(self.counts), list(self.words)  # copied: other threads read
                    for term, count in changed:
                        self._set(counts, words, term, int(count))
                    self.counts, self.words = counts, words
            self.seen, self.checked = generation, now

    @staticmethod
    def _set(counts: dict[str, int], words: list[str], term: str, count: int) -> None:
        if count > 0:
            if term not in counts:
                insort(words, term)
            counts[term] = count
        elif term in counts:
            del counts[term]
            i = bisect_left(words, term)
            if i < len(words) and words[i] == term:
                del words[i]

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def within(self, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """The words within `maxdist` edits of `word` sharing its first `prefix` letters (a
        Levenshtein automaton walked over the sorted words, as Whoosh's reader does)."""
        words = self.words
        if not words:
            return []

        def first_at_least(s: str) -> str | None:
            i = bisect_left(words, s)
            return words[i] if i < len(words) else None

        dfa = levenshtein_automaton(word, maxdist, prefix).to_dfa()
        return list(find_all_matches(dfa, first_at_least))


def vocabulary() -> SpellWords:
    """This app's copy of the spelling words (one per app: tests make many)."""
    ext = current_app.extensions
    found = ext.get("forum.search_vocabulary")
    if found is None:
        found = ext.setdefault("forum.search_vocabulary", SpellWords())
    return found


# ----------------------------------------------------------------------------- the reader expand() reads

class _Schema:
    def names(self) -> list[str]:
        from forum.search.index import SCHEMA

        return list(SCHEMA.names())


class Reader:
    """What search.expand and the ranking read of the index: document frequencies per field
    (fetched from ``search_terms`` in batches and kept for the search), the collection's size and
    field lengths, and the spelling words within an edit distance."""

    schema = _Schema()

    def __init__(self, session: Any) -> None:
        self.session = session
        self.spell = vocabulary()
        self.spell.refresh(session)
        self.df: dict[tuple[str, str], int] = {}
        self.docs = 0
        self.lengths: dict[str, int] = {}
        self.shares: dict[tuple[str, str], int] = {}  # (#type/#cat/#solved, value) → documents
        self._stats = False

    def fetch(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Read the document frequencies of these (field, term) pairs not read yet (one query)."""
        wanted = {p for p in pairs if p not in self.df and p[0] != SPELL}
        if not self._stats:
            wanted |= {(DOCS, "")}
        if not wanted:
            return
        stmt = sa.select(SearchTerm.field_name, SearchTerm.term, SearchTerm.doc_count).where(
            sa.tuple_(SearchTerm.field_name, SearchTerm.term).in_(sorted(wanted)))
        if not self._stats:
            stmt = stmt.union_all(sa.select(SearchTerm.field_name, SearchTerm.term, SearchTerm.doc_count).where(
                SearchTerm.field_name.in_((LENGTHS, TYPES, CATEGORIES, SOLVED))))
        for f, t, n in self.session.execute(stmt):
            if f == DOCS:
                self.docs = int(n)
            elif f == LENGTHS:
                self.lengths[t] = int(n)
            elif f in (TYPES, CATEGORIES, SOLVED):
                self.shares[(f, t)] = int(n)
            else:
                self.df[(f, t)] = int(n)
        for p in wanted:
            self.df.setdefault(p, 0)
        self._stats = True

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        if fieldname == SPELL:
            return self.spell.count(text)
        key = (fieldname, str(text))
        if key not in self.df:
            self.fetch([key])
        return self.df.get(key, 0)

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> Iterator[str]:
        if fieldname != SPELL:
            return iter(())
        return iter(self.spell.within(text, maxdist, prefix))

    def doc_count_all(self) -> int:
        self.fetch(())
        return self.docs

    doc_count = doc_count_all  # no deleted documents wait in PostgreSQL's index

    # BM25F as Whoosh computes it (whoosh.scoring.BM25F; lengths stored as Whoosh stores them)
    def idf(self, fieldname: str, text: str) -> float:
        n = self.doc_frequency(fieldname, text)
        return math.log(max(self.docs, 1) / (n + 1)) + 1

    def avg_length(self, fieldname: str) -> float:
        return (self.lengths.get(fieldname, 0) / self.docs if self.docs else 0) or 1


# ----------------------------------------------------------------------------- Whoosh query → tsquery

@dataclass(frozen=True)
class Lex:
    text: str
    labels: frozenset[str] | None  # weight labels (fields); None: any field


@dataclass(frozen=True)
class Phr:
    words: tuple[str, ...]
    labels: frozenset[str] | None


@dataclass(frozen=True)
class Bool:
    op: str  # "&" or "|"
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Neg:
    item: Any


class _Constant:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ALL = _Constant("ALL")  # matches every document
NONE = _Constant("NONE")  # matches none
_EVERY_LABEL = frozenset("ABCD")


def _labels(labels: frozenset[str] | None) -> frozenset[str] | None:
    return None if labels is None or labels >= _EVERY_LABEL else labels


def _word(text: Any) -> str | None:
    return text if isinstance(text, str) and text and len(text) <= rules.PG_MAX_WORD + len(TAG_PREFIX) else None


def _field_label(fieldname: str) -> frozenset[str] | None:
    label = rules.PG_WEIGHTS.get(fieldname)
    return frozenset(label) if label else None


def translate(q: Query) -> Any:
    """The tsquery tree (Lex, Phr, Bool, Neg, ALL, NONE) that matches what the Whoosh query does."""
    if isinstance(q, Term):
        word = _word(q.text)
        if word is None:
            return NONE
        if q.fieldname == "tags":
            return Lex(TAG_PREFIX + word, None)
        label = _field_label(q.fieldname)
        return Lex(word, _labels(label)) if label else NONE
    if isinstance(q, Phrase):
        label = _field_label(q.fieldname)
        words = tuple(q.words)
        if label is None or not words or any(_word(w) is None for w in words):
            return NONE
        return Lex(words[0], _labels(label)) if len(words) == 1 else Phr(words, _labels(label))
    if isinstance(q, Not):
        return negate(translate(q.query))
    if isinstance(q, AndNot):
        return conj([translate(q.a), negate(translate(q.b))])
    if isinstance(q, AndMaybe):
        return translate(q.a)
    if isinstance(q, Require):
        return conj([translate(q.a), translate(q.b)])
    if isinstance(q, And):
        return conj([translate(s) for s in q.subqueries])
    if isinstance(q, (Or, DisjunctionMax)):
        return disj([translate(s) for s in q.subqueries])
    if isinstance(q, Every):
        return ALL
    return NONE  # nothing else comes out of the parser (prefix, wildcard, range, fuzzy are off)


def negate(node: Any) -> Any:
    if node is ALL:
        return NONE
    if node is NONE:
        return ALL
    if isinstance(node, Neg):
        return node.item
    return Neg(node)


def conj(items: Iterable[Any]) -> Any:
    out: list[Any] = []
    for item in items:
        if item is NONE:
            return NONE
        if item is ALL:
            continue
        for sub in item.items if isinstance(item, Bool) and item.op == "&" else (item,):
            if sub not in out:
                out.append(sub)
    if not out:
        return ALL
    return out[0] if len(out) == 1 else Bool("&", tuple(out))


def disj(items: Iterable[Any]) -> Any:
    """OR, the same word (or phrase) in several fields merged into one lexeme with their labels."""
    out: list[Any] = []
    merged: dict[tuple[str, Any], int] = {}
    flat: list[Any] = []
    for item in items:
        flat.extend(item.items if isinstance(item, Bool) and item.op == "|" else (item,))
    for item in flat:
        if item is ALL:
            return ALL
        if item is NONE:
            continue
        if isinstance(item, (Lex, Phr)):
            key = ("lex", item.text) if isinstance(item, Lex) else ("phrase", item.words)
            at = merged.get(key)
            if at is not None:
                before = out[at]
                labels = None if before.labels is None or item.labels is None else _labels(before.labels | item.labels)
                out[at] = Lex(item.text, labels) if isinstance(item, Lex) else Phr(item.words, labels)
                continue
            merged[key] = len(out)
        if item not in out:
            out.append(item)
    if not out:
        return NONE
    return out[0] if len(out) == 1 else Bool("|", tuple(out))


def to_tsquery(node: Any) -> str:
    """tsquery input text for a tree without ALL/NONE inside (conj/disj/negate remove them)."""
    if isinstance(node, Lex):
        return quote(node.text) + (":" + "".join(sorted(node.labels)) if node.labels else "")
    if isinstance(node, Phr):
        suffix = ":" + "".join(sorted(node.labels)) if node.labels else ""
        return "(" + " <-> ".join(quote(w) + suffix for w in node.words) + ")"
    if isinstance(node, Bool):
        return "(" + f" {node.op} ".join(to_tsquery(i) for i in node.items) + ")"
    if isinstance(node, Neg):
        return "!" + to_tsquery(node.item)
    raise ValueError(f"no tsquery for {node!r}")


def positive_words(node: Any) -> list[str]:
    """The lexemes a matching document may hold (not under a NOT), in order, once each."""
    return _lexemes(node, negated=False)


def all_lexemes(node: Any) -> list[str]:
    """Every lexeme of the query, those under a NOT too, in order, once each."""
    return _lexemes(node, negated=True)


def _lexemes(node: Any, negated: bool) -> list[str]:
    found: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, Lex):
            found.append(n.text)
        elif isinstance(n, Phr):
            found.extend(n.words)
        elif isinstance(n, Bool):
            for i in n.items:
                walk(i)
        elif isinstance(n, Neg) and negated:
            walk(n.item)

    walk(node)
    return list(dict.fromkeys(found))


def _group_key(q: Query) -> Any:
    if isinstance(q, Term):
        return ("word", q.text)
    if isinstance(q, Phrase):
        return ("phrase", tuple(q.words))
    if isinstance(q, Or) and q.subqueries and isinstance(q.subqueries[0], (Term, Phrase)):
        return _group_key(q.subqueries[0])  # a word widened by search.expand
    return ("query", id(q))


def every_word(q: Query) -> Any | None:
    """The query narrowed to documents holding every word of its any-word part (one word: its
    fields and its synonyms and corrections), or None when that is the query itself."""
    if isinstance(q, AndNot):
        inner = every_word(q.a)
        return None if inner is None else conj([inner, negate(translate(q.b))])
    if isinstance(q, AndMaybe):
        inner = every_word(q.b)
        return conj([translate(q.a), inner if inner is not None else translate(q.b)])
    if isinstance(q, Or):
        groups: OrderedDict[Any, list[Query]] = OrderedDict()
        for sub in q.subqueries:
            groups.setdefault(_group_key(sub), []).append(sub)
        if len(groups) < 2:
            return None
        return conj([disj([translate(s) for s in group]) for group in groups.values()])
    return None


def estimate(node: Any, reader: Reader) -> float:
    """The share of documents a tree matches, from the words' document counts (independence)."""
    n = max(reader.docs, 1)
    if node is ALL:
        return 1.0
    if node is NONE:
        return 0.0
    if isinstance(node, Lex):
        if node.text.startswith(TAG_PREFIX):
            return reader.doc_frequency("tags", node.text[len(TAG_PREFIX):]) / n
        if node.labels is None:
            return reader.doc_frequency(ANY_FIELD, node.text) / n
        return min(1.0, sum(reader.doc_frequency(FIELDS_BY_WEIGHT[label], node.text) for label in node.labels) / n)
    if isinstance(node, Phr):
        return min(estimate(Lex(w, node.labels), reader) for w in node.words) / 2
    if isinstance(node, Neg):
        return 1.0 - estimate(node.item, reader)
    shares = [estimate(i, reader) for i in node.items]
    if node.op == "&":
        return math.prod(shares)
    return 1.0 - math.prod(1.0 - s for s in shares)


def upper_bound(node: Any, reader: Reader) -> int:
    """At most how many documents a tree matches (exact for one word)."""
    n = reader.docs
    if node is ALL:
        return n
    if node is NONE:
        return 0
    if isinstance(node, Lex):
        if node.text.startswith(TAG_PREFIX):
            return reader.doc_frequency("tags", node.text[len(TAG_PREFIX):])
        if node.labels is None:
            return reader.doc_frequency(ANY_FIELD, node.text)
        return min(reader.doc_frequency(ANY_FIELD, node.text),
                   sum(reader.doc_frequency(FIELDS_BY_WEIGHT[label], node.text) for label in node.labels))
    if isinstance(node, Phr):
        return min(upper_bound(Lex(w, node.labels), reader) for w in node.words)
    if isinstance(node, Neg):
        return n
    bounds = [upper_bound(i, reader) for i in node.items]
    return min(bounds) if node.op == "&" else min(n, sum(bounds))


# ----------------------------------------------------------------------------- ranking (Whoosh's formula)

class DocWords:
    """The query words one candidate holds: positions per (field, word), and its field lengths."""

    def __init__(self, words_text: str, lengths: dict[str, int]) -> None:
        self.lengths = lengths
        # field lengths as Whoosh stores them (one byte each), for BM25F's length normalization
        self.norms = {name: byte_to_length(length_to_byte(n)) for name, n in lengths.items()}
        self.positions: dict[tuple[str, str], list[int]] = {}
        for lexeme, pairs in parse_tsvector(words_text or "").items():
            if lexeme.startswith(TAG_PREFIX):
                self.positions[("tags", lexeme[len(TAG_PREFIX):])] = [p for p, _w in pairs] or [0]
                continue
            for pos, weight in pairs:
                self.positions.setdefault((FIELDS_BY_WEIGHT[weight], lexeme), []).append(pos)

    def tf(self, fieldname: str, text: str) -> int:
        return len(self.positions.get((fieldname, text), ()))

    def has_phrase(self, fieldname: str, words: tuple[str, ...]) -> bool:
        sets = [set(self.positions.get((fieldname, w), ())) for w in words]
        return any(all(p + i in sets[i] for i in range(1, len(words))) for p in sets[0])


Scorer = Callable[[DocWords], "float | None"]


def scorer(q: Query, reader: Reader) -> Scorer:
    """The query compiled into a function of a document's words that scores it as Whoosh's
    matchers do: BM25F per word and field times the word's boost, summed over OR and AND, AND
    NOT and a NOT scoring as their positive side or 1, a phrase as its words (Whoosh's
    coordination factor is not used, queries.any_words). None: the document does not match."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, Term):
        if q.fieldname not in SCORED_FIELDS or not isinstance(q.text, str):
            return lambda doc: None
        key, fieldname = (q.fieldname, q.text), q.fieldname
        idf, avgfl = reader.idf(q.fieldname, q.text), reader.avg_length(q.fieldname)
        k1, b = rules.BM25_K1, rules.BM25_B

        def term(doc: DocWords) -> float | None:
            at = doc.positions.get(key)
            if not at:
                return None
            tf = len(at)
            return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * doc.norms[fieldname] / avgfl))) * boost

        return term
    if isinstance(q, Phrase):
        words = tuple(q.words)
        if not words:
            return lambda doc: None
        parts = [scorer(Term(q.fieldname, w), reader) for w in words]
        fieldname = q.fieldname

        def phrase(doc: DocWords) -> float | None:
            if not doc.has_phrase(fieldname, words):
                return None
            return sum(p(doc) or 0.0 for p in parts) * boost

        return phrase
    if isinstance(q, Not):
        inner = scorer(q.query, reader)
        return lambda doc: None if inner(doc) is not None else 1.0 * boost
    if isinstance(q, AndNot):
        a, b_ = scorer(q.a, reader), scorer(q.b, reader)
        return lambda doc: None if b_(doc) is not None else a(doc)
    if isinstance(q, AndMaybe):
        a, b_ = scorer(q.a, reader), scorer(q.b, reader)

        def and_maybe(doc: DocWords) -> float | None:
            first = a(doc)
            return None if first is None else first + (b_(doc) or 0.0)

        return and_maybe
    if isinstance(q, Require):
        a, b_ = scorer(q.a, reader), scorer(q.b, reader)
        return lambda doc: None if b_(doc) is None else a(doc)
    if isinstance(q, And):
        subs = [scorer(sub, reader) for sub in q.subqueries]

        def all_of(doc: DocWords) -> float | None:
            total = 0.0
            for sub in subs:
                value = sub(doc)
                if value is None:
                    return None
                total += value
            return total * boost

        return all_of
    if isinstance(q, (Or, DisjunctionMax)):
        subs = [scorer(sub, reader) for sub in q.subqueries]
        best = isinstance(q, DisjunctionMax)

        def any_of(doc: DocWords) -> float | None:
            values = [v for v in (sub(doc) for sub in subs) if v is not None]
            if not values:
                return None
            return (max(values) if best else sum(values)) * boost

        return any_of
    if isinstance(q, Every):
        return lambda doc: 1.0 * boost
    return lambda doc: None


def query_terms(q: Query) -> list[tuple[str, str]]:
    """(field, word) of every word of the query (phrases' words too)."""
    return [(f, t) for f, t in q.iter_all_terms(phrases=True) if isinstance(t, str)]


# ----------------------------------------------------------------------------- running a query

@dataclass
class Filters:
    doc_type: str | None = None
    tag: str | None = None
    category_id: int | None = None
    solved: bool = False
    masked: list[int] | None = None  # restricted categories the viewer may not see

    def share(self, reader: Reader) -> float:
        """The share of documents the filters keep (from the vocabulary's counts)."""
        n = max(reader.docs, 1)
        share = 1.0
        if self.doc_type:
            share *= reader.shares.get((TYPES, self.doc_type), 0) / n
        if self.category_id is not None:
            share *= reader.shares.get((CATEGORIES, str(self.category_id)), 0) / n
        if self.solved:
            share *= reader.shares.get((SOLVED, "1"), 0) / n
        if self.masked:
            share *= max(0.0, 1.0 - sum(reader.shares.get((CATEGORIES, str(c)), 0) for c in self.masked) / n)
        return share


@dataclass
class Candidate:
    row: int  # search_documents.id: index order, Whoosh's order among equal scores
    key: str
    doc_type: str
    doc_id: int
    created: Any
    score: float
    words: DocWords | None = None  # the query words it holds (highlighting skips fields without)


@dataclass
class Ranked:
    hits: list[Candidate] = field(default_factory=list)
    total: int = 0
    estimated: bool = False


def _tag(tag: str) -> str:
    return tag.strip().lower().lstrip("#")


def relaxed(node: Any) -> Any:
    """The tree with every field restriction dropped (matches a superset, needs no recheck)."""
    if isinstance(node, Lex):
        return Lex(node.text, None)
    if isinstance(node, Phr):
        return Phr(node.words, None)
    if isinstance(node, Bool):
        return (conj if node.op == "&" else disj)([relaxed(i) for i in node.items])
    if isinstance(node, Neg):
        return node  # a NOT keeps its fields: relaxing it would exclude more
    return node


def _rechecks(node: Any) -> bool:
    """Whether PostgreSQL must read a document's words to test it (fields, phrases, NOT)."""
    if isinstance(node, Lex):
        return node.labels is not None
    if isinstance(node, (Phr, Neg)):
        return True
    if isinstance(node, Bool):
        return any(_rechecks(i) for i in node.items)
    return False


def _any_word(node: Any) -> bool:
    """Plain words in any field, any of them: every narrowing pass then implies the query."""
    items = node.items if isinstance(node, Bool) and node.op == "|" else (node,)
    return all(isinstance(i, Lex) and i.labels is None and not i.text.startswith(TAG_PREFIX) for i in items)


def _pass_sql(number: int, cond: str, expected: float, docs: int, limit: int, rechecks: bool) -> str:
    """One candidate pass: its documents newest first, at most :limit.

    Two plans, chosen from the pass's expected matches (the vocabulary's exact counts): read every
    match through the GIN index and sort them (the subquery keeps the planner from the other
    plan), or walk the date index newest first, testing each document until :limit matched. The
    walk tests about limit × documents / matches rows, each reading its words; the sort reads
    every match, cheaply unless the query makes PostgreSQL recheck rows (fields, phrases), so the
    walk wins above about sqrt(PG_WALK_COST × limit × documents) matches (one PG_WALK_COST-th of
    that with rechecks)."""
    walk_cost = 1.0 if rechecks else rules.PG_WALK_COST
    if expected <= math.sqrt(walk_cost * limit * docs):
        return (f"(SELECT s.id, {number} AS pass FROM (SELECT d.id, d.created FROM search_documents d "
                f"WHERE {cond} OFFSET 0) s ORDER BY s.created DESC, s.id DESC LIMIT :limit)")
    return (f"(SELECT d.id, {number} AS pass FROM search_documents d WHERE {cond} "
            "ORDER BY d.created DESC, d.id DESC LIMIT :limit)")


def _conditions(node: Any, filters: Filters, params: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(the query's condition, None for every document; the filters' and the mask's conditions)"""
    if node is NONE:
        return "false", []
    query = None
    if node is not ALL:
        params["q"] = to_tsquery(node)
        query = "d.tsv @@ CAST(:q AS tsquery)"
    conds = []
    if filters.tag:
        params["tag"] = quote(TAG_PREFIX + _tag(filters.tag))
        conds.append("d.tsv @@ CAST(:tag AS tsquery)")
    if filters.doc_type:
        params["doc_type"] = filters.doc_type
        conds.append("d.doc_type = :doc_type")
    if filters.category_id is not None:
        params["category"] = int(filters.category_id)
        conds.append("d.category_id = :category")
    if filters.solved:
        conds.append("d.solved")
    if filters.masked:
        params["masked"] = [int(c) for c in filters.masked]
        conds.append("NOT (d.category_id = ANY(CAST(:masked AS integer[])))")
    return query, conds


_LENGTHS = ("title_len", "tagtext_len", "body_len", "answers_len", "tags_len")


def run(session: Any, reader: Reader, q: Query, filters: Filters, limit: int, newest: bool = False,
        relax: bool = False) -> Ranked:
    """The query's best `limit` documents (or newest, `newest`) with their scores and the total.
    `relax`: match without field restrictions (no rechecks) and keep the candidates the query's
    own evaluation matches (similar documents: no total is shown)."""
    exact = translate(q)
    node = relaxed(exact) if relax else exact
    if node is NONE:
        return Ranked()
    wanted = [(f, t) for f, t in query_terms(q)]  # everything ranking and planning read, in one query
    for w in all_lexemes(node):
        if w.startswith(TAG_PREFIX):
            wanted.append(("tags", w[len(TAG_PREFIX):]))
        else:
            wanted += [(ANY_FIELD, w), ("title", w), ("tagtext", w), ("body", w), ("answers", w)]
    reader.fetch(wanted)
    params: dict[str, Any] = {"limit": max(limit, rules.PG_PASS_LIMIT)}
    query, filter_conds = _conditions(node, filters, params)
    tagged = conj([node, Lex(TAG_PREFIX + _tag(filters.tag), None)]) if filters.tag else node
    share = filters.share(reader)
    docs = max(reader.docs, 1)
    matches = estimate(tagged, reader) * share * docs  # of the whole query
    implied = _any_word(node)
    rechecks = _rechecks(node)

    def condition(narrowing: str | None) -> str:
        parts = [narrowing] if narrowing else []  # first: the head is small
        if query and not (implied and narrowing):
            parts.append(query)
        return " AND ".join(parts + filter_conds) or "true"

    passes: list[tuple[str | None, float]] = []  # (the pass's narrowing, its expected matches)
    if not newest and upper_bound(tagged, reader) > params["limit"]:
        words = [w for w in positive_words(node) if not w.startswith(TAG_PREFIX)]
        in_head = [w for w in words if reader.doc_frequency("title", w) or reader.doc_frequency("tagtext", w)]
        if in_head:
            params["head"] = " | ".join(quote(w) for w in in_head)
            head_share = 1.0 - math.prod(
                1.0 - min(1.0, (reader.doc_frequency("title", w) + reader.doc_frequency("tagtext", w)) / docs)
                for w in in_head)
            passes.append(("d.head @@ CAST(:head AS tsquery)", min(matches, head_share * share * docs)))
        narrowed = every_word(q)
        if narrowed is not None and relax:
            narrowed = relaxed(narrowed)
        if narrowed is not None and narrowed not in (node, ALL, NONE) and upper_bound(narrowed, reader) > 0:
            params["every"] = to_tsquery(narrowed)
            passes.append(("d.tsv @@ CAST(:every AS tsquery)", estimate(narrowed, reader) * share * docs))
        rare, held = [], 0
        for w in sorted(words, key=lambda w: reader.doc_frequency(ANY_FIELD, w)):
            df = reader.doc_frequency(ANY_FIELD, w)
            if df == 0:
                continue
            if held + df > params["limit"]:
                break
            rare.append(w)
            held += df
        if rare and len(rare) < len(words):
            params["rare"] = " | ".join(quote(w) for w in rare)
            passes.append(("d.tsv @@ CAST(:rare AS tsquery)", held * share))
    passes.append((None, matches))
    last = len(passes) - 1
    union = " UNION ALL ".join(
        _pass_sql(i, condition(narrowing), expected, docs, params["limit"], rechecks and not (implied and narrowing))
        for i, (narrowing, expected) in enumerate(passes))
    params["lexemes"] = all_lexemes(node) or [""]
    params["last"] = last
    sql = (f"WITH c AS ({union}), u AS (SELECT id, bool_or(pass = :last) AS in_last FROM c GROUP BY id) "
           "SELECT d.id, d.key, d.doc_type, d.doc_id, d.created, u.in_last, " + ", ".join(f"d.{c}" for c in _LENGTHS) + ", "
           "ts_delete(d.tsv, tsvector_to_array(ts_delete(d.tsv, CAST(:lexemes AS text[]))))::text AS words "
           "FROM u JOIN search_documents d ON d.id = u.id")
    rows = unprepared(session, sql, params)
    in_last = sum(1 for r in rows if r.in_last)
    hits = []
    score_of = scorer(q, reader)
    for r in rows:
        lengths = {name: int(getattr(r, col) or 0) for name, col in zip(SCORED_FIELDS, _LENGTHS)}
        words_of = DocWords(r.words, lengths)
        value = score_of(words_of)
        if value is None and relax:
            continue
        hits.append(Candidate(r.id, r.key, r.doc_type, r.doc_id, r.created, float(value or 0.0), words_of))
    if newest:
        hits.sort(key=lambda h: (h.created is not None, h.created or 0, h.row), reverse=True)
    else:
        hits.sort(key=lambda h: (-h.score, h.row))
    if in_last < params["limit"]:
        return Ranked(hits[:limit], in_last, False)
    return Ranked(hits[:limit], max(len(rows), min(reader.docs, int(matches))), True)


def unprepared(session: Any, sql: str, params: dict[str, Any]) -> list[Any]:
    """Run a search statement on the session's connection without letting psycopg prepare it.

    A search's plan depends on its words (which pass reads the GIN index and which walks the date
    index; the planner's estimate of each word), and psycopg prepares a statement it has run five
    times, after which PostgreSQL may switch to a generic plan that ignores them (measured at
    200,000 posts: p95 of the statement 13.5 → 30 ms)."""
    from psycopg.rows import namedtuple_row

    conn = session.connection()
    compiled = sa.text(sql).compile(dialect=conn.dialect)
    driver = conn.connection.driver_connection
    with driver.cursor(row_factory=namedtuple_row) as cursor:
        cursor.execute(str(compiled), compiled.construct_params(params), prepare=False)
        return cursor.fetchall()


def allowed_keys(session: Any, keys: list[str], filters: Filters) -> set[str]:
    """Which of these documents the filters and the mask keep (the semantic retriever's hits)."""
    if not keys:
        return set()
    params: dict[str, Any] = {"keys": keys}
    _query, conds = _conditions(ALL, filters, params)
    sql = f"SELECT d.key FROM search_documents d WHERE {' AND '.join(['d.key = ANY(CAST(:keys AS text[]))', *conds])}"
    return set(session.scalars(sa.text(sql), params))


def stored(session: Any, keys: list[str]) -> dict[str, Any]:
    if not keys:
        return {}
    rows = session.execute(sa.select(SearchDocument.key, SearchDocument.doc_type, SearchDocument.doc_id,
                                     SearchDocument.body, SearchDocument.answers)
                           .where(SearchDocument.key.in_(keys))).all()
    return {r.key: r for r in rows}


# ----------------------------------------------------------------------------- highlighting

def _holds(doc: DocWords | None, fieldname: str, words: frozenset[str]) -> bool:
    """Whether the document holds one of the words in the field (unknown: it may)."""
    return doc is None or any(doc.tf(fieldname, w) for w in words)


def field_words(q: Query) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for f, t in query_terms(q):
        out.setdefault(f, set()).add(t)
    return {f: frozenset(ws) for f, ws in out.items()}


# ----------------------------------------------------------------------------- the search page, similar documents

def _filters(session: Any, doc_type: str, tag: str | None, category_id: int | None, solved: bool,
             sees_all: bool) -> Filters:
    from forum.search import queries

    masked = None if sees_all else (list(session.scalars(queries.restricted_category_ids())) or None)
    return Filters(doc_type=None if doc_type == "all" else doc_type, tag=tag or None, category_id=category_id,
                   solved=solved, masked=masked)


def _semantic_allowed(q: str, doc_type: str, parsed: Any, semantic: bool | None, tag: str | None,
                      category_id: int | None, solved: bool, sees_all: bool) -> list[tuple[str, float]]:
    """The semantic retriever's nearest documents that the search's filters and the viewer's
    category mask keep, as (key, similarity), best first (on the semantic thread, its own session)."""
    from forum.search import queries

    near = queries._semantic_candidates(q, doc_type, parsed, semantic)
    if not near:
        return []
    wanted = [(doc_key(t, i), sim) for t, i, sim in near]
    allowed = allowed_keys(db.session, [k for k, _sim in wanted], _filters(db.session, doc_type, tag, category_id,
                                                                             solved, sees_all))
    return [(k, sim) for k, sim in wanted if k in allowed]


def search(viewer: Any, q: str, *, doc_type: str, tag: str | None, category_id: int | None, solved: bool,
           sort: str, page: int, per_page: int, semantic: bool | None) -> Any:
    """queries.search on the PostgreSQL backend (the same page, hits and fusion)."""
    from forum.search import queries
    from forum.search.expand import expand, suggestion
    from forum.search.queries import Hit, SearchPage

    parsed = queries.parse_query(q)
    doc_type = doc_type if doc_type in rules.TYPES else rules.DEFAULT_TYPE
    sort = sort if sort in rules.SORTS else rules.DEFAULT_SORT
    page = max(1, page)
    result = SearchPage(q=q, page=page, per_page=per_page, notice=parsed.notice)
    # The semantic retriever embeds the query (CPU) and keeps the nearest documents the filters
    # allow, in a session of its own, while PostgreSQL answers the keyword half.
    from forum.search import semantic as sem

    sees_all = queries.sees_restricted_categories(viewer)
    pending = sem.in_background(_semantic_allowed, q, doc_type, parsed, semantic, tag, category_id, solved, sees_all) \
        if sort == "relevance" and semantic is not False and sem.enabled() else None
    session = db.session
    reader = Reader(session)
    reader.fetch([(f, t) for _f, t in query_terms(parsed.query) for f in (*SCORED_FIELDS, ANY_FIELD)])
    expansion = expand(parsed.query, q, reader)
    result.suggestion = suggestion(q, expansion.corrections)
    filters = _filters(session, doc_type, tag, category_id, solved, sees_all)
    window = page * per_page
    limit = max(window, rules.KEYWORD_CANDIDATES) if pending is not None else window
    query = queries.without_common_words(expansion.query, reader)
    ranked = run(session, reader, query, filters, limit, newest=rules.SORTS[sort] is not None)
    near = sem.answer_of(pending, [])
    by_key = {h.key: h for h in ranked.hits}
    order = [h.key for h in ranked.hits]
    total, result.estimated = ranked.total, ranked.estimated
    meaning_only: set[str] = set()
    similarity: dict[str, float] = dict(near)
    if near:
        semantic_keys = [k for k, _sim in near]
        fused = queries.fuse((order[: rules.KEYWORD_CANDIDATES], 1.0), (semantic_keys, rules.SEMANTIC_WEIGHT))
        meaning_only = {k for k in semantic_keys if k not in by_key}
        order = fused + [k for k in order[rules.KEYWORD_CANDIDATES:] if k not in set(fused)]
        total += len(meaning_only)
    result.total = total
    page_keys = order[(page - 1) * per_page: page * per_page]
    rows = stored(session, page_keys)
    keys = [(rows[k].doc_type, rows[k].doc_id) for k in page_keys if k in rows]
    visible = queries._visible_objects(viewer, keys)
    words = field_words(query)
    marks = formatter()
    query_language = queries.language_of(q)
    for k in page_keys:
        row = rows.get(k)
        obj = visible.get((row.doc_type, row.doc_id)) if row is not None else None
        if obj is None:
            result.total -= 1  # stale entry: gone or hidden since it was indexed
            continue
        language = queries.language_of(f"{obj.title} {row.body or ''}"[:400])
        by_meaning = k in meaning_only
        hit = by_key.get(k)
        texts = {"body": row.body, "answers": row.answers}
        result.items.append(Hit(
            type=row.doc_type, id=row.doc_id, title=obj.title,
            title_html=escape(obj.title) if by_meaning else title_html(obj.title, words, marks),
            snippet=plain_snippet(texts) if by_meaning
            else snippet(texts, words, marks, partial(_holds, hit.words if hit else None)),
            relevance=round(hit.score if hit else similarity.get(k, 0.0), 4),
            url=SOURCES[row.doc_type].url(row.doc_id), obj=obj, language=language,
            other_language=language != query_language, by_meaning=by_meaning))
    return result


def similar_hits(query: Query, raw: str, doc_type: str, limit: int) -> list[tuple[int, float]]:
    """queries.similar_documents' keyword half: (id, relevance) of the best documents of a type."""
    from forum.search.expand import expand

    session = db.session
    reader = Reader(session)
    reader.fetch([(f, t) for _f, t in query_terms(query) for f in (*SCORED_FIELDS, ANY_FIELD)])
    from forum.search.queries import without_common_words

    expanded = without_common_words(expand(query, raw, reader).query, reader)
    ranked = run(session, reader, expanded, Filters(doc_type=doc_type), limit, relax=True)
    return [(h.doc_id, h.score) for h in ranked.hits]
