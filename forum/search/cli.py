"""Search's command `forum reindex`: rebuild from the database, with a progress bar (docs/api.md: Command
line); the `search_index` tick job is in jobs.py."""

from __future__ import annotations

import time
from typing import Any

import click

from forum.cli import forum_cli
from forum.search.actions import reindex


@forum_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database, in bulk (one commit)."""
    state: dict[str, Any] = {}

    def set_total(n: int) -> None:
        state["bar"] = click.progressbar(length=n, label="Indexing", show_pos=True, show_percent=True)
        state["bar"].__enter__()

    started = time.perf_counter()
    try:
        written = reindex(progress=lambda n: state["bar"].update(n), total=set_total)
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    seconds = time.perf_counter() - started
    rate = written / seconds if seconds > 0 else 0.0
    click.echo(f"Indexed {written} documents in {seconds:.1f} s ({rate:.0f} documents/s).")

