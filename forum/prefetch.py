"""What the layout reads of the signed-in member, read with the member's row.

Every signed-in page loads the member (forum.__init__: the login manager's user_loader) and then, for
base.html, asks for the unread notifications count (notifications.queries.unread_count) and whether
the NPS prompt is due (nps.queries.prompt_due): two more statements. Those parts give the loader the
columns they need (``unread_count_column``, ``prompt_state_columns``), the loader reads them in the
member's statement and remembers them here for the request; the parts' queries answer from them.

A remembered value is used only while no statement that writes (INSERT, UPDATE, DELETE, REPLACE) has
run on the app's engine since it was read, in any session or thread of the process: a view that
marks notifications read, or any other write, sends the queries back to the database, and so do
changes waiting in the request's session (the query would flush them first), so a page shows what
it would have shown without this. (A write by another process between the load and the
header is the race the page always had.)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_app_context

MISSING: Any = object()
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE", "WITH")
_G_KEY = "forum_prefetched"

# Writes seen on the app engines of this process (a counter: read before and after the load).
_writes = [0]


def _count_writes(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:7].upper().startswith(_WRITES):
        _writes[0] += 1


def init_app(app: Flask) -> None:
    """Watch the app's engine for writes (once, from create_app, after forum.db.init_app)."""
    sa.event.listen(app.extensions["forum.engine"], "before_cursor_execute", _count_writes)


def writes_seen() -> int:
    return _writes[0]


def remember(user_id: int, values: dict[str, Any], writes_before: int) -> None:
    """Keep `values` read with member `user_id` for the request, unless a write ran while they were
    read (`writes_before`: ``writes_seen()`` before the statement)."""
    if writes_seen() == writes_before:
        setattr(g, _G_KEY, (writes_before, user_id, values))


def recall(user_id: int, name: str) -> Any:
    """The value `name` read with member `user_id` in this request, or MISSING when none was read or a
    write has run since."""
    if not has_app_context():
        return MISSING
    kept = g.get(_G_KEY)
    if kept is None or kept[1] != user_id:
        return MISSING
    if kept[0] != writes_seen():
        g.pop(_G_KEY, None)
        return MISSING
    session = g.get("db_session")  # forum.db's session of the request
    if session is not None and (session.new or session.deleted or session.identity_map.check_modified()):
        return MISSING  # changes not flushed yet: the query would flush them first, so ask it
    return kept[2].get(name, MISSING)
