"""Accounts keeps the member's row up to date from what the other parts report
(forum/accounts/subscribers.py), and the API records a token's use through an accounts action."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from forum.accounts import actions
from forum.accounts.models import ApiToken, User
from forum.events import DomainEvent, announce
from forum.rewards.actions import grant
from tests.factories import make_user

NOW = dt.datetime(2026, 11, 23, 12, 0)


def test_points_moved_moves_the_members_total(session):
    """Reproduction: rewards used to update `users.points` itself; the ledger now announces
    `points_moved` and accounts changes the total in SQL, also on the loaded member."""
    member = make_user()
    announce(session, DomainEvent.POINTS_MOVED, user_id=member.id, delta=7)
    assert member.points == 7
    grant(member.id, "question_upvoted", "question", 1)
    assert member.points == 7 + 5
    session.commit()
    session.expire_all()
    assert session.get(User, member.id).points == 12


def test_a_tokens_last_use_is_written_at_most_once_per_resolution(session):
    """Reproduction: forum/api/core.py used to update `api_tokens.last_used_at` itself."""
    token, _secret = actions.issue_token(make_user())
    session.commit()

    def last_used() -> dt.datetime | None:
        session.commit()
        session.expire_all()
        return session.get(ApiToken, token.id).last_used_at

    actions.touch_token(token, NOW)
    assert last_used() == NOW
    actions.touch_token(session.get(ApiToken, token.id), NOW + actions.TOKEN_USE_RESOLUTION / 2)
    assert last_used() == NOW
    actions.touch_token(session.get(ApiToken, token.id), NOW + actions.TOKEN_USE_RESOLUTION)
    assert last_used() == NOW + actions.TOKEN_USE_RESOLUTION


def test_the_ambassador_flag_follows_the_programmes_events(session):
    """Reproduction: rewards used to set `users.is_ambassador` itself; it now announces the
    appointment and the end of the status, and accounts keeps the flag."""
    member = make_user()
    announce(session, DomainEvent.AMBASSADOR_APPOINTED, user=member, actor=None, term=None)
    assert member.is_ambassador
    announce(session, DomainEvent.AMBASSADOR_ENDED, user=member, actor=None, why="lapsed")
    assert not member.is_ambassador
    session.commit()
    session.expire_all()
    assert not session.get(User, member.id).is_ambassador


def test_a_visit_gives_a_member_without_an_invite_code_one(app, client):
    """Reproduction: the points page used to write a missing invite code (rows from before codes)
    in a GET, through rewards; accounts now gives it at the member's visit, on the visit's side write."""
    from forum import db
    from tests.accounts.test_views import login

    with app.app_context():
        member = make_user("oldtimer")
        other = make_user("coded")
        db.session.execute(sa.update(User).where(User.id == member.id).values(invite_code=None))
        db.commit()
        member_id, other_code = member.id, other.invite_code
    login(client, "oldtimer")
    assert client.get("/").status_code == 200
    with app.app_context():
        code = db.session.get(User, member_id).invite_code
        assert code and code != other_code
    html = client.get(f"/users/{member_id}/points").get_data(as_text=True)
    assert f"/join/{code}" in html
    with app.app_context():
        assert db.session.get(User, member_id).invite_code == code
