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

How it is kept: the page as bytes cut at the CSRF token's places, each piece compressed on its own
(raw deflate, flushed to a byte boundary), so a hit is served gzip-compressed to a client that
accepts it (``Accept-Encoding: gzip``, as every browser sends) with the visitor's token put between
the pieces as a stored (uncompressed) deflate block, and uncompressed otherwise, without
re-encoding or scanning the page. Each worker also keeps the pages it served in memory
(``PAGE_CACHE_MEMORY_MB``, least recently used first out), and uses one only while its ``site``
token is still the shared cache's current one (read at every request, one small read), so a bump
anywhere reaches every worker's next request exactly as before.

``PAGE_CACHE`` turns it off (the test configuration does, except in tests/cache: tests arrange data
with factories that bypass the domain events, as a hand edit of the database would).
"""

from __future__ import annotations

import hashlib
import struct
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from werkzeug.http import http_date, parse_date

from forum.cache import MemoryLRU, generations
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
    app.extensions["forum.page_memory"] = _Memory(int(float(app.config["PAGE_CACHE_MEMORY_MB"]) * 2**20))
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
    # The choice from Accept-Language, remembered per header value (browsers send a handful).
    asked = (request.headers.get("Accept-Language", ""), tuple(languages), current_app.config["BABEL_DEFAULT_LOCALE"])
    known = _LANGUAGE_CHOICES.get(asked)
    if known is None:
        if len(_LANGUAGE_CHOICES) > 1000:
            _LANGUAGE_CHOICES.clear()
        known = _LANGUAGE_CHOICES[asked] = request.accept_languages.best_match(languages) or asked[2]
    return known


_LANGUAGE_CHOICES: dict[tuple[Any, ...], str] = {}


def _key() -> str:
    """The page's key without the generation: the entry records the ``site`` token it was rendered
    under and counts only while that is still the current one, so the token and the page are read
    in one round trip (``_lookup``) and a bump leaves nothing stale that could be served."""
    query = "&".join(sorted(request.query_string.decode("latin-1").split("&"))) if request.query_string else ""
    tz = request.cookies.get("tz", "")[:64]
    raw = f"{_locale()}|{tz}|{request.path}?{query}"
    return "page:" + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()


ENTRY_FORMAT = 3  # (ENTRY_FORMAT, mimetype, etag, stored_at, site token, CSRF token length, packed pieces,
#                   CRC-32 of the page with NUL in the token's places, the tokens' CRC operator: _token_crc)


class _Page:
    """A stored page as one worker serves it: the pieces between the CSRF token's places, plain and
    packed (raw deflate each), and what the response's headers need."""

    __slots__ = ("token", "mimetype", "etag", "stored_at", "plain", "packed", "token_length", "crc_filled",
                 "crc_operator", "length", "size", "last_modified")

    def __init__(self, entry: tuple[Any, ...]) -> None:
        (_format, self.mimetype, self.etag, self.stored_at, self.token, self.token_length, packed,
         self.crc_filled, self.crc_operator) = entry
        self.packed: tuple[bytes, ...] = tuple(packed)
        whole = _unpack(self.packed, b"\x00" * self.token_length)
        self.plain = tuple(whole.split(b"\x00" * self.token_length)) if self.token_length else (whole,)
        if len(self.plain) != len(self.packed):
            raise ValueError("page cache: an entry that does not unpack")
        self.length = len(whole)
        self.size = sum(map(len, self.plain)) + sum(map(len, self.packed))
        self.last_modified = http_date(int(self.stored_at))

    def body(self, token: bytes, gzipped: bool) -> bytes:
        if not gzipped or len(token) != self.token_length and len(self.plain) > 1:
            return token.join(self.plain)
        # One gzip member: the deflate data with the token as a stored block at each of its places,
        # then the CRC-32 and length of the whole page as served.
        crc = self.crc_filled
        if len(self.plain) > 1:
            crc ^= _apply(self.crc_operator, ~zlib.crc32(token, _MASK) & _MASK)
        return b"".join((_GZIP_HEADER, _stored_block(token).join(self.packed),
                         struct.pack("<II", crc, self.length & _MASK)))


