"""The idea board's periodic job for `flask forum tick`: ideas past their deadline expire."""

from __future__ import annotations

import datetime as dt

from forum.ideas import actions
from forum.tick import periodic


@periodic("idea_deadlines")
def expire_overdue_ideas(now: dt.datetime) -> str:
    """docs/rules.md: an idea still gathering at its deadline expires (``actions.expire_overdue_ideas``)."""
    return f"{actions.expire_overdue_ideas(now)} expired"
