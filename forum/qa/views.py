"""Q&A pages (the `qa` blueprint): thin views over forum.qa.actions and forum.qa.queries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, url_for
from werkzeug.routing import BuildError

bp = Blueprint("qa", __name__)


def has_endpoint(name: str) -> bool:
    """Whether a page exists, so templates link only to pages that exist."""
    return name in current_app.view_functions


def profile_url(user: Any) -> str | None:
    """The member's profile page, if the accounts part serves one."""
    if user is None or not has_endpoint("accounts.profile"):
        return None
    for args in ({"username": user.username}, {"user_id": user.id}):
        try:
            return url_for("accounts.profile", **args)
        except BuildError:
            continue
    return None


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_layout_helpers() -> dict[str, Any]:
        return {"has_endpoint": has_endpoint, "profile_url": profile_url,
                "unread_notifications": _unread_notifications}


def _unread_notifications() -> int:
    from flask_login import current_user

    from forum.accounts.queries import is_signed_in, unread_count

    return unread_count(current_user) if is_signed_in(current_user) else 0
