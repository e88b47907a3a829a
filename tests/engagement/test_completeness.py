"""Every part's events land in the engagement log with member, organization and category (ids only),
and page views never write on the request path: they are buffered and the tick's flush appends the
`view_question` events in bulk (docs/rules.md: Engagement events and health reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.engagement.models import Event
from forum.engagement.rules import EVENT_KINDS
from forum.events import DomainEvent
from tests.factories import answer, ask, make_category, make_org, make_user

NOW = dt.datetime(2026, 11, 23, 12, 0)
EVENT_COLUMNS = {c.name for c in Event.__table__.columns}


def events(kind: str | None = None) -> list[Event]:
    stmt = sa.select(Event).order_by(Event.id)
    if kind is not None:
        stmt = stmt.where(Event.kind == kind)
    return list(db.session.scalars(stmt))


def one(kind: str) -> Event:
    found = events(kind)
    assert len(found) == 1, (kind, [(e.kind, e.subject_type, e.subject_id) for e in events()])
    return found[0]


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


# --------------------------------------------------------------------------- kinds, organization, category

def test_posts_votes_accepts_ideas_supports_nps_and_flags_carry_member_organization_and_category(session, freeze):
    from forum.ideas.actions import publish_idea, submit_idea, support_idea
    from forum.moderation.actions import flag_content
    from forum.nps.actions import record_nps
    from forum.qa.actions import accept_answer, cast_vote, post_comment

    freeze(NOW)
    acme, globex = make_org("Acme"), make_org("Globex")
    category = make_category("Integrations")
    asker = make_user(points=500, organization=acme, created_at=NOW - dt.timedelta(days=60))
    helper = make_user(points=500, organization=globex)
    question = ask(asker, category_id=category.id)
    reply = answer(helper, question)
    comment = post_comment(asker, reply, body="Thanks, that worked.")
    cast_vote(asker, reply, 1)
    accept_answer(asker, reply)
    idea = publish_idea(submit_idea(helper, title="Webhooks for exports", description="Please.", category_id=category.id))
    support_idea(asker, idea)
    response = record_nps(asker, 9, category_id=category.id)
    flag_content(helper, "comment", comment.id, reason="off_topic")

    expected = {
        "question": (asker, acme, "question", question.id, None),
        "answer": (helper, globex, "answer", reply.id, None),
        "comment": (asker, acme, "comment", comment.id, None),
        "vote": (asker, acme, "answer", reply.id, 1.0),
        "accept": (asker, acme, "answer", reply.id, None),
        "idea": (helper, globex, "idea", idea.id, None),
        "support": (asker, acme, "idea", idea.id, None),
        "nps": (asker, acme, "nps_response", response.id, 9.0),
        "flag": (helper, globex, "flag", None, None),
    }
    for kind, (user, org, subject_type, subject_id, value) in expected.items():
        event = one(kind)
        assert (event.user_id, event.organization_id, event.category_id) == (user.id, org.id, category.id), kind
        assert event.subject_type == subject_type and event.value == value, kind
        if subject_id is not None:
            assert event.subject_id == subject_id, kind
        assert event.occurred_at == NOW


def test_the_log_holds_ids_only():
    assert EVENT_COLUMNS == {"id", "occurred_at", "user_id", "organization_id", "category_id", "kind",
                             "subject_type", "subject_id", "value"}


def test_every_kind_of_the_design_has_a_source():
    """The kinds reports read: each comes from a domain event, a read-time receiver or the flush."""
    from forum.engagement import subscribers

    logged = {kind for kind, _key, _type in EVENT_KINDS.values()}
    by_receivers = {"invite_accepted", "moderation", "view_question", "visit", "search", "ask_started",
                    "ask_suggestion_clicked", "ask_abandoned_after_suggestion"}
    design = {"visit", "view_question", "search", "ask_suggestion_clicked", "ask_abandoned_after_suggestion",
              "question", "answer", "comment", "vote", "accept", "idea", "support", "nps", "flag", "moderation",
              "signup", "invite_accepted", "ask_started"}
    assert design <= logged | by_receivers
    assert DomainEvent.FLAG_RAISED in EVENT_KINDS
    assert set(subscribers.MODERATION_VALUES) == {DomainEvent.HELD_CONTENT_APPROVED, DomainEvent.HELD_CONTENT_REJECTED}


def test_an_invited_sign_up_logs_signup_and_invite_accepted_with_the_inviter(session, freeze):
    from forum.accounts.actions import register_user

    freeze(NOW)
    inviter = register_user(username="inviter", email="inviter@example.com", password="long enough pw")
    invitee = register_user(username="invitee", email="invitee@example.com", password="long enough pw",
                            invite_code=inviter.invite_code)
    register_user(username="walkin", email="walkin@example.com", password="long enough pw")
    assert len(events("signup")) == 3
    accepted = one("invite_accepted")
    assert (accepted.user_id, accepted.subject_type, accepted.subject_id) == (invitee.id, "user", inviter.id)


@pytest.mark.parametrize("app_config", [{"MODERATION_FALLBACK_MODE": "guarded"}])
def test_a_held_post_is_logged_once_at_publication_with_its_category(session, freeze):
    """Held by the gate: no `question` event at posting; one when the moderator approves it, at that
    time, with the question's category — and a `moderation` event for the decision."""
    from forum.moderation.actions import decide_item
    from forum.moderation.models import ModerationItem

    freeze(NOW)
    category = make_category("Billing")
    org = make_org()
    newcomer = make_user(organization=org)
    question = ask(newcomer, category_id=category.id)
    assert str(question.status) == "pending"
    assert events("question") == []
    item = db.session.scalars(sa.select(ModerationItem).where(ModerationItem.content_id == question.id)).one()
    moderator = make_user(roles=("moderator",))
    freeze(NOW + dt.timedelta(hours=3))
    decide_item(moderator, item, action="approve")
    logged = one("question")
    assert (logged.user_id, logged.organization_id, logged.category_id) == (newcomer.id, org.id, category.id)
    assert logged.occurred_at == NOW + dt.timedelta(hours=3)
    decision = one("moderation")
    assert (decision.user_id, decision.subject_type, decision.subject_id, decision.category_id, decision.value) == (
        moderator.id, "question", question.id, category.id, 1.0)


