"""The signed-in member is loaded with their role names in one statement (the user loader): the
roles it reads are the database's at each request, a role change in the same request is seen at
once, and a member whose role was removed loses what it gave on their next request."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts import actions
from forum.accounts.models import User, UserRole
from tests.factories import make_user
from tests.rewards.test_statement_counts import build, login


def _delete_role(app: Any, user_id: int, role: str) -> None:
    build(app, lambda: db.session.execute(sa.delete(UserRole).where(UserRole.user_id == user_id,
                                                                   UserRole.role == role)))


def test_roles_come_with_the_member_and_no_role_rows_are_read(app, client):
    uid = build(app, lambda: make_user(roles=("moderator", "cs")).id)
    login(client, uid)
    client.get("/tags")
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.test_request_context("/tags"):
        login_manager = app.login_manager
        sa.event.listen(db.engine(), "before_cursor_execute", before)
        try:
            user = login_manager._user_callback(f"{uid}:0")
            assert user.roles == ["member", "cs", "moderator"]
            assert user.is_staff and user.has_role("moderator") and not user.has_role("admin")
        finally:
            sa.event.remove(db.engine(), "before_cursor_execute", before)
    assert len([s for s in statements if "users" in s]) == 1
    assert not any(s.lstrip().upper().startswith("SELECT USER_ROLES") for s in statements), statements


def test_a_member_without_roles_is_a_plain_member(app):
    uid = build(app, lambda: make_user().id)
    with app.test_request_context("/tags"):
        user = app.login_manager._user_callback(f"{uid}:0")
        assert user.roles == ["member"] and not user.is_staff


def test_a_removed_role_takes_effect_on_the_next_request(app, client):
    uid = build(app, lambda: make_user(roles=("moderator",)).id)
    login(client, uid)
    assert client.get("/moderation/queue").status_code == 200
    _delete_role(app, uid, "moderator")
    assert client.get("/moderation/queue").status_code == 403


def test_a_role_change_in_the_request_is_seen_at_once(app):
    ids = build(app, lambda: {"root": make_user(roles=("admin",)).id, "mod": make_user(roles=("moderator",)).id})
    with app.test_request_context("/tags"):
        root = app.login_manager._user_callback(f"{ids['root']}:0")
        actions.set_roles(root, root, ["admin", "product"])
        assert root.roles == ["member", "admin", "product"]
        actions.set_roles(root, root, ["product"])
        assert root.roles == ["member", "product"] and not root.has_role("admin")


def test_expiring_the_roles_reads_the_rows_again(app):
    uid = build(app, lambda: make_user(roles=("moderator",)).id)
    with app.test_request_context("/tags"):
        user = app.login_manager._user_callback(f"{uid}:0")
        assert user.roles == ["member", "moderator"]
        db.session.execute(sa.delete(UserRole).where(UserRole.user_id == uid))
        assert user.roles == ["member", "moderator"]  # the names read with the member, this request
        db.session.expire(user, ["role_rows"])
        assert user.roles == ["member"]
        db.session.add(UserRole(user_id=uid, role="cs"))
        db.session.flush()
        db.session.expire(user)
        assert user.roles == ["member", "cs"]


def test_the_loader_still_refuses_an_old_session_version(app):
    uid = build(app, lambda: make_user().id)
    build(app, lambda: setattr(db.session.get(User, uid), "session_version", 3))
    with app.test_request_context("/tags"):
        assert app.login_manager._user_callback(f"{uid}:2") is None
        assert app.login_manager._user_callback(f"{uid}:3").id == uid


def test_the_loader_serves_an_app_made_before_an_app_on_the_other_database(app, client, database_urls, tmp_path):
    """Flask-Login's loader is one for the process (forum.extensions.login_manager): the last app
    made registers it, and the apps made before it must still sign their members in (the test
    process and the browser tests' live server make apps on SQLite and PostgreSQL in turn)."""
    from tests.conftest import make_app

    uid = build(app, lambda: make_user(roles=("moderator",)).id)
    for url in database_urls.values():  # SQLite, and PostgreSQL with TEST_DATABASE_URL
        other = make_app(url, tmp_path / str(len(url)))
        other.extensions["forum.engine"].dispose()
    login(client, uid)
    assert client.get("/moderation/queue").status_code == 200
