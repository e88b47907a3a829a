"""NPS's declarative tables and arithmetic (docs/rules.md: NPS).

Which score is a promoter, passive or detractor; NPS = % promoters − % detractors; its 95 % margin
of error 1.96 × √((p + d − (p − d)²) / n) × 100; which follow-up status may follow which. The numbers
come from config.py: ``NPS_DETRACTOR_MAX``, ``NPS_SURVEY_INTERVAL_DAYS``, ``NPS_MIN_MEMBERSHIP_DAYS``,
``NPS_WINDOW_DAYS``, ``NPS_FOLLOWUP_HOURS``, ``NPS_PROMPT_SNOOZE_DAYS``, ``NPS_TREND_MONTHS``.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.accounts.rules import Permission
from forum.nps.models import FollowupStatus

# The survey's scale (the standard NPS question): 0 … 10; 9 and 10 are promoters.
SCORE_MIN, SCORE_MAX = 0, 10
PROMOTER_MIN = 9
Z_95 = 1.96  # the normal quantile of a 95 % confidence interval
COMMENT_MAX = 2_000

FOLLOW_UP_PERMISSION = Permission.FOLLOW_UP   # cs (and admin): the follow-up page and API
SCORES_PERMISSION = Permission.VIEW_REPORTS    # staff: the scores page and GET /nps/summary


class Group(enum.StrEnum):
    detractor = "detractor"
    passive = "passive"
    promoter = "promoter"


def detractor_max() -> int:
    """config NPS_DETRACTOR_MAX: answers 0 … this are detractors."""
    return int(current_app.config["NPS_DETRACTOR_MAX"])


def groups() -> dict[Group, range]:
    """The rule table: each group and the scores in it (detractors 0 … NPS_DETRACTOR_MAX,
    promoters 9 … 10, passives in between)."""
    top = detractor_max()
    return {Group.detractor: range(SCORE_MIN, top + 1),
            Group.passive: range(top + 1, PROMOTER_MIN),
            Group.promoter: range(PROMOTER_MIN, SCORE_MAX + 1)}


def group_of(score: int) -> Group:
    for group, scores in groups().items():
        if score in scores:
            return group
    raise ValueError(f"not an NPS score: {score!r}")


def is_detractor(score: int | None) -> bool:
    return score is not None and group_of(score) == Group.detractor


def valid_score(score: Any) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and SCORE_MIN <= score <= SCORE_MAX


@dataclass(frozen=True)
class Score:
    """An NPS with its counts and 95 % margin of error; `nps` and the margin are None with no answers."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> float | None:
        n = self.responses
        return None if n == 0 else (self.promoters - self.detractors) * 100 / n

    @property
    def margin_of_error(self) -> float | None:
        n = self.responses
        if n == 0:
            return None
        p, d = self.promoters / n, self.detractors / n
        variance = max(p + d - (p - d) ** 2, 0.0)  # never negative but for rounding
        return Z_95 * math.sqrt(variance / n) * 100

    def as_dict(self) -> dict[str, Any]:
        return {"nps": rounded(self.nps), "responses": self.responses, "promoters": self.promoters,
                "passives": self.passives, "detractors": self.detractors,
                "margin_of_error": rounded(self.margin_of_error)}


def score_of(scores: list[int]) -> Score:
    """The Score of a list of answers (the SQL queries count the same groups)."""
    counted = {g: 0 for g in Group}
    for s in scores:
        counted[group_of(s)] += 1
    return Score(promoters=counted[Group.promoter], passives=counted[Group.passive],
                 detractors=counted[Group.detractor])


def rounded(value: float | None) -> float | None:
    """NPS and margins are shown with one decimal."""
    return None if value is None else round(value, 1)


# --------------------------------------------------------------------------- follow-ups

# status → the statuses a cs member may set next (with a note). `contacted` again records another contact.
TRANSITIONS: dict[FollowupStatus, tuple[FollowupStatus, ...]] = {
    FollowupStatus.open: (FollowupStatus.contacted, FollowupStatus.resolved),
    FollowupStatus.contacted: (FollowupStatus.contacted, FollowupStatus.resolved),
    FollowupStatus.resolved: (),
}
# the list shows open ones first, then contacted, then resolved
STATUS_ORDER = (FollowupStatus.open, FollowupStatus.contacted, FollowupStatus.resolved)

STATUS_LABELS: dict[str, Any] = {
    "open": _l("Open"),
    "contacted": _l("Contacted"),
    "resolved": _l("Resolved"),
}
SOURCE_LABELS: dict[str, Any] = {
    "nps": _l("NPS answer"),
    "post": _l("Negative post"),
}
GROUP_LABELS: dict[str, Any] = {
    "promoter": _l("Promoters"),
    "passive": _l("Passives"),
    "detractor": _l("Detractors"),
}
TIER_LABELS: dict[str, Any] = {
    "benchmark": _l("Benchmark"),
    "value_added": _l("Value added"),
    "standard": _l("Standard"),
    "none": _l("No organization"),
}
# the survey's end labels
LOW_LABEL = _l("Not at all likely")
HIGH_LABEL = _l("Extremely likely")


def allowed_next(status: FollowupStatus) -> tuple[FollowupStatus, ...]:
    return TRANSITIONS[FollowupStatus(status)]

