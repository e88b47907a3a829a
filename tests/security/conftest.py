"""Helpers for the security tests: data committed as a request will find it, and signing in."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from forum import db
from tests.factories import PASSWORD


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


def signed_in_as(client: Any) -> str | None:
    """The username the settings page greets, or None when it sends the visitor to sign in."""
    response = client.get("/settings")
    if response.status_code != 200:
        return None
    import re

    found = re.search(r"Signed in as ([\w.-]+)", response.get_data(as_text=True))
    return found.group(1) if found else None
