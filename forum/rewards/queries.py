"""Rewards' reads: privileges and trust levels, badges, the ledger in words, leaderboards,
ambassador eligibility with its evidence, the onboarding checklist.

Other parts read these (docs/architecture.md, the rules of the house): Q&A calls `require_privilege` before a vote, a
comment, a new tag or an edit; the API and profile pages show `trust_level`, `badges_of` and
`next_privilege`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
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
    """docs/rules.md: Privileges — by points, from config PRIVILEGES; `name` is a declared rules.Privilege."""
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
    """docs/rules.md: Privileges — a displayed summary, the one place it is computed: the last level
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
    """A member's entries, newest first (docs/api.md: GET /users/{id}/points)."""
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


def subject_titles(entries: list[PointEntry], viewer: Any) -> dict[tuple[str, int], tuple[str, str]]:
    """(subject type, id) → (title, page) for the subjects of `entries` that `viewer` may see: a
    question's title, an answer's question title (page: the answer's anchor), an idea's title, an
    invited member's name (page: their profile), in one statement whatever the entries (a UNION ALL
    of one SELECT per kind present). Visibility is the parts' own: qa.queries.question_visibility
    (status and ambassadors-only categories) and ideas.queries.idea_visibility."""
    from forum.ideas.models import Idea
    from forum.ideas.queries import idea_visibility
    from forum.qa.queries import question_visibility

    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.subject_type in ("question", "answer", "idea", "user") and entry.subject_id is not None:
            wanted.setdefault(entry.subject_type, set()).add(int(entry.subject_id))
    no_thread = sa.cast(sa.null(), sa.Integer)
    parts: list[sa.Select[Any]] = []
    if "question" in wanted:
        parts.append(sa.select(sa.literal("question").label("kind"), Question.id.label("id"), Question.title.label("title"),
                               Question.id.label("thread")).where(Question.id.in_(wanted["question"]),
                                                                  question_visibility(viewer)))
    if "answer" in wanted:
        parts.append(sa.select(sa.literal("answer"), Answer.id, Question.title, Question.id)
                     .join(Question, Question.id == Answer.question_id)
                     .where(Answer.id.in_(wanted["answer"]), question_visibility(viewer)))
    if "idea" in wanted:
        parts.append(sa.select(sa.literal("idea"), Idea.id, Idea.title, no_thread)
                     .where(Idea.id.in_(wanted["idea"]), idea_visibility(viewer)))
    if "user" in wanted:
        parts.append(sa.select(sa.literal("user"), User.id, sa.func.coalesce(User.display_name, User.username),
                               no_thread).where(User.id.in_(wanted["user"])))
    if not parts:
        return {}
    stmt = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    pages = {"question": lambda i, t: f"/questions/{i}", "answer": lambda i, t: f"/questions/{t}#answer-{i}",
             "idea": lambda i, t: f"/ideas/{i}", "user": lambda i, t: f"/users/{i}"}
    return {(kind, int(i)): (title, pages[kind](i, thread)) for kind, i, title, thread in db.session.execute(stmt)}


_TITLE = "\x00"  # where the subject's title goes, so the page can make just the title the link


def _reason_words(entry: PointEntry) -> str:
    template = rules.REASON_TEXTS.get(entry.reason)
    return rules.say(template, stage=entry.stage) if template is not None else entry.reason


def _finish(entry: PointEntry, what: str) -> str:
    """A compensating entry reads "Reversed: …"; a vote entry the daily cap cut says so."""
    if entry.reverses is not None:
        return rules.say(rules.REVERSAL_TEXT, what=what)
    expected = rules.points_for(entry.reason) * (entry.stage or 1)
    if entry.reason in rules.CAPPED_REASONS and expected > 0 and entry.delta < expected:
        what = f"{what} {rules.say(rules.CAPPED_TEXT)}"
    return what


def entry_text(entry: PointEntry, title: str | None = None, own: bool = False) -> str:
    """A ledger entry explained in words. With the `title` of its subject (subject_titles) it reads
    as the points history does ("Your answer to “How do I export…” was up-voted"; `own`: the reader
    is the member); without, as the API's `text` ("Answer up-voted (answer #38)")."""
    worded = rules.HISTORY_TEXTS.get(entry.reason) if title is not None else None
    if worded is not None:
        what = rules.say(worded[0] if own else worded[1], title=title, stage=entry.stage)
    elif title is None:
        what = f"{_reason_words(entry)} ({_subject_text(entry)})"
    else:
        what = _reason_words(entry)
    return _finish(entry, what)


