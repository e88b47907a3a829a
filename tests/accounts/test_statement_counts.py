"""Accounts' list pages and API lists run a number of SQL statements that does not grow with
their rows (docs/architecture.md, the rules of the house): each is counted with few rows and with several times as many."""

from __future__ import annotations

from typing import Any

import pytest

from forum import db
from forum.accounts.actions import issue_token
from forum.accounts.models import User
from forum.notifications.models import Notification
from tests.factories import make_org, make_user
from tests.rewards.test_statement_counts import _badges, bearer, build, count_statements, login


def _grow(app: Any, fn: Any, start: int, stop: int, *args: Any) -> None:
    def make() -> None:
        for i in range(start, stop):
            fn(i, *args)

    build(app, make)


def _member(i: int) -> None:
    member = make_user(organization=make_org(), roles=("moderator",) if i % 2 else ())
    _badges(member.id, 1 + i % 3)


def _organization(i: int) -> None:
    org = make_org()
    for _ in range(2):
        make_user(organization=org)


def _notification(i: int, user_id: int) -> None:
    db.session.add(Notification(user_id=user_id, kind="answer", url=f"/questions/{i}",
                                data={"text": f"note {i}"}, read=bool(i % 2)))
    db.session.flush()


def _token(i: int, user_id: int) -> None:
    issue_token(db.session.get(User, user_id), name=f"token {i}")


@pytest.fixture
def admin(app: Any) -> int:
    return build(app, lambda: make_user(roles=("admin",)).id)


@pytest.mark.parametrize("url", ["/admin/members", "/admin/organizations"])
def test_admin_lists_do_not_grow_with_their_rows(app, client, admin, url):
    grow = _member if url == "/admin/members" else _organization
    _grow(app, grow, 0, 3)
    login(client, admin)
    client.get("/tags")
    small, _ = count_statements(app, client, url)
    _grow(app, grow, 3, 12)
    big, _ = count_statements(app, client, url)
    assert big == small


def test_organization_page_does_not_grow_with_its_members(app, client, admin):
    def org_with(n: int) -> int:
        org = make_org()
        for _ in range(n):
            make_user(organization=org)
        return org.id

    small_org, big_org = build(app, org_with, 3), build(app, org_with, 12)
    login(client, admin)
    client.get("/tags")
    small, _ = count_statements(app, client, f"/admin/organizations/{small_org}")
    big, _ = count_statements(app, client, f"/admin/organizations/{big_org}")
    assert big == small


@pytest.mark.parametrize("url", ["/notifications", "/settings/tokens"])
def test_own_lists_do_not_grow_with_their_rows(app, client, admin, url):
    grow = _notification if url == "/notifications" else _token
    _grow(app, grow, 0, 3, admin)
    login(client, admin)
    client.get("/tags")
    small, _ = count_statements(app, client, url)
    _grow(app, grow, 3, 12, admin)
    big, _ = count_statements(app, client, url)
    assert big == small


@pytest.mark.parametrize("url", ["/api/v1/organizations", "/api/v1/notifications", "/api/v1/tokens"])
def test_api_lists_do_not_grow_with_their_rows(app, client, admin, url):
    headers = bearer(app, admin)
    grow = {"/api/v1/organizations": lambda i, uid: _organization(i), "/api/v1/notifications": _notification,
            "/api/v1/tokens": _token}[url]
    _grow(app, grow, 0, 3, admin)
    client.get("/api/v1/me", headers=headers)  # the token's first use records it
    small, _ = count_statements(app, client, url + "?per_page=100", headers=headers)
    _grow(app, grow, 3, 12, admin)
    big, resp = count_statements(app, client, url + "?per_page=100", headers=headers)
    assert len(resp.get_json()["items"]) >= 12
    assert big == small
