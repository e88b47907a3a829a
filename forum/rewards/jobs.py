"""Rewards' periodic jobs for `flask forum tick`: serial-vote reversal and ambassador terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum.rewards import actions
from forum.tick import periodic


@periodic("serial_votes")
def reverse_serial_votes(now: dt.datetime) -> Any:
    """docs/rules.md: serial voting is reversed by `forum tick`."""
    return f"{actions.reverse_serial_votes(now)} vote(s) removed"


@periodic("ambassador_terms")
def end_ambassador_terms(now: dt.datetime) -> Any:
    """docs/rules.md: status lapses after `lapse_days` without contribution; terms end after
    AMBASSADOR_CRITERIA `term_days`."""
    counts = actions.end_ambassador_terms(now)
    return f"{counts['lapsed']} lapsed, {counts['expired']} ended"