def history(user_id: int, limit: int = 200, viewer: Any = None) -> list[dict[str, Any]]:
    """The member's latest entries, newest first, each in words with the title of its subject and a
    link to it, as `{entry, text, before, title, after, url}` (the page links `title`; `text` is the
    whole sentence), in two statements: the entries, and every subject's title (subject_titles).
    A subject the viewer may not see (a deleted question, an ambassadors-only category) reads as the
    reason alone ("Answer up-voted"); no entry shows an id."""
    entries = list(db.session.scalars(ledger(user_id).limit(limit)))
    titles = subject_titles(entries, viewer) if entries else {}
    own = is_signed_in(viewer) and viewer.id == user_id
    rows = []
    for entry in entries:
        found = titles.get((entry.subject_type, entry.subject_id)) if entry.reason in rules.HISTORY_TEXTS else None
        if found is None:
            text = _finish(entry, _reason_words(entry))
            rows.append({"entry": entry, "text": text, "before": text, "title": None, "after": "", "url": None})
            continue
        title, url = found
        before, _sep, after = entry_text(entry, title=_TITLE, own=own).partition(_TITLE)
        rows.append({"entry": entry, "text": before + title + after, "before": before, "title": title,
                     "after": after, "url": url})
    return rows


# --------------------------------------------------------------------------- badges

def badges_of(user: Any) -> list[dict[str, Any]]:
    """A member's badges as `{slug, name, tier, description, awarded_at}`, oldest award first."""
    user_id = user if isinstance(user, int) else user.id
    return badges_by_member([user_id])[user_id]


def badges_by_member(user_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """Each member's badges (as `badges_of` gives them) by member id, for all the members in one
    statement (docs/architecture.md, the rules of the house: a list of members does not query per member)."""
    found: dict[int, list[dict[str, Any]]] = {user_id: [] for user_id in user_ids}
    if not found:
        return found
    rows = db.session.execute(sa.select(UserBadge.user_id, UserBadge.awarded_at, Badge)
                              .join(Badge, Badge.id == UserBadge.badge_id)
                              .where(UserBadge.user_id.in_(list(found)))
                              .order_by(UserBadge.awarded_at, UserBadge.id))
    for user_id, awarded_at, badge in rows:
        found[user_id].append(_badge_dict(badge, awarded_at))
    return found


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


def _accepted_answers_of(user_ids: Collection[int]) -> sa.Select[Any]:
    """Published answers by the members accepted on published questions asked by someone else."""
    return (sa.select(Answer).join(Question, Question.accepted_answer_id == Answer.id)
            .where(Answer.author_id.in_(list(user_ids)), _published(Answer), _published(Question),
                   Question.author_id != Answer.author_id))


def _accepted_answers(user_id: int) -> sa.Select[Any]:
    return _accepted_answers_of([user_id])


def accepted_answer_counts(user_ids: Collection[int]) -> dict[int, int]:
    """How many accepted answers (docs/rules.md: Ambassador programme) each member has, in one statement."""
    counts = {user_id: 0 for user_id in user_ids}
    if counts:
        accepted = _accepted_answers_of(counts).subquery()
        counts.update(db.session.execute(sa.select(accepted.c.author_id, sa.func.count())
                                         .group_by(accepted.c.author_id)).all())
    return counts


def accepted_answer_count(user_id: int) -> int:
    return accepted_answer_counts([user_id])[user_id]


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
            sa.select(User).where(User.points > 0, User.deleted_at.is_(None))
            .order_by(User.points.desc(), User.id).limit(limit))]
    total = sa.func.sum(PointEntry.delta).label("total")
    # a deleted member's ledger stays (docs/rules.md: Personal data) but no longer ranks
    stmt = (sa.select(PointEntry.user_id, total).group_by(PointEntry.user_id)
            .where(PointEntry.user_id.not_in(sa.select(User.id).where(User.deleted_at.is_not(None)))))
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


def contribution_times(user_id: int, since: dt.datetime) -> list[dt.datetime]:
    """One member's `contribution_times_of`."""
    return contribution_times_of([user_id], since)[user_id]


