"""Rewards' reads: privileges and trust levels, badges, the ledger in words, leaderboards,
ambassador eligibility with its evidence, the onboarding checklist.

Other parts read these (STYLE.md rule 5): Q&A calls `require_privilege` before a vote, a
comment, a new tag or an edit; the API and profile pages show `trust_level`, `badges_of` and
`next_privilege`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from forum import db
from forum.accounts.models import Organization, User
from forum.accounts.queries import is_signed_in
from forum.errors import Forbidden
from forum.ideas.models import IdeaSupport
from forum.moderation.models import ItemStatus, ModerationItem
from forum.nps import queries as nps_queries
from forum.qa.models import Answer, Comment, ContentStatus, Question, Vote
from forum.rewards import rules
from forum.rewards.models import AmbassadorTerm, Badge, PointEntry, UserBadge

# --------------------------------------------------------------------------- privileges


def has_all_privileges(user: Any) -> bool:
    """Staff (moderator, product, cs, admin) and ambassadors have every privilege."""
    return is_signed_in(user) and (bool(user.is_ambassador) or user.is_staff)


def has_privilege(user: Any, name: rules.Privilege) -> bool:
    """DESIGN.md: Privileges — by points, from config PRIVILEGES; `name` is a declared rules.Privilege."""
    if not isinstance(name, rules.Privilege):
        raise TypeError(f"not a declared privilege (forum.rewards.rules.Privilege): {name!r}")
    if not is_signed_in(user):
        return False
    if has_all_privileges(user):
        return True
    return (user.points or 0) >= rules.privilege_thresholds()[name]


def privilege_refusal(user: Any, name: rules.Privilege) -> Forbidden | None:
    """The 403 naming the points needed ("Voting up needs 15 points; you have 3."), or None."""
    if has_privilege(user, name):
        return None
    needed = rules.privilege_thresholds()[name]
    have = (user.points or 0) if is_signed_in(user) else 0
    return Forbidden(rules.say(rules.PRIVILEGE_NEEDS_POINTS, action=rules.say(rules.PRIVILEGE_LABELS[name]),
                               needed=needed, have=have), code="insufficient_points")


def require_privilege(user: Any, name: rules.Privilege) -> None:
    """Raise the 403 of `privilege_refusal`, if any."""
    refusal = privilege_refusal(user, name)
    if refusal is not None:
        raise refusal


def privileges_of(user: Any) -> list[dict[str, Any]]:
    """Every privilege, cheapest first, with whether the member holds it."""
    return [{"name": name, "label": rules.say(rules.PRIVILEGE_LABELS[rules.Privilege(name)]), "points": points,
             "held": has_privilege(user, rules.Privilege(name))}
            for name, points in sorted(rules.privilege_thresholds().items(), key=lambda kv: (kv[1], kv[0]))]


def next_privilege(user: Any) -> dict[str, Any] | None:
    """The cheapest privilege the member does not hold yet, with the points still missing."""
    for privilege in privileges_of(user):
        if not privilege["held"]:
            privilege["missing"] = privilege["points"] - ((user.points or 0) if is_signed_in(user) else 0)
            return privilege
    return None


def trust_level(user: User) -> int:
    """DESIGN.md: Privileges — a displayed summary, the one place it is computed: the last level
    of config TRUST_LEVELS whose points the member has (0 below 15 points, 1 from 15, 2 from 100,
    3 from 1000), and ambassadors the level after that (4)."""
    if user.is_ambassador:
        return rules.ambassador_trust_level()
    points = user.points or 0
    level = 0
    for i, threshold in enumerate(rules.trust_levels()):
        if points >= threshold:
            level = i
    return level


# --------------------------------------------------------------------------- ledger

def ledger(user_id: int) -> sa.Select[Any]:
    """A member's entries, newest first (API.md: GET /users/{id}/points)."""
    return sa.select(PointEntry).where(PointEntry.user_id == user_id).order_by(
        PointEntry.created_at.desc(), PointEntry.id.desc())


def ledger_sum(user_id: int) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0))
                                 .where(PointEntry.user_id == user_id)) or 0)


