"""Rate limits across workers: counted in Redis when REDIS_URL is set (two app instances, as two
workers, share one count); without Redis a start-up warning, and production refuses several workers."""

from __future__ import annotations

import logging
import os
import uuid

import pytest

from forum import ConfigError, db
from tests.conftest import _empty_tables, make_app, redis_url
from tests.factories import make_user

REDIS = redis_url() if os.environ.get("TEST_REDIS_URL") else None  # this test process's database


@pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL is not set")
def test_two_workers_share_one_limit_through_redis(database_urls, tmp_path):
    prefix = f"test-limits-{uuid.uuid4().hex}"
    config = dict(REDIS_URL=REDIS, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix,
                  RATE_LIMITS={"login": "4 per minute"})
    first = make_app(database_urls["sqlite"], tmp_path / "a", **config)
    second = make_app(database_urls["sqlite"], tmp_path / "b", **config)
    try:
        with first.app_context():
            make_user("alice")
            db.commit()
        statuses = []
        for app in (first, second, first, second, first, second):
            response = app.test_client().post("/login", data={"login": "alice", "password": "wrong password"},
                                              environ_base={"REMOTE_ADDR": "10.9.8.7"})
            statuses.append(response.status_code)
        assert statuses == [422, 422, 422, 422, 429, 429]
    finally:
        _empty_tables(first.extensions["forum.engine"])
        for app in (first, second):
            app.extensions["forum.engine"].dispose()


def test_memory_limits_warn_at_start_up(database_urls, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="forum.security")
    app = make_app(database_urls["sqlite"], tmp_path, RATELIMIT_ENABLED=True, REDIS_URL=None)
    app.extensions["forum.engine"].dispose()
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert any("each worker" in r.getMessage() and "REDIS_URL" in r.getMessage() for r in caplog.records)


def test_production_refuses_several_workers_without_redis(database_urls, tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        make_app(database_urls["sqlite"], tmp_path, ENV="production", BASE_URL="https://c.example.com",
                 RATELIMIT_ENABLED=True, REDIS_URL=None)


def test_redis_url_selects_redis_storage(database_urls, tmp_path):
    app = make_app(database_urls["sqlite"], tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    app.extensions["forum.engine"].dispose()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"


def test_worker_count_from_gunicorn_and_the_environment():
    from forum.security import _worker_count

    assert _worker_count({}, ["/usr/bin/gunicorn", "--workers", "4", "wsgi:app"]) == 4
    assert _worker_count({}, ["gunicorn", "-w", "3", "wsgi:app"]) == 3
    assert _worker_count({}, ["gunicorn", "--workers=5", "wsgi:app"]) == 5
    assert _worker_count({"GUNICORN_CMD_ARGS": "--bind 127.0.0.1:8000 -w 2"}, ["gunicorn"]) == 2
    assert _worker_count({"WEB_CONCURRENCY": "6"}, ["flask"]) == 6
    assert _worker_count({}, ["flask", "run"]) == 1
