"""Each worker keeps its own copy of the generation-keyed entries it reads or writes (fragments,
blocks, list totals: forum/cache.py kept_get_many, kept_set), so that it reads each from the shared
cache once: never staler than the shared entry (a bump makes a new key), within its timeout and the
LOCAL_CACHE_MB budget."""

from __future__ import annotations

from typing import Any

import pytest

from forum import cache as forum_cache
from forum.cache import bump, generations, kept_get_many, kept_set
from forum.extensions import cache


@pytest.fixture
def reads(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The keys each shared-cache read asked for."""
    seen: list[tuple[str, ...]] = []
    original = cache.get_many

    def spying(*keys: str) -> list[Any]:
        seen.append(keys)
        return original(*keys)

    monkeypatch.setattr(cache, "get_many", spying)
    return seen


def test_an_entry_is_read_from_the_shared_cache_once_per_worker(app, reads):
    with app.app_context():
        (token,) = generations("site")
        key = f"qcount:{token}:x"
        cache.set(key, 41)  # written by another worker
        reads.clear()
        assert kept_get_many(key) == [41]
        assert kept_get_many(key) == [41]
        assert kept_get_many(key, None) == [41, None]
        assert reads == [(key,)]


def test_a_bump_leaves_the_copy_behind(app, reads):
    with app.app_context():
        (old,) = generations("site")
        kept_set(f"qcount:{old}:x", 1)
        bump("site")
        (new,) = generations("site")
        assert new != old
        assert kept_get_many(f"qcount:{new}:x") == [None]  # asked of the shared cache: a miss
        assert reads[-1] == (f"qcount:{new}:x",)


def test_a_copy_expires_with_its_timeout(app, reads, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(forum_cache.time, "monotonic", lambda: clock[0])
    with app.app_context():
        kept_set("frag:a", ["<p>a</p>"], timeout=10)
        reads.clear()
        assert kept_get_many("frag:a") == [["<p>a</p>"]] and reads == []
        clock[0] += 11
        cache.delete("frag:a")  # the shared entry expired as well
        assert kept_get_many("frag:a") == [None] and reads == [("frag:a",)]


def test_the_budget_holds_the_most_recently_used(app, reads):
    app.config["LOCAL_CACHE_MB"] = 0.001  # about 1 kB
    with app.app_context():
        app.extensions.pop("forum.local_cache", None)
        for name in "abc":
            kept_set(f"blocks:{name}", "x" * 400)
        reads.clear()
        kept_get_many("blocks:c")
        kept_get_many("blocks:a")
        assert reads == [("blocks:a",)]  # the oldest was let go; the newest is held
        assert forum_cache._local().used <= forum_cache._local().budget
        app.extensions.pop("forum.local_cache", None)
