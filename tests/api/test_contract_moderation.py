"""Contract checks of the Moderation section of docs/api.md found by the black-box run: the order
of checks 401, 400, 404, 403, 422 holds for every malformed field, not only for the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.api.conftest import assert_error


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MODERATION_FALLBACK_MODE": "open"}


@pytest.mark.parametrize("bad", [
    {"content_type": "vote"},
    {"content_type": None},
    {"content_id": "x"},
    {"content_id": True},
    {"reason": "criticism"},
    {"note": 5},
])
def test_flag_without_the_privilege_is_403_before_any_422(client, world, bad):
    author = world.user(points=200)
    question = world.question(author)
    poor = world.headers(world.user(points=3))
    body = {"content_type": "question", "content_id": question.id, "reason": "spam"} | bad
    error = assert_error(client.post("/api/v1/flags", json=body, headers=poor), 403)
    assert "15" in error["message"]


def test_flag_of_unknown_content_is_404_before_403_and_bad_fields_422_for_a_flagger(client, world):
    author = world.user(points=200)
    question = world.question(author)
    poor = world.headers(world.user(points=3))
    flagger = world.headers(world.user(points=15))
    good = {"content_type": "question", "content_id": question.id, "reason": "spam"}
    assert_error(client.post("/api/v1/flags", json=good | {"content_id": 9999}, headers=poor), 404)
    assert_error(client.post("/api/v1/flags", json=good | {"content_type": "vote"}, headers=flagger), 422,
                 field="content_type")
    assert_error(client.post("/api/v1/flags", json=good | {"content_id": "x"}, headers=flagger), 422,
                 field="content_id")
    assert client.post("/api/v1/flags", json=good, headers=flagger).status_code == 201


def test_openapi_documents_the_moderation_and_nps_lists_as_pages(client):
    """The queue and the follow-ups are lists (docs/api.md, Conventions): their operations name
    the page parameters beside their own filters."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, own in (("/api/v1/moderation/queue", "content_type"), ("/api/v1/followups", "status")):
        names = {p["name"] for p in paths[path]["get"].get("parameters", [])}
        assert {"page", "per_page", own} <= names, (path, names)


def test_resolving_a_resolved_follow_up_again_is_200_and_changes_nothing(client, world, app):
    from forum import db
    from forum.accounts.models import User
    from forum.nps import actions as nps_actions

    member = world.user(created_at=dt.datetime(2020, 1, 1))

    def _detractor() -> int:
        return nps_actions.record_nps(db.session.get(User, member.id), 2, "Slow exports", None).id

    world.run(_detractor)
    cs = world.headers(world.user(roles=("cs",)))
    [followup] = client.get("/api/v1/followups", headers=cs).get_json()["items"]
    url = f"/api/v1/followups/{followup['id']}"
    assert client.post(url, json={"status": "resolved", "note": "Fixed"}, headers=cs).status_code == 200
    again = client.post(url, json={"status": "resolved", "note": "Fixed again"}, headers=cs)
    assert again.status_code == 200, again.get_json()
    assert [n["note"] for n in again.get_json()["notes"]] == ["Fixed"]
    assert_error(client.post(url, json={"status": "contacted", "note": "Reopen"}, headers=cs), 422, field="status")
    assert_error(client.post(url, json={"status": "resolved"}, headers=cs), 422, field="note")
