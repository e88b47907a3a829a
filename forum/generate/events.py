"""`forum generate --events N`: the engagement events the generated rows stand for, and a realistic
year of activity for the members, so that a health report over generated data tells a story.

- the content events the Q&A generator collected (one per question, answer, comment, vote and
  accept, at its time) and one `signup` per new member;
- N activity events (visits ≫ question views ≫ searches ≫ the ask funnel, ``words.ACTIVITY_KINDS``)
  spread over the last ``YEAR_DAYS`` days: each day's number follows the weekday (weekdays
  busier), the year's growth and the members who had joined by then; each member's share is
  heavy-tailed (a few very active members); a share of organizations churns (``CHURN_SHARE``):
  from a day one to four months ago their members go quiet (``QUIET_LEVEL`` of their activity),
  so the per-organization at-risk flag has something to find; a visit is once per member and day;
  a question view names a question that existed by then, with its category; anonymous visitors
  have no member and no organization;
- NPS answers (``nps_responses`` rows and `nps` events, bulk-inserted): a share of members answer
  once they have been members for NPS_MIN_MEMBERSHIP_DAYS and again at least
  NPS_SURVEY_INTERVAL_DAYS later; the share of promoters rises over the year while churning
  organizations turn to detractors; a detractor's answer has its customer-success follow-up
  (open, contacted or resolved by its age), as record_nps would have opened.

Every event carries the member's organization and, where there is one, the category. Deterministic
for a seed (times relative to now). The roll-ups are written by the last step (``generate_rollups``)
or by `forum tick`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from forum import db
from forum.accounts.models import Organization, User
from forum.engagement.models import Event
from forum.generate.run import Run, day_weight, first_day, fix_sequences, insert_rows, next_id, time_of_day
from forum.generate.words import (ACTIVITY_KINDS, ACTIVITY_SIGMA, ANONYMOUS_SHARE, CHURN_SHARE, CHURN_START_DAYS,
                                  CHURNED_NPS, NPS_ANSWERING_SHARE, NPS_DELAY_DAYS, NPS_END, NPS_START, QUIET_LEVEL,
                                  SEARCH_CATEGORY_SHARE, YEAR_DAYS)
from forum.qa.models import Category, Question


def _event(when: dt.datetime, user: int | None, org: int | None, category: int | None, kind: str,
           subject_type: str | None = None, subject_id: int | None = None, value: float | None = None) -> dict[str, Any]:
    return {"occurred_at": when, "user_id": user, "organization_id": org, "category_id": category, "kind": kind,
            "subject_type": subject_type, "subject_id": subject_id, "value": value}


def generate_events(run: Run) -> None:
    """The content and sign-up events, the year's activity (--events) and NPS answers."""
    content = run.content_events + [
        _event(run.user_created[uid], uid, run.user_org[uid], None, "signup", "user", uid) for uid in run.new_user_ids]
    run.count("content events", insert_rows(Event.__table__, sorted(content, key=lambda e: e["occurred_at"])))
    if run.plan.events:
        members = Members(run)
        run.count("activity events", insert_rows(Event.__table__, activity(run, members), run))
        if run.new_user_ids:
            _nps_answers(run, members)
    fix_sequences([Event.__table__])


