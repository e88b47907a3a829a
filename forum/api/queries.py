"""Reads of the API part: webhooks and their delivery log (docs/api.md: Webhooks)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.accounts.queries import require
from forum.accounts.rules import Permission
from forum.api.models import DeliveryStatus, Webhook, WebhookDelivery
from forum.errors import NotFound


def webhooks() -> sa.Select[Any]:
    return sa.select(Webhook).order_by(Webhook.id)


def access_webhook(actor: Any, webhook_id: int) -> Webhook:
    """The webhook, for an admin (403 otherwise; 404 when there is none)."""
    require(actor, Permission.MANAGE_COMMUNITY)
    hook = db.session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(_("No webhook with that id."))
    return hook


def access_delivery(actor: Any, delivery_id: int) -> WebhookDelivery:
    require(actor, Permission.MANAGE_COMMUNITY)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound(_("No delivery with that id."))
    return delivery


def deliveries(webhook_id: int | None = None, status: str | None = None) -> sa.Select[Any]:
    """The delivery log, newest first, optionally for one webhook or one status."""
    stmt = sa.select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    if webhook_id is not None:
        stmt = stmt.where(WebhookDelivery.webhook_id == webhook_id)
    if status in {s.value for s in DeliveryStatus}:
        stmt = stmt.where(WebhookDelivery.status == status)
    return stmt


def delivery_counts() -> dict[int, dict[str, int]]:
    """Per webhook: how many deliveries are pending, delivered and failed."""
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(sa.select(WebhookDelivery.webhook_id, WebhookDelivery.status, sa.func.count())
                              .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status))
    for webhook_id, status, count in rows:
        counts.setdefault(webhook_id, {s.value: 0 for s in DeliveryStatus})[DeliveryStatus(status).value] = count
    return counts
