"""Q&A's declarative tables: input limits, sort orders, vote values, who may edit or delete."""

from __future__ import annotations

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 1, 50_000
COMMENT_MAX = 2_000
MAX_TAGS = 5
TAG_PATTERN = r"^[a-z0-9\u4e00-\u9fff][a-z0-9\u4e00-\u9fff+.#_-]{0,29}$"
VOTE_VALUES = (1, -1, 0)

# sort key → (column names, descending); the query layer maps names to columns.
SORTS = {
    "newest": ("created_at",),
    "votes": ("score", "created_at"),
    "active": ("last_activity_at",),
}
DEFAULT_SORT = "newest"

# Who may change a post besides its author: permissions of accounts.rules.PERMISSIONS.
EDIT_ANY_PERMISSION = "moderate"
DELETE_ANY_PERMISSION = "moderate"