@pytest.mark.parametrize("app_config", [{"MODERATION_FALLBACK_MODE": "guarded"}])
def test_moderation_decisions_are_logged_approved_one_rejected_zero(session, freeze):
    from forum.moderation.actions import decide_item, release_due
    from forum.moderation.models import ModerationItem

    freeze(NOW)
    category = make_category("Security")
    moderator = make_user(roles=("moderator",))
    held = [ask(make_user(), title=f"Question number {i} about tokens", category_id=category.id) for i in range(3)]
    assert all(str(q.status) == "pending" for q in held)
    items = {i.content_id: i for i in db.session.scalars(sa.select(ModerationItem))}
    decide_item(moderator, items[held[0].id], action="approve")
    decide_item(moderator, items[held[1].id], action="reject", reason="spam")
    release_due(NOW + dt.timedelta(days=30))  # the third is released at the end of its hold
    decisions = {e.subject_id: (e.user_id, e.value, e.category_id) for e in events("moderation")}
    assert decisions == {held[0].id: (moderator.id, 1.0, category.id), held[1].id: (moderator.id, 0.0, category.id),
                         held[2].id: (None, 1.0, category.id)}
    assert {e.subject_id for e in events("question")} == {held[0].id, held[2].id}  # the rejected one never


# --------------------------------------------------------------------------- page views

def test_a_question_page_view_writes_nothing_on_the_request_path_and_the_tick_logs_it(app, client, freeze):
    from forum.qa.actions import flush_view_counts, view_buffer
    from forum.qa.models import Question

    freeze(NOW)
    with app.app_context():
        view_buffer().drain()  # views left by other tests on this database
        org = make_org()
        category = make_category("Dashboards")
        member = make_user(organization=org)
        question = ask(make_user(), category_id=category.id)
        db.commit()
        member_id, org_id, question_id, category_id = member.id, org.id, question.id, category.id
    login(client, member_id)
    assert client.get("/").status_code == 200  # the day's first page: the one `visit` side write
    engine = app.extensions["forum.engine"]
    with statements(engine) as seen:
        assert client.get(f"/questions/{question_id}").status_code == 200
        assert client.get(f"/questions/{question_id}").status_code == 200
    assert writes(seen) == []
    anonymous = app.test_client()
    with statements(engine) as seen:
        assert anonymous.get(f"/questions/{question_id}").status_code == 200
        assert anonymous.get(f"/api/v1/questions/{question_id}").status_code == 200
    assert writes(seen) == []

    freeze(NOW + dt.timedelta(minutes=5))
    with app.app_context():
        assert events("view_question") == []
        with statements(engine) as seen:
            assert flush_view_counts() == 4
            db.commit()
        inserts = [s for s in writes(seen) if "INSERT INTO events" in s]
        assert len(inserts) == 1  # one bulk statement (executemany) for the four events
        views = events("view_question")
        assert [(e.user_id, e.organization_id, e.category_id, e.subject_type, e.subject_id) for e in views] == [
            (member_id, org_id, category_id, "question", question_id)] * 2 + [
            (None, None, category_id, "question", question_id)] * 2
        assert all(e.occurred_at == NOW for e in views)  # the time of the view, not of the flush
        assert db.session.get(Question, question_id).view_count == 4
        assert flush_view_counts() == 0


def test_the_view_counts_tick_job_writes_the_view_events(app, client, freeze):
    from forum.qa.actions import record_view, view_buffer
    from forum.tick import run_tick

    freeze(NOW)
    with app.app_context():
        view_buffer().drain()
        question = ask(make_user())
        viewer = make_user(organization=make_org())
        db.commit()
        for _ in range(3):
            record_view(question.id, viewer)
        record_view(question.id)
        record_view(10_000_000)  # a question that no longer exists: dropped
        question_id, viewer_id = question.id, viewer.id
    with app.app_context():
        results = run_tick(NOW + dt.timedelta(minutes=1))
    assert results["view_counts"] == "4 views"
    with app.app_context():
        assert [(e.user_id, e.subject_id) for e in events("view_question")] == [(viewer_id, question_id)] * 3 + [
            (None, question_id)]


def test_a_damaged_spool_line_is_skipped(tmp_path):
    from forum.qa.viewbuffer import FileViewBuffer, View

    buffer = FileViewBuffer(str(tmp_path), "sqlite://")
    buffer.add(7, 3, 2, at=1_700_000_000.0)
    with open(next(buffer.dir.glob("*.log")), "a", encoding="ascii") as spool:
        spool.write("8,4\n9\nnot-a-line\n")
    buffer.add(7)
    views = buffer.drain_views()
    assert [(v.question_id, v.user_id, v.organization_id) for v in views] == [(7, 3, 2), (9, None, None),
                                                                                (7, None, None)]
    assert views[0].at == 1_700_000_000.0
    assert View.parse(views[0].line()) == views[0]
    assert buffer.drain_views() == []
