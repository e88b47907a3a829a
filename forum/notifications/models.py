"""Notifications: what a member is told, stored as a kind and codes, worded when read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Base, created_at, intpk, user_fk


class Notification(Base):
    """One in-app notification; its text is `rules.NOTIFICATION_TEXTS[kind]` filled from `data`."""

    __tablename__ = "notifications"

    id: Mapped[intpk]
    user_id: Mapped[int] = user_fk()
    kind: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    read: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[created_at]

    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read"),)
