"""The NPS actions and queries against a real database (docs/rules.md: NPS): eligibility, the
survey interval, follow-ups, points and badge, the prompt, and the scores."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.audit.models import AuditEntry
from forum.engagement.models import Event
from forum.errors import Conflict, Forbidden, RuleViolation
from forum.events import DomainEvent, announce
from forum.nps import actions, queries
from forum.nps.models import Followup, FollowupSource, FollowupStatus, NpsResponse
from forum.rewards.models import PointEntry
from tests import factories
from tests.nps.conftest import DAY, T0, at, member

pytestmark = pytest.mark.usefixtures("ctx")


# --------------------------------------------------------------------------- eligibility and the interval

def test_a_member_of_exactly_14_days_may_answer(app):
    user = member(days=14)
    response = actions.record_nps(user, 9, "Great", None)
    assert response.id and response.score == 9 and response.comment == "Great"


def test_a_member_one_second_short_of_14_days_is_not_eligible(app):
    user = factories.make_user(created_at=T0 - 14 * DAY + dt.timedelta(seconds=1))
    with pytest.raises(RuleViolation) as exc:
        actions.record_nps(user, 9)
    assert exc.value.code == "nps_not_eligible" and exc.value.status == 422
    assert db.session.scalar(sa.select(sa.func.count(NpsResponse.id))) == 0


@pytest.mark.parametrize("app_config", [{"FROZEN_NOW": T0, "NPS_MIN_MEMBERSHIP_DAYS": 0}])
def test_no_minimum_membership_when_configured(app, app_config):
    assert actions.record_nps(factories.make_user(created_at=T0), 10).score == 10


def test_a_second_answer_within_the_interval_is_a_conflict(app):
    user = member(days=200)
    actions.record_nps(user, 8)
    at(app, T0 + 89 * DAY)
    with pytest.raises(Conflict) as exc:
        actions.record_nps(user, 3)
    assert exc.value.status == 409
    at(app, T0 + 90 * DAY - dt.timedelta(seconds=1))
    with pytest.raises(Conflict):
        actions.record_nps(user, 3)
    at(app, T0 + 90 * DAY)
    assert actions.record_nps(user, 3).score == 3
    assert queries.latest_scores([user.id]) == {user.id: 3}


def test_eligibility_is_checked_before_the_interval(app):
    """422 comes before 409 (docs/api.md: the order of checks)."""
    user = member(days=20)
    actions.record_nps(user, 8)
    db.session.flush()
    user.created_at = T0  # as if younger now: the membership refusal wins
    with pytest.raises(RuleViolation):
        actions.record_nps(user, 8)


@pytest.mark.parametrize("bad", [-1, 11, True, "5", 5.5, None])
def test_a_score_outside_0_to_10_is_refused_on_the_score_field(app, bad):
    with pytest.raises(RuleViolation) as exc:
        actions.record_nps(member(), bad)
    assert exc.value.field == "score" and exc.value.status == 422


def test_an_unknown_or_restricted_category_is_refused(app):
    user = member()
    with pytest.raises(RuleViolation) as exc:
        actions.record_nps(user, 7, None, 999)
    assert exc.value.code == "unknown_category" and exc.value.field == "category"
    secret = factories.make_category("Early access", ambassadors_only=True)
    with pytest.raises(RuleViolation):
        actions.record_nps(user, 7, None, secret.id)
    category = factories.make_category("Analytics")
    assert actions.record_nps(user, 7, None, category.id).category_id == category.id


def test_a_too_long_comment_is_refused(app):
    with pytest.raises(RuleViolation) as exc:
        actions.record_nps(member(), 7, "x" * 2001)
    assert exc.value.field == "comment"


def test_the_organization_and_its_tier_are_kept_as_at_answer_time(app):
    org = factories.make_org("Globex", tier="benchmark")
    user = member(organization=org)
    response = actions.record_nps(user, 10)
    org.tier = factories.Tier("standard")
    db.session.flush()
    assert response.organization_id == org.id and response.organization_tier.value == "benchmark"
    assert queries.by_tier()["benchmark"].responses == 1 and queries.by_tier()["standard"].responses == 0


# --------------------------------------------------------------------------- follow-ups

def test_a_detractor_answer_opens_a_follow_up_due_after_48_hours(app):
    org = factories.make_org("Initech")
    user = member(organization=org)
    response = actions.record_nps(user, 6, "Too slow")
    followup = db.session.scalars(sa.select(Followup)).one()
    assert followup.source == FollowupSource.nps and followup.nps_response_id == response.id
    assert followup.user_id == user.id and followup.organization_id == org.id
    assert followup.score == 6 and followup.comment == "Too slow" and followup.status == FollowupStatus.open
    assert followup.due_at == T0 + dt.timedelta(hours=48)


@pytest.mark.parametrize("score", [7, 8, 9, 10])
def test_passives_and_promoters_open_no_follow_up(app, score):
    actions.record_nps(member(), score)
    assert db.session.scalar(sa.select(sa.func.count(Followup.id))) == 0


@pytest.mark.parametrize("app_config", [{"FROZEN_NOW": T0, "NPS_FOLLOWUP_HOURS": 4}])
def test_the_follow_up_delay_comes_from_the_config(app, app_config):
    actions.record_nps(member(), 0)
    assert db.session.scalars(sa.select(Followup)).one().due_at == T0 + dt.timedelta(hours=4)


def test_a_negative_post_held_opens_one_post_follow_up(app):
    author = member()
    for _ in range(2):
        announce(db.session, DomainEvent.NEGATIVE_POST_HELD, content_type="question", content_id=42, user=author,
                 excerpt="The export is broken again")
    followup = db.session.scalars(sa.select(Followup)).one()
    assert followup.source == FollowupSource.post and followup.content_type == "question"
    assert followup.content_id == 42 and followup.score is None and followup.comment == "The export is broken again"
    assert followup.due_at == T0 + dt.timedelta(hours=48)


def _followup() -> Followup:
    actions.record_nps(member(), 2, "Bad")
    return db.session.scalars(sa.select(Followup)).one()


def test_cs_marks_contacted_then_resolved_with_notes_and_audit(app):
    followup = _followup()
    cs = factories.make_user(roles=("cs",))
    actions.update_followup(cs, followup, "contacted", "Called them")
    at(app, T0 + DAY)
    actions.update_followup(cs, followup, "resolved", " Fixed their export ")
    assert followup.status == FollowupStatus.resolved
    assert [(n.status.value, n.note, n.author_id) for n in followup.notes] == [
        ("contacted", "Called them", cs.id), ("resolved", "Fixed their export", cs.id)]
    assert followup.notes[1].at == T0 + DAY
    audit = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [a.event_type for a in audit] == ["nps:followup:contacted", "nps:followup:resolved"]
    assert audit[0].acting_user_id == cs.id and audit[0].subject_id == followup.id
    assert audit[1].extra["before"] == "contacted" and audit[1].extra["note"] == "Fixed their export"


def test_open_may_go_straight_to_resolved_and_admin_may_follow_up(app):
    followup = _followup()
    actions.update_followup(factories.make_user(roles=("admin",)), followup, "resolved", "Done")
    assert followup.status == FollowupStatus.resolved


@pytest.mark.parametrize("roles", [(), ("moderator",), ("product",)])
def test_only_cs_and_admin_follow_up(app, roles):
    followup = _followup()
    with pytest.raises(Forbidden):
        actions.update_followup(factories.make_user(roles=roles), followup, "contacted", "Hi")
    assert not actions.may_update_followup(factories.make_user(roles=roles), followup)


@pytest.mark.parametrize("status, note, field", [
    ("contacted", "", "note"), ("contacted", "   ", "note"), ("contacted", None, "note"),
    ("open", "x", "status"), ("closed", "x", "status"), (None, "x", "status"),
    ("resolved", "x" * 2001, "note"),
])
def test_bad_status_or_note_is_refused(app, status, note, field):
    followup = _followup()
    with pytest.raises(RuleViolation) as exc:
        actions.update_followup(factories.make_user(roles=("cs",)), followup, status, note)
    assert exc.value.field == field
    assert followup.status == FollowupStatus.open and followup.notes == []


def test_a_resolved_follow_up_is_final(app):
    followup = _followup()
    cs = factories.make_user(roles=("cs",))
    actions.update_followup(cs, followup, "resolved", "Done")
    assert not actions.may_update_followup(cs, followup)
    with pytest.raises(RuleViolation) as exc:
        actions.update_followup(cs, followup, "contacted", "Again")
    assert exc.value.code == "invalid_transition"
    assert actions.update_followup(cs, followup, "resolved", "Again") is followup  # in effect: nothing changes
    assert [n.note for n in followup.notes] == ["Done"]


def test_overdue_and_totals(app):
    followup = _followup()
    assert not queries.is_overdue(followup)
    later = T0 + dt.timedelta(hours=49)
    assert queries.is_overdue(followup, later)
    assert queries.followup_totals(later) == {"open": 1, "overdue": 1}
    actions.update_followup(factories.make_user(roles=("cs",)), followup, "resolved", "Done")
    assert not queries.is_overdue(followup, later)
    assert queries.followup_totals(later) == {"open": 0, "overdue": 0}


def test_the_list_shows_open_ones_first_then_by_due_time(app):
    cs = factories.make_user(roles=("cs",))
    first = _followup()
    at(app, T0 + DAY)
    actions.record_nps(member(), 1)
    at(app, T0 + 2 * DAY)
    actions.record_nps(member(), 0)
    second, third = db.session.scalars(sa.select(Followup).where(Followup.id != first.id).order_by(Followup.id))
    actions.update_followup(cs, first, "contacted", "Called")
    ordered = list(db.session.scalars(queries.followups()))
    assert [f.id for f in ordered] == [second.id, third.id, first.id]
    assert [f.id for f in db.session.scalars(queries.followups("contacted"))] == [first.id]


# --------------------------------------------------------------------------- points, badge, engagement

def _ledger(user_id: int) -> list[tuple[str, int]]:
    return [(e.reason, e.delta) for e in db.session.scalars(
        sa.select(PointEntry).where(PointEntry.user_id == user_id).order_by(PointEntry.id))]


def test_answering_earns_the_points_once_per_interval_and_the_badge(app):
    from forum.rewards import actions as rewards_actions
    from forum.rewards.queries import badges_by_member

    user = member(days=400)
    response = actions.record_nps(user, 4)
    assert _ledger(user.id) == [("nps_answered", 2)]
    assert db.session.get(type(user), user.id).points == 2
    assert [b["slug"] for b in badges_by_member([user.id])[user.id]] == ["feedback-giver"]
    assert rewards_actions.record_nps_answer(response, user.id) is None  # once per interval
    assert _ledger(user.id) == [("nps_answered", 2)]
    at(app, T0 + 90 * DAY)
    actions.record_nps(user, 9)
    assert _ledger(user.id) == [("nps_answered", 2), ("nps_answered", 2)]


@pytest.mark.parametrize("app_config", [{"FROZEN_NOW": T0, "POINTS": {"nps_answered": 5}}])
def test_the_points_come_from_the_config(app, app_config):
    user = member()
    actions.record_nps(user, 9)
    assert _ledger(user.id) == [("nps_answered", 5)]


def test_an_answer_is_an_nps_engagement_event(app):
    user = member()
    response = actions.record_nps(user, 9)
    event = db.session.scalars(sa.select(Event).where(Event.kind == "nps")).one()
    assert event.user_id == user.id and event.subject_type == "nps_response" and event.subject_id == response.id


def test_the_ambassador_criterion_reads_the_latest_answer(app):
    from forum.rewards.queries import latest_nps_score, latest_nps_scores

    user, other, silent = member(days=400), member(days=400), member()
    actions.record_nps(user, 10)
    actions.record_nps(other, 3)
    at(app, T0 + 100 * DAY)
    actions.record_nps(user, 2)
    assert latest_nps_score(user.id) == 2
    assert latest_nps_scores([user.id, other.id, silent.id]) == {user.id: 2, other.id: 3, silent.id: None}
    assert queries.latest_scores([]) == {}


# --------------------------------------------------------------------------- the prompt

def test_the_prompt_is_due_for_eligible_members_only(app):
    assert not queries.prompt_due(None)
    assert not queries.prompt_due(member(days=13))
    user = member(days=14)
    assert queries.prompt_due(user)
    actions.record_nps(user, 9)
    assert not queries.prompt_due(user)
    at(app, T0 + 90 * DAY)
    assert queries.prompt_due(user)


def test_a_dismissed_prompt_comes_back_after_the_snooze(app):
    user = member()
    actions.dismiss_nps_prompt(user)
    assert not queries.prompt_due(user)
    at(app, T0 + 7 * DAY - dt.timedelta(seconds=1))
    assert not queries.prompt_due(user)
    at(app, T0 + 7 * DAY)
    assert queries.prompt_due(user)
    actions.dismiss_nps_prompt(user)  # dismissing again restarts the snooze (one row per member)
    assert not queries.prompt_due(user)


# --------------------------------------------------------------------------- scores

def _answers(scores: list[int], *, category=None, org=None, when=T0) -> None:
    for score in scores:
        user = member(days=400, organization=org)
        response = actions.record_nps(user, score, None, category.id if category else None)
        response.created_at = when
    db.session.flush()


def test_summary_over_the_window(app):
    _answers([10] * 5 + [8] * 3 + [2] * 2)
    _answers([0] * 4, when=T0 - 91 * DAY)  # outside the 90-day window
    score = queries.summary()
    assert (score.promoters, score.passives, score.detractors) == (5, 3, 2)
    assert score.nps == pytest.approx(30.0)
    wide = queries.summary(days=120)
    assert wide.responses == 14 and wide.detractors == 6


def test_summary_worked_example_from_the_database(app):
    _answers([9] * 50 + [7] * 30 + [6] * 20)
    score = queries.summary()
    assert score.nps == pytest.approx(30.0)
    assert score.margin_of_error == pytest.approx(1.96 * ((0.5 + 0.2 - 0.09) / 100) ** 0.5 * 100)


def test_summary_is_empty_without_answers(app):
    assert queries.summary().nps is None and queries.summary().responses == 0


def test_scores_per_category_and_tier(app):
    analytics, billing = factories.make_category("Analytics"), factories.make_category("Billing")
    gold = factories.make_org("Gold", tier="benchmark")
    _answers([10, 10, 3], category=analytics, org=gold)
    _answers([0], category=billing)
    _answers([9])
    per_category = queries.by_category()
    assert [(c.name if c else None, s.responses, round(s.nps, 1)) for c, s in per_category] == [
        ("Analytics", 3, 33.3), ("Billing", 1, -100.0), (None, 1, 100.0)]
    assert queries.summary(category_id=analytics.id).responses == 3
    tiers = queries.by_tier()
    assert list(tiers) == ["benchmark", "value_added", "standard", "none"]
    assert tiers["benchmark"].responses == 3 and tiers["none"].responses == 2 and tiers["value_added"].nps is None


def test_monthly_trend_per_calendar_month(app):
    _answers([10, 10], when=dt.datetime(2026, 6, 1, 0, 0))
    _answers([0], when=dt.datetime(2026, 5, 31, 23, 59))
    _answers([5, 9], when=dt.datetime(2026, 4, 10))
    _answers([9], when=dt.datetime(2025, 6, 30))  # before the 12 months
    trend = queries.monthly_trend()
    assert len(trend) == 12 and trend[0][0] == "2025-07" and trend[-1][0] == "2026-06"
    by_month = dict(trend)
    assert by_month["2026-06"].nps == 100 and by_month["2026-06"].responses == 2
    assert by_month["2026-05"].nps == -100 and by_month["2026-04"].nps == 0
    assert by_month["2026-03"].responses == 0 and by_month["2026-03"].margin_of_error is None
    assert [k for k, _ in queries.monthly_trend(3)] == ["2026-04", "2026-05", "2026-06"]
