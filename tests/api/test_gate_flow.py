"""The NPS gate through the API alone (the issue's "Done when"): three detractor answers switch the
community to strict; a member's question is then held (pending, with its release time) and 404 to
others; a rejection with the reason "criticism" is 422; `forum tick --now` publishes the held
question at its release time, not a second before; enough promoters switch the mode back to open."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import assert_error


@pytest.fixture
def app_config():
    return {"NPS_MIN_RESPONSES": 3, "NPS_MIN_MEMBERSHIP_DAYS": 0}


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _tick(app, when: dt.datetime) -> str:
    result = app.test_cli_runner().invoke(args=["forum", "tick", "--now", when.strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert result.exit_code == 0, result.output
    return result.output


def test_detractors_tighten_the_gate_and_promoters_open_it_again(app, client, world):
    def answer_nps(score: int, name: str) -> None:
        resp = client.post("/api/v1/nps", json={"score": score}, headers=world.headers(world.user(name)))
        assert resp.status_code == 201, resp.get_json()

    assert client.get("/api/v1/moderation/policy").get_json()["mode"] == "open"  # tests/conftest: fallback open
    for n in range(3):
        answer_nps(2, f"detractor{n}")
    policy = client.get("/api/v1/moderation/policy").get_json()
    assert (policy["mode"], policy["nps"], policy["responses"]) == ("strict", -100, 3)

    member, other, moderator = world.user("member"), world.user("other"), world.user("mod", roles=("moderator",))
    member_h, moderator_h = world.headers(member), world.headers(moderator)
    resp = client.post("/api/v1/questions", json={"title": "How do I export every dashboard at once?",
                                                  "body": "I need a copy of all of them for an audit."},
                       headers=member_h)
    assert resp.status_code == 201, resp.get_json()
    question = resp.get_json()
    assert question["status"] == "pending" and question["release_at"] is not None
    release_at = _parse(question["release_at"])
    qid = question["id"]
    assert client.get(f"/api/v1/questions/{qid}", headers=member_h).get_json()["status"] == "pending"
    assert_error(client.get(f"/api/v1/questions/{qid}", headers=world.headers(other)), 404)
    assert_error(client.get(f"/api/v1/questions/{qid}"), 404)
    assert client.get("/api/v1/questions").get_json()["total"] == 0

    queue = client.get("/api/v1/moderation/queue", headers=moderator_h).get_json()
    (item,) = queue["items"]
    assert (item["content_type"], item["content_id"], item["reason"]) == ("question", qid, "strict")
    assert _parse(item["release_at"]) == release_at and item["author"]["id"] == member.id
    assert_error(client.post(f"/api/v1/moderation/queue/{item['id']}", json={"action": "reject", "reason": "criticism"},
                             headers=moderator_h), 422, field="reason")
    assert_error(client.post(f"/api/v1/moderation/queue/{item['id']}", json={"action": "reject"},
                             headers=moderator_h), 422, field="reason")
    assert_error(client.post(f"/api/v1/moderation/queue/{item['id']}", json={"action": "bury"},
                             headers=moderator_h), 422, field="action")
    assert_error(client.get("/api/v1/moderation/queue", headers=world.headers(other)), 403)

    _tick(app, release_at - dt.timedelta(seconds=1))
    assert_error(client.get(f"/api/v1/questions/{qid}", headers=world.headers(other)), 404)
    _tick(app, release_at)
    published = client.get(f"/api/v1/questions/{qid}", headers=world.headers(other)).get_json()
    assert (published["status"], published["release_at"]) == ("published", None)
    assert client.get("/api/v1/questions").get_json()["total"] == 1
    assert client.get("/api/v1/moderation/queue", headers=moderator_h).get_json()["total"] == 0

    for n in range(7):  # 7 promoters and 3 detractors: NPS 40, at least 35 leaves strict for open
        answer_nps(10, f"promoter{n}")
    policy = client.get("/api/v1/moderation/policy").get_json()
    assert (policy["mode"], policy["nps"], policy["responses"]) == ("open", 40, 10)
    resp = client.post("/api/v1/questions", json={"title": "Where do I change my e-mail address?",
                                                  "body": "The settings page does not show it."},
                       headers=world.headers(world.user("newcomer")))
    assert resp.get_json()["status"] == "published"