def open_entries(*conditions: Any) -> sa.Select[Any]:
    """Original entries matching `conditions` that no compensating entry reverses yet."""
    reversal = aliased(PointEntry)
    return sa.select(PointEntry).where(
        PointEntry.reverses.is_(None), *conditions,
        ~sa.exists().where(reversal.reverses == PointEntry.id)).order_by(PointEntry.id)


def vote_points_today(user_id: int, now: dt.datetime) -> int:
    """The day's (UTC) net total of vote entries received, compensations included."""
    start = dt.datetime.combine(now.date(), dt.time())
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0)).where(
            PointEntry.user_id == user_id, PointEntry.reason.in_(rules.CAPPED_REASONS),
            PointEntry.created_at >= start, PointEntry.created_at < start + dt.timedelta(days=1))) or 0)


def _subject_text(entry: PointEntry) -> str:
    return rules.say(rules.SUBJECT_TEXTS.get(entry.subject_type, "#%(id)s"), id=entry.subject_id)


def subject_url(entry: PointEntry) -> str | None:
    if entry.subject_type == "question":
        return f"/questions/{entry.subject_id}"
    if entry.subject_type == "answer":
        question_id = db.session.scalar(sa.select(Answer.question_id).where(Answer.id == entry.subject_id))
        return f"/questions/{question_id}#answer-{entry.subject_id}" if question_id else None
    if entry.subject_type == "idea":
        return f"/ideas/{entry.subject_id}"
    return None


def entry_text(entry: PointEntry) -> str:
    """A ledger entry explained in words (the points history on a profile)."""
    template = rules.REASON_TEXTS.get(entry.reason)
    what = rules.say(template, stage=entry.stage) if template is not None else entry.reason
    what = f"{what} ({_subject_text(entry)})"
    if entry.reverses is not None:
        return rules.say(rules.REVERSAL_TEXT, what=what)
    expected = rules.points_for(entry.reason) * (entry.stage or 1)
    if entry.reason in rules.CAPPED_REASONS and expected > 0 and entry.delta < expected:
        what = f"{what} {rules.say(rules.CAPPED_TEXT)}"
    return what


def history(user_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return [{"entry": e, "text": entry_text(e), "url": subject_url(e)}
            for e in db.session.scalars(ledger(user_id).limit(limit))]


# --------------------------------------------------------------------------- badges

def badges_of(user: Any) -> list[dict[str, Any]]:
    """A member's badges as `{slug, name, tier, description, awarded_at}`, oldest award first."""
    user_id = user if isinstance(user, int) else user.id
    rows = db.session.scalars(sa.select(UserBadge).where(UserBadge.user_id == user_id)
                              .order_by(UserBadge.awarded_at, UserBadge.id))
    return [_badge_dict(row.badge, row.awarded_at) for row in rows]


def _badge_dict(badge: Badge, awarded_at: dt.datetime | None = None) -> dict[str, Any]:
    rule = rules.BADGES_BY_SLUG.get(badge.slug)
    return {"slug": badge.slug, "name": rules.say(rule.name) if rule else badge.name, "tier": badge.tier,
            "description": rules.say(rule.description) if rule else badge.description, "awarded_at": awarded_at}


def badge_catalogue() -> list[dict[str, Any]]:
    """Every badge of the rules with how to earn it and who holds it (the badge page)."""
    holders: dict[str, list[tuple[User, dt.datetime]]] = {b.slug: [] for b in rules.BADGES}
    rows = db.session.execute(sa.select(Badge.slug, User, UserBadge.awarded_at)
                              .join(UserBadge, UserBadge.badge_id == Badge.id)
                              .join(User, User.id == UserBadge.user_id)
                              .order_by(UserBadge.awarded_at, UserBadge.id))
    for slug, member, awarded_at in rows:
        holders.setdefault(slug, []).append((member, awarded_at))
    return [{"slug": b.slug, "name": rules.say(b.name), "tier": b.tier, "description": rules.say(b.description),
             "holders": holders.get(b.slug, [])} for b in rules.BADGES]


def _published(model: Any) -> Any:
    return model.status == ContentStatus.published


def _accepted_answers(user_id: int) -> sa.Select[Any]:
    """Published answers by the member accepted on published questions asked by someone else."""
    return (sa.select(Answer).join(Question, Question.accepted_answer_id == Answer.id)
            .where(Answer.author_id == user_id, _published(Answer), _published(Question),
                   Question.author_id != user_id))


def accepted_answer_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_accepted_answers(user_id).subquery())) or 0


