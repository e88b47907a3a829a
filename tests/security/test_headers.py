"""Cookies and response headers: Secure in production, SameSite=Lax and HttpOnly on the session
and remember cookies; CSP without inline scripts, no framing, nosniff, a referrer policy on pages
and the API; HSTS in production."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_app
from tests.factories import make_user
from tests.security.conftest import login

REPO = Path(__file__).resolve().parents[2]


def _set_cookie(response: Any, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.getlist('Set-Cookie')}")


@pytest.fixture
def production(database_urls, tmp_path):
    app = make_app(database_urls["sqlite"], tmp_path, ENV="production", BASE_URL="https://community.example.com")
    yield app
    from tests.conftest import _empty_tables

    _empty_tables(app.extensions["forum.engine"])
    app.extensions["forum.engine"].dispose()


def test_production_cookies_are_secure_samesite_and_httponly(production):
    with production.app_context():
        from forum import db

        make_user("alice")
        db.commit()
    client = production.test_client()
    response = client.post("/login", data={"login": "alice", "password": "correct horse battery", "remember": "y"},
                           base_url="https://community.example.com")
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        header = _set_cookie(response, name)
        assert "; Secure" in header, header
        assert "SameSite=Lax" in header, header
        assert "HttpOnly" in header, header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_cookies_are_samesite_and_httponly_without_secure(client, seed):
    seed(lambda: make_user("bob"))
    response = login(client, "bob", remember="y")
    for name in ("session", "remember_token"):
        header = _set_cookie(response, name)
        assert "SameSite=Lax" in header and "HttpOnly" in header and "Secure" not in header
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("path", ["/", "/login", "/ideas", "/no-such-page", "/api/v1/questions", "/api/v1/nope",
                                  "/healthz"])
def test_security_headers_on_pages_and_api(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";", 1)[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")


def test_each_security_header_is_sent_once_and_a_views_own_is_kept(app, client):
    from flask import Response

    @app.get("/_own-policy")
    def own_policy() -> Response:
        response = Response("<p>hi</p>", mimetype="text/html")
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["x-frame-options"] = "SAMEORIGIN"  # header names are case-insensitive
        return response

    own = client.get("/_own-policy").headers
    assert own.get_all("Content-Security-Policy") == ["default-src 'none'"]
    assert own.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    assert own.get_all("X-Content-Type-Options") == ["nosniff"]
    page = client.get("/").headers
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy"):
        assert len(page.get_all(name)) == 1, name


def test_page_csp_allows_scripts_from_this_site_only(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"


def test_no_template_has_an_inline_script_or_event_handler():
    """The CSP allows no inline script: every <script> is a src= file or a JSON data block."""
    offenders = []
    for path in sorted((REPO / "templates").rglob("*.html")):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(REPO)}: {tag}")
        for handler in re.findall(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(REPO)}: {handler[:80]}")
    assert offenders == []