class Members:
    """The members in order of joining, their activity weights (cumulative) and the churned
    organizations (chosen here unless ``run.churned_orgs`` names them, kept there)."""

    def __init__(self, run: Run, days: int = YEAR_DAYS) -> None:
        rng = run.rng
        if not run.user_ids:
            for uid, org, created in db.session.execute(sa.select(User.id, User.organization_id, User.created_at)):
                run.user_ids.append(uid)
                run.user_org[uid], run.user_created[uid] = org, created
        self.ids = sorted(run.user_ids, key=lambda u: (run.user_created[u], u))
        self.joined = [run.user_created[u] for u in self.ids]
        self.org = [run.user_org.get(u) for u in self.ids]
        self.weight = [rng.lognormvariate(0, ACTIVITY_SIGMA) for _ in self.ids]
        self.cum = list(itertools.accumulate(self.weight))
        orgs = sorted({o for o in self.org if o is not None})
        start = first_day(run.now, days)
        if not run.churned_orgs:
            for org in rng.sample(orgs, round(len(orgs) * CHURN_SHARE)) if orgs else []:
                run.churned_orgs[org] = run.now.date() - dt.timedelta(days=rng.randint(*CHURN_START_DAYS))
        self.churned = run.churned_orgs
        # Per churned organization, its members' weights by joining time, to know the quiet mass per day.
        self.churned_members: dict[int, tuple[list[dt.datetime], list[float]]] = {}
        for i, org in enumerate(self.org):
            if org in self.churned:
                joined, cum = self.churned_members.setdefault(org, ([], []))
                joined.append(self.joined[i])
                cum.append((cum[-1] if cum else 0.0) + self.weight[i])
        self.start = start
        self.days = days

    def active(self, day_end: dt.datetime) -> int:
        """How many members had joined by `day_end` (a prefix of ``ids``)."""
        return bisect.bisect_right(self.joined, day_end)

    def mass(self, day: dt.date, day_end: dt.datetime) -> float:
        """The summed activity weight of the members active on `day` (churned ones quiet)."""
        n = self.active(day_end)
        total = self.cum[n - 1] if n else 0.0
        for org, since in self.churned.items():
            if day >= since:
                joined, cum = self.churned_members[org]
                k = bisect.bisect_right(joined, day_end)
                if k:
                    total -= cum[k - 1] * (1 - QUIET_LEVEL)
        return total

    def quiet(self, index: int, day: dt.date) -> bool:
        org = self.org[index]
        since = self.churned.get(org) if org is not None else None
        return since is not None and day >= since


def _questions(run: Run) -> tuple[list[dt.datetime], list[int], list[int | None]]:
    rows = db.session.execute(sa.select(Question.created_at, Question.id, Question.category_id)
                              .where(Question.status == "published").order_by(Question.created_at, Question.id)).all()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _day_counts(run: Run, members: Members) -> list[int]:
    """Events per day: N spread by weekday × growth × active members (largest remainders)."""
    weights = []
    for i in range(members.days):
        day = members.start + dt.timedelta(days=i)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        mass = members.mass(day, min(day_end, run.now)) if members.ids else 1.0
        weights.append(day_weight(i, day, members.days) * (mass + 1.0))  # +1: anonymous visitors
    total = sum(weights)
    exact = [run.plan.events * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(members.days), key=lambda i: (counts[i] - exact[i], i))[:run.plan.events - sum(counts)]:
        counts[i] += 1
    return counts


def activity(run: Run, members: Members) -> Iterable[dict[str, Any]]:
    """``run.plan.events`` activity events over the members' period (see the module's docstring)."""
    rng = run.rng
    kinds = [k for k, _w in ACTIVITY_KINDS]
    kind_cum = list(itertools.accumulate(w for _k, w in ACTIVITY_KINDS))
    q_created, q_ids, q_category = _questions(run)
    categories = run.category_ids or list(db.session.scalars(sa.select(Category.id).order_by(Category.id)))
    for i, n in enumerate(_day_counts(run, members)):
        day = members.start + dt.timedelta(days=i)
        day_end = min(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), run.now)
        active = members.active(day_end)
        n_questions = bisect.bisect_right(q_created, day_end)
        visited: set[int] = set()
        for _ in range(n):
            user = org = None
            index = -1
            if active and rng.random() >= ANONYMOUS_SHARE:
                top = members.cum[active - 1]
                for _try in range(30):  # churned members are drawn, and mostly put back: they went quiet
                    index = min(active - 1, bisect.bisect_right(members.cum, rng.random() * top))
                    if not members.quiet(index, day) or rng.random() < QUIET_LEVEL:
                        break
                user, org = members.ids[index], members.org[index]
            kind = kinds[bisect.bisect_right(kind_cum, rng.random() * kind_cum[-1])]
            when = time_of_day(rng, day, run.now)
            if user is not None and index >= 0 and when < members.joined[index]:
                when = members.joined[index] + (day_end - members.joined[index]) * rng.random()
            if kind == "visit" and user is not None and user in visited:
                kind = "view_question"  # once per member and day: the rest of the day's pages
            if kind == "view_question" and not n_questions:  # no question yet: the visit, or a search
                kind = "visit" if user is None or user not in visited else "search"
            if kind == "visit" and user is not None:
                visited.add(user)
            subject_type = subject_id = category = None
            if kind == "view_question":
                q = rng.randrange(n_questions)
                subject_type, subject_id, category = "question", q_ids[q], q_category[q]
                if when < q_created[q]:
                    when = q_created[q] + (day_end - q_created[q]) * rng.random()
            elif kind == "search":
                subject_type = "search"
                if categories and rng.random() < SEARCH_CATEGORY_SHARE:
                    category = rng.choice(categories)
            yield _event(when, user, org, category, kind, subject_type, subject_id,
                         float(rng.randint(0, 40)) if kind == "search" else None)


