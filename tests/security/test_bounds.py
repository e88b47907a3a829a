"""Bad input is a clear 4xx, never a 500, on SQLite and PostgreSQL: out-of-range ids (404), page
numbers and integers (422 naming the field), too-deep JSON (400), control characters (422 naming
the field), invisible and text-direction characters in titles and names; 405 carries Allow."""

from __future__ import annotations

import json
from typing import Any

import pytest

from forum import db
from forum.accounts import actions
from tests.factories import ask, make_category, make_user
from tests.security.conftest import login

HUGE = [2**31, 2**63, 10**30]


@pytest.fixture
def world(seed) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        member = make_user("asker", points=500)
        make_category("Billing")
        question = ask(member, title="How do I export invoices?", body="From the billing page.")
        _token, secret = actions.issue_token(member)
        return {"question": question.id, "token": secret, "member": member.id}

    return seed(build)


def _auth(world: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {world['token']}"}


def _error(response: Any) -> dict[str, Any]:
    return response.get_json()["error"]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", ["/questions/{n}", "/users/{n}", "/ideas/{n}", "/api/v1/questions/{n}",
                                  "/api/v1/ideas/{n}", "/api/v1/answers/{n}/vote"])
def test_out_of_range_ids_in_urls_are_404(client, world, path, number):
    method = client.put if path.endswith("/vote") else client.get
    response = method(path.format(n=number), headers=_auth(world), json={"value": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["page=99999999999999999999", f"page={2**31}", f"page=-{2**63}"])
def test_out_of_range_page_numbers_on_pages_are_422_naming_the_field(client, world, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 422
    assert "page" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, field", [("per_page=", "per_page"), ("page=", "page"), (f"page={2**63}", "page"),
                                          (f"per_page={2**40}", "per_page"), ("page=0", "page"),
                                          (f"category={2**40}", "category")])
def test_api_page_and_integer_arguments(client, world, query, field):
    response = client.get(f"/api/v1/questions?{query}")
    assert response.status_code == 422
    assert _error(response)["field"] == field and _error(response)["code"] == "invalid"


@pytest.mark.parametrize("value", [2**31, 2**63, -(2**63) - 1, 10**40, 1e300])
def test_json_integers_beyond_range_are_422_naming_the_field(client, world, value):
    response = client.post("/api/v1/questions", headers=_auth(world),
                           json={"title": "A question about exports", "body": "Details here.", "category": value})
    assert response.status_code == 422
    assert _error(response)["field"] == "category"
    vote = client.put(f"/api/v1/questions/{world['question']}/vote", headers=_auth(world), json={"value": value})
    assert vote.status_code == 422 and _error(vote)["field"] == "value"


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def test_deeply_nested_json_is_400(client, world):
    for body in ("[" * 50_000, "[" * 50_000 + "]" * 50_000, json.dumps({"title": "x", "tags": _nested(40)})):
        response = client.post("/api/v1/questions", headers={**_auth(world), "Content-Type": "application/json"},
                               data=body)
        assert response.status_code == 400, body[:40]
        assert _error(response)["code"] == "bad_json"


def test_deeply_nested_json_to_a_page_endpoint_is_not_a_500(client, world):
    login(client, "asker")
    response = client.post("/search/ask-events", data="[" * 50_000, content_type="application/json")
    assert response.status_code < 500


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_in_json_text_are_422_naming_the_field(client, world, char):
    response = client.post("/api/v1/questions", headers=_auth(world),
                           json={"title": f"Exports{char} fail", "body": "Details here."})
    assert response.status_code == 422 and _error(response)["field"] == "title"
    response = client.post(f"/api/v1/questions/{world['question']}/answers", headers=_auth(world),
                           json={"body": f"Try{char}this"})
    assert response.status_code == 422 and _error(response)["field"] == "body"


def test_tabs_and_newlines_stay_allowed(client, world):
    response = client.post(f"/api/v1/questions/{world['question']}/answers", headers=_auth(world),
                           json={"body": "Line one\n\tindented\r\nline two"})
    assert response.status_code == 201


@pytest.mark.parametrize("char", ["\x00", "\x08"])
def test_control_characters_in_forms_and_query_strings_are_422_naming_the_field(client, world, char):
    login(client, "asker")
    response = client.post("/ask", data={"title": "Exports fail", "body": f"Details{char}here", "category": "0"})
    assert response.status_code == 422
    assert "body" in response.get_data(as_text=True)
    search = client.get("/search", query_string={"q": f"invoice{char}"})
    assert search.status_code == 422
    api = client.get("/api/v1/search", query_string={"q": f"invoice{char}"})
    assert api.status_code == 422 and _error(api)["field"] == "q"


def test_control_characters_in_url_segments_are_404(client, world):
    assert client.get("/password/reset/abc%00def").status_code == 404


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_invisible_and_direction_characters_in_titles_and_names_are_refused(client, world, char):
    response = client.post("/api/v1/questions", headers=_auth(world),
                           json={"title": f"Invoice{char}gpj.exe", "body": "Details here."})
    assert response.status_code == 422 and _error(response)["field"] == "title"
    login(client, "asker")
    form = client.post("/settings", data={"display_name": f"Admin{char}", "bio": "", "locale": "en"})
    assert form.status_code == 422 and "display_name" in form.get_data(as_text=True)


def test_existing_direction_characters_are_not_shown(client, seed, world):
    def build() -> int:
        from forum.qa.models import Question

        question = db.session.get(Question, world["question"])
        question.title = "Invoice \u202egpj.exe"
        user = make_user("sneaky", display_name="Sup\u200bport \u2066team\u2069")
        return user.id

    user_id = seed(build)
    page = client.get(f"/questions/{world['question']}").get_data(as_text=True)
    assert "Invoice gpj.exe" in page and "\u202e" not in page
    profile = client.get(f"/users/{user_id}").get_data(as_text=True)
    assert "Support team" in profile
    assert not any(c in profile for c in "\u202e\u2066\u2069\u200b")


def test_405_carries_allow_on_pages_and_api(client, world):
    for path in ("/api/v1/questions", "/api/v1/openapi.json", "/login", "/"):
        response = client.delete(path, headers=_auth(world))
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_update_profile_refuses_direction_characters_in_the_service(session):
    from forum.errors import RuleViolation

    member = make_user("plain")
    with pytest.raises(RuleViolation) as refused:
        actions.update_profile(member, display_name="Adm\u202ein")
    assert refused.value.field == "display_name"
