"""docs/api.md: Accounts — sign-up, tokens and scopes, members, roles, organizations, notifications."""

from __future__ import annotations

import pytest

from forum import db
from forum.accounts.actions import notify
from forum.accounts.models import ApiToken, User
from tests.api.conftest import assert_error
from tests.factories import PASSWORD

SIGNUP = {"username": "newbie", "email": "newbie@example.com", "password": "long enough pw"}
USER_FIELDS = {"id", "username", "points", "trust_level", "roles", "ambassador", "badges", "organization", "created_at"}


# ----------------------------------------------------------------------------- sign-up

def test_sign_up_returns_the_user(client):
    resp = client.post("/api/v1/users", json=SIGNUP)
    assert resp.status_code == 201
    user = resp.get_json()
    assert set(user) >= USER_FIELDS
    assert user["username"] == "newbie" and user["roles"] == ["member"] and user["points"] == 0
    assert user["trust_level"] == 0 and user["ambassador"] is False and user["badges"] == []
    assert user["created_at"].endswith("Z")
    token = client.post("/api/v1/tokens", json={"username": "newbie", "password": SIGNUP["password"]})
    assert token.status_code == 201


def test_sign_up_duplicates_are_409(client, world):
    world.user("taken", email="taken@example.com")
    assert_error(client.post("/api/v1/users", json=SIGNUP | {"username": "TAKEN"}), 409, "username_taken", "username")
    assert_error(client.post("/api/v1/users", json=SIGNUP | {"email": "Taken@Example.com"}), 409, "email_taken",
                 "email")


@pytest.mark.parametrize("body, field", [
    ({"email": "x@example.com", "password": "long enough pw"}, "username"),
    (SIGNUP | {"password": 12345678}, "password"),
    (SIGNUP | {"email": "not-an-address"}, "email"),
    (SIGNUP | {"password": "short"}, "password"),
    (SIGNUP | {"locale": "xx"}, "locale"),
])
def test_sign_up_refuses_bad_fields_with_422(client, body, field):
    assert_error(client.post("/api/v1/users", json=body), 422, field=field)


def test_malformed_and_non_object_json_are_400(client):
    assert_error(client.post("/api/v1/users", data="{not json", content_type="application/json"), 400, "bad_json")
    assert_error(client.post("/api/v1/users", json=["a", "list"]), 400, "bad_json")
    assert_error(client.post("/api/v1/users", data=""), 400, "bad_json")


# ----------------------------------------------------------------------------- tokens

def test_token_scopes_follow_roles(client, world):
    world.user("plain")
    world.user("boss", roles=("admin",))
    member = client.post("/api/v1/tokens", json={"username": "plain", "password": PASSWORD, "name": "ci"})
    assert member.status_code == 201
    body = member.get_json()
    assert body["scopes"] == ["read", "write"] and body["token"] and body["expires_at"].endswith("Z")
    admin = client.post("/api/v1/tokens", json={"username": "boss", "password": PASSWORD})
    assert admin.get_json()["scopes"] == ["read", "write", "admin"]
    fewer = client.post("/api/v1/tokens", json={"username": "boss", "password": PASSWORD, "scopes": ["read"]})
    assert fewer.get_json()["scopes"] == ["read"]
    assert_error(client.post("/api/v1/tokens", json={"username": "plain", "password": PASSWORD, "scopes": ["admin"]}),
                 422, "scope_not_allowed", "scopes")
    assert_error(client.post("/api/v1/tokens", json={"username": "plain", "password": PASSWORD, "scopes": ["root"]}),
                 422, field="scopes")


def test_wrong_password_is_401(client, world):
    world.user("plain")
    assert_error(client.post("/api/v1/tokens", json={"username": "plain", "password": "wrong one"}), 401,
                 "invalid_credentials")
    assert_error(client.post("/api/v1/tokens", json={"username": "nobody", "password": PASSWORD}), 401,
                 "invalid_credentials")
    assert_error(client.post("/api/v1/tokens", json={"username": "plain"}), 422, field="password")


