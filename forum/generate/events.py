"""`forum generate --events`: the engagement events the generated rows stand for, and activity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.engagement.models import Event
from forum.generate.run import Run, fix_sequences, insert_rows
from forum.generate.words import ACTIVITY_KINDS


def generate_events(run: Run) -> None:
    """The events the actions would have logged, plus --events activity events (visits, views,
    searches, ask-page funnel) of the last DAYS days."""
    rng = run.rng
    content = run.content_events + [
        {"occurred_at": run.user_created[uid], "user_id": uid, "organization_id": run.user_org[uid],
         "category_id": None, "kind": "signup", "subject_type": "user", "subject_id": uid, "value": None}
        for uid in run.new_user_ids]
    run.count("content events", insert_rows(Event.__table__, content))
    users = run.user_ids or list(db.session.scalars(sa.select(User.id)))
    questions = run.question_ids
    kinds, weights = zip(*ACTIVITY_KINDS)

    def rows() -> Iterable[dict[str, Any]]:
        for _ in range(run.plan.events):
            kind = rng.choices(kinds, weights=weights)[0]
            user = rng.choice(users) if users and rng.random() < 0.85 else None
            subject_type = subject_id = category = None
            if kind == "view_question" and questions:
                subject_id = rng.choice(questions)
                subject_type, category = "question", run.question_category.get(subject_id)
            yield {"occurred_at": run.moment(), "user_id": user, "organization_id": run.user_org.get(user),
                   "category_id": category, "kind": kind, "subject_type": subject_type, "subject_id": subject_id,
                   "value": None}

    run.count("activity events", insert_rows(Event.__table__, rows(), run))
    fix_sequences([Event.__table__])
