"""Health reports' declarative tables (docs/rules.md: Health reports): the metric keys of the JSON
report in their fixed order, each metric's definition, and the health index's sub-scores — which
metrics feed each one and how a metric becomes 0–100. The numbers (targets, weights, the reply and
activation windows) are config.py's ``HEALTH`` dict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.accounts.rules import Permission

REPORTS_PERMISSION = Permission.VIEW_REPORTS  # admin, moderator, product, cs

# The metric keys of the report's `metrics` (and `previous`), fixed so that integrations can rely on
# them (docs/rules.md: Health reports). Rates are fractions 0–1, durations minutes, None = no data.
METRIC_KEYS: tuple[str, ...] = (
    "members_total", "members_new", "dau", "wau", "mau", "stickiness", "contributors", "contributor_ratio",
    "activation_rate", "retention_cohorts", "questions", "answers", "response_rate_24h",
    "median_first_answer_minutes", "solved_rate", "deflection_rate", "superuser_share", "ambassadors",
    "ambassador_answer_share", "ideas_submitted", "ideas_by_stage", "ideas_in_review", "ideas_approved",
    "ideas_shipped", "ideas_expired", "nps", "nps_responses", "nps_margin_of_error", "followups_open",
    "followups_overdue", "moderation_held", "moderation_released", "moderation_rejected",
    "median_hold_minutes", "p90_first_answer_minutes", "peer_answer_share", "negative_posts",
    "negative_answered_rate", "negative_rejection_rate", "other_rejection_rate", "followups_contacted_48h_rate",
)

# The criticism group: the proof that criticism is answered, not buried.
CRITICISM_KEYS = ("negative_posts", "negative_answered_rate", "negative_rejection_rate", "other_rejection_rate",
                  "followups_contacted_48h_rate")

DEFINITIONS: dict[str, Any] = {
    "members_total": _l("Members who had signed up by the end of the period."),
    "members_new": _l("Members who signed up during the period."),
    "dau": _l("Daily active members: the mean, over the period's days up to today, of the distinct members "
              "with any logged event that day."),
    "wau": _l("Weekly active members: distinct members with any logged event in the 7 days ending on the "
              "period's last day (or today)."),
    "mau": _l("Monthly active members: distinct members with any logged event in the 30 days ending on the "
              "period's last day (or today)."),
    "stickiness": _l("DAU divided by MAU."),
    "contributors": _l("Distinct members who published a question, an answer or a comment, or submitted an "
                       "idea, during the period."),
    "contributor_ratio": _l("Contributors divided by the distinct members with any logged event in the period."),
    "activation_rate": _l("Of the members who signed up in the period, the share who contributed on the day "
                          "they signed up or within the 7 days after."),
    "retention_cohorts": _l("Members grouped by the week (from Monday) they signed up in; for each week since, "
                            "the share of the group with any logged event in that week."),
    "questions": _l("Questions published during the period (held questions count when they are published)."),
    "answers": _l("Answers published during the period."),
    "response_rate_24h": _l("Of the questions published in the period, the share whose first published answer "
                            "by another member came within 24 hours of the question's publication."),
    "median_first_answer_minutes": _l("The median time, in minutes, from a question's publication to its first "
                                      "published answer by another member, over the period's answered questions."),
    "solved_rate": _l("Of the questions published in the period, the share with an accepted answer."),
    "deflection_rate": _l("Ask flows abandoned after a suggested answer divided by ask pages opened, in the period."),
    "superuser_share": _l("The share of the period's answers written by its top tenth of answerers (by "
                          "number of answers, rounded up to at least one member)."),
    "ambassadors": _l("Members who were ambassadors at some time during the period."),
    "ambassador_answer_share": _l("The share of the period's answers written by those ambassadors."),
    "ideas_submitted": _l("Ideas submitted during the period."),
    "ideas_by_stage": _l("The ideas submitted during the period, counted by their status today."),
    "ideas_in_review": _l("Ideas that went into review during the period."),
    "ideas_approved": _l("Ideas approved during the period."),
    "ideas_shipped": _l("Ideas shipped during the period."),
    "ideas_expired": _l("Ideas that expired during the period (a support deadline passed)."),
    "nps": _l("The NPS of the survey answers given during the period: the percentage of promoters (9–10) "
              "minus that of detractors (0–6)."),
    "nps_responses": _l("Survey answers given during the period."),
    "nps_margin_of_error": _l("The margin of error of that NPS at 95 percent confidence, in NPS points."),
    "followups_open": _l("Customer-success follow-ups not resolved at the end of the period."),
    "followups_overdue": _l("Of those, the ones past their due time at the end of the period."),
    "moderation_held": _l("Items the moderation queue held during the period."),
    "moderation_released": _l("Of those, the ones approved or published at their release time."),
    "moderation_rejected": _l("Of those, the ones rejected."),
    "median_hold_minutes": _l("The median time, in minutes, from holding to the decision, over those decided."),
    "p90_first_answer_minutes": _l("The 90th percentile of the time to first answer, in minutes."),
    "peer_answer_share": _l("The share of the period's answers written by members who are not staff."),
    "negative_posts": _l("Posts held in the period that were judged negative about the product (by the "
                         "sentiment check of strict mode) or routed to customer success by a moderator."),
    "negative_answered_rate": _l("The share of those negative posts that got a published answer or comment from "
                                 "staff or an ambassador in their thread within 48 hours of their publication."),
    "negative_rejection_rate": _l("Of the negative posts decided, the share rejected."),
    "other_rejection_rate": _l("Of all other held items decided, the share rejected."),
    "followups_contacted_48h_rate": _l("Of the follow-ups opened in the period, the share first contacted (or "
                                       "resolved) within 48 hours."),
}


def health() -> dict[str, Any]:
    """config HEALTH."""
    return dict(current_app.config["HEALTH"])


def reply_hours() -> int:
    """HEALTH.reply_hours: a reply to a negative post, or a follow-up's first contact, counts within this."""
    return int(health().get("reply_hours", 48))


