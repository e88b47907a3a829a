"""The API part's tables: outgoing webhooks and their delivery log (docs/api.md: Webhooks).

A webhook is an address an admin registered, with a secret that signs every payload and the
events it wants. Each event a webhook wants becomes one delivery row in the transaction of the
change that caused it (an outbox: a change that rolls back sends nothing); `forum tick` sends the
due rows and keeps, per row, how many attempts it took and how the receiver answered.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, enum_column
from forum.db import Base, created_at, intpk, user_fk, utcnow


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[intpk]
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(128))  # the HMAC key; shown to the admin once
    events: Mapped[str] = mapped_column(sa.String(500), default="")  # comma-separated rules.WebhookEvent values
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    created_by_id: Mapped[Optional[int]] = user_fk(nullable=True, ondelete="SET NULL")
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow)

    created_by: Mapped[Optional[User]] = relationship(lazy="joined")

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]

    def __repr__(self) -> str:
        return f"<Webhook {self.id} {self.url}>"


class DeliveryStatus(enum.StrEnum):
    pending = "pending"      # waiting for its next attempt (the first, or a retry after a failure)
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"        # every attempt failed (WEBHOOK_DELIVERY.max_attempts); kept for the log


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[intpk]
    webhook_id: Mapped[int] = mapped_column(sa.ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[str] = mapped_column(sa.Text)  # the exact JSON body that is signed and sent
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    last_attempt_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)
    response_status: Mapped[Optional[int]] = mapped_column(sa.Integer)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[created_at]
    delivered_at: Mapped[Optional[dt.datetime]] = mapped_column(sa.DateTime)

    webhook: Mapped[Webhook] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (sa.Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event} {self.status}>"
