"""Search: the PostgreSQL backend's index — ``search_documents`` and ``search_terms``, written by
the same outbox protocol as the Whoosh index (actions.py dispatches here; search.backend).

Words: each document's fields go through the forum's own analyzer (analysis.ForumAnalyzer: jieba
for Chinese with the dictionary sub-words of long words, lower case, stop words, Porter2), and the
resulting words are written as a tsvector literal with their positions, the field as the weight
(title A, tags B, body C, answers D) and a gap between fields; PostgreSQL's own parser and
dictionaries are never used, so both backends index exactly the same words. A tag's exact name
is the lexeme ``#name`` (for ``tag:`` and the tag filter; analysed words never hold ``#``).

Writers: ``apply_outbox`` takes a transaction-level advisory lock (rules.PG_LOCK_KEY, waiting up
to the timeout, else whoosh's LockError as for a busy Whoosh index) *before* it reads the outbox
and the documents, writes the documents, their vocabulary counts and the deletion of the outbox
rows in that one transaction, and the lock ends with its commit. Whatever rows it deletes were
queued by commits it has seen, rows queued later stay for the next run, and two writers never
interleave, so no update is ever lost or overwritten by an older state (docs/rules.md: Run modes).

Vocabulary (models.SearchTerm): per field, how many documents hold each word, moved by every
write from the document's old words (read back from its stored tsvector) to its new ones; the
collection's size and field lengths too. Ranking (BM25F's idf and length normalization) and the
typo corrections of search.expand read it (search.pgquery).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from whoosh.index import LockError

from forum.search import rules
from forum.search.analysis import ForumAnalyzer, SpellAnalyzer
from forum.search.documents import SOURCES, doc_key, indexable_ids
from forum.search.models import SearchDocument, SearchOutbox, SearchTerm

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "tagtext", "body", "answers")
FIELDS_BY_WEIGHT = {weight: name for name, weight in rules.PG_WEIGHTS.items()}
TAG_PREFIX = "#"
ANY_FIELD = "*"  # search_terms.field_name: documents holding the word in any text field
DOCS = "#docs"  # search_terms.field_name: the number of documents (term "")
LENGTHS = "#len"  # search_terms.field_name: a field's total length (term: the field)
GENERATION = "#gen"  # search_terms.field_name: the last write's number (term "")
TYPES = "#type"  # search_terms.field_name: documents per type (term: the type)
CATEGORIES = "#cat"  # search_terms.field_name: documents per category (term: its id, "0" for none)
SOLVED = "#solved"  # search_terms.field_name: solved documents (term "1")
SPELL = "spell"
LENGTH_COLUMNS = {"title": "title_len", "tagtext": "tagtext_len", "body": "body_len", "answers": "answers_len",
                  "tags": "tags_len"}
VocabularyKey = tuple[str, str]

_ANALYZER = ForumAnalyzer()
_SPELL = SpellAnalyzer()


def quote(lexeme: str) -> str:
    """A lexeme as tsvector/tsquery input: quoted, with quotes and backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# ----------------------------------------------------------------------------- a document's words

@dataclass
class DocumentWords:
    tsv: str  # tsvector literal
    head: str  # tsvector literal (title and tag words, no positions)
    lengths: dict[str, int]  # field → words (as Whoosh counts a field's length)
    spell: set[str]
    terms: dict[str, set[str]]  # field → the distinct words the tsvector holds in it


def _kept_positions(positions: dict[int, str]) -> list[tuple[int, str]]:
    """At most PG_MAX_POSITIONS positions, always the first one of each field (so that the field
    still counts as holding the word), then the earliest others."""
    ordered = sorted(positions.items())
    if len(ordered) <= rules.PG_MAX_POSITIONS:
        return ordered
    first: dict[str, tuple[int, str]] = {}
    for pos, weight in ordered:
        first.setdefault(weight, (pos, weight))
    kept = set(first.values())
    for item in ordered:
        if len(kept) >= rules.PG_MAX_POSITIONS:
            break
        kept.add(item)
    return sorted(kept)


