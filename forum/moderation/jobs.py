"""Moderation's periodic job for `flask forum tick`: the NPS gate (docs/rules.md: The NPS gate)."""

from __future__ import annotations

import datetime as dt

from forum.moderation import actions
from forum.tick import periodic


@periodic("moderation_gate")
def recompute_gate(now: dt.datetime) -> str:
    """Expired overrides are cleared (audited), then every scope's mode is recomputed from the NPS
    over the window, which moves with the clock even when nobody answers."""
    expired = actions.expire_overrides(now)
    result = actions.recompute_modes(now)
    return f"{result['changed']} modes changed, {expired} overrides expired"
