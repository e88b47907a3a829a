"""The audit log page (the `audit` blueprint): admins read every audited change, newest first,
filtered by event type prefix (docs/architecture.md: the audit part)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.accounts.queries import require
from forum.accounts.rules import Permission
from forum.audit import queries
from forum.web import login_required, paginate

bp = Blueprint("audit", __name__)

# Who may read the log: community managers (admin).
READ_PERMISSION = Permission.MANAGE_COMMUNITY


def _extra_text(extra: Any) -> str:
    """An entry's details as compact `key: value` text (JSON for nested values)."""
    if not isinstance(extra, dict):
        return ""
    parts = []
    for key, value in extra.items():
        if value in (None, "", [], {}):
            continue
        shown = value if isinstance(value, (str, int, float)) else json.dumps(value, ensure_ascii=False, default=str)
        parts.append(f"{key}: {shown}")
    return " · ".join(parts)


@bp.get("/admin/audit")
@login_required
def log() -> Any:
    """Every audited change, newest first, a page at a time (`?type=moderation:` filters by prefix).
    A fixed number of statements: the page, its count, its actors and the filters."""
    require(current_user, READ_PERMISSION)
    prefix = (request.args.get("type") or "").strip()[:80] or None
    rows, pager = paginate(queries.entries(prefix))
    return render_template("audit/log.html", rows=rows, pager=pager, prefix=prefix or "",
                           actors=queries.actors_of(rows), prefixes=queries.event_prefixes(),
                           details={r.id: _extra_text(r.extra) for r in rows})
