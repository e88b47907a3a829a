"""Engagement's periodic job for `flask forum tick`: the daily roll-ups of the event log."""

from __future__ import annotations

import datetime as dt

from forum.engagement import actions
from forum.tick import periodic


@periodic("rollups")
def roll_up_events(now: dt.datetime) -> str:
    """Roll up every closed day not rolled up yet (``actions.roll_up_events``)."""
    done = actions.roll_up_events(now)
    return f"{done['days']} days rolled up ({done['rows']} rows)"
