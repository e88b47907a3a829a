"""The community-health report (docs/rules.md: Health reports): every metric of a period and of the
period of equal length before it, the health index with its sub-scores and formula, the series the
dashboard draws, the launch-readiness check and the proof that criticism is answered.

Activity (DAU, WAU, MAU, contributors, activation, cohorts) and event counts come from the
engagement log through ``forum.engagement.queries`` — its roll-ups for closed days, raw events only
for today (and closed days not rolled up yet); the other numbers from each part's queries."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from forum import db
from forum.accounts import queries as accounts_queries
from forum.engagement import queries as log
from forum.health import rules
from forum.ideas import queries as ideas_queries
from forum.ideas.models import IdeaStatus
from forum.moderation import queries as moderation_queries
from forum.moderation.models import ItemStatus
from forum.nps import queries as nps_queries
from forum.qa import queries as qa_queries
from forum.qa.models import Category
from forum.rewards import queries as rewards_queries

DAY = dt.timedelta(days=1)
INSTANT = dt.timedelta(microseconds=1)  # `now` itself is in the past: [since, now + INSTANT)
COUNTED_KINDS = ("question", "answer", "ask_started", "ask_abandoned_after_suggestion")


@dataclass(frozen=True)
class Period:
    """A report's days, `start` … `end` inclusive (UTC). Times are read in [since, until), `until`
    being the end of the last day or `now`, whichever is sooner; days after today have no data."""

    start: dt.date
    end: dt.date
    now: dt.datetime

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def until(self) -> dt.datetime:
        return max(self.since, min(dt.datetime.combine(self.end + DAY, dt.time()), self.now + INSTANT))

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def last(self) -> dt.date:
        """The last day with data: the period's end, or today."""
        return min(self.end, self.today)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + DAY * i for i in range((self.last - self.start).days + 1)]

    def previous(self) -> "Period":
        length = (self.end - self.start).days + 1
        return Period(self.start - DAY * length, self.start - DAY, self.now)


# ----------------------------------------------------------------------------- small arithmetic

def ratio(part: float | None, whole: float | None, digits: int = 4) -> float | None:
    """part ÷ whole, None when whole is 0 or unknown (never a division by zero)."""
    if part is None or not whole:
        return None
    return round(part / whole, digits)


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile with linear interpolation between ranks (q = 0.5 is the median); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ----------------------------------------------------------------------------- the metrics

