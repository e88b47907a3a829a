"""GET /api/v1/moderation/stats (docs/api.md, Moderation): public, the window, 422 for a bad days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum import db
from forum.moderation.models import ItemStatus, ModerationItem
from tests.api.conftest import assert_error


def test_stats_are_public_and_counted(client, world, freeze):
    now = dt.datetime(2030, 6, 30, 12, 0)
    freeze(now)

    def _items() -> None:
        for days, status, minutes, reason in ((1, "approved", 30, None), (2, "rejected", 90, "spam"),
                                              (3, "open", None, None), (40, "rejected", 10, "abuse")):
            held = now - dt.timedelta(days=days)
            db.session.add(ModerationItem(content_type="answer", content_id=1, reason="strict", excerpt="x",
                                          held_at=held, status=ItemStatus(status), decision_reason=reason,
                                          decided_at=held + dt.timedelta(minutes=minutes) if minutes else None))

    world.run(_items)
    resp = client.get("/api/v1/moderation/stats")
    assert resp.status_code == 200
    data = resp.get_json()
    assert {k: data[k] for k in ("held", "released", "rejected", "median_hold_minutes")} == {
        "held": 3, "released": 1, "rejected": 1, "median_hold_minutes": 60.0}
    assert data["rejections_by_reason"]["spam"] == 1 and data["rejections_by_reason"]["abuse"] == 0
    wide = client.get("/api/v1/moderation/stats?days=90").get_json()
    assert wide["held"] == 4 and wide["rejections_by_reason"]["abuse"] == 1 and wide["window_days"] == 90


def test_bad_days_is_422(client):
    for bad in ("abc", "0", "-3", "366", "1.5"):
        assert_error(client.get(f"/api/v1/moderation/stats?days={bad}"), 422, field="days")
    assert client.get("/api/v1/moderation/stats?days=365").status_code == 200