def activation_days() -> int:
    return int(health().get("activation_days", 7))


def superuser_top() -> float:
    return float(health().get("superuser_top", 0.1))


def response_hours() -> int:
    return int(health().get("response_hours", 24))


# ----------------------------------------------------------------------------- the health index

@dataclass(frozen=True)
class Part:
    """One metric's contribution to a sub-score: `ratio` scales it by its target (100 at the target,
    capped), `centered` maps a change around 50 (no change 50, +target 100, −target 0), `nps` maps
    −100…100 onto 0…100."""

    metric: str
    shape: str  # "ratio" | "centered" | "nps"


SUB_SCORES: dict[str, tuple[Part, ...]] = {
    "growth": (Part("mau_change", "centered"),),
    "engagement": (Part("stickiness", "ratio"), Part("contributor_ratio", "ratio")),
    "responsiveness": (Part("response_rate_24h", "ratio"),),
    "solutions": (Part("solved_rate", "ratio"), Part("deflection_rate", "ratio")),
    "sentiment": (Part("nps", "nps"),),
    "ideas": (Part("idea_progress_rate", "ratio"),),
}


def targets() -> dict[str, float]:
    return {k: float(v) for k, v in health()["targets"].items()}


def weights() -> dict[str, float]:
    return {k: float(v) for k, v in health()["weights"].items()}


def part_score(part: Part, value: float | None, target: float | None) -> float | None:
    """0–100 for one metric value (None without data)."""
    if value is None:
        return None
    if part.shape == "nps":
        return max(0.0, min(100.0, (value + 100) / 2))
    if not target:
        return None
    if part.shape == "centered":
        return max(0.0, min(100.0, 50 + 50 * value / target))
    return max(0.0, min(100.0, 100 * value / target))
