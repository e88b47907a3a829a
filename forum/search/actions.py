"""Search: every change to the index — queueing a document, applying the outbox, rebuilding.

The rule (issue 3; docs/rules.md: Run modes): the index follows the database after commit, and no
update is ever lost. A change queues its document in ``search_outbox`` inside the transaction
(``queue_document``, called by subscribers.py); after commit the request tries to apply the
outbox (``try_apply_outbox``), and ``forum tick`` / ``forum reindex`` drain whatever is left.

Why this is safe with several processes: ``apply_outbox`` takes the index's write lock *before*
it reads the outbox and the documents, and loads each document's state *after* reading the
outbox rows, so whatever rows it deletes were queued by commits it has already seen; rows
queued later stay for the next run. Writers queue behind one lock (with a timeout), so two
processes never write at once and never write an older state over a newer one.

None of these functions touches ``db.session``: the index is written with a session of its own,
so they may run after the request's commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session
from whoosh.index import LockError
from whoosh.writing import CLEAR

from forum import db
from forum.search import backend, rules, semantic
from forum.search.documents import SOURCES, doc_key, indexable_ids
from forum.search.index import SCHEMA, exists, open_index, schema_current, writer
from forum.search.models import SearchOutbox

log = logging.getLogger(__name__)


def queue_document(session: Session, doc_type: str, doc_id: int) -> None:
    """Queue a document for (re-)indexing, in the caller's transaction."""
    session.add(SearchOutbox(doc_type=doc_type, doc_id=doc_id, queued_at=db.utcnow()))


def _new_session() -> Session:
    return current_app.extensions["forum.sessionmaker"]()


