"""The policy API contract (docs/api.md: Moderation): GET and PUT /api/v1/moderation/policy, their
fields and statuses in the order 401, 400, 404, 403, 422; and, through the API alone, NPS answers
that switch the community to strict and back to open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.api.conftest import World, assert_error
from tests.moderation.gate_helpers import DAY, T0

KEYS = {"mode", "computed_mode", "nps", "responses", "margin_of_error", "reason", "override"}


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"FROZEN_NOW": T0, "NPS_MIN_RESPONSES": 3, "NPS_MIN_MEMBERSHIP_DAYS": 0}


@pytest.fixture
def world(app: Any) -> World:
    return World(app)


def put(client: Any, headers: dict[str, str], **body: Any) -> Any:
    return client.put("/api/v1/moderation/policy", json=body, headers=headers)


# --------------------------------------------------------------------------- GET

def test_anyone_reads_the_policy_with_the_contracts_fields(client):
    resp = client.get("/api/v1/moderation/policy")
    assert resp.status_code == 200
    data = resp.get_json()
    assert KEYS <= set(data)
    assert data["mode"] == data["computed_mode"] == "guarded" and data["override"] is None
    assert data["nps"] is None and data["responses"] == 0 and data["margin_of_error"] is None
    assert data["window_days"] == 90 and data["category"] is None and isinstance(data["reason"], str)


def test_a_category_is_named_by_id_and_an_unknown_one_is_422(client, world):
    category = world.category("Analytics")
    resp = client.get(f"/api/v1/moderation/policy?category={category.id}")
    assert resp.status_code == 200
    assert resp.get_json()["category"] == {"id": category.id, "name": "Analytics", "slug": "analytics"}
    assert "community's mode" in resp.get_json()["reason"]
    assert_error(client.get("/api/v1/moderation/policy?category=999"), 422, "unknown_category", "category")
    assert_error(client.get("/api/v1/moderation/policy?category=abc"), 422, field="category")


def test_an_ambassadors_only_category_is_unknown_to_others(client, world):
    secret = world.category("Early access", ambassadors_only=True)
    assert_error(client.get(f"/api/v1/moderation/policy?category={secret.id}"), 422, "unknown_category", "category")
    headers = world.headers(world.user(ambassador=True))
    assert client.get(f"/api/v1/moderation/policy?category={secret.id}", headers=headers).status_code == 200


def test_a_bad_token_is_401_even_on_the_get(client):
    assert_error(client.get("/api/v1/moderation/policy", headers={"Authorization": "Bearer nope"}), 401)


# --------------------------------------------------------------------------- PUT

def test_put_needs_a_token_then_json_then_an_admin(client, world):
    assert_error(put(client, {}, mode="strict", note="x"), 401)
    member = world.headers(world.user())
    bad = client.put("/api/v1/moderation/policy", data="{nope", headers={**member, "Content-Type": "application/json"})
    assert_error(bad, 400, "bad_json")
    assert_error(put(client, member, mode="strict", note="Spam wave"), 403)
    assert_error(put(client, member, mode="lax"), 403)  # 403 before 422
    assert_error(put(client, world.headers(world.user(roles=("moderator",))), mode="strict", note="x"), 403)
    admin_read_only = world.headers(world.user(roles=("admin",)), scopes=["read", "write"])
    assert_error(put(client, admin_read_only, mode="strict", note="x"), 403, "insufficient_scope")


@pytest.mark.parametrize(("body", "field"), [
    ({"mode": "lax", "note": "x"}, "mode"), ({"mode": 3, "note": "x"}, "mode"), ({"note": "x"}, "mode"),
    ({"mode": "strict"}, "note"), ({"mode": "strict", "note": "  "}, "note"),
    ({"mode": "strict", "note": "x", "until": "2026-06-15T11:00:00Z"}, "until"),
    ({"mode": "strict", "note": "x", "until": "2026-06-15T12:00:00Z"}, "until"),
    ({"mode": "strict", "note": "x", "until": "next week"}, "until"),
    ({"mode": "strict", "note": "x", "category": 999}, "category"),
    ({"mode": "strict", "note": "x", "category": "1"}, "category"),
])
def test_put_refuses_bad_input_with_the_field_named(client, world, body, field):
    headers = world.headers(world.user(roles=("admin",)))
    assert_error(client.put("/api/v1/moderation/policy", json=body, headers=headers), 422, field=field)
    assert client.get("/api/v1/moderation/policy").get_json()["override"] is None


def test_an_admin_overrides_for_seven_days_and_clears(client, world):
    admin = world.user("carol", roles=("admin",))
    headers = world.headers(admin)
    resp = put(client, headers, mode="strict", note="Spam wave")
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()
    assert KEYS <= set(data) and data["mode"] == "strict" and data["computed_mode"] == "guarded"
    assert data["override"] == {"mode": "strict", "by": {"id": admin.id, "username": "carol"}, "note": "Spam wave",
                                "until": "2026-06-22T12:00:00Z"}
    assert data["reason"] == "Overridden by carol until 2026-06-22 12:00 UTC: Spam wave"
    assert client.get("/api/v1/moderation/policy").get_json()["mode"] == "strict"
    cleared = put(client, headers, mode=None)
    assert cleared.status_code == 200 and cleared.get_json()["override"] is None
    assert cleared.get_json()["mode"] == "guarded"
    assert put(client, headers, mode=None).status_code == 200  # clearing again changes nothing


def test_an_override_of_a_category_with_an_end(client, world):
    category = world.category()
    headers = world.headers(world.user(roles=("admin",)))
    resp = put(client, headers, mode="open", note="Beta feedback", until="2026-06-16T08:00:00+02:00",
               category=category.id)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["override"]["until"] == "2026-06-16T06:00:00Z"
    assert resp.get_json()["category"]["id"] == category.id
    assert client.get(f"/api/v1/moderation/policy?category={category.id}").get_json()["mode"] == "open"
    assert client.get("/api/v1/moderation/policy").get_json()["mode"] == "guarded"


def test_the_openapi_document_declares_both_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/moderation/policy"])


# --------------------------------------------------------------------------- through the API alone

def test_three_detractors_switch_to_strict_and_enough_promoters_back_to_open(client, world):
    def answer(score: int) -> None:
        resp = client.post("/api/v1/nps", json={"score": score}, headers=world.headers(world.user()))
        assert resp.status_code == 201, resp.get_json()

    def mode() -> str:
        return client.get("/api/v1/moderation/policy").get_json()["mode"]

    answer(0)
    answer(2)
    assert mode() == "guarded"  # two answers: the fallback
    answer(5)
    policy = client.get("/api/v1/moderation/policy").get_json()
    assert policy["mode"] == "strict" and policy["nps"] == -100 and policy["responses"] == 3
    seen = []
    for _ in range(7):
        answer(10)
        seen.append(mode())
    # NPS −50, −20, 0, 14.3, 25, 33.3, 40: out of strict from 5, open only from 35 (hysteresis)
    assert seen == ["strict", "strict", "strict", "guarded", "guarded", "guarded", "open"]


def test_the_tick_recomputes_as_answers_leave_the_window(app, client, world):
    for _ in range(3):
        client.post("/api/v1/nps", json={"score": 0}, headers=world.headers(world.user()))
    assert client.get("/api/v1/moderation/policy").get_json()["mode"] == "strict"
    app.config["FROZEN_NOW"] = T0 + 91 * DAY
    from forum.tick import run_tick

    with app.app_context():
        run_tick(T0 + 91 * DAY)
    data = client.get("/api/v1/moderation/policy").get_json()
    assert data["mode"] == "guarded" and data["responses"] == 0
    assert isinstance(dt.datetime.fromisoformat(data["computed_at"].replace("Z", "")), dt.datetime)
