"""NPS reads other parts use to decide (STYLE.md rule 5).

The NPS part (surveys, answers, follow-ups; DESIGN.md: NPS) fills these in when it stores
answers; their signatures are what the other parts rely on.
"""

from __future__ import annotations

from collections.abc import Collection


def latest_scores(user_ids: Collection[int]) -> dict[int, int | None]:
    """Each member's latest NPS answer (0–10) by member id, None for a member who never answered.

    The ambassador criterion "latest NPS answer not a detractor" reads this (DESIGN.md:
    Ambassador programme); a member with no NPS answer passes it. No answers are stored yet, so
    every member has none.
    """
    return {user_id: None for user_id in user_ids}
