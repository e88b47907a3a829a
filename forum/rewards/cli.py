"""`flask forum badges --backfill` and rewards' periodic jobs for `flask forum tick`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from forum import db
from forum.cli import forum_cli
from forum.rewards import actions
from forum.tick import periodic

import forum.rewards.generate  # noqa: E402,F401  (registers the ledger of `forum generate`)


@forum_cli.command("badges")
@click.option("--backfill", is_flag=True, help="Award every badge the rules say existing data has earned.")
def badges_command(backfill: bool) -> None:
    """Badges: with --backfill, award what existing data has earned (idempotent)."""
    if not backfill:
        raise click.UsageError("Nothing to do: use --backfill.")
    awarded = actions.backfill_badges()
    db.commit()
    click.echo(f"Awarded {awarded} badge(s).")


@periodic("serial_votes")
def reverse_serial_votes(now: dt.datetime) -> Any:
    """DESIGN.md: serial voting is reversed by `forum tick`."""
    return f"{actions.reverse_serial_votes(now)} vote(s) removed"


@periodic("ambassador_terms")
def end_ambassador_terms(now: dt.datetime) -> Any:
    """DESIGN.md: status lapses after `lapse_days` without contribution; terms end after 12 months."""
    counts = actions.end_ambassador_terms(now)
    return f"{counts['lapsed']} lapsed, {counts['expired']} ended"
