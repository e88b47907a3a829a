"""NPS reads: the latest answers other parts decide on, whether the survey prompt is due, the scores
over a window (overall, per category, per organization tier, per month) and the follow-up lists.

Rules and numbers: docs/rules.md (NPS); the arithmetic is ``forum.nps.rules.Score``. Each function
runs a fixed number of statements, whatever the number of answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from forum import db
from forum.accounts.models import User
from forum.accounts.queries import is_signed_in
from forum.errors import NotFound
from forum.nps import rules
from forum.nps.models import Followup, FollowupNote, FollowupStatus, NpsPromptDismissal, NpsResponse
from forum.qa.models import Category


# --------------------------------------------------------------------------- what other parts read

def latest_scores(user_ids: Collection[int]) -> dict[int, int | None]:
    """Each member's latest NPS answer (0–10) by member id, None for a member who never answered.

    The ambassador criterion "latest NPS answer not a detractor" reads this (docs/rules.md: The
    ambassador programme); a member with no NPS answer passes it. One statement for all members."""
    ids = sorted({int(i) for i in user_ids})
    found: dict[int, int | None] = {user_id: None for user_id in ids}
    if not ids:
        return found
    ranked = (sa.select(NpsResponse.user_id, NpsResponse.score,
                        sa.func.row_number().over(partition_by=NpsResponse.user_id,
                                                  order_by=(NpsResponse.created_at.desc(), NpsResponse.id.desc()))
                        .label("rank"))
              .where(NpsResponse.user_id.in_(ids)).subquery())
    for user_id, score in db.session.execute(sa.select(ranked.c.user_id, ranked.c.score).where(ranked.c.rank == 1)):
        found[user_id] = score
    return found


def moderation_mode(category_id: int | None = None) -> str:
    """The moderation mode in effect for the community or a category, shown beside the scores: the
    moderation part's ``current_mode`` (docs/rules.md: The NPS gate). Imported here, not at the top,
    because the gate itself reads this module's scores."""
    from forum.moderation.queries import current_mode

    return str(current_mode(category_id))


# --------------------------------------------------------------------------- the survey prompt

def survey_interval() -> dt.timedelta:
    return dt.timedelta(days=int(current_app.config["NPS_SURVEY_INTERVAL_DAYS"]))


def member_since_enough(user: Any, now: dt.datetime) -> bool:
    """Membership of at least NPS_MIN_MEMBERSHIP_DAYS (exactly that many days is enough)."""
    return now - user.created_at >= dt.timedelta(days=int(current_app.config["NPS_MIN_MEMBERSHIP_DAYS"]))


def last_answered_at(user_id: int) -> dt.datetime | None:
    return db.session.scalar(sa.select(sa.func.max(NpsResponse.created_at)).where(NpsResponse.user_id == user_id))


def answered_within_interval(last: dt.datetime | None, now: dt.datetime) -> bool:
    """One answer per NPS_SURVEY_INTERVAL_DAYS: a member who answered less than that long ago has answered."""
    return last is not None and now - last < survey_interval()


# The member's last answer and last dismissal, in one statement built once (it runs on every
# signed-in page; building it anew costs more CPU than answering it).
_PROMPT_STATE = sa.select(
    sa.select(sa.func.max(NpsResponse.created_at)).where(NpsResponse.user_id == sa.bindparam("user_id"))
    .scalar_subquery().label("answered"),
    sa.select(NpsPromptDismissal.dismissed_at).where(NpsPromptDismissal.user_id == sa.bindparam("user_id"))
    .scalar_subquery().label("dismissed"))


def prompt_state_columns(user_id: Any) -> list[Any]:
    """The last answer and last dismissal of the member whose id is `user_id` (columns of the
    statement that loads the signed-in member, forum.prefetch), labelled ``nps_answered`` and
    ``nps_dismissed``: what ``prompt_due`` reads."""
    return [sa.select(sa.func.max(NpsResponse.created_at)).where(NpsResponse.user_id == user_id)
            .scalar_subquery().label("nps_answered"),
            sa.select(NpsPromptDismissal.dismissed_at).where(NpsPromptDismissal.user_id == user_id)
            .scalar_subquery().label("nps_dismissed")]


