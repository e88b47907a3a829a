"""`forum demo`: the idea board's loader makes every state the demo can show, through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from forum import db
from forum.accounts.models import User
from forum.ideas.models import Idea, IdeaStatus, IdeaSupport
from forum.moderation.models import ItemStatus, ModerationItem
from forum.rewards.models import PointEntry

NOW = dt.datetime(2027, 3, 1, 12, 0)


@pytest.fixture
def app_config():
    return {}  # the default IDEA_STAGES: stage 1 at 10 supporters is reachable, review is not


def test_demo_ideas_show_every_reachable_state(app, monkeypatch):
    import forum.accounts.actions as accounts_actions

    monkeypatch.setattr(accounts_actions, "generate_password_hash",
                        lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"))
    app.config["FROZEN_NOW"] = NOW
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["forum", "demo"])
        assert result.exit_code == 0, result.output
        ideas = db.session.scalars(sa.select(Idea).order_by(Idea.id)).all()
        by_status: dict[IdeaStatus, list[Idea]] = {}
        for idea in ideas:
            by_status.setdefault(idea.status, []).append(idea)
        from forum.demo.archive import EARLY_IDEAS  # the ambassadors' early shipped ideas

        assert 10 + len(EARLY_IDEAS) <= len(ideas) <= 15 + len(EARLY_IDEAS)
        assert any("\u4e00" <= ch <= "\u9fff" for i in ideas for ch in i.title)
        for status in (IdeaStatus.approved, IdeaStatus.shipped, IdeaStatus.not_approved, IdeaStatus.on_hold,
                       IdeaStatus.expired, IdeaStatus.pending, IdeaStatus.merged):
            assert status in by_status, status
        gathering = by_status[IdeaStatus.gathering]
        assert {i.stage for i in gathering} == {0, 1}
        assert all(i.deadline > NOW for i in gathering)
        assert by_status[IdeaStatus.expired][0].deadline <= NOW
        assert by_status[IdeaStatus.shipped][0].release_url.startswith("https://")
        for idea in ideas:
            if idea.status not in (IdeaStatus.pending, IdeaStatus.merged, IdeaStatus.expired, IdeaStatus.gathering):
                assert idea.decision_note
            supports = db.session.scalar(sa.select(sa.func.count()).where(IdeaSupport.idea_id == idea.id))
            assert idea.supporters == supports
            assert idea.stage == (1 if idea.supporters >= 10 else 0) or idea.status == IdeaStatus.merged
        merged = by_status[IdeaStatus.merged][0]
        assert merged.merged_into_id in {i.id for i in gathering}
        pending = by_status[IdeaStatus.pending][0]
        item = db.session.scalar(sa.select(ModerationItem).where(ModerationItem.content_type == "idea",
                                                                 ModerationItem.content_id == pending.id))
        assert item is not None and item.status == ItemStatus.open
        assert db.session.scalar(sa.select(sa.func.count()).where(
            ModerationItem.content_type == "idea", ModerationItem.status == ItemStatus.approved)) == len(ideas) - 1
        # the ledger explains every member's points (stages, approvals and shipping paid by the subscribers)
        for user in db.session.scalars(sa.select(User)):
            total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.delta), 0))
                                      .where(PointEntry.user_id == user.id))
            assert user.points == total
        assert db.session.scalar(sa.select(sa.func.count()).where(PointEntry.reason == "idea_shipped")) == 1 + len(EARLY_IDEAS)
        assert all(i.created_at <= NOW for i in ideas)