# The gzip trailer's CRC-32 without reading the page at each hit. CRC-32 is affine over GF(2): for
# equal lengths crc(A xor B) = crc(A) xor crc(B) xor crc(zeros), so the page as served (the token at
# each of its places) has the CRC of the page with NUL there, xor the register the token alone leaves
# when run from zero and followed by the zeros after each of its places. That is one fixed linear map
# of the token's register (32 columns, computed when the page is stored: _token_crc), applied per
# visitor in 32 steps. gzip.decompress checks the result at every test of a gzipped hit.
_MASK = 0xFFFFFFFF
_ZEROS = memoryview(bytes(1 << 16))


def _after_zeros(register: int, count: int) -> int:
    """A raw CRC-32 register (no final inversion) after ``count`` zero bytes."""
    while count > 0:
        step = min(count, len(_ZEROS))
        register = ~zlib.crc32(_ZEROS[:step], ~register & _MASK) & _MASK
        count -= step
    return register


def _token_crc(pieces: list[bytes], token_length: int) -> tuple[int, tuple[int, ...]]:
    """The CRC-32 of the pieces joined by NUL fillers, and the 32 columns of the map from the token's
    raw register to what the tokens at their places add to it (see above)."""
    filled = zlib.crc32((b"\x00" * token_length).join(pieces))
    if len(pieces) < 2:
        return filled, ()
    ends, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece) + token_length
        ends.append(at)
    total = at + len(pieces[-1])
    columns = []
    for bit in range(32):
        register = 0
        for i, end in enumerate(ends):
            register = (_after_zeros(register, end - ends[i - 1]) if i else 0) ^ (1 << bit)
        columns.append(_after_zeros(register, total - ends[-1]))
    return filled, tuple(columns)


def _apply(columns: tuple[int, ...], vector: int) -> int:
    out, bit = 0, 0
    while vector:
        if vector & 1:
            out ^= columns[bit]
        vector >>= 1
        bit += 1
    return out


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS


