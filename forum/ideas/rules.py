"""The idea board's declarative tables (docs/rules.md: The idea board).

Stage thresholds and deadlines come from ``IDEA_STAGES`` and the review period from
``IDEA_REVIEW_PERIOD_DAYS`` (config.py); the tables here say which status may follow which, who
may cause it, and how the product team's weightings are computed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.accounts.rules import Permission
from forum.ideas.models import IdeaStatus as S

TITLE_MIN, TITLE_MAX = 5, 200
DESCRIPTION_MAX = 20_000
COMMENT_MAX = 2_000
SUPPORT_COMMENT_MAX = 280
RELEASE_URL_MAX = 500

UNPUBLISHED = frozenset({S.pending, S.rejected})
SUPPORTABLE = frozenset({S.gathering})          # support and withdrawal only while gathering
COMMENTABLE = frozenset({S.gathering, S.in_review, S.on_hold, S.approved, S.not_approved, S.shipped})

# Every allowed status change: (from, to) → what causes it. Anything else is refused (422).
TRANSITIONS: dict[tuple[S, S], str] = {
    (S.pending, S.gathering): "moderation",        # approved by a moderator (or no pre-moderation)
    (S.pending, S.rejected): "moderation",
    (S.rejected, S.gathering): "moderation",       # an appeal upheld by another moderator
    (S.rejected, S.rejected): "moderation",        # an appeal refused: still rejected, with the new reason
    (S.gathering, S.in_review): "threshold",       # the last stage threshold reached
    (S.gathering, S.expired): "deadline",          # `forum tick` after the deadline
    (S.gathering, S.approved): "decision",         # early decisions
    (S.gathering, S.not_approved): "decision",
    (S.gathering, S.on_hold): "decision",
    (S.in_review, S.approved): "decision",
    (S.in_review, S.not_approved): "decision",
    (S.in_review, S.on_hold): "decision",
    (S.on_hold, S.approved): "decision",
    (S.on_hold, S.not_approved): "decision",
    (S.on_hold, S.on_hold): "decision",
    (S.approved, S.shipped): "decision",
    (S.gathering, S.merged): "merge",
    (S.in_review, S.merged): "merge",
    (S.on_hold, S.merged): "merge",
    (S.gathering, S.rejected): "flags",            # a moderator upheld the community's flags on it
    (S.in_review, S.rejected): "flags",
    (S.on_hold, S.rejected): "flags",
}

DECISIONS = (S.approved, S.not_approved, S.on_hold, S.shipped)
MERGE_TARGETS = frozenset({S.gathering, S.in_review})
DECIDE_PERMISSION = Permission.DECIDE_IDEAS
SEE_ALL_PERMISSION = Permission.MODERATE  # moderators see ideas in every status
ORG_DETAILS_PERMISSION = Permission.VIEW_ORG_DETAILS


def allowed(current: S, new: S, cause: str) -> bool:
    return TRANSITIONS.get((S(current), S(new))) == cause


def merge_sources() -> frozenset[S]:
    return frozenset(frm for (frm, to), cause in TRANSITIONS.items() if to == S.merged and cause == "merge")


def decisions_from(current: S) -> list[S]:
    """The decisions the product team may take on an idea in `current` status."""
    return [d for d in DECISIONS if allowed(current, d, "decision")]


# ----------------------------------------------------------------------------- stages

def stages() -> list[dict[str, int]]:
    """IDEA_STAGES: [{supporters, days}, …]; stage k is reached with stages[k-1]['supporters']."""
    return list(current_app.config["IDEA_STAGES"])


def last_stage() -> int:
    return len(stages())


def threshold_for(stage: int) -> int | None:
    """Supporters needed to reach `stage` (1-based), or None past the last stage."""
    table = stages()
    return table[stage - 1]["supporters"] if 1 <= stage <= len(table) else None


def days_for(stage: int) -> int:
    """Days allowed to reach `stage` (1-based): from publishing for stage 1, then added."""
    return int(stages()[stage - 1]["days"])


def review_period_days() -> int:
    return int(current_app.config["IDEA_REVIEW_PERIOD_DAYS"])


# ----------------------------------------------------------------------------- product weighting

# How the review page weighs support besides the raw count (shown on the page as the explanation).
TIER_WEIGHTS: dict[str, int] = {"benchmark": 3, "value_added": 2, "standard": 1, "none": 0}
IMPORTANCE_WEIGHTS: dict[str, int] = {"must_have": 3, "important": 2, "nice_to_have": 1}
TIERS = ("benchmark", "value_added", "standard", "none")

# review page sort key → metric column (all descending)
REVIEW_SORTS = ("supporters", "organizations", "arr", "tier_score", "importance_score", "review_due")
BOARD_SORTS = ("supporters", "newest", "deadline")

STATUS_LABELS: dict[str, Any] = {
    S.pending: _l("Awaiting moderation"),
    S.rejected: _l("Rejected"),
    S.gathering: _l("Gathering support"),
    S.in_review: _l("In review"),
    S.on_hold: _l("On hold"),
    S.approved: _l("Approved"),
    S.not_approved: _l("Not approved"),
    S.shipped: _l("Shipped"),
    S.expired: _l("Expired"),
    S.merged: _l("Merged"),
}

IMPORTANCE_LABELS: dict[str, Any] = {
    "nice_to_have": _l("Nice to have"),
    "important": _l("Important"),
    "must_have": _l("Must have"),
}

# Notes the system writes into an idea's history (stored in English, shown in the reader's language).
HISTORY_NOTES: dict[str, Any] = {
    "submitted": _l("Submitted"),
    "published": _l("Published after moderation"),
    "last threshold reached": _l("Every threshold reached: in review"),
    "deadline passed": _l("The deadline passed"),
}
STAGE_NOTE = re.compile(r"^stage (\d+)$")
MERGE_NOTE = re.compile(r"^merged #(\d+) into #(\d+)$")


def history_note(note: str) -> str:
    """A history note in the reader's language (a decision's own note is shown as written)."""
    from forum.moderation.rules import REJECTION_REASONS  # a rejection without a note records its reason

    if note in HISTORY_NOTES:
        return str(HISTORY_NOTES[note])
    if note in REJECTION_REASONS:
        return str(REJECTION_REASONS[note])
    if match := STAGE_NOTE.match(note):
        return str(_l("Stage %(n)s reached", n=match.group(1)))
    if match := MERGE_NOTE.match(note):
        return str(_l("Idea #%(source)s merged into #%(target)s", source=match.group(1), target=match.group(2)))
    return note


# Image uploads: accepted formats by their leading bytes (never by the client's name or type).
IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
IMAGE_MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def image_kind(head: bytes) -> str | None:
    """png/jpg/gif/webp from the file's magic bytes, else None."""
    for signature, kind in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def image_max_bytes() -> int:
    """config IDEA_IMAGE_MAX_BYTES: the largest image an idea may carry."""
    return int(current_app.config["IDEA_IMAGE_MAX_BYTES"])


def image_max_megabytes() -> str:
    """IDEA_IMAGE_MAX_BYTES in megabytes as the pages and errors state it ("2", "0.5")."""
    return f"{image_max_bytes() / (1024 * 1024):g}"


def note_max_chars() -> int:
    """config NOTE_MAX_CHARS: the longest public note of a product decision."""
    return int(current_app.config["NOTE_MAX_CHARS"])
