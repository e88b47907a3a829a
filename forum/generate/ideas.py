"""`forum generate --ideas N`: bulk-inserted ideas (run after the Q&A, events and ledger
generators), for load tests and benchmarks.

What the actions would keep consistent is computed here instead (docs/rules.md: The idea board):
`supporters` equals the idea's support rows (one per member, never the author); `stage` is the
number of IDEA_STAGES thresholds that count reaches; the deadline is publishing + stage 1's days
plus the next stage's days for each stage reached; an idea that reached the last threshold is
`in_review` with its `review_due`; one still short of its next threshold past its deadline is
`expired`; decisions (approved, shipped, not_approved, on_hold) carry a note and time, shipped a
release URL; pending ideas wait in the moderation queue. Each change has its history row, the
author's ledger entries (published, stages, approval, shipping) move `users.points`, and the
`idea` and `support` engagement events are logged. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app

from forum import db
from forum.accounts.models import User
from forum.engagement.models import Event
from forum.generate.run import Run, fix_sequences, insert_rows, next_id
from forum.generate.texts import body_blocks, chinese, idea_title, render_blocks
from forum.generate.words import IDEA_FATES, IDEA_IMPORTANCES, IDEA_NOTES
from forum.ideas import rules
from forum.ideas.models import Idea, IdeaHistory, IdeaStatus, IdeaSupport
from forum.moderation.models import ModerationItem
from forum.moderation.rules import REJECTION_REASONS
from forum.qa.models import Category
from forum.rewards.models import PointEntry

S = IdeaStatus


def _supporter_count(run: Run, available: int) -> int:
    """Most ideas gather a handful of supporters, a few a great many (a long tail)."""
    rng = run.rng
    wanted = int(rng.expovariate(1 / 8)) if rng.random() < 0.85 else int(rng.paretovariate(0.8) * 20)
    return max(0, min(wanted, available))


def generate_ideas(run: Run) -> None:
    """Ideas in every status with supports, history, ledger entries, events and queue items."""
    count = run.plan.ideas
    if not count:
        return
    if not run.user_ids:
        raise click.ClickException("There are no members to submit ideas: add --members.")
    rng, now = run.rng, run.now
    stages = rules.stages()
    last = len(stages)
    review_days = rules.review_period_days()
    points = current_app.config["POINTS"]
    categories = list(db.session.scalars(
        sa.select(Category.id).where(Category.ambassadors_only.is_(False)).order_by(Category.id)))
    users = run.user_ids
    user_org = run.user_org
    if len(user_org) < len(users):  # existing members: their organizations
        user_org.update(db.session.execute(sa.select(User.id, User.organization_id).where(User.id.in_(users))))
    fates, weights = zip(*IDEA_FATES)
    first = next_id(Idea.__table__)
    ideas: list[dict[str, Any]] = []
    supports: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    queue: list[dict[str, Any]] = []
    earned: dict[int, int] = defaultdict(int)

    def log(idea_id: int, status: S, stage: int, at: dt.datetime, actor: int | None, note: str) -> None:
        history.append({"idea_id": idea_id, "status": status.value, "stage": stage, "at": at, "actor_id": actor,
                        "note": note})

    def pay(idea_id: int, author: int, reason: str, at: dt.datetime, stage: int | None = None) -> None:
        amount = int(points[reason]) * (stage or 1)
        entries.append({"user_id": author, "delta": amount, "reason": reason, "subject_type": "idea",
                        "subject_id": idea_id, "reverses": None, "vote_id": None, "stage": stage,
                        "actor_id": None, "created_at": at})
        earned[author] += amount

    for i in range(count):
        idea_id = first + i
        author = rng.choice(users)
        zh = chinese(rng)
        title = idea_title(rng, zh)
        description, description_html = render_blocks(body_blocks(rng, zh, code=0.05))
        category = rng.choice(categories) if categories and rng.random() < 0.9 else None
        fate = rng.choices(fates, weights=weights)[0]
        row: dict[str, Any] = {
            "id": idea_id, "title": title, "description": description, "description_html": description_html,
            "category_id": category, "author_id": author, "stage": 0, "supporters": 0, "deadline": None,
            "review_due": None, "published_at": None, "decided_at": None, "decision_note": None,
            "release_url": None, "rejection_reason": None, "merged_into_id": None, "image_name": None}
        if fate == S.pending:
            created = now - dt.timedelta(hours=rng.uniform(1, 72))
            row.update(status=S.pending.value, created_at=created, updated_at=created)
            log(idea_id, S.pending, 0, created, author, "submitted")
            queue.append({"content_type": "idea", "content_id": idea_id, "reason": "idea_premoderation",
                          "excerpt": f"{title} — {description}"[:300], "author_id": author, "held_at": created,
                          "release_at": None, "status": "open", "decided_by_id": None, "decided_at": None,
                          "decision_reason": None, "note": ""})
            ideas.append(row)
            events.append(_event(created, author, user_org, category, "idea", idea_id))
            continue
        published = run.moment()
        created = published - dt.timedelta(hours=rng.uniform(1, 24))
        log(idea_id, S.pending, 0, created, author, "submitted")
        events.append(_event(created, author, user_org, category, "idea", idea_id))
        if fate == S.rejected:
            reason = rng.choice(list(REJECTION_REASONS))
            row.update(status=S.rejected.value, rejection_reason=reason, created_at=created, updated_at=published)
            log(idea_id, S.rejected, 0, published, None, reason)
            ideas.append(row)
            continue
        log(idea_id, S.gathering, 0, published, None, "published")
        pay(idea_id, author, "idea_published", published)
        # Supports fall inside stage 1's window, so every threshold is reached before its deadline.
        decided = (published + dt.timedelta(seconds=rng.uniform(3600, (now - published).total_seconds() or 3600))
                   if fate != "open" else None)
        end = min(now, published + dt.timedelta(days=rules.days_for(1)), decided or now)
        span = max((end - published).total_seconds(), 1.0)
        n = _supporter_count(run, len(users) - 1)
        chosen = [u for u in rng.sample(users, min(n + 1, len(users))) if u != author][:n]
        times = sorted(published + dt.timedelta(seconds=rng.uniform(0, span)) for _ in chosen)
        for user, when in zip(chosen, times):
            supports.append({"idea_id": idea_id, "user_id": user, "created_at": when, "comment": "",
                             "importance": rng.choice(IDEA_IMPORTANCES)})
            events.append(_event(when, user, user_org, category, "support", idea_id))
        stage = sum(1 for s in stages if len(chosen) >= s["supporters"])
        deadline = published + dt.timedelta(days=rules.days_for(1))
        for k in range(1, stage + 1):
            reached = times[stages[k - 1]["supporters"] - 1]
            if k < last:
                deadline += dt.timedelta(days=rules.days_for(k + 1))
            log(idea_id, S.gathering, k, reached, None, f"stage {k}")
            pay(idea_id, author, "idea_stage_reached", reached, stage=k)
        row.update(stage=stage, supporters=len(chosen), deadline=deadline, published_at=published,
                   created_at=created)
        status = S.gathering
        updated = times[-1] if times else published
        if stage == last:
            entered = times[stages[-1]["supporters"] - 1]
            status = S.in_review
            row["review_due"] = entered + dt.timedelta(days=review_days)
            log(idea_id, S.in_review, stage, entered, None, "last threshold reached")
            updated = entered
        if fate == "open":
            if status == S.gathering and deadline <= now:
                status = S.expired
                log(idea_id, S.expired, stage, deadline, None, "deadline passed")
                updated = deadline
        else:
            steps = [S.approved, S.shipped] if fate == S.shipped else [S(fate)]
            when = max(decided, updated)  # type: ignore[type-var]
            if status == S.gathering:  # decided while still gathering: before the deadline
                when = max(updated, min(when, deadline - dt.timedelta(minutes=1)))
            for step in steps:
                note = rng.choice(IDEA_NOTES[step])
                log(idea_id, step, stage, when, None, note)
                if step == S.approved:
                    pay(idea_id, author, "idea_approved", when)
                elif step == S.shipped:
                    pay(idea_id, author, "idea_shipped", when)
                    row["release_url"] = f"https://docs.example.com/release-notes/{idea_id}"
                row.update(decided_at=when, decision_note=note)
                updated = when
                when = min(now, when + dt.timedelta(days=rng.uniform(1, 30)))
            status = steps[-1]
        row.update(status=status.value, updated_at=updated)
        ideas.append(row)

    insert_rows(Idea.__table__, ideas, run)
    insert_rows(IdeaSupport.__table__, supports)
    insert_rows(IdeaHistory.__table__, history)
    insert_rows(ModerationItem.__table__, queue)
    insert_rows(PointEntry.__table__, entries)
    insert_rows(Event.__table__, sorted(events, key=lambda e: e["occurred_at"]))
    users_table = User.__table__
    changes = [{"uid": uid, "delta": delta} for uid, delta in sorted(earned.items()) if delta]
    if changes:
        db.session.execute(users_table.update().where(users_table.c.id == sa.bindparam("uid"))
                           .values(points=users_table.c.points + sa.bindparam("delta")), changes)
    fix_sequences([Idea.__table__, IdeaSupport.__table__, IdeaHistory.__table__, ModerationItem.__table__,
                   PointEntry.__table__, Event.__table__])
    run.count("ideas", len(ideas))
    run.count("idea supports", len(supports))


def _event(when: dt.datetime, user: int, user_org: dict[int, int | None], category: int | None, kind: str,
           idea_id: int) -> dict[str, Any]:
    return {"occurred_at": when, "user_id": user, "organization_id": user_org.get(user), "category_id": category,
            "kind": kind, "subject_type": "idea", "subject_id": idea_id, "value": None}
