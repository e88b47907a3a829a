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
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
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
    app.jinja_env.globals["fragment_block"] = fragment_block
    app.jinja_env.globals["page_block"] = page_block


# ----------------------------------------------------------------------------- this worker's copy

class MemoryLRU:
    """Values one worker keeps in its memory: least recently used out beyond ``budget`` bytes, each
    until it expires (``time.monotonic()``; never by default). The page cache keeps its pages in
    one (forum.pagecache), and ``kept_get_many`` the generation-keyed entries in another."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self.items: OrderedDict[str, tuple[Any, float, int]] = OrderedDict()  # key -> (value, expires, size)
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            kept = self.items.get(key)
            if kept is None:
                return None
            if kept[1] <= time.monotonic():
                self._drop(key)
                return None
            self.items.move_to_end(key)
            return kept[0]

    def put(self, key: str, value: Any, size: int, expires: float = math.inf) -> None:
        with self.lock:
            self._drop(key)
            if value is None or size > self.budget:
                return
            self.items[key] = (value, expires, size)
            self.used += size
            while self.used > self.budget:
                _key, (_v, _e, out) = self.items.popitem(last=False)
                self.used -= out

    def drop(self, key: str) -> None:
        with self.lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        old = self.items.pop(key, None)
        if old is not None:
            self.used -= old[2]


def _size_of(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 64
    if isinstance(value, dict):
        return sum(_size_of(v) for v in value.values()) + 64
    if isinstance(value, (list, tuple)):
        return sum(_size_of(v) for v in value) + 64
    return 64


def _local() -> MemoryLRU:
    """This worker's copy of the entries whose keys name their generations' tokens (fragments,
    blocks, list totals), as it last read or wrote them, within LOCAL_CACHE_MB, each until its
    timeout, so that a 260 kB fragment or a page's blocks come from Redis once per worker rather
    than at every request. Such an entry is never changed under its key: a bump gives the key a
    new token, and the old entry is only abandoned, so this copy cannot be staler than the shared
    one. (A generation's token itself is read from the shared cache at every request.)"""
    local = current_app.extensions.get("forum.local_cache")
    if local is None:
        local = current_app.extensions["forum.local_cache"] = MemoryLRU(
            int(float(current_app.config["LOCAL_CACHE_MB"]) * 2**20))
    return local


def _hold(key: str, value: Any, timeout: int) -> None:
    _local().put(key, value, _size_of(value), time.monotonic() + timeout)


def kept_get_many(*keys: str | None) -> list[Any]:
    """``cache.get_many`` for generation-keyed entries (see ``_local``): from this worker's memory
    where it holds them, the rest from the shared cache in one read (and then held). None keys
    read as None."""
    local = _local()
    values = [local.get(k) if k else None for k in keys]
    missing = [k for k, v in zip(keys, values) if k and v is None]
    if missing:
        found = dict(zip(missing, cache.get_many(*missing)))
        timeout = int(current_app.config["PAGE_CACHE_SECONDS"])
        for key, value in found.items():
            if value is not None:
                _hold(key, value, timeout)
        values = [found.get(k) if k and v is None else v for k, v in zip(keys, values)]
    return values


def kept_set(key: str, value: Any, timeout: int | None = None) -> None:
    """``cache.set`` for a generation-keyed entry, held by this worker too."""
    timeout = int(current_app.config["PAGE_CACHE_SECONDS"]) if timeout is None else timeout
    cache.set(key, value, timeout=timeout)
    _hold(key, value, timeout)


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


def fragment_key(name: str, generation_names: tuple[str, ...], viewer_bits: tuple[Any, ...],
                 tokens: tuple[str, ...] | None = None) -> str:
    """The key of a fragment; ``tokens``: its generations' tokens when the caller read them already
    (``page_generations``), before the data the fragment is computed from."""
    from flask import request
    from flask_babel import get_locale

    tokens = tokens or generations(*generation_names)
    raw = repr((name, tokens, str(get_locale()), request.cookies.get("tz", "")[:64], request.path,
                _canonical(viewer_bits)))
    import hashlib

    return "frag:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()


def cached_fragment(name: str, question_id: int, *viewer_bits: Any, caller: Any) -> Any:
    """``{% call cached_fragment("answers", question.id, allowed, votes, ...) %}…{% endcall %}``: the
    block's HTML from the cache, keyed by the question's and the ``people`` generations, the
    language, the time zone, the path and ``viewer_bits`` — everything of the viewer's own that the
    block reads (their votes, the controls they may use), so two members share a fragment exactly
    when it would render the same for both. The viewer's CSRF token is not stored: the pieces
    between its places are, and the token is put back between them. Kept at most
    PAGE_CACHE_SECONDS (relative dates age)."""
    return fragment_block(lookup_fragment(name, question_id, *viewer_bits), caller=caller)


class Fragment:
    """A fragment looked up by the view before it loads what only the fragment shows
    (``lookup_fragment``): ``html`` as stored when the cache had it (the UTF-8 pieces between the
    CSRF token's places; anything else counts as a miss), else None, and ``key``, where
    ``fragment_block`` stores it once rendered."""

    __slots__ = ("key", "html")

    def __init__(self, key: str, html: str | None) -> None:
        self.key, self.html = key, html


def page_generations(question_id: int) -> tuple[str, str] | None:
    """The tokens of a question page's fragments' generations (the question's, ``people``), for a
    view to read once before the page's data and give to ``lookup_fragment``; None when fragments
    are off or the cache cannot be read."""
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return None
    try:
        return generations(question_generation(question_id), "people")  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 - without the cache the page renders as usual
        current_app.logger.exception("fragment cache: generations read failed")
        return None


def lookup_fragment(name: str, question_id: int, *viewer_bits: Any,
                    tokens: tuple[str, ...] | None = None) -> Fragment | None:
    """The lookup of ``cached_fragment`` (same key), done before rendering so that a view can skip
    loading what only the fragment shows when it is a hit; None when fragments are off or the cache
    cannot be read (the block then renders as usual). ``tokens``: ``page_generations``, read by the
    view before the data the bits come from."""
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return None
    try:
        key = fragment_key(name, (question_generation(question_id), "people"), viewer_bits, tokens)
        return Fragment(key, kept_get_many(key)[0])
    except Exception:  # noqa: BLE001 - without the cache the block renders as usual
        current_app.logger.exception("fragment cache: read failed")
        return None


def fragment_block(fragment: Fragment | None, *, caller: Any) -> Any:
    """``{% call fragment_block(fragment) %}…{% endcall %}``: the block of a ``lookup_fragment`` —
    the stored HTML with the viewer's CSRF token put back, or rendered and stored (the token as a
    placeholder); rendered as usual when ``fragment`` is None.

    A fragment is kept as UTF-8 bytes cut at the token's places. In the page it is a placeholder
    (``_FragmentSplice``) that the response's bytes take in its place, with the viewer's token
    between the pieces: a 260 kB block is neither searched for the token nor encoded again."""
    from flask import g
    from markupsafe import Markup

    if fragment is None:
        return caller()
    splice = _FragmentSplice.of_request()
    pieces = fragment.html
    if isinstance(pieces, (list, tuple)):
        return Markup(splice.add(pieces))
    html = str(caller())
    token = g.get("csrf_token")
    body = splice.absorb(html.encode("utf-8", "surrogateescape"))
    pieces = body.split(token.encode("ascii")) if token else [body]
    try:
        kept_set(fragment.key, pieces)
    except Exception:  # noqa: BLE001
        current_app.logger.exception("fragment cache: write failed")
    return Markup(splice.add(pieces))


class _FragmentSplice:
    """The fragments of one response: each placeholder (NUL, a secret of this process, a number,
    NUL: not something a post can contain) and its pieces. ``after_this_request`` puts them into
    the response's bytes, before any other hook sees the page (the page cache stores it whole)."""

    _SECRET = secrets.token_hex(8)
    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: dict[bytes, list[bytes]] = {}

    @classmethod
    def of_request(cls) -> "_FragmentSplice":
        from flask import after_this_request, request

        # On the request's environ, not g: an app context (g) may outlive a request (the tests').
        splice = request.environ.get("forum.fragments")
        if splice is None:
            splice = request.environ["forum.fragments"] = cls()
            after_this_request(splice.into_response)
        return splice

    def add(self, pieces: list[bytes]) -> str:
        mark = f"\x00frag-{self._SECRET}-{len(self.pending)}\x00"
        self.pending[mark.encode("ascii")] = pieces
        return mark

    def absorb(self, body: bytes) -> bytes:
        """``body`` (the response, or a fragment being stored) with the fragments in it put in (and no
        longer pending): joined once with the pieces and the viewer's token between them, so the
        fragment's bytes are copied once."""
        from flask_wtf.csrf import generate_csrf

        found = [m for m in self.pending if m in body]
        if not found:
            return body
        token = generate_csrf().encode("ascii")
        segments = [body]
        for mark in found:
            pieces = self.pending.pop(mark)
            filled = [pieces[0]]
            for piece in pieces[1:]:
                filled += (token, piece)
            out: list[bytes] = []
            for segment in segments:
                if mark in segment:
                    head, _mark, tail = segment.partition(mark)
                    out += (head, *filled, tail)
                else:
                    out.append(segment)
            segments = out
        return b"".join(segments)

    def into_response(self, response: Any) -> Any:
        if self.pending and not response.is_streamed and (response.mimetype or "").startswith("text/"):
            data = response.get_data()
            filled = self.absorb(data)
            if filled is not data:
                response.set_data(filled)
        return response


# ----------------------------------------------------------------------------- page blocks

class Blocks:
    """The cached parts of one page (``cached_blocks``): ``stored`` holds them when they came from
    the cache; otherwise each is rendered by ``page_block`` into ``rendered`` and, once all of
    ``names`` are, stored together under ``key``."""

    __slots__ = ("key", "names", "stored", "rendered")

    def __init__(self, key: str, names: tuple[str, ...], stored: dict[str, str] | None) -> None:
        self.key, self.names, self.stored, self.rendered = key, names, stored, {}

    @property
    def hit(self) -> bool:
        return self.stored is not None


def blocks_enabled() -> bool:
    """Blocks are cached under the ``site`` generation, like anonymous pages: on when both the page
    cache and fragments are (the test app turns the page cache off: factories bypass the events)."""
    cfg = current_app.config
    return bool(cfg.get("PAGE_CACHE", True) and cfg.get("FRAGMENT_CACHE", True))


def cached_blocks(name: str, names: tuple[str, ...], site_token: str, *bits: Any) -> Blocks:
    """The parts ``names`` of a page that shows nothing of the viewer's own in them, looked up by the
    ``site`` token read *before* their data was (so parts rendered from older data are stored where
    nobody looks), the language, the reader's time zone, the path and sorted query string, and
    ``bits``: whatever else they show that differs between viewers (the ids of a list's rows, its
    total, which categories the viewer may see). Relative dates in them are stored as marks and
    worded at each request (``forum.web.fill_dates``), so a cached "3 minutes ago" is never stale."""
    (blocks,) = cached_blocks_many(site_token, (name, names, bits))
    return blocks


def cached_blocks_many(site_token: str, *wanted: tuple[str, tuple[str, ...], tuple[Any, ...]]) -> list[Blocks]:
    """``cached_blocks`` for several (name, names, bits) of one page, in one cache read."""
    import hashlib

    from flask import request
    from flask_babel import get_locale

    from forum.web import reader_timezone

    query = "&".join(sorted(request.query_string.decode("latin-1").split("&"))) if request.query_string else ""
    where = (site_token, str(get_locale()), reader_timezone(), request.script_root, request.path, query)
    keys = [f"blocks:{name}:" + hashlib.sha1(repr((name, names, *where, _canonical(bits))).encode(
        "utf-8", "surrogateescape")).hexdigest() for name, names, bits in wanted]
    try:
        stored = kept_get_many(*keys)
    except Exception:  # noqa: BLE001 - without the cache the parts render as usual
        current_app.logger.exception("blocks cache: read failed")
        stored = [None] * len(keys)
    return [Blocks(key, names, found if isinstance(found, dict) else None)
            for key, (_name, names, _bits), found in zip(keys, wanted, stored)]


def page_block(blocks: Blocks | None, name: str, *, caller: Any) -> Any:
    """``{% call page_block(blocks, "main") %}…{% endcall %}``: the part from the cache when
    ``blocks`` came from it, else rendered (relative dates as marks) and, with the page's last part,
    stored; in both cases with the relative dates worded now. ``blocks`` None: rendered as usual.
    A part holding the viewer's CSRF token (a form) is never stored."""
    from flask import g
    from markupsafe import Markup

    from forum.web import deferred_dates, fill_dates

    if blocks is None:
        return caller()
    if blocks.stored is not None:
        return Markup(fill_dates(blocks.stored[name]))
    with deferred_dates():
        html = str(caller())
    blocks.rendered[name] = html
    token = g.get("csrf_token")
    if token and token in html:
        blocks.names = ()  # shows a form: not shared
    elif blocks.names and all(n in blocks.rendered for n in blocks.names):
        try:
            kept_set(blocks.key, dict(blocks.rendered))
        except Exception:  # noqa: BLE001
            current_app.logger.exception("blocks cache: write failed")
    return Markup(fill_dates(html))
