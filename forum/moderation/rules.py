"""Moderation's declarative tables (DESIGN.md: The NPS gate; API.md: Moderation)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.accounts.rules import Permission

# A rejection needs one of these reasons; criticism of the product is not one (API.md: Moderation).
REJECTION_REASONS: dict[str, Any] = {
    "spam": _l("Spam"),
    "abuse": _l("Abuse"),
    "personal_data": _l("Personal data"),
    "off_topic": _l("Off topic"),
    "duplicate": _l("Duplicate"),
}

# Why content was held (the item's `reason`).
HOLD_REASONS: dict[str, Any] = {
    "idea_premoderation": _l("Every idea is checked before it gathers support"),
}

ACTIONS = ("approve", "reject")
MODERATE_PERMISSION = Permission.MODERATE
EXCERPT_LENGTH = 300


def note_max_chars() -> int:
    """config NOTE_MAX_CHARS: the longest note a moderator may give with a decision."""
    return int(current_app.config["NOTE_MAX_CHARS"])
