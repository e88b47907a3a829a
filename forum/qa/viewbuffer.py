"""Buffers for question view counts (docs/rules.md: a page view never writes to the database).

With Redis (several machines) views go to one hash; without it, each process appends to its own
spool file in the instance folder. `forum tick` drains either atomically (rename, then read).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from pathlib import Path


class FileViewBuffer:
    def __init__(self, spool_dir: str, database_url: str) -> None:
        key = hashlib.sha1(database_url.encode()).hexdigest()[:10]
        self.dir = Path(spool_dir) / key
        self.dir.mkdir(parents=True, exist_ok=True)

    def add(self, question_id: int) -> None:
        with open(self.dir / f"{os.getpid()}.log", "a", encoding="ascii") as spool:
            spool.write(f"{int(question_id)}\n")

    def drain(self) -> Counter[int]:
        counts: Counter[int] = Counter()
        for path in self.dir.glob("*.log"):
            taken = path.with_suffix(f".{time.time_ns()}.flushing")
            try:
                path.rename(taken)
            except FileNotFoundError:
                continue
            for line in taken.read_text(encoding="ascii").split():
                if line.isdigit():
                    counts[int(line)] += 1
            taken.unlink()
        return counts


class RedisViewBuffer:
    KEY = "forum:views"

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)

    def add(self, question_id: int) -> None:
        self.redis.hincrby(self.KEY, str(int(question_id)), 1)

    def drain(self) -> Counter[int]:
        import redis

        taken = f"{self.KEY}:flushing:{time.time_ns()}"
        try:
            self.redis.rename(self.KEY, taken)
        except redis.ResponseError:  # no such key: nothing buffered
            return Counter()
        counts = Counter({int(k): int(v) for k, v in self.redis.hgetall(taken).items()})
        self.redis.delete(taken)
        return counts
