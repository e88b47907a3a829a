"""Rewards through the JSON API (docs/api.md): points, privileges, ambassadors."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, assert_error


@pytest.fixture
def world(app):
    return World(app)


def _thread(world):
    asker, helper, fan = world.user("asker"), world.user("helper"), world.user("fan", points=15)
    q = world.question(asker)
    a = world.answer(helper, q)
    return asker, helper, fan, q, a


def test_an_answer_up_voted_once_and_accepted_gives_its_author_25_points(world, client):
    asker, helper, fan, q, a = _thread(world)
    resp = client.put(f"/api/v1/answers/{a.id}/vote", json={"value": 1}, headers=world.headers(fan))
    assert resp.status_code == 200 and resp.get_json() == {"score": 1, "my_vote": 1}
    assert client.post(f"/api/v1/answers/{a.id}/accept", headers=world.headers(asker)).status_code == 200
    user = client.get(f"/api/v1/users/{helper.id}").get_json()
    assert user["points"] == 25
    ledger = client.get(f"/api/v1/users/{helper.id}/points").get_json()
    assert ledger["total"] == 2
    assert [(e["reason"], e["delta"]) for e in ledger["items"]] == [("answer_accepted", 15), ("answer_upvoted", 10)]
    assert {"good-answer", "solver"} <= {b["slug"] for b in user["badges"]}
    assert client.get(f"/api/v1/users/{asker.id}").get_json()["points"] == 2


def test_a_withdrawn_vote_takes_its_10_back_with_a_compensating_entry(world, client):
    asker, helper, fan, q, a = _thread(world)
    headers = world.headers(fan)
    client.put(f"/api/v1/answers/{a.id}/vote", json={"value": 1}, headers=headers)
    resp = client.put(f"/api/v1/answers/{a.id}/vote", json={"value": 0}, headers=headers)
    assert resp.get_json() == {"score": 0, "my_vote": 0}
    items = client.get(f"/api/v1/users/{helper.id}/points").get_json()["items"]
    assert [(e["reason"], e["delta"]) for e in items] == [("answer_upvoted", -10), ("answer_upvoted", 10)]
    assert items[0]["reverses"] == items[1]["id"] and items[1]["reverses"] is None
    assert items[0]["created_at"].endswith("Z") and "Reversed" in items[0]["text"]
    assert client.get(f"/api/v1/users/{helper.id}").get_json()["points"] == 0


def test_a_new_members_up_vote_is_403_naming_the_points(world, client):
    asker, helper, fan, q, a = _thread(world)
    newcomer = world.user("newcomer", points=3)
    resp = client.put(f"/api/v1/answers/{a.id}/vote", json={"value": 1}, headers=world.headers(newcomer))
    error = assert_error(resp, 403)
    assert error["message"] == "Voting up needs 15 points; you have 3."
    resp = client.put(f"/api/v1/questions/{q.id}/vote", json={"value": -1}, headers=world.headers(fan))
    assert "125 points" in assert_error(resp, 403)["message"]
    assert client.get(f"/api/v1/users/{helper.id}/points").get_json()["total"] == 0


def test_self_vote_is_422(world, client):
    veteran = world.user("veteran", points=500)
    q = world.question(veteran)
    assert_error(client.put(f"/api/v1/questions/{q.id}/vote", json={"value": 1}, headers=world.headers(veteran)), 422)


def test_points_of_an_unknown_member_is_404(client):
    assert_error(client.get("/api/v1/users/999/points"), 404)


def test_appoint_list_and_revoke_ambassadors(world, client):
    admin, member = world.user("manager", roles=("admin",)), world.user("helpful")
    admin_headers = world.headers(admin)
    assert_error(client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "x"},
                             headers=world.headers(member)), 403)
    assert_error(client.post(f"/api/v1/users/{member.id}/ambassador", json={}, headers=admin_headers), 422,
                 field="note")
    assert_error(client.post("/api/v1/users/999/ambassador", json={"note": "x"}, headers=admin_headers), 404)
    assert_error(client.post(f"/api/v1/users/{member.id}/ambassador", data="{", headers=admin_headers), 400)
    resp = client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "Great SSO answers"},
                       headers=admin_headers)
    assert resp.status_code == 200
    user = resp.get_json()
    assert user["ambassador"] is True and user["trust_level"] == 4
    assert "ambassador" in {b["slug"] for b in user["badges"]}
    again = client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "again"}, headers=admin_headers)
    assert again.status_code == 200
    listed = client.get("/api/v1/ambassadors").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == member.id
    resp = client.delete(f"/api/v1/users/{member.id}/ambassador", headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["ambassador"] is False
    assert client.get("/api/v1/ambassadors").get_json()["total"] == 0
    assert client.delete(f"/api/v1/users/{member.id}/ambassador", headers=admin_headers).status_code == 200


def test_candidates_are_for_admins(world, client):
    member, admin = world.user("plain"), world.user("manager", roles=("admin",))
    assert_error(client.get("/api/v1/ambassadors/candidates"), 401)
    assert_error(client.get("/api/v1/ambassadors/candidates", headers=world.headers(member)), 403)
    strong = world.user("strong", points=5000)
    resp = client.get("/api/v1/ambassadors/candidates", headers=world.headers(admin))
    assert resp.status_code == 200
    assert resp.get_json()["items"] == []  # points alone are not enough: no accepted answers, no activity
    assert strong.id


def test_candidates_come_with_their_evidence(world, client, app):
    import datetime as dt

    from forum import db
    from tests.factories import answer, ask, make_user

    now = dt.datetime(2026, 11, 23, 12, 0)

    def build():
        star = make_user("star", points=1500, created_at=now - dt.timedelta(days=200))
        for i in range(10):
            app.config["FROZEN_NOW"] = now - dt.timedelta(days=30, hours=i)
            q = ask(make_user(), f"Question number {i}")
            q.accepted_answer_id = answer(star, q, f"Answer {i}").id
        for w in range(3):
            app.config["FROZEN_NOW"] = now - dt.timedelta(weeks=w, hours=1)
            ask(star, f"Weekly question {w}")
        app.config["FROZEN_NOW"] = now
        db.session.flush()
        return star.id

    star_id = world.run(build)
    admin = world.user("manager", roles=("admin",))
    page = client.get("/api/v1/ambassadors/candidates", headers=world.headers(admin)).get_json()
    assert [c["id"] for c in page["items"]] == [star_id]
    criteria = page["items"][0]["evidence"]["criteria"]
    assert page["items"][0]["evidence"]["eligible"] is True
    assert criteria["accepted_answers"]["value"] == 10 and criteria["active_weeks"]["value"] == 3
