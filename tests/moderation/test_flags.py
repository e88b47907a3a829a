"""Flags (forum/moderation, docs/rules.md "The NPS gate"): the flag privilege, hiding at exactly
FLAGS_TO_HIDE counting flaggers, each flagger's accuracy after FLAG_ACCURACY_MIN_FLAGS decided flags,
idempotence, and the moderator's decision upholding or dismissing the flags."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from forum.audit.models import AuditEntry
from forum.errors import Forbidden, NotFound, RuleViolation
from forum.moderation import rules
from forum.moderation.actions import decide_item, flag_content, may_flag
from forum.moderation.models import Flag, FlagOutcome, ItemStatus, ModerationItem
from forum.moderation.queries import counting_flags, flag_accuracy_of, flag_controls, flags_for_items
from forum.qa.models import Answer, Comment, ContentStatus, Question
from tests.factories import answer, ask, make_user


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MODERATION_FALLBACK_MODE": "open"}  # posts are published at once: the gate is not under test


def flaggers(n: int, points: int = 15) -> list[Any]:
    return [make_user(points=points) for _ in range(n)]


def items_for(session, content_type: str, content_id: int) -> list[ModerationItem]:
    return list(session.scalars(sa.select(ModerationItem).where(ModerationItem.content_type == content_type,
                                                                 ModerationItem.content_id == content_id)))


# --------------------------------------------------------------------------- the rule table

@pytest.mark.parametrize("upheld, decided, counts", [
    (0, 0, True), (0, 9, True),            # before 10 decided flags accuracy does not matter
    (4, 10, False), (5, 10, True),         # at exactly 10 decided: below 50 % stops counting, 50 % counts
    (5, 11, False), (6, 11, True), (10, 20, True), (9, 20, False),
])
def test_flags_count_by_accuracy_after_ten_decided(ctx, upheld, decided, counts):
    assert rules.flags_count(upheld, decided, rules.flag_settings()) is counts


@given(decided=st.integers(0, 200), data=st.data())
def test_accuracy_invariants(decided, data):
    upheld = data.draw(st.integers(0, decided))
    settings = rules.FlagSettings(to_hide=3, accuracy_min_flags=10, accuracy_min=0.5)
    counts = rules.flags_count(upheld, decided, settings)
    if decided < settings.accuracy_min_flags:
        assert counts
    else:
        assert counts == (upheld / decided >= settings.accuracy_min)
    # more upheld flags never stop a flagger from counting
    if counts and upheld < decided:
        assert rules.flags_count(upheld + 1, decided, settings)


def test_reasons_are_the_api_list():
    assert set(rules.FLAG_REASONS) == {"spam", "abuse", "off_topic", "personal_data", "other"}
    assert rules.FLAGGABLE == ("question", "answer", "comment", "idea")


# --------------------------------------------------------------------------- who may flag

def test_flagging_needs_the_privilege_and_names_the_points(session):
    question = ask(make_user(points=200))
    poor = make_user(points=3)
    with pytest.raises(Forbidden) as exc:
        flag_content(poor, "question", question.id, reason="spam")
    assert "15" in exc.value.message and "3" in exc.value.message
    assert not may_flag(poor, question)
    assert may_flag(make_user(points=15), question)
    assert may_flag(make_user(roles=("cs",)), question)        # staff have every privilege
    assert may_flag(make_user(ambassador=True), question)      # and so do ambassadors
    assert session.scalar(sa.select(sa.func.count(Flag.id))) == 0


def test_own_post_unknown_content_and_bad_input(session):
    author = make_user(points=200)
    question = ask(author)
    with pytest.raises(RuleViolation) as exc:
        flag_content(author, "question", question.id, reason="spam")
    assert exc.value.field == "content_id"
    member = make_user(points=20)
    with pytest.raises(NotFound):
        flag_content(member, "question", 9999, reason="spam")
    with pytest.raises(RuleViolation) as exc:
        flag_content(member, "question", question.id, reason="criticism")
    assert exc.value.field == "reason"
    with pytest.raises(RuleViolation) as exc:
        flag_content(member, "vote", question.id, reason="spam")
    assert exc.value.field == "content_type"
    with pytest.raises(RuleViolation) as exc:
        flag_content(member, "question", question.id, reason="spam", note="x" * (rules.FLAG_NOTE_MAX + 1))
    assert exc.value.field == "note"


def test_invisible_content_is_not_found(session):
    author = make_user(points=200)
    question = ask(author)
    question.status = ContentStatus.pending
    with pytest.raises(NotFound):
        flag_content(make_user(points=20), "question", question.id, reason="spam")


def test_a_suspended_member_may_not_flag(session):
    import datetime as dt

    question = ask(make_user(points=200))
    suspended = make_user(points=50, suspended_until=dt.datetime(2099, 1, 1), suspension_reason="spam")
    with pytest.raises(Forbidden) as exc:
        flag_content(suspended, "question", question.id, reason="spam")
    assert exc.value.code == "suspended"


def test_flagging_twice_changes_nothing(session):
    question = ask(make_user(points=200))
    member = make_user(points=20)
    first, created = flag_content(member, "question", question.id, reason="spam", note="  buy now  ")
    assert created and first.note == "buy now" and first.outcome == FlagOutcome.pending
    again, created = flag_content(member, "question", question.id, reason="abuse", note="other")
    assert not created and again.id == first.id and again.reason == "spam"
    assert session.scalar(sa.select(sa.func.count(Flag.id))) == 1


# --------------------------------------------------------------------------- hiding

@pytest.mark.parametrize("kind", ["question", "answer", "comment"])
def test_hidden_at_exactly_flags_to_hide(session, kind):
    from forum.qa.actions import post_comment

    author = make_user(points=200)
    question = ask(author)
    target: Any = question
    if kind == "answer":
        target = answer(author, question)
    elif kind == "comment":
        target = post_comment(author, question, body="A comment to flag.")
    count_before = question.answer_count
    first, second, third = flaggers(3)
    flag_content(first, kind, target.id, reason="spam")
    flag_content(second, kind, target.id, reason="abuse")
    assert target.status == ContentStatus.published and items_for(session, kind, target.id) == []
    flag_content(third, kind, target.id, reason="spam")
    assert target.status == ContentStatus.hidden
    [item] = items_for(session, kind, target.id)
    assert item.reason == rules.FLAGGED and item.release_at is None and item.status == ItemStatus.open
    if kind == "answer":
        assert question.answer_count == count_before - 1
    audit = session.scalar(sa.select(AuditEntry).where(AuditEntry.event_type == f"moderation:{kind}:hidden_by_flags"))
    assert audit is not None and audit.extra["flags"] == 3
    # a fourth flag is recorded but opens no second item
    flag_content(make_user(roles=("moderator",)), kind, target.id, reason="other")
    assert len(items_for(session, kind, target.id)) == 1


def test_a_custom_threshold(app, session):
    app.config["FLAGS_TO_HIDE"] = 1
    question = ask(make_user(points=200))
    flag_content(make_user(points=15), "question", question.id, reason="spam")
    assert question.status == ContentStatus.hidden


def _track_record(flagger: Any, upheld: int, dismissed: int) -> None:
    """Decided flags of `flagger` on other members' questions (rows made directly)."""
    from forum import db

    author = make_user(points=200)
    for i in range(upheld + dismissed):
        q = ask(author, title=f"Track record question {flagger.id}-{i}")
        db.session.add(Flag(flagger_id=flagger.id, content_type="question", content_id=q.id, reason="spam",
                            outcome=FlagOutcome.upheld if i < upheld else FlagOutcome.dismissed))
    db.session.flush()