def document_words(fields: dict[str, Any]) -> DocumentWords:
    """The tsvectors, field lengths and spelling words of one document's index fields."""
    positions: dict[str, dict[int, str]] = defaultdict(dict)  # lexeme → position → weight
    lengths: dict[str, int] = {}
    head: set[str] = set()
    base = 1
    for name in TEXT_FIELDS:
        weight = rules.PG_WEIGHTS[name]
        count, top = 0, base
        for token in _ANALYZER(str(fields.get(name) or ""), positions=True):
            count += 1
            word = token.text
            if not word or len(word) > rules.PG_MAX_WORD:
                continue
            pos = min(base + token.pos, rules.PG_MAX_POSITION)
            positions[word].setdefault(pos, weight)
            top = max(top, pos)
            if name in ("title", "tagtext"):
                head.add(word)
        lengths[name] = count
        if count:
            base = min(top + rules.PG_FIELD_GAP + 1, rules.PG_MAX_POSITION)
    tags = [t.strip().lower() for t in str(fields.get("tags") or "").split(",") if t.strip()]
    for tag in tags:
        positions[TAG_PREFIX + tag].setdefault(base, rules.PG_WEIGHTS["tagtext"])
        base = min(base + 1, rules.PG_MAX_POSITION)
    lengths["tags"] = len(tags)
    parts, weights = [], {}
    for word, at in positions.items():
        kept = _kept_positions(at)
        weights[word] = {weight for _pos, weight in kept}
        parts.append(quote(word) + ":" + ",".join(f"{pos}{weight}" for pos, weight in kept))
    spell_text = " ".join(str(fields.get(name) or "") for name in ("title", "body", "answers"))
    spell = {t.text for t in _SPELL(spell_text) if len(t.text) <= rules.PG_MAX_WORD}
    return DocumentWords(tsv=" ".join(parts), head=" ".join(quote(w) for w in sorted(head)), lengths=lengths,
                         spell=spell, terms=terms_of(weights))


def parse_tsvector(text: str) -> dict[str, list[tuple[int, str]]]:
    """lexeme → its (position, weight) pairs, from a tsvector as PostgreSQL prints it (weight D
    is not printed) or as document_words writes it."""
    out: dict[str, list[tuple[int, str]]] = {}
    i, n = 0, len(text)
    while i < n:
        if text[i] != "'":
            i += 1
            continue
        j, chars = i + 1, []
        while j < n:
            ch = text[j]
            if ch == "\\" and j + 1 < n:
                chars.append(text[j + 1])
                j += 2
                continue
            if ch == "'":
                if j + 1 < n and text[j + 1] == "'":
                    chars.append("'")
                    j += 2
                    continue
                break
            chars.append(ch)
            j += 1
        k = j + 1
        while k < n and text[k] != " ":
            k += 1
        pairs = []
        for item in text[j + 2:k].split(",") if text[j + 1:j + 2] == ":" else ():
            if item:
                weight = item[-1] if item[-1] in "ABCD" else "D"
                pairs.append((int(item.rstrip("ABCD")), weight))
        out["".join(chars)] = pairs
        i = k
    return out


def terms_of(weights: dict[str, set[str]]) -> dict[str, set[str]]:
    """field → distinct terms (title, tagtext, body, answers, tags and * for any text field)."""
    terms: dict[str, set[str]] = {name: set() for name in (*TEXT_FIELDS, "tags", ANY_FIELD)}
    for lexeme, labels in weights.items():
        if lexeme.startswith(TAG_PREFIX):
            terms["tags"].add(lexeme[len(TAG_PREFIX):])
            continue
        for label in labels:
            terms[FIELDS_BY_WEIGHT[label]].add(lexeme)
        terms[ANY_FIELD].add(lexeme)
    return terms