def _pack(pieces: list[bytes], token_length: int) -> tuple[bytes, ...]:
    """The pieces as one raw deflate stream cut at the token's places: each piece's data flushed to a
    byte boundary (the last one final), compressed with the pieces before it in the window so the
    page compresses as a whole. The compressor is shown NUL bytes of the token's length where a token
    goes (its output for them is dropped; the served stream has the token there as a stored block
    of the same length), so every distance stays right, and since a page holds no NUL no match can
    take bytes from a token's place. Checked by unpacking with another token: a page for which it
    would not hold is packed piece by piece instead."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    filler = b"\x00" * token_length
    packed = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        packed.append(deflate.compress(piece) + deflate.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        if not last:
            deflate.compress(filler)
            deflate.flush(zlib.Z_SYNC_FLUSH)
    probe = b"\x01" * token_length
    if _unpack(tuple(packed), probe) != probe.join(pieces):
        packed = []
        for i, piece in enumerate(pieces):
            alone = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            packed.append(alone.compress(piece) + alone.flush(zlib.Z_FINISH if i == len(pieces) - 1 else zlib.Z_SYNC_FLUSH))
    return tuple(packed)


def _stored_block(token: bytes) -> bytes:
    return b"\x00" + struct.pack("<HH", len(token), len(token) ^ 0xFFFF) + token


def _unpack(packed: tuple[bytes, ...], token: bytes) -> bytes:
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(_stored_block(token).join(packed))


class _Memory(MemoryLRU):
    """The pages this worker served lately (least recently used out beyond ``budget`` bytes)."""

    @property
    def pages(self) -> OrderedDict[str, Any]:
        return self.items


def _memory() -> _Memory:
    return current_app.extensions["forum.page_memory"]


def _current_site_token() -> str:
    token = cache.get("gen:site")
    if token is None:
        (token,) = generations("site")
    return token


def _lookup(key: str) -> tuple[str, _Page | None]:
    """The current ``site`` token and the page stored under that token, if any: from this worker's
    memory when it holds the page and the token is still current (the token alone is read), else
    both from the shared cache in one round trip."""
    memory = _memory()
    kept = memory.get(key)
    if kept is not None and kept.stored_at + int(current_app.config["PAGE_CACHE_SECONDS"]) > time.time():
        token = _current_site_token()
        if kept.token == token:
            return token, kept
        memory.drop(key)
    token, entry = cache.get_many("gen:site", key)
    if token is None:
        (token,) = generations("site")
    if not (isinstance(entry, tuple) and len(entry) == 9 and entry[0] == ENTRY_FORMAT and entry[4] == token):
        return token, None
    try:
        page = _Page(entry)
    except ValueError:  # damaged: rendered and stored anew
        return token, None
    memory.put(key, page, page.size)
    return token, page


def _eligible() -> bool:
    return (current_app.config.get("PAGE_CACHE", True) and request.method in ("GET", "HEAD")
            and request.endpoint in CACHEABLE and _anonymous())


def _serve_from_cache() -> Response | None:
    if not _eligible():
        return None
    try:
        key = _key()
        token, page = _lookup(key)
    except Exception:  # noqa: BLE001 - without the cache the page is rendered as usual
        current_app.logger.exception("page cache: read failed")
        return None
    if page is None:
        # Stored by _store_or_bump if the response qualifies, under the token read before the data.
        g.page_cache_key, g.page_cache_token = key, token
        return None
    g.page_cache_hit = True
    on_hit = CACHEABLE[request.endpoint]
    if on_hit is not None:
        on_hit(dict(request.view_args or {}))
    gzipped = request.accept_encodings["gzip"] > 0
    etag = page.etag + "-gz" if gzipped else page.etag
    if _not_modified((page.etag, page.etag + "-gz"), page.stored_at):
        resp = Response(status=304)
    else:
        csrf = _visitor_token().encode("ascii") if len(page.plain) > 1 else b""
        resp = Response(page.body(csrf, gzipped), mimetype=page.mimetype)
        if gzipped:
            resp.headers["Content-Encoding"] = "gzip"
    _headers(resp, etag, page.stored_at, page.last_modified)
    resp.headers["X-Page-Cache"] = "hit"
    return resp


def _visitor_token() -> str:
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def _not_modified(etags: tuple[str, ...], stored_at: float) -> bool:
    if request.if_none_match:
        return any(request.if_none_match.contains(etag) for etag in etags)
    since = request.headers.get("If-Modified-Since")
    if since:
        parsed = parse_date(since)
        return parsed is not None and parsed.timestamp() >= int(stored_at)
    return False


def _headers(resp: Response, etag: str, stored_at: float, last_modified: str | None = None) -> None:
    headers = resp.headers
    headers["ETag"] = f'"{etag}"'
    headers["Last-Modified"] = last_modified or http_date(int(stored_at))
    headers["Cache-Control"] = "no-cache"
    if "Vary" in headers:
        resp.vary.update(VARY)
    else:
        headers["Vary"] = ", ".join(VARY)


VARY = ("Cookie", "Accept-Language", "Accept-Encoding")


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
    body = resp.get_data()
    token = g.get("csrf_token")
    pieces = body.split(token.encode("ascii")) if token else [body]
    stored_at = time.time()
    etag = hashlib.sha1(CSRF_MARK.encode("ascii").join(pieces)).hexdigest()[:20]
    try:
        cache.set(key, (ENTRY_FORMAT, resp.mimetype, etag, stored_at, g.pop("page_cache_token"), len(token or ""),
                        _pack(pieces, len(token or "")), *_token_crc(pieces, len(token or ""))),
                  timeout=int(current_app.config["PAGE_CACHE_SECONDS"]))
    except Exception:  # noqa: BLE001 - an unstored page is only a slower next request
        current_app.logger.exception("page cache: write failed")
        return resp
    _headers(resp, etag, stored_at)
    resp.headers["X-Page-Cache"] = "miss"
    if _not_modified((etag,), stored_at):
        resp.status_code = 304
        resp.set_data(b"")
    return resp