def prompt_due(user: Any, now: dt.datetime | None = None) -> bool:
    """Whether the in-page survey prompt is shown to `user`: a signed-in member (not staff) of
    NPS_MIN_MEMBERSHIP_DAYS who has not answered within the survey interval and has not dismissed
    the prompt in the last NPS_PROMPT_SNOOZE_DAYS. One statement (none when signed out or too new)."""
    now = now or db.utcnow()
    if not is_signed_in(user) or user.is_staff or not member_since_enough(user, now):
        return False  # staff work for the product: the survey asks its customers
    from forum import prefetch

    answered = prefetch.recall(user.id, "nps_answered")
    dismissed = prefetch.recall(user.id, "nps_dismissed")
    if answered is prefetch.MISSING or dismissed is prefetch.MISSING:
        row = db.session.execute(_PROMPT_STATE, {"user_id": user.id}).one()
        answered, dismissed = row.answered, row.dismissed
    if answered_within_interval(answered, now):
        return False
    snooze = dt.timedelta(days=int(current_app.config["NPS_PROMPT_SNOOZE_DAYS"]))
    return dismissed is None or now - dismissed >= snooze


# --------------------------------------------------------------------------- scores

def window_days(days: int | None = None) -> int:
    return int(days if days is not None else current_app.config["NPS_WINDOW_DAYS"])


def _in_window(days: int | None, now: dt.datetime | None) -> Any:
    now = now or db.utcnow()
    since = now - dt.timedelta(days=window_days(days))
    return sa.and_(NpsResponse.created_at > since, NpsResponse.created_at <= now)


def _counts() -> list[Any]:
    """promoters, passives, detractors as SQL sums over the rule table's groups."""
    bands = rules.groups()

    def band(group: rules.Group) -> Any:
        scores = bands[group]
        hit = sa.and_(NpsResponse.score >= scores.start, NpsResponse.score < scores.stop)
        return sa.func.coalesce(sa.func.sum(sa.case((hit, 1), else_=0)), 0)

    return [band(rules.Group.promoter).label("promoters"), band(rules.Group.passive).label("passives"),
            band(rules.Group.detractor).label("detractors")]


def _score(row: Any) -> rules.Score:
    return rules.Score(promoters=int(row.promoters or 0), passives=int(row.passives or 0),
                       detractors=int(row.detractors or 0))


def summary(days: int | None = None, category_id: int | None = None, now: dt.datetime | None = None) -> rules.Score:
    """NPS over the last `days` (default NPS_WINDOW_DAYS), of one category or of all answers."""
    stmt = sa.select(*_counts()).where(_in_window(days, now))
    if category_id is not None:
        stmt = stmt.where(NpsResponse.category_id == category_id)
    return _score(db.session.execute(stmt).one())


def nps_score(days: int | None = None, category_id: int | None = None,
              now: dt.datetime | None = None) -> rules.Score:
    """The NPS of one scope (the community, or a category) over the last `days`, unrounded: what
    the moderation gate decides on (docs/rules.md: The NPS gate). The same as ``summary``."""
    return summary(days, category_id, now)


def by_category(days: int | None = None, now: dt.datetime | None = None) -> list[tuple[Category | None, rules.Score]]:
    """NPS per category over the window (answers without a category as None, last); categories
    with no answers are left out."""
    rows = db.session.execute(sa.select(NpsResponse.category_id, *_counts()).where(_in_window(days, now))
                              .group_by(NpsResponse.category_id)).all()
    ids = [r.category_id for r in rows if r.category_id is not None]
    categories = {c.id: c for c in db.session.scalars(sa.select(Category).where(Category.id.in_(ids)))} if ids else {}
    result = [(categories.get(r.category_id), _score(r)) for r in rows
              if r.category_id is None or r.category_id in categories]
    return sorted(result, key=lambda item: (item[0] is None, item[0].position if item[0] else 0,
                                            item[0].name if item[0] else ""))