def test_tokens_are_listed_without_secret_and_revocable(client, world):
    user = world.user()
    headers = world.headers(user)
    other = world.headers(world.user())
    secret = headers["Authorization"].split()[1]
    listing = client.get("/api/v1/tokens", headers=headers)
    assert listing.status_code == 200
    page = listing.get_json()
    assert page["total"] == 1 and page["page"] == 1 and page["per_page"] == 20
    assert "token" not in page["items"][0] and secret not in listing.get_data(as_text=True)
    token_id = page["items"][0]["id"]
    assert_error(client.delete(f"/api/v1/tokens/{token_id}", headers=other), 404)
    assert_error(client.delete("/api/v1/tokens/99999", headers=headers), 404)
    resp = client.delete(f"/api/v1/tokens/{token_id}", headers=headers)
    assert resp.status_code == 200 and resp.get_json() == {"id": token_id, "revoked": True}
    assert_error(client.get("/api/v1/me", headers=headers), 401, "invalid_token")
    assert_error(client.get("/api/v1/questions", headers=headers), 401, "invalid_token")
    with world.app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_revoking_twice_is_200(client, world):
    user = world.user()
    keep, spare = world.headers(user), world.headers(user)
    spare_id = client.get("/api/v1/tokens", headers=keep).get_json()["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{spare_id}", headers=keep).status_code == 200
    assert client.delete(f"/api/v1/tokens/{spare_id}", headers=keep).status_code == 200
    assert client.get("/api/v1/me", headers=keep).status_code == 200
    assert client.get("/api/v1/me", headers=spare).status_code == 401


