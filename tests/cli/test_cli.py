"""The command line: create-user, tick (--now, view counts, roll-ups), demo and generate."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from forum import db
from forum.accounts.models import User
from forum.demo.people import MEMBERS, STAFF
from forum.demo.queue import HELD
from forum.demo.threads import THREADS
from forum.engagement.models import DailyRollup, Event
from forum.qa.models import Answer, Comment, Question, Vote
from forum.tick import JOBS
from tests.conftest import _empty_tables
from tests.factories import ask, make_user


def invoke(app, *args):
    """Run `flask forum ...`. The command shares the test's app context and session, so the test's
    read snapshot is ended first, as it would be for a command run in a process of its own."""
    db.session.rollback()
    return app.test_cli_runner().invoke(args=["forum", *args])


def empty_database(app):
    db.session.rollback()  # TRUNCATE (PostgreSQL) waits for the test's own open transaction
    _empty_tables(app.extensions["forum.engine"])


def fresh(stmt):
    db.session.expire_all()
    return db.session.execute(stmt)


# ----------------------------------------------------------------------------- create-user

def test_create_user_with_roles_signs_in(app, ctx):
    result = invoke(app, "create-user", "Ada_L", "--email", "Ada@Example.com", "--password", "long enough pw",
                    "--role", "moderator", "--role", "cs")
    assert result.exit_code == 0, result.output
    assert "Created Ada_L" in result.output
    from forum.accounts.actions import authenticate

    user = authenticate("ada@example.com", "long enough pw")
    assert user is not None and user.username == "Ada_L"
    assert user.roles == ["member", "cs", "moderator"]


@pytest.mark.parametrize("args, message", [
    (["ada", "--email", "other@example.com"], "username is taken"),
    (["ADA", "--email", "other@example.com"], "username is taken"),
    (["grace", "--email", "ADA@example.com"], "e-mail address exists"),
])
def test_create_user_duplicate_is_a_clear_error(app, ctx, args, message):
    assert invoke(app, "create-user", "ada", "--email", "ada@example.com", "--password", "long enough pw").exit_code == 0
    result = invoke(app, "create-user", *args, "--password", "long enough pw", "--role", "admin")
    assert result.exit_code == 1
    assert message in result.output
    assert fresh(sa.select(sa.func.count()).select_from(User)).scalar() == 1


def test_create_user_validates_like_sign_up(app, ctx):
    result = invoke(app, "create-user", "bob", "--email", "not-an-email", "--password", "long enough pw")
    assert result.exit_code == 1 and "e-mail" in result.output
    result = invoke(app, "create-user", "bob", "--email", "bob@example.com", "--password", "short")
    assert result.exit_code == 1 and "at least 8" in result.output
    result = invoke(app, "create-user", "bob", "--email", "bob@example.com", "--password", "long enough pw",
                    "--role", "overlord")
    assert result.exit_code == 2
    assert fresh(sa.select(sa.func.count()).select_from(User)).scalar() == 0


# ----------------------------------------------------------------------------- tick

def test_tick_passes_now_to_every_job(app, ctx, monkeypatch):
    seen = []
    monkeypatch.setitem(JOBS, "probe", lambda now: seen.append(now) or "probed")
    result = invoke(app, "tick", "--now", "2027-01-01T08:00:00+08:00")
    assert result.exit_code == 0, result.output
    assert seen == [dt.datetime(2027, 1, 1, 0, 0)]
    assert "probe: probed" in result.output
    assert "rollups:" in result.output and "view_counts:" in result.output
    assert invoke(app, "tick", "--now", "yesterday").exit_code == 2


# Each part's periodic jobs (docs/rules.md: Run modes), contributed from its own forum/<part>/jobs.py.
PART_JOBS = {
    "qa": {"view_counts"},
    "engagement": {"rollups"},
    "search": {"search_index"},
    "rewards": {"serial_votes", "ambassador_terms"},
    "ideas": {"idea_deadlines"},
    "moderation": {"moderation_gate", "auto_release"},
    "health": {"health_reports"},
    "api": {"webhook_deliveries"},
}


def test_every_part_contributes_its_jobs_from_its_jobs_module(app):
    by_part: dict[str, set[str]] = {}
    for name, job in JOBS.items():
        part, _, module = job.__module__.removeprefix("forum.").partition(".")
        assert module == "jobs", f"job {name} is registered from {job.__module__}, not forum.<part>.jobs"
        by_part.setdefault(part, set()).add(name)
    assert by_part == PART_JOBS


def test_tick_now_runs_every_registered_job(app, ctx):
    result = invoke(app, "tick", "--now", "2027-01-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    ran = {line.split(":", 1)[0] for line in result.output.splitlines()}
    assert ran == set().union(*PART_JOBS.values())
    assert "failed" not in result.output


def test_a_job_name_is_registered_once():
    from forum.tick import periodic

    with pytest.raises(ValueError, match="rollups"):
        periodic("rollups")(lambda now: None)
    assert JOBS["rollups"].__module__ == "forum.engagement.jobs"


@pytest.mark.parametrize("command", ["tick", "demo", "generate"])
def test_kernel_commands_are_registered_by_forum_cli(app, command):
    from forum.cli import forum_cli

    assert forum_cli.commands[command].callback.__module__ == "forum.cli"


def test_tick_reports_a_failed_job(app, ctx, monkeypatch):
    def broken(_now):
        raise RuntimeError("boom")

    monkeypatch.setitem(JOBS, "broken", broken)
    result = invoke(app, "tick")
    assert result.exit_code == 1
    assert "broken: failed" in result.output


def test_tick_flushes_buffered_view_counts_once(app, ctx):
    from forum.qa.actions import record_view

    question = ask(make_user())
    db.commit()
    for _ in range(3):
        record_view(question.id)
    assert fresh(sa.select(Question.view_count)).scalar() == 0  # a view never writes by itself
    assert "view_counts: 3 views" in invoke(app, "tick").output
    assert fresh(sa.select(Question.view_count)).scalar() == 3
    assert "view_counts: 0 views" in invoke(app, "tick").output
    assert fresh(sa.select(Question.view_count)).scalar() == 3


def _event(kind, when, user=None, category=None, value=None):
    db.session.add(Event(kind=kind, occurred_at=when, user_id=user, category_id=category, value=value))


def _rollups():
    return sorted(fresh(sa.select(DailyRollup.day, DailyRollup.kind, DailyRollup.category_id, DailyRollup.count,
                                  DailyRollup.users, DailyRollup.value_sum)))


def test_rollups_close_past_days_once_and_recompute_late_events(app, ctx):
    day1, day2, today = dt.datetime(2026, 12, 30), dt.datetime(2026, 12, 31), dt.datetime(2027, 1, 1)
    _event("visit", day1 + dt.timedelta(hours=1), user=1)
    _event("visit", day1 + dt.timedelta(hours=2), user=1)
    _event("visit", day1 + dt.timedelta(hours=23, minutes=59), user=2)
    _event("vote", day1 + dt.timedelta(hours=3), user=1, category=7, value=1)
    _event("vote", day1 + dt.timedelta(hours=4), user=2, category=7, value=-1)
    _event("nps", day2 + dt.timedelta(hours=5), user=3, value=9)
    _event("visit", today + dt.timedelta(hours=1), user=1)  # today is not closed: not rolled up
    db.commit()

    assert "rollups: 2 days rolled up (3 rows)" in invoke(app, "tick", "--now", "2027-01-01T12:00:00Z").output
    expected = [
        (day1.date(), "visit", 0, 3, 2, 0.0),
        (day1.date(), "vote", 7, 2, 2, 0.0),
        (day2.date(), "nps", 0, 1, 1, 9.0),
    ]
    assert _rollups() == expected
    assert "rollups: 0 days rolled up" in invoke(app, "tick", "--now", "2027-01-01T13:00:00Z").output
    assert _rollups() == expected

    _event("visit", day2 + dt.timedelta(hours=9), user=4)  # written late for a closed day
    db.commit()
    assert "rollups: 1 days rolled up (2 rows)" in invoke(app, "tick", "--now", "2027-01-01T14:00:00Z").output
    assert _rollups() == expected + [(day2.date(), "visit", 0, 1, 1, 0.0)]

    assert "rollups: 1 days rolled up (1 rows)" in invoke(app, "tick", "--now", "2027-01-02T00:00:00Z").output
    assert (today.date(), "visit", 0, 1, 1, 0.0) in _rollups()


# ----------------------------------------------------------------------------- demo

def _table_counts():
    return {model.__tablename__: fresh(sa.select(sa.func.count()).select_from(model)).scalar()
            for model in (User, Question, Answer, Comment, Vote, Event)}


def test_demo_loads_a_consistent_community_once(app, ctx, monkeypatch):
    import forum.accounts.actions as accounts_actions

    # Password hashing dominates the demo's run time; a cheap method keeps the test fast.
    monkeypatch.setattr(accounts_actions, "generate_password_hash",
                        lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"))
    app.config["FROZEN_NOW"] = dt.datetime(2027, 3, 1, 12, 0)
    result = invoke(app, "demo")
    assert result.exit_code == 0, result.output
    assert "admin-demo-password" in result.output
    counts = _table_counts()
    assert counts["users"] == len(STAFF) + len(MEMBERS) and counts["answers"] >= 40
    from forum.demo.archive import EARLY_THREADS, RECENT_THREADS  # the ambassadors' record

    assert counts["questions"] == (len(THREADS) + len(EARLY_THREADS) + len(RECENT_THREADS)
                                   + sum(1 for spec in HELD if spec["kind"] == "question"))
    assert counts["votes"] > 50 and counts["comments"] >= 10

    again = invoke(app, "demo")
    assert again.exit_code == 0 and "Demo already loaded" in again.output
    assert "admin-demo-password" in again.output and "demo-password." in again.output  # every time
    assert _table_counts() == counts

    from forum.accounts.actions import authenticate

    admin = authenticate("admin", "admin-demo-password")
    assert admin is not None and "admin" in admin.roles
    questions = fresh(sa.select(Question)).scalars().all()
    assert any("\u4e00" <= ch <= "\u9fff" for q in questions for ch in q.title)  # Chinese threads
    assert any("<pre><code" in q.body_html for q in questions)  # Markdown with code blocks
    created = [q.created_at for q in questions]
    assert min(created) < dt.datetime(2027, 3, 1) - dt.timedelta(days=80)
    assert max(created) <= dt.datetime(2027, 3, 1, 12, 0)
    for q in questions:  # the actions kept the derived columns right
        answers = fresh(sa.select(Answer).where(Answer.question_id == q.id, Answer.status == "published")
                        ).scalars().all()  # rejected and hidden answers are not counted
        assert q.answer_count == len(answers)
        if q.accepted_answer_id is not None:
            assert q.accepted_answer_id in {a.id for a in answers}
        votes = fresh(sa.select(sa.func.coalesce(sa.func.sum(Vote.value), 0))
                      .where(Vote.post_type == "question", Vote.post_id == q.id)).scalar()
        assert q.score == votes
    assert fresh(sa.select(sa.func.count()).where(Answer.official.is_(True))).scalar() > 0
    # the events were logged at the backdated times
    first_event = fresh(sa.select(sa.func.min(Event.occurred_at)).where(Event.kind == "question")).scalar()
    assert first_event == min(created)


# ----------------------------------------------------------------------------- generate

GENERATE = ["generate", "--members", "30", "--questions", "40", "--answers", "80", "--comments", "50",
            "--events", "200"]


def _snapshot():
    return {
        "counts": _table_counts(),
        "titles": fresh(sa.select(Question.title).order_by(Question.id).limit(10)).scalars().all(),
        "usernames": fresh(sa.select(User.username).order_by(User.id).limit(5)).scalars().all(),
    }


def test_generate_is_deterministic_for_a_seed(app, ctx):
    assert invoke(app, *GENERATE, "--seed", "7").exit_code == 0
    first = _snapshot()
    empty_database(app)
    result = invoke(app, *GENERATE, "--seed", "7")
    assert result.exit_code == 0, result.output
    assert _snapshot() == first
    assert first["counts"]["questions"] == 40 and first["counts"]["answers"] == 80
    assert first["counts"]["comments"] == 50 and first["counts"]["users"] == 30
    empty_database(app)
    assert invoke(app, *GENERATE, "--seed", "8").exit_code == 0
    assert _snapshot()["titles"] != first["titles"]


def _vote_sum(post_type, post_id):
    return fresh(sa.select(sa.func.coalesce(sa.func.sum(Vote.value), 0))
                 .where(Vote.post_type == post_type, Vote.post_id == post_id)).scalar()


def _check_generated_consistency():
    """What the actions would keep true holds for bulk-generated rows; returns the accepts."""
    from forum.qa.rendering import render_markdown

    by_question = {}
    for answer in fresh(sa.select(Answer)).scalars().all():
        by_question.setdefault(answer.question_id, []).append(answer)
        assert answer.body_html == render_markdown(answer.body)
        assert answer.score == _vote_sum("answer", answer.id)
    accepted = 0
    for q in fresh(sa.select(Question)).scalars().all():
        assert q.body_html == render_markdown(q.body)
        assert q.score == _vote_sum("question", q.id)
        mine = by_question.get(q.id, [])
        assert q.answer_count == len(mine)
        if q.accepted_answer_id is not None:
            accepted += 1
            assert q.accepted_answer_id in {a.id for a in mine}
        assert q.last_activity_at >= max([q.created_at] + [a.created_at for a in mine])
    for comment in fresh(sa.select(Comment)).scalars():
        assert comment.body_html == render_markdown(comment.body)
        assert (comment.question_id is None) != (comment.answer_id is None)
    return accepted


def _event_kinds():
    return {kind: n for kind, n in fresh(sa.select(Event.kind, sa.func.count()).group_by(Event.kind))}


def test_generate_keeps_derived_columns_consistent(app, ctx):
    result = invoke(app, *GENERATE, "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "200 activity events" in result.output
    accepted = _check_generated_consistency()
    assert accepted > 0
    # the events the actions would have logged, one per post and vote
    kinds = _event_kinds()
    assert kinds["question"] == 40 and kinds["answer"] == 80 and kinds["comment"] == 50
    assert kinds["signup"] == 30
    assert kinds["vote"] == fresh(sa.select(sa.func.count()).select_from(Vote)).scalar()
    assert kinds["accept"] == accepted

    # more answers and comments on the existing questions keep the counters right too
    result = invoke(app, "generate", "--answers", "30", "--comments", "10", "--seed", "4")
    assert result.exit_code == 0, result.output
    _check_generated_consistency()
    kinds = _event_kinds()
    assert kinds["answer"] == 110 and kinds["comment"] == 60 and kinds["signup"] == 30
    assert kinds["vote"] == fresh(sa.select(sa.func.count()).select_from(Vote)).scalar()

    # new rows after a generate get fresh ids (PostgreSQL sequences follow the explicit ids)
    user = make_user()
    assert user.id == 31
