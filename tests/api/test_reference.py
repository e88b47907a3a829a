"""The API as a product (docs/api.md): the OpenAPI document is complete and generated from the
declared schemas, the forum serves a readable reference of it (vendored Swagger UI, no inline
script), and members manage personal tokens from their settings page."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from forum import REPO_ROOT, db
from forum.accounts.models import ApiToken
from tests import factories
from tests.factories import PASSWORD

VENDOR = Path(REPO_ROOT) / "static" / "vendor" / "swagger-ui-dist-5.35.0"


def _operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_every_operation_declares_its_parameters_bodies_and_answers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    problems = []
    for method, path, op in _operations(document):
        responses = op["responses"]
        ok = [code for code in responses if code.startswith("2")]
        if len(ok) != 1 or not responses[ok[0]].get("content"):
            problems.append(f"{method} {path}: no success body")
        for code in ("401", "403", "429"):
            if code not in responses:
                problems.append(f"{method} {path}: {code} not declared")
        if "{" in path and "404" not in responses:
            problems.append(f"{method} {path}: 404 not declared")
        if "requestBody" in op and not {"400", "422"} <= set(responses):
            problems.append(f"{method} {path}: a body without 400/422")
        content = responses[ok[0]].get("content", {}) if ok else {}
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        body = schemas.get(ref.rsplit("/", 1)[-1], {})
        if {"items", "total", "page", "per_page"} <= set(body.get("properties", {})):
            names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            if not {"page", "per_page"} <= names:
                problems.append(f"{method} {path}: a list without page/per_page")
    assert not problems, "\n".join(problems)


def test_csv_downloads_and_the_document_itself_are_described(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/reports/health.csv", "/api/v1/reports/accounts.csv"):
        assert set(document["paths"][path]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    meta = document["paths"]["/api/v1/openapi.json"]["get"]["responses"]["200"]["content"]["application/json"]
    assert meta["schema"]["$ref"].endswith("/OpenApiOut")
    page = document["components"]["schemas"]["PageQuery"]["properties"]["page"]
    assert page["minimum"] == 1 and page["maximum"] == 2**31 - 1


def test_the_reference_page_renders_the_served_document_without_inline_script(client):
    assert client.get("/api/docs").headers["Location"].endswith("/developers/api")
    resp = client.get("/developers/api")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either
    assert "/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js" in html
    assert "/static/js/api-docs.js" in html
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE", "package.json"):
        assert (VENDOR / name).is_file(), name
    assert '"version": "5.35.0"' in (VENDOR / "package.json").read_text()
    assert client.get("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js").status_code == 200


def test_every_page_links_the_reference_from_its_footer(client):
    footer = client.get("/").get_data(as_text=True).split('<footer', 1)[1]
    assert 'href="/developers/api"' in footer


def test_members_create_scope_use_and_revoke_tokens_from_settings(client, app):
    with app.app_context():
        factories.make_user("tokenista", points=50)
        db.session.commit()
    assert client.post("/login", data={"login": "tokenista", "password": PASSWORD}).status_code == 302
    page = client.get("/settings/tokens").get_data(as_text=True)
    assert not re.search(r"\son[a-z]+=", page) and 'value="admin"' not in page
    created = client.post("/settings/tokens", data={"name": "BI export", "scopes": ["read"]})
    html = created.get_data(as_text=True)
    secret = re.search(r'id="new-token-secret"[^>]*value="([^"]+)"', html).group(1)
    assert "BI export" in html and "data-select-on-focus" in html
    assert secret not in client.get("/settings/tokens").get_data(as_text=True)  # shown once
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).get_json()["username"] == "tokenista"
    refused = client.post("/api/v1/questions", headers=headers, json={"title": "Scoped out", "body": "b"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "insufficient_scope"
    listed = client.get("/api/v1/tokens", headers=headers).get_json()["items"]
    assert [(t["name"], t["scopes"], t["active"]) for t in listed] == [("BI export", ["read"], True)]
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
