"""`forum demo` under the real gate (fallback guarded): the NPS survey, the computed moderation
modes, customer success's follow-ups and the moderation queue show real data on first run."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.moderation import queries as moderation_queries
from forum.moderation.models import ModerationPolicy
from forum.nps import queries as nps_queries
from forum.nps.models import Followup, FollowupSource, FollowupStatus, NpsResponse
from forum.qa.models import Category
from tests.conftest import demo_password_hashes

NOW = dt.datetime(2027, 3, 1, 12, 0)


# The demo is loaded once per backend for the module's tests (tests/conftest.py `module_app`): they
# read it; the last one also signs in and runs the loader again (which then does nothing).
@pytest.fixture(scope="module")
def module_app_config():
    return {"MODERATION_FALLBACK_MODE": "guarded"}  # as config.py has it: what `flask forum demo` meets


@pytest.fixture(scope="module")
def loaded(module_app):
    with pytest.MonkeyPatch.context() as monkeypatch:
        demo_password_hashes(monkeypatch)
        module_app.config["FROZEN_NOW"] = NOW
        with module_app.app_context():
            result = module_app.test_cli_runner().invoke(args=["forum", "demo"])
            assert result.exit_code == 0, result.output
    return module_app


@pytest.fixture
def demo(loaded):
    with loaded.app_context():
        yield loaded


def test_the_survey_makes_the_community_guarded_and_a_category_strict(demo):
    """The answers spread over months in both languages; the computed modes; the policy page."""
    answers = db.session.scalars(sa.select(NpsResponse)).all()
    assert 40 <= len(answers) <= 60
    assert min(a.created_at for a in answers) < NOW - dt.timedelta(days=150)
    assert max(a.created_at for a in answers) <= NOW
    assert any("\u4e00" <= ch <= "\u9fff" for a in answers for ch in a.comment)
    assert any(a.comment.isascii() and a.comment for a in answers)
    groups = {nps_queries.rules.group_of(a.score) for a in answers}
    assert groups == {"promoter", "passive", "detractor"}
    per_member: dict[int, list[dt.datetime]] = {}
    for answer in answers:  # eligibility held for every answer: membership age and the interval
        assert answer.created_at - answer.user.created_at >= dt.timedelta(days=14)
        per_member.setdefault(answer.user_id, []).append(answer.created_at)
    for times in per_member.values():
        times.sort()
        assert all(b - a >= dt.timedelta(days=90) for a, b in zip(times, times[1:], strict=False))

    community = moderation_queries.policy(None, NOW)
    assert community["mode"] == community["computed_mode"] == "guarded" and community["override"] is None
    assert community["reason"].endswith(": guarded.")
    policies = {p.scope: p for p in db.session.scalars(sa.select(ModerationPolicy))}
    row = policies["community"]
    assert row.mode == "guarded" and not row.from_fallback and row.responses >= 30
    assert 0 <= row.nps < 30
    assert row.computed_at == NOW
    assert moderation_queries.current_mode(None, NOW) == "guarded"
    own = [p for p in policies.values() if p.category_id is not None and not p.from_fallback]
    assert own and all(p.responses >= 30 for p in own)
    assert {p.mode for p in own} - {"guarded"}, "a category's own mode differs from the community's"
    assert all(p.override_mode is None for p in policies.values())  # no override: the computed mode shows

    client = demo.test_client()
    page = client.get("/moderation/policy").get_data(as_text=True)
    assert "Guarded" in page and "is between 0 and 30: guarded." in page
    strict = db.session.scalar(sa.select(ModerationPolicy).where(ModerationPolicy.mode == "strict"))
    slug = db.session.get(Category, strict.category_id).slug
    page = client.get(f"/moderation/policy?category={slug}").get_data(as_text=True)
    assert "Strict" in page and "is below 0: strict." in page


def test_followups_exist_in_every_state_with_notes_by_customer_success(demo):
    followups = db.session.scalars(nps_queries.followups()).all()
    detractors = db.session.scalar(sa.select(sa.func.count()).where(NpsResponse.score <= 6))
    assert len([f for f in followups if f.source == FollowupSource.nps]) == detractors
    states = {f.status for f in followups}
    assert states == {FollowupStatus.open, FollowupStatus.contacted, FollowupStatus.resolved}
    overdue = [f for f in followups if nps_queries.is_overdue(f, NOW)]
    assert any(f.status == FollowupStatus.open for f in overdue)
    assert any(f.status == FollowupStatus.open and not nps_queries.is_overdue(f, NOW) for f in followups)
    for followup in followups:
        if followup.status != FollowupStatus.open:
            assert followup.notes and all(n.author.username == "wei_cs" for n in followup.notes)
            assert all(n.at <= NOW for n in followup.notes)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Followup)) == len(followups)


def _items():
    from forum.moderation.models import ModerationItem

    return db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_type != "idea")
                              .order_by(ModerationItem.id)).all()


def test_the_queue_shows_held_released_rejected_appealed_and_flagged_content(demo):
    from forum.qa.models import Answer, Question

    items = _items()
    by_reason: dict[str, list] = {}
    for item in items:
        by_reason.setdefault(item.reason, []).append(item)
    waiting = [i for i in by_reason["guarded_newcomer"] if i.status == "open"]
    assert waiting and all(i.release_at > NOW for i in waiting)  # still in the queue, with its release time
    question = db.session.get(Question, waiting[0].content_id)
    assert question.status == "pending" and question.release_at == waiting[0].release_at
    approved = [i for i in items if i.status == "approved" and i.decided_by_id is not None and i.note]
    assert approved  # a moderator approved one, with a note for its author
    released = [i for i in items if i.status == "approved" and i.decided_by_id is None]
    assert released and all(i.decided_at == i.release_at for i in released)  # by the tick at its release time
    rejected = [i for i in items if i.status == "rejected"]
    assert {i.decision_reason for i in rejected} >= {"spam", "off_topic"} and all(i.note for i in rejected)
    appeal = by_reason["appeal"][0]
    assert appeal.status == "open" and appeal.release_at is None and appeal.appeal_note
    assert appeal.appeal_of.status == "rejected" and appeal.appeal_of.decided_by.username == "lin_mod"
    assert db.session.get(Answer, appeal.content_id).status == "rejected"
    flagged = by_reason["flagged"][0]
    assert flagged.status == "open" and db.session.get(Answer, flagged.content_id).status == "hidden"
    strict = by_reason["strict"][0]
    assert strict.status == "open" and strict.negative  # routed to customer success as well
    assert db.session.scalar(sa.select(Followup).where(Followup.source == FollowupSource.post,
                                                       Followup.content_id == strict.content_id)) is not None
    assert all(i.held_at <= NOW for i in items)

    client = demo.test_client()
    stats = client.get("/moderation/stats?days=7").get_data(as_text=True)
    assert "Spam" in stats and "Off topic" in stats
    client.post("/login", data={"login": "admin", "password": "admin-demo-password"})
    queue = client.get("/moderation/queue")
    assert queue.status_code == 200
    page = queue.get_data(as_text=True)
    assert "Is a 40-minute materialized view refresh normal?" in page and "Ben Carter" in page

    again = demo.test_cli_runner().invoke(args=["forum", "demo"])  # idempotent
    assert again.exit_code == 0 and "Demo already loaded" in again.output
    assert len(_items()) == len(items)
