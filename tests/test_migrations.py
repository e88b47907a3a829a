"""The Alembic migrations build the whole schema, and the models do not differ from them."""

import os
import uuid

import pytest
import sqlalchemy as sa

from forum import create_app


def _targets(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path}/migrated.db"
    if os.environ.get("TEST_DATABASE_URL"):
        base = os.environ["TEST_DATABASE_URL"]
        name = f"migr_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield "postgresql", base.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_upgrade_then_check_reports_no_difference(tmp_path):
    for backend, url in _targets(tmp_path):
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "TESTING": True})
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, (backend, result.output)
        check = runner.invoke(args=["db", "check"])
        assert check.exit_code == 0, (backend, check.output)
        tables = set(sa.inspect(app.extensions["forum.engine"]).get_table_names())
        assert {"users", "questions", "answers", "votes", "events"} <= tables
        app.extensions["forum.engine"].dispose()
