"""Input bounds in one place (docs/security.md): what the database and the pages cannot take is
answered with a clear 4xx before it reaches a query.

- Ids in URLs (``<int:...>``) beyond a 32-bit signed integer (PostgreSQL's ``integer``, the id
  type of every table) match no route: 404.
- ``page``, ``per_page`` and other integer query or form fields beyond that range: 422 naming the field.
- NUL and other control characters (all of U+0000–U+001F and U+007F except tab, line feed and
  carriage return) in any query, form or JSON text field: 422 naming the field; in a URL segment: 404.
- Bidi controls (U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200D, U+2060,
  U+FEFF) in titles and names: 422 naming the field; on display they are removed from every
  template value (`neutralize`), so existing data cannot reorder or hide text.
- Request JSON nested deeper than JSON_MAX_DEPTH, or too deep for the parser: 400; its integers
  beyond range: 422 naming the field.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from forum.errors import NotFound, RuleViolation

INT_MAX = 2**31 - 1  # PostgreSQL `integer`; SQLite's 64-bit integers are wider
BIGINT_MAX = 2**63 - 1  # PostgreSQL `bigint` and SQLite INTEGER

# JSON fields stored in BigInteger columns (forum/accounts/models.py: Organization.arr).
BIGINT_FIELDS = frozenset({"arr"})
# Query and form fields that hold integers (ids, pages, windows): out-of-range values are 422.
INT_ARGS = frozenset({"page", "per_page", "category", "days", "into", "score", "arr", "user", "author"})
# Fields that are titles or names: bidi controls and zero-width characters are refused.
NAME_FIELDS = frozenset({"title", "display_name", "username", "name"})

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIDI_AND_ZERO_WIDTH = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
# On display: every bidi control, and the zero-width characters that have no use in text shown in a
# title or name (U+200C/U+200D join letters and emoji in bodies, so they stay).
DISPLAY_STRIP = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
_INT_LITERAL = re.compile(r"[+-]?\d+")


# ----------------------------------------------------------------------------- checks

def control_char_refusal(field: str, value: str) -> RuleViolation | None:
    if CONTROL_CHARS.search(value):
        return RuleViolation(_("%(field)s contains a control character (such as NUL), which is not allowed.",
                               field=field), code="invalid", field=field)
    return None


def name_char_refusal(field: str, value: str) -> RuleViolation | None:
    if BIDI_AND_ZERO_WIDTH.search(value):
        return RuleViolation(_("%(field)s contains an invisible or text-direction character, which is not allowed.",
                               field=field), code="invalid", field=field)
    return None


def int_refusal(field: str, value: int, maximum: int = INT_MAX) -> RuleViolation | None:
    if not -maximum - 1 <= value <= maximum:
        return RuleViolation(_("%(field)s is out of range.", field=field), code="invalid", field=field)
    return None


def check_text(field: str, value: str) -> None:
    """422 for a control character in any text field, and for bidi or zero-width characters in a
    title or name (the last segment of a dotted field names it)."""
    refusal = control_char_refusal(field, value)
    if refusal is None and field.rsplit(".", 1)[-1] in NAME_FIELDS:
        refusal = name_char_refusal(field, value)
    if refusal is not None:
        raise refusal


def check_arg(name: str, value: str) -> None:
    check_text(name, value)
    if (name in INT_ARGS or name.endswith("_id")) and _INT_LITERAL.fullmatch(value.strip()):
        refusal = int_refusal(name, int(value), BIGINT_MAX if name in BIGINT_FIELDS else INT_MAX)
        if refusal is not None:
            raise refusal


def check_request() -> None:
    """Before every view: URL segments, query string, form fields (files excepted) and, outside
    /api/, JSON bodies."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and CONTROL_CHARS.search(value):
            raise NotFound(_("No such page."))
    for name, value in _items(request.args):
        check_arg(name, value)
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in _items(request.form):
            check_arg(name, value)
    elif request.is_json and not request.path.startswith("/api/"):
        # JSON to a page's endpoint (the API checks its bodies itself, after authentication)
        data = request.get_json(silent=True)
        if data is not None:
            check_json(data)


def _items(multi: Any) -> Iterable[tuple[str, str]]:
    for name, values in multi.lists():
        for value in values:
            yield name, value


def check_json(data: Any) -> None:
    """Walk parsed request JSON (without recursion): 400 beyond JSON_MAX_DEPTH; 422 naming the field
    for an integer out of range or a forbidden character in a string."""
    from forum.errors import DomainError

    max_depth = int(current_app.config.get("JSON_MAX_DEPTH", 32))
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > max_depth:
            raise DomainError(_("The JSON is nested too deeply (at most %(n)d levels).", n=max_depth),
                              code="bad_json")
        if isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                if CONTROL_CHARS.search(key):
                    raise RuleViolation(_("A field name contains a control character."), code="invalid",
                                        field=(path + "." if path else "") + repr(key)[1:-1])
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for item in value:
                stack.append((item, path, depth + 1))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            last = path.rsplit(".", 1)[-1]
            refusal = int_refusal(path or "body", value, BIGINT_MAX if last in BIGINT_FIELDS else INT_MAX)
            if refusal is not None:
                raise refusal
        elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise RuleViolation(_("%(field)s is not a number.", field=path or "body"), code="invalid",
                                field=path or None)
        elif isinstance(value, float) and abs(value) > BIGINT_MAX:
            raise RuleViolation(_("%(field)s is out of range.", field=path or "body"), code="invalid",
                                field=path or None)
        elif isinstance(value, str):
            check_text(path or "body", value)
            last = path.rsplit(".", 1)[-1]
            if (last in INT_ARGS or last.endswith("_id")) and _INT_LITERAL.fullmatch(value.strip()):
                refusal = int_refusal(path, int(value), BIGINT_MAX if last in BIGINT_FIELDS else INT_MAX)
                if refusal is not None:
                    raise refusal


def parse_json(raw: bytes | str) -> Any:
    """json.loads, with a too-deep document a ValueError (not a RecursionError)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("The JSON is nested too deeply.") from None


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, whose ``loads`` (``request.get_json``) turns a RecursionError into the
    ValueError Flask answers with 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None


class BoundedIntConverter(IntegerConverter):
    """``<int:...>``: only ids a database column can hold; larger numbers match no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


# ----------------------------------------------------------------------------- display

def neutralize(value: Any) -> Any:
    """The template finalizer: every value a template prints loses its bidi controls and stray
    zero-width characters (Markup stays Markup)."""
    if isinstance(value, Markup):
        return Markup(DISPLAY_STRIP.sub("", value)) if DISPLAY_STRIP.search(value) else value
    if isinstance(value, str):
        return DISPLAY_STRIP.sub("", value)
    return value


def strip_invisible(value: str) -> str:
    """A title or name without bidi controls and zero-width characters."""
    return BIDI_AND_ZERO_WIDTH.sub("", value)


def init_app(app: Flask) -> None:
    """Before the parts register their routes: the bounded ``int`` converter, the JSON provider,
    the request check and the template finalizer."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json_provider_class = BoundedJSONProvider
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request)
    app.jinja_env.finalize = neutralize