def _ledger_reason_total(user_id: int, reason: str) -> int:
    """How many entries of `reason` the member holds (originals not reversed)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        open_entries(PointEntry.user_id == user_id, PointEntry.reason == reason).subquery())) or 0


def ideas_supported(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(IdeaSupport.id)).where(IdeaSupport.user_id == user_id)) or 0


def _badge_rule_holds(rule: rules.BadgeRule, user_id: int) -> bool:
    n = rule.threshold
    name = rule.rule
    if name == "question_score":
        return db.session.scalar(sa.select(Question.id).where(
            Question.author_id == user_id, _published(Question), Question.score >= n).limit(1)) is not None
    if name == "answer_score":
        return db.session.scalar(sa.select(Answer.id).where(
            Answer.author_id == user_id, _published(Answer), Answer.score >= n).limit(1)) is not None
    if name == "accepted_answers":
        return accepted_answer_count(user_id) >= n
    if name == "accepted_answer_score":
        return db.session.scalar(_accepted_answers(user_id).where(Answer.score >= n)
                                 .with_only_columns(Answer.id).limit(1)) is not None
    if name.startswith("ledger_reason:"):
        return _ledger_reason_total(user_id, name.split(":", 1)[1]) >= n
    if name == "idea_stage":
        return db.session.scalar(open_entries(PointEntry.user_id == user_id,
                                              PointEntry.reason == "idea_stage_reached",
                                              PointEntry.stage >= n).limit(1)) is not None
    if name == "ideas_supported":
        return ideas_supported(user_id) >= n
    if name == "ambassador":
        user = db.session.get(User, user_id)
        return bool(user and user.is_ambassador) or db.session.scalar(
            sa.select(AmbassadorTerm.id).where(AmbassadorTerm.user_id == user_id).limit(1)) is not None
    raise KeyError(f"unknown badge rule {name!r}")


def badges_earned(user_id: int, slugs: list[str] | None = None) -> list[rules.BadgeRule]:
    """The badges whose rule the member's data satisfies (held or not yet awarded)."""
    candidates = rules.BADGES if slugs is None else [rules.BADGES_BY_SLUG[s] for s in slugs]
    return [b for b in candidates if _badge_rule_holds(b, user_id)]


# --------------------------------------------------------------------------- leaderboards

PERIODS = ("week", "month", "all")


def period_start(period: str, now: dt.datetime) -> dt.datetime | None:
    """This week starts on the UTC Monday, this month on the 1st; `all` has no start."""
    today = dt.datetime.combine(now.date(), dt.time())
    if period == "week":
        return today - dt.timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


def _entry_category() -> Any:
    """The category of an entry's subject (questions and answers), for per-category boards."""
    answer_question = sa.select(Question.category_id).join(Answer, Answer.question_id == Question.id).where(
        Answer.id == PointEntry.subject_id).scalar_subquery()
    question = sa.select(Question.category_id).where(Question.id == PointEntry.subject_id).scalar_subquery()
    return sa.case((PointEntry.subject_type == "question", question),
                   (PointEntry.subject_type == "answer", answer_question), else_=None)


def leaderboard(period: str = "week", *, category_id: int | None = None, now: dt.datetime | None = None,
                limit: int = 20) -> list[tuple[User, int]]:
    """Members by points earned in the period (the ledger), optionally within one category."""
    now = now or db.utcnow()
    if period == "all" and category_id is None:
        return [(u, u.points) for u in db.session.scalars(
            sa.select(User).where(User.points > 0).order_by(User.points.desc(), User.id).limit(limit))]
    total = sa.func.sum(PointEntry.delta).label("total")
    stmt = sa.select(PointEntry.user_id, total).group_by(PointEntry.user_id)
    start = period_start(period, now)
    if start is not None:
        stmt = stmt.where(PointEntry.created_at >= start)
    if category_id is not None:
        stmt = stmt.where(_entry_category() == category_id)
    rows = db.session.execute(stmt.having(sa.func.sum(PointEntry.delta) > 0)
                              .order_by(total.desc(), PointEntry.user_id).limit(limit)).all()
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_([r[0] for r in rows])))}
    return [(users[r[0]], int(r[1])) for r in rows if r[0] in users]


