"""The API part's rule tables: the events an outgoing webhook may subscribe to, and which domain
events (forum/events.py) produce them (docs/api.md: Webhooks). The delivery numbers — attempts,
backoff, timeout, batch — are the rule key WEBHOOK_DELIVERY (config.py, docs/rules.md)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l


class WebhookEvent(enum.StrEnum):
    question_asked = "question.asked"
    question_answered = "question.answered"
    question_solved = "question.solved"
    idea_status_changed = "idea.status_changed"
    nps_detractor = "nps.detractor"
    followup_opened = "followup.opened"


# What each event means, as the admin page shows it.
EVENT_LABELS: dict[WebhookEvent, Any] = {
    WebhookEvent.question_asked: _l("A question was published (asked, or released from moderation)"),
    WebhookEvent.question_answered: _l("An answer was published"),
    WebhookEvent.question_solved: _l("The asker accepted an answer"),
    WebhookEvent.idea_status_changed: _l("An idea's status changed (published, in review, decided, expired, merged)"),
    WebhookEvent.nps_detractor: _l("A member answered the NPS survey with a detractor score"),
    WebhookEvent.followup_opened: _l("A customer-success follow-up was opened"),
}

# The test delivery an admin can send from the webhook's page (not subscribable).
PING = "ping"

URL_SCHEMES = ("https", "http")
URL_MAX = 500
DESCRIPTION_MAX = 200
SIGNATURE_HEADER = "X-Forum-Signature-256"
EVENT_HEADER = "X-Forum-Event"
DELIVERY_HEADER = "X-Forum-Delivery"
ERROR_MAX = 500  # characters of a failed attempt's error kept in the log


def delivery_settings() -> dict[str, Any]:
    """WEBHOOK_DELIVERY: max_attempts, backoff_seconds, backoff_max_seconds, timeout_seconds, batch."""
    return current_app.config["WEBHOOK_DELIVERY"]


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: after the n-th failed attempt wait backoff_seconds × 2^(n−1), at most
    backoff_max_seconds (60 s, 2 min, 4 min, … with the defaults)."""
    cfg = delivery_settings()
    seconds = int(cfg["backoff_seconds"]) * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, int(cfg["backoff_max_seconds"])))
