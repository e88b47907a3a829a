"""docs/api.md: the served OpenAPI document describes every endpoint; rate limits answer 429 in JSON."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import assert_error


def _api_routes(app):
    """(path in OpenAPI form, method) for every /api/v1 rule of the app."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def test_openapi_lists_every_api_route(client, app):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    document = resp.get_json()
    assert document["openapi"].startswith("3.") and document["info"]["version"] == "1"
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    expected = _api_routes(app)
    assert ("/api/v1/questions/{question_id}", "get") in expected  # the walk finds the routes
    missing = expected - documented
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"


def test_openapi_declares_schemas_and_bearer_auth(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    for name in ("UserOut", "MeOut", "TokenCreated", "QuestionOut", "AnswerOut", "CommentOut", "VoteIn", "ErrorOut"):
        assert name in schemas, name
    assert set(schemas["QuestionOut"]["properties"]) >= {"id", "title", "status", "answers", "my_vote", "following"}
    ask = document["paths"]["/api/v1/questions"]["post"]
    body_ref = ask["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/QuestionCreate")
    assert set(schemas["QuestionCreate"]["required"]) == {"title", "body"}
    assert {"201", "401", "422"} <= set(ask["responses"])
    vote = schemas["VoteIn"]["properties"]["value"]
    assert sorted(vote["enum"]) == [-1, 0, 1]


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATE_LIMITS": {"api": "3 per minute", "post": "2 per hour"}}


def test_rate_limit_answers_429_json_with_retry_after(client, world):
    headers = world.headers(world.user())
    for _ in range(3):
        assert client.get("/api/v1/questions", headers=headers).status_code == 200
    error = assert_error(client.get("/api/v1/questions", headers=headers), 429, "rate_limited")
    assert error["message"]
    limited = client.get("/api/v1/me", headers=headers)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # the limit is per member: another member (and an anonymous caller) still gets through
    assert client.get("/api/v1/questions", headers=world.headers(world.user())).status_code == 200
    assert client.get("/api/v1/questions").status_code == 200


def test_posting_limit_is_shared_by_questions_answers_and_comments(client, world):
    user = world.user(points=500)
    headers = world.headers(user)
    question = world.question(world.user())
    asked = client.post("/api/v1/questions", headers=headers, json={"title": "A question to count", "body": "b"})
    assert asked.status_code == 201
    answered = client.post(f"/api/v1/questions/{question.id}/answers", headers=headers, json={"body": "an answer"})
    assert answered.status_code == 201
    limited = client.post(f"/api/v1/questions/{question.id}/comments", headers=headers, json={"body": "a comment"})
    assert_error(limited, 429, "rate_limited")
    assert "Retry-After" in limited.headers
