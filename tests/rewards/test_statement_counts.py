"""Rewards pages and API lists run a number of SQL statements that does not grow with their rows
(docs: the question page's rule, docs/architecture.md, the rules of the house): each page is counted with few rows and with
several times as many, and the two counts must be equal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import before_render_template, template_rendered
from sqlalchemy import event

from forum import db
from forum.accounts.actions import issue_token
from forum.accounts.models import User
from forum.qa.models import Answer, ContentStatus, Question
from forum.rewards import rules
from forum.rewards.models import AmbassadorTerm, Badge, PointEntry, UserBadge
from tests.factories import make_category, make_org, make_user


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Callable[..., Any], *args: Any) -> Any:
    with app.app_context():
        result = fn(*args)
        db.commit()
        return result


def count_statements(app: Any, client: Any, url: str, **kw: Any) -> tuple[int, Any]:
    """The SQL statements one request runs, and its response (which must be 200)."""
    engine = app.extensions["forum.engine"]
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        resp = client.get(url, **kw)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return len(statements), resp


def statements_while_rendering(app: Any, client: Any, url: str) -> list[str]:
    """The SQL statements run while templates render (a template that queries shows up here)."""
    engine = app.extensions["forum.engine"]
    statements: list[str] = []
    rendering: list[bool] = []

    def started(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        rendering.append(True)

    def finished(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        rendering.pop()

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if rendering:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        before_render_template.disconnect(started, app)
        template_rendered.disconnect(finished, app)
    assert resp.status_code == 200
    return statements


def bearer(app: Any, user_id: int, scopes: list[str] | None = None) -> dict[str, str]:
    def issue() -> str:
        return issue_token(db.session.get(User, user_id), scopes=scopes)[1]

    return {"Authorization": "Bearer " + build(app, issue)}


# --------------------------------------------------------------------------- builders

def _question(author: User, title: str = "A question") -> Question:
    now = db.utcnow()
    q = Question(author_id=author.id, title=title, body="body", body_html="<p>body</p>",
                 status=ContentStatus.published, created_at=now, published_at=now, updated_at=now)
    db.session.add(q)
    db.session.flush()
    return q


def _answer(author: User, question: Question) -> Answer:
    now = db.utcnow()
    a = Answer(question_id=question.id, author_id=author.id, body="answer", body_html="<p>answer</p>",
               status=ContentStatus.published, created_at=now, published_at=now, updated_at=now)
    db.session.add(a)
    db.session.flush()
    return a


def _ledger(member_id: int, n: int) -> None:
    """`n` entries of every kind a history explains: answers, questions, ideas, reversals, capped."""
    member = db.session.get(User, member_id)
    asker = make_user()
    question = _question(asker)
    kinds = [("answer_upvoted", "answer"), ("question_upvoted", "question"), ("answer_accepted", "answer"),
             ("idea_stage_reached", "idea"), ("referral_activated", "user")]
    for i in range(n):
        reason, subject_type = kinds[i % len(kinds)]
        subject_id = _answer(member, question).id if subject_type == "answer" else question.id
        entry = PointEntry(user_id=member.id, delta=i % 7 + 1, reason=reason, subject_type=subject_type,
                           subject_id=subject_id, stage=1 if reason == "idea_stage_reached" else None)
        db.session.add(entry)
        db.session.flush()
        if i % 4 == 3:
            db.session.add(PointEntry(user_id=member.id, delta=-entry.delta, reason=reason,
                                      subject_type=subject_type, subject_id=subject_id, reverses=entry.id))
    member.points = db.session.scalar(sa.select(sa.func.sum(PointEntry.delta)).where(PointEntry.user_id == member.id))


def _badges(member_id: int, n: int) -> None:
    """Award the member the first `n` badges of the rules (rows made directly)."""
    for rule in rules.BADGES[:n]:
        badge = db.session.scalar(sa.select(Badge).where(Badge.slug == rule.slug))
        if badge is None:
            badge = Badge(slug=rule.slug, name=rule.slug, tier=rule.tier, description="")
            db.session.add(badge)
            db.session.flush()
        db.session.add(UserBadge(user_id=member_id, badge_id=badge.id))
    db.session.flush()


def _member_with(n_entries: int, n_badges: int, org_name: str | None = None) -> int:
    org = make_org(org_name) if org_name else None
    member = make_user(points=0, organization=org)
    _ledger(member.id, n_entries)
    _badges(member.id, n_badges)
    return member.id


def _ambassador(n: int, with_history: bool = True) -> int:
    """A current ambassador with an open term, some contributions, a badge and an organization."""
    now = db.utcnow()
    member = make_user(points=1500 + n, ambassador=True, organization=make_org(),
                       created_at=now - dt.timedelta(days=400))
    db.session.add(AmbassadorTerm(user_id=member.id, note="helps", started_at=now - dt.timedelta(days=10),
                                  ends_at=now + dt.timedelta(days=355)))
    if with_history:
        q = _question(member, f"question {n}")
        _answer(member, q)
    _badges(member.id, 1 + n % 3)
    db.session.flush()
    return member.id


def _candidate(n: int) -> int:
    """A member who meets every ambassador criterion (accepted answers, active weeks, age, points)."""
    now = db.utcnow()
    c = rules.ambassador_criteria()
    member = make_user(points=c["points"] + n, created_at=now - dt.timedelta(days=c["member_days"] + 5),
                       organization=make_org())
    for i in range(c["accepted_answers"]):
        asker = make_user()
        q = _question(asker, f"q{n}-{i}")
        a = _answer(member, q)
        q.accepted_answer_id = a.id
        when = now - dt.timedelta(weeks=i % 4)
        a.created_at = a.published_at = when
    db.session.flush()
    return member.id


def _grow(app: Any, fn: Callable[[int], Any], start: int, stop: int) -> None:
    def make() -> None:
        for i in range(start, stop):
            fn(i)

    build(app, make)


# --------------------------------------------------------------------------- points history

@pytest.mark.parametrize("viewer", ["anonymous", "self"])
def test_points_page_statements_do_not_grow_with_the_ledger(app, client, viewer):
    small = build(app, _member_with, 5, 1)
    big = build(app, _member_with, 30, 6)
    client.get("/tags")
    if viewer == "self":
        login(client, small)
        client.get(f"/users/{small}/points")  # the first visit writes the invite code
        small_count, _ = count_statements(app, client, f"/users/{small}/points")
        login(client, big)
        client.get(f"/users/{big}/points")
        big_count, resp = count_statements(app, client, f"/users/{big}/points")
    else:
        small_count, _ = count_statements(app, client, f"/users/{small}/points")
        big_count, resp = count_statements(app, client, f"/users/{big}/points")
    html = resp.get_data(as_text=True)
    assert html.count('class="delta ') >= 30 and "#answer-" in html
    assert big_count == small_count


def test_points_api_statements_do_not_grow_with_the_ledger(app, client):
    small = build(app, _member_with, 5, 1)
    big = build(app, _member_with, 30, 6)
    small_count, _ = count_statements(app, client, f"/api/v1/users/{small}/points?per_page=100")
    big_count, resp = count_statements(app, client, f"/api/v1/users/{big}/points?per_page=100")
    assert len(resp.get_json()["items"]) >= 30
    assert big_count == small_count


# --------------------------------------------------------------------------- the profile panel

@pytest.mark.parametrize("viewer", ["anonymous", "self"])
def test_profile_page_statements_do_not_grow_with_badges_and_history(app, client, viewer):
    small = build(app, _member_with, 2, 1, "Small Org")
    big = build(app, _member_with, 30, 8, "Big Org")
    client.get("/tags")
    counts = []
    for member in (small, big):
        if viewer == "self":
            login(client, member)
            client.get(f"/users/{member}")
        count, resp = count_statements(app, client, f"/users/{member}")
        counts.append(count)
    html = resp.get_data(as_text=True)
    assert html.count("reward-badge") >= 8 and "Recent points" in html
    assert counts[0] == counts[1]


@pytest.mark.parametrize("viewer", ["anonymous", "self"])
def test_the_profile_panel_template_runs_no_query(app, client, viewer):
    """Templates display what the view computed (docs/architecture.md, the rules of the house): rendering runs no SQL."""
    member = build(app, _member_with, 6, 3, "Panel Org")
    if viewer == "self":
        login(client, member)
    client.get(f"/users/{member}")
    layout = "FROM notifications"  # the layout's unread count belongs to the shared web layer
    rendering = statements_while_rendering(app, client, f"/users/{member}")
    assert [s for s in rendering if layout not in s] == []


# --------------------------------------------------------------------------- leaderboards and ambassadors

def _leader(n: int) -> None:
    member = make_user(points=10 + n, ambassador=n % 3 == 0, organization=make_org())
    category = make_category(f"Leader cat {n}") if n == 0 else None
    q = _question(make_user(), f"leader {n}")
    if category is not None:
        q.category_id = category.id
    db.session.add(PointEntry(user_id=member.id, delta=10 + n, reason="question_upvoted", subject_type="question",
                              subject_id=q.id))
    db.session.flush()


@pytest.mark.parametrize("query", ["period=week", "period=month", "period=all", "period=all&by=organizations",
                                   "period=week&by=organizations"])
def test_leaderboard_statements_do_not_grow_with_its_members(app, client, query):
    _grow(app, _leader, 0, 3)
    client.get("/tags")
    small, _ = count_statements(app, client, f"/leaderboard?{query}")
    _grow(app, _leader, 3, 12)
    big, resp = count_statements(app, client, f"/leaderboard?{query}")
    assert resp.get_data(as_text=True).count("<tr>") >= 12
    assert big == small


def test_ambassadors_page_statements_do_not_grow_with_its_members(app, client):
    _grow(app, _ambassador, 0, 3)
    client.get("/tags")
    small, _ = count_statements(app, client, "/ambassadors")
    _grow(app, _ambassador, 3, 12)
    big, resp = count_statements(app, client, "/ambassadors")
    assert resp.get_data(as_text=True).count("until ") >= 12
    assert big == small


def test_admin_ambassadors_page_statements_do_not_grow_with_members_and_candidates(app, client):
    admin = build(app, lambda: make_user(roles=("admin",)).id)
    _grow(app, _ambassador, 0, 3)
    _grow(app, _candidate, 0, 2)
    login(client, admin)
    client.get("/tags")
    small, _ = count_statements(app, client, "/admin/ambassadors")
    _grow(app, _ambassador, 3, 12)
    _grow(app, _candidate, 2, 6)
    big, resp = count_statements(app, client, "/admin/ambassadors")
    html = resp.get_data(as_text=True)
    assert html.count('class="card candidate"') == 6 and html.count("Renew for 365 days") == 12
    assert big == small


def test_ambassadors_api_statements_do_not_grow_with_its_members(app, client):
    _grow(app, _ambassador, 0, 3)
    small, _ = count_statements(app, client, "/api/v1/ambassadors?per_page=100")
    _grow(app, _ambassador, 3, 12)
    big, resp = count_statements(app, client, "/api/v1/ambassadors?per_page=100")
    items = resp.get_json()["items"]
    assert len(items) == 12 and all(i["badges"] and i["organization"] for i in items)
    assert big == small


def test_candidates_api_statements_do_not_grow_with_its_members(app, client):
    admin = build(app, lambda: make_user(roles=("admin",)).id)
    headers = bearer(app, admin)
    _grow(app, _candidate, 0, 2)
    client.get("/api/v1/me", headers=headers)  # the token's first use records it
    small, _ = count_statements(app, client, "/api/v1/ambassadors/candidates?per_page=100", headers=headers)
    _grow(app, _candidate, 2, 6)
    big, resp = count_statements(app, client, "/api/v1/ambassadors/candidates?per_page=100", headers=headers)
    assert len(resp.get_json()["items"]) == 6
    assert big == small


# --------------------------------------------------------------------------- badges

def _holder(n: int) -> None:
    member = make_user(organization=make_org())
    _badges(member.id, 1 + n % len(rules.BADGES))


@pytest.mark.parametrize("signed_in", [False, True])
def test_badges_page_statements_do_not_grow_with_its_holders(app, client, signed_in):
    viewer = build(app, lambda: make_user().id)
    build(app, _badges, viewer, 3)
    if signed_in:
        login(client, viewer)
    _grow(app, _holder, 0, 3)
    client.get("/tags")
    small, _ = count_statements(app, client, "/badges")
    _grow(app, _holder, 3, 12)
    big, _ = count_statements(app, client, "/badges")
    assert big == small


def test_the_home_page_checklist_is_computed_by_the_view(app, client):
    """The onboarding checklist on the home page is data the view passes (docs/architecture.md, the rules of the house)."""
    member = build(app, lambda: make_user().id)
    login(client, member)
    client.get("/")
    layout = "FROM notifications"  # the layout's unread count belongs to the shared web layer
    rendering = statements_while_rendering(app, client, "/")
    assert [s for s in rendering if layout not in s] == []
    assert "Get started" in client.get("/").get_data(as_text=True)
