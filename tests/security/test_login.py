"""Sign-in does not tell whether an account exists: an unknown account costs a password check too
(a dummy hash), and the wrong-password, unknown-account and rate-limit answers are the same."""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from forum import db
from forum.accounts import actions
from forum.accounts.models import User
from tests.conftest import make_app
from tests.factories import make_user
from tests.security.conftest import login


def _page(response: Any) -> str:
    """The page without its CSRF tokens (signed, different on every page)."""
    return re.sub(r'"[\w-]{20,}\.[\w-]+\.[\w-]+"', '""', response.get_data(as_text=True))


def test_unknown_account_checks_a_password_hash(session, monkeypatch):
    calls: list[str] = []
    real = actions.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(actions, "check_password_hash", counting)
    assert actions.authenticate("nobody-here", "some password") is None
    assert len(calls) == 1
    assert calls[0].split("$", 1)[0] == generate_password_hash("x").split("$", 1)[0]  # the members' method


def test_unknown_and_known_accounts_take_comparable_time(session):
    """With the default (scrypt) hash a member's wrong password and an unknown account both cost a
    hash check: the unknown account is not 10x faster as before (89 ms against 8 ms)."""
    user = make_user("timed")
    user.password_hash = generate_password_hash("the real password")
    session.flush()
    actions.authenticate("nobody", "warm-up")

    def median(login_name: str) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            assert actions.authenticate(login_name, "a wrong password") is None
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    known, unknown = median("timed"), median("nobody-at-all")
    assert unknown > known * 0.5, (known, unknown)


def test_wrong_password_and_unknown_account_get_the_same_page(client, seed):
    seed(lambda: make_user("alice"))
    wrong = login(client, "alice", "not the password")
    unknown = login(client, "no-such-member", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    assert _page(wrong).replace("alice", "") == _page(unknown).replace("no-such-member", "")


def test_rate_limited_sign_in_says_the_same_for_any_account(database_urls, tmp_path):
    app = make_app(database_urls["sqlite"], tmp_path, RATELIMIT_ENABLED=True, RATE_LIMITS={"login": "2 per minute"})
    try:
        with app.app_context():
            make_user("carol")
            db.commit()
        answers = {}
        for name in ("carol", "nobody-known"):
            client = app.test_client()
            responses = [client.post("/login", data={"login": name, "password": "wrong one"},
                                     environ_base={"REMOTE_ADDR": f"10.0.0.{len(answers) + 1}"}) for _ in range(3)]
            assert [r.status_code for r in responses] == [422, 422, 429]
            answers[name] = _page(responses[-1])
        assert answers["carol"] == answers["nobody-known"]
        assert "carol" not in answers["carol"]
    finally:
        from tests.conftest import _empty_tables

        _empty_tables(app.extensions["forum.engine"])
        app.extensions["forum.engine"].dispose()