TIERS = ("benchmark", "value_added", "standard", "none")


def by_tier(days: int | None = None, now: dt.datetime | None = None) -> dict[str, rules.Score]:
    """NPS per organization tier at answer time over the window (`none`: no organization), every tier listed."""
    rows = db.session.execute(sa.select(NpsResponse.organization_tier, *_counts()).where(_in_window(days, now))
                              .group_by(NpsResponse.organization_tier)).all()
    found = {(r.organization_tier.value if r.organization_tier else "none"): _score(r) for r in rows}
    return {tier: found.get(tier, rules.Score()) for tier in TIERS}


def _month_start(when: dt.datetime, back: int = 0) -> dt.datetime:
    month = when.year * 12 + when.month - 1 - back
    return dt.datetime(month // 12, month % 12 + 1, 1)


def _month_key() -> Any:
    if db.dialect() == "postgresql":
        return sa.func.to_char(NpsResponse.created_at, "YYYY-MM")
    return sa.func.strftime("%Y-%m", NpsResponse.created_at)


def monthly_trend(months: int | None = None, category_id: int | None = None,
                  now: dt.datetime | None = None) -> list[tuple[str, rules.Score]]:
    """NPS per calendar month (UTC), oldest first, for the last `months` months this one included
    (default NPS_TREND_MONTHS); months without answers have an empty Score."""
    now = now or db.utcnow()
    months = int(months if months is not None else current_app.config["NPS_TREND_MONTHS"])
    since = _month_start(now, months - 1)
    key = _month_key().label("month")
    stmt = (sa.select(key, *_counts()).where(NpsResponse.created_at >= since, NpsResponse.created_at <= now)
            .group_by(key))
    if category_id is not None:
        stmt = stmt.where(NpsResponse.category_id == category_id)
    found = {r.month: _score(r) for r in db.session.execute(stmt)}
    keys = [f"{m:%Y-%m}" for m in (_month_start(now, back) for back in range(months - 1, -1, -1))]
    return [(k, found.get(k, rules.Score())) for k in keys]


# --------------------------------------------------------------------------- follow-ups

def followups(status: str | None = None) -> sa.Select[Any]:
    """Follow-ups, open ones first (then contacted, then resolved), each group soonest due first;
    member, organization and notes are loaded with them."""
    order = sa.case({s.value: i for i, s in enumerate(rules.STATUS_ORDER)}, value=Followup.status)
    stmt = (sa.select(Followup).order_by(order, Followup.due_at, Followup.id)
            .options(selectinload(Followup.notes).joinedload(FollowupNote.author).lazyload(User.role_rows)))
    if status is not None:
        stmt = stmt.where(Followup.status == FollowupStatus(status))
    return stmt


def access_followup(followup_id: int) -> Followup:
    followup = db.session.get(Followup, followup_id)
    if followup is None:
        raise NotFound(_("No follow-up with that id."))
    return followup


def is_overdue(followup: Followup, now: dt.datetime | None = None) -> bool:
    """Not resolved and past its due time."""
    return followup.status != FollowupStatus.resolved and followup.due_at < (now or db.utcnow())


def followup_totals(now: dt.datetime | None = None) -> dict[str, int]:
    """How many follow-ups are open (not resolved) and how many of those are overdue (one statement)."""
    now = now or db.utcnow()
    pending = Followup.status != FollowupStatus.resolved
    row = db.session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(sa.case((pending, 1), else_=0)), 0).label("open"),
        sa.func.coalesce(sa.func.sum(sa.case((sa.and_(pending, Followup.due_at < now), 1), else_=0)), 0)
        .label("overdue"))).one()
    return {"open": int(row.open), "overdue": int(row.overdue)}


