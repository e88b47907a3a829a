"""Fixtures: every database test runs on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

The schema is created once per backend; after each test every table is emptied. Apps are made
per test with rate limits off and CSRF off (tests/accounts test CSRF on purpose).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from forum import PARTS, create_app
from forum.db import Base

for _part in PARTS:
    try:
        importlib.import_module(f"forum.{_part}.models")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"forum.{_part}.models":
            raise

def redis_url() -> str:
    """TEST_REDIS_URL with this test process's own database number (15 for the first pytest-xdist
    worker, 14 for the next, …): tests/cache flush theirs before each test."""
    base, _slash, number = os.environ["TEST_REDIS_URL"].rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    offset = int(worker[2:]) if worker[2:].isdigit() else 0
    return f"{base}/{(int(number or 0) - offset) % 16}"


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _pg_url() -> str:
    """TEST_DATABASE_URL; under pytest-xdist each worker gets a database of its own beside it
    (`<name>_gw0`, created on first use), so parallel workers never share tables."""
    url = os.environ["TEST_DATABASE_URL"]
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own}) is None:
            conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"}
    if "postgresql" in BACKENDS:
        urls["postgresql"] = _pg_url()
    for url in urls.values():
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            else:
                Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
        engine.dispose()
    return urls


def _empty_tables(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for t in tables:
                conn.execute(sa.text(f'DELETE FROM "{t}"'))
            conn.execute(sa.text("PRAGMA foreign_keys=ON"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def make_app(database_url: str, tmp_path: Any, **overrides: Any) -> Any:
    config = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "SEARCH_DIR": str(tmp_path / "search"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "VIEW_BUFFER_DIR": str(tmp_path / "views"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
        "TICK_IN_BACKGROUND": False,
        "REDIS_URL": None,
        "MAIL_URL": None,
        "MODERATION_FALLBACK_MODE": "open",  # see GATE_AWARE_DIRS
        "SEARCH_SEMANTIC": False,  # the model loads only in the tests that turn it on (tests/search)
        "CACHE_TYPE": "SimpleCache",  # per test app; tests/cache also runs on Redis with TEST_REDIS_URL
        "PAGE_CACHE": False,  # factories bypass the domain events; tests/cache turns it on
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change rule keys for the `app` fixture."""
    return {}


# Test directories written for the NPS gate run with its real fallback mode (guarded). Elsewhere
# tests post as new members, whom that fallback would hold, so make_app opens the gate unless a
# test's app_config says otherwise (e.g. {"MODERATION_FALLBACK_MODE": "guarded"}).
GATE_AWARE_DIRS = ("moderation", "nps")


@pytest.fixture
def app(backend: str, database_urls: dict[str, str], tmp_path: Any, app_config: dict[str, Any],
        request: pytest.FixtureRequest) -> Iterator[Any]:
    config = dict(app_config)
    if request.node.path.parent.name in GATE_AWARE_DIRS:
        config.setdefault("MODERATION_FALLBACK_MODE", "guarded")
    application = make_app(database_urls[backend], tmp_path, **config)
    yield application
    engine = application.extensions["forum.engine"]
    _empty_tables(engine)
    engine.dispose()


@pytest.fixture
def ctx(app: Any) -> Iterator[Any]:
    """An application context; `forum.db.session` is the test's session inside it."""
    with app.app_context():
        yield app


@pytest.fixture
def session(ctx: Any) -> Any:
    from forum import db

    return db.session


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def freeze(app: Any) -> Any:
    """freeze(datetime) pins forum.db.utcnow() for the app (None unpins)."""

    def _freeze(when: dt.datetime | None) -> None:
        app.config["FROZEN_NOW"] = when

    return _freeze


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The test process's one chromium (Playwright, Debian's /usr/bin/chromium), shared by every
    browser test: a second sync_playwright() in the same process fails while the first runs."""
    from tests.browser.helpers import ARGS, CHROMIUM, chromium_missing

    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
