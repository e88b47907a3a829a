"""The idea board's rules against a real database (SQLite and PostgreSQL): docs/rules.md: The idea board."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum.audit.models import AuditEntry
from forum.engagement.models import Event
from forum.errors import Conflict, Forbidden, NotFound, RuleViolation
from forum.ideas import actions, queries
from forum.ideas.models import IdeaStatus, IdeaSupport
from forum.moderation.actions import decide_item
from forum.moderation.models import ItemStatus
from forum.moderation.queries import item_for
from forum.notifications.models import Notification
from tests.factories import make_category, make_org, make_user
from tests.ideas.conftest import T0, published, submit

DAY = dt.timedelta(days=1)


def supporters(n: int) -> list:
    return [make_user() for _ in range(n)]


# ----------------------------------------------------------------------------- submission and moderation

def test_submission_is_pending_and_queued_and_hidden_from_others(session, freeze):
    freeze(T0)
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    idea = submit(author, description="Hello <script>alert(1)</script> **world**")
    session.commit()
    assert idea.status == IdeaStatus.pending and idea.deadline is None
    assert "<script>" not in idea.description_html and "<strong>world</strong>" in idea.description_html
    item = item_for("idea", idea.id)
    assert item.status == ItemStatus.open and item.reason == "idea_premoderation" and item.author_id == author.id
    assert queries.access_idea(author, idea.id) is idea
    assert queries.access_idea(moderator, idea.id) is idea
    for viewer in (other, None):
        with pytest.raises(NotFound):
            queries.access_idea(viewer, idea.id)
        assert idea.id not in [i.id for i in session.scalars(queries.ideas(viewer))]
    assert session.scalar(sa.select(Event.kind).where(Event.subject_id == idea.id)) == "idea"


def test_without_premoderation_an_idea_is_published_at_once(app, session, freeze):
    app.config["IDEA_PREMODERATION"] = False
    freeze(T0)
    idea = submit(make_user())
    assert idea.status == IdeaStatus.gathering and idea.deadline == T0 + 10 * DAY
    assert item_for("idea", idea.id) is None


def test_moderator_approval_publishes_and_starts_the_first_deadline(session, freeze, events):
    freeze(T0)
    author, moderator = make_user(), make_user(roles=("moderator",))
    idea = submit(author)
    item = item_for("idea", idea.id)
    freeze(T0 + dt.timedelta(hours=3))
    decide_item(moderator, item, action="approve")
    session.commit()
    assert idea.status == IdeaStatus.gathering
    assert idea.published_at == T0 + dt.timedelta(hours=3)
    assert idea.deadline == T0 + dt.timedelta(hours=3) + 10 * DAY
    assert item.status == ItemStatus.approved and item.decided_by_id == moderator.id
    assert [h.status for h in idea.history] == [IdeaStatus.pending, IdeaStatus.gathering]
    assert idea.history[-1].actor_id == moderator.id
    audit = session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_type == "idea"))
    assert audit.event_type == "moderation:idea:approve" and audit.acting_user_id == moderator.id
    assert ("idea_published", {"idea": idea, "user": author}) in events
    # approving again changes nothing
    decide_item(moderator, item, action="approve")
    assert len(idea.history) == 2


def test_rejection_needs_a_reason_from_the_list(session):
    author, moderator = make_user(), make_user(roles=("moderator",))
    idea = submit(author)
    item = item_for("idea", idea.id)
    for bad in (None, "criticism", "", "other"):
        with pytest.raises(RuleViolation) as exc:
            decide_item(moderator, item, action="reject", reason=bad)
        assert exc.value.field == "reason"
    decide_item(moderator, item, action="reject", reason="duplicate", note="See #12")
    session.commit()
    assert idea.status == IdeaStatus.rejected and idea.rejection_reason == "duplicate"
    assert queries.access_idea(author, idea.id) is idea
    with pytest.raises(NotFound):
        queries.access_idea(make_user(), idea.id)
    with pytest.raises(Conflict):
        decide_item(moderator, item, action="approve")
    note = session.scalar(sa.select(Notification).where(Notification.user_id == author.id,
                                                        Notification.kind == "idea_rejected"))
    assert note.data["reason"] == "duplicate"


def test_members_cannot_moderate(session):
    idea = submit(make_user())
    with pytest.raises(Forbidden):
        decide_item(make_user(), item_for("idea", idea.id), action="approve")
    with pytest.raises(RuleViolation):
        decide_item(make_user(roles=("moderator",)), item_for("idea", idea.id), action="escalate_to_mars")


# ----------------------------------------------------------------------------- support

def test_support_refusals(session, freeze):
    freeze(T0)
    author = make_user()
    pending = submit(author)
    with pytest.raises(RuleViolation) as exc:
        actions.support_idea(make_user(), pending)
    assert exc.value.code == "not_gathering"
    idea = published(author)
    with pytest.raises(RuleViolation) as exc:
        actions.support_idea(author, idea)
    assert exc.value.code == "own_idea"
    with pytest.raises(RuleViolation):
        actions.support_idea(make_user(), idea, importance="urgent")
    with pytest.raises(Forbidden):
        actions.support_idea(None, idea)


def test_supporting_twice_counts_once_and_withdrawal(session, events):
    idea = published(make_user())
    fan = make_user()
    actions.support_idea(fan, idea, importance="must_have", comment="We need this")
    actions.support_idea(fan, idea, importance="important")
    session.commit()
    assert idea.supporters == 1
    support = session.scalar(sa.select(IdeaSupport))
    assert support.importance == "important" and support.comment == "We need this"
    assert [n for n, _ in events].count("idea_supported") == 1
    actions.withdraw_support(fan, idea)
    actions.withdraw_support(fan, idea)
    session.commit()
    assert idea.supporters == 0 and session.scalar(sa.select(sa.func.count()).select_from(IdeaSupport)) == 0
    assert [n for n, _ in events].count("idea_support_withdrawn") == 1
    actions.support_idea(fan, idea)
    assert idea.supporters == 1


def test_support_is_accepted_only_before_the_deadline(session, freeze):
    freeze(T0)
    idea = published(make_user())
    deadline = T0 + 10 * DAY
    assert idea.deadline == deadline
    freeze(deadline - dt.timedelta(seconds=1))
    actions.support_idea(make_user(), idea)
    freeze(deadline)
    with pytest.raises(RuleViolation) as exc:
        actions.support_idea(make_user(), idea)
    assert exc.value.code == "deadline_passed"
    assert idea.supporters == 1


# ----------------------------------------------------------------------------- stages

def test_thresholds_advance_stages_and_deadlines_then_review(session, freeze, events):
    freeze(T0)
    author = make_user()
    idea = published(author)
    fans = supporters(5)
    freeze(T0 + DAY)
    actions.support_idea(fans[0], idea)
    assert (idea.stage, idea.deadline) == (0, T0 + 10 * DAY)
    actions.support_idea(fans[1], idea)                     # 2 → stage 1; deadline + stage 2's 20 days
    assert (idea.stage, idea.deadline) == (1, T0 + 30 * DAY)
    actions.withdraw_support(fans[1], idea)                # the stage never decreases
    assert (idea.stage, idea.supporters) == (1, 1)
    actions.support_idea(fans[1], idea)
    assert idea.stage == 1                                  # re-reaching 2 announces nothing new
    actions.support_idea(fans[2], idea)                     # 3 → stage 2; + stage 3's 30 days
    assert (idea.stage, idea.deadline, idea.status) == (2, T0 + 60 * DAY, IdeaStatus.gathering)
    freeze(T0 + 5 * DAY)
    actions.support_idea(fans[3], idea)                     # 4 → last stage: in review at once
    session.commit()
    assert (idea.stage, idea.status) == (3, IdeaStatus.in_review)
    assert idea.review_due == T0 + 5 * DAY + 120 * DAY
    assert [p["stage"] for n, p in events if n == "idea_stage_reached"] == [1, 2, 3]
    with pytest.raises(RuleViolation):                      # support frozen
        actions.support_idea(fans[4], idea)
    with pytest.raises(RuleViolation):
        actions.withdraw_support(fans[0], idea)
    kinds = [n.kind for n in session.scalars(sa.select(Notification).where(Notification.user_id == fans[0].id))]
    assert kinds.count("idea_stage_reached") == 3 and "idea_in_review" in kinds
    assert [h.status for h in idea.history][-1] == IdeaStatus.in_review


def test_tick_expires_gathering_ideas_at_their_deadline(app, session, freeze):
    freeze(T0)
    idea = published(make_user())
    other = published(make_user(), title="Export to Excel")
    actions.support_idea(make_user(), other)
    actions.support_idea(make_user(), other)                # stage 1: deadline T0 + 30 days
    session.commit()
    freeze(None)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "tick", "--now", "2026-03-11T11:59:59Z"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert idea.status == IdeaStatus.gathering
    result = runner.invoke(args=["forum", "tick", "--now", "2026-03-11T12:00:00Z"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert idea.status == IdeaStatus.expired and other.status == IdeaStatus.gathering
    assert idea.history[-1].status == IdeaStatus.expired
    runner.invoke(args=["forum", "tick", "--now", "2026-03-11T12:00:00Z"])  # idempotent
    session.expire_all()
    assert [h.status for h in idea.history].count(IdeaStatus.expired) == 1
    assert queries.access_idea(None, idea.id).status == IdeaStatus.expired  # kept and visible
    with pytest.raises(RuleViolation):
        actions.support_idea(make_user(), idea)
    with pytest.raises(RuleViolation):
        actions.post_idea_comment(make_user(), idea, body="Too late?")
    with pytest.raises(RuleViolation):
        actions.decide_idea(make_user(roles=("product",)), idea, decision="approved", note="no")


# ----------------------------------------------------------------------------- decisions

def _in_review(n_fans: int = 4):
    idea = published(make_user())
    for fan in supporters(n_fans):
        actions.support_idea(fan, idea)
    assert idea.status == IdeaStatus.in_review
    return idea


def test_review_approve_then_ship(session, events):
    product = make_user(roles=("product",))
    idea = _in_review()
    actions.decide_idea(product, idea, decision="approved", note="Planned for Q3")
    assert idea.status == IdeaStatus.approved and idea.decision_note == "Planned for Q3"
    with pytest.raises(RuleViolation):
        actions.decide_idea(product, idea, decision="on_hold", note="changed our mind")
    actions.decide_idea(product, idea, decision="shipped", note="In 4.2", release_url="https://example.com/4.2")
    session.commit()
    assert idea.status == IdeaStatus.shipped and idea.release_url == "https://example.com/4.2"
    decided = [p for n, p in events if n == "idea_decided"]
    assert [(p["decision"], p["actor"], p["note"]) for p in decided] == [
        ("approved", product, "Planned for Q3"), ("shipped", product, "In 4.2")]
    audits = session.scalars(sa.select(AuditEntry.event_type).where(AuditEntry.subject_id == idea.id)).all()
    assert "ideas:idea:approved" in audits and "ideas:idea:shipped" in audits
    recipients = {n.user_id for n in session.scalars(sa.select(Notification).where(Notification.kind == "idea_decided"))}
    assert idea.author_id in recipients and len(recipients) == 5


def test_early_decisions_from_gathering_and_on_hold(session):
    product = make_user(roles=("admin",))
    idea = published(make_user())
    actions.decide_idea(product, idea, decision="on_hold", note="Waiting for the new API")
    assert idea.status == IdeaStatus.on_hold
    with pytest.raises(RuleViolation):
        actions.support_idea(make_user(), idea)
    actions.decide_idea(product, idea, decision="on_hold", note="Still waiting")
    actions.decide_idea(product, idea, decision="not_approved", note="Out of scope")
    assert idea.status == IdeaStatus.not_approved
    with pytest.raises(RuleViolation):
        actions.decide_idea(product, idea, decision="approved", note="After all")
    early = published(make_user(), title="Already planned thing")
    actions.decide_idea(product, early, decision="approved", note="Already planned")
    assert early.status == IdeaStatus.approved
    assert [h.status for h in early.history] == [IdeaStatus.pending, IdeaStatus.gathering, IdeaStatus.approved]


def test_decision_refusals(session):
    idea = _in_review()
    with pytest.raises(Forbidden):
        actions.decide_idea(make_user(), idea, decision="approved", note="Yes")
    with pytest.raises(Forbidden):
        actions.decide_idea(make_user(roles=("moderator",)), idea, decision="approved", note="Yes")
    product = make_user(roles=("product",))
    for note in (None, "", "   "):
        with pytest.raises(RuleViolation) as exc:
            actions.decide_idea(product, idea, decision="approved", note=note)
        assert exc.value.field == "note"
    with pytest.raises(RuleViolation) as exc:
        actions.decide_idea(product, idea, decision="shipped", note="Shipped")
    assert exc.value.code == "invalid_transition"
    with pytest.raises(RuleViolation):
        actions.decide_idea(product, idea, decision="merged", note="no")
    with pytest.raises(RuleViolation):
        actions.decide_idea(product, submit(make_user()), decision="approved", note="pending")
    assert idea.status == IdeaStatus.in_review


# ----------------------------------------------------------------------------- merging

def test_merge_moves_supporters_keeps_larger_stage_and_later_deadline(session, freeze, events):
    freeze(T0)
    product = make_user(roles=("product",))
    target_author, source_author = make_user(), make_user()
    target = published(target_author, title="Dark theme")
    freeze(T0 + 2 * DAY)
    source = published(source_author, title="Night mode please")
    shared, only_source = make_user(), make_user()
    actions.support_idea(shared, target)
    actions.support_idea(shared, source)
    actions.support_idea(only_source, source)          # source: 2 → stage 1, deadline T0+2+10+20
    actions.support_idea(target_author, source)        # the target's author must not be moved
    assert (source.stage, source.supporters, source.deadline) == (2, 3, T0 + 2 * DAY + 60 * DAY)
    assert (target.stage, target.supporters, target.deadline) == (0, 1, T0 + 10 * DAY)
    before = len([1 for n, _ in events if n == "idea_stage_reached"])
    result = actions.merge_ideas(product, source, target)
    session.commit()
    assert result is target
    moved = set(session.scalars(sa.select(IdeaSupport.user_id).where(IdeaSupport.idea_id == target.id)))
    assert moved == {shared.id, only_source.id}
    assert target.supporters == 2
    assert target.stage == 2                             # the larger stage
    assert target.deadline == T0 + 62 * DAY              # the later deadline
    assert source.status == IdeaStatus.merged and source.merged_into_id == target.id
    reached = [p for n, p in events if n == "idea_stage_reached"][before:]
    assert [(p["idea"], p["stage"]) for p in reached] == [(target, 1), (target, 2)]
    assert queries.access_idea(None, source.id).merged_into_id == target.id
    with pytest.raises(RuleViolation):
        actions.support_idea(make_user(), source)
    with pytest.raises(RuleViolation):
        actions.merge_ideas(product, source, target)     # merged is not a source
    assert session.scalar(sa.select(AuditEntry.event_type).where(AuditEntry.subject_id == source.id,
                                                                   AuditEntry.event_type == "ideas:idea:merge"))
    told = {n.user_id for n in session.scalars(sa.select(Notification).where(Notification.kind == "idea_merged"))}
    assert told == {source_author.id, target_author.id, shared.id, only_source.id}


def test_merge_crossing_the_last_threshold_sends_the_target_to_review(session, freeze, events):
    freeze(T0)
    product = make_user(roles=("product",))
    target, source = published(make_user()), published(make_user(), title="Same thing again")
    for fan in supporters(3):
        actions.support_idea(fan, target)                # stage 2: deadline T0 + 60 days
    extra = make_user()
    actions.support_idea(extra, source)
    assert target.stage == 2
    actions.merge_ideas(product, source, target)
    assert (target.supporters, target.stage, target.status) == (4, 3, IdeaStatus.in_review)
    assert target.review_due == T0 + 120 * DAY
    assert [p["stage"] for n, p in events if n == "idea_stage_reached" and p["idea"] is target] == [1, 2, 3]


def test_merge_refusals(session):
    product = make_user(roles=("product",))
    a, b = published(make_user()), published(make_user(), title="Another idea here")
    with pytest.raises(Forbidden):
        actions.merge_ideas(make_user(), a, b)
    with pytest.raises(RuleViolation):
        actions.merge_ideas(product, a, a)
    actions.decide_idea(product, b, decision="on_hold", note="later")
    with pytest.raises(RuleViolation) as exc:
        actions.merge_ideas(product, a, b)               # on_hold is no target
    assert exc.value.field == "into"
    actions.merge_ideas(product, b, a)                   # but it is a source
    assert b.status == IdeaStatus.merged
    with pytest.raises(RuleViolation):
        actions.merge_ideas(product, submit(make_user()), a)


# ----------------------------------------------------------------------------- product view

def test_support_breakdown_by_tier_organizations_and_arr(session):
    big = make_org(tier="benchmark", arr=500_000)
    mid = make_org(tier="value_added", arr=50_000)
    idea = published(make_user())
    for user, importance in ((make_user(organization=big), "must_have"), (make_user(organization=big), "important"),
                             (make_user(organization=mid), "nice_to_have"), (make_user(), None)):
        actions.support_idea(user, idea, importance=importance)
    row = queries.support_breakdown([idea.id])[idea.id]
    assert row["by_tier"] == {"benchmark": 2, "value_added": 1, "standard": 0, "none": 1}
    assert row["organizations"] == 2 and row["arr"] == 550_000
    assert row["importance"] == {"must_have": 1, "important": 1, "nice_to_have": 1}
    assert row["tier_score"] == 3 * 2 + 2 and row["importance_score"] == 3 + 2 + 1


def test_ambassadors_only_category_hides_ideas(session):
    secret = make_category("Early access", ambassadors_only=True)
    author = make_user(ambassador=True)
    idea = published(author, category_id=secret.id)
    with pytest.raises(NotFound):
        queries.access_idea(make_user(), idea.id)
    assert queries.access_idea(make_user(ambassador=True), idea.id) is idea