def test_bad_expired_and_non_bearer_tokens_are_401_even_on_get(client, world):
    user = world.user()
    headers = world.headers(user)
    assert_error(client.get("/api/v1/questions", headers={"Authorization": "Bearer nope"}), 401, "invalid_token")
    assert_error(client.get("/api/v1/questions", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401,
                 "invalid_token")
    assert_error(client.get("/api/v1/questions", headers={"Authorization": "Bearer"}), 401, "invalid_token")
    assert client.get("/api/v1/questions", headers=headers).status_code == 200
    world.expire_tokens(user)
    assert_error(client.get("/api/v1/questions", headers=headers), 401, "invalid_token")
    assert client.get("/api/v1/questions").status_code == 200  # anonymous


def test_token_use_is_recorded(client, world):
    user = world.user()
    headers = world.headers(user)
    client.get("/api/v1/me", headers=headers)
    with world.app.app_context():
        assert db.session.query(ApiToken).filter_by(user_id=user.id).one().last_used_at is not None


def test_scopes_limit_calls(client, world):
    user = world.user()
    read_only = world.headers(user, scopes=["read"])
    write_only = world.headers(user, scopes=["write"])
    assert client.get("/api/v1/me", headers=read_only).status_code == 200
    error = assert_error(client.post("/api/v1/notifications/read", headers=read_only, json={}), 403,
                         "insufficient_scope")
    assert "write" in error["message"]
    assert_error(client.post("/api/v1/questions", headers=read_only, json={"title": "A fine title", "body": "b"}),
                 403, "insufficient_scope")
    error = assert_error(client.get("/api/v1/me", headers=write_only), 403, "insufficient_scope")
    assert "read" in error["message"]
    assert client.post("/api/v1/notifications/read", headers=write_only).status_code == 200


def test_session_cookie_is_ignored_under_api(client, world):
    user = world.user()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


# ----------------------------------------------------------------------------- members

def test_me(client, world):
    user = world.user("me_myself")
    headers = world.headers(user)
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")

    def _notify():
        notify(user.id, "roles_changed", url="/x", roles="member")
        notify(user.id, "roles_changed", url="/y", roles="member")

    world.run(_notify)
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["username"] == "me_myself" and me["email"] == "me_myself@example.com"
    assert me["notifications_unread"] == 2
    with world.app.app_context():
        assert me["invite_code"] == getattr(db.session.get(User, user.id), "invite_code", None)
    assert set(me) >= USER_FIELDS


def test_show_user_and_organization_details_by_role(client, world):
    org = world.org("Big Co", tier="benchmark", arr=250_000)
    member = world.user("worker", organization=org, points=120)
    assert_error(client.get("/api/v1/users/99999"), 404, "not_found")
    anonymous = client.get(f"/api/v1/users/{member.id}").get_json()
    assert anonymous["organization"] == {"id": org.id, "name": "Big Co", "tier": None, "arr": None}
    assert anonymous["trust_level"] == 2 and anonymous["points"] == 120
    plain = client.get(f"/api/v1/users/{member.id}", headers=world.headers(world.user())).get_json()
    assert plain["organization"]["tier"] is None and plain["organization"]["arr"] is None
    moderator = client.get(f"/api/v1/users/{member.id}", headers=world.headers(world.user(roles=("moderator",))))
    assert moderator.get_json()["organization"]["tier"] is None
    for role in ("cs", "product", "admin"):
        seen = client.get(f"/api/v1/users/{member.id}", headers=world.headers(world.user(roles=(role,)))).get_json()
        assert seen["organization"]["tier"] == "benchmark" and seen["organization"]["arr"] == 250_000


def test_ambassador_has_trust_level_4(client, world):
    ambassador = world.user(ambassador=True)
    body = client.get(f"/api/v1/users/{ambassador.id}").get_json()
    assert body["ambassador"] is True and body["trust_level"] == 4


def test_set_roles(client, world):
    admin = world.user(roles=("admin",))
    target = world.user()
    member_headers = world.headers(world.user())
    admin_headers = world.headers(admin)
    url = f"/api/v1/users/{target.id}/roles"
    assert_error(client.put(url, json={"roles": ["moderator"]}), 401)
    error = assert_error(client.put(url, headers=member_headers, json={"roles": ["moderator"]}), 403, "forbidden")
    assert "admin" in error["message"]
    assert_error(client.put("/api/v1/users/99999/roles", headers=admin_headers, json={"roles": []}), 404)
    assert_error(client.put(url, headers=admin_headers, data="nope"), 400, "bad_json")
    assert_error(client.put(url, headers=admin_headers, json={"roles": ["king"]}), 422, field="roles")
    assert_error(client.put(url, headers=admin_headers, json={"roles": "moderator"}), 422, field="roles")
    assert_error(client.put(url, headers=world.headers(admin, scopes=["read", "write"]),
                            json={"roles": ["moderator"]}), 403, "insufficient_scope")
    resp = client.put(url, headers=admin_headers, json={"roles": ["moderator", "cs"]})
    assert resp.status_code == 200
    assert resp.get_json()["roles"] == ["member", "cs", "moderator"]
    again = client.put(url, headers=admin_headers, json={"roles": ["moderator", "cs"]})
    assert again.status_code == 200 and again.get_json()["roles"] == ["member", "cs", "moderator"]
    with world.app.app_context():
        assert sorted(db.session.get(User, target.id).roles) == ["cs", "member", "moderator"]


# ----------------------------------------------------------------------------- organizations

def test_organizations_crud_and_members(client, world):
    admin_headers = world.headers(world.user(roles=("admin",)))
    member = world.user()
    member_headers = world.headers(member)
    body = {"name": "Acme Partner", "tier": "value_added", "arr": 50_000}
    assert_error(client.post("/api/v1/organizations", json=body), 401)
    assert_error(client.post("/api/v1/organizations", headers=member_headers, json=body), 403)
    assert_error(client.post("/api/v1/organizations", headers=admin_headers, json=body | {"tier": "gold"}), 422,
                 field="tier")
    assert_error(client.post("/api/v1/organizations", headers=admin_headers, json=body | {"arr": "lots"}), 422,
                 field="arr")
    assert_error(client.post("/api/v1/organizations", headers=admin_headers, json=body | {"arr": -5}), 422,
                 field="arr")
    created = client.post("/api/v1/organizations", headers=admin_headers, json=body)
    assert created.status_code == 201
    org = created.get_json()
    assert org["name"] == "Acme Partner" and org["tier"] == "value_added" and org["arr"] == 50_000
    assert org["member_ids"] == []
    assert_error(client.post("/api/v1/organizations", headers=admin_headers, json=body | {"name": "acme partner"}),
                 409, "organization_exists")

    url = f"/api/v1/organizations/{org['id']}"
    assert_error(client.put("/api/v1/organizations/99999", headers=admin_headers, json=body), 404)
    assert_error(client.put(url, headers=member_headers, json=body), 403)
    updated = client.put(url, headers=admin_headers, json=body | {"tier": "benchmark", "arr": 90_000})
    assert updated.status_code == 200 and updated.get_json()["tier"] == "benchmark"

    assert_error(client.put(url + "/members", headers=admin_headers, json={"user_ids": [99999]}), 422,
                 field="user_ids")
    assert_error(client.put(url + "/members", headers=admin_headers, json={"user_ids": ["x"]}), 422,
                 field="user_ids")
    assert_error(client.put(url + "/members", headers=member_headers, json={"user_ids": [member.id]}), 403)
    members = client.put(url + "/members", headers=admin_headers, json={"user_ids": [member.id]})
    assert members.status_code == 200 and members.get_json()["member_ids"] == [member.id]
    me = client.get("/api/v1/me", headers=member_headers).get_json()
    assert me["organization"]["name"] == "Acme Partner" and me["organization"]["tier"] is None

    public = client.get("/api/v1/organizations").get_json()
    assert public["total"] == 1 and public["items"][0]["tier"] is None and public["items"][0]["arr"] is None
    staff = client.get("/api/v1/organizations", headers=admin_headers).get_json()
    assert staff["items"][0]["tier"] == "benchmark" and staff["items"][0]["arr"] == 90_000
    assert staff["items"][0]["member_ids"] == [member.id]


# ----------------------------------------------------------------------------- notifications

def test_notifications_list_and_read(client, world):
    user = world.user()
    headers = world.headers(user)
    other = world.user()

    def _notify():
        rows = [notify(user.id, "roles_changed", url=f"/u/{i}", roles="member, moderator") for i in range(3)]
        notify(other.id, "roles_changed", url="/other", roles="member")
        db.session.flush()
        return [n.id for n in rows]

    ids = world.run(_notify)
    assert_error(client.get("/api/v1/notifications"), 401)
    page = client.get("/api/v1/notifications", headers=headers).get_json()
    assert page["total"] == 3
    item = page["items"][0]
    assert set(item) == {"id", "kind", "text", "url", "read", "created_at"}
    assert item["kind"] == "roles_changed" and "moderator" in item["text"].lower() and item["read"] is False

    assert_error(client.post("/api/v1/notifications/read", headers=headers, json={"ids": "all"}), 422, field="ids")
    assert_error(client.post("/api/v1/notifications/read", headers=headers, data="[1]"), 400)
    one = client.post("/api/v1/notifications/read", headers=headers, json={"ids": [ids[0]]})
    assert one.status_code == 200 and one.get_json() == {"marked": 1, "notifications_unread": 2}
    rest = client.post("/api/v1/notifications/read", headers=headers)
    assert rest.get_json() == {"marked": 2, "notifications_unread": 0}
    again = client.post("/api/v1/notifications/read", headers=headers, json={})
    assert again.status_code == 200 and again.get_json()["marked"] == 0
    assert all(n["read"] for n in client.get("/api/v1/notifications", headers=headers).get_json()["items"])
    other_me = client.get("/api/v1/me", headers=world.headers(other)).get_json()
    assert other_me["notifications_unread"] == 1


def test_pagination(client, world):
    user = world.user()
    headers = world.headers(user)

    def _notify():
        for i in range(5):
            notify(user.id, "roles_changed", url=f"/{i}", roles="member")

    world.run(_notify)
    page = client.get("/api/v1/notifications?page=2&per_page=2", headers=headers).get_json()
    assert page["page"] == 2 and page["per_page"] == 2 and page["total"] == 5 and len(page["items"]) == 2
    assert client.get("/api/v1/notifications?per_page=500", headers=headers).get_json()["per_page"] == 100
    assert_error(client.get("/api/v1/notifications?page=abc", headers=headers), 422, field="page")
    assert_error(client.get("/api/v1/notifications?page=0", headers=headers), 422, field="page")