def contribution_times_of(user_ids: Collection[int], since: dt.datetime) -> dict[int, list[dt.datetime]]:
    """When each member published a post (question, answer, comment) or supported an idea since
    `since`, by member id: one statement per kind of contribution for all the members."""
    times: dict[int, list[dt.datetime]] = {user_id: [] for user_id in user_ids}
    if not times:
        return times
    for model in (Question, Answer, Comment):
        when = sa.func.coalesce(model.published_at, model.created_at)
        rows = db.session.execute(sa.select(model.author_id, when).where(
            model.author_id.in_(list(times)), _published(model), when >= since))
        for user_id, moment in rows:
            times[user_id].append(moment)
    supports = db.session.execute(sa.select(IdeaSupport.user_id, IdeaSupport.created_at).where(
        IdeaSupport.user_id.in_(list(times)), IdeaSupport.created_at >= since))
    for user_id, moment in supports:
        times[user_id].append(moment)
    return times


def active_weeks_of(user_ids: Collection[int], now: dt.datetime, weeks: int) -> dict[int, list[dict[str, Any]]]:
    """For each member, the last `weeks` UTC Monday-to-Sunday weeks (this one included), oldest
    first, with the number of contributions in each (an active week has at least one)."""
    this_week = week_start(now)
    starts = [this_week - dt.timedelta(weeks=i) for i in reversed(range(weeks))]
    found = {}
    for user_id, times in contribution_times_of(user_ids, dt.datetime.combine(starts[0], dt.time())).items():
        counts = {s: 0 for s in starts}
        for when in times:
            start = week_start(when)
            if start in counts:
                counts[start] += 1
        found[user_id] = [{"week": s, "contributions": counts[s], "active": counts[s] > 0} for s in starts]
    return found


def active_weeks(user_id: int, now: dt.datetime, weeks: int) -> list[dict[str, Any]]:
    """One member's `active_weeks_of`."""
    return active_weeks_of([user_id], now, weeks)[user_id]


def last_contribution_at(user_id: int) -> dt.datetime | None:
    times = contribution_times(user_id, dt.datetime(1970, 1, 1))
    return max(times) if times else None


def upheld_rejections(user_id: int, since: dt.datetime) -> int:
    """One member's `upheld_rejections_of`."""
    return upheld_rejections_of([user_id], since)[user_id]


def latest_nps_score(user_id: int) -> int | None:
    """The member's latest NPS answer, or None when they never answered (the NPS part's
    `latest_scores`); a member without one passes the ambassador NPS criterion."""
    return nps_queries.latest_scores([user_id])[user_id]


def upheld_rejections_of(user_ids: Collection[int], since: dt.datetime) -> dict[int, int]:
    """Moderation rejections of each member's content decided since `since`, in one statement."""
    counts = {user_id: 0 for user_id in user_ids}
    if counts:
        counts.update(db.session.execute(
            sa.select(ModerationItem.author_id, sa.func.count(ModerationItem.id)).where(
                ModerationItem.author_id.in_(list(counts)), ModerationItem.status == ItemStatus.rejected,
                ModerationItem.decided_at >= since).group_by(ModerationItem.author_id)).all())
    return counts


def latest_nps_scores(user_ids: Collection[int]) -> dict[int, int | None]:
    """Each member's latest NPS answer (`latest_nps_score`), by member id, in one statement."""
    return nps_queries.latest_scores(user_ids)


def ambassador_evidence_of(members: Collection[User], now: dt.datetime | None = None) -> dict[int, dict[str, Any]]:
    """`ambassador_evidence` of every member by member id, in a fixed number of statements
    whatever the number of members (one per kind of evidence)."""
    now = now or db.utcnow()
    c = rules.ambassador_criteria()
    ids = [m.id for m in members]
    weeks = active_weeks_of(ids, now, c["weeks"])
    accepted = accepted_answer_counts(ids)
    rejections = upheld_rejections_of(ids, now - dt.timedelta(days=c["clean_days"]))
    nps = latest_nps_scores(ids)
    return {m.id: _evidence(m, now, weeks[m.id], accepted[m.id], rejections[m.id], nps[m.id]) for m in members}


