"""The API part's state changes: outgoing webhooks (docs/api.md: Webhooks).

Admins register, change, disable and delete webhooks (`*_webhook`, audited). The part's
subscribers turn domain events into delivery rows with `enqueue` in the transaction of the change
(an outbox: nothing is sent for a change that rolls back, and nothing is sent on the request path).
`deliver_due`, run by `forum tick`, sends the due rows, each body signed with HMAC-SHA256 of the
webhook's secret, and retries a failure with exponential backoff (rules.retry_delay) until
WEBHOOK_DELIVERY.max_attempts. Actions never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from forum import db
from forum.accounts.queries import can, role_refusal
from forum.accounts.rules import Permission
from forum.api import rules
from forum.api.models import DeliveryStatus, Webhook, WebhookDelivery
from forum.audit.actions import record_audit
from forum.errors import DomainError, RuleViolation, refuse

# The transport seam: ``send(url, body, headers, timeout) -> (status or None, error text)``.
# Tests put their own in ``app.extensions["forum.webhook_transport"]``.
Transport = Callable[[str, bytes, dict[str, str], float], tuple[int | None, str]]


# ----------------------------------------------------------------------------- permission

def webhook_refusal(actor: Any) -> DomainError | None:
    """Webhooks are configured by admins (Permission.MANAGE_COMMUNITY)."""
    return role_refusal(actor, Permission.MANAGE_COMMUNITY)


def may_manage_webhooks(actor: Any) -> bool:
    return can(actor, Permission.MANAGE_COMMUNITY)


# ----------------------------------------------------------------------------- configuration

def _checked_url(url: Any) -> str:
    text = (url or "").strip() if isinstance(url, str) else ""
    parsed = urllib.parse.urlsplit(text)
    if not text or parsed.scheme not in rules.URL_SCHEMES or not parsed.hostname:
        raise RuleViolation(_("The address must be an http:// or https:// URL."), code="invalid", field="url")
    if len(text) > rules.URL_MAX:
        raise RuleViolation(_("The address may have at most %(n)d characters.", n=rules.URL_MAX),
                            code="invalid", field="url")
    return text


def _checked_events(events: Iterable[Any]) -> str:
    chosen = [str(e) for e in events or ()]
    known = {e.value for e in rules.WebhookEvent}
    unknown = [e for e in chosen if e not in known]
    if unknown or not chosen:
        raise RuleViolation(_("Choose one or more events from: %(events)s.", events=", ".join(sorted(known))),
                            code="invalid", field="events")
    return ",".join(e.value for e in rules.WebhookEvent if e.value in chosen)


def _checked_description(description: Any) -> str:
    text = (description or "").strip()
    if len(text) > rules.DESCRIPTION_MAX:
        raise RuleViolation(_("The description may have at most %(n)d characters.", n=rules.DESCRIPTION_MAX),
                            code="invalid", field="description")
    return text


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create_webhook(actor: Any, *, url: Any, events: Iterable[Any], description: Any = "") -> tuple[Webhook, str]:
    """An admin registers an address for the chosen events; returns the webhook and its secret,
    which the admin sees once (it signs every payload). Audited."""
    refuse(webhook_refusal(actor))
    secret = new_secret()
    hook = Webhook(url=_checked_url(url), events=_checked_events(events), description=_checked_description(description),
                   secret=secret, active=True, created_by_id=actor.id)
    db.session.add(hook)
    db.session.flush()
    record_audit(actor, "webhook", hook.id, "api:webhook:create", url=hook.url, events=hook.event_list)
    return hook, secret


def update_webhook(actor: Any, hook: Webhook, *, url: Any, events: Iterable[Any], description: Any = "",
                   active: bool = True) -> Webhook:
    """Change a webhook's address, events, description or whether it is active. Audited."""
    refuse(webhook_refusal(actor))
    hook.url = _checked_url(url)
    hook.events = _checked_events(events)
    hook.description = _checked_description(description)
    hook.active = bool(active)
    db.session.flush()
    record_audit(actor, "webhook", hook.id, "api:webhook:update", url=hook.url, events=hook.event_list,
                 active=hook.active)
    return hook


def rotate_webhook_secret(actor: Any, hook: Webhook) -> str:
    """A new signing secret (shown once); deliveries not yet sent are signed with it. Audited."""
    refuse(webhook_refusal(actor))
    hook.secret = new_secret()
    db.session.flush()
    record_audit(actor, "webhook", hook.id, "api:webhook:rotate_secret")
    return hook.secret


