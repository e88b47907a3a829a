"""Moderation's periodic jobs for `flask forum tick`: the NPS gate and the auto-release of held
content (docs/rules.md: The NPS gate)."""

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


@periodic("auto_release")
def auto_release(now: dt.datetime) -> str:
    """Held content whose hold time has ended (release_at ≤ now) is published: nothing the gate held
    is silently buried (docs/rules.md: The NPS gate)."""
    return f"{actions.release_due(now)} held items released"
