"""Idea board reads: the visibility rule for ideas, lists, lookups, support breakdowns.

docs/api.md: Visibility — `pending` and `rejected` ideas are seen only by their author and by
moderators (404 for everyone else, absent from lists and counts); every other status is public.
Ideas in an ambassadors-only category follow the Q&A category rule.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.accounts.models import Organization, User
from forum.accounts.queries import can, is_signed_in
from forum.errors import NotFound
from forum.ideas import rules
from forum.ideas.models import Idea, IdeaComment, IdeaStatus, IdeaSupport
from forum.qa.queries import category_visibility


def idea_visibility(viewer: Any) -> sa.ColumnElement[bool]:
    category_ok = category_visibility(Idea.category_id, viewer)
    if can(viewer, rules.SEE_ALL_PERMISSION):
        return sa.true()
    public = Idea.status.not_in([s.value for s in rules.UNPUBLISHED])
    if is_signed_in(viewer):
        return sa.and_(sa.or_(public, Idea.author_id == viewer.id), category_ok)
    return sa.and_(public, category_ok)


def ideas(viewer: Any, *, status: str | None = None, sort: str = "newest", category_id: int | None = None,
          author_id: int | None = None) -> sa.Select[Any]:
    """The board (docs/api.md: GET /ideas): visible ideas, filtered and sorted."""
    stmt = sa.select(Idea).where(idea_visibility(viewer))
    if status:
        stmt = stmt.where(Idea.status == status)
    if category_id is not None:
        stmt = stmt.where(Idea.category_id == category_id)
    if author_id is not None:
        stmt = stmt.where(Idea.author_id == author_id)
    if sort == "supporters":
        return stmt.order_by(Idea.supporters.desc(), Idea.created_at.desc(), Idea.id.desc())
    if sort == "deadline":  # ending soon: ideas still gathering, nearest deadline first
        gathering_first = sa.case((Idea.status == IdeaStatus.gathering, 0), else_=1)
        return stmt.order_by(gathering_first, Idea.deadline.is_(None), Idea.deadline.asc(), Idea.id.desc())
    return stmt.order_by(Idea.created_at.desc(), Idea.id.desc())


def access_idea(viewer: Any, idea_id: int) -> Idea:
    """The idea if the viewer may see it; otherwise NotFound (never Forbidden)."""
    idea = db.session.scalar(sa.select(Idea).where(Idea.id == idea_id, idea_visibility(viewer)))
    if idea is None:
        raise NotFound(_("No idea with that id."))
    return idea


def my_supports(viewer: Any, idea_ids: list[int]) -> dict[int, IdeaSupport]:
    if not is_signed_in(viewer) or not idea_ids:
        return {}
    rows = db.session.scalars(sa.select(IdeaSupport).where(IdeaSupport.user_id == viewer.id,
                                                           IdeaSupport.idea_id.in_(idea_ids)))
    return {s.idea_id: s for s in rows}


def supporter_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(IdeaSupport.user_id).where(IdeaSupport.idea_id == idea_id)))


def supports_of(idea: Idea) -> sa.Select[Any]:
    return sa.select(IdeaSupport).where(IdeaSupport.idea_id == idea.id).order_by(IdeaSupport.created_at.desc(),
                                                                                 IdeaSupport.id.desc())


def comments_of(idea: Idea) -> sa.Select[Any]:
    return sa.select(IdeaComment).where(IdeaComment.idea_id == idea.id, IdeaComment.status == "published").order_by(
        IdeaComment.created_at, IdeaComment.id)


def support_breakdown(idea_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per idea: supporters by organization tier, distinct organizations, summed ARR of those
    organizations, importance answers (docs/rules.md: the product team's view of support)."""
    result: dict[int, dict[str, Any]] = {
        i: {"by_tier": dict.fromkeys(rules.TIERS, 0), "organizations": 0, "arr": 0,
            "importance": dict.fromkeys(rules.IMPORTANCE_WEIGHTS, 0)} for i in idea_ids}
    if not idea_ids:
        return result
    tier_rows = db.session.execute(
        sa.select(IdeaSupport.idea_id, Organization.tier, sa.func.count())
        .join(User, User.id == IdeaSupport.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(IdeaSupport.idea_id.in_(idea_ids))
        .group_by(IdeaSupport.idea_id, Organization.tier))
    for idea_id, tier, n in tier_rows:
        result[idea_id]["by_tier"][str(tier) if tier is not None else "none"] += n
    orgs = (sa.select(IdeaSupport.idea_id.label("idea_id"), Organization.id.label("org_id"),
                      Organization.arr.label("arr"))
            .join(User, User.id == IdeaSupport.user_id)
            .join(Organization, Organization.id == User.organization_id)
            .where(IdeaSupport.idea_id.in_(idea_ids)).distinct().subquery())
    for idea_id, n, arr in db.session.execute(
            sa.select(orgs.c.idea_id, sa.func.count(), sa.func.coalesce(sa.func.sum(orgs.c.arr), 0))
            .group_by(orgs.c.idea_id)):
        result[idea_id]["organizations"] = n
        result[idea_id]["arr"] = int(arr)
    for idea_id, importance, n in db.session.execute(
            sa.select(IdeaSupport.idea_id, IdeaSupport.importance, sa.func.count())
            .where(IdeaSupport.idea_id.in_(idea_ids), IdeaSupport.importance.is_not(None))
            .group_by(IdeaSupport.idea_id, IdeaSupport.importance)):
        result[idea_id]["importance"][str(importance)] = n
    for row in result.values():
        row["tier_score"] = sum(rules.TIER_WEIGHTS[t] * n for t, n in row["by_tier"].items())
        row["importance_score"] = sum(rules.IMPORTANCE_WEIGHTS[k] * n for k, n in row["importance"].items())
    return result


def triage(viewer: Any) -> sa.Select[Any]:
    """Ideas the product team reviews: in review first, then on hold, gathering and approved."""
    order = sa.case({IdeaStatus.in_review.value: 0, IdeaStatus.on_hold.value: 1, IdeaStatus.approved.value: 2},
                    value=Idea.status, else_=3)
    return (sa.select(Idea).where(idea_visibility(viewer), Idea.status.in_(
        [IdeaStatus.in_review, IdeaStatus.on_hold, IdeaStatus.gathering, IdeaStatus.approved]))
        .order_by(order, Idea.review_due.is_(None), Idea.review_due, Idea.supporters.desc(), Idea.id))


def merge_candidates(viewer: Any, idea: Idea, query: str, limit: int = 10) -> sa.Select[Any]:
    """Ideas `idea` may be merged into whose title holds every word of `query` (any case): visible to
    the viewer, not the idea itself, not pending, rejected or already merged (forum.ideas.rules:
    the merge rule), most supported first."""
    stmt = sa.select(Idea).where(idea_visibility(viewer), Idea.id != idea.id,
                                 Idea.status.not_in([*(s.value for s in rules.UNPUBLISHED), IdeaStatus.merged.value]))
    for word in query.split()[:8]:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(sa.func.lower(Idea.title).like(f"%{escaped}%", escape="\\"))
    return stmt.order_by(Idea.supporters.desc(), Idea.id.desc()).limit(limit)


def roadmap(viewer: Any) -> sa.Select[Any]:
    """The roadmap: visible approved and shipped ideas, newest decision first (docs/rules.md: the
    idea board)."""
    return (sa.select(Idea).where(idea_visibility(viewer), Idea.status.in_([IdeaStatus.approved, IdeaStatus.shipped]))
            .order_by(sa.func.coalesce(Idea.decided_at, Idea.updated_at).desc(), Idea.id.desc()))


def review_calendar() -> sa.Select[Any]:
    """Ideas in review with their decision due date, soonest first."""
    return sa.select(Idea).where(Idea.status == IdeaStatus.in_review).order_by(Idea.review_due, Idea.id)


def next_threshold(idea: Idea) -> int | None:
    return rules.threshold_for(idea.stage + 1)


def progress(idea: Idea) -> dict[str, Any]:
    """Progress toward the next threshold, for the board's bar: fraction 0..1 and days left."""
    target = next_threshold(idea)
    fraction = 1.0 if target is None else min(max(idea.supporters / max(target, 1), 0.0), 1.0)
    days_left = None
    if idea.status == IdeaStatus.gathering and idea.deadline is not None:
        seconds = (idea.deadline - db.utcnow()).total_seconds()
        days_left = max(int(seconds // 86400), 0) if seconds > 0 else 0
    return {"target": target, "fraction": fraction, "percent": int(round(fraction * 100)), "days_left": days_left}


def idea_state(idea_id: Any) -> dict[str, Any] | None:
    """An idea's author, status and text, or None (moderation's appeals read it)."""
    if isinstance(idea_id, bool) or not isinstance(idea_id, int):
        return None
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        return None
    return {"author_id": idea.author_id, "status": str(idea.status), "excerpt": f"{idea.title} — {idea.description}"}


# ----------------------------------------------------------------------------- health reports
# docs/rules.md, Health reports: the idea funnel of a period.

def ideas_submitted_between(since: Any, until: Any, category_id: int | None = None) -> list[Any]:
    """``id``, ``status`` and ``stage`` of the ideas submitted in [since, until)."""
    stmt = sa.select(Idea.id, Idea.status, Idea.stage).where(Idea.created_at >= since, Idea.created_at < until)
    if category_id is not None:
        stmt = stmt.where(Idea.category_id == category_id)
    return list(db.session.execute(stmt))


def statuses_reached(idea_ids: list[int]) -> dict[int, set[str]]:
    """idea id → every status its history records."""
    from forum.ideas.models import IdeaHistory

    found: dict[int, set[str]] = {}
    if idea_ids:
        for idea_id, status in db.session.execute(sa.select(IdeaHistory.idea_id, IdeaHistory.status)
                                                  .where(IdeaHistory.idea_id.in_(idea_ids)).distinct()):
            found.setdefault(int(idea_id), set()).add(str(status))
    return found


def status_moves_between(since: Any, until: Any, category_id: int | None = None) -> dict[str, int]:
    """status → the number of ideas that moved to it in [since, until) (from their history)."""
    from forum.ideas.models import IdeaHistory

    stmt = (sa.select(IdeaHistory.status, sa.func.count(sa.distinct(IdeaHistory.idea_id)))
            .where(IdeaHistory.at >= since, IdeaHistory.at < until).group_by(IdeaHistory.status))
    if category_id is not None:
        stmt = stmt.join(Idea, Idea.id == IdeaHistory.idea_id).where(Idea.category_id == category_id)
    return {str(status): int(n) for status, n in db.session.execute(stmt)}


def idea_categories(idea_ids: list[int]) -> dict[int, int | None]:
    if not idea_ids:
        return {}
    return {int(i): c for i, c in db.session.execute(sa.select(Idea.id, Idea.category_id).where(Idea.id.in_(idea_ids)))}
