"""Q&A's declarative tables: input limits, sort orders, vote values, who may edit or delete."""

from __future__ import annotations

from forum.accounts.rules import Permission
from forum.rewards.rules import Privilege

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 1, 50_000
COMMENT_MAX = 2_000
MAX_TAGS = 5
TAG_SUGGESTIONS = 8  # existing tags the ask form suggests while typing one
TAG_PATTERN = r"^[a-z0-9\u4e00-\u9fff][a-z0-9\u4e00-\u9fff+.#_-]{0,29}$"
VOTE_VALUES = (1, -1, 0)

# sort key → (column names, descending); the query layer maps names to columns.
SORTS = {
    "newest": ("created_at",),
    "votes": ("score", "created_at"),
    "active": ("last_activity_at",),
}
DEFAULT_SORT = "newest"
# The home list's first pages go by number (?page=); from this page on, Next continues from the last
# row's key (?after=…) instead of an offset (docs/rules.md: Lists).
NUMBERED_PAGES = 5

# Who may change a post besides its author (the predicates in forum/qa/actions.py read these):
# roles of accounts.rules.PERMISSIONS, and for edits also the points privilege of docs/rules.md: Privileges.
EDIT_ANY_PERMISSION = Permission.MODERATE
EDIT_ANY_PRIVILEGE = Privilege.EDIT_OTHERS
DELETE_ANY_PERMISSION = Permission.MODERATE
MARK_OFFICIAL_PERMISSION = Permission.MARK_OFFICIAL
MANAGE_CATEGORIES_PERMISSION = Permission.MANAGE_COMMUNITY
# Points privileges: commenting on others' posts, voting by value, creating a new tag.
COMMENT_PRIVILEGE = Privilege.COMMENT
VOTE_PRIVILEGES = {1: Privilege.VOTE_UP, -1: Privilege.VOTE_DOWN}
CREATE_TAG_PRIVILEGE = Privilege.CREATE_TAGS