def index_fields(ix: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """A source's fields plus the derived ones (the spelling vocabulary), limited to the fields
    the index on disk has (an older index is rebuilt by the tick, index_needs_rebuild)."""
    out = dict(fields)
    out["spell"] = " ".join(str(fields.get(name) or "") for name in ("title", "body", "answers"))
    names = set(ix.schema.names())
    return {k: v for k, v in out.items() if k in names}


def _write(w: Any, session: Session, pairs: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """Bring the index entries of these documents up to date with the database; returns each
    document's fields (None: removed from the index), for the semantic vectors."""
    by_type: dict[str, set[int]] = {}
    for doc_type, doc_id in pairs:
        by_type.setdefault(doc_type, set()).add(doc_id)
    written: dict[tuple[str, int], Any] = {}
    for doc_type, ids in by_type.items():
        source = SOURCES.get(doc_type)
        docs = source.load(session, sorted(ids)) if source is not None else {}
        for doc_id in sorted(ids):
            key = doc_key(doc_type, doc_id)
            fields = docs.get(doc_id)
            if fields is None:
                w.delete_by_term("key", key)
            else:
                w.update_document(key=key, type=doc_type, doc_id=doc_id, **index_fields(w, fields))
            written[(doc_type, doc_id)] = fields
    return written


def apply_outbox(timeout: float = rules.REQUEST_LOCK_TIMEOUT) -> int:
    """Apply every queued update to the index; returns the number of outbox rows applied.

    Raises LockError when another writer holds the lock longer than `timeout`, and OSError (or a
    Whoosh error) when the index cannot be written; the rows then stay queued.
    """
    if backend.postgres():
        from forum.search import pgindex

        return pgindex.apply_outbox(timeout, _store_vectors)
    with _new_session() as session:
        if session.scalar(sa.select(SearchOutbox.id).limit(1)) is None:
            return 0
    ix = open_index()
    applied = 0
    while True:
        w = writer(ix, timeout)
        committed = False
        try:
            with _new_session() as session:
                rows = session.execute(sa.select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
                                       .order_by(SearchOutbox.id).limit(rules.OUTBOX_BATCH)).all()
                if not rows:
                    break
                docs = _write(w, session, [(r.doc_type, r.doc_id) for r in rows])
            w.commit()
            committed = True
        finally:
            if not committed:
                w.cancel()
        _store_vectors(docs)
        _delete_outbox_rows(SearchOutbox.id.in_([r.id for r in rows]))
        applied += len(rows)
        if len(rows) < rules.OUTBOX_BATCH:
            break
    return applied


def _store_vectors(docs: dict[tuple[str, int], Any]) -> None:
    """The semantic vectors of the documents just indexed (search.semantic). A failure is logged
    and leaves the keyword index updated: `forum reindex` embeds whatever is missing."""
    try:
        semantic.store(docs)
    except Exception:  # noqa: BLE001 - the keyword index must not wait for the vectors
        log.warning("semantic vectors not updated", exc_info=True)


def _remove_missing_vectors(kept: set[tuple[str, int]]) -> None:
    """Tombstone the vectors of documents a rebuild no longer holds (failures as in _store_vectors)."""
    try:
        semantic.remove_missing(kept)
    except Exception:  # noqa: BLE001 - as in _store_vectors
        log.warning("semantic vectors of removed documents not tombstoned", exc_info=True)


def _delete_outbox_rows(condition: sa.ColumnElement[bool]) -> None:
    """Delete applied rows in a transaction of its own whose first statement writes (on SQLite a
    read transaction cannot always be upgraded to a write one while other processes commit)."""
    with _new_session() as session:
        session.execute(sa.delete(SearchOutbox).where(condition))
        session.commit()


def try_apply_outbox() -> int:
    """After commit: apply the outbox if the index is available; never raise (the tick retries)."""
    try:
        applied = apply_outbox(current_app.config.get("SEARCH_LOCK_TIMEOUT", rules.REQUEST_LOCK_TIMEOUT))
    except LockError:
        log.info("search index busy; the update stays queued for `forum tick`")
        return 0
    except Exception:  # noqa: BLE001 - posting must succeed whatever the index's state
        log.warning("search index unavailable; the update stays queued for `forum tick`", exc_info=True)
        return 0
    return applied


def reindex(progress: Callable[[int], None] | None = None, total: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the database in one writer and one commit; returns documents indexed.

    The old entries are replaced atomically when the new segment is committed (searches keep
    working meanwhile). Outbox rows queued before the rebuild started are covered by it and
    deleted; rows queued during it are applied afterwards.
    """
    if backend.postgres():
        from forum.search import pgindex

        return pgindex.reindex(progress, total, _store_vectors, _remove_missing_vectors)
    ix = open_index()
    w = writer(ix, rules.TICK_LOCK_TIMEOUT, limitmb=rules.REINDEX_WRITER_MB)
    for name in SCHEMA.names():  # an index written before a field existed gains it here
        if name not in w.schema.names():
            w.add_field(name, SCHEMA[name])
    committed = False
    written = 0
    kept: set[tuple[str, int]] = set()
    try:
        with _new_session() as session:
            covered = list(session.scalars(sa.select(SearchOutbox.id)))  # committed before the rebuild reads
            id_lists = indexable_ids(session)
            if total is not None:
                total(sum(len(ids) for ids in id_lists.values()))
            for doc_type, ids in id_lists.items():
                source = SOURCES[doc_type]
                for start in range(0, len(ids), rules.REINDEX_BATCH):
                    batch = ids[start:start + rules.REINDEX_BATCH]
                    loaded = source.load(session, batch)
                    for doc_id, fields in loaded.items():
                        w.add_document(key=doc_key(doc_type, doc_id), type=doc_type, doc_id=doc_id, **index_fields(w, fields))
                        written += 1
                        kept.add((doc_type, doc_id))
                    _store_vectors({(doc_type, doc_id): fields for doc_id, fields in loaded.items()})
                    session.expunge_all()
                    if progress is not None:
                        progress(len(batch))
        w.commit(mergetype=CLEAR)
        committed = True
    finally:
        if not committed:
            w.cancel()
    _remove_missing_vectors(kept)
    for start in range(0, len(covered), rules.OUTBOX_BATCH):
        _delete_outbox_rows(SearchOutbox.id.in_(covered[start:start + rules.OUTBOX_BATCH]))
    apply_outbox(rules.TICK_LOCK_TIMEOUT)
    return written


def _indexable_count() -> int:
    with _new_session() as session:
        return sum(session.scalar(sa.select(sa.func.count()).select_from(s.all_ids().subquery())) or 0
                   for s in SOURCES.values())


def _out_of_step() -> bool:
    """The index holds a different number of documents than the database has to index, with no
    update queued: rows written without events (bulk loads such as `forum generate`, restores)."""
    with _new_session() as session:
        if session.scalar(sa.select(SearchOutbox.id).limit(1)) is not None:
            return False
    return open_index(create=False).doc_count() != _indexable_count()


def index_needs_rebuild() -> bool:
    """No index yet, or one out of step with the database (checked twice, so that a post
    committed between the two counts does not trigger a rebuild)."""
    if backend.postgres():
        from forum.search import pgindex

        return pgindex.out_of_step(_indexable_count) and pgindex.out_of_step(_indexable_count)
    if not exists():
        return True
    if not schema_current(open_index(create=False)):
        return True
    return _out_of_step() and _out_of_step()


def catch_up() -> dict[str, int]:
    """`forum tick`: apply the outbox (waiting longer for the lock); rebuild a missing index or
    one that is out of step with the database."""
    applied = apply_outbox(rules.TICK_LOCK_TIMEOUT) if backend.postgres() or exists() else 0
    if index_needs_rebuild():
        return {"reindexed": reindex()}
    return {"applied": applied}
