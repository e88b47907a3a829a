"""Rewards' rule numbers come from config.py (docs/rules.md: Rule keys): overriding a key changes the
behaviour and the pages that explain it.

Keys: SERIAL_VOTE_WINDOW_HOURS, AMBASSADOR_CRITERIA["weeks"] and ["term_days"], NPS_DETRACTOR_MAX,
NOTE_MAX_CHARS, TRUST_LEVELS (the ambassador level is the one after the last threshold).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.errors import RuleViolation
from forum.qa.actions import cast_vote
from forum.qa.models import Vote
from forum.rewards import queries
from forum.rewards.actions import appoint_ambassador, renew_ambassador, reverse_serial_votes
from forum.rewards.models import AmbassadorTerm
from tests.factories import answer, ask, make_user
from tests.rewards.conftest import voter

NOW = dt.datetime(2026, 11, 23, 12, 0)  # a Monday

OVERRIDES = {
    "SERIAL_VOTE_WINDOW_HOURS": 2,
    "AMBASSADOR_CRITERIA": {"weeks": 6, "active_weeks_of_last_4": 5, "term_days": 30},
    "NPS_DETRACTOR_MAX": 7,
    "NOTE_MAX_CHARS": 12,
    "TRUST_LEVELS": [0, 10, 20, 30, 40],
}


@pytest.fixture
def app_config() -> dict[str, Any]:
    return OVERRIDES


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _serial_votes(freeze: Any, hours_ago: int) -> Any:
    freeze(NOW - dt.timedelta(hours=hours_ago))
    target, serial = make_user(), voter()
    for i in range(11):
        cast_vote(serial, ask(target, f"Question number {i}"), 1)
    freeze(NOW)
    return serial


def test_serial_votes_outside_the_configured_window_stay(session, freeze):
    serial = _serial_votes(freeze, hours_ago=5)  # inside the default 24 h, outside the 2 h window
    assert reverse_serial_votes(NOW) == 0
    assert session.scalar(sa.select(sa.func.count(Vote.id)).where(Vote.user_id == serial.id)) == 11


def test_serial_votes_inside_the_configured_window_are_reversed(session, freeze):
    serial = _serial_votes(freeze, hours_ago=1)
    assert reverse_serial_votes(NOW) == 11
    assert session.scalar(sa.select(sa.func.count(Vote.id)).where(Vote.user_id == serial.id)) == 0


def test_a_term_lasts_term_days(session, freeze):
    freeze(NOW)
    admin, member = make_user(roles=("admin",)), make_user()
    appoint_ambassador(admin, member, "Welcome")
    renew_ambassador(admin, member, "Reviewed")
    ends = list(session.scalars(sa.select(AmbassadorTerm.ends_at).order_by(AmbassadorTerm.id)))
    assert ends == [NOW + dt.timedelta(days=30)] * 2


def test_notes_longer_than_note_max_chars_are_refused(session):
    admin, member = make_user(roles=("admin",)), make_user()
    with pytest.raises(RuleViolation, match="12") as exc:
        appoint_ambassador(admin, member, "x" * 13)
    assert exc.value.field == "note"
    appoint_ambassador(admin, member, "x" * 12)
    assert member.is_ambassador


def _member_active_in(freeze: Any, weeks_ago: tuple[int, ...]) -> User:
    member = make_user(points=1200, created_at=NOW - dt.timedelta(days=200))
    for i in range(10):
        freeze(NOW - dt.timedelta(days=60, hours=i))
        q = ask(make_user(), f"Question number {i}")
        q.accepted_answer_id = answer(member, q, f"Answer {i}").id
    for w in weeks_ago:
        freeze(NOW - dt.timedelta(weeks=w, hours=1) if w else NOW - dt.timedelta(hours=1))
        ask(member, f"Weekly question {w}")
    freeze(NOW)
    db.session.flush()
    return member


def test_activity_is_counted_over_the_configured_weeks(session, freeze):
    member = _member_active_in(freeze, (0, 1, 2, 4, 5))  # 5 active weeks of the last 6, 3 of the last 4
    evidence = queries.ambassador_evidence(member, NOW)
    active = evidence["criteria"]["active_weeks"]
    assert len(active["weeks"]) == 6 and active["value"] == 5 and active["passed"]
    assert active["label"] == "Active in 5 of the last 6 weeks"
    assert evidence["eligible"]


@pytest.mark.parametrize(("score", "passed"), [(None, True), (7, False), (8, True)])
def test_the_detractor_cut_off_is_nps_detractor_max(session, freeze, score, passed):
    member = _member_active_in(freeze, (0, 1, 2, 4, 5))
    if score is not None:
        _answer_nps(member, score)
    nps = queries.ambassador_evidence(member, NOW)["criteria"]["nps"]
    assert nps["passed"] is passed and "(0–7)" in nps["label"]


def test_the_ambassador_trust_level_follows_trust_levels(session):
    admin, member = make_user(roles=("admin",)), make_user(points=35)
    assert queries.trust_level(member) == 3
    appoint_ambassador(admin, member, "Welcome")
    assert queries.trust_level(member) == 5


def test_the_ambassador_pages_show_the_configured_numbers(app, client):
    with app.app_context():
        admin_id = make_user("manager", roles=("admin",)).id
        ambassador = make_user("star")
        appoint_ambassador(db.session.get(User, admin_id), ambassador, "Welcome")
        db.session.commit()
    public = client.get("/ambassadors").get_data(as_text=True)
    assert "for a term of 30 days" in public and "of the last 6 weeks" in public
    assert "(0–7)" in public and "trust level 5" in public
    assert "12 month" not in public and "last 4 weeks" not in public and "0–6" not in public
    login(client, admin_id)
    manage = client.get("/admin/ambassadors").get_data(as_text=True)
    assert "for a term of 30 days" in manage and "Renew for 30 days" in manage
    assert 'maxlength="12"' in manage and 'maxlength="2000"' not in manage and "12 month" not in manage
    done = client.post(f"/admin/ambassadors/{ambassador.id}/renew", data={"note": "Reviewed"}, follow_redirects=True)
    assert "30 days" in done.get_data(as_text=True)


def test_the_api_takes_notes_up_to_note_max_chars(app, client):
    from tests.api.conftest import World, assert_error

    world = World(app)
    admin, member = world.user("manager", roles=("admin",)), world.user("helpful")
    headers = world.headers(admin)
    assert_error(client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "x" * 13}, headers=headers),
                 422, field="note")
    assert client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "x" * 12},
                       headers=headers).status_code == 200
    assert_error(client.delete(f"/api/v1/users/{member.id}/ambassador", json={"note": "y" * 13}, headers=headers),
                 422, field="note")


@pytest.mark.parametrize("app_config", [{"NOTE_MAX_CHARS": 3000}])
def test_a_larger_note_max_chars_is_taken_by_the_api(app, client, app_config):
    from tests.api.conftest import World

    world = World(app)
    admin, member = world.user("manager", roles=("admin",)), world.user("helpful")
    resp = client.post(f"/api/v1/users/{member.id}/ambassador", json={"note": "x" * 2500}, headers=world.headers(admin))
    assert resp.status_code == 200, resp.get_json()


def _answer_nps(member, score: int) -> None:
    """An earlier answer and the latest one: the criterion reads the latest."""
    from forum import db
    from forum.nps.models import NpsResponse

    earlier = 10 if score <= 6 else 0
    db.session.add_all([NpsResponse(user_id=member.id, score=earlier, created_at=NOW - dt.timedelta(days=200)),
                        NpsResponse(user_id=member.id, score=score, created_at=NOW - dt.timedelta(days=5))])
    db.session.flush()
