"""Security kernel (docs/security.md): the configured base URL every absolute link is built from,
cookie flags, the response headers (CSP, frame, sniffing, referrer, HSTS) and the "remember me"
cookie that forum/accounts/actions.py issues and rotates.

Registered once by `create_app` (`init_app`), before the parts.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request

logger = logging.getLogger("forum.security")

# Pages: scripts only from this site (no inline scripts, no event-handler attributes); inline style
# attributes are allowed (templates set widths and margins with them); images from this site and
# data: URLs only, so a post cannot load a tracking pixel from elsewhere.
PAGE_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# JSON and other non-HTML responses load nothing.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

REMEMBER_COOKIE = "remember_token"
# Flask-Login's own remember cookie (user id and HMAC, the same at every sign-in) is never read:
# its name is moved to one no browser has, and the forum's own cookie above takes its place.
FLASK_LOGIN_REMEMBER_COOKIE = "_flask_login_remember_unused"


class ForumFlask(Flask):
    """Flask whose absolute URLs (``url_for(..., _external=True)``, in code and templates) start with
    BASE_URL, never with the Host the request came with: a forged Host header cannot put its own
    address into a password-reset e-mail or an invite link."""

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values: Any) -> str:
        if not has_request_context():
            return self._base_url_adapter_build(endpoint, _anchor, _method, values)
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root):]
        return self.config["BASE_URL"] + path

    def _base_url_adapter_build(self, endpoint: str, anchor: str | None, method: str | None,
                                values: dict[str, Any]) -> str:
        """Outside a request (CLI commands, the tick): the address from BASE_URL."""
        parts = urlsplit(self.config["BASE_URL"])
        adapter = self.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        self.inject_url_defaults(endpoint, values)
        url = adapter.build(endpoint, values, method=method, force_external=True)
        if anchor is not None:
            from urllib.parse import quote

            url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
        return url


def absolute_url(path: str) -> str:
    """BASE_URL joined with a path of this site (``/questions/3``)."""
    return current_app.config["BASE_URL"] + (path if path.startswith("/") else "/" + path)


def is_same_origin(url: str) -> bool:
    """Whether `url` is a path of this site or an absolute URL on BASE_URL's origin."""
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and not url.startswith("//") and "\\" not in url
    base = urlsplit(current_app.config["BASE_URL"])
    return (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower())


# ----------------------------------------------------------------------------- configuration

def configure(app: Flask, error: type[Exception]) -> None:
    """Derive BASE_URL and the cookie flags; `error` (ConfigError) stops a misconfigured start."""
    from config import DEV_BASE_URL

    cfg = app.config
    production = cfg.get("ENV") == "production"
    base = (cfg.get("BASE_URL") or "").strip()
    if not base:
        if production:
            raise error(
                "BASE_URL is not set. In production (FORUM_ENV=production) the forum will not start "
                "without it: set BASE_URL (or FORUM_BASE_URL) to the address members use, e.g. "
                "https://community.example.com. Links in e-mails are built from it, never from the "
                "request's Host header.")
        base = DEV_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise error(f"BASE_URL must be an http:// or https:// address without query or fragment, not {base!r}.")
    if production and parts.scheme != "https":
        logger.warning("BASE_URL %s is not https: links in e-mails will not be encrypted.", base)
    cfg["BASE_URL"] = base.rstrip("/")
    secure = cfg.get("SECURE_COOKIES")
    secure = production if secure is None else bool(secure)
    cfg["SECURE_COOKIES"] = secure
    cfg["SESSION_COOKIE_SECURE"] = secure
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = cfg.get("SESSION_COOKIE_SAMESITE") or "Lax"
    cfg["REMEMBER_COOKIE_NAME"] = FLASK_LOGIN_REMEMBER_COOKIE
    cfg["REMEMBER_COOKIE_SECURE"] = secure
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SAMESITE"] = "Lax"