def test_inaccurate_flaggers_stop_counting_at_ten_decided_flags(session):
    inaccurate = make_user(points=20)
    _track_record(inaccurate, upheld=4, dismissed=6)        # 10 decided, 40 %
    borderline = make_user(points=20)
    _track_record(borderline, upheld=5, dismissed=5)        # 10 decided, exactly 50 %: counts
    newcomer = make_user(points=20)
    _track_record(newcomer, upheld=0, dismissed=9)          # 9 decided: accuracy does not matter yet
    accuracy = flag_accuracy_of([inaccurate.id, borderline.id, newcomer.id])
    assert accuracy[inaccurate.id] == {"upheld": 4, "decided": 10, "accuracy": 0.4, "counts": False}
    assert accuracy[borderline.id]["counts"] and accuracy[newcomer.id]["counts"]

    question = ask(make_user(points=200), title="A question three members flag")
    flag_content(inaccurate, "question", question.id, reason="spam")
    flag_content(borderline, "question", question.id, reason="spam")
    flag_content(newcomer, "question", question.id, reason="spam")
    assert counting_flags("question", question.id) == 2
    assert question.status == ContentStatus.published      # the inaccurate flag is recorded, not counted
    assert session.scalar(sa.select(sa.func.count(Flag.id)).where(Flag.content_id == question.id,
                                                                 Flag.content_type == "question")) == 3
    flag_content(make_user(points=20), "question", question.id, reason="spam")
    assert question.status == ContentStatus.hidden