# ----------------------------------------------------------------------------- the writer's lock

def _new_session() -> Session:
    return current_app.extensions["forum.sessionmaker"]()


def lock(session: Session, timeout: float) -> None:
    """Take the index's write lock for this transaction, waiting up to `timeout` seconds (LockError)."""
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        got = session.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": rules.PG_LOCK_KEY}).scalar()
        if got:
            return
        if time.monotonic() >= deadline:
            raise LockError("the PostgreSQL search index is being written by another process")
        time.sleep(rules.PG_LOCK_POLL_SECONDS)


def _next_generation(session: Session) -> int:
    current = session.scalar(sa.select(SearchTerm.changed).where(SearchTerm.field_name == GENERATION, SearchTerm.term == ""))
    return int(current or 0) + 1


def _write_vocabulary(session: Session, delta: dict[VocabularyKey, int], generation: int, absolute: bool = False) -> None:
    """Move the vocabulary counts by `delta` (or set them, `absolute`), stamped with the write."""
    rows = [{"field_name": f, "term": t, "doc_count": n, "changed": generation}
            for (f, t), n in delta.items() if n or absolute]
    rows.append({"field_name": GENERATION, "term": "", "doc_count": 0, "changed": generation})
    for start in range(0, len(rows), 5000):
        stmt = pg_insert(SearchTerm).values(rows[start:start + 5000])
        count = stmt.excluded.doc_count if absolute else SearchTerm.doc_count + stmt.excluded.doc_count
        session.execute(stmt.on_conflict_do_update(
            index_elements=[SearchTerm.field_name, SearchTerm.term],
            set_={"doc_count": count, "changed": stmt.excluded.changed}))


def _document_row(doc_type: str, doc_id: int, fields: dict[str, Any], words: DocumentWords) -> dict[str, Any]:
    row = {
        "key": doc_key(doc_type, doc_id), "doc_type": doc_type, "doc_id": doc_id,
        "category_id": int(fields.get("category") or 0), "solved": bool(fields.get("solved")),
        "created": fields.get("created"), "tag_names": str(fields.get("tags") or ""),
        "title": str(fields.get("title") or ""),
        "body": str(fields.get("body") or "")[: rules.PG_STORED_CHARS],
        "answers": str(fields.get("answers") or "")[: rules.PG_STORED_CHARS],
        "spell": " ".join(sorted(words.spell)), "tsv": words.tsv, "head": words.head,
    }
    for name, column in LENGTH_COLUMNS.items():
        row[column] = words.lengths.get(name, 0)
    return row


@dataclass
class DocState:
    """What a document adds to the vocabulary counts."""
    terms: dict[str, set[str]]
    spell: set[str]
    lengths: dict[str, int]
    doc_type: str
    category: int
    solved: bool

    @classmethod
    def of(cls, doc_type: str, fields: dict[str, Any], words: DocumentWords) -> "DocState":
        return cls(words.terms, words.spell, words.lengths, doc_type, int(fields.get("category") or 0),
                   bool(fields.get("solved")))


def _count(delta: Counter[VocabularyKey], state: DocState, sign: int) -> None:
    for name, words in state.terms.items():
        for word in words:
            delta[(name, word)] += sign
    for word in state.spell:
        delta[(SPELL, word)] += sign
    for name, length in state.lengths.items():
        delta[(LENGTHS, name)] += sign * length
    delta[(DOCS, "")] += sign
    delta[(TYPES, state.doc_type)] += sign
    delta[(CATEGORIES, str(state.category))] += sign
    if state.solved:
        delta[(SOLVED, "1")] += sign


