"""A health report shaped as forum.health.queries.health_report returns it (docs/api.md: Reports), with
every metric key of docs/rules.md, for the dashboard and export tests: hand-made, so that the page's
numbers can be checked against it."""

from __future__ import annotations

import datetime as dt
from typing import Any

METRIC_KEYS = (
    "members_total", "members_new", "dau", "wau", "mau", "stickiness", "contributors", "contributor_ratio",
    "activation_rate", "retention_cohorts", "questions", "answers", "response_rate_24h",
    "median_first_answer_minutes", "solved_rate", "deflection_rate", "superuser_share", "ambassadors",
    "ambassador_answer_share", "ideas_submitted", "ideas_by_stage", "ideas_in_review", "ideas_approved",
    "ideas_shipped", "ideas_expired", "nps", "nps_responses", "nps_margin_of_error", "followups_open",
    "followups_overdue", "moderation_held", "moderation_released", "moderation_rejected",
    "median_hold_minutes", "p90_first_answer_minutes", "peer_answer_share", "negative_posts",
    "negative_answered_rate", "negative_rejection_rate", "other_rejection_rate", "followups_contacted_48h_rate",
)


def metrics(scale: float = 1.0) -> dict[str, Any]:
    return {
        "members_total": int(1200 * scale), "members_new": int(80 * scale), "dau": round(40 * scale, 1),
        "wau": int(180 * scale), "mau": int(400 * scale), "stickiness": 0.1, "contributors": int(150 * scale),
        "contributor_ratio": 0.375, "activation_rate": 0.25,
        "retention_cohorts": [
            {"cohort": "2030-05-06", "size": 20, "retained": [1.0, 0.6, 0.45, 0.4]},
            {"cohort": "2030-05-13", "size": 15, "retained": [1.0, 0.5, 0.3]},
            {"cohort": "2030-05-20", "size": 0, "retained": []},
            {"cohort": "2030-05-27", "size": 12, "retained": [1.0]},
        ],
        "questions": int(90 * scale), "answers": int(160 * scale), "response_rate_24h": 0.8 * min(scale, 1.2),
        "median_first_answer_minutes": 95.0, "solved_rate": 0.55, "deflection_rate": 0.3,
        "superuser_share": 0.42, "ambassadors": 6, "ambassador_answer_share": 0.2,
        "ideas_submitted": int(14 * scale), "ideas_by_stage": {"gathering": 8, "in_review": 2, "approved": 2},
        "ideas_in_review": 2, "ideas_approved": 2, "ideas_shipped": 1, "ideas_expired": 3,
        "nps": 24.0 * scale, "nps_responses": 60, "nps_margin_of_error": 11.5, "followups_open": 4,
        "followups_overdue": 1, "moderation_held": 12, "moderation_released": 9, "moderation_rejected": 2,
        "median_hold_minutes": 42.0, "p90_first_answer_minutes": 600.0, "peer_answer_share": 0.7,
        "negative_posts": 10, "negative_answered_rate": 0.9, "negative_rejection_rate": 0.0,
        "other_rejection_rate": 0.05, "followups_contacted_48h_rate": 0.75,
    }


def sample_report(start: dt.date = dt.date(2030, 5, 2), end: dt.date = dt.date(2030, 5, 31),
                  category: Any = None) -> dict[str, Any]:
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    previous = metrics(0.8)
    previous["nps"] = None          # an empty previous value: the page shows no change, never a crash
    return {
        "from": start.isoformat(), "to": end.isoformat(), "category": category,
        "health_index": 63.5,
        "health_formula": "0.2·growth + 0.2·engagement + 0.2·responsiveness + 0.15·solutions + 0.15·sentiment + 0.1·ideas",
        "sub_scores": {"growth": 70.0, "engagement": 55.0, "responsiveness": 80.0, "solutions": 55.0,
                       "sentiment": 62.0, "ideas": None},
        "metrics": metrics(), "previous": previous,
        "series": {
            "days": days,
            "active_members": [30 + (i * 7) % 20 for i in range(len(days))],
            "questions": [2 + i % 5 for i in range(len(days))],
            "answers": [4 + (i * 3) % 7 for i in range(len(days))],
            "weekly": [{"week": "2030-05-06", "response_rate_24h": 0.7, "solved_rate": 0.5},
                       {"week": "2030-05-13", "response_rate_24h": 0.85, "solved_rate": 0.55},
                       {"week": "2030-05-20", "response_rate_24h": None, "solved_rate": None},
                       {"week": "2030-05-27", "response_rate_24h": 0.9, "solved_rate": 0.6}],
            "nps_trend": [{"month": "2030-03", "nps": 10.0, "margin": 15.0, "responses": 30},
                          {"month": "2030-04", "nps": 18.0, "margin": 13.0, "responses": 40},
                          {"month": "2030-05", "nps": 24.0, "margin": 11.5, "responses": 60}],
            "idea_funnel": [{"stage": "submitted", "count": 14}, {"stage": "gathering", "count": 8},
                            {"stage": "in_review", "count": 2}, {"stage": "approved", "count": 2},
                            {"stage": "shipped", "count": 1}],
        },
        "launch": {"ready": True, "nps": 24.0, "margin_of_error": 11.5, "needed": 10,
                   "reason": "NPS 24 ± 11.5 from 60 answers is at least the 10 needed."},
        "criticism": {"negative_posts": 10, "negative_answered_rate": 0.9, "negative_rejection_rate": 0.0,
                      "other_rejection_rate": 0.05, "answered": True},
        "definitions": {key: f"Definition of {key}." for key in METRIC_KEYS},
    }
