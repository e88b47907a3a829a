"""The database: declarative base, reusable column types, one session per request, `flask db`.

docs/architecture.md: the request (or CLI command) owns the transaction. Actions use ``db.session`` and never
commit; ``commit()`` is called once by the view, API handler or command at the end of its work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click
import sqlalchemy as sa
from flask import Flask, current_app, g
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """The current UTC time, naive (stored as UTC everywhere); tests and `tick --now` pin it."""
    try:
        pinned = g.get("now") or current_app.config.get("FROZEN_NOW")
    except RuntimeError:
        pinned = None
    return pinned or dt.datetime.now(dt.UTC).replace(tzinfo=None)


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[dt.datetime, mapped_column(sa.DateTime, default=utcnow, nullable=False)]
str80 = Annotated[str, mapped_column(sa.String(80))]
str200 = Annotated[str, mapped_column(sa.String(200))]
text = Annotated[str, mapped_column(sa.Text)]


def user_fk(nullable: bool = False, ondelete: str | None = "CASCADE") -> Any:
    return mapped_column(sa.ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=True)


def _engine_for(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # SQLAlchemy's documented pysqlite recipe: the driver's own transaction handling is off
            # (isolation_level=None above), so BEGIN here makes SAVEPOINTs and rollbacks reliable.
            conn.exec_driver_sql(f"BEGIN {_sqlite_begin_mode(conn)}")

        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_begin_mode(conn: Any) -> str:
    """IMMEDIATE for a transaction that will write, DEFERRED otherwise.

    In WAL mode a deferred transaction that reads and then writes fails at once ("database is
    locked", no busy wait) if another connection committed in between. So the first transaction
    of a request that may write (any method but GET/HEAD/OPTIONS) and ``side_write`` sessions
    take the write lock when they begin and queue behind each other for up to the busy timeout;
    page views stay concurrent readers, and so does whatever a request reads after its commit."""
    return conn.get_execution_options().get("sqlite_begin") or "DEFERRED"


def _request_writes() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


WRITE_OPTIONS = {"sqlite_begin": "IMMEDIATE"}


@contextmanager
def side_write() -> Iterator[Session]:
    """A session for a small bookkeeping write (a visit, a token's last use) made before the view.

    In a request that writes anyway, it is the request's own session (committed with it); while
    serving a read it is a separate short session that begins with the write lock and commits
    at once, so the page's read transaction never has to become a writer."""
    if _request_writes():
        yield session
        return
    side = current_app.extensions["forum.sessionmaker"]()
    try:
        side.connection(execution_options=WRITE_OPTIONS)
        yield side
        side.commit()
    finally:
        side.close()


def init_app(app: Flask) -> None:
    engine = _engine_for(app.config["DATABASE_URL"])
    app.extensions["forum.engine"] = engine
    app.extensions["forum.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_request(_end_transaction)
    app.teardown_appcontext(_close_session)
    app.cli.add_command(db_cli)


def engine() -> sa.Engine:
    return current_app.extensions["forum.engine"]


def _get_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["forum.sessionmaker"]()
        if _request_writes():
            g.db_session.connection(execution_options=WRITE_OPTIONS)
    return g.db_session


def _end_transaction(_exc: BaseException | None) -> None:
    """A request's transaction ends with the request (what it did not commit is rolled back),
    also when its application context outlives it (tests, nested contexts)."""
    s = g.get("db_session")
    if s is not None and s.in_transaction():
        s.rollback()


def _close_session(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


session: Session = LocalProxy(_get_session)  # type: ignore[assignment]


def core_execute(statement: Any, params: Any = None) -> sa.CursorResult[Any]:
    """A Core statement that selects columns (not entities) run on the request session's connection,
    skipping the ORM's result machinery (a third of a small read's cost on SQLite); what waits in
    the session is flushed first, as ``Session.execute`` would (autoflush)."""
    s = _get_session()
    if s.autoflush and (s.new or s.deleted or s.identity_map.check_modified()):
        s.flush()
    return s.connection().execute(statement, params)


def commit() -> None:
    """Commit the request's transaction; after-commit events fire from the session hook."""
    session.commit()


def rollback() -> None:
    session.rollback()


def dialect() -> str:
    return engine().dialect.name


# --------------------------------------------------------------------------- flask db commands

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config() -> Any:
    from alembic.config import Config

    root = Path(__file__).resolve().parent.parent
    cfg = Config()
    cfg.set_main_option("script_location", str(root / "migrations"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["engine"] = engine()
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply the migrations (creates the database on first run)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_command(revision: str) -> None:
    """Revert migrations."""
    from alembic import command

    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("--autogenerate", is_flag=True)
@click.option("-m", "--message", required=True)
def revision_command(autogenerate: bool, message: str) -> None:
    """Create a new migration file."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models differ from the migrations."""
    from alembic import command
    from alembic.util.exc import AutogenerateDiffsDetected

    try:
        command.check(alembic_config())
    except AutogenerateDiffsDetected as exc:
        raise click.ClickException(str(exc)) from exc
