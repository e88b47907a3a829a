"""Accounts pages through the test client: sign-up/in/out, password reset, profile, settings,
language, notifications, API tokens, admin pages, CSRF and rate limits."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts import actions
from forum.accounts.models import ApiToken, Organization, User
from forum.audit.models import AuditEntry
from forum.notifications.actions import notify
from forum.notifications.models import Notification
from tests.conftest import make_app
from tests.factories import PASSWORD, answer, ask, make_category, make_org, make_user


@pytest.fixture
def seed(app: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run `build` in its own app context and commit, as the data a request will find."""

    def run(build: Callable[[], Any]) -> Any:
        with app.app_context():
            result = build()
            db.commit()
            return result

    return run


@pytest.fixture
def read(app: Any) -> Callable[[Callable[[], Any]], Any]:
    def run(query: Callable[[], Any]) -> Any:
        with app.app_context():
            return query()

    return run


def login(client: Any, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/login", data={"login": username, "password": password, **extra})


def html(response: Any) -> str:
    return response.get_data(as_text=True)


def user_named(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


# ----------------------------------------------------------------------------- sign up / in / out

def test_signup_signs_in(client, read):
    page = client.get("/signup")
    assert page.status_code == 200 and 'name="username"' in html(page)
    response = client.post("/signup", data={"username": "alice", "email": "Alice@Example.com", "password": "s3cret-pass",
                                            "confirm": "s3cret-pass", "locale": "zh"})
    assert response.status_code == 302
    user = read(lambda: user_named("alice"))
    assert user.email == "alice@example.com" and user.locale == "zh"
    assert client.get("/settings").status_code == 200  # signed in


def test_signup_errors_keep_what_was_typed(client, seed, read):
    seed(lambda: make_user("alice"))
    response = client.post("/signup", data={"username": "ALICE", "email": "new@example.com", "password": "s3cret-pass",
                                            "confirm": "s3cret-pass", "locale": "en"})
    assert response.status_code == 422
    body = html(response)
    assert "That username is taken." in body
    assert 'value="ALICE"' in body and 'value="new@example.com"' in body
    assert "s3cret-pass" not in body  # passwords are never echoed
    response = client.post("/signup", data={"username": "bob", "email": "bob@example.com", "password": "s3cret-pass",
                                            "confirm": "different-pass", "locale": "en"})
    assert response.status_code == 422 and "The two passwords differ." in html(response)
    assert read(lambda: user_named("bob")) is None
    assert client.get("/settings").status_code == 302  # not signed in


def test_login_wrong_password(client, seed):
    seed(lambda: make_user("bob"))
    response = login(client, "bob", "wrong-password")
    assert response.status_code == 422
    assert "do not match" in html(response) and 'value="bob"' in html(response)
    assert client.get("/settings").status_code == 302


def test_login_by_email_with_next_and_remember(client, seed):
    seed(lambda: make_user("bob"))
    response = login(client, "BOB@example.com", next="/settings/tokens", remember="y")
    assert response.status_code == 302 and response.location == "/settings/tokens"
    assert "remember_token" in response.headers.get("Set-Cookie", "") or any(
        "remember_token" in h for h in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                    "evil.example", "/%0d%0aLocation:x", "\\\\evil.example"])
def test_login_refuses_open_redirects(client, seed, target):
    seed(lambda: make_user("bob"))
    response = login(client, "bob", next=target)
    assert response.status_code == 302
    location = response.location
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location
    # the sign-in page does not carry an unsafe target into its form either
    assert "evil" not in html(client.get("/login", query_string={"next": target}))


def test_suspended_member_is_told_until_when(client, seed):
    seed(lambda: make_user("carl", suspended_until=dt.datetime(2099, 5, 17, 10, 0), suspension_reason="spam"))
    response = login(client, "carl")
    assert response.status_code == 422
    body = html(response)
    assert "suspended until" in body and "2099" in body and "spam" in body
    assert client.get("/settings").status_code == 302
    seed(lambda: setattr(db.session.scalar(sa.select(User).where(User.username == "carl")),
                         "suspended_until", dt.datetime(2000, 1, 1)))
    assert login(client, "carl").status_code == 302  # the suspension is over


def test_logout_is_a_post(client, seed):
    seed(lambda: make_user("bob"))
    login(client, "bob")
    assert client.get("/logout").status_code == 405
    assert client.get("/settings").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/settings").status_code == 302


# ----------------------------------------------------------------------------- password reset

def test_forgot_and_reset_through_the_log(client, seed, caplog):
    seed(lambda: make_user("dana"))
    caplog.set_level(logging.INFO, logger="forum.mail")
    response = client.post("/password/forgot", data={"email": "DANA@example.com"})
    assert response.status_code == 302
    mails = [r.getMessage() for r in caplog.records if r.name == "forum.mail"]
    assert len(mails) == 1 and "dana@example.com" in mails[0]
    link = re.search(r"http://127\.0\.0\.1:5000(/password/reset/\S+)", mails[0]).group(1)
    flash = html(client.get(response.location))
    assert "If an account exists" in flash

    assert client.get(link).status_code == 200
    bad = client.post(link, data={"password": "new-password-1", "confirm": "not-the-same"})
    assert bad.status_code == 422
    done = client.post(link, data={"password": "new-password-1", "confirm": "new-password-1"})
    assert done.status_code == 302
    assert login(client, "dana", PASSWORD).status_code == 422
    assert login(client, "dana", "new-password-1").status_code == 302
    client.post("/logout")
    again = client.post(link, data={"password": "new-password-2", "confirm": "new-password-2"})
    assert again.status_code == 422 and "already used" in html(again)


def test_forgot_password_does_not_reveal_accounts(client, seed, caplog, csrf_second):
    seed(lambda: make_user("dana"))
    caplog.set_level(logging.INFO, logger="forum.mail")
    known = client.post("/password/forgot", data={"email": "dana@example.com"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "If an account exists" in html(unknown)
    strip = lambda page: html(page).replace("dana@example.com", "X").replace("nobody@example.com", "X")  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len([r for r in caplog.records if r.name == "forum.mail"]) == 1


def test_mail_goes_through_smtp_when_configured(app, monkeypatch):
    from forum.accounts import mail

    sent: list[Any] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int = 0, **kw: Any) -> None:
            sent.append(("connect", host, port))

        def __enter__(self) -> "FakeSMTP":
            return self

        def __exit__(self, *exc: Any) -> None:
            sent.append(("quit",))

        def ehlo(self) -> None:
            pass

        def has_extn(self, name: str) -> bool:
            return False

        def login(self, user: str, password: str) -> None:
            sent.append(("login", user, password))

        def send_message(self, message: Any) -> None:
            sent.append(("send", message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_URL"] = "smtp://robot%40acme:p%40ss@mail.example:2525"
    with app.app_context():
        mail.send_mail("ann@example.com", "Hello", "Body text")
    assert sent[0] == ("connect", "mail.example", 2525)
    assert ("login", "robot@acme", "p@ss") in sent
    assert sent[2][:3] == ("send", "ann@example.com", "Hello") and "Body text" in sent[2][3]


# ----------------------------------------------------------------------------- profile & settings

def test_profile_shows_visible_activity_only(client, seed):
    def build() -> dict[str, int]:
        org = make_org("Globex", tier="benchmark", arr=987654)
        author = make_user("erin", organization=org, display_name="Erin Ek", bio="Runs the data team", points=120)
        cs = make_user("casey", roles=("cs",))
        make_user("mo")
        visible = ask(author, title="How do I export my dashboards?")
        hidden = ask(author, title="A question still waiting for review")
        from forum.qa.models import ContentStatus

        hidden.status = ContentStatus.pending
        other = ask(cs, title="Which regions host the data?")
        answer(author, other, body="Frankfurt and Virginia, see the status page.")
        private = ask(cs, title="Early access: the new query engine", category_id=make_category(ambassadors_only=True).id)
        answer(author, private, body="It is twice as fast for us.")
        return {"erin": author.id, "visible": visible.id}

    ids = seed(build)
    anonymous = html(client.get(f"/users/{ids['erin']}"))
    assert "Erin Ek" in anonymous and "Runs the data team" in anonymous and "Globex" in anonymous
    assert "How do I export my dashboards?" in anonymous
    assert "A question still waiting for review" not in anonymous
    assert "Which regions host the data?" in anonymous  # the answered question
    assert "Early access" not in anonymous  # an answer in an ambassadors-only category
    assert "987" not in anonymous  # ARR only for product/cs/admin
    assert '<span class="trust trust-2">2</span>' in anonymous  # 120 points

    login(client, "mo")
    assert "987" not in html(client.get(f"/users/{ids['erin']}"))
    client.post("/logout")
    login(client, "casey")
    assert "987" in html(client.get(f"/users/{ids['erin']}"))
    client.post("/logout")
    login(client, "erin")
    own = html(client.get(f"/users/{ids['erin']}"))
    assert "A question still waiting for review" in own  # the author sees their own pending post
    assert client.get("/users/999999").status_code == 404


def test_settings_update_profile_and_password(client, seed, read):
    seed(lambda: make_user("fay"))
    login(client, "fay")
    page = client.get("/settings")
    assert page.status_code == 200 and 'name="display_name"' in html(page)
    response = client.post("/settings", data={"display_name": "Fay Fox", "bio": "Hello there", "locale": "zh"})
    assert response.status_code == 302
    user = read(lambda: user_named("fay"))
    assert (user.display_name, user.bio, user.locale) == ("Fay Fox", "Hello there", "zh")
    too_long = client.post("/settings", data={"display_name": "x" * 81, "bio": "", "locale": "en"})
    assert too_long.status_code == 422
    wrong = client.post("/settings/password", data={"current_password": "nope-nope", "password": "brand-new-1",
                                                    "confirm": "brand-new-1"})
    assert wrong.status_code == 422 and "当前密码不正确" in html(wrong)  # fay chose Chinese above
    ok = client.post("/settings/password", data={"current_password": PASSWORD, "password": "brand-new-1",
                                                 "confirm": "brand-new-1"})
    assert ok.status_code == 302
    client.post("/logout")
    assert login(client, "fay", "brand-new-1").status_code == 302


def test_settings_need_sign_in(client):
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.location


def test_language_switch(client, seed, read):
    seed(lambda: make_user("gus"))
    assert '<html lang="en">' in html(client.get("/login"))
    response = client.post("/language", data={"locale": "zh", "next": "/signup"})
    assert response.status_code == 302 and response.location == "/signup"
    assert '<html lang="zh">' in html(client.get("/login"))
    client.post("/language", data={"locale": "klingon", "next": "/signup"})
    assert '<html lang="zh">' in html(client.get("/login"))
    assert client.post("/language", data={"locale": "en", "next": "https://evil.example/"}).location == "/"

    login(client, "gus")
    client.post("/language", data={"locale": "zh"})
    assert read(lambda: user_named("gus")).locale == "zh"
    assert '<html lang="zh">' in html(client.get("/settings"))


# ----------------------------------------------------------------------------- notifications

def test_notifications_list_open_and_mark_all(client, seed, read):
    def build() -> dict[str, int]:
        user = make_user("hal")
        first = notify(user.id, "answer_accepted", url="/settings", title="Export dashboards")
        notify(user.id, "roles_changed", url="https://evil.example/", roles="member, cs")
        notify(user.id, "roles_changed", roles="member")
        db.session.flush()
        return {"user": user.id, "first": first.id}

    ids = seed(build)
    assert client.get("/notifications").status_code == 302
    login(client, "hal")
    page = html(client.get("/notifications"))
    assert "Your answer to “Export dashboards” was accepted" in page
    assert page.count('class="notification unread"') == 3

    opened = client.get(f"/notifications/{ids['first']}")
    assert opened.status_code == 302 and opened.location == "/settings"
    unread = lambda: read(lambda: db.session.scalar(sa.select(sa.func.count(Notification.id)).where(  # noqa: E731
        Notification.user_id == ids["user"], Notification.read.is_(False))))
    assert unread() == 2
    assert html(client.get("/notifications")).count('class="notification unread"') == 2

    evil = read(lambda: db.session.scalar(sa.select(Notification.id).where(Notification.url.like("https:%"))))
    assert client.get(f"/notifications/{evil}").location == "/notifications"  # never an outside redirect
    assert client.post("/notifications/read").status_code == 302
    assert unread() == 0
    assert 'class="notification unread"' not in html(client.get("/notifications"))


def test_notifications_are_private(client, seed):
    def build() -> int:
        make_user("jon")
        return notify(make_user("ivy").id, "roles_changed", roles="member").user_id

    ivy = seed(build)
    theirs = seed(lambda: db.session.scalar(sa.select(Notification.id).where(Notification.user_id == ivy)))
    login(client, "jon")
    assert client.get(f"/notifications/{theirs}").status_code == 404
    assert "Your roles are now" not in html(client.get("/notifications"))


def test_notifications_paginate(app, client, seed):
    app.config["PER_PAGE"] = 2

    def build() -> None:
        user = make_user("kim")
        for n in range(5):
            notify(user.id, "roles_changed", roles=f"role-{n}")

    seed(build)
    login(client, "kim")
    first = html(client.get("/notifications"))
    assert first.count('<li class="notification') == 2 and "?page=2" in first
    last = html(client.get("/notifications?page=3"))
    assert last.count('<li class="notification') == 1


# ----------------------------------------------------------------------------- API tokens page

def test_tokens_page_shows_the_secret_once(client, seed, read):
    seed(lambda: make_user("lee"))
    login(client, "lee")
    page = html(client.get("/settings/tokens"))
    assert 'value="read"' in page and 'value="write"' in page and 'value="admin"' not in page
    created = client.post("/settings/tokens", data={"name": "CRM sync", "scopes": ["read", "write"]})
    assert created.status_code == 200
    secret = re.search(r'value="(fk_[^"]+)"', html(created)).group(1)
    assert created.headers["Cache-Control"] == "no-store"      # the secret is in no cache
    token = read(lambda: db.session.scalar(sa.select(ApiToken)))
    assert token.name == "CRM sync" and token.scope_list == ["read", "write"]
    again = html(client.get("/settings/tokens"))
    assert secret not in again and "CRM sync" in again
    assert "<time datetime=" in again and "&lt;time" not in again   # dates through the one formatter
    refused = client.post("/settings/tokens", data={"name": "too much", "scopes": ["admin"]})
    assert refused.status_code == 422
    assert read(lambda: db.session.scalar(sa.select(sa.func.count(ApiToken.id)))) == 1
    assert client.post(f"/settings/tokens/{token.id}/revoke").status_code == 302
    assert read(lambda: db.session.get(ApiToken, token.id).revoked_at) is not None
    assert "Revoked" in html(client.get("/settings/tokens"))


def test_staff_may_create_admin_tokens_and_not_revoke_others(client, seed):
    ids = seed(lambda: {"token": actions.issue_token(make_user("other"))[0].id, "staff": make_user("mod", roles=("moderator",)).id})
    login(client, "mod")
    assert 'value="admin"' in html(client.get("/settings/tokens"))
    assert client.post("/settings/tokens", data={"name": "ops", "scopes": ["admin"]}).status_code == 200
    assert client.post(f"/settings/tokens/{ids['token']}/revoke").status_code == 404


# ----------------------------------------------------------------------------- admin

ADMIN_PAGES = ["/admin", "/admin/organizations", "/admin/members"]


def test_admin_pages_refuse_members(client, seed):
    ids = seed(lambda: {"org": make_org("Globex").id, "user": make_user("nia", roles=("moderator", "product", "cs")).id})
    for path in ADMIN_PAGES + [f"/admin/organizations/{ids['org']}"]:
        assert client.get(path).status_code == 302  # anonymous: to the sign-in page
    login(client, "nia")
    for path in ADMIN_PAGES + [f"/admin/organizations/{ids['org']}"]:
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/organizations", data={"name": "X", "tier": "standard", "arr": "1"}).status_code == 403
    assert client.post(f"/admin/members/{ids['user']}/roles", data={"roles": ["admin"]}).status_code == 403


def test_admin_pages_work_for_admins(client, seed, read):
    seed(lambda: (make_user("root", roles=("admin",)), make_user("oli", display_name="Oliver Ode"),
                  make_user("pam")))
    login(client, "root")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
    index = html(client.get("/admin"))
    assert "/admin/organizations" in index and "/admin/members" in index

    created = client.post("/admin/organizations", data={"name": "Globex", "tier": "benchmark", "arr": "250000"})
    assert created.status_code == 302
    org = read(lambda: db.session.scalar(sa.select(Organization)))
    assert (org.name, org.tier.value, org.arr) == ("Globex", "benchmark", 250000)
    duplicate = client.post("/admin/organizations", data={"name": "globex", "tier": "standard", "arr": "0"})
    assert duplicate.status_code == 422 and "An organization with that name exists." in html(duplicate)

    edited = client.post(f"/admin/organizations/{org.id}", data={"name": "Globex Corp", "tier": "value_added", "arr": "5"})
    assert edited.status_code == 302
    assert read(lambda: db.session.get(Organization, org.id).name) == "Globex Corp"

    unknown = client.post(f"/admin/organizations/{org.id}/members", data={"usernames": "oli, ghost"})
    assert unknown.status_code == 422 and "ghost" in html(unknown) and "oli, ghost" in html(unknown)
    assigned = client.post(f"/admin/organizations/{org.id}/members", data={"usernames": "oli\nPAM"})
    assert assigned.status_code == 302
    members = read(lambda: sorted(u.username for u in db.session.get(Organization, org.id).members))
    assert members == ["oli", "pam"]
    listing = html(client.get("/admin/organizations"))
    assert "Globex Corp" in listing and "Value added" in listing


def test_admin_members_search_and_roles(client, seed, read):
    ids = seed(lambda: {"root": make_user("root", roles=("admin",)).id,
                        "oli": make_user("oli", display_name="Oliver Ode").id, "pam": make_user("pam").id})
    login(client, "root")
    found = html(client.get("/admin/members", query_string={"q": "oliver"}))
    assert "oli@example.com" in found and "pam@example.com" not in found
    assert "pam@example.com" in html(client.get("/admin/members", query_string={"q": "PA"}))
    assert "No members found" in html(client.get("/admin/members", query_string={"q": "%"}))

    response = client.post(f"/admin/members/{ids['oli']}/roles",
                           data={"roles": ["moderator", "cs"], "next": "/admin/members?q=oli"})
    assert response.status_code == 302 and response.location == "/admin/members?q=oli"
    assert read(lambda: db.session.get(User, ids["oli"]).roles) == ["member", "cs", "moderator"]
    audit = read(lambda: db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_id == ids["oli"])))
    assert audit.acting_user_id == ids["root"]
    client.post(f"/admin/members/{ids['oli']}/roles", data={"roles": ["wizard"]})
    assert read(lambda: db.session.get(User, ids["oli"]).roles) == ["member", "cs", "moderator"]
    client.post(f"/admin/members/{ids['oli']}/roles", data={})
    assert read(lambda: db.session.get(User, ids["oli"]).roles) == ["member"]


def test_admin_csv_upload(client, seed, read):
    seed(lambda: (make_user("root", roles=("admin",)), make_user("ann"), make_org("Initech")))
    login(client, "root")
    csv_text = ("name,tier,arr,member emails\n"
                "Globex,benchmark,250000,ann@example.com;ghost@example.com\n"
                "Initech,value_added,1200,\n"
                "Hooli,platinum,5,\n")
    response = client.post("/admin/organizations/import",
                           data={"file": (io.BytesIO(csv_text.encode("utf-8-sig")), "orgs.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    body = html(response)
    assert "Import finished" in body
    report = re.search(r"<dl class=\"stat-row\">(.*?)</dl>", body, re.S).group(1)
    numbers = re.findall(r"<dd>(\d+)</dd>", report)
    assert numbers == ["1", "1", "1", "2"]  # created, updated, assigned, problems
    assert "ghost@example.com" in body and "line 4" in body
    globex = read(lambda: db.session.scalar(sa.select(Organization).where(Organization.name == "Globex")))
    assert read(lambda: user_named("ann").organization_id) == globex.id
    missing = client.post("/admin/organizations/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a CSV file." in html(missing)


# ----------------------------------------------------------------------------- CSRF and rate limits

@pytest.fixture
def csrf_app(backend, database_urls, tmp_path):
    application = make_app(database_urls[backend], tmp_path, WTF_CSRF_ENABLED=True)
    yield application
    from tests.conftest import _empty_tables

    engine = application.extensions["forum.engine"]
    _empty_tables(engine)
    engine.dispose()


def test_login_without_csrf_token_fails(csrf_app):
    with csrf_app.app_context():
        make_user("quin")
        db.commit()
    client = csrf_app.test_client()
    refused = client.post("/login", data={"login": "quin", "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/settings").status_code == 302
    page = html(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/login", data={"login": "quin", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.get("/settings").status_code == 200


@pytest.fixture
def limited_app(backend, database_urls, tmp_path):
    application = make_app(database_urls[backend], tmp_path, RATELIMIT_ENABLED=True,
                           RATE_LIMITS={"signup": "2 per hour", "login": "3 per minute"})
    yield application
    from tests.conftest import _empty_tables

    engine = application.extensions["forum.engine"]
    _empty_tables(engine)
    engine.dispose()


def test_signup_and_login_are_rate_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(4):
        assert client.get("/signup").status_code == 200  # looking at the form is not limited
    bad = {"username": "x", "email": "x", "password": "x", "confirm": "y"}
    assert client.post("/signup", data=bad).status_code == 422
    assert client.post("/signup", data=bad).status_code == 422
    assert client.post("/signup", data=bad).status_code == 429
    for _ in range(3):
        assert client.post("/login", data={"login": "nobody", "password": "wrong-pass"}).status_code == 422
    assert client.post("/login", data={"login": "nobody", "password": "wrong-pass"}).status_code == 429
