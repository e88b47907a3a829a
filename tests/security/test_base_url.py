"""Absolute links come from BASE_URL, never from the request's Host (password-reset poisoning)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from forum import ConfigError, create_app
from tests.conftest import make_app
from tests.factories import make_user


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"BASE_URL": "https://community.example.com/"}


def test_reset_mail_link_ignores_a_forged_host(app, client, seed, caplog):
    seed(lambda: make_user("alice"))
    caplog.set_level(logging.INFO, logger="forum.mail")
    response = client.post("/password/forgot", data={"email": "alice@example.com"},
                           headers={"Host": "attacker.example"})
    assert response.status_code == 302
    mail = "\n".join(r.getMessage() for r in caplog.records if r.name == "forum.mail")
    assert "https://community.example.com/password/reset/" in mail
    assert "attacker.example" not in mail


def test_forwarded_host_headers_do_not_change_links(app, client, seed, caplog):
    seed(lambda: make_user("bob"))
    caplog.set_level(logging.INFO, logger="forum.mail")
    client.post("/password/forgot", data={"email": "bob@example.com"},
                headers={"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "http"})
    mail = "\n".join(r.getMessage() for r in caplog.records if r.name == "forum.mail")
    assert "https://community.example.com/password/reset/" in mail and "attacker" not in mail


def test_external_url_outside_a_request_uses_base_url(app):
    from flask import url_for

    with app.app_context():
        assert url_for("qa.home", _external=True) == "https://community.example.com/"


def test_production_refuses_to_start_without_base_url(tmp_path, database_urls):
    with pytest.raises(ConfigError, match="BASE_URL"):
        make_app(database_urls["sqlite"], tmp_path, ENV="production", BASE_URL=None)


def test_base_url_must_be_http_or_https(tmp_path, database_urls):
    with pytest.raises(ConfigError, match="BASE_URL"):
        make_app(database_urls["sqlite"], tmp_path, BASE_URL="javascript:alert(1)")


def test_development_default_base_url(tmp_path, database_urls):
    app = make_app(database_urls["sqlite"], tmp_path, BASE_URL=None)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    app.extensions["forum.engine"].dispose()


def test_base_url_from_the_environment(monkeypatch, tmp_path, database_urls):
    monkeypatch.setenv("FORUM_BASE_URL", "https://forum.acme.test")
    app = make_app(database_urls["sqlite"], tmp_path)
    assert app.config["BASE_URL"] == "https://forum.acme.test"
    app.extensions["forum.engine"].dispose()
    assert create_app  # imported for the ConfigError path above
