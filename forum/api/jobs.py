"""The API part's periodic work, run by `forum tick`: sending due webhook deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum.api import actions
from forum.tick import periodic


@periodic("webhook_deliveries")
def deliver_webhooks(now: dt.datetime) -> Any:
    """Send the deliveries whose time has come; failures wait their backoff (docs/api.md: Webhooks)."""
    return actions.deliver_due(now)
