"""The shared cache (docs/architecture.md, "Caching"): Flask-Caching on Redis when ``REDIS_URL`` is
set, otherwise on files in the instance folder (``CACHE_DIR``), so that several gunicorn workers on
one machine share it; ``CACHE_TYPE`` overrides the choice (the tests use ``SimpleCache``).

Cached pages and fragments are keyed on **generations**: a generation is an opaque token stored in
the cache; a key that includes it is abandoned when the generation is bumped (a new token), and
what it named expires unread. Generations:

- ``site``: every anonymous page (forum.pagecache). Bumped after the commit of any domain event
  that changes what a page shows (forum.cache_subscribers) and after every successful state-changing
  request (a POST, PUT, PATCH or DELETE that did not fail), which also covers changes that announce
  no event (an admin renaming a category).
- ``question:<id>``: the rendered answers of one question page (the fragment of
  templates/qa/question.html); bumped by the events about that question's posts, votes, accepts and
  moderation decisions.
- ``people``: how members are shown beside their posts (names, badges); bumped by profile, role and
  ambassador events. Fragments include it.

A bump writes a fresh token rather than incrementing, so two workers bumping at once cannot lose
a bump, and a page stored under an old token is never read again (a page is stored under the
generation read *before* its data was read, so a page rendered from data older than a bump is
stored where nobody looks).
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from forum.extensions import cache

_COUNTER = itertools.count()


def cache_config(app: Flask) -> dict[str, Any]:
    """Flask-Caching's settings for this deployment (see the module docstring)."""
    cfg = app.config
    kind = cfg.get("CACHE_TYPE") or ("RedisCache" if cfg.get("REDIS_URL") else "FileSystemCache")
    config: dict[str, Any] = {"CACHE_TYPE": kind, "CACHE_KEY_PREFIX": "forum:",
                              "CACHE_DEFAULT_TIMEOUT": int(cfg["PAGE_CACHE_SECONDS"])}
    if kind == "RedisCache":
        config["CACHE_REDIS_URL"] = cfg.get("CACHE_REDIS_URL") or cfg["REDIS_URL"]
    elif kind == "FileSystemCache":
        directory = Path(cfg.get("CACHE_DIR") or Path(app.instance_path) / "cache")
        directory.mkdir(parents=True, exist_ok=True)
        config.update(CACHE_DIR=str(directory), CACHE_THRESHOLD=int(cfg["CACHE_FILE_THRESHOLD"]))
    elif kind == "SimpleCache":
        config["CACHE_THRESHOLD"] = int(cfg["CACHE_FILE_THRESHOLD"])
    return config


def init_app(app: Flask) -> None:
    from forum import cache_subscribers  # noqa: F401  (the @on receivers that bump generations)

    config = cache_config(app)
    cache.init_app(app, config=config)
    app.extensions["forum.cache_kind"] = config["CACHE_TYPE"]
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.globals["list_rows"] = list_rows


def _token() -> str:
    return f"{time.time_ns():x}.{os.getpid():x}.{next(_COUNTER):x}"


def _gen_key(name: str) -> str:
    return f"gen:{name}"


def generations(*names: str) -> tuple[str, ...]:
    """The current token of each generation (one cache round trip), creating missing ones."""
    keys = [_gen_key(n) for n in names]
    values = list(cache.get_many(*keys))
    for i, value in enumerate(values):
        if value is None:
            fresh = _token()
            # add() is atomic on Redis (SET NX): if another worker created it first, read theirs.
            if not cache.add(keys[i], fresh, timeout=0):
                fresh = cache.get(keys[i]) or fresh
            values[i] = fresh
    return tuple(values)


def bump(*names: str) -> None:
    """Abandon everything cached under these generations (a fresh token each)."""
    if not names:
        return
    try:
        cache.set_many({_gen_key(n): _token() for n in set(names)}, timeout=0)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the change; pages expire anyway
        current_app.logger.exception("cache: could not bump %s", names)


def question_generation(question_id: int) -> str:
    return f"question:{int(question_id)}"


# ----------------------------------------------------------------------------- fragments

FRAGMENT_CSRF_MARK = "\x00csrf\x00"


def _canonical(value: Any) -> Any:
    """A value as a stable, order-independent structure for a key (sets and dicts sorted)."""
    if isinstance(value, dict):
        return sorted(((repr(_canonical(k)), _canonical(v)) for k, v in value.items()), key=lambda kv: kv[0])
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    public = {k: v for k, v in vars(value).items() if not k.startswith("_")} if hasattr(value, "__dict__") else {}
    if public and not isinstance(value, type):  # a small record (a flag control): its fields
        return [type(value).__name__, _canonical(public)]
    return str(value)  # strings, numbers, dates, lazy (translated) strings


