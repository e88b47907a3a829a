"""`forum generate --ideas`: bulk ideas whose derived columns match what the actions would keep."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.engagement.models import Event
from forum.ideas.models import Idea, IdeaHistory, IdeaStatus, IdeaSupport
from forum.moderation.models import ModerationItem
from forum.rewards.models import PointEntry
from tests.conftest import _empty_tables
from tests.ideas.conftest import SMALL_STAGES

GENERATE = ["forum", "generate", "--members", "25", "--ideas", "60"]


def _generate(app, seed):
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=[*GENERATE, "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    assert "60 ideas" in result.output and "skipped" not in result.output
    db.session.expire_all()


def _ideas():
    return db.session.scalars(sa.select(Idea).order_by(Idea.id)).all()


def _snapshot():
    return [(i.title, i.status, i.stage, i.supporters, i.category_id) for i in _ideas()]


def test_generate_ideas_is_deterministic_for_a_seed(app, ctx):
    _generate(app, 11)
    first = _snapshot()
    db.session.rollback()
    _empty_tables(app.extensions["forum.engine"])
    _generate(app, 11)
    assert _snapshot() == first
    db.session.rollback()
    _empty_tables(app.extensions["forum.engine"])
    _generate(app, 12)
    assert _snapshot() != first


def test_generated_ideas_are_consistent(app, ctx):
    _generate(app, 5)
    now = db.utcnow()
    thresholds = [s["supporters"] for s in SMALL_STAGES]
    ideas = _ideas()
    assert len(ideas) == 60
    statuses = {i.status for i in ideas}
    assert {IdeaStatus.gathering, IdeaStatus.in_review, IdeaStatus.pending} <= statuses
    assert len(statuses) >= 6
    for idea in ideas:
        supports = db.session.scalars(sa.select(IdeaSupport).where(IdeaSupport.idea_id == idea.id)).all()
        users = [s.user_id for s in supports]
        assert idea.supporters == len(supports) == len(set(users))
        assert idea.author_id not in users
        history = [(h.status, h.note) for h in idea.history]
        assert history[0] == (IdeaStatus.pending, "submitted")
        assert history[-1][0] == idea.status
        if idea.status in (IdeaStatus.pending, IdeaStatus.rejected):
            assert idea.supporters == 0 and idea.published_at is None
            continue
        # stage = thresholds the supporter count reaches; the last one means review (or a decision after it)
        assert idea.stage == sum(1 for t in thresholds if idea.supporters >= t)
        assert [int(n.split()[1]) for _s, n in history if n.startswith("stage ")] == list(range(1, idea.stage + 1))
        assert all(idea.published_at <= s.created_at <= now for s in supports)
        if idea.status == IdeaStatus.gathering:
            assert idea.stage < len(thresholds) and idea.deadline > now
        if idea.status == IdeaStatus.expired:
            assert idea.deadline <= now
        if idea.status == IdeaStatus.in_review:
            assert idea.stage == len(thresholds) and idea.review_due is not None
        if idea.status == IdeaStatus.shipped:
            assert idea.release_url and idea.decision_note
        days = SMALL_STAGES[0]["days"] + sum(s["days"] for s in SMALL_STAGES[1:idea.stage + 1])
        assert idea.deadline == idea.published_at + dt.timedelta(days=days)
    pending = [i.id for i in ideas if i.status == IdeaStatus.pending]
    queued = db.session.scalars(sa.select(ModerationItem.content_id).where(ModerationItem.content_type == "idea"))
    assert sorted(queued) == pending
    # the ledger explains every member's points; the engagement log has one event per idea and support
    for user in db.session.scalars(sa.select(User)):
        total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0))
                                  .where(PointEntry.user_id == user.id))
        assert user.points == total
    stage_paid = db.session.scalar(sa.select(sa.func.sum(PointEntry.delta))
                                   .where(PointEntry.reason == "idea_stage_reached"))
    assert stage_paid == sum(20 * k for i in ideas for k in range(1, i.stage + 1))
    kinds = dict(db.session.execute(sa.select(Event.kind, sa.func.count()).where(Event.subject_type == "idea")
                                    .group_by(Event.kind)).all())
    assert kinds["idea"] == 60
    assert kinds["support"] == db.session.scalar(sa.select(sa.func.count()).select_from(IdeaSupport))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaHistory)) > 60
