"""Buffers for question page views (docs/rules.md: a page view never writes to the database).

Each view is kept as one record: the question, the viewer and their organization (none for an
anonymous visitor) and the time, so that `forum tick` can both move the view counters and log one
`view_question` engagement event per view, in bulk. With Redis (several machines) the records go to
one list; without it, each process appends to its own spool file in the instance folder. The tick
drains either atomically (rename, then read).

A process holds the views it records and writes them together: when VIEW_FLUSH_BATCH have gathered,
when VIEW_FLUSH_SECONDS have passed since the first (a timer), before this process drains the
buffer, and at exit. A
cached page's only other round trip is the cache's own, so one RPUSH (or one file append) per page
view was a third of a cache hit's time. The cost: views recorded by a worker that is killed outright
(SIGKILL) in that window are not counted.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class View:
    """One buffered page view of a question."""

    question_id: int
    user_id: int | None
    organization_id: int | None
    at: float  # seconds since the epoch (UTC)

    def line(self) -> str:
        return f"{self.question_id},{self.user_id or ''},{self.organization_id or ''},{self.at:.3f}"

    @staticmethod
    def parse(line: str) -> View | None:
        """A record written by ``line()``; also the bare question id of the older format. None for
        a damaged line (a process killed mid-write)."""
        parts = line.strip().split(",")
        try:
            if len(parts) == 1:
                return View(int(parts[0]), None, None, time.time()) if parts[0].isdigit() else None
            if len(parts) != 4:
                return None
            qid, uid, org, at = parts
            return View(int(qid), int(uid) if uid else None, int(org) if org else None, float(at))
        except ValueError:
            return None


def counts_of(views: list[View]) -> Counter[int]:
    """Views per question."""
    return Counter(view.question_id for view in views)


class _Held:
    """The views this process recorded and has not written yet, per buffer (its ``target``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.views: dict[Any, tuple[Any, list[View], float]] = {}  # target -> (buffer, views, first held at)

    def add(self, buffer: Any, view: View) -> None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
        batch, seconds = int(config.get("VIEW_FLUSH_BATCH", 1)), float(config.get("VIEW_FLUSH_SECONDS", 0))
        now = time.monotonic()
        with self.lock:
            if self.pid != os.getpid():  # a forked worker: what the parent held is the parent's to write
                self.pid, self.views = os.getpid(), {}
            _buffer, views, since = self.views.get(buffer.target, (buffer, [], now))
            views.append(view)
            if len(views) < batch and now - since < seconds:
                self.views[buffer.target] = (buffer, views, since)
                if len(views) == 1:  # written at the latest when the interval ends, even with no view after
                    timer = threading.Timer(seconds, self.flush, args=(buffer.target,))
                    timer.daemon = True
                    timer.start()
                return
            self.views.pop(buffer.target, None)
            buffer.write(views)  # under the lock: a drain that flushes first finds them written

    def flush(self, target: Any = None) -> None:
        with self.lock:
            if self.pid != os.getpid():
                self.pid, self.views = os.getpid(), {}
            for held in [t for t in self.views if target is None or t == target]:
                buffer, views, _since = self.views.pop(held)
                buffer.write(views)


_held = _Held()


def _flush_at_exit() -> None:
    try:
        _held.flush()
    except Exception:  # noqa: BLE001 - at exit there is no one left to tell
        pass


atexit.register(_flush_at_exit)


class FileViewBuffer:
    _dirs: dict[tuple[str, str], Path] = {}  # made once per process, not at every page view

    def __init__(self, spool_dir: str, database_url: str) -> None:
        made = self._dirs.get((spool_dir, database_url))
        if made is None:
            key = hashlib.sha1(database_url.encode()).hexdigest()[:10]
            made = Path(spool_dir) / key
            made.mkdir(parents=True, exist_ok=True)
            self._dirs[(spool_dir, database_url)] = made
        self.dir = made
        self.target = ("file", str(made))

    def add(self, question_id: int, user_id: int | None = None, organization_id: int | None = None,
            at: float | None = None) -> None:
        _held.add(self, View(int(question_id), user_id, organization_id, time.time() if at is None else at))

    def write(self, views: list[View]) -> None:
        path = self.dir / f"{os.getpid()}.log"
        try:
            spool = open(path, "a", encoding="ascii")  # noqa: SIM115 - closed below
        except FileNotFoundError:  # the directory was removed since this process made it
            self.dir.mkdir(parents=True, exist_ok=True)
            spool = open(path, "a", encoding="ascii")  # noqa: SIM115
        with spool:
            spool.write("".join(view.line() + "\n" for view in views))

    def drain_views(self) -> list[View]:
        _held.flush(self.target)
        views: list[View] = []
        for path in sorted(self.dir.glob("*.log")):
            taken = path.with_suffix(f".{time.time_ns()}.flushing")
            try:
                path.rename(taken)
            except FileNotFoundError:
                continue
            views.extend(v for v in map(View.parse, taken.read_text(encoding="ascii").splitlines()) if v)
            taken.unlink()
        return views

    def drain(self) -> Counter[int]:
        return counts_of(self.drain_views())


class RedisViewBuffer:
    KEY = "forum:view_records"

    _clients: dict[str, Any] = {}  # one connection pool per URL and process, not one per page view

    def __init__(self, url: str) -> None:
        import redis

        client = self._clients.get(url)
        if client is None:
            client = self._clients[url] = redis.Redis.from_url(url)
        self.redis = client
        self.target = ("redis", url)

    def add(self, question_id: int, user_id: int | None = None, organization_id: int | None = None,
            at: float | None = None) -> None:
        _held.add(self, View(int(question_id), user_id, organization_id, time.time() if at is None else at))

    def write(self, views: list[View]) -> None:
        self.redis.rpush(self.KEY, *(view.line() for view in views))

    def drain_views(self) -> list[View]:
        import redis

        _held.flush(self.target)
        taken = f"{self.KEY}:flushing:{time.time_ns()}"
        try:
            self.redis.rename(self.KEY, taken)
        except redis.ResponseError:  # no such key: nothing buffered
            return []
        raw = self.redis.lrange(taken, 0, -1)
        self.redis.delete(taken)
        return [v for v in (View.parse(item.decode("ascii") if isinstance(item, bytes) else item) for item in raw) if v]

    def drain(self) -> Counter[int]:
        return counts_of(self.drain_views())
