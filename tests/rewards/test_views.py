"""Rewards pages through the test client (data built in its own app context, then committed)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.qa.actions import accept_answer, cast_vote
from forum.rewards.models import AmbassadorTerm
from tests.factories import answer, ask, make_category, make_org, make_user


def login(client, user_id):
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app, fn):
    with app.app_context():
        result = fn()
        db.commit()
        return result


def _thread(app):
    def make():
        org = make_org("Initech")
        cat = make_category("Billing")
        asker, helper = make_user("asker"), make_user("helper", organization=org)
        q = ask(asker, category_id=cat.id)
        a = answer(helper, q)
        cast_vote(make_user("fan", points=20), a, 1)
        accept_answer(asker, a)
        return {"asker": asker.id, "helper": helper.id, "category": cat.id, "question": q.id}

    return build(app, make)


def test_points_page_explains_the_history_in_words(app, client):
    ids = _thread(app)
    html = client.get(f"/users/{ids['helper']}/points").get_data(as_text=True)
    assert "Answer to “<a href=\"/questions/%d#answer-" % ids["question"] in html
    assert "</a>” was up-voted" in html and "</a>” was accepted" in html
    assert "+10" in html and "+15" in html and "Good Answer" in html and "Solver" in html
    assert client.get("/users/9999/points").status_code == 404


def test_own_points_page_shows_invite_link_and_onboarding(app, client):
    ids = _thread(app)
    login(client, ids["asker"])
    html = client.get(f"/users/{ids['asker']}/points").get_data(as_text=True)
    assert "/join/" in html and "Get started" in html and "Complete your profile" in html


def test_badges_page_lists_every_badge_and_holders(app, client):
    _thread(app)
    html = client.get("/badges").get_data(as_text=True)
    assert "Outstanding Answer" in html and "Supporter" in html
    assert "helper" in html and "1 member has it" in html


def test_leaderboards(app, client):
    ids = _thread(app)
    for period in ("week", "month", "all"):
        html = client.get(f"/leaderboard?period={period}").get_data(as_text=True)
        assert html.index("helper") < html.index("asker")
    html = client.get(f"/leaderboard?period=week&category={ids['category']}").get_data(as_text=True)
    assert "helper" in html
    html = client.get("/leaderboard?by=organizations").get_data(as_text=True)
    assert "Initech" in html and ">25<" in html


def test_join_link_records_the_inviter_at_sign_up(app, client):
    inviter_id, code = build(app, lambda: (lambda u: (u.id, u.invite_code))(make_user("inviter")))
    resp = client.get(f"/join/{code}")
    assert resp.status_code == 302
    assert client.get("/join/not-a-code").status_code == 404
    with client.session_transaction() as s:
        assert s["invite_code"] == code
    resp = client.post("/signup", data={"username": "invitee", "email": "invitee@example.com",
                                        "password": "long enough pw", "password2": "long enough pw",
                                        "confirm": "long enough pw", "locale": "en"})
    with app.app_context():
        invitee = db.session.scalar(sa.select(User).where(User.username == "invitee"))
        assert invitee is not None, resp.get_data(as_text=True)[:2000]
        assert invitee.invited_by_id == inviter_id


def test_admin_ambassadors_page_appoint_and_revoke(app, client):
    now = dt.datetime(2026, 11, 23, 12, 0)
    app.config["FROZEN_NOW"] = now

    def make():
        admin = make_user("manager", roles=("admin",))
        star = make_user("star", points=1500, created_at=now - dt.timedelta(days=200))
        for i in range(10):
            q = ask(make_user(), f"Question number {i}")
            q.accepted_answer_id = answer(star, q, f"Answer {i}").id
        for w in range(3):
            app.config["FROZEN_NOW"] = now - dt.timedelta(weeks=w, hours=1)
            ask(star, f"Weekly question {w}")
        app.config["FROZEN_NOW"] = now
        return admin.id, star.id

    admin_id, star_id = build(app, make)
    login(client, star_id)
    assert client.get("/admin/ambassadors").status_code == 403
    login(client, admin_id)
    html = client.get("/admin/ambassadors").get_data(as_text=True)
    assert "star" in html and "At least 1000 points" in html and "Appoint for 365 days" in html
    resp = client.post(f"/admin/ambassadors/{star_id}/appoint", data={"note": "Our best SSO helper"})
    assert resp.status_code == 303
    with app.app_context():
        assert db.session.get(User, star_id).is_ambassador
        assert db.session.scalar(sa.select(AmbassadorTerm.note)) == "Our best SSO helper"
    assert "star" in client.get("/ambassadors").get_data(as_text=True)
    client.post(f"/admin/ambassadors/{star_id}/revoke", data={"note": "Moved on"})
    with app.app_context():
        assert not db.session.get(User, star_id).is_ambassador
    html = client.get("/admin/ambassadors").get_data(as_text=True)
    assert "Moved on" in html and "Our best SSO helper" in html


def test_profile_page_shows_badges_and_next_privilege(app, client):
    ids = _thread(app)
    html = client.get(f"/users/{ids['helper']}").get_data(as_text=True)
    assert "Solver" in html and "Next privilege" in html and f"/users/{ids['helper']}/points" in html
    assert "</a>” was accepted" in html  # the recent points, in words, with the title as the link
