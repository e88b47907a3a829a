"""How the page cache serves a hit (forum/pagecache.py): gzip-compressed to a client that accepts it
(the same page, the visitor's own valid token inside), plain otherwise; each worker's memory of
pages never outlives a bump made by another worker; entries of another format are misses."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer

from forum import db
from forum.qa import actions as qa_actions
from forum.qa.models import Question
from tests.cache.test_pagecache import page, thread  # noqa: F401  (the fixture)
from tests.conftest import make_app

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def _masked(html: str) -> str:
    return re.sub(r'(csrf[-_]token"? (?:content|value)=")[^"]+', r"\1", html)


def test_a_hit_is_gzipped_for_a_client_that_accepts_it(app, thread):  # noqa: F811
    path = f"/questions/{thread['question']}"
    page(app, path)
    plain = page(app, path)
    assert plain.headers["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain.headers
    client = app.test_client()
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["X-Page-Cache"] == "hit" and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    html = gzip.decompress(packed.get_data()).decode("utf-8")
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data()) / 2
    assert _masked(html) == _masked(plain.get_data(as_text=True))
    # The token inside the compressed page is this visitor's own, and every place has it.
    tokens = set(re.findall(r'csrf[-_]token"? (?:content|value)="([^"]+)"', html))
    assert len(tokens) == 1 and len(re.findall(r'csrf[-_]token"? (?:content|value)="', html)) >= 2
    with client.session_transaction() as s:
        raw = s["csrf_token"]
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(tokens.pop()) == raw
    # Each representation has its own ETag, and either revalidates.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = app.test_client().get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    refused = app.test_client().get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and TOKEN.search(refused.get_data(as_text=True))


def test_a_gzipped_hit_changes_after_a_vote(app, thread):  # noqa: F811
    path = "/"
    page(app, path)
    before = gzip.decompress(page(app, path, **{"Accept-Encoding": "gzip"}).get_data()).decode()
    with app.app_context():
        from forum.accounts.models import User

        qa_actions.cast_vote(db.session.get(User, thread["voter"]), db.session.get(Question, thread["question"]), 1)
        db.commit()
    assert page(app, path, **{"Accept-Encoding": "gzip"}).headers["X-Page-Cache"] == "miss"
    after = gzip.decompress(page(app, path, **{"Accept-Encoding": "gzip"}).get_data()).decode()
    assert "<strong>1</strong> vote" in after and "<strong>1</strong> vote" not in before


@pytest.fixture
def shared_dir(tmp_path: Any) -> str:
    return str(tmp_path / "shared-cache")


@pytest.fixture
def app_config(app_config: dict[str, Any], shared_dir: str) -> dict[str, Any]:
    """Two "workers" share the cache as gunicorn's do: Redis (TEST_REDIS_URL), else a file cache."""
    if app_config.get("CACHE_TYPE") == "RedisCache":
        return app_config
    return {**app_config, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": shared_dir}


def test_a_bump_by_another_worker_reaches_this_workers_memory(app, thread, shared_dir, tmp_path):  # noqa: F811
    shared = {k: app.config[k] for k in ("CACHE_TYPE", "CACHE_DIR", "CACHE_REDIS_URL") if app.config.get(k)}
    other = make_app(app.config["DATABASE_URL"], tmp_path / "other", PAGE_CACHE=True, **shared)
    try:
        path = f"/questions/{thread['question']}"
        page(app, path)
        assert page(app, path).headers["X-Page-Cache"] == "hit"  # now in this worker's memory too
        assert page(other, path).headers["X-Page-Cache"] == "hit"  # the other worker reads the shared entry
        with other.app_context():
            from forum.accounts.models import User

            qa_actions.cast_vote(db.session.get(User, thread["voter"]), db.session.get(Question, thread["question"]), 1)
            db.commit()  # bumps `site` in the shared cache
        fresh = page(app, path)
        assert fresh.headers["X-Page-Cache"] == "miss"
        assert re.search(r'class="vote-score"[^>]*>\s*1\b', fresh.get_data(as_text=True))
        assert page(other, path).headers["X-Page-Cache"] == "hit"  # what the first worker stored
    finally:
        other.extensions["forum.engine"].dispose()


def test_an_entry_of_another_format_is_a_miss(app, thread):  # noqa: F811
    from forum import pagecache
    from forum.extensions import cache

    path = f"/questions/{thread['question']}"
    with app.test_request_context(path):
        key = pagecache._key()
        (token,) = pagecache.generations("site")
        cache.set(key, ("<html>old</html>", "text/html", "abc", 0.0, token))
    resp = page(app, path)
    assert resp.status_code == 200 and resp.headers["X-Page-Cache"] == "miss" and "old</html>" not in resp.get_data(as_text=True)
    assert page(app, path).headers["X-Page-Cache"] == "hit"


def test_without_memory_hits_come_from_the_shared_cache(app, thread):  # noqa: F811
    app.extensions["forum.page_memory"].budget = 0
    path = f"/questions/{thread['question']}"
    page(app, path)
    assert page(app, path).headers["X-Page-Cache"] == "hit" and not app.extensions["forum.page_memory"].pages


def test_the_gzip_trailer_crc_of_any_token_matches_zlib():
    """The CRC-32 of the page as served comes from the stored page's CRC and a map of the token
    (pagecache._token_crc), not from reading the page: it equals zlib's for any token and layout."""
    import os
    import random
    import zlib

    from forum import pagecache

    rng = random.Random(12)
    for pieces_count in (1, 2, 3, 40):
        pieces = [os.urandom(rng.randrange(0, 3000)) for _ in range(pieces_count)]
        filled, columns = pagecache._token_crc(pieces, 91)
        for _ in range(5):
            token = os.urandom(91)
            crc = filled ^ (pagecache._apply(columns, ~zlib.crc32(token, 0xFFFFFFFF) & 0xFFFFFFFF) if columns else 0)
            assert crc == zlib.crc32(token.join(pieces))