def _activity_metrics(p: Period, category_id: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Members, DAU/WAU/MAU, contributors, activation and cohorts (from the log's roll-ups)."""
    out: dict[str, Any] = {}
    members = accounts_queries.member_totals(p.since, p.until)
    out["members_total"], out["members_new"] = members["total"], members["new"]
    days = p.days
    extra: dict[str, Any] = {"active_by_day": {d: 0 for d in days}, "active": None}
    if not days:
        out.update(dau=None, wau=None, mau=None, stickiness=None, contributors=None, contributor_ratio=None,
                   activation_rate=None, retention_cohorts=[])
        return out, extra
    last = p.last
    month = log.active_members(last - DAY * 29, last, today=p.today, until=p.until, category_id=category_id,
                               recent_from=last - DAY * 6)
    period = log.active_members_by_week(p.start, last, today=p.today, until=p.until, category_id=category_id)
    for day, count in log.active_by_day(p.start, last, today=p.today, until=p.until,
                                        category_id=category_id).items():
        extra["active_by_day"][day] = count
    dau = sum(extra["active_by_day"].values()) / len(days)
    out["dau"] = round(dau, 2)
    out["wau"], out["mau"] = month.recent, month.active
    out["stickiness"] = ratio(dau, month.active)
    out["contributors"] = int(period.contributors)
    out["contributor_ratio"] = ratio(period.contributors, period.active)
    extra["active"] = int(period.active)
    out["activation_rate"] = _activation(p, category_id, members["new"])
    out["retention_cohorts"] = _cohorts(p, category_id)
    return out, extra


def mau(p: Period, category_id: int | None = None) -> int | None:
    """The MAU of a period alone (distinct active members in its last 30 days; None for a period
    with no day yet): what the growth sub-score of the period after it compares with."""
    if not p.days:
        return None
    return log.active_members(p.last - DAY * 29, p.last, today=p.today, until=p.until,
                              category_id=category_id).active


def _joined(p: Period) -> Any:
    joined = accounts_queries.members_joined(p.since, p.until).subquery("joined")
    return joined, log.day_number(joined.c.created_at)


def _activation(p: Period, category_id: int | None, new_members: int) -> float | None:
    """Share of the period's new members with a contribution on their sign-up day or the
    HEALTH.activation_days after it (read up to today)."""
    if not new_members:
        return None
    window = rules.activation_days()
    last = min(p.last + DAY * window, p.today)
    joined, _joined_day = _joined(p)
    activated = log.activated_members(joined, window, p.start, last, today=p.today, until=p.now + INSTANT,
                                      category_id=category_id)
    return ratio(activated, new_members)


def _week_of(number: int) -> int:
    """Weeks from Monday 1970-01-05 … (1970-01-01 was a Thursday): the same rule as the SQL below."""
    return (number + 3) // 7


def _monday(week: int) -> dt.date:
    return log.as_day(week * 7 - 3)


def _cohorts(p: Period, category_id: int | None) -> list[dict[str, Any]]:
    """Weekly sign-up cohorts of the period: {cohort (its Monday), size, retained: [share active in the
    sign-up week, the week after, …]} up to HEALTH.retention_weeks weeks and the period's last day.

    A cohort's later weeks count its active members; its sign-up week only activity from the
    sign-up day on (docs/rules.md: retention_cohorts). In the weeks read from the roll-ups the
    cohorts are one grouped count of MemberWeek rows by (signup_week, week) — except a first or last
    cohort with members who signed up in its week but outside the period — and the days not rolled
    up (and those edge cohorts) are read member by member."""
    from forum.engagement.models import ALL_CATEGORIES, MemberWeek

    joined, joined_day = _joined(p)
    cohort_week = (joined_day + 3) // 7
    sizes = {int(w): int(n) for w, n in db.session.execute(
        sa.select(cohort_week, sa.func.count()).select_from(joined).group_by(cohort_week))}
    if not sizes:
        return []
    weeks = int(rules.health().get("retention_weeks", 12))
    category = ALL_CATEGORIES if category_id is None else category_id
    whole, spans = log.rolled_weeks(p.start, p.last, today=p.today, until=p.until)
    whole_numbers = {_week_of((m - log.EPOCH).days) for m in whole}
    # A cohort whose week reaches outside the period is read member by member only when some member
    # signed up in that week outside the period (their MemberWeek rows carry the same signup_week).
    interior = set(sizes)
    first_monday = dt.datetime.combine(_monday(min(sizes)), dt.time())
    if first_monday < p.since and db.session.scalar(sa.select(sa.func.count()).select_from(
            accounts_queries.members_joined(first_monday, p.since).subquery())):
        interior.discard(min(sizes))
    after_last = dt.datetime.combine(_monday(max(sizes)) + DAY * 7, dt.time())
    if after_last > p.until and db.session.scalar(sa.select(sa.func.count()).select_from(
            accounts_queries.members_joined(p.until, after_last).subquery())):
        interior.discard(max(sizes))
    active: dict[tuple[int, int], int] = {}
    if whole and interior:
        stmt = (sa.select(MemberWeek.signup_week, MemberWeek.week, sa.func.count())
                .where(MemberWeek.category_id == category, MemberWeek.week >= whole[0], MemberWeek.week <= whole[-1],
                       MemberWeek.signup_week >= _monday(min(interior)),
                       MemberWeek.signup_week <= _monday(max(interior)), MemberWeek.week >= MemberWeek.signup_week)
                .group_by(MemberWeek.signup_week, MemberWeek.week))
        for signup, week, n in db.session.execute(stmt):
            cw, aw = _week_of((log.as_day_value(signup) - log.EPOCH).days), _week_of((log.as_day_value(week) - log.EPOCH).days)
            if cw in interior and aw in whole_numbers and aw <= cw + weeks:
                active[(cw, aw)] = int(n)
    parts: list[Any] = []
    boundary = sorted(set(sizes) - interior)
    if whole and boundary:
        rolled = (sa.select(((log.day_number(MemberWeek.week) + 3) // 7).label("week"),
                            MemberWeek.user_id.label("user_id"), log.day_number(MemberWeek.last_day).label("last_daynum"),
                            sa.literal(1).label("rolled"))
                  .where(MemberWeek.category_id == category, MemberWeek.week >= whole[0], MemberWeek.week <= whole[-1],
                         MemberWeek.signup_week.in_([_monday(w) for w in boundary])))
        parts.append(rolled)
    for begin, end in spans:
        act = log.activity(begin, end, today=p.today, until=p.until, category_id=category_id)
        parts.append(sa.select(((act.c.daynum + 3) // 7).label("week"), act.c.user_id.label("user_id"),
                               act.c.daynum.label("last_daynum"), sa.literal(0).label("rolled")))
    if parts:
        act = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("cohort_activity")
        # A row of a later week than the sign-up week is activity after the sign-up day; a row of the
        # sign-up week counts when its last active day is on or after it.
        stmt = (sa.select(cohort_week.label("cw"), act.c.week.label("aw"), sa.func.count(sa.distinct(joined.c.id)))
                .select_from(joined).join(act, act.c.user_id == joined.c.id)
                .where(act.c.week >= cohort_week, act.c.week <= cohort_week + weeks,
                       sa.or_(act.c.week > cohort_week, act.c.last_daynum >= joined_day),
                       sa.or_(act.c.rolled == 0, cohort_week.in_(boundary)))
                .group_by(cohort_week, act.c.week))
        for cw, aw, n in db.session.execute(stmt):
            if (int(cw) in interior and int(aw) in whole_numbers):
                continue
            key = (int(cw), int(aw))
            active[key] = active.get(key, 0) + int(n)
    last_week = _week_of((p.last - log.EPOCH).days)
    result = []
    for week in sorted(sizes):
        span = range(week, min(last_week, week + weeks) + 1)
        result.append({"cohort": _monday(week).isoformat(), "size": sizes[week],
                       "retained": [round(active.get((week, w), 0) / sizes[week], 4) for w in span]})
    return result


def _qa_metrics(p: Period, category_id: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    out: dict[str, Any] = {}
    counts = log.kind_counts(p.start, p.last, COUNTED_KINDS, today=p.today, until=p.until,
                             category_id=category_id) if p.days else {}

    def total(kind: str) -> int:
        return sum(n for (_day, k), n in counts.items() if k == kind)

    out["questions"], out["answers"] = total("question"), total("answer")
    out["deflection_rate"] = ratio(total("ask_abandoned_after_suggestion"), total("ask_started"))
    rows = qa_queries.questions_published_between(p.since, p.until, category_id)
    limit = rules.response_hours() * 60.0 + 1e-5  # minutes; the margin absorbs julianday's rounding
    waits: list[float] = []
    weekly: dict[int, list[int]] = {}  # Monday's day number → [questions, answered in time, accepted]
    in_time = accepted = 0
    for day, was_accepted, wait in rows:  # one pass over the period's questions
        week = weekly.get(day - (day + 3) % 7)  # 1970-01-05, day 4, was a Monday
        if week is None:
            week = weekly[day - (day + 3) % 7] = [0, 0, 0]
        week[0] += 1
        if wait is not None:
            waits.append(wait)
            if wait <= limit:
                week[1] += 1
                in_time += 1
        if was_accepted:
            week[2] += 1
            accepted += 1
    waits.sort()
    out["response_rate_24h"] = ratio(in_time, len(rows))
    out["median_first_answer_minutes"] = _minutes(percentile(waits, 0.5))
    out["p90_first_answer_minutes"] = _minutes(percentile(waits, 0.9))
    out["solved_rate"] = ratio(accepted, len(rows))
    extra = {
        "counts": counts,
        "weekly": [{"week": log.as_day(monday).isoformat(), "response_rate_24h": ratio(timely, n),
                    "solved_rate": ratio(solved, n)}
                   for monday, (n, timely, solved) in sorted(weekly.items())],
    }
    by_author = qa_queries.answers_by_author_between(p.since, p.until, category_id)
    answered = sum(by_author.values())
    ranked = sorted(by_author.items(), key=lambda item: (-item[1], item[0]))
    top = max(1, math.ceil(rules.superuser_top() * len(ranked))) if ranked else 0
    out["superuser_share"] = ratio(sum(n for _a, n in ranked[:top]), answered)
    ambassadors = _ambassadors(p)
    out["ambassadors"] = len(ambassadors)
    out["ambassador_answer_share"] = ratio(sum(n for a, n in by_author.items() if a in ambassadors), answered)
    staff = accounts_queries.staff_ids()
    out["peer_answer_share"] = ratio(sum(n for a, n in by_author.items() if a not in staff), answered)
    extra["responders"] = staff | ambassadors
    return out, extra


def _ambassadors(p: Period) -> set[int]:
    """Members whose ambassador term overlapped the period, and today's ambassadors when it reaches today."""
    found = rewards_queries.ambassadors_between(p.since, p.until)
    if p.end >= p.today:
        found |= accounts_queries.ambassador_ids()
    return found


def _idea_metrics(p: Period, category_id: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    out: dict[str, Any] = {}
    ideas = ideas_queries.ideas_submitted_between(p.since, p.until, category_id)
    out["ideas_submitted"] = len(ideas)
    by_status = {s.value: 0 for s in IdeaStatus}
    for idea in ideas:
        by_status[str(idea.status)] = by_status.get(str(idea.status), 0) + 1
    out["ideas_by_stage"] = by_status
    moves = ideas_queries.status_moves_between(p.since, p.until, category_id)
    for key, status in (("ideas_in_review", "in_review"), ("ideas_approved", "approved"),
                        ("ideas_shipped", "shipped"), ("ideas_expired", "expired")):
        out[key] = moves.get(status, 0)
    reached = ideas_queries.statuses_reached([i.id for i in ideas])
    stages = len(current_app.config["IDEA_STAGES"])
    funnel = [{"stage": "submitted", "count": len(ideas)}]
    funnel += [{"stage": f"stage_{k}", "count": sum(1 for i in ideas if i.stage >= k)} for k in range(1, stages + 1)]
    for status, counted in (("in_review", ("in_review", "approved", "not_approved", "on_hold", "shipped")),
                            ("approved", ("approved", "shipped")), ("shipped", ("shipped",))):
        funnel.append({"stage": status, "count": sum(
            1 for i in ideas if reached.get(i.id, set()) & set(counted) or str(i.status) in counted)})
    extra = {"funnel": funnel,
             "idea_progress_rate": ratio(sum(1 for i in ideas if i.stage >= 1), len(ideas))}
    return out, extra


def _nps_metrics(p: Period, category_id: int | None) -> dict[str, Any]:
    score = nps_queries.score_between(p.since, p.until, category_id)
    return {"nps": _rounded(score.nps), "nps_responses": score.responses,
            "nps_margin_of_error": _rounded(score.margin_of_error)}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _followup_metrics(p: Period) -> dict[str, Any]:
    """Follow-ups (community-wide: they have no category) open and overdue at the period's end, and
    the share of those opened in it first contacted within HEALTH.reply_hours."""
    rows = nps_queries.followup_timeline(p.since, p.until)
    end = p.until
    still_open = [r for r in rows if r.resolved_at is None or r.resolved_at >= end]
    opened = [r for r in rows if r.created_at >= p.since]
    window = dt.timedelta(hours=rules.reply_hours())
    contacted = sum(1 for r in opened if r.first_note_at is not None and r.first_note_at - r.created_at <= window)
    return {"followups_open": len(still_open),
            "followups_overdue": sum(1 for r in still_open if r.due_at < end),
            "followups_contacted_48h_rate": ratio(contacted, len(opened))}


def _moderation_metrics(p: Period, category_id: int | None, responders: set[int]) -> dict[str, Any]:
    """The queue's summary and the criticism numbers for the items held in the period."""
    items = moderation_queries.items_held_between(p.since, p.until)
    posts = sorted({(i.content_type, i.content_id) for i in items if i.content_type != "idea"})
    threads = qa_queries.post_threads(posts)
    if category_id is not None:
        idea_categories = ideas_queries.idea_categories([i.content_id for i in items if i.content_type == "idea"])

        def category_of(item: Any) -> int | None:
            if item.content_type == "idea":
                return idea_categories.get(item.content_id)
            return (threads.get((item.content_type, item.content_id)) or {}).get("category_id")

        items = [i for i in items if category_of(i) == category_id]
    decided = [i for i in items if i.status != ItemStatus.open]
    holds = [(i.decided_at - i.held_at).total_seconds() / 60 for i in decided if i.decided_at is not None]
    out: dict[str, Any] = {
        "moderation_held": len(items),
        "moderation_released": sum(1 for i in items if i.status == ItemStatus.approved),
        "moderation_rejected": sum(1 for i in items if i.status == ItemStatus.rejected),
        "median_hold_minutes": _minutes(percentile([max(h, 0.0) for h in holds], 0.5)),
    }
    negative = sorted({(i.content_type, i.content_id) for i in items if i.negative})
    window = dt.timedelta(hours=rules.reply_hours())
    published = {key: threads[key] for key in negative if key in threads and threads[key]["published_at"]}
    answered = 0
    if published:
        times = [t["published_at"] for t in published.values()]
        replies: dict[int, list[tuple[int, dt.datetime]]] = {}
        for question_id, author, at in qa_queries.thread_replies(
                sorted({t["question_id"] for t in published.values()}),
                min(times), max(times) + window + dt.timedelta(seconds=1)):
            replies.setdefault(question_id, []).append((author, at))
        for thread in published.values():
            start = thread["published_at"]
            if any(author in responders and author != thread["author_id"] and start <= at <= start + window
                   for author, at in replies.get(thread["question_id"], ())):
                answered += 1
    out["negative_posts"] = len(negative)
    out["negative_answered_rate"] = ratio(answered, len(negative))
    negative_decided = [i for i in decided if i.negative]
    other_decided = [i for i in decided if not i.negative]
    out["negative_rejection_rate"] = ratio(sum(1 for i in negative_decided if i.status == ItemStatus.rejected),
                                           len(negative_decided))
    out["other_rejection_rate"] = ratio(sum(1 for i in other_decided if i.status == ItemStatus.rejected),
                                        len(other_decided))
    return out


def period_metrics(p: Period, category_id: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every metric of rules.METRIC_KEYS for one period, and what the series and the index need."""
    activity, extra = _activity_metrics(p, category_id)
    qa, qa_extra = _qa_metrics(p, category_id)
    ideas, idea_extra = _idea_metrics(p, category_id)
    found = activity | qa | ideas | _nps_metrics(p, category_id) | _followup_metrics(p) \
        | _moderation_metrics(p, category_id, qa_extra["responders"])
    return {key: found[key] for key in rules.METRIC_KEYS}, extra | qa_extra | idea_extra


# ----------------------------------------------------------------------------- the index

def index_inputs(metrics: dict[str, Any], previous: dict[str, Any], extra: dict[str, Any]) -> dict[str, float | None]:
    mau, before = metrics.get("mau"), previous.get("mau")
    return {
        "mau_change": ratio((mau - before) if mau is not None and before is not None else None, before),
        "stickiness": metrics["stickiness"], "contributor_ratio": metrics["contributor_ratio"],
        "response_rate_24h": metrics["response_rate_24h"], "solved_rate": metrics["solved_rate"],
        "deflection_rate": metrics["deflection_rate"], "nps": metrics["nps"],
        "idea_progress_rate": extra.get("idea_progress_rate"),
    }


def health_index(inputs: dict[str, float | None]) -> tuple[float | None, dict[str, float | None]]:
    """Each sub-score the mean of its parts that have data (rules.SUB_SCORES, 0–100), and the index
    the weighted mean (HEALTH.weights) of the sub-scores that have data; None without any."""
    targets, weights = rules.targets(), rules.weights()
    sub_scores: dict[str, float | None] = {}
    for name, parts in rules.SUB_SCORES.items():
        scores = [s for s in (rules.part_score(part, inputs.get(part.metric), targets.get(part.metric))
                              for part in parts) if s is not None]
        sub_scores[name] = round(sum(scores) / len(scores), 1) if scores else None
    weighted = [(weights.get(name, 0.0), s) for name, s in sub_scores.items() if s is not None]
    total = sum(w for w, _s in weighted)
    index = round(sum(w * s for w, s in weighted) / total, 1) if total else None
    return index, sub_scores


def _pct(value: float) -> str:
    return f"{value * 100:g} %"


def health_formula() -> str:
    """The index's formula as text, with the configured targets and weights."""
    t, w = rules.targets(), rules.weights()
    weights = ", ".join(f"{name} {w.get(name, 0):g}" for name in rules.SUB_SCORES)
    return _(
        "Health index = the weighted mean of the sub-scores that have data (weights: %(weights)s). "
        "growth = 50 + 50 × (MAU change against the previous period ÷ %(growth)s); "
        "engagement = mean of 100 × stickiness ÷ %(stickiness)s and 100 × contributor ratio ÷ %(contributors)s; "
        "responsiveness = 100 × response rate within 24 h ÷ %(response)s; "
        "solutions = mean of 100 × solved rate ÷ %(solved)s and 100 × deflection rate ÷ %(deflection)s; "
        "sentiment = (NPS + 100) ÷ 2; "
        "ideas = 100 × share of the period's ideas that reached the first support threshold ÷ %(ideas)s. "
        "Each sub-score is held between 0 and 100.",
        weights=weights, growth=_pct(t["mau_change"]), stickiness=_pct(t["stickiness"]),
        contributors=_pct(t["contributor_ratio"]), response=_pct(t["response_rate_24h"]),
        solved=_pct(t["solved_rate"]), deflection=_pct(t["deflection_rate"]), ideas=_pct(t["idea_progress_rate"]))


def launch_readiness(metrics: dict[str, Any]) -> dict[str, Any]:
    """Ready to open the community to all customers when at least NPS_MIN_RESPONSES answers were
    given in the period and NPS − its margin of error ≥ HEALTH.launch_nps."""
    needed = float(rules.health()["launch_nps"])
    minimum = int(current_app.config["NPS_MIN_RESPONSES"])
    nps, margin, responses = metrics["nps"], metrics["nps_margin_of_error"], metrics["nps_responses"]
    result = {"ready": False, "nps": nps, "margin_of_error": margin, "needed": needed, "responses": responses,
              "min_responses": minimum}
    if nps is None or responses < minimum:
        result["reason"] = _("Not enough survey answers in the period: %(n)d of the %(min)d needed.",
                             n=responses, min=minimum)
        return result
    low = round(nps - (margin or 0.0), 1)
    result["ready"] = low >= needed
    numbers = {"nps": f"{nps:g}", "margin": f"{margin or 0:g}", "low": f"{low:g}", "needed": f"{needed:g}"}
    if result["ready"]:
        result["reason"] = _("Ready: NPS %(nps)s − margin %(margin)s = %(low)s, at least the %(needed)s needed.",
                             **numbers)
    else:
        result["reason"] = _("Not ready: NPS %(nps)s − margin %(margin)s = %(low)s, below the %(needed)s needed.",
                             **numbers)
    return result


# ----------------------------------------------------------------------------- the report

def category_brief(category_id: int | None) -> dict[str, Any] | None:
    if category_id is None:
        return None
    category = db.session.get(Category, category_id)
    return None if category is None else {"id": category.id, "name": category.name, "slug": category.slug}


def definitions() -> dict[str, str]:
    return {key: str(text) for key, text in rules.DEFINITIONS.items()}


def health_report(start: dt.date, end: dt.date, category_id: int | None = None,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """The health report of docs/rules.md (Health reports) for the days `start` … `end` (inclusive),
    optionally of one category, compared with the period of equal length just before it."""
    now = now or db.utcnow()
    current = Period(start, end, now)
    metrics, extra = period_metrics(current, category_id)
    previous, previous_extra = period_metrics(current.previous(), category_id)
    index, sub_scores = health_index(index_inputs(metrics, previous, extra))
    earlier = {"mau": mau(current.previous().previous(), category_id)}
    previous_index, previous_sub_scores = health_index(index_inputs(previous, earlier, previous_extra))
    days = current.days
    counts = extra["counts"]
    trend = nps_queries.monthly_between(current.since, current.until, category_id) if days else []
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "category": category_brief(category_id),
        "health_index": index,
        "health_formula": health_formula(),
        "sub_scores": sub_scores,
        "previous_health_index": previous_index,
        "previous_sub_scores": previous_sub_scores,
        "metrics": metrics,
        "previous": previous,
        "series": {
            "days": [d.isoformat() for d in days],
            "active_members": [extra["active_by_day"].get(d, 0) for d in days],
            "questions": [counts.get((d, "question"), 0) for d in days],
            "answers": [counts.get((d, "answer"), 0) for d in days],
            "weekly": extra["weekly"],
            "nps_trend": [{"month": month, "nps": _rounded(score.nps), "margin": _rounded(score.margin_of_error),
                           "responses": score.responses} for month, score in trend],
            "idea_funnel": extra["funnel"],
        },
        "launch": launch_readiness(metrics),
        "criticism": {key: metrics[key] for key in rules.CRITICISM_KEYS},
        "definitions": definitions(),
    }


# ----------------------------------------------------------------------------- the period asked for

class PeriodError(ValueError):
    """A period the report refuses, with the parameter to blame (`from` or `to`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_day(text: str | None, field: str) -> dt.date | None:
    if text is None or text == "":
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_day(field)
    except ValueError:
        return _bad_day(field)


def _bad_day(field: str) -> dt.date:
    raise PeriodError(field, _("%(field)s must be a date written YYYY-MM-DD.", field=field))


def parse_period(from_text: str | None, to_text: str | None, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The report's days from ``?from=`` and ``?to=`` (YYYY-MM-DD, both included): without `to`,
    today (UTC); without `from`, HEALTH.default_days (30) days ending on `to`. `from` after `to`,
    or a period longer than HEALTH.max_days, is refused (PeriodError)."""
    today = today or db.utcnow().date()
    end = parse_day(to_text, "to") or today
    start = parse_day(from_text, "from") or end - DAY * (int(rules.health().get("default_days", 30)) - 1)
    if start > end:
        raise PeriodError("from", _("from must not be after to."))
    longest = int(rules.health().get("max_days", 3660))
    if (end - start).days + 1 > longest:
        raise PeriodError("from", _("A report covers at most %(days)d days.", days=longest))
    return start, end


# ----------------------------------------------------------------------------- CSV

def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV (UTF-8 with a byte-order mark, so spreadsheets read it as UTF-8): one row per
    metric — key, value, previous, definition; lists and dicts (cohorts, ideas by stage) as JSON."""
    import csv
    import io
    import json

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return value

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["key", "value", "previous", "definition"])
    definitions = report.get("definitions") or {}
    for key in rules.METRIC_KEYS:
        writer.writerow([key, cell(report["metrics"].get(key)), cell(report["previous"].get(key)),
                         definitions.get(key, "")])
    writer.writerow(["health_index", cell(report["health_index"]), cell(report.get("previous_health_index")),
                     report["health_formula"]])
    return "\ufeff" + out.getvalue()
