"""PUT and DELETE /api/v1/users/{id}/suspension (docs/api.md, Moderation)."""

from __future__ import annotations

from typing import Any

from forum.accounts.models import User
from tests.api.conftest import assert_error


def test_suspend_and_lift(client, world):
    moderator = world.headers(world.user(roles=("moderator",)))
    member = world.user(points=50)
    resp = client.put(f"/api/v1/users/{member.id}/suspension", json={"until": "2099-05-17T10:00:00Z", "reason": "spam"},
                      headers=moderator)
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()
    assert data["id"] == member.id and data["suspended_until"] == "2099-05-17T10:00:00Z"
    assert data["suspension_reason"] == "spam"
    again = client.put(f"/api/v1/users/{member.id}/suspension", json={"until": "2099-05-17T12:00:00+02:00",
                                                                      "reason": "spam"}, headers=moderator)
    assert again.status_code == 200 and again.get_json()["suspended_until"] == "2099-05-17T10:00:00Z"
    error = assert_error(client.post("/api/v1/questions", json={"title": "A question while suspended",
                                                                 "body": "Does this work?"},
                                     headers=world.headers(member)), 403, code="suspended")
    assert "2099-05-17 10:00" in error["message"] and "spam" in error["message"]
    resp = client.delete(f"/api/v1/users/{member.id}/suspension", headers=moderator)
    assert resp.status_code == 200 and resp.get_json()["suspended_until"] is None
    assert world.get(User, member.id).suspended_until is None
    assert client.delete(f"/api/v1/users/{member.id}/suspension", headers=moderator).status_code == 200


def test_refusals(client, world):
    moderator_user = world.user(roles=("moderator",))
    moderator = world.headers(moderator_user)
    member = world.user()
    url = f"/api/v1/users/{member.id}/suspension"
    good = {"until": "2099-01-01T00:00:00Z", "reason": "abuse"}
    assert_error(client.put(url, json=good), 401)
    assert_error(client.put(url, data="nope", headers=moderator | {"Content-Type": "application/json"}), 400)
    assert_error(client.put("/api/v1/users/9999/suspension", json=good, headers=moderator), 404)
    assert_error(client.delete("/api/v1/users/9999/suspension", headers=moderator), 404)
    assert_error(client.put(url, json=good, headers=world.headers(world.user(points=5000))), 403)
    assert_error(client.delete(url, headers=world.headers(world.user(roles=("cs",)))), 403)
    assert_error(client.put(url, json=good | {"until": "2001-01-01T00:00:00Z"}, headers=moderator), 422, field="until")
    assert_error(client.put(url, json=good | {"until": "next tuesday"}, headers=moderator), 422, field="until")
    assert_error(client.put(url, json={"until": "2099-01-01T00:00:00Z"}, headers=moderator), 422, field="reason")
    assert_error(client.put(url, json=good | {"reason": "  "}, headers=moderator), 422, field="reason")
    assert world.get(User, member.id).suspended_until is None


def test_only_admins_suspend_staff(client, world):
    moderator = world.headers(world.user(roles=("moderator",)))
    other_moderator = world.user(roles=("moderator",))
    good = {"until": "2099-01-01T00:00:00Z", "reason": "abuse"}
    assert_error(client.put(f"/api/v1/users/{other_moderator.id}/suspension", json=good, headers=moderator), 403)
    admin = world.headers(world.user(roles=("admin",)))
    assert client.put(f"/api/v1/users/{other_moderator.id}/suspension", json=good, headers=admin).status_code == 200