# --------------------------------------------------------------------------- the moderator's decision

def _hidden_question(session) -> tuple[Question, ModerationItem, list[Any]]:
    question = ask(make_user(points=200))
    members = flaggers(3)
    for m in members:
        flag_content(m, "question", question.id, reason="spam")
    [item] = items_for(session, "question", question.id)
    return question, item, members


def test_rejecting_upholds_the_flags(session):
    question, item, members = _hidden_question(session)
    moderator = make_user(roles=("moderator",))
    decide_item(moderator, item, action="reject", reason="spam")
    assert question.status == ContentStatus.rejected and question.rejection_reason == "spam"
    flags = list(session.scalars(sa.select(Flag).where(Flag.content_id == question.id)))
    assert {f.outcome for f in flags} == {FlagOutcome.upheld}
    assert all(f.decided_by_id == moderator.id and f.item_id == item.id and f.decided_at for f in flags)
    assert flag_accuracy_of([members[0].id])[members[0].id]["accuracy"] == 1.0
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.event_type == "moderation:question:flags_upheld"))


def test_approving_dismisses_the_flags_and_publishes_again(session):
    author = make_user(points=200)
    question = ask(author)
    target = answer(author, question)
    count = question.answer_count
    for m in flaggers(3):
        flag_content(m, "answer", target.id, reason="off_topic")
    assert question.answer_count == count - 1
    [item] = items_for(session, "answer", target.id)
    decide_item(make_user(roles=("moderator",)), item, action="approve")
    assert target.status == ContentStatus.published and question.answer_count == count
    assert {f.outcome for f in session.scalars(sa.select(Flag))} == {FlagOutcome.dismissed}
    # dismissed flags no longer count: new flaggers must reach the threshold again
    for m in flaggers(2):
        flag_content(m, "answer", target.id, reason="spam")
    assert target.status == ContentStatus.published


def test_the_queue_shows_the_flags_with_accuracy(session):
    question, item, members = _hidden_question(session)
    summary = flags_for_items([item])[item.id]
    assert summary["reasons"] == [("Spam", 3)]
    assert [f["flagger"].id for f in summary["flags"]] == [m.id for m in members]
    assert all(f["accuracy"] is None and f["counts"] for f in summary["flags"])


def test_flagged_ideas_stay_visible_and_an_upheld_flag_rejects_them(session):
    from forum.ideas.models import Idea, IdeaStatus

    author = make_user(points=200)
    idea = Idea(title="Dark mode for the dashboard", description="Please add it.", description_html="<p>Please add it.</p>", author_id=author.id,
                status=IdeaStatus.gathering)
    session.add(idea)
    session.flush()
    for m in flaggers(3):
        flag_content(m, "idea", idea.id, reason="spam")
    assert idea.status == IdeaStatus.gathering
    [item] = items_for(session, "idea", idea.id)
    assert item.reason == rules.FLAGGED
    decide_item(make_user(roles=("moderator",)), item, action="reject", reason="spam")
    assert idea.status == IdeaStatus.rejected and idea.rejection_reason == "spam"


# --------------------------------------------------------------------------- the page's controls

def test_flag_controls_in_one_statement(session, app):
    from forum import db

    author = make_user(points=200)
    question = ask(author)
    answers = [answer(author, question, body=f"Answer number {i}.") for i in range(5)]
    member = make_user(points=20)
    flag_content(member, "answer", answers[0].id, reason="spam")
    poor = make_user(points=3)
    statements: list[str] = []
    engine = db.session.get_bind()
    listener = lambda *args, **kw: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        controls = flag_controls(member, [("question", question)] + [("answer", a) for a in answers])
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert controls[("answer", answers[0].id)]["flagged"] and controls[("question", question.id)]["allowed"]
    refused = flag_controls(poor, [("question", question)])[("question", question.id)]
    assert not refused["allowed"] and refused["why"] == "Flagging needs 15 points; you have 3."
    assert flag_controls(author, [("question", question)]) == {}
    assert [c for c in Comment.__table__.columns if c.name == "status"] and Answer
