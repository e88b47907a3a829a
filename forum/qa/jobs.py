"""Q&A's periodic job for `flask forum tick`: flushing buffered view counts."""

from __future__ import annotations

import datetime as dt

from forum.qa.actions import flush_view_counts
from forum.tick import periodic


@periodic("view_counts")
def flush_views(_now: dt.datetime) -> str:
    return f"{flush_view_counts()} views"