def rate_limit_storage(app: Flask, error: type[Exception]) -> None:
    """Rate limits (RATE_LIMITS) are counted in Redis when REDIS_URL is set, so every worker and
    machine shares one count. Without it they are counted in each process's memory: a warning
    says so at start-up, and production refuses to start when it is told of several workers
    (WEB_CONCURRENCY > 1, as gunicorn and most platforms set it)."""
    import os
    import sys

    cfg = app.config
    if cfg.get("REDIS_URL"):
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]
        cfg.setdefault("RATELIMIT_KEY_PREFIX", "forum-limits")
        return
    cfg["RATELIMIT_STORAGE_URI"] = "memory://"
    if not cfg.get("RATELIMIT_ENABLED"):
        return
    workers = _worker_count(os.environ, sys.argv)
    if cfg.get("ENV") == "production" and workers > 1:
        raise error(
            f"REDIS_URL is not set and the server runs {workers} workers: rate limits would be counted by each "
            f"worker on its own ({workers} times RATE_LIMITS in all). Set REDIS_URL, or run one worker.")
    logger.warning(
        "Rate limits are counted in this process's memory (REDIS_URL is not set): each worker and each "
        "machine counts on its own, so N workers allow N times RATE_LIMITS. Set REDIS_URL to share them.")


def _worker_count(environ: Any, argv: list[str]) -> int:
    """How many worker processes the server says it runs: gunicorn's ``-w N`` / ``--workers N`` in
    its command line or GUNICORN_CMD_ARGS, else WEB_CONCURRENCY; 1 when nothing says."""
    import re
    import shlex

    words = list(argv) if argv and "gunicorn" in argv[0] else []
    words += shlex.split(environ.get("GUNICORN_CMD_ARGS") or "")
    for i, word in enumerate(words):
        found = re.fullmatch(r"(?:-w|--workers)(?:=?(\d+))?", word)
        if found:
            value = found.group(1) or (words[i + 1] if i + 1 < len(words) else "")
            if value.isdigit():
                return int(value)
    value = str(environ.get("WEB_CONCURRENCY") or "1")
    return int(value) if value.isdigit() else 1


# ----------------------------------------------------------------------------- remember cookie

def set_remember_cookie(secret: str) -> None:
    """Send the browser a new remember token with this response (`after_request` writes it)."""
    g.forum_remember_cookie = secret


def clear_remember_cookie() -> None:
    g.forum_remember_cookie = ""


def _write_remember_cookie(response: Response) -> None:
    secret = g.pop("forum_remember_cookie", None)
    if secret is None:
        return
    cfg = current_app.config
    if secret:
        response.set_cookie(REMEMBER_COOKIE, secret, max_age=int(cfg["REMEMBER_DAYS"]) * 86400, path="/",
                            secure=cfg["SECURE_COOKIES"], httponly=True, samesite="Lax")
    else:
        response.delete_cookie(REMEMBER_COOKIE, path="/", secure=cfg["SECURE_COOKIES"], httponly=True,
                               samesite="Lax")


# ----------------------------------------------------------------------------- headers

_COMMON_HEADERS = (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                   ("Referrer-Policy", "same-origin"), ("Cross-Origin-Opener-Policy", "same-origin"))
_PAGE_HEADERS = (("Content-Security-Policy", PAGE_CSP), *_COMMON_HEADERS)
_DATA_HEADERS = (("Content-Security-Policy", DATA_CSP), *_COMMON_HEADERS)


def _security_headers(response: Response) -> Response:
    """Every response's security headers, unless the view set one itself (as setdefault would, with
    one pass over the headers instead of one per header: this runs on every cached page too)."""
    _write_remember_cookie(response)
    headers = response.headers
    wanted = _PAGE_HEADERS if (response.mimetype or "") == "text/html" else _DATA_HEADERS
    if current_app.config.get("ENV") == "production":
        wanted += (("Strict-Transport-Security", f"max-age={int(current_app.config['HSTS_SECONDS'])}"),)
    present = {name.lower() for name in headers.keys()}
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_security_headers)
