"""The public moderation stats (forum/moderation, docs/rules.md "The NPS gate"): counts, the median
hold time, rejections by reason over a window, in one statement; the page and its window picker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation import queries, rules
from forum.moderation.models import ItemStatus, ModerationItem
from tests.factories import make_user

NOW = dt.datetime(2030, 6, 30, 12, 0)


def item(held_days_ago: float, *, status: str = "open", minutes: float | None = None, reason: str = "strict",
         decision: str | None = None) -> ModerationItem:
    held_at = NOW - dt.timedelta(days=held_days_ago)
    row = ModerationItem(content_type="question", content_id=1, reason=reason, excerpt="text", held_at=held_at,
                         status=ItemStatus(status), decision_reason=decision,
                         decided_at=held_at + dt.timedelta(minutes=minutes) if minutes is not None else None)
    db.session.add(row)
    return row


def test_counts_median_and_reasons_in_the_window(session):
    item(1, status="approved", minutes=10)
    item(2, status="approved", minutes=30, reason="guarded_newcomer")
    item(3, status="rejected", minutes=50, decision="spam")
    item(4, status="rejected", minutes=70, decision="spam")
    item(5, status="rejected", minutes=90, decision="abuse", reason="flagged")
    item(6)                                   # still open: held, not in the median
    item(31, status="rejected", minutes=5, decision="duplicate")   # outside 30 days
    session.flush()
    stats = queries.moderation_stats(30, now=NOW)
    assert (stats["held"], stats["released"], stats["rejected"], stats["open"]) == (6, 2, 3, 1)
    assert stats["median_hold_minutes"] == 50.0
    assert stats["rejections_by_reason"] == {"spam": 2, "abuse": 1, "personal_data": 0, "off_topic": 0,
                                             "duplicate": 0}
    assert stats["held_by_reason"] == {"strict": 4, "guarded_newcomer": 1, "flagged": 1}
    wide = queries.moderation_stats(90, now=NOW)
    assert wide["held"] == 7 and wide["rejections_by_reason"]["duplicate"] == 1
    assert wide["median_hold_minutes"] == 40.0       # even count: the mean of the middle two


def test_the_window_edge_and_an_empty_window(session):
    item(30, status="approved", minutes=1)      # exactly 30 days ago: inside
    item(30.001, status="approved", minutes=1)  # just before: outside
    session.flush()
    assert queries.moderation_stats(30, now=NOW)["held"] == 1
    empty = queries.moderation_stats(1, now=NOW)
    assert empty["held"] == 0 and empty["median_hold_minutes"] is None
    assert set(empty["rejections_by_reason"]) == set(rules.REJECTION_REASONS)


def test_one_statement_whatever_the_number_of_items(session):
    for n in range(40):
        item(n % 20, status="rejected" if n % 2 else "approved", minutes=n, decision="spam" if n % 2 else None)
    session.flush()
    statements: list[str] = []
    engine = db.session.get_bind()

    def listener(*args: Any, **_: Any) -> None:
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        queries.moderation_stats(30, now=NOW)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1


def test_reason_rows_name_reasons_in_the_readers_language(app, session):
    item(1, status="rejected", minutes=5, decision="personal_data")
    session.flush()
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        from flask_babel import refresh

        refresh()
        rows = queries.reason_rows(queries.moderation_stats(30, now=NOW))
    assert rows[0]["code"] == "personal_data" and rows[0]["count"] == 1 and rows[0]["share"] == 1.0
    assert rows[0]["label"] != "Personal data"


@pytest.mark.parametrize("query, window", [("", 30), ("?days=7", 7), ("?days=90", 90), ("?days=abc", 30),
                                           ("?days=0", 30), ("?days=100000", 30), ("?days=14", 14)])
def test_the_public_page_and_its_picker(app, client, freeze, query, window):
    freeze(NOW)
    with app.app_context():
        item(0.5, status="rejected", minutes=20, decision="off_topic")
        db.session.commit()
    resp = client.get("/moderation/stats" + query)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for d in (7, 30, 90):
        assert f'data-window="{d}"' in page
    assert 'data-stat="rejected">1<' in page and 'data-reason="off_topic"' in page and "20 min" in page
    if window in (7, 30, 90):
        assert f'days={window}" aria-current="page"' in page


def test_the_page_in_chinese(app, client, freeze):
    freeze(NOW)
    with app.app_context():
        make_user()
        item(0.5, status="rejected", minutes=20, decision="spam")
        db.session.commit()
    page = client.get("/moderation/stats", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert 'data-reason="spam"' in page
