"""Personal data (docs/rules.md: Personal data): a member downloads everything the forum keeps
about them as JSON (settings page and GET /api/v1/me/export) and deletes their account with
their password; their content stays, attributed to “deleted member”, and each part removes or
anonymizes what it keeps about them in its own subscriber."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from forum import db
from forum.accounts.models import ApiToken, User
from forum.engagement.models import Event
from forum.notifications.models import Notification
from forum.nps.models import Followup, NpsResponse
from forum.qa.models import Follow, Question
from forum.rewards.models import PointEntry
from tests import factories
from tests.api.conftest import assert_error
from tests.factories import PASSWORD

LONG_AGO = dt.timedelta(days=60)


def _member_with_history(world):
    """A member who asked, answered, voted, followed, answered the survey as a detractor and has
    notifications and points."""
    from forum.nps.actions import record_nps
    from forum.qa.actions import cast_vote, follow_question

    def build():
        now = db.utcnow()
        member = factories.make_user("leaving", points=200, created_at=now - LONG_AGO, display_name="Lea Ving",
                                     bio="Data engineer at Initech")
        other = factories.make_user("staying", points=200)
        question = factories.ask(member, title="How do I export my dashboards?", body="Asked by the leaver.")
        theirs = factories.ask(other, title="A question the leaver answers")
        answer = factories.answer(member, theirs, "Answered by the leaver.")
        factories.answer(other, question, "An answer the leaver gets notified about.")
        cast_vote(member, theirs, 1)
        follow_question(member, theirs, True)
        record_nps(member, 2, "My personal complaint")
        return {"id": member.id, "question": question.id, "answer": answer.id, "other": other.id}

    return world.run(build)


def test_the_export_holds_everything_about_the_member_and_no_secret(client, world):
    ids = _member_with_history(world)
    headers = world.headers(world.get(User, ids["id"]))
    data = client.get("/api/v1/me/export", headers=headers).get_json()
    assert data["profile"]["username"] == "leaving" and data["profile"]["email"] == "leaving@example.com"
    assert data["profile"]["bio"] == "Data engineer at Initech"
    assert [q["id"] for q in data["questions"]] == [ids["question"]]
    assert data["questions"][0]["body"] == "Asked by the leaver."
    assert [a["id"] for a in data["answers"]] == [ids["answer"]]
    assert [v["value"] for v in data["votes"]] == [1] and len(data["follows"]) == 2  # their own question too
    assert data["nps_answers"][0]["score"] == 2 and data["nps_answers"][0]["comment"] == "My personal complaint"
    assert data["notifications"] and data["events"] and data["points"] is not None
    [token] = data["api_tokens"]
    assert "token_hash" not in token and set(token) >= {"name", "scopes", "expires_at"}
    assert client.get("/api/v1/me/export").status_code == 401


def test_the_settings_page_downloads_the_same_json(client, world):
    _member_with_history(world)
    client.post("/login", data={"login": "leaving", "password": PASSWORD})
    page = client.get("/settings/data")
    assert page.status_code == 200 and 'href="/settings/data/export.json"' in page.get_data(as_text=True)
    download = client.get("/settings/data/export.json")
    assert download.mimetype == "application/json" and "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.get_data(as_text=True))["profile"]["username"] == "leaving"


def test_deleting_the_account_keeps_the_content_as_deleted_member_and_anonymizes_the_rest(client, world, app):
    ids = _member_with_history(world)
    token = world.headers(world.get(User, ids["id"]))
    with app.app_context():
        points_before = db.session.get(User, ids["id"]).points
        ledger_before = db.session.scalar(sa.select(sa.func.count(PointEntry.id)).where(PointEntry.user_id == ids["id"]))
        assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.user_id == ids["id"]))
    assert client.post("/login", data={"login": "leaving", "password": PASSWORD}).status_code == 302
    wrong = client.post("/settings/data/delete", data={"password": "not it", "confirm": "y"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    unconfirmed = client.post("/settings/data/delete", data={"password": PASSWORD})
    assert unconfirmed.status_code == 422
    done = client.post("/settings/data/delete", data={"password": PASSWORD, "confirm": "y"})
    assert done.status_code == 302
    assert client.get("/settings").status_code == 302  # signed out
    assert client.post("/login", data={"login": "leaving", "password": PASSWORD}).status_code != 302
    assert client.post("/login", data={"login": "leaving@example.com", "password": PASSWORD}).status_code != 302
    assert client.get("/api/v1/me", headers=token).status_code == 401  # tokens are gone

    page = client.get(f"/questions/{ids['question']}").get_data(as_text=True)
    assert "How do I export my dashboards?" in page and "deleted member" in page and "Lea Ving" not in page
    shown = client.get(f"/api/v1/users/{ids['id']}").get_json()
    assert shown["username"] == f"~deleted-{ids['id']}" and shown["organization"] is None
    assert client.get(f"/api/v1/questions/{ids['question']}").get_json()["author"]["id"] == ids["id"]
    with app.app_context():
        user = db.session.get(User, ids["id"])
        assert user.deleted_at is not None and user.email == f"deleted-{ids['id']}@deleted.invalid"
        assert (user.display_name, user.bio, user.invite_code, user.roles) == ("", "", None, ["member"])
        assert db.session.get(Question, ids["question"]) is not None
        count = lambda model, col: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(col == ids["id"]))  # noqa: E731
        assert count(ApiToken, ApiToken.user_id) == 0
        assert count(Notification, Notification.user_id) == 0
        assert count(Follow, Follow.user_id) == 0
        assert count(Event, Event.user_id) == 0
        assert db.session.scalars(sa.select(NpsResponse.comment).where(NpsResponse.user_id == ids["id"])).all() == [""]
        assert db.session.scalars(sa.select(NpsResponse.score).where(NpsResponse.user_id == ids["id"])).all() == [2]
        assert db.session.scalars(sa.select(Followup.comment).where(Followup.user_id == ids["id"])).all() == [""]
        assert user.points == points_before  # the ledger stays, so totals stay consistent
        assert count(PointEntry, PointEntry.user_id) == ledger_before
        from forum.rewards.queries import leaderboard

        for period in ("all", "week"):  # the ledger stays but no longer ranks
            assert ids["id"] not in [u.id for u, _points in leaderboard(period)]
            assert ids["other"] in [u.id for u, _points in leaderboard(period)]
    # the e-mail and the name are free again
    signup = client.post("/api/v1/users", json={"username": "leaving", "email": "leaving@example.com",
                                                "password": "a new long password"})
    assert signup.status_code == 201


def test_deleting_through_the_api_needs_the_password(client, world):
    ids = _member_with_history(world)
    headers = world.headers(world.get(User, ids["id"]))
    assert_error(client.delete("/api/v1/me", headers=headers, json={"password": "wrong"}), 422, field="password")
    assert_error(client.delete("/api/v1/me", headers=headers, json={}), 422, field="password")
    read_only = world.headers(world.get(User, ids["id"]), scopes=["read"])
    assert_error(client.delete("/api/v1/me", headers=read_only, json={"password": PASSWORD}), 403, "insufficient_scope")
    done = client.delete("/api/v1/me", headers=headers, json={"password": PASSWORD})
    assert done.status_code == 200 and done.get_json() == {"id": ids["id"], "deleted": True}
    assert_error(client.get("/api/v1/me", headers=headers), 401)