def organization_leaderboard(period: str = "week", *, now: dt.datetime | None = None,
                             limit: int = 20) -> list[tuple[Organization, int, int]]:
    """Organizations by the points their members earned in the period: (org, points, members)."""
    now = now or db.utcnow()
    total = sa.func.sum(PointEntry.delta).label("total")
    stmt = (sa.select(Organization, total, sa.func.count(sa.distinct(User.id)))
            .join(User, User.organization_id == Organization.id)
            .join(PointEntry, PointEntry.user_id == User.id).group_by(Organization.id))
    start = period_start(period, now)
    if start is not None:
        stmt = stmt.where(PointEntry.created_at >= start)
    rows = db.session.execute(stmt.having(sa.func.sum(PointEntry.delta) > 0)
                              .order_by(total.desc(), Organization.id).limit(limit)).all()
    return [(org, int(points), int(members)) for org, points, members in rows]


# --------------------------------------------------------------------------- ambassador programme

def week_start(moment: dt.datetime) -> dt.date:
    return moment.date() - dt.timedelta(days=moment.weekday())


def _support_times(user_id: int, since: dt.datetime) -> list[dt.datetime]:
    return list(db.session.scalars(sa.select(IdeaSupport.created_at).where(
        IdeaSupport.user_id == user_id, IdeaSupport.created_at >= since)))


def contribution_times(user_id: int, since: dt.datetime) -> list[dt.datetime]:
    """When the member published a post (question, answer, comment) or supported an idea."""
    times: list[dt.datetime] = []
    for model in (Question, Answer, Comment):
        when = sa.func.coalesce(model.published_at, model.created_at)
        times += list(db.session.scalars(sa.select(when).where(
            model.author_id == user_id, _published(model), when >= since)))
    return times + _support_times(user_id, since)


def active_weeks(user_id: int, now: dt.datetime, weeks: int) -> list[dict[str, Any]]:
    """The last `weeks` UTC Monday-to-Sunday weeks (this one included), oldest first, with
    the number of contributions in each (an active week has at least one)."""
    this_week = week_start(now)
    starts = [this_week - dt.timedelta(weeks=i) for i in reversed(range(weeks))]
    counts = {s: 0 for s in starts}
    for when in contribution_times(user_id, dt.datetime.combine(starts[0], dt.time())):
        start = week_start(when)
        if start in counts:
            counts[start] += 1
    return [{"week": s, "contributions": counts[s], "active": counts[s] > 0} for s in starts]


def last_contribution_at(user_id: int) -> dt.datetime | None:
    times = contribution_times(user_id, dt.datetime(1970, 1, 1))
    return max(times) if times else None


def upheld_rejections(user_id: int, since: dt.datetime) -> int:
    """Moderation rejections of the member's content decided since `since`."""
    return db.session.scalar(sa.select(sa.func.count(ModerationItem.id)).where(
        ModerationItem.author_id == user_id, ModerationItem.status == ItemStatus.rejected,
        ModerationItem.decided_at >= since)) or 0


def latest_nps_score(user_id: int) -> int | None:
    """The member's latest NPS answer, or None when they never answered (the NPS part's
    `latest_scores`); a member without one passes the ambassador NPS criterion."""
    return nps_queries.latest_scores([user_id])[user_id]


