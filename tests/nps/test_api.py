"""The NPS API contract (docs/api.md: NPS, Moderation → follow-ups): paths, fields, statuses, and the
order of checks 401, 400, 404, 403, 422, 409 for anonymous callers, members and staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forum import db
from forum.nps.models import Followup
from tests.api.conftest import World, assert_error
from tests.nps.conftest import DAY, T0, at


@pytest.fixture
def world(app: Any) -> World:
    return World(app)


def _member(world: World, days: float = 30, **kw: Any) -> Any:
    return world.user(created_at=T0 - dt.timedelta(days=days), **kw)


def _answer(client: Any, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/v1/nps", json=body, headers=headers)


# --------------------------------------------------------------------------- POST /nps

def test_answer_201_with_id_score_and_category(client, world):
    category = world.category("Analytics")
    headers = world.headers(_member(world))
    resp = _answer(client, headers, score=9, comment="Love it", category=category.id)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert isinstance(data["id"], int) and data["score"] == 9
    assert data["category"] == {"id": category.id, "name": "Analytics", "slug": "analytics"}


def test_answer_without_category_has_null_category(client, world):
    resp = _answer(client, world.headers(_member(world)), score=0)
    assert resp.status_code == 201 and resp.get_json()["category"] is None


def test_answer_anonymous_is_401_and_bad_token_is_401(client):
    assert_error(_answer(client, {}, score=5), 401)
    assert_error(_answer(client, {"Authorization": "Bearer nope"}, score=5), 401)


def test_answer_unparseable_body_is_400(client, world):
    headers = world.headers(_member(world))
    assert_error(client.post("/api/v1/nps", data="{not json", headers=headers | {"Content-Type": "application/json"}),
                 400, "bad_json")
    assert_error(client.post("/api/v1/nps", json=[1, 2], headers=headers), 400)


def test_answer_needs_the_write_scope(client, world):
    assert_error(_answer(client, world.headers(_member(world), scopes=["read"]), score=5), 403, "insufficient_scope")


@pytest.mark.parametrize("body, field", [
    ({}, "score"), ({"score": 11}, "score"), ({"score": -1}, "score"), ({"score": "5"}, "score"),
    ({"score": True}, "score"), ({"score": 5.5}, "score"), ({"score": 5, "category": "x"}, "category"),
    ({"score": 5, "comment": 3}, "comment"),
])
def test_answer_schema_refusals_are_422_naming_the_field(client, world, body, field):
    assert_error(_answer(client, world.headers(_member(world)), **body), 422, field=field)


def test_answer_unknown_category_is_422(client, world):
    assert_error(_answer(client, world.headers(_member(world)), score=5, category=9999), 422, "unknown_category",
                 "category")


def test_a_new_member_is_422_nps_not_eligible(client, world):
    assert_error(_answer(client, world.headers(_member(world, days=13)), score=5), 422, "nps_not_eligible")
    assert _answer(client, world.headers(_member(world, days=14)), score=5).status_code == 201


def test_a_second_answer_in_the_interval_is_409_and_later_201(app, client, world):
    user = _member(world, days=300)
    assert _answer(client, world.headers(user), score=5).status_code == 201
    at(app, T0 + 89 * DAY)
    assert_error(_answer(client, world.headers(user), score=6), 409)
    at(app, T0 + 90 * DAY)
    assert _answer(client, world.headers(user), score=6).status_code == 201


def test_a_schema_refusal_comes_before_the_conflict(client, world):
    headers = world.headers(_member(world))
    assert _answer(client, headers, score=5).status_code == 201
    assert_error(_answer(client, headers, score=12), 422, field="score")


# --------------------------------------------------------------------------- GET /nps/summary

def test_summary_is_for_staff_only(client, world):
    assert_error(client.get("/api/v1/nps/summary"), 401)
    assert_error(client.get("/api/v1/nps/summary", headers=world.headers(_member(world))), 403)
    for role in ("moderator", "product", "cs", "admin"):
        resp = client.get("/api/v1/nps/summary", headers=world.headers(world.user(roles=(role,))))
        assert resp.status_code == 200


def test_summary_without_answers(client, world):
    resp = client.get("/api/v1/nps/summary", headers=world.headers(world.user(roles=("cs",))))
    assert resp.get_json() == {"nps": None, "responses": 0, "promoters": 0, "passives": 0, "detractors": 0,
                               "margin_of_error": None, "window_days": 90, "moderation_mode": "guarded"}


def test_summary_counts_margin_window_and_category(app, client, world):
    category = world.category("Billing")
    for score in (10, 10, 9, 8, 3):
        _answer(client, world.headers(_member(world)), score=score, category=category.id)
    _answer(client, world.headers(_member(world)), score=0)
    staff = world.headers(world.user(roles=("product",)))
    data = client.get("/api/v1/nps/summary", headers=staff).get_json()
    assert (data["promoters"], data["passives"], data["detractors"], data["responses"]) == (3, 1, 2, 6)
    assert data["nps"] == pytest.approx(16.7) and data["margin_of_error"] > 0
    only = client.get(f"/api/v1/nps/summary?category={category.id}", headers=staff).get_json()
    assert only["responses"] == 5 and only["nps"] == 40.0
    at(app, T0 + 31 * DAY)
    recent = client.get("/api/v1/nps/summary?days=30", headers=staff).get_json()
    assert recent["responses"] == 0 and recent["window_days"] == 30 and recent["nps"] is None


@pytest.mark.parametrize("query", ["days=0", "days=abc", "category=abc"])
def test_summary_bad_query_is_422(client, world, query):
    assert_error(client.get(f"/api/v1/nps/summary?{query}", headers=world.headers(world.user(roles=("cs",)))), 422)


def test_summary_unknown_category_is_422(client, world):
    assert_error(client.get("/api/v1/nps/summary?category=777", headers=world.headers(world.user(roles=("cs",)))),
                 422, "unknown_category")


# --------------------------------------------------------------------------- follow-ups

def _detractor(client: Any, world: World, **kw: Any) -> Any:
    user = _member(world, **kw)
    resp = _answer(client, world.headers(user), score=3, comment="Exports keep failing")
    assert resp.status_code == 201
    return user, resp.get_json()["id"]


FIELDS = {"id", "source", "nps_response_id", "content_type", "content_id", "user", "organization", "score",
          "comment", "status", "due_at"}


def test_followups_list_for_cs(client, world):
    org = world.org("Umbrella", tier="value_added", arr=50_000)
    user, response_id = _detractor(client, world, organization=org)
    _answer(client, world.headers(_member(world)), score=9)  # a promoter: no follow-up
    resp = client.get("/api/v1/followups", headers=world.headers(world.user(roles=("cs",))))
    assert resp.status_code == 200
    page = resp.get_json()
    assert page["total"] == 1 and page["page"] == 1 and page["per_page"] == 20
    item = page["items"][0]
    assert FIELDS <= set(item)
    assert item["source"] == "nps" and item["nps_response_id"] == response_id
    assert item["content_type"] is None and item["content_id"] is None
    assert item["user"] == {"id": user.id, "username": user.username}
    assert item["organization"] == {"id": org.id, "name": "Umbrella", "tier": "value_added", "arr": 50_000}
    assert item["score"] == 3 and item["comment"] == "Exports keep failing" and item["status"] == "open"
    assert item["due_at"] == "2026-06-17T12:00:00Z"


def test_followups_list_refusals(client, world):
    assert_error(client.get("/api/v1/followups"), 401)
    for role in ((), ("moderator",), ("product",)):
        assert_error(client.get("/api/v1/followups", headers=world.headers(world.user(roles=role))), 403)
    assert client.get("/api/v1/followups", headers=world.headers(world.user(roles=("admin",)))).status_code == 200
    assert_error(client.get("/api/v1/followups?status=lost", headers=world.headers(world.user(roles=("cs",)))), 422)


def _followup_id(app: Any) -> int:
    with app.app_context():
        return db.session.query(Followup.id).scalar()


def test_update_followup_contacted_then_resolved(app, client, world):
    _detractor(client, world)
    fid = _followup_id(app)
    cs = world.user(roles=("cs",))
    headers = world.headers(cs)
    resp = client.post(f"/api/v1/followups/{fid}", json={"status": "contacted", "note": "Called"}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    item = resp.get_json()
    assert FIELDS <= set(item) and item["status"] == "contacted" and item["id"] == fid
    assert item["notes"][0]["note"] == "Called" and item["notes"][0]["by"]["id"] == cs.id
    resp = client.post(f"/api/v1/followups/{fid}", json={"status": "resolved", "note": "Fixed"}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["status"] == "resolved"
    assert_error(client.post(f"/api/v1/followups/{fid}", json={"status": "contacted", "note": "Again"},
                             headers=headers), 422, "invalid_transition")
    filtered = client.get("/api/v1/followups?status=resolved", headers=headers).get_json()
    assert [i["id"] for i in filtered["items"]] == [fid]


def test_update_followup_refusals_in_order(app, client, world):
    _detractor(client, world)
    fid = _followup_id(app)
    cs = world.headers(world.user(roles=("cs",)))
    member = world.headers(world.user())
    url = f"/api/v1/followups/{fid}"
    assert_error(client.post(url, json={"status": "resolved", "note": "x"}), 401)
    assert_error(client.post(url, data="nope", headers=cs | {"Content-Type": "application/json"}), 400)
    assert_error(client.post("/api/v1/followups/9999", json={"status": "resolved", "note": "x"}, headers=cs), 404)
    assert_error(client.post("/api/v1/followups/9999", json={"status": "resolved", "note": "x"}, headers=member), 404)
    assert_error(client.post(url, json={"status": "resolved", "note": "x"}, headers=member), 403)
    assert_error(client.post(url, json={"status": "bogus", "note": "x"}, headers=member), 403)
    assert_error(client.post(url, json={"status": "bogus", "note": "x"}, headers=cs), 422, field="status")
    assert_error(client.post(url, json={"status": "open", "note": "x"}, headers=cs), 422, field="status")
    assert_error(client.post(url, json={"status": "resolved"}, headers=cs), 422, field="note")
    assert_error(client.post(url, json={"status": "resolved", "note": "  "}, headers=cs), 422, field="note")
    listed = client.get("/api/v1/followups", headers=cs).get_json()["items"][0]
    assert listed["status"] == "open"


def test_nps_routes_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    for path, method in (("/api/v1/nps", "post"), ("/api/v1/nps/summary", "get"), ("/api/v1/followups", "get"),
                         ("/api/v1/followups/{followup_id}", "post")):
        assert method in paths[path], path
    schemas = spec["components"]["schemas"]
    summary = schemas["nps_SummaryOut"]
    assert {"nps", "responses", "promoters", "passives", "detractors", "margin_of_error", "window_days",
            "moderation_mode"} <= set(summary["properties"])
