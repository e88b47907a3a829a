"""tests/cache run with the page cache on, on the in-process cache and, when TEST_REDIS_URL is set
(CI: redis://127.0.0.1:6379/15), on Redis too (that database is flushed before each test)."""

from __future__ import annotations

import os
from typing import Any

import pytest

CACHES = ["simple"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(params=CACHES)
def cache_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(cache_backend: str) -> dict[str, Any]:
    if cache_backend == "redis":
        import redis

        url = os.environ["TEST_REDIS_URL"]
        redis.Redis.from_url(url).flushdb()
        return {"PAGE_CACHE": True, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}
    return {"PAGE_CACHE": True}
