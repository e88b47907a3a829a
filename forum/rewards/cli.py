"""`flask forum badges --backfill`: award what existing data has earned (rewards' jobs: jobs.py)."""

from __future__ import annotations

import click

from forum import db
from forum.cli import forum_cli
from forum.rewards import actions


@forum_cli.command("badges")
@click.option("--backfill", is_flag=True, help="Award every badge the rules say existing data has earned.")
def badges_command(backfill: bool) -> None:
    """Badges: with --backfill, award what existing data has earned (idempotent)."""
    if not backfill:
        raise click.UsageError("Nothing to do: use --backfill.")
    awarded = actions.backfill_badges()
    db.commit()
    click.echo(f"Awarded {awarded} badge(s).")