# --------------------------------------------------------------------------- per organization (health reports)

def by_organization(days: int | None = None, category_id: int | None = None,
                    now: dt.datetime | None = None) -> dict[int, rules.Score]:
    """NPS per organization (the member's organization when they answered) over the `days` up to
    `now` (default NPS_WINDOW_DAYS), of one category or of all answers; organizations without
    answers are absent. One grouped statement for every organization (docs/rules.md: Health
    reports, per organization)."""
    stmt = (sa.select(NpsResponse.organization_id, *_counts()).where(_in_window(days, now))
            .where(NpsResponse.organization_id.is_not(None)).group_by(NpsResponse.organization_id))
    if category_id is not None:
        stmt = stmt.where(NpsResponse.category_id == category_id)
    return {int(row.organization_id): _score(row) for row in db.session.execute(stmt)}


def open_followups_by_organization() -> dict[int, int]:
    """How many follow-ups are open (not resolved, as ``followup_totals`` counts them) per
    organization; organizations with none are absent. One grouped statement."""
    stmt = (sa.select(Followup.organization_id, sa.func.count())
            .where(Followup.status != FollowupStatus.resolved, Followup.organization_id.is_not(None))
            .group_by(Followup.organization_id))
    return {int(org_id): int(n) for org_id, n in db.session.execute(stmt)}


# --------------------------------------------------------------------------- health reports
# docs/rules.md, Health reports: the survey and the follow-ups of a period.

def score_between(since: dt.datetime, until: dt.datetime, category_id: int | None = None) -> rules.Score:
    """The NPS of the answers given in [since, until)."""
    stmt = sa.select(*_counts()).where(NpsResponse.created_at >= since, NpsResponse.created_at < until)
    if category_id is not None:
        stmt = stmt.where(NpsResponse.category_id == category_id)
    return _score(db.session.execute(stmt).one())


def monthly_between(since: dt.datetime, until: dt.datetime,
                    category_id: int | None = None) -> list[tuple[str, rules.Score]]:
    """("YYYY-MM", Score) per calendar month touching [since, until), oldest first, empty months included."""
    key = _month_key().label("month")
    stmt = (sa.select(key, *_counts()).where(NpsResponse.created_at >= since, NpsResponse.created_at < until)
            .group_by(key))
    if category_id is not None:
        stmt = stmt.where(NpsResponse.category_id == category_id)
    found = {r.month: _score(r) for r in db.session.execute(stmt)}
    months: list[str] = []
    month = _month_start(since)
    while month < until:
        months.append(f"{month:%Y-%m}")
        month = _month_start(month, -1)
    return [(m, found.get(m, rules.Score())) for m in months]


def followup_timeline(since: dt.datetime, until: dt.datetime) -> list[Any]:
    """``created_at``, ``due_at``, ``first_note_at`` (the first contact or resolution) and
    ``resolved_at`` of the follow-ups opened before `until` and not resolved before `since`."""
    first_note = (sa.select(FollowupNote.followup_id, sa.func.min(FollowupNote.at).label("first_note_at"))
                  .group_by(FollowupNote.followup_id).subquery())
    resolved = (sa.select(FollowupNote.followup_id, sa.func.min(FollowupNote.at).label("resolved_at"))
                .where(FollowupNote.status == FollowupStatus.resolved).group_by(FollowupNote.followup_id).subquery())
    stmt = (sa.select(Followup.created_at, Followup.due_at, first_note.c.first_note_at, resolved.c.resolved_at)
            .outerjoin(first_note, first_note.c.followup_id == Followup.id)
            .outerjoin(resolved, resolved.c.followup_id == Followup.id)
            .where(Followup.created_at < until,
                   sa.or_(resolved.c.resolved_at.is_(None), resolved.c.resolved_at >= since)))
    return list(db.session.execute(stmt))
