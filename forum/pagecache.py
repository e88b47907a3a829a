"""Whole pages for anonymous readers from the cache, with ETag/Last-Modified and 304
(docs/architecture.md, "Caching").

Which requests: GET/HEAD of the endpoints in ``CACHEABLE`` by a visitor who is not signed in (no
member in the session, no remember-me cookie) and has no flashed message waiting. The key is the
language the page is shown in + the reader's time-zone cookie (dates are shown in it) + the path
and the sorted query string; the entry holds the ``site`` generation (forum.cache) it was rendered
under and is served only while that is still the current one (both read in one round trip).
Signed-in members are never served from it and never stored into it.

What is stored: only a 200 ``text/html`` response rendered for such a visitor that set no cookie of
its own and flashed nothing, as its body and content type; never a header that came with it (no
``Set-Cookie``). The page embeds the visitor's CSRF token (forms, the meta tag): it is stored as a
placeholder and each visitor gets their own token put back, so no session's token reaches another.

On a hit the view does not run; what the view does besides rendering is done by the endpoint's
``on_hit`` (the question page counts its view). The response carries an ``ETag`` (a hash of the
stored page) and ``Last-Modified`` (when it was stored); a matching ``If-None-Match`` (or an
``If-Modified-Since`` not older) gets 304 without a body. ``Cache-Control: no-cache`` makes
browsers revalidate each time; ``Vary: Cookie, Accept-Language``.

``PAGE_CACHE`` turns it off (the test configuration does, except in tests/cache: tests arrange data
with factories that bypass the domain events, as a hand edit of the database would).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from werkzeug.http import http_date, parse_date

from forum.cache import generations
from forum.extensions import cache

CSRF_MARK = "\x00csrf\x00"


def _count_question_view(view_args: dict[str, Any]) -> None:
    from forum.qa.actions import record_view

    record_view(int(view_args["question_id"]), None)


# endpoint → what the view does besides rendering, run on a hit (None: nothing).
CACHEABLE: dict[str, Callable[[dict[str, Any]], None] | None] = {
    "qa.home": None,
    "qa.show_question": _count_question_view,
    "qa.tags": None,
    "qa.tag": None,
    "qa.categories": None,
    "qa.category": None,
    "ideas.board": None,
    "ideas.show": None,
    "accounts.profile": None,
    "rewards.leaderboard": None,
    "rewards.badges": None,
    "rewards.ambassadors": None,
}


def init_app(app: Flask) -> None:
    # First of the before_request hooks, so a hit skips the others (the visit announcement, limits).
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_from_cache)
    app.after_request(_store_or_bump)


def _anonymous() -> bool:
    if "_user_id" in session or "_flashes" in session:
        return False
    # A remember-me cookie signs the browser in on this request (forum.security's, or Flask-Login's).
    names = {"remember_token", current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")}
    return not any(name in request.cookies for name in names)


def _locale() -> str:
    """The language an anonymous visitor's page is in (as forum._init_babel chooses it)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _key() -> str:
    """The page's key without the generation: the entry records the ``site`` token it was rendered
    under and counts only while that is still the current one, so the token and the page are read
    in one round trip (``_lookup``) and a bump leaves nothing stale that could be served."""
    query = "&".join(sorted(request.query_string.decode("latin-1").split("&"))) if request.query_string else ""
    tz = request.cookies.get("tz", "")[:64]
    raw = f"{_locale()}|{tz}|{request.path}?{query}"
    return "page:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _lookup(key: str) -> tuple[str, Any]:
    """The current ``site`` token and the stored entry, if it was rendered under that token."""
    token, entry = cache.get_many("gen:site", key)
    if token is None:
        (token,) = generations("site")
    if entry is not None and entry[4] != token:
        entry = None
    return token, entry


def _eligible() -> bool:
    return (current_app.config.get("PAGE_CACHE", True) and request.method in ("GET", "HEAD")
            and request.endpoint in CACHEABLE and _anonymous())


def _serve_from_cache() -> Response | None:
    if not _eligible():
        return None
    try:
        key = _key()
        token, entry = _lookup(key)
    except Exception:  # noqa: BLE001 - without the cache the page is rendered as usual
        current_app.logger.exception("page cache: read failed")
        return None
    if entry is None:
        # Stored by _store_or_bump if the response qualifies, under the token read before the data.
        g.page_cache_key, g.page_cache_token = key, token
        return None
    g.page_cache_hit = True
    on_hit = CACHEABLE[request.endpoint]
    if on_hit is not None:
        on_hit(dict(request.view_args or {}))
    body, mimetype, etag, stored_at, _token = entry
    resp = Response(status=304) if _not_modified(etag, stored_at) else Response(
        _with_token(body), mimetype=mimetype)
    _headers(resp, etag, stored_at)
    resp.headers["X-Page-Cache"] = "hit"
    return resp


def _not_modified(etag: str, stored_at: float) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.headers.get("If-Modified-Since")
    if since:
        parsed = parse_date(since)
        return parsed is not None and parsed.timestamp() >= int(stored_at)
    return False


def _headers(resp: Response, etag: str, stored_at: float) -> None:
    resp.set_etag(etag)
    resp.headers["Last-Modified"] = http_date(int(stored_at))
    resp.headers["Cache-Control"] = "no-cache"
    resp.vary.update(("Cookie", "Accept-Language"))


def _with_token(body: str) -> str:
    if CSRF_MARK not in body:
        return body
    from flask_wtf.csrf import generate_csrf

    return body.replace(CSRF_MARK, generate_csrf())


def _store_or_bump(resp: Response) -> Response:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if resp.status_code < 400:
            from forum.cache import bump

            bump("site")  # any successful change, with or without a domain event
        return resp
    key = g.pop("page_cache_key", None)
    if key is None or g.get("page_cache_hit"):
        return resp
    if (resp.status_code != 200 or resp.mimetype != "text/html" or resp.direct_passthrough or resp.is_streamed
            or "Set-Cookie" in resp.headers or "_flashes" in session or "_user_id" in session):
        return resp
    body = resp.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        body = body.replace(token, CSRF_MARK)
    stored_at = time.time()
    etag = hashlib.sha1(body.encode("utf-8")).hexdigest()[:20]
    try:
        cache.set(key, (body, resp.mimetype, etag, stored_at, g.pop("page_cache_token")),
                  timeout=int(current_app.config["PAGE_CACHE_SECONDS"]))
    except Exception:  # noqa: BLE001 - an unstored page is only a slower next request
        current_app.logger.exception("page cache: write failed")
        return resp
    _headers(resp, etag, stored_at)
    resp.headers["X-Page-Cache"] = "miss"
    if _not_modified(etag, stored_at):
        resp.status_code = 304
        resp.set_data(b"")
    return resp
