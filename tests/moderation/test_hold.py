"""The NPS gate at posting time (docs/rules.md: The NPS gate): held posts are pending with their
release time, queued with the gate's reason, invisible to others and uncounted, visible to their
author and moderators; strict mode routes negative posts to customer success; auto-release at
the hold's end (`--now` boundaries)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from forum import db
from forum.audit.models import AuditEntry
from forum.engagement.models import Event
from forum.errors import NotFound
from forum.events import subscribe, unsubscribe
from forum.ideas.actions import submit_idea
from forum.ideas.models import IdeaStatus
from forum.moderation.actions import release_due
from forum.moderation.models import ItemStatus, ModerationItem
from forum.qa import queries as qa_queries
from forum.qa.actions import post_comment
from forum.qa.models import ContentStatus
from tests.factories import answer, ask, make_user

NOW = dt.datetime(2026, 11, 2, 9, 0, 0)
STRICT = {"MODERATION_FALLBACK_MODE": "strict"}


@pytest.fixture
def frozen(freeze):
    freeze(NOW)
    return NOW


@pytest.fixture
def announced():
    seen = []

    def on_negative(_sender, **payload):
        seen.append(payload)

    subscribe("negative_post_held", on_negative)
    yield seen
    unsubscribe("negative_post_held", on_negative)


def _item(content_type, content_id):
    return db.session.scalars(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id)).one()


def test_guarded_mode_holds_a_newcomers_question_until_its_release_time(session, frozen):
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    question = ask(author)
    assert question.status == ContentStatus.pending and question.published_at is None
    assert question.release_at == NOW + dt.timedelta(hours=24)
    item = _item("question", question.id)
    assert (item.reason, item.release_at, item.author_id, item.status) == (
        "guarded_newcomer", question.release_at, author.id, ItemStatus.open)
    assert item.excerpt.startswith(question.title)
    assert qa_queries.access_question(author, question.id) is question
    assert qa_queries.access_question(moderator, question.id) is question
    for viewer in (other, None):
        with pytest.raises(NotFound):
            qa_queries.access_question(viewer, question.id)
        assert qa_queries.paginate(qa_queries.questions(viewer), 1, 20)[1] == 0
    assert qa_queries.paginate(qa_queries.questions(author), 1, 20)[1] == 1
    # held posts are not logged as contributions until they are published
    assert not session.scalars(sa.select(Event).where(Event.kind == "question")).all()


def test_staff_and_members_past_the_newcomer_posts_are_not_held_in_guarded_mode(session, frozen):
    staff = make_user(roles=("cs",))
    assert ask(staff).status == ContentStatus.published
    veteran = make_user(points=100)  # the skip_premoderation privilege
    assert ask(veteran).status == ContentStatus.published
    assert session.scalars(sa.select(ModerationItem)).all() == []


def test_a_held_answer_is_not_counted_nor_shown_to_others(session, frozen):
    asker, answerer, other = make_user(roles=("moderator",)), make_user(), make_user()
    question = ask(asker)
    held = answer(answerer, question)
    assert held.status == ContentStatus.pending and question.answer_count == 0
    assert [a.id for a in qa_queries.thread(other, question)["answers"]] == []
    assert [a.id for a in qa_queries.thread(answerer, question)["answers"]] == [held.id]
    assert _item("answer", held.id).reason == "guarded_newcomer"


def test_a_held_comment_waits_too(session, frozen):
    asker = make_user(roles=("moderator",))
    question = ask(asker)
    comment = post_comment(make_user(points=60), question, body="Which version do you run?")
    assert comment.status == ContentStatus.pending and comment.release_at == NOW + dt.timedelta(hours=24)
    assert _item("comment", comment.id).reason == "guarded_newcomer"
    assert qa_queries.thread(make_user(), question)["question_comments"] == []


@pytest.mark.parametrize("app_config", [{"MODERATION_FALLBACK_MODE": "open"}])
def test_open_mode_holds_nothing(session, frozen):
    question = ask(make_user())
    assert question.status == ContentStatus.published and question.release_at is None
    assert question.published_at == NOW
    assert session.scalars(sa.select(ModerationItem)).all() == []


@pytest.mark.parametrize("app_config", [STRICT])
def test_strict_mode_routes_a_negative_post_to_customer_success(session, frozen, announced):
    from forum.nps.models import Followup

    author = make_user(points=5000)  # points do not spare anyone in strict mode
    question = ask(author, title="The export keeps crashing again",
                   body="This is terrible, the export crashed three times today and I lost my work.")
    item = _item("question", question.id)
    assert item.reason == "strict" and item.negative is True
    assert [(p["content_type"], p["content_id"], p["user"].id) for p in announced] == [
        ("question", question.id, author.id)]
    followup = session.scalars(sa.select(Followup)).one()
    assert (str(followup.source), followup.content_type, followup.content_id) == ("post", "question", question.id)


@pytest.mark.parametrize("app_config", [STRICT])
def test_strict_mode_holds_a_neutral_post_without_routing_it(session, frozen, announced):
    question = ask(make_user(), title="How do I add a second dashboard?", body="Where is the button for it?")
    assert _item("question", question.id).negative is False and announced == []


@pytest.mark.parametrize("app_config", [STRICT])
def test_strict_mode_never_holds_staff_or_ambassadors(session, frozen):
    assert ask(make_user(roles=("moderator",))).status == ContentStatus.published


def test_auto_release_publishes_at_release_time_not_a_second_before(session, freeze):
    freeze(NOW)
    author = make_user()
    question = ask(author)
    release = question.release_at
    freeze(release - dt.timedelta(seconds=1))
    assert release_due(release - dt.timedelta(seconds=1)) == 0
    assert question.status == ContentStatus.pending
    freeze(release)
    assert release_due(release) == 1
    assert question.status == ContentStatus.published and question.release_at is None
    assert question.published_at == release
    item = _item("question", question.id)
    assert item.status == ItemStatus.approved and item.decided_by_id is None
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.event_type == "moderation:question:auto_release")).one()
    assert audit.acting_user_id is None
    # the publication is the contribution the engagement log counts, at publication time
    events = session.scalars(sa.select(Event).where(Event.kind == "question")).all()
    assert [(e.subject_id, e.occurred_at) for e in events] == [(question.id, release)]
    assert release_due(release + dt.timedelta(hours=1)) == 0  # idempotent


def test_a_released_answer_is_counted_from_its_publication(session, freeze):
    freeze(NOW)
    question = ask(make_user(roles=("moderator",)))
    held = answer(make_user(), question)
    release = held.release_at
    freeze(release)
    release_due(release)
    assert held.status == ContentStatus.published and question.answer_count == 1
    assert held.published_at == release and question.last_activity_at == release


@pytest.mark.parametrize("app_config", [{"IDEA_PREMODERATION": False}])
def test_without_idea_premoderation_the_gate_decides_for_ideas(session, freeze):
    freeze(NOW)
    idea = submit_idea(make_user(), title="Dark mode for dashboards", description="Easier on the eyes at night.")
    assert idea.status == IdeaStatus.pending
    item = _item("idea", idea.id)
    assert item.reason == "guarded_newcomer" and item.release_at == NOW + dt.timedelta(hours=24)
    freeze(item.release_at)
    assert release_due(item.release_at) == 1
    assert idea.status == IdeaStatus.gathering


@pytest.mark.parametrize("app_config", [{"IDEA_PREMODERATION": False, "MODERATION_FALLBACK_MODE": "open"}])
def test_without_idea_premoderation_an_open_gate_publishes_ideas(session, frozen):
    idea = submit_idea(make_user(), title="Dark mode for dashboards", description="Easier on the eyes at night.")
    assert idea.status == IdeaStatus.gathering


def test_ideas_under_premoderation_wait_for_a_moderator(session, frozen):
    idea = submit_idea(make_user(roles=("moderator",)), title="Dark mode for dashboards",
                       description="Easier on the eyes at night.")
    item = _item("idea", idea.id)
    assert item.reason == "idea_premoderation" and item.release_at is None
    assert release_due(NOW + dt.timedelta(days=365)) == 0 and idea.status == IdeaStatus.pending
