"""GET /api/v1/reports/health and .csv (docs/api.md: Reports): staff only (401, 403), periods and
categories checked (422 naming the parameter), the report's keys, the CSV with its byte-order mark."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from forum.health.rules import METRIC_KEYS
from tests.api.conftest import assert_error

NOW = dt.datetime(2030, 6, 30, 12, 0)


@pytest.fixture
def staff(world, freeze):
    freeze(NOW)
    return world.headers(world.user(roles=("cs",)))


def test_anonymous_is_401_and_members_403(client, world, freeze):
    freeze(NOW)
    for path in ("/api/v1/reports/health", "/api/v1/reports/health.csv"):
        assert_error(client.get(path), 401)
        assert_error(client.get(path, headers=world.headers(world.user())), 403)


@pytest.mark.parametrize("role", ["admin", "moderator", "product", "cs"])
def test_staff_roles_read_it(client, world, freeze, role):
    freeze(NOW)
    resp = client.get("/api/v1/reports/health", headers=world.headers(world.user(roles=(role,))))
    assert resp.status_code == 200


def test_default_period_is_the_last_30_days_with_every_key(client, world, staff):
    world.question(world.user(), "How do I export reports to CSV?")
    data = client.get("/api/v1/reports/health", headers=staff).get_json()
    assert (data["from"], data["to"]) == ("2030-06-01", "2030-06-30")
    assert {"from", "to", "health_index", "health_formula", "sub_scores", "metrics", "previous"} <= set(data)
    assert set(data["metrics"]) == set(METRIC_KEYS) and set(data["previous"]) == set(METRIC_KEYS)
    assert data["metrics"]["questions"] == 1 and data["previous"]["questions"] == 0
    assert set(data["sub_scores"]) == {"growth", "engagement", "responsiveness", "solutions", "sentiment", "ideas"}
    assert "weighted mean" in data["health_formula"]


@pytest.mark.parametrize("query, field", [
    ("from=2030-13-01", "from"), ("to=yesterday", "to"), ("from=2030-6-1", "from"),
    ("from=2030-06-10&to=2030-06-01", "from"), ("from=2000-01-01&to=2030-06-01", "from"),
    ("category=999", "category"), ("category=abc", "category"),
])
def test_bad_parameters_are_422_naming_the_field(client, staff, query, field):
    for path in ("/api/v1/reports/health", "/api/v1/reports/health.csv"):
        assert_error(client.get(f"{path}?{query}"), 401)
        assert_error(client.get(f"{path}?{query}", headers=staff), 422, field=field)


def test_a_category_and_a_period(client, world, staff):
    apps = world.category("Apps")
    world.question(world.user(), "Why does the app crash on start?", category=apps)
    world.question(world.user(), "How do I change my invoice address?")
    data = client.get(f"/api/v1/reports/health?from=2030-06-01&to=2030-06-30&category={apps.id}",
                      headers=staff).get_json()
    assert data["category"] == {"id": apps.id, "name": "Apps", "slug": "apps"}
    assert data["metrics"]["questions"] == 1
    whole = client.get("/api/v1/reports/health?from=2030-06-30&to=2030-06-30", headers=staff).get_json()
    assert whole["metrics"]["questions"] == 2 and whole["category"] is None


def test_csv_has_a_bom_and_one_row_per_metric(client, world, staff):
    world.question(world.user(), "How do I export reports to CSV?")
    resp = client.get("/api/v1/reports/health.csv?from=2030-06-01&to=2030-06-30", headers=staff)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["key", "value", "previous", "definition"]
    by_key = {r[0]: r for r in rows[1:]}
    assert [r[0] for r in rows[1:len(METRIC_KEYS) + 1]] == list(METRIC_KEYS)
    assert by_key["questions"][1:3] == ["1", "0"]
    assert by_key["response_rate_24h"][1:3] == ["0.0", ""]  # unanswered: 0; no questions before: null, empty
    assert by_key["dau"][3].startswith("Daily active members")


def test_the_openapi_document_describes_the_report(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/reports/health" in spec["paths"] and "/api/v1/reports/health.csv" in spec["paths"]
