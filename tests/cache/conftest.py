"""tests/cache run with the page cache on, on the in-process cache and, when TEST_REDIS_URL is set
(CI: redis://127.0.0.1:6379/15), on Redis too: each test process (pytest-xdist worker) on a database
of its own (tests/conftest.py ``redis_url``: 15 for the first, 14 for the next, …), flushed before each test, so that
one worker's flush never empties another's cache mid-test."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import redis_url

CACHES = ["simple"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(params=CACHES)
def cache_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(cache_backend: str) -> dict[str, Any]:
    if cache_backend == "redis":
        import redis

        url = redis_url()
        redis.Redis.from_url(url).flushdb()
        return {"PAGE_CACHE": True, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}
    return {"PAGE_CACHE": True}
