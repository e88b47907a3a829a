"""The Whoosh index in ``SEARCH_DIR`` (FORUM_SEARCH_DIR): its schema, opening it and its writer.

Whoosh allows one writer at a time per index directory (a file lock); every process that writes
takes that lock with a timeout (``writer()``), so several server processes never corrupt the
index and a busy lock is a delay, not an error (the update stays in the outbox, actions.py).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.index import TOC
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from forum.search.analysis import ForumAnalyzer, SpellAnalyzer

INDEX_NAME = "forum"
OPEN_RETRIES = 5
T = TypeVar("T")


def make_schema() -> Schema:
    analyzer = ForumAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        type=ID(stored=True),
        doc_id=NUMERIC(int, bits=64, stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        answers=TEXT(analyzer=analyzer, stored=True),
        tags=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        tagtext=TEXT(analyzer=analyzer),
        category=ID(stored=True),
        solved=BOOLEAN(stored=True),
        created=DATETIME(stored=True, sortable=True),
        # The spelling vocabulary (unstemmed Latin words of title, body and answers): typo
        # corrections and "Did you mean …" come from the index's own words (search.expand).
        spell=TEXT(analyzer=SpellAnalyzer(), phrase=False),
    )


SCHEMA = make_schema()


def search_dir() -> str:
    return current_app.config["SEARCH_DIR"]


def exists() -> bool:
    """Whether the directory holds an index (a TOC file), without opening it: opening may race
    with another process's commit (whoosh's own exists_in opens it)."""
    path = search_dir()
    return os.path.isdir(path) and TOC._latest_generation(FileStorage(path), INDEX_NAME) >= 0


def open_index(create: bool = True) -> Any:
    """The index, created empty on first use; raises OSError/whoosh errors when unavailable."""
    path = search_dir()
    if exists():
        return _open_existing(path)
    if not create:
        raise whoosh_index.EmptyIndexError(f"No search index in {path}.")
    os.makedirs(path, exist_ok=True)
    # Creating an index wipes whatever index is there: two processes creating it at once would
    # erase each other's first documents, so creation happens under a lock of its own.
    lock = FileStorage(path).lock(f"{INDEX_NAME}_CREATELOCK")
    lock.acquire(blocking=True)
    try:
        if exists():
            return _open_existing(path)
        return whoosh_index.create_in(path, SCHEMA, indexname=INDEX_NAME)
    finally:
        lock.release()


def _open_existing(path: str) -> Any:
    """open_dir, retried: another process's commit may delete the TOC file just listed."""
    for attempt in range(OPEN_RETRIES):
        try:
            return whoosh_index.open_dir(path, indexname=INDEX_NAME)
        except FileNotFoundError:
            if attempt == OPEN_RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def schema_current(ix: Any) -> bool:
    """Whether an index on disk has every field of SCHEMA (an index written before a field was
    added is rebuilt by `forum tick`; until then the missing fields are simply not used)."""
    return set(SCHEMA.names()) <= set(ix.schema.names())


# Each thread keeps its searcher open between searches (opening an index reads its TOC and
# schema and opens every segment: most of a small search's time). Before each use it is checked
# against the index's latest generation (one directory listing) and re-opened when any process
# has committed since, so a search always sees the latest commit.
_LOCAL = threading.local()
KEPT_SEARCHERS = 4  # index directories a thread keeps a searcher for (tests use many)


def _kept() -> "OrderedDict[str, Any]":
    kept = getattr(_LOCAL, "searchers", None)
    if kept is None:
        kept = _LOCAL.searchers = OrderedDict()
    return kept


def current_searcher() -> Any:
    """This thread's searcher of the latest index (raises like open_index when there is none)."""
    path = search_dir()
    kept = _kept()
    searcher = kept.get(path)
    if searcher is not None and not searcher.is_closed:
        try:
            current = searcher.up_to_date()
        except Exception:  # noqa: BLE001 - the index was removed under it: open anew
            current = False
        if current:
            kept.move_to_end(path)
            return searcher
        # Whoosh's refresh() re-uses the open segment readers, with their old deletions: an
        # updated document would still be found as it was. Open the new generation whole.
        kept.pop(path, None)
        _close(searcher)
    searcher = open_index(create=False).searcher()
    kept[path] = searcher
    while len(kept) > KEPT_SEARCHERS:
        _close(kept.popitem(last=False)[1])
    return searcher


def forget_searcher() -> None:
    """Close this thread's searcher of the current index (a file vanished under it)."""
    searcher = _kept().pop(search_dir(), None)
    if searcher is not None:
        _close(searcher)


def _close(searcher: Any) -> None:
    try:
        searcher.close()
    except Exception:  # noqa: BLE001 - closing a reader whose files are gone may fail; nothing to keep
        pass


def with_searcher(fn: Callable[[Any], T]) -> T:
    """Run `fn(searcher)` on the latest index, retrying when a concurrent commit removed a file
    between listing and opening it (Whoosh deletes merged segments at commit)."""
    for attempt in range(OPEN_RETRIES):
        try:
            return fn(current_searcher())
        except FileNotFoundError:
            forget_searcher()
            if attempt == OPEN_RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def writer(ix: Any, timeout: float, **kwargs: Any) -> Any:
    """The index writer, waiting up to `timeout` seconds for another writer's lock (LockError)."""
    return ix.writer(timeout=timeout, delay=0.05, **kwargs)


def writable() -> bool:
    """Whether the index exists (it is created empty if missing) and its directory accepts writes."""
    path = search_dir()
    try:
        open_index(create=True)
    except Exception:  # noqa: BLE001 - any failure means the index is unavailable
        return False
    probe = os.path.join(path, f".probe-{os.getpid()}")
    try:
        with open(probe, "w") as fh:
            fh.write("ok")
        os.remove(probe)
    except OSError:
        return False
    return True
