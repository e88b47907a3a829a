"""GET /api/v1/search and GET /api/v1/questions/similar (docs/api.md: Search)."""

from __future__ import annotations

from tests.api.conftest import World, assert_error, world  # noqa: F401  (fixture)


def test_search_api_lists_visible_results(client, world: World):
    author = world.user(ambassador=True)
    restricted = world.category("Early access", ambassadors_only=True)
    public = world.question(author, "Resetting the 数据库 password")
    world.question(author, "Reset password for early access", category=restricted)
    world.question(author, "Reset a pending password question", status="pending")
    resp = client.get("/api/v1/search?q=reset")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["total"] == 1 and data["page"] == 1 and data["per_page"] == 20
    item = data["items"][0]
    assert item["type"] == "question" and item["id"] == public.id and item["title"] == public.title
    assert "<mark" in item["snippet"] or item["snippet"] == "" or isinstance(item["snippet"], str)
    assert isinstance(item["score"], float) and item["score"] > 0
    ambassador = world.headers(author)
    assert client.get("/api/v1/search?q=reset", headers=ambassador).get_json()["total"] == 2
    assert client.get("/api/v1/search?q=数据库").get_json()["items"][0]["id"] == public.id


def test_search_api_bad_input(client, world: World):
    world.question(world.user(), "Reset the admin password")
    assert_error(client.get("/api/v1/search"), 422, field="q")
    assert_error(client.get("/api/v1/search?q=reset&type=bogus"), 422, field="type")
    assert_error(client.get("/api/v1/search?q=reset&category=999"), 422, "unknown_category", "category")
    assert_error(client.get("/api/v1/search?q=title:("), 400, "invalid_query", "q")
    resp = client.get('/api/v1/search?q="unclosed reset')
    assert resp.status_code == 200 and resp.get_json()["notice"]
    assert resp.get_json()["total"] == 1  # the plain words, any of them (issue 11)
    resp = client.get('/api/v1/search?q=(reset OR admin')
    assert resp.status_code == 200 and resp.get_json()["total"] == 1


def test_search_api_pagination_and_sort(client, world: World):
    author = world.user()
    ids = [world.question(author, f"Webhook delivery number {n}").id for n in range(5)]
    data = client.get("/api/v1/search?q=webhook&sort=newest&per_page=2&page=2").get_json()
    assert data["total"] == 5 and [i["id"] for i in data["items"]] == [ids[2], ids[1]]
    assert client.get("/api/v1/search?q=webhook&per_page=500").get_json()["per_page"] == 100


def test_similar_questions_api(client, world: World):
    author, helper = world.user(), world.user()
    q = world.question(author, "Connecting to the reporting API with OAuth")
    world.question(author, "Billing questions in general")
    resp = client.get("/api/v1/questions/similar?title=reporting api oauth")
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert [i["id"] for i in items] == [q.id]
    assert set(items[0]) >= {"id", "title", "score", "answer_count", "accepted", "relevance"}
    assert items[0]["accepted"] is False and items[0]["answer_count"] == 0
    world.answer(helper, q)
    assert client.get("/api/v1/questions/similar?title=reporting api oauth").get_json()["items"][0]["answer_count"] == 1
    assert client.get("/api/v1/questions/similar").get_json() == {"items": []}


def test_openapi_documents_search(client, world: World):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/search" in paths and "/api/v1/questions/similar" in paths
