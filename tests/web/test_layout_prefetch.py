"""The layout's bell and NPS prompt read with the signed-in member's row (forum.prefetch): the member's
statement carries them, the header asks no more, and any write or pending change in the request
sends the queries back to the database so a page shows what it would have shown without it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import current_user
from sqlalchemy import event

from forum import db, prefetch
from forum.notifications.actions import notify
from forum.notifications.models import Notification
from forum.notifications.queries import unread_count
from forum.nps import actions as nps_actions
from forum.nps import queries as nps_queries
from tests import factories

T0 = dt.datetime(2026, 6, 15, 12, 0, 0)
PROMPT = "Extremely likely"
BADGE = '<span class="badge-count">'


def _member(app: Any, days: float = 30) -> int:
    with app.test_request_context():
        user = factories.make_user(created_at=T0 - dt.timedelta(days=days))
        db.session.commit()
        return user.id


def _login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def _notify(app: Any, user_id: int) -> None:
    with app.test_request_context():
        notify(user_id, "answer_posted", url="/", actor="someone", question="Q")
        db.session.commit()


def _statements(app: Any, fn: Any) -> tuple[list[str], Any]:
    seen: list[str] = []

    def before(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        seen.append(statement)

    engine = app.extensions["forum.engine"]
    event.listen(engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen, result


def _signed_in_request(app: Any, user_id: int) -> Any:
    """A request context whose session is the member's; current_user loads them (and the prefetch)."""
    ctx = app.test_request_context("/")
    ctx.push()
    from flask import session

    session["_user_id"] = str(user_id)
    assert current_user.is_authenticated and current_user.id == user_id
    return ctx


def test_a_new_notification_shows_in_the_bell_on_the_next_page_and_goes_once_read(app, client, freeze):
    freeze(T0)
    uid = _member(app)
    _login(client, uid)
    assert BADGE not in client.get("/tags").get_data(as_text=True)
    _notify(app, uid)
    _notify(app, uid)
    assert f"{BADGE}2</span>" in client.get("/tags").get_data(as_text=True)
    with app.test_request_context():
        first = db.session.query(Notification).filter_by(user_id=uid).order_by(Notification.id).first().id
    client.get(f"/notifications/{first}")
    assert f"{BADGE}1</span>" in client.get("/tags").get_data(as_text=True)


def test_the_bell_and_the_prompt_come_with_the_member_and_ask_nothing_more(app, freeze):
    freeze(T0)
    uid = _member(app)
    _notify(app, uid)
    ctx = _signed_in_request(app, uid)
    try:
        seen, (count, due) = _statements(app, lambda: (unread_count(current_user), nps_queries.prompt_due(current_user)))
        assert (count, due) == (1, True)
        assert seen == []  # read with the member's row
    finally:
        ctx.pop()


def test_a_notification_written_in_the_request_is_counted(app, freeze):
    freeze(T0)
    uid = _member(app)
    ctx = _signed_in_request(app, uid)
    try:
        notify(uid, "answer_posted", url="/", actor="someone", question="Q")
        assert unread_count(current_user) == 1  # pending in the session: the query flushes it and counts it
        notify(uid, "answer_posted", url="/", actor="someone", question="Q")
        db.session.flush()
        assert unread_count(current_user) == 2  # written: the remembered 0 is not used
    finally:
        ctx.pop()


def test_a_write_elsewhere_in_the_process_sends_the_count_back_to_the_database(app, freeze):
    freeze(T0)
    uid = _member(app)
    ctx = _signed_in_request(app, uid)
    try:
        assert prefetch.recall(uid, "unread_notifications") == 0
        with db.side_write() as side:  # another session of the process writes
            side.add(Notification(user_id=uid, kind="answer_posted", url="/", data={}))
        # (the request's own transaction may still read its snapshot; the value is asked again all the same)
        assert prefetch.recall(uid, "unread_notifications") is prefetch.MISSING
    finally:
        ctx.pop()


def test_the_prompt_follows_an_answer_and_a_dismissal_in_the_same_request(app, freeze):
    freeze(T0)
    uid = _member(app)
    ctx = _signed_in_request(app, uid)
    try:
        assert nps_queries.prompt_due(current_user)
        nps_actions.dismiss_nps_prompt(current_user)
        assert not nps_queries.prompt_due(current_user)
    finally:
        ctx.pop()


def test_the_prompt_appears_and_disappears_on_pages_as_the_rules_say(app, client, freeze):
    config = app.config
    snooze = dt.timedelta(days=int(config["NPS_PROMPT_SNOOZE_DAYS"]))
    interval = dt.timedelta(days=int(config["NPS_SURVEY_INTERVAL_DAYS"]))
    minimum = dt.timedelta(days=int(config["NPS_MIN_MEMBERSHIP_DAYS"]))
    freeze(T0)
    uid = _member(app, days=minimum.days - 1)
    _login(client, uid)
    assert PROMPT not in client.get("/tags").get_data(as_text=True)  # too new
    freeze(T0 + dt.timedelta(days=1))
    assert PROMPT in client.get("/tags").get_data(as_text=True)  # exactly the minimum membership
    client.post("/nps/dismiss", data={"next": "/tags"})
    assert PROMPT not in client.get("/tags").get_data(as_text=True)
    freeze(T0 + dt.timedelta(days=1) + snooze - dt.timedelta(seconds=1))
    assert PROMPT not in client.get("/tags").get_data(as_text=True)
    freeze(T0 + dt.timedelta(days=1) + snooze)
    assert PROMPT in client.get("/tags").get_data(as_text=True)
    answered_at = T0 + dt.timedelta(days=1) + snooze
    client.post("/nps", data={"score": "9", "next": "/tags"})
    assert PROMPT not in client.get("/tags").get_data(as_text=True)
    freeze(answered_at + interval - dt.timedelta(seconds=1))
    assert PROMPT not in client.get("/tags").get_data(as_text=True)
    freeze(answered_at + interval)
    page = client.get("/tags").get_data(as_text=True)
    # the dismissal is long past its snooze: the prompt is due again after the interval
    assert PROMPT in page