def _old_state(session: Session, keys: list[str]) -> dict[str, DocState]:
    """The indexed state of these documents, by key."""
    if not keys:
        return {}
    columns = [getattr(SearchDocument, c) for c in LENGTH_COLUMNS.values()]
    rows = session.execute(sa.select(SearchDocument.key, SearchDocument.spell, SearchDocument.doc_type,
                                     SearchDocument.category_id, SearchDocument.solved, *columns)
                           .where(SearchDocument.key.in_(keys))).all()
    weights: dict[str, dict[str, set[str]]] = defaultdict(dict)
    if rows:
        for key, lexeme, labels in session.execute(sa.text(
                "SELECT d.key, u.lexeme, u.weights FROM search_documents d, unnest(d.tsv) u "
                "WHERE d.key = ANY(:keys)"), {"keys": [r[0] for r in rows]}):
            weights[key][lexeme] = set(labels or ()) or {"D"}
    out = {}
    for row in rows:
        lengths = {name: int(row[5 + i] or 0) for i, name in enumerate(LENGTH_COLUMNS)}
        out[row[0]] = DocState(terms_of(weights.get(row[0], {})), set((row[1] or "").split()), lengths,
                               row[2], int(row[3] or 0), bool(row[4]))
    return out


def write(session: Session, pairs: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """Bring these documents' rows and vocabulary counts up to date with the database, in the
    caller's transaction (which holds the lock); returns each document's fields (None: removed)."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for doc_type, doc_id in pairs:
        by_type[doc_type].add(doc_id)
    written: dict[tuple[str, int], Any] = {}
    for doc_type, ids in by_type.items():
        source = SOURCES.get(doc_type)
        docs = source.load(session, sorted(ids)) if source is not None else {}
        for doc_id in sorted(ids):
            written[(doc_type, doc_id)] = docs.get(doc_id)
    old = _old_state(session, [doc_key(t, i) for t, i in written])
    delta: Counter[VocabularyKey] = Counter()
    rows, gone = [], []
    for (doc_type, doc_id), fields in written.items():
        key = doc_key(doc_type, doc_id)
        if key in old:
            _count(delta, old[key], sign=-1)
        if fields is None:
            if key in old:
                gone.append(key)
            continue
        words = document_words(fields)
        _count(delta, DocState.of(doc_type, fields, words), sign=+1)
        rows.append(_document_row(doc_type, doc_id, fields, words))
    if gone:
        session.execute(sa.delete(SearchDocument).where(SearchDocument.key.in_(gone)))
    if rows:
        stmt = pg_insert(SearchDocument).values(rows)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[SearchDocument.key],
            set_={c: stmt.excluded[c] for c in rows[0] if c != "key"}))
    _write_vocabulary(session, dict(delta), _next_generation(session))
    return written


# ----------------------------------------------------------------------------- outbox, rebuild

StoreVectors = Callable[[dict[tuple[str, int], Any]], None]


def _own_writes_seen() -> None:
    """This process reads its own writes at its next search (the spelling words' copy)."""
    from forum.search import pgquery

    pgquery.vocabulary().checked = 0.0


def apply_outbox(timeout: float, store_vectors: StoreVectors) -> int:
    """Apply every queued update (actions.apply_outbox's contract): LockError when another writer
    holds the lock longer than `timeout`; the rows then stay queued."""
    with _new_session() as session:
        if session.scalar(sa.select(SearchOutbox.id).limit(1)) is None:
            return 0
    applied = 0
    while True:
        with _new_session() as session:
            lock(session, timeout)
            rows = session.execute(sa.select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                                   .order_by(SearchOutbox.id).limit(rules.OUTBOX_BATCH)).all()
            if not rows:
                session.rollback()
                break
            docs = write(session, [(r.doc_type, r.doc_id) for r in rows])
            session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
            session.commit()
        _own_writes_seen()
        store_vectors(docs)
        applied += len(rows)
        if len(rows) < rules.OUTBOX_BATCH:
            break
    return applied


def reindex(progress: Callable[[int], None] | None, total: Callable[[int], None] | None,
            store_vectors: StoreVectors, remove_missing: Callable[[set[tuple[str, int]]], None]) -> int:
    """Rebuild the index from the database in one transaction under the lock; readers see the
    old index until it commits. Outbox rows queued before the rebuild read are covered by it
    and deleted with it; rows queued during it are applied afterwards."""
    written = 0
    kept: set[tuple[str, int]] = set()
    with _new_session() as session:
        lock(session, rules.TICK_LOCK_TIMEOUT)
        covered = list(session.scalars(sa.select(SearchOutbox.id)))
        id_lists = indexable_ids(session)
        if total is not None:
            total(sum(len(ids) for ids in id_lists.values()))
        session.execute(sa.delete(SearchDocument))
        counts: Counter[VocabularyKey] = Counter()
        for doc_type, ids in id_lists.items():
            source = SOURCES[doc_type]
            for start in range(0, len(ids), rules.REINDEX_BATCH):
                batch = ids[start:start + rules.REINDEX_BATCH]
                loaded = source.load(session, batch)
                rows = []
                for doc_id, fields in loaded.items():
                    words = document_words(fields)
                    _count(counts, DocState.of(doc_type, fields, words), sign=+1)
                    rows.append(_document_row(doc_type, doc_id, fields, words))
                    kept.add((doc_type, doc_id))
                if rows:
                    session.execute(sa.insert(SearchDocument), rows)
                written += len(rows)
                store_vectors({(doc_type, doc_id): fields for doc_id, fields in loaded.items()})
                session.expunge_all()
                if progress is not None:
                    progress(len(batch))
        counts[(DOCS, "")] += 0  # an empty index still says so
        generation = _next_generation(session)
        session.execute(sa.delete(SearchTerm).where(SearchTerm.doc_count == 0, SearchTerm.field_name != GENERATION))
        session.execute(sa.update(SearchTerm).where(SearchTerm.field_name != GENERATION)
                        .values(doc_count=0, changed=generation))
        _write_vocabulary(session, dict(counts), generation, absolute=True)
        for start in range(0, len(covered), rules.OUTBOX_BATCH):
            session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_(covered[start:start + rules.OUTBOX_BATCH])))
        session.commit()
    _analyze()
    _own_writes_seen()
    remove_missing(kept)
    apply_outbox(rules.TICK_LOCK_TIMEOUT, store_vectors)
    return written


