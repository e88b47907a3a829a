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

def _reuse_url_builders() -> None:
    """Every test makes its own app, and werkzeug writes each of its ~185 routes' two URL builders
    as Python source and compiles it (ast + compile): 40 of create_app's 65 ms of CPU, the same code
    at every test. The code depends only on the rule's text, its parsed parts and its defaults (the
    builder reads the rule's converters from the rule it is bound to, at each call), so a builder
    compiled once is reused for the same rule in the next test's app."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled: dict[Any, Any] = {}

    def reused(self: Rule, append_unknown: bool = True) -> Any:
        defaults = self.defaults or {}
        key = (self.rule, tuple(self._trace), append_unknown,
               tuple(sorted((k, repr(v), type(self._converters.get(k))) for k, v in defaults.items())))
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = reused  # type: ignore[method-assign]


_reuse_url_builders()


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
        # A commit returns without waiting for its WAL flush (2-3 ms saved on each of a test's
        # commits; the demo loader commits over a thousand times). What other sessions see is the
        # same; only a crash of the server could lose the last commits, of a throw-away database.
        conn.execute(sa.text(f'ALTER DATABASE "{own}" SET synchronous_commit = off'))
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
    """Every table emptied, and on PostgreSQL every used sequence back at 1 (as a fresh schema).

    PostgreSQL: DELETE, not TRUNCATE. A TRUNCATE of the 43 tables makes new files for each table and
    index and took 0.3-1.5 s per test (most of a PostgreSQL test's time); DELETE of a test's few rows
    takes ~10 ms. Foreign keys are not checked meanwhile (session_replication_role: the postgres
    role the tests connect as may set it), so the order and any cycle between tables do not matter."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for t in tables:
                conn.execute(sa.text(f'DELETE FROM "{t}"'))
            conn.execute(sa.text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                                 "FROM pg_sequences WHERE last_value IS NOT NULL"))
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


@pytest.fixture(scope="module")
def module_app_config() -> dict[str, Any]:
    """Override in a module that uses `module_app` to change its rule keys."""
    return {}


@pytest.fixture(scope="module", params=BACKENDS)
def module_app(request: pytest.FixtureRequest, database_urls: dict[str, str],
               tmp_path_factory: pytest.TempPathFactory, module_app_config: dict[str, Any]) -> Iterator[Any]:
    """One app for all of a module's tests on each backend, its tables emptied when the module is done:
    for modules whose tests each read what one costly set-up made (the demo loader, 10-40 s a run),
    so that it runs once per module and backend rather than once per test: pytest-xdist hands each
    module to one worker (`--dist loadscope`, pyproject.toml), else each worker would make its own.
    Such a module's tests do not use `app` as well (both would empty the same tables)."""
    config = dict(module_app_config)
    if request.node.path.parent.name in GATE_AWARE_DIRS:
        config.setdefault("MODERATION_FALLBACK_MODE", "guarded")
    application = make_app(database_urls[request.param], tmp_path_factory.mktemp("module-app"), **config)
    yield application
    engine = application.extensions["forum.engine"]
    _empty_tables(engine)
    engine.dispose()


def demo_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's members hashed by a cheap method: hashing dominates the demo loader's run time."""
    import forum.accounts.actions as accounts_actions
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(accounts_actions, "generate_password_hash",
                        lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"))


def load_demo_once(module_app: Any, now: Any) -> Any:
    """The demo loaded into a `module_app` at `now` (the clock frozen there), its members hashed
    cheaply: the module-scoped `loaded` fixture of the modules that read the demo."""
    from forum.demo.load import load_demo

    with pytest.MonkeyPatch.context() as monkeypatch, module_app.app_context():
        demo_password_hashes(monkeypatch)
        module_app.config["FROZEN_NOW"] = now
        demo = load_demo()
        assert demo is not None
        return demo


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


@pytest.fixture
def csrf_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """CSRF tokens signed with one and the same second: a test comparing two pages byte for byte
    made a moment apart would otherwise fail when a second boundary falls between them."""
    from itsdangerous.timed import TimestampSigner

    signed_at = TimestampSigner.get_timestamp(TimestampSigner("x"))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)


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
