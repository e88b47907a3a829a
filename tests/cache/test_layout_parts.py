"""base.html's parts rendered once per worker (forum.web layout_part): a page built from them is byte for
byte the page rendered without them, for visitors, members and staff, in each language and on each
page's own navigation, whoever was served first; each viewer's token and own bits (name, unread
count, the staff links they may open) stay theirs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from forum import db
from tests.cache.test_pagecache import login
from tests.factories import answer, ask, make_user

MEMBERS_ONLY = {"/settings", "/notifications"}
PATHS = ["/", "/tags", "/categories", "/ideas", "/leaderboard", "/settings", "/notifications", "/search?q=export"]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PAGE_CACHE": False}  # each page rendered, not served whole


@pytest.fixture
def people(app: Any) -> dict[str, int]:
    with app.app_context():
        asker = make_user("asker", display_name="Ada Asker")
        question = ask(asker, title="Where is the export button?", body="I cannot find it anywhere.")
        answer(make_user("helper"), question, body="It is under Settings, Data.")  # the asker's notification
        found = {"asker": asker.id, "question": question.id,
                 "admin": make_user("boss", roles=("admin",), display_name="Bo Boss").id,
                 "moderator": make_user("mod", roles=("moderator",), locale="zh").id, "member": make_user("member").id}
        db.commit()
        return found


def _clients(app: Any, people: dict[str, int], viewers: list[str]) -> dict[str, Any]:
    clients = {}
    for who in viewers:
        clients[who] = app.test_client()
        if who != "visitor":
            login(clients[who], people[who])
    return clients


def _pages(clients: dict[str, Any], people: dict[str, int], order: list[str]) -> dict[tuple[str, str, str], bytes]:
    pages = {}
    for who in order:
        client = clients[who]
        for language in ("en", "zh"):
            for path in [*PATHS, f"/questions/{people['question']}"]:
                response = client.get(path, headers={"Accept-Language": language})
                assert response.status_code == (302 if who == "visitor" and path in MEMBERS_ONLY else 200), (who, path)
                pages[(who, language, path)] = response.get_data()
    return pages


def test_pages_from_the_layouts_parts_are_the_pages_rendered_anew(app, people, freeze, csrf_second):
    freeze(dt.datetime.utcnow().replace(microsecond=0))
    viewers = ["admin", "visitor", "member", "moderator", "asker"]
    clients = _clients(app, people, viewers)  # each with their session, so their token, throughout
    app.config["FRAGMENT_CACHE"] = False
    try:
        fresh = _pages(clients, people, viewers)
    finally:
        app.config["FRAGMENT_CACHE"] = True
    kept = _pages(clients, people, viewers)  # the parts rendered for the first viewer of each kind
    kept_again = _pages(clients, people, list(reversed(viewers)))  # and given to the others after
    for key, page in fresh.items():
        assert kept[key] == page, key
        assert kept_again[key] == page, key
    pages = {who: fresh[(who, "en", "/")].decode() for who in viewers}
    assert "Moderation queue" in pages["admin"] and "Moderation queue" not in pages["member"]
    assert ">Admin</a>" in pages["admin"] and ">Admin</a>" not in pages["moderator"]
    chip = 'class="user-chip-name">Ada Asker<'
    assert chip in pages["asker"] and chip not in pages["member"]
    assert 'class="badge-count">1<' in pages["asker"] and "badge-count" not in pages["member"]
    assert "Sign out" not in pages["visitor"] and "Sign in" in pages["visitor"]
    # Members read their own language, visitors their browser's.
    assert 'lang="zh"' in fresh[("visitor", "zh", "/")].decode() and 'lang="en"' in fresh[("member", "zh", "/")].decode()
    assert "退出登录" in fresh[("moderator", "en", "/")].decode() and "审核队列" in fresh[("moderator", "en", "/")].decode()
    assert re.search(r'<a href="/tags" aria-current="page">', fresh[("member", "en", "/tags")].decode())
    assert not re.search(r'<a href="/tags" aria-current="page">', fresh[("member", "en", "/")].decode())


def test_each_viewer_gets_their_own_token_in_the_layouts_forms(app, people):
    from itsdangerous import URLSafeTimedSerializer

    for who in ("member", "admin"):
        client = app.test_client()
        login(client, people[who])
        html = client.get("/tags").get_data(as_text=True)  # the parts of /tags kept after the first
        with client.session_transaction() as s:
            raw = s["csrf_token"]
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert len(re.findall(r'name="csrf_token"', html)) >= 3  # the two sign-out forms and the languages'
        assert tokens and all(URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(t) == raw
                              for t in tokens)