def ambassador_evidence(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """docs/rules.md: Ambassador programme — each criterion with its value, requirement and result;
    a member with no NPS answer or moderation history passes those two criteria."""
    return ambassador_evidence_of([user], now)[user.id]


def _evidence(user: User, now: dt.datetime, weeks: list[dict[str, Any]], accepted: int, rejections: int,
              nps: int | None) -> dict[str, Any]:
    """The criteria of `ambassador_evidence` judged on one member's figures."""
    c = rules.ambassador_criteria()
    n_active = sum(1 for w in weeks if w["active"])
    member_days = (now - user.created_at).days
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
    members = list(db.session.scalars(sa.select(User).where(User.is_ambassador.is_(False),
                                                            User.points >= c["points"], User.deleted_at.is_(None))
                                      .order_by(User.points.desc(), User.id)))
    evidence = ambassador_evidence_of(members, now)
    return [(member, evidence[member.id]) for member in members if evidence[member.id]["eligible"]]


def ambassadors() -> sa.Select[Any]:
    return sa.select(User).where(User.is_ambassador.is_(True)).order_by(User.username)


def current_term(user_id: int) -> AmbassadorTerm | None:
    return current_terms([user_id]).get(user_id)


def current_terms(user_ids: Collection[int]) -> dict[int, AmbassadorTerm]:
    """Each member's open term (the latest started) by member id, in one statement; members
    without an open term are absent."""
    if not user_ids:
        return {}
    terms: dict[int, AmbassadorTerm] = {}
    for term in db.session.scalars(sa.select(AmbassadorTerm).where(
            AmbassadorTerm.user_id.in_(list(user_ids)), AmbassadorTerm.ended_at.is_(None))
            .order_by(AmbassadorTerm.started_at.desc(), AmbassadorTerm.id.desc())):
        terms.setdefault(term.user_id, term)
    return terms


def ambassador_terms(user_id: int | None = None) -> sa.Select[Any]:
    stmt = sa.select(AmbassadorTerm).order_by(AmbassadorTerm.started_at.desc(), AmbassadorTerm.id.desc())
    if user_id is not None:
        stmt = stmt.where(AmbassadorTerm.user_id == user_id)
    return stmt


# --------------------------------------------------------------------------- onboarding

def onboarding_checklist(user: Any) -> list[dict[str, Any]] | None:
    """The new member's checklist (profile, ask or answer, vote, support); None once every step is
    done. A step that needs a privilege the member lacks (rules.ONBOARDING_STEP_PRIVILEGES: voting)
    is not `available`: the page offers only what the member can do now and says, in `later`, at
    how many points the rest opens."""
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
    steps = []
    for key, label in rules.ONBOARDING_STEPS.items():
        needs = rules.ONBOARDING_STEP_PRIVILEGES.get(key)
        available = needs is None or has_privilege(user, needs)
        later = None if available else rules.say(rules.ONBOARDING_LATER_TEXT, step=rules.say(label),
                                                 points=rules.privilege_thresholds()[needs])
        steps.append({"key": key, "label": rules.say(label), "done": done[key], "available": available,
                      "later": later})
    return steps


def profile_panel(member: User, viewer: Any, recent: int = 5) -> dict[str, Any]:
    """What the profile page's rewards panel shows, computed before rendering (docs/architecture.md, the rules of the house):
    the summary, the latest `recent` ledger entries explained, and, for the member themself,
    the onboarding checklist."""
    is_self = is_signed_in(viewer) and viewer.id == member.id
    return {"summary": profile_summary(member), "recent": history(member.id, recent, viewer),
            "checklist": onboarding_checklist(member) if is_self else None}


def profile_summary(user: User) -> dict[str, Any]:
    """What a profile shows of rewards: points, trust level, next privilege, badges, ambassador."""
    return {"points": user.points, "trust_level": trust_level(user), "next_privilege": next_privilege(user),
            "badges": badges_of(user), "ambassador": bool(user.is_ambassador),
            "term": current_term(user.id) if user.is_ambassador else None}


# ----------------------------------------------------------------------------- health reports

def ambassadors_between(since: dt.datetime, until: dt.datetime) -> set[int]:
    """Members whose ambassador term overlapped [since, until) (docs/rules.md: Health reports)."""
    end = sa.func.coalesce(AmbassadorTerm.ended_at, AmbassadorTerm.ends_at)
    return set(db.session.scalars(sa.select(AmbassadorTerm.user_id).where(
        AmbassadorTerm.started_at < until, end > since).distinct()))
