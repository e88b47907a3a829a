"""The audit log page (forum/audit/views.py): admins only, newest first, paginated, filtered by
event type prefix, in a fixed number of statements; linked from the admin index."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.audit.actions import record_audit
from forum.audit.models import AuditEntry
from tests.factories import make_user


def _login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _seed(app: Any, rows: int = 3) -> dict[str, int]:
    with app.app_context():
        admin = make_user("boss", roles=("admin",))
        moderator = make_user("mod", roles=("moderator",))
        start = dt.datetime(2030, 1, 1)
        for i in range(rows):
            entry = record_audit(moderator, "question", i + 1, "moderation:question:reject", reason="spam", note=f"n{i}")
            entry.created_at = start + dt.timedelta(minutes=i)
        entry = record_audit(admin, "user", moderator.id, "accounts:user:suspended", reason="rude", until="2099-01-01")
        entry.created_at = start + dt.timedelta(hours=5)
        db.session.commit()
        return {"admin": admin.id, "moderator": moderator.id}


def test_admins_only(app, client):
    ids = _seed(app)
    assert client.get("/admin/audit").status_code == 302           # sign in first
    _login(client, ids["moderator"])
    assert client.get("/admin/audit").status_code == 403
    _login(client, ids["admin"])
    assert client.get("/admin/audit").status_code == 200


def test_newest_first_with_actor_and_details(app, client):
    ids = _seed(app)
    _login(client, ids["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index('data-audit="accounts:user:suspended"') < page.index('data-audit="moderation:question:reject"')
    assert "reason: rude" in page and ">mod<" in page or "mod</a>" in page
    assert page.index("note: n2") < page.index("note: n1") < page.index("note: n0")


def test_filter_by_prefix(app, client):
    ids = _seed(app)
    _login(client, ids["admin"])
    page = client.get("/admin/audit?type=moderation:").get_data(as_text=True)
    assert page.count('data-audit="moderation:question:reject"') == 3 and "accounts:user:suspended\"" not in page
    page = client.get("/admin/audit?type=accounts:user:").get_data(as_text=True)
    assert page.count("data-audit=") == 1
    page = client.get("/admin/audit?type=%25").get_data(as_text=True)   # a literal %, no wildcard
    assert page.count("data-audit=") == 0


def test_paginated_in_a_fixed_number_of_statements(app, client):
    counts = []
    for rows in (3, 45):
        with app.app_context():
            db.session.execute(sa.delete(AuditEntry))
            db.session.commit()
        ids = _seed(app, rows) if rows == 3 else _reseed(app, rows)
        _login(client, ids["admin"])
        client.get("/admin/audit")  # the day's first page also records the visit
        statements: list[str] = []
        engine = app.extensions["forum.engine"]

        def listener(*args: Any, **_: Any) -> None:
            statements.append(args[2])

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            page = client.get("/admin/audit").get_data(as_text=True)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert page.count("data-audit=") == 20 and 'rel="next"' in page
    page2 = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert page2.count("data-audit=") == 5


def _reseed(app: Any, rows: int) -> dict[str, int]:
    with app.app_context():
        from forum.accounts.models import User

        admin = db.session.scalar(sa.select(User).where(User.username == "boss"))
        moderators = [make_user(roles=("moderator",)) for _ in range(rows)]
        for i, m in enumerate(moderators):
            record_audit(m, "question", i, "moderation:question:approve")
        db.session.commit()
        return {"admin": admin.id}


def test_linked_from_the_admin_index(app, client):
    ids = _seed(app)
    _login(client, ids["admin"])
    page = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/audit"' in page and "Audit log" in page
