"""Flask extensions shared by every part, initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect


def rate_limit_key() -> str:
    """Per member when signed in (or holding an API token), otherwise per address (docs/rules.md)."""
    from flask import g

    api_user = g.get("api_user")
    if api_user is not None:
        return f"user:{api_user.id}"
    if request.path.startswith("/api/"):
        return f"addr:{get_remote_address()}"
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"addr:{get_remote_address()}"


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
# The rate-limit decorator over this limiter is forum.web.rate_limit.
limiter = Limiter(key_func=rate_limit_key, default_limits=[])
