"""Outgoing webhooks (docs/api.md: Webhooks; docs/rules.md: Webhooks): admins configure them,
domain events queue signed deliveries in the transaction of the change, `forum tick` sends them
(to a real HTTP receiver on 127.0.0.1 here) and retries failures with exponential backoff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import sqlalchemy as sa

from forum import db
from forum.accounts.models import User
from forum.api import actions
from forum.api.models import DeliveryStatus, Webhook, WebhookDelivery
from forum.errors import Forbidden, RuleViolation
from forum.tick import run_tick
from tests import factories
from tests.factories import PASSWORD

NOW = dt.datetime(2026, 11, 20, 9, 0, 0)
ALL_EVENTS = ["question.asked", "question.answered", "question.solved", "idea.status_changed", "nps.detractor",
              "followup.opened"]


@pytest.fixture
def admin(session):
    return factories.make_user("hook_admin", roles=("admin",))


def _hook(admin: Any, url: str = "http://127.0.0.1:9/hook", events: list[str] | None = None) -> tuple[Webhook, str]:
    return actions.create_webhook(admin, url=url, events=events or ALL_EVENTS, description="CRM")


def _deliveries(event: str | None = None) -> list[WebhookDelivery]:
    stmt = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if event:
        stmt = stmt.where(WebhookDelivery.event == event)
    return list(db.session.scalars(stmt))


class Recorder:
    """A transport that records what would be sent and answers with the statuses it is given."""

    def __init__(self, statuses: list[int | None]) -> None:
        self.statuses = statuses
        self.sent: list[dict[str, Any]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int | None, str]:
        self.sent.append({"url": url, "body": body, "headers": headers, "timeout": timeout})
        status = self.statuses.pop(0) if self.statuses else 200
        return status, "" if status else "ConnectionRefusedError: refused"


# ----------------------------------------------------------------------------- configuration

def test_only_admins_configure_webhooks_and_the_input_is_checked(session, admin):
    member = factories.make_user()
    with pytest.raises(Forbidden):
        _hook(member)
    for url in ("ftp://example.com/x", "not a url", "", "https://"):
        with pytest.raises(RuleViolation) as exc:
            _hook(admin, url=url)
        assert exc.value.field == "url"
    with pytest.raises(RuleViolation) as exc:
        _hook(admin, events=["question.deleted"])
    assert exc.value.field == "events"
    hook, secret = _hook(admin, events=["question.solved", "question.asked"])
    assert hook.event_list == ["question.asked", "question.solved"] and secret.startswith("whsec_")
    assert hook.secret == secret


# ----------------------------------------------------------------------------- events become deliveries

def test_a_published_question_queues_one_delivery_per_interested_webhook(session, admin):
    asks, _ = _hook(admin, events=["question.asked"])
    _hook(admin, events=["nps.detractor"])
    inactive, _ = _hook(admin, events=["question.asked"])
    actions.update_webhook(admin, inactive, url=inactive.url, events=["question.asked"], active=False)
    author = factories.make_user("asker", points=500)
    question = factories.ask(author, title="Where is the audit export?", tags=["export"])
    queued = _deliveries()
    assert [(d.webhook_id, d.event, d.status) for d in queued] == [(asks.id, "question.asked", DeliveryStatus.pending)]
    payload = json.loads(queued[0].payload)
    assert payload["id"] == queued[0].id and payload["event"] == "question.asked"
    data = payload["data"]["question"]
    assert data["id"] == question.id and data["title"] == "Where is the audit export?" and data["tags"] == ["export"]
    assert data["author"] == {"id": author.id, "username": "asker"} and data["url"].endswith(f"/questions/{question.id}")


def test_a_change_that_rolls_back_sends_nothing(session, admin):
    _hook(admin)
    session.commit()
    factories.ask(factories.make_user(), title="Rolled back question")
    assert len(_deliveries()) == 1
    session.rollback()
    assert _deliveries() == []


def test_answers_accepts_idea_status_nps_detractors_and_followups_are_delivered(session, admin, freeze):
    from forum.ideas.actions import decide_idea, publish_idea, submit_idea
    from forum.nps.actions import record_nps
    from forum.qa.actions import accept_answer

    _hook(admin)
    asker, helper = factories.make_user(), factories.make_user()
    question = factories.ask(asker, title="How do I rotate keys?")
    answer = factories.answer(helper, question, "Settings, then Keys.")
    accept_answer(asker, answer)
    idea = submit_idea(asker, title="Dark mode for reports", description="Please.")
    publish_idea(idea, admin)
    product = factories.make_user("pm", roles=("product",))
    decide_idea(product, idea, decision="approved", note="Planned for Q1.")
    freeze(NOW)
    old = factories.make_user("old_timer", created_at=NOW - dt.timedelta(days=60))
    record_nps(old, 3, "Too slow")
    record_nps(factories.make_user("fan", created_at=NOW - dt.timedelta(days=60)), 10, "Great")
    events = [d.event for d in _deliveries()]
    assert events == ["question.asked", "question.answered", "question.solved", "idea.status_changed",
                      "idea.status_changed", "followup.opened", "nps.detractor"]
    solved = json.loads(_deliveries("question.solved")[0].payload)["data"]
    assert solved["answer"]["id"] == answer.id and solved["accepted_by"]["id"] == asker.id
    moves = [json.loads(d.payload)["data"] for d in _deliveries("idea.status_changed")]
    assert [(m["idea"]["previous_status"], m["idea"]["status"]) for m in moves] == [("pending", "gathering"),
                                                                                    ("gathering", "approved")]
    assert moves[1]["note"] == "Planned for Q1." and moves[1]["actor"]["username"] == "pm"
    detractor = json.loads(_deliveries("nps.detractor")[0].payload)["data"]
    assert detractor["response"]["score"] == 3 and detractor["member"]["username"] == "old_timer"
    followup = json.loads(_deliveries("followup.opened")[0].payload)["data"]["followup"]
    assert followup["source"] == "nps" and followup["score"] == 3


def test_held_content_is_delivered_when_it_is_published(session, admin, app):
    from forum.moderation.actions import decide_item
    from forum.moderation.queries import queue

    app.config["MODERATION_FALLBACK_MODE"] = "strict"
    _hook(admin, events=["question.asked"])
    factories.ask(factories.make_user(), title="A newcomer's held question")
    assert _deliveries() == []
    moderator = factories.make_user("mod", roles=("moderator",))
    item = session.scalars(queue(moderator)).first()
    decide_item(moderator, item, action="approve", reason=None, note=None)
    assert [d.event for d in _deliveries()] == ["question.asked"]


# ----------------------------------------------------------------------------- delivery by `forum tick`

class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answers: list[int] = []

    def do_POST(self) -> None:  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(type(self).answers.pop(0) if type(self).answers else 204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver():
    """An HTTP receiver on 127.0.0.1 (port 5300–5399) in a thread; yields its base URL."""
    server = None
    for port in range(5301, 5400):
        try:
            server = HTTPServer(("127.0.0.1", port), _Receiver)
            break
        except OSError:
            continue
    assert server is not None
    _Receiver.received, _Receiver.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_tick_sends_signed_deliveries_to_a_real_receiver(session, admin, freeze, receiver):
    freeze(NOW)
    hook, secret = _hook(admin, url=receiver + "/forum-events", events=["question.asked"])
    question = factories.ask(factories.make_user(), title="Signed delivery")
    session.commit()
    results = run_tick(NOW)
    session.commit()
    assert results["webhook_deliveries"] == {"delivered": 1, "retrying": 0, "failed": 0}
    [got] = _Receiver.received
    assert got["path"] == "/forum-events"
    expected = "sha256=" + hmac.new(secret.encode(), got["body"], hashlib.sha256).hexdigest()
    assert got["headers"]["X-Forum-Signature-256"] == expected
    assert got["headers"]["X-Forum-Event"] == "question.asked"
    assert got["headers"]["Content-Type"].startswith("application/json")
    body = json.loads(got["body"])
    assert body["event"] == "question.asked" and body["data"]["question"]["id"] == question.id
    assert got["headers"]["X-Forum-Delivery"] == str(body["id"])
    [delivery] = _deliveries()
    assert delivery.status == DeliveryStatus.delivered and delivery.attempts == 1 and delivery.response_status == 204
    assert run_tick(NOW + dt.timedelta(minutes=5))["webhook_deliveries"] is None  # idempotent: nothing due
    assert len(_Receiver.received) == 1


def test_the_receivers_errors_are_retried_with_exponential_backoff(session, admin, app, receiver):
    app.config["WEBHOOK_DELIVERY"] = {**app.config["WEBHOOK_DELIVERY"], "max_attempts": 4}
    _hook(admin, url=receiver + "/", events=["question.asked"])
    app.config["FROZEN_NOW"] = NOW
    factories.ask(factories.make_user(), title="Retried delivery")
    session.commit()
    _Receiver.answers = [500, 503]
    run_tick(NOW)
    session.commit()
    [delivery] = _deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.pending, 1, 500)
    assert delivery.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert run_tick(NOW + dt.timedelta(seconds=59))["webhook_deliveries"] is None  # not yet due
    second = NOW + dt.timedelta(seconds=60)
    assert run_tick(second)["webhook_deliveries"] == {"delivered": 0, "retrying": 1, "failed": 0}
    session.commit()
    session.refresh(delivery)
    assert delivery.attempts == 2 and delivery.next_attempt_at == second + dt.timedelta(seconds=120)
    third = second + dt.timedelta(seconds=120)
    assert run_tick(third)["webhook_deliveries"] == {"delivered": 1, "retrying": 0, "failed": 0}
    session.commit()
    session.refresh(delivery)
    assert delivery.status == DeliveryStatus.delivered and delivery.attempts == 3
    assert len(_Receiver.received) == 3
    assert len({r["body"] for r in _Receiver.received}) == 1  # the same signed body every time


def test_a_delivery_fails_after_max_attempts_and_an_admin_can_send_it_again(session, admin, app):
    app.config["WEBHOOK_DELIVERY"] = {**app.config["WEBHOOK_DELIVERY"], "max_attempts": 3, "backoff_max_seconds": 90}
    transport = Recorder([None, 500, 302, 200])
    app.extensions["forum.webhook_transport"] = transport
    _hook(admin, events=["question.asked"])
    app.config["FROZEN_NOW"] = NOW
    factories.ask(factories.make_user(), title="Never answered")
    session.commit()
    when = NOW
    for wait in (60, 90):  # 60 s, then 120 s capped at backoff_max_seconds
        run_tick(when)
        session.commit()
        when = _deliveries()[0].next_attempt_at
        assert when - _deliveries()[0].last_attempt_at == dt.timedelta(seconds=wait)
    assert run_tick(when)["webhook_deliveries"] == {"delivered": 0, "retrying": 0, "failed": 1}
    session.commit()
    [delivery] = _deliveries()
    assert delivery.status == DeliveryStatus.failed and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert delivery.response_status == 302  # a redirect is not followed: it is an answer that failed
    assert transport.sent[0]["timeout"] == 5.0
    assert run_tick(when + dt.timedelta(days=1))["webhook_deliveries"] is None
    actions.retry_delivery(db.session.get(User, admin.id), delivery)
    session.commit()
    assert run_tick(NOW + dt.timedelta(days=2))["webhook_deliveries"] == {"delivered": 1, "retrying": 0, "failed": 0}


def test_the_request_path_never_sends(client, app, admin):
    transport = Recorder([])
    app.extensions["forum.webhook_transport"] = transport
    _hook(admin, events=["question.asked"])
    author = factories.make_user("poster")
    db.session.commit()
    client.post("/login", data={"login": "poster", "password": PASSWORD})
    resp = client.post("/ask", data={"title": "Posted through the page", "body": "Body text here."})
    assert resp.status_code in (200, 302)
    assert transport.sent == []
    assert [d.event for d in _deliveries()] == ["question.asked"]


# ----------------------------------------------------------------------------- admin pages

def _login(client: Any, username: str) -> None:
    assert client.post("/login", data={"login": username, "password": PASSWORD}).status_code == 302


def test_admin_pages_create_show_the_secret_once_and_log_deliveries(client, app, seed_admin):
    transport = Recorder([500])
    app.extensions["forum.webhook_transport"] = transport
    _login(client, "hook_admin")
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "question.asked" in page.get_data(as_text=True)
    created = client.post("/admin/webhooks", data={"url": "https://crm.example/hooks", "description": "CRM",
                                                   "events": ["question.asked", "nps.detractor"]})
    text = created.get_data(as_text=True)
    assert created.status_code == 200
    with app.app_context():
        hook = db.session.scalar(sa.select(Webhook))
        secret, hook_id = hook.secret, hook.id
    assert secret in text and "https://crm.example/hooks" in text
    assert secret not in client.get("/admin/webhooks").get_data(as_text=True)
    assert secret not in client.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    refused = client.post("/admin/webhooks", data={"url": "ftp://x", "events": ["question.asked"]})
    assert refused.status_code == 422
    with app.app_context():
        factories.ask(db.session.get(User, seed_admin), title="Logged delivery")
        db.session.commit()
        run_tick()
        db.session.commit()
    log = client.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    assert "question.asked" in log and "HTTP 500" in log and 'data-status="pending"' in log
    assert client.post(f"/admin/webhooks/{hook_id}/ping").status_code == 302
    saved = client.post(f"/admin/webhooks/{hook_id}", data={"url": "https://crm.example/v2", "events": ["ping"]})
    assert saved.status_code == 422  # ping is not subscribable
    saved = client.post(f"/admin/webhooks/{hook_id}", data={"url": "https://crm.example/v2",
                                                            "events": ["question.solved"]})
    assert saved.status_code == 302
    with app.app_context():
        hook = db.session.get(Webhook, hook_id)
        assert (hook.url, hook.event_list, hook.active) == ("https://crm.example/v2", ["question.solved"], False)
    rotated = client.post(f"/admin/webhooks/{hook_id}/secret").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Webhook, hook_id).secret in rotated and db.session.get(Webhook, hook_id).secret != secret
    assert client.post(f"/admin/webhooks/{hook_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id))) == 0


@pytest.fixture
def seed_admin(app):
    with app.app_context():
        user = factories.make_user("hook_admin", roles=("admin",))
        factories.make_user("plain_member")
        db.session.commit()
        return user.id


def test_members_may_not_see_the_webhook_pages(client, seed_admin):
    _login(client, "plain_member")
    assert client.get("/admin/webhooks").status_code == 403
    assert client.post("/admin/webhooks", data={"url": "https://x.example", "events": ["question.asked"]}).status_code == 403
    client.post("/logout")
    assert client.get("/admin/webhooks").status_code == 302  # to the sign-in page
