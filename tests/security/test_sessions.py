"""Sessions can be revoked: the session cookie carries the member's session version, which signing
out, "sign out everywhere else" and a password change move on; "Remember me" is a random token,
stored hashed, replaced at each use and deleted on sign-out and password change."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts.models import RememberToken, User
from tests.factories import PASSWORD, make_user
from tests.security.conftest import login, signed_in_as


def _session_cookie(client: Any) -> str:
    return client.get_cookie("session").value


def _copy_of(app: Any, client: Any, *names: str) -> Any:
    """A second browser holding the same cookies (a stolen or saved copy)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def test_a_saved_session_cookie_stops_working_after_sign_out(app, client, seed):
    seed(lambda: make_user("alice"))
    login(client, "alice")
    saved = _copy_of(app, client, "session")
    assert signed_in_as(saved) == "alice"
    client.post("/logout")
    assert signed_in_as(client) is None
    assert signed_in_as(saved) is None


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, client, seed):
    seed(lambda: make_user("bob"))
    login(client, "bob")
    other = app.test_client()
    login(other, "bob")
    response = client.post("/settings/password", data={"current_password": PASSWORD, "password": "a new password 1",
                                                       "confirm": "a new password 1"})
    assert response.status_code == 302
    assert signed_in_as(client) == "bob"
    assert signed_in_as(other) is None


def test_password_reset_ends_every_session(app, client, seed, read):
    seed(lambda: make_user("carol"))
    login(client, "carol")
    from forum.accounts import actions

    with app.app_context():
        token = actions.password_reset_token(db.session.scalar(sa.select(User).where(User.username == "carol")))
    fresh = app.test_client()
    response = fresh.post(f"/password/reset/{token}", data={"password": "another password", "confirm": "another password"})
    assert response.status_code == 302
    assert signed_in_as(client) is None


def test_sign_out_everywhere_else(app, client, seed):
    seed(lambda: make_user("dave"))
    login(client, "dave", remember="y")
    phone = app.test_client()
    login(phone, "dave", remember="y")
    stolen = _copy_of(app, phone, "session", "remember_token")
    page = client.get("/settings").get_data(as_text=True)
    assert "Sign out everywhere else" in page and "/settings/sessions/end" in page
    response = client.post("/settings/sessions/end")
    assert response.status_code == 302
    assert signed_in_as(client) == "dave"
    assert signed_in_as(phone) is None
    assert signed_in_as(stolen) is None  # neither the session nor the remember cookie works


def test_remember_cookie_is_random_stored_hashed_and_rotated(app, client, seed, read):
    seed(lambda: make_user("erin"))
    login(client, "erin", remember="y")
    first = client.get_cookie("remember_token").value
    again = app.test_client()
    login(again, "erin", remember="y")
    second = again.get_cookie("remember_token").value
    assert first != second and "|" not in first and len(first) > 40
    hashes = read(lambda: set(db.session.scalars(sa.select(RememberToken.token_hash))))
    assert hashlib.sha256(first.encode()).hexdigest() in hashes
    assert first not in hashes

    # A browser that kept only the remember cookie is signed in by it, and gets a new one.
    returning = _copy_of(app, client, "remember_token")
    assert signed_in_as(returning) == "erin"
    rotated = returning.get_cookie("remember_token").value
    assert rotated != first
    # The replaced token works only for the grace period: past it, it signs nobody in.
    with app.app_context():
        db.session.execute(sa.update(RememberToken)
                           .where(RememberToken.token_hash == hashlib.sha256(first.encode()).hexdigest())
                           .values(expires_at=db.utcnow()))
        db.commit()
    replay = app.test_client()
    replay.set_cookie("remember_token", first)
    assert signed_in_as(replay) is None
    assert replay.get_cookie("remember_token") is None  # the dead cookie is cleared


def test_sign_out_revokes_remember_tokens(app, client, seed, read):
    seed(lambda: make_user("frank"))
    login(client, "frank", remember="y")
    saved = _copy_of(app, client, "remember_token")
    client.post("/logout")
    assert read(lambda: db.session.scalar(sa.select(sa.func.count(RememberToken.id)))) == 0
    assert signed_in_as(saved) is None


def test_the_old_hmac_remember_cookie_signs_nobody_in(app, client, seed):
    """Flask-Login's own cookie (`<id>|<hmac>`, the same at every sign-in) is not read any more."""
    user_id = seed(lambda: make_user("gina").id)
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        value = encode_cookie(str(user_id))
    stale = app.test_client()
    stale.set_cookie("remember_token", value)
    assert signed_in_as(stale) is None


def test_session_cookie_names_the_version(app, client, seed, read):
    seed(lambda: make_user("hana"))
    login(client, "hana")
    with client.session_transaction() as s:
        assert s["_user_id"].endswith(":0")
    client.post("/logout")
    assert read(lambda: db.session.scalar(sa.select(User.session_version).where(User.username == "hana"))) == 1
