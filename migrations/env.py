"""Alembic environment: run by our `flask db` commands (forum/db.py) with the app's engine."""

from __future__ import annotations

import importlib

from alembic import context

from forum import PARTS
from forum.db import Base

for part in PARTS:
    try:
        importlib.import_module(f"forum.{part}.models")
    except ModuleNotFoundError as exc:
        if exc.name != f"forum.{part}.models":
            raise

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