def _score(rng: Any, progress: float, churned: bool) -> int:
    shape = CHURNED_NPS if churned else {k: NPS_START[k] + (NPS_END[k] - NPS_START[k]) * progress for k in NPS_START}
    r = rng.random()
    if r < shape["promoter"]:
        return rng.choice((9, 10))
    if r < shape["promoter"] + shape["detractor"]:
        return rng.randint(0, 6)
    return rng.choice((7, 8))


def _nps_answers(run: Run, members: Members) -> None:
    """Survey answers of the new members, inside the rules the survey keeps (membership, interval)."""
    from forum.nps.models import Followup, FollowupSource, FollowupStatus, NpsResponse

    rng, now = run.rng, run.now
    min_days = int(current_app.config["NPS_MIN_MEMBERSHIP_DAYS"])
    interval = int(current_app.config["NPS_SURVEY_INTERVAL_DAYS"])
    follow_hours = int(current_app.config["NPS_FOLLOWUP_HOURS"])
    tiers = {i: str(t.value if hasattr(t, "value") else t)
             for i, t in db.session.execute(sa.select(Organization.id, Organization.tier))}
    categories = run.category_ids or list(db.session.scalars(sa.select(Category.id).order_by(Category.id)))
    year_start = dt.datetime.combine(members.start, dt.time())
    span = (now - year_start).total_seconds()
    first_id = next_id(NpsResponse.__table__)
    responses: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    new = set(run.new_user_ids)
    for index, uid in enumerate(members.ids):
        if uid not in new or rng.random() >= NPS_ANSWERING_SHARE:
            continue
        org = members.org[index]
        when = members.joined[index] + dt.timedelta(days=min_days + rng.uniform(*NPS_DELAY_DAYS))
        while when <= now:
            churned = org in members.churned and when.date() >= members.churned[org] - dt.timedelta(days=30)
            score = _score(rng, (when - year_start).total_seconds() / span, churned)
            category = rng.choice(categories) if categories and rng.random() < 0.3 else None
            rid = first_id + len(responses)
            responses.append({"id": rid, "user_id": uid, "organization_id": org,
                              "organization_tier": tiers.get(org) if org is not None else None, "score": score,
                              "comment": "", "category_id": category, "created_at": when})
            events.append(_event(when, uid, org, category, "nps", "nps_response", rid, float(score)))
            when += dt.timedelta(days=interval + rng.uniform(*NPS_DELAY_DAYS))
    run.count("NPS answers", insert_rows(NpsResponse.__table__, responses))
    insert_rows(Event.__table__, sorted(events, key=lambda e: e["occurred_at"]))
    detractor_max = int(current_app.config["NPS_DETRACTOR_MAX"])
    followups = []
    for r in responses:
        if r["score"] > detractor_max:
            continue
        age = (now - r["created_at"]).days
        status = FollowupStatus.open if age < 2 or rng.random() < 0.1 else (
            FollowupStatus.contacted if age < 14 else FollowupStatus.resolved)
        followups.append({"source": FollowupSource.nps.value, "nps_response_id": r["id"], "content_type": None,
                          "content_id": None, "user_id": r["user_id"], "organization_id": r["organization_id"],
                          "score": r["score"], "comment": "", "status": status.value,
                          "due_at": r["created_at"] + dt.timedelta(hours=follow_hours),
                          "created_at": r["created_at"],
                          "updated_at": min(now, r["created_at"] + dt.timedelta(days=rng.uniform(0, 3)))})
    run.count("follow-ups", insert_rows(Followup.__table__, followups))
    fix_sequences([NpsResponse.__table__, Followup.__table__])


def generate_rollups(run: Run) -> None:
    """Roll up every closed day of the generated events (what `forum tick` would do next)."""
    if not run.plan.events:
        return
    from forum.engagement.actions import roll_up_events

    done = roll_up_events(run.now)
    run.count("roll-up days", done["days"])


def history(run: Run, days: int) -> int:
    """The activity events of `days` days for the members already in ``run`` (the demo's months of
    history, forum/demo/load.py): the same shape as the year, bulk-inserted; returns the number."""
    return insert_rows(Event.__table__, activity(run, Members(run, days)))
