"""The NPS gate against a real database (forum/moderation; docs/rules.md, "The NPS gate"): the
stored mode per scope recomputed from the NPS, the fallback, hysteresis through recomputation,
audit and the mode-changed event, overrides and their expiry, the effective mode, the reason in
words and the posting-time hold decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.audit.models import AuditEntry
from forum.errors import Forbidden, RuleViolation
from forum.events import DomainEvent, subscribe, unsubscribe
from forum.moderation import actions, queries
from forum.moderation.models import ModerationPolicy
from forum.moderation.rules import Mode
from forum.notifications.models import Notification
from forum.notifications.queries import notification_text
from forum.nps.models import NpsResponse
from forum.qa.models import ContentStatus
from forum.tick import run_tick
from tests import factories
from tests.factories import ask, make_category, make_user
from tests.moderation.gate_helpers import DAY, T0, answers, statements

MIN = 10


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"FROZEN_NOW": T0, "NPS_MIN_RESPONSES": MIN, "NPS_MIN_MEMBERSHIP_DAYS": 0}


@pytest.fixture
def ctx(app: Any) -> Any:
    with app.test_request_context():
        yield app


pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def changes():
    seen: list[dict[str, Any]] = []

    def receiver(_session: Any, **payload: Any) -> None:
        seen.append(payload)

    subscribe(DomainEvent.MODERATION_MODE_CHANGED, receiver)
    yield seen
    unsubscribe(DomainEvent.MODERATION_MODE_CHANGED, receiver)


def nps_now(nps: int, n: int = 20, category_id: int | None = None) -> None:
    """Replace every answer by `n` answers whose NPS is `nps` (a multiple of 100 / n)."""
    db.session.execute(sa.delete(NpsResponse))
    net = nps * n // 100
    promoters = max(net, 0)
    detractors = max(-net, 0)
    answers(promoters, n - promoters - detractors, detractors, category_id=category_id)


def community() -> ModerationPolicy:
    return db.session.scalar(sa.select(ModerationPolicy).where(ModerationPolicy.scope == "community"))


def audits(event_type: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_type == event_type)
                                   .order_by(AuditEntry.id)))


# --------------------------------------------------------------------------- recomputation

def test_without_answers_the_community_takes_the_fallback_and_nothing_changes(changes):
    category = make_category()
    result = actions.recompute_modes(T0)
    assert result == {"scopes": 2, "changed": 0}
    row = community()
    assert row.mode == Mode.guarded and row.from_fallback and row.responses == 0 and row.nps is None
    assert row.window_days == 90 and row.computed_at == T0
    assert queries.current_mode() == Mode.guarded == queries.current_mode(category.id)
    assert changes == [] and audits("moderation:policy:mode_changed") == []


def test_enough_detractors_switch_the_community_to_strict_audited_and_announced(changes):
    answers(detractors=MIN)
    actions.recompute_modes(T0)
    row = community()
    assert row.mode == Mode.strict and not row.from_fallback and row.nps == -100 and row.responses == MIN
    assert row.margin == 0
    assert queries.current_mode() == Mode.strict
    assert [(c["scope"], c["old"], c["new"], c["cause"]) for c in changes] == [("community", "guarded", "strict",
                                                                                "computed")]
    [entry] = audits("moderation:policy:mode_changed")
    assert entry.acting_user_id is None and entry.subject_id == row.id
    assert entry.extra["old"] == "guarded" and entry.extra["new"] == "strict" and entry.extra["responses"] == MIN
    actions.recompute_modes(T0)  # idempotent: nothing changes, nothing more is audited
    assert len(changes) == 1 and len(audits("moderation:policy:mode_changed")) == 1


def test_one_answer_short_of_the_minimum_is_the_fallback():
    answers(detractors=MIN - 1)
    actions.recompute_modes(T0)
    assert community().mode == Mode.guarded and community().from_fallback


def test_answers_outside_the_window_do_not_count():
    answers(detractors=MIN, when=T0 - 91 * DAY)
    answers(promoters=MIN, when=T0 - 89 * DAY)
    actions.recompute_modes(T0)
    assert community().nps == 100 and community().mode == Mode.open


@pytest.mark.parametrize(("path", "expected"), [
    ([40, 34], Mode.open), ([40, 25], Mode.open), ([40, 20], Mode.guarded),
    ([10, 30], Mode.guarded), ([10, 35], Mode.open),
    ([10, -5], Mode.guarded), ([10, -10], Mode.strict),
    ([-20, 0], Mode.strict), ([-20, 5], Mode.guarded),
])
def test_hysteresis_through_recomputation(path, expected):
    """The first computation leaves the fallback by the plain table, the next ones move with
    hysteresis (open from 35, guarded below 25, strict below −5, out of strict from 5)."""
    for nps in path:
        nps_now(nps)
        actions.recompute_modes(T0)
    assert community().mode == expected
    actions.recompute_modes(T0)
    assert community().mode == expected


def test_leaving_the_fallback_uses_the_plain_table():
    nps_now(32, n=MIN - 5 if MIN > 5 else 1)  # too few answers: the fallback (guarded)
    actions.recompute_modes(T0)
    assert community().from_fallback and community().mode == Mode.guarded
    nps_now(30)  # 30 is within the band where guarded would stay, but leaving the fallback uses the table
    actions.recompute_modes(T0)
    assert community().mode == Mode.open and not community().from_fallback


def test_a_category_with_too_few_answers_takes_the_communitys_mode_and_one_with_enough_its_own(changes):
    quiet, busy = make_category("Quiet"), make_category("Busy")
    answers(detractors=MIN)  # the community (all answers) ...
    answers(promoters=MIN + 5, category_id=busy.id)  # ... busy's own answers are promoters
    answers(detractors=3, category_id=quiet.id)
    actions.recompute_modes(T0)
    policies = queries.all_policies()
    assert community().mode == Mode.guarded  # 15 promoters, 13 detractors of 28: NPS 7.1
    assert policies[f"category:{busy.id}"].mode == Mode.open and not policies[f"category:{busy.id}"].from_fallback
    quiet_row = policies[f"category:{quiet.id}"]
    assert quiet_row.from_fallback and quiet_row.responses == 3 and quiet_row.nps == -100
    assert queries.current_mode(quiet.id) == Mode.guarded and queries.current_mode(busy.id) == Mode.open
    assert {(c["scope"], c["category_id"], str(c["new"])) for c in changes} == {("category", busy.id, "open")}


def test_recomputation_runs_a_fixed_number_of_statements():
    for _ in range(2):
        answers(promoters=1, category_id=make_category().id)
    actions.recompute_modes(T0)
    with statements() as few:
        actions.recompute_modes(T0)
    for _ in range(8):
        category = make_category()
        answers(promoters=1, category_id=category.id)
    actions.recompute_modes(T0)
    with statements() as many:
        actions.recompute_modes(T0)
    assert len(many) == len(few)


def test_an_nps_answer_recomputes_the_mode_in_its_transaction(changes):
    from forum.nps.actions import record_nps

    answers(detractors=MIN - 1)
    actions.recompute_modes(T0)
    assert community().mode == Mode.guarded
    record_nps(factories.make_user(created_at=T0 - 30 * DAY), 2)
    assert community().mode == Mode.strict and community().responses == MIN
    assert [str(c["new"]) for c in changes] == ["strict"]


def test_moderators_and_admins_are_told_when_a_mode_changes():
    moderator, admin, member = make_user(roles=("moderator",)), make_user(roles=("admin",)), make_user()
    answers(detractors=MIN)
    actions.recompute_modes(T0)
    told = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "moderation_mode_changed")))
    assert sorted(n.user_id for n in told) == sorted([moderator.id, admin.id])
    assert member.id not in {n.user_id for n in told}
    assert told[0].url == "/moderation/policy"
    assert notification_text(told[0]) == "The moderation mode of the community is now Strict (it was Guarded)"


def test_the_tick_job_recomputes_and_clears_expired_overrides(app):
    admin = make_user(roles=("admin",))
    actions.override_mode(admin, "open", "Launch week", until=T0 + DAY, now=T0)
    answers(detractors=MIN)
    db.session.commit()
    results = run_tick(T0 + 2 * DAY)
    assert results["moderation_gate"] == "1 modes changed, 1 overrides expired"
    row = community()
    assert row.mode == Mode.strict and row.override_mode is None and row.override_note == ""
    [expired] = audits("moderation:policy:override_expired")
    assert expired.acting_user_id is None and expired.extra["mode"] == "open"


# --------------------------------------------------------------------------- overrides

def test_only_admins_override():
    for user in (make_user(), make_user(roles=("moderator",)), make_user(roles=("cs",))):
        with pytest.raises(Forbidden):
            actions.override_mode(user, "strict", "Spam wave")
        with pytest.raises(Forbidden):
            actions.clear_override(user)
    assert not actions.may_override(make_user(roles=("moderator",)))
    assert actions.may_override(make_user(roles=("admin",)))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"mode": "lax", "note": "x"}, "mode"), ({"mode": None, "note": "x"}, "mode"),
    ({"mode": "strict", "note": ""}, "note"), ({"mode": "strict", "note": "   "}, "note"),
    ({"mode": "strict", "note": None}, "note"), ({"mode": "strict", "note": "x" * 2001}, "note"),
    ({"mode": "strict", "note": "x", "until": T0}, "until"),
    ({"mode": "strict", "note": "x", "until": T0 - DAY}, "until"),
    ({"mode": "strict", "note": "x", "category_id": 999}, "category"),
])
def test_an_override_is_refused_with_the_field_named(kwargs, field):
    admin = make_user(roles=("admin",))
    kwargs = dict(kwargs)  # the parameters are shared by both backends' runs
    with pytest.raises(RuleViolation) as exc:
        actions.override_mode(admin, kwargs.pop("mode"), kwargs.pop("note"), **kwargs)
    assert exc.value.field == field
    assert audits("moderation:policy:override") == []


def test_an_override_lasts_seven_days_by_default_and_keeps_the_computed_mode(changes):
    admin = make_user(roles=("admin",))
    actions.recompute_modes(T0)
    policy = actions.override_mode(admin, "strict", "  Spam wave  ")
    assert policy.override_until == T0 + 7 * DAY and policy.override_note == "Spam wave"
    assert policy.override_by_id == admin.id and policy.mode == Mode.guarded
    assert queries.current_mode() == Mode.strict
    [entry] = audits("moderation:policy:override")
    assert entry.acting_user_id == admin.id and entry.extra["mode"] == "strict" and entry.extra["note"] == "Spam wave"
    assert [(str(c["old"]), str(c["new"]), c["cause"]) for c in changes] == [("guarded", "strict", "override")]
    actions.override_mode(admin, "strict", "Spam wave", until=policy.override_until)  # already in effect
    assert len(audits("moderation:policy:override")) == 1


def test_the_override_days_are_configurable(app):
    app.config["MODERATION_OVERRIDE_DAYS"] = 2
    policy = actions.override_mode(make_user(roles=("admin",)), "open", "Event")
    assert policy.override_until == T0 + 2 * DAY


def test_an_override_before_any_computation_creates_the_scope():
    category = make_category()
    policy = actions.override_mode(make_user(roles=("admin",)), "open", "Beta", category_id=category.id)
    assert policy.scope == f"category:{category.id}" and policy.from_fallback and policy.mode == Mode.guarded
    assert queries.current_mode(category.id) == Mode.open and queries.current_mode() == Mode.guarded


def test_an_override_always_expires():
    admin = make_user(roles=("admin",))
    actions.override_mode(admin, "open", "Launch", until=T0 + DAY)
    assert queries.current_mode(now=T0 + DAY - dt.timedelta(seconds=1)) == Mode.open
    assert queries.current_mode(now=T0 + DAY) == Mode.guarded  # ignored at its end, before the tick clears it
    assert actions.expire_overrides(T0 + DAY - dt.timedelta(seconds=1)) == 0
    assert actions.expire_overrides(T0 + DAY) == 1
    assert community().override_mode is None
    assert actions.expire_overrides(T0 + DAY) == 0


def test_clearing_an_override_is_audited_and_idempotent(changes):
    admin = make_user(roles=("admin",))
    assert actions.clear_override(admin) is None
    actions.override_mode(admin, "strict", "Spam wave")
    actions.clear_override(admin)
    assert queries.current_mode() == Mode.guarded and community().override_mode is None
    [entry] = audits("moderation:policy:override_cleared")
    assert entry.extra["note"] == "Spam wave"
    actions.clear_override(admin)
    assert len(audits("moderation:policy:override_cleared")) == 1
    assert [c["cause"] for c in changes] == ["override", "override_cleared"]


def test_a_community_override_reaches_categories_without_their_own_answers_only():
    quiet, busy = make_category(), make_category()
    answers(promoters=MIN, category_id=busy.id)
    actions.recompute_modes(T0)
    actions.override_mode(make_user(roles=("admin",)), "strict", "Incident")
    assert queries.current_mode(quiet.id) == Mode.strict
    assert queries.current_mode(busy.id) == Mode.open


def test_an_unknown_category_has_the_communitys_mode():
    assert queries.current_mode(12345) == Mode.guarded


# --------------------------------------------------------------------------- the reason in words

def test_the_reason_explains_the_table():
    nps_now(10)
    actions.recompute_modes(T0)
    info = queries.policy()
    assert info["mode"] == Mode.guarded and info["nps"] == 10 and info["responses"] == 20
    assert info["margin_of_error"] == pytest.approx(round(queries.all_policies()["community"].margin, 1))
    assert info["reason"] == (f"NPS 10 ± {queries._num(info['margin_of_error'])} over the last 90 days from 20 "
                              "answers is between 0 and 30: guarded.")


def test_the_reason_explains_the_hysteresis():
    nps_now(10)
    actions.recompute_modes(T0)
    nps_now(30)
    actions.recompute_modes(T0)
    reason = queries.policy()["reason"]
    assert "would be open by the table, but the mode stays guarded until the NPS reaches 35" in reason
    nps_now(-5)
    actions.recompute_modes(T0)
    reason = queries.policy()["reason"]
    assert reason.startswith("NPS −5 ± ")
    assert "would be strict by the table, but the mode stays guarded until the NPS falls below −5" in reason


def test_the_reason_explains_the_fallback_of_the_community_and_of_a_category():
    category = make_category()
    answers(detractors=4)
    actions.recompute_modes(T0)
    assert queries.policy()["reason"] == ("Only 4 answers in the last 90 days (10 needed): the community's "
                                          "fallback mode, guarded, applies.")
    assert queries.policy(category.id)["reason"] == ("Only 0 answers in this category in the last 90 days (10 "
                                                     "needed): the community's mode, guarded, applies.")
    assert queries.policy(category.id)["responses"] == 0


def test_before_any_computation_the_policy_is_the_fallback():
    info = queries.policy()
    assert info["mode"] == info["computed_mode"] == Mode.guarded and info["override"] is None
    assert "Not computed yet" in info["reason"]


def test_the_reason_of_an_override_names_who_until_when_and_why():
    admin = make_user("carol", roles=("admin",))
    actions.recompute_modes(T0)
    actions.override_mode(admin, "open", "Launch week", until=dt.datetime(2026, 6, 20, 9, 30))
    info = queries.policy()
    assert info["reason"] == "Overridden by carol until 2026-06-20 09:30 UTC: Launch week"
    assert info["override"]["mode"] == Mode.open and info["override"]["by"] == admin
    assert info["mode"] == Mode.open and info["computed_mode"] == Mode.guarded
    assert "fallback" in info["computed_reason"]


# --------------------------------------------------------------------------- the posting-time decision

def _mode(mode: str, category_id: int | None = None) -> None:
    actions.override_mode(make_user(roles=("admin",)), mode, "test", category_id=category_id)


def test_open_holds_nobody():
    _mode("open")
    assert queries.hold_decision(make_user(), None) is None


def test_guarded_holds_newcomers_until_the_hold_time():
    _mode("guarded")
    newcomer = make_user()
    hold = queries.hold_decision(newcomer, None)
    assert hold is not None and hold.reason == "guarded_newcomer" and hold.mode == Mode.guarded
    assert hold.release_at == T0 + dt.timedelta(hours=24)


def published(author: Any, title: str) -> Any:
    """A question of `author`, published whatever the gate decided when it was asked."""
    question = ask(author, title=title)
    question.status = ContentStatus.published
    db.session.flush()
    return question


def test_guarded_lets_members_with_enough_published_posts_or_the_privilege_through(app):
    _mode("guarded")
    regular = make_user()
    for i in range(2):
        published(regular, f"How do I configure the export number {i}?")
    ask(regular, title="A held question does not count, does it?").status = ContentStatus.pending
    assert queries.hold_decision(regular, None) is not None  # 2 published posts: still a newcomer
    published(regular, "How do I configure the third export?")
    assert queries.hold_decision(regular, None) is None
    assert queries.hold_decision(make_user(points=100), None) is None  # skip_premoderation
    assert queries.hold_decision(make_user(points=99), None) is not None
    app.config["MODERATION_GUARDED_POSTS"] = 4
    assert queries.hold_decision(regular, None) is not None


def test_strict_holds_everyone_but_staff_and_ambassadors():
    _mode("strict")
    veteran = make_user(points=5000)
    for i in range(3):
        published(veteran, f"A long standing question number {i}?")
    hold = queries.hold_decision(veteran, None)
    assert hold is not None and hold.reason == "strict"
    for role in ("moderator", "product", "cs", "admin"):
        assert queries.hold_decision(make_user(roles=(role,)), None) is None
    assert queries.hold_decision(make_user(ambassador=True), None) is None


def test_the_decision_reads_the_categorys_mode():
    category = make_category()
    _mode("open")
    _mode("strict", category.id)
    assert queries.hold_decision(make_user(), category.id).reason == "strict"
    assert queries.hold_decision(make_user(), None) is None


def test_published_post_count_counts_only_published_posts():
    from forum.qa.queries import published_post_count

    author = make_user()
    question = published(author, "How do I count my posts?")
    assert published_post_count(author.id) == 1
    question.status = ContentStatus.pending
    db.session.flush()
    assert published_post_count(author.id) == 0
