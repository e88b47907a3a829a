"""docs/api.md: Ideas and the moderation queue — an idea walked through its whole lifecycle by the API
alone (with IDEA_STAGES small: 2, 3 and 4 supporters), the status codes of every refusal."""

from __future__ import annotations

from typing import Any

import pytest

from forum import db
from forum.accounts.actions import issue_token
from forum.accounts.models import User
from tests import factories

IDEA_FIELDS = {"id", "title", "description", "description_html", "category", "status", "stage", "supporters",
               "next_threshold", "deadline", "review_due", "author", "supporters_by_tier", "supporting_organizations",
               "supporting_arr", "my_support", "decision_note", "merged_into", "history", "created_at"}


class People:
    def __init__(self, app: Any) -> None:
        self.app = app

    def make(self, name: str, roles: tuple[str, ...] = (), tier: str | None = None, arr: int = 0) -> dict[str, str]:
        with self.app.app_context():
            org = factories.make_org(f"{name} Inc", tier, arr) if tier else None
            user = factories.make_user(name, roles=roles, organization=org)
            secret = issue_token(db.session.get(User, user.id))[1]
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def people(app: Any) -> People:
    return People(app)


def error(resp: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    body = resp.get_json()["error"]
    assert body["code"] and body["message"]
    if field:
        assert body.get("field") == field, body
    return body


def test_an_idea_through_its_whole_lifecycle(client, people):
    author = people.make("author")
    moderator = people.make("moderator", roles=("moderator",))
    product = people.make("product", roles=("product",))
    fans = [people.make(f"fan{i}", tier=tier, arr=arr)
            for i, (tier, arr) in enumerate([("benchmark", 900), ("standard", 100), (None, 0), ("value_added", 50)])]
    late = people.make("late")

    resp = client.post("/api/v1/ideas", headers=author,
                       json={"title": "Dark mode for the dashboard", "description": "Please **add** it"})
    assert resp.status_code == 201
    idea = resp.get_json()
    assert set(idea) >= IDEA_FIELDS
    assert idea["status"] == "pending" and idea["description_html"].strip() == "<p>Please <strong>add</strong> it</p>"
    assert idea["stage"] == 0 and idea["next_threshold"] == 2 and idea["deadline"] is None
    url = f"/api/v1/ideas/{idea['id']}"

    # unpublished: only the author and moderators see it
    error(client.get(url), 404)
    error(client.get(url, headers=late), 404)
    assert client.get(url, headers=author).status_code == 200
    assert client.get(url, headers=moderator).status_code == 200
    assert client.get("/api/v1/ideas").get_json()["total"] == 0
    error(client.put(url + "/support", headers=late, json={}), 404)

    # the moderation queue
    error(client.get("/api/v1/moderation/queue"), 401)
    error(client.get("/api/v1/moderation/queue", headers=late), 403)
    queue = client.get("/api/v1/moderation/queue", headers=moderator).get_json()
    assert queue["total"] == 1
    item = queue["items"][0]
    assert (item["content_type"], item["content_id"]) == ("idea", idea["id"])
    assert set(item) >= {"id", "content_type", "content_id", "reason", "excerpt", "author", "held_at", "release_at"}
    item_url = f"/api/v1/moderation/queue/{item['id']}"
    error(client.post(item_url, headers=late, json={"action": "approve"}), 403)
    error(client.post(item_url, headers=moderator, json={"action": "reject"}), 422, "reason")
    error(client.post(item_url, headers=moderator, json={"action": "reject", "reason": "criticism"}), 422, "reason")
    error(client.post(item_url, headers=moderator, data="{", content_type="application/json"), 400)
    error(client.post("/api/v1/moderation/queue/999", headers=moderator, json={"action": "approve"}), 404)
    resp = client.post(item_url, headers=moderator, json={"action": "approve"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "approved"
    assert client.get("/api/v1/moderation/queue", headers=moderator).get_json()["total"] == 0

    idea = client.get(url).get_json()
    assert idea["status"] == "gathering" and idea["deadline"] is not None
    assert idea["supporters_by_tier"] is None and idea["supporting_arr"] is None
    assert [h["status"] for h in idea["history"]] == ["pending", "gathering"]

    # support: own idea 422, twice counts once, withdrawable
    error(client.put(url + "/support", headers=author, json={}), 422)
    error(client.put(url + "/support", headers=fans[0], json={"importance": "urgent"}), 422, "importance")
    resp = client.put(url + "/support", headers=fans[0], json={"importance": "must_have", "comment": "Yes!"})
    assert resp.status_code == 200
    assert resp.get_json()["supporters"] == 1 and resp.get_json()["my_support"]["importance"] == "must_have"
    assert client.put(url + "/support", headers=fans[0]).get_json()["supporters"] == 1
    assert client.delete(url + "/support", headers=fans[0]).get_json()["supporters"] == 0
    assert client.delete(url + "/support", headers=fans[0]).status_code == 200
    for fan in fans[:3]:
        assert client.put(url + "/support", headers=fan, json={"importance": "important"}).status_code == 200
    idea = client.get(url).get_json()
    assert (idea["stage"], idea["supporters"], idea["next_threshold"], idea["status"]) == (2, 3, 4, "gathering")

    # a member cannot decide; product may decide early, but let it reach review first
    error(client.post(url + "/decision", headers=late, json={"decision": "approved", "note": "Yes"}), 403)
    idea = client.put(url + "/support", headers=fans[3], json={}).get_json()
    assert (idea["status"], idea["stage"], idea["next_threshold"]) == ("in_review", 3, None)
    assert idea["review_due"] is not None
    error(client.put(url + "/support", headers=late, json={}), 422)           # frozen
    error(client.delete(url + "/support", headers=fans[0]), 422)

    seen_by_product = client.get(url, headers=product).get_json()
    assert seen_by_product["supporters_by_tier"] == {"benchmark": 1, "value_added": 1, "standard": 1, "none": 1}
    assert seen_by_product["supporting_organizations"] == 3 and seen_by_product["supporting_arr"] == 1050

    comment = client.post(url + "/comments", headers=fans[1], json={"body": "Any *news*?"})
    assert comment.status_code == 201
    assert set(comment.get_json()) == {"id", "body", "body_html", "status", "author", "created_at"}

    error(client.post(url + "/decision", headers=product, json={"decision": "approved"}), 422, "note")
    error(client.post(url + "/decision", headers=product, json={"decision": "approved", "note": "  "}), 422, "note")
    error(client.post(url + "/decision", headers=product, json={"decision": "maybe", "note": "x"}), 422, "decision")
    error(client.post(url + "/decision", headers=product, json={"decision": "shipped", "note": "x"}), 422)
    resp = client.post(url + "/decision", headers=product, json={"decision": "approved", "note": "Planned for Q3"})
    assert resp.status_code == 200 and resp.get_json()["decision_note"] == "Planned for Q3"
    error(client.post(url + "/decision", headers=product, json={"decision": "on_hold", "note": "x"}), 422)
    resp = client.post(url + "/decision", headers=product,
                       json={"decision": "shipped", "note": "In 4.2", "release_url": "https://example.com/4.2"})
    idea = resp.get_json()
    assert resp.status_code == 200 and idea["status"] == "shipped"
    assert [h["status"] for h in idea["history"]] == [
        "pending", "gathering", "gathering", "gathering", "gathering", "in_review", "approved", "shipped"]
    assert idea["history"][-1]["actor"]["username"] == "product"
    assert client.get("/api/v1/ideas?status=shipped").get_json()["total"] == 1


def test_rejected_idea_stays_visible_to_its_author_with_the_reason(client, people):
    author, moderator, other = people.make("author"), people.make("mod", roles=("moderator",)), people.make("other")
    idea = client.post("/api/v1/ideas", headers=author, json={"title": "Buy our stuff now", "description": "spam"})
    item = client.get("/api/v1/moderation/queue", headers=moderator).get_json()["items"][0]
    resp = client.post(f"/api/v1/moderation/queue/{item['id']}", headers=moderator,
                       json={"action": "reject", "reason": "spam", "note": "advert"})
    assert resp.status_code == 200 and resp.get_json()["decision_reason"] == "spam"
    url = f"/api/v1/ideas/{idea.get_json()['id']}"
    mine = client.get(url, headers=author).get_json()
    assert mine["status"] == "rejected" and mine["rejection_reason"] == "spam"
    error(client.get(url, headers=other), 404)
    assert client.get("/api/v1/ideas", headers=author).get_json()["total"] == 1
    assert client.get("/api/v1/ideas", headers=other).get_json()["total"] == 0


def test_validation_and_early_decisions(app, client, people):
    app.config["IDEA_PREMODERATION"] = False
    author, product, other = people.make("author"), people.make("product", roles=("product",)), people.make("other")
    error(client.post("/api/v1/ideas", json={"title": "x", "description": "y"}), 401)
    error(client.post("/api/v1/ideas", headers=author, data="nope", content_type="application/json"), 400)
    error(client.post("/api/v1/ideas", headers=author, json={"title": "   ", "description": "d"}), 422, "title")
    error(client.post("/api/v1/ideas", headers=author, json={"title": "Fine title"}), 422, "description")
    error(client.post("/api/v1/ideas", headers=author, json={"title": "Fine title", "description": "d",
                                                              "category": 999}), 422, "category")
    idea = client.post("/api/v1/ideas", headers=author, json={"title": "Fine title", "description": "d"}).get_json()
    assert idea["status"] == "gathering"
    url = f"/api/v1/ideas/{idea['id']}"
    error(client.get("/api/v1/ideas/9999"), 404)
    error(client.get("/api/v1/ideas?sort=random"), 422)
    resp = client.post(url + "/decision", headers=product, json={"decision": "on_hold", "note": "Waiting on API"})
    assert resp.get_json()["status"] == "on_hold"
    error(client.put(url + "/support", headers=other, json={}), 422)
    resp = client.post(url + "/decision", headers=product, json={"decision": "not_approved", "note": "Out of scope"})
    assert resp.get_json()["status"] == "not_approved"
    error(client.post(url + "/decision", headers=product, json={"decision": "approved", "note": "Hmm"}), 422)


def test_merge_through_the_api(app, client, people):
    app.config["IDEA_PREMODERATION"] = False
    a_author, b_author = people.make("alice"), people.make("bob")
    product, fan, member = people.make("product", roles=("product",)), people.make("fan"), people.make("member")
    target = client.post("/api/v1/ideas", headers=a_author, json={"title": "Dark theme", "description": "d"}).get_json()
    source = client.post("/api/v1/ideas", headers=b_author, json={"title": "Night mode", "description": "d"}).get_json()
    for headers in (fan, a_author):
        client.put(f"/api/v1/ideas/{source['id']}/support", headers=headers, json={})
    src = f"/api/v1/ideas/{source['id']}"
    error(client.post(src + "/merge", headers=member, json={"into": target["id"]}), 403)
    error(client.post(src + "/merge", headers=product, json={}), 422, "into")
    error(client.post(src + "/merge", headers=product, json={"into": 9999}), 422, "into")
    error(client.post(src + "/merge", headers=product, json={"into": source["id"]}), 422)
    resp = client.post(src + "/merge", headers=product, json={"into": target["id"]})
    assert resp.status_code == 200
    merged_into = resp.get_json()
    assert merged_into["id"] == target["id"] and merged_into["supporters"] == 1   # alice is the target's author
    assert merged_into["stage"] == 1                                             # the source's stage 1
    gone = client.get(src).get_json()
    assert gone["status"] == "merged" and gone["merged_into"] == target["id"]


def test_expiry_by_tick(app, client, people):
    app.config["IDEA_PREMODERATION"] = False
    author, other = people.make("author"), people.make("other")
    app.config["FROZEN_NOW"] = __import__("datetime").datetime(2026, 3, 1, 12, 0)
    idea = client.post("/api/v1/ideas", headers=author, json={"title": "Will expire", "description": "d"}).get_json()
    assert idea["deadline"] == "2026-03-11T12:00:00Z"
    app.config["FROZEN_NOW"] = None
    runner = app.test_cli_runner()
    assert runner.invoke(args=["forum", "tick", "--now", "2026-03-11T11:59:59Z"]).exit_code == 0
    assert client.get(f"/api/v1/ideas/{idea['id']}").get_json()["status"] == "gathering"
    assert runner.invoke(args=["forum", "tick", "--now", "2026-03-11T12:00:00Z"]).exit_code == 0
    expired = client.get(f"/api/v1/ideas/{idea['id']}").get_json()
    assert expired["status"] == "expired" and expired["history"][-1]["status"] == "expired"
    error(client.put(f"/api/v1/ideas/{idea['id']}/support", headers=other, json={}), 422)
    error(client.post(f"/api/v1/ideas/{idea['id']}/comments", headers=other, json={"body": "hm"}), 422)


def test_board_sorting_and_filters(app, client, people):
    app.config["IDEA_PREMODERATION"] = False
    author, fan = people.make("author"), people.make("fan")
    ids = [client.post("/api/v1/ideas", headers=author, json={"title": f"Idea number {n}", "description": "d"})
           .get_json()["id"] for n in range(3)]
    client.put(f"/api/v1/ideas/{ids[1]}/support", headers=fan, json={})
    by_support = [i["id"] for i in client.get("/api/v1/ideas?sort=supporters").get_json()["items"]]
    assert by_support[0] == ids[1]
    newest = [i["id"] for i in client.get("/api/v1/ideas?sort=newest").get_json()["items"]]
    assert newest == sorted(ids, reverse=True)
    page = client.get("/api/v1/ideas?per_page=2&page=2").get_json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert client.get("/api/v1/ideas?status=gathering").get_json()["total"] == 3
    assert client.get("/api/v1/ideas?status=in_review").get_json()["total"] == 0