def fragment_key(name: str, generation_names: tuple[str, ...], viewer_bits: tuple[Any, ...]) -> str:
    from flask import request
    from flask_babel import get_locale

    tokens = generations(*generation_names)
    raw = repr((name, tokens, str(get_locale()), request.cookies.get("tz", "")[:64], request.path,
                _canonical(viewer_bits)))
    import hashlib

    return "frag:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()


def cached_fragment(name: str, question_id: int, *viewer_bits: Any, caller: Any) -> Any:
    """``{% call cached_fragment("answers", question.id, allowed, votes, ...) %}…{% endcall %}``: the
    block's HTML from the cache, keyed by the question's and the ``people`` generations, the
    language, the time zone, the path and ``viewer_bits`` — everything of the viewer's own that the
    block reads (their votes, the controls they may use), so two members share a fragment exactly
    when it would render the same for both. The viewer's CSRF token is stored as a placeholder
    and put back. Kept at most PAGE_CACHE_SECONDS (relative dates age)."""
    from flask import g
    from flask_wtf.csrf import generate_csrf
    from markupsafe import Markup

    if not current_app.config.get("FRAGMENT_CACHE", True):
        return caller()
    try:
        key = fragment_key(name, (question_generation(question_id), "people"), viewer_bits)
        body = cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache the block renders as usual
        current_app.logger.exception("fragment cache: read failed")
        return caller()
    if body is not None:
        return Markup(body.replace(FRAGMENT_CSRF_MARK, generate_csrf()) if FRAGMENT_CSRF_MARK in body else body)
    html = str(caller())
    token = g.get("csrf_token")
    stored = html.replace(token, FRAGMENT_CSRF_MARK) if token else html
    try:
        cache.set(key, stored, timeout=int(current_app.config["PAGE_CACHE_SECONDS"]))
    except Exception:  # noqa: BLE001
        current_app.logger.exception("fragment cache: write failed")
    return Markup(html)


# ----------------------------------------------------------------------------- list rows

class Rows:
    """A list page's rows: ``html`` when they came from the cache, else the ``key`` to store them
    under once rendered (``list_rows``)."""

    __slots__ = ("key", "html")

    def __init__(self, key: str, html: str | None) -> None:
        self.key, self.html = key, html


def rows_enabled() -> bool:
    """Rows are cached under the ``site`` generation, like anonymous pages: on when both the page
    cache and fragments are (the test app turns the page cache off: factories bypass the events)."""
    cfg = current_app.config
    return bool(cfg.get("PAGE_CACHE", True) and cfg.get("FRAGMENT_CACHE", True))


def cached_rows(name: str, site_token: str, ids: list[int]) -> Rows:
    """The rendered rows of a list page showing ``ids`` (in that order), looked up by the ``site``
    token read *before* the ids were (so rows rendered from older data are stored where nobody
    looks), the language, the reader's time zone and the site root. A row shows only its item's own
    data (no control or state of the viewer's), so every member and visitor shares it; a relative
    date is stored as a mark and worded at each request (``forum.web.fill_dates``), so a cached row
    never says "3 minutes ago" of something 5 minutes old."""
    import hashlib

    from flask import request
    from flask_babel import get_locale

    from forum.web import reader_timezone

    raw = repr((name, site_token, str(get_locale()), reader_timezone(), request.script_root, tuple(ids)))
    key = "rows:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()
    try:
        html = cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache the rows render as usual
        current_app.logger.exception("rows cache: read failed")
        html = None
    return Rows(key, html)


def list_rows(rows: Rows | None, *, caller: Any) -> Any:
    """``{% call list_rows(rows) %}{% for q in questions %}…{% endfor %}{% endcall %}``: the rows from
    the cache when ``rows.html`` holds them, else rendered (relative dates as marks), stored and
    served; in both cases with the relative dates worded now. ``rows`` None: rendered as usual."""
    from flask import g
    from markupsafe import Markup

    from forum.web import deferred_dates, fill_dates

    if rows is None:
        return caller()
    if rows.html is not None:
        return Markup(fill_dates(rows.html))
    with deferred_dates():
        html = str(caller())
    token = g.get("csrf_token")
    if not (token and token in html):  # rows carry no form; a block that does is not shared
        try:
            cache.set(rows.key, html, timeout=int(current_app.config["PAGE_CACHE_SECONDS"]))
        except Exception:  # noqa: BLE001
            current_app.logger.exception("rows cache: write failed")
    return Markup(fill_dates(html))