def _analyze() -> None:
    """After a rebuild: the GIN indexes' pending entries merged and fresh planner statistics (the
    query's plan shapes rely on them; autovacuum would get there later)."""
    try:
        with _new_session() as session:
            session.execute(sa.text("SELECT gin_clean_pending_list('ix_search_documents_tsv'), "
                                    "gin_clean_pending_list('ix_search_documents_head')"))
            session.execute(sa.text("ANALYZE search_documents"))
            session.execute(sa.text("ANALYZE search_terms"))
            session.commit()
    except Exception:  # noqa: BLE001 - statistics are an optimization; a user without the right skips it
        log.info("could not ANALYZE the search tables", exc_info=True)


def indexed_count() -> int:
    with _new_session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) or 0)


def writable() -> bool:
    """/healthz: the index's tables answer and this database user may write them."""
    try:
        with _new_session() as session:
            session.execute(sa.select(SearchDocument.id).limit(1)).all()
            allowed = session.execute(sa.text(
                "SELECT has_table_privilege('search_documents', 'INSERT, UPDATE, DELETE') "
                "AND has_table_privilege('search_terms', 'INSERT, UPDATE, DELETE')")).scalar()
        return bool(allowed)
    except Exception:  # noqa: BLE001 - a probe answers, it does not fail
        return False


def out_of_step(indexable: Callable[[], int]) -> bool:
    """No update queued, and the index holds a different number of documents than the database
    has to index (rows written without events: bulk loads, restores, a new install)."""
    with _new_session() as session:
        if session.scalar(sa.select(SearchOutbox.id).limit(1)) is not None:
            return False
    return indexed_count() != indexable()