def delete_webhook(actor: Any, hook: Webhook) -> None:
    """Remove a webhook and its delivery log. Audited."""
    refuse(webhook_refusal(actor))
    record_audit(actor, "webhook", hook.id, "api:webhook:delete", url=hook.url)
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
    db.session.delete(hook)
    db.session.flush()


def ping_webhook(actor: Any, hook: Webhook) -> WebhookDelivery:
    """Queue a test delivery (event ``ping``) for the next `forum tick`."""
    refuse(webhook_refusal(actor))
    return _queue(hook, rules.PING, {"webhook_id": hook.id, "message": "ping"}, db.utcnow())


def retry_delivery(actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed (or waiting) delivery again at the next `forum tick`, with a fresh set of attempts."""
    refuse(webhook_refusal(actor))
    if delivery.status != DeliveryStatus.delivered:
        delivery.status = DeliveryStatus.pending
        delivery.attempts = 0
        delivery.next_attempt_at = db.utcnow()
        db.session.flush()
    return delivery


# ----------------------------------------------------------------------------- the outbox

def _queue(hook: Webhook, event: str, data: dict[str, Any], now: dt.datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(webhook_id=hook.id, event=event, payload="", status=DeliveryStatus.pending,
                               attempts=0, next_attempt_at=now, created_at=now)
    db.session.add(delivery)
    db.session.flush()
    delivery.payload = json.dumps({"id": delivery.id, "event": event, "occurred_at": _iso(now), "data": data},
                                  ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return delivery


def enqueue(event: rules.WebhookEvent, data: Callable[[], dict[str, Any]]) -> list[WebhookDelivery]:
    """One pending delivery per active webhook that wants `event`, in the current transaction.
    `data` builds the payload's ``data`` only when some webhook wants the event."""
    hooks = [hook for hook in db.session.scalars(sa.select(Webhook).where(Webhook.active.is_(True))
                                                 .order_by(Webhook.id))
             if str(event) in hook.event_list]
    if not hooks:
        return []
    now = db.utcnow()
    payload = data()
    return [_queue(hook, str(event), payload, now) for hook in hooks]


def _iso(value: dt.datetime) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"


# ----------------------------------------------------------------------------- delivery

def signature(secret: str, body: bytes) -> str:
    """The ``X-Forum-Signature-256`` header: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer (3xx), not followed: the admin registered this address


def http_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int | None, str]:
    """POST the body; (HTTP status, "") or (status or None, what went wrong)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"


def _transport() -> Transport:
    return current_app.extensions.get("forum.webhook_transport", http_post)


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8",
            "User-Agent": "forum-webhooks/1",
            rules.EVENT_HEADER: delivery.event,
            rules.DELIVERY_HEADER: str(delivery.id),
            rules.SIGNATURE_HEADER: signature(delivery.webhook.secret, body)}


def due_deliveries(now: dt.datetime, limit: int) -> list[WebhookDelivery]:
    return list(db.session.scalars(
        sa.select(WebhookDelivery).join(Webhook)
        .where(WebhookDelivery.status == DeliveryStatus.pending, WebhookDelivery.next_attempt_at <= now,
               Webhook.active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))


def deliver_due(now: dt.datetime) -> dict[str, int] | None:
    """Send every due delivery (at most WEBHOOK_DELIVERY.batch), then record the outcomes: 2xx is
    delivered; anything else is retried after rules.retry_delay, and failed after max_attempts.
    All sending happens before the first write, so no database lock is held while a receiver is slow."""
    cfg = rules.delivery_settings()
    due = due_deliveries(now, int(cfg["batch"]))
    if not due:
        return None
    send = _transport()
    outcomes = []
    for delivery in due:
        body = delivery.payload.encode("utf-8")
        outcomes.append((delivery, *send(delivery.webhook.url, body, _headers(delivery, body),
                                         float(cfg["timeout_seconds"]))))
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery, status, error in outcomes:
        counts[_record_attempt(delivery, status, error, now, int(cfg["max_attempts"]))] += 1
    db.session.flush()
    return counts


def _record_attempt(delivery: WebhookDelivery, status: int | None, error: str, now: dt.datetime,
                    max_attempts: int) -> str:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    if status is not None and 200 <= status < 300:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
        return "delivered"
    delivery.last_error = (error or (f"HTTP {status}" if status else "no answer"))[: rules.ERROR_MAX]
    if delivery.attempts >= max_attempts:
        delivery.status = DeliveryStatus.failed
        delivery.next_attempt_at = None
        return "failed"
    delivery.next_attempt_at = now + rules.retry_delay(delivery.attempts)
    return "retrying"