def ambassador_evidence(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """DESIGN.md: Ambassador programme — each criterion with its value, requirement and result;
    a member with no NPS answer or moderation history passes those two criteria."""
    now = now or db.utcnow()
    c = rules.ambassador_criteria()
    weeks = active_weeks(user.id, now, c["weeks"])
    n_active = sum(1 for w in weeks if w["active"])
    accepted = accepted_answer_count(user.id)
    member_days = (now - user.created_at).days
    rejections = upheld_rejections(user.id, now - dt.timedelta(days=c["clean_days"]))
    nps = latest_nps_score(user.id)
    criteria = {
        "points": {"value": user.points, "required": c["points"], "passed": user.points >= c["points"]},
        "accepted_answers": {"value": accepted, "required": c["accepted_answers"],
                             "passed": accepted >= c["accepted_answers"]},
        "active_weeks": {"value": n_active, "required": c["active_weeks_of_last_4"],
                         "passed": n_active >= c["active_weeks_of_last_4"],
                         "weeks": [{"week": w["week"].isoformat(), "contributions": w["contributions"]}
                                   for w in weeks]},
        "member_days": {"value": member_days, "required": c["member_days"], "passed": member_days >= c["member_days"]},
        "clean_record": {"value": rejections, "required": c["clean_days"], "passed": rejections == 0},
        "nps": {"value": nps, "required": None, "passed": nps is None or nps > rules.nps_detractor_max()},
    }
    for key, item in criteria.items():
        item["label"] = rules.say(rules.CRITERIA_LABELS[key], required=item["required"], weeks=c["weeks"],
                                  detractor_max=rules.nps_detractor_max())
    return {"eligible": all(item["passed"] for item in criteria.values()), "criteria": criteria}


def ambassador_candidates(now: dt.datetime | None = None) -> list[tuple[User, dict[str, Any]]]:
    """Eligible members who are not ambassadors, with their evidence, most points first."""
    now = now or db.utcnow()
    c = rules.ambassador_criteria()
    members = db.session.scalars(sa.select(User).where(User.is_ambassador.is_(False), User.points >= c["points"])
                                 .order_by(User.points.desc(), User.id))
    found = []
    for member in members:
        evidence = ambassador_evidence(member, now)
        if evidence["eligible"]:
            found.append((member, evidence))
    return found


def ambassadors() -> sa.Select[Any]:
    return sa.select(User).where(User.is_ambassador.is_(True)).order_by(User.username)


def current_term(user_id: int) -> AmbassadorTerm | None:
    return db.session.scalar(sa.select(AmbassadorTerm).where(
        AmbassadorTerm.user_id == user_id, AmbassadorTerm.ended_at.is_(None))
        .order_by(AmbassadorTerm.started_at.desc()).limit(1))


def ambassador_terms(user_id: int | None = None) -> sa.Select[Any]:
    stmt = sa.select(AmbassadorTerm).order_by(AmbassadorTerm.started_at.desc(), AmbassadorTerm.id.desc())
    if user_id is not None:
        stmt = stmt.where(AmbassadorTerm.user_id == user_id)
    return stmt


# --------------------------------------------------------------------------- referrals & onboarding

def user_by_invite_code(code: Any) -> User | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return db.session.scalar(sa.select(User).where(User.invite_code == code.strip()))


def invitees(user_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.invited_by_id == user_id).order_by(User.created_at)))


def onboarding_checklist(user: Any) -> list[dict[str, Any]] | None:
    """The new member's checklist (profile, ask or answer, vote); None once every step is done."""
    if not is_signed_in(user):
        return None
    contributed = any(db.session.scalar(sa.select(model.id).where(model.author_id == user.id).limit(1))
                      for model in (Question, Answer))
    voted = db.session.scalar(sa.select(Vote.id).where(Vote.user_id == user.id).limit(1)) is not None
    supported = db.session.scalar(sa.select(IdeaSupport.id).where(IdeaSupport.user_id == user.id).limit(1)) is not None
    done = {"profile": bool(user.display_name and user.bio), "contribute": contributed, "vote": voted,
            "support": supported}
    if all(done.values()):
        return None
    return [{"key": key, "label": rules.say(label), "done": done[key]} for key, label in rules.ONBOARDING_STEPS.items()]


def profile_summary(user: User) -> dict[str, Any]:
    """What a profile shows of rewards: points, trust level, next privilege, badges, ambassador."""
    return {"points": user.points, "trust_level": trust_level(user), "next_privilege": next_privilege(user),
            "badges": badges_of(user), "ambassador": bool(user.is_ambassador),
            "term": current_term(user.id) if user.is_ambassador else None}
