"""Moderation reads: the queue and its items (moderators only)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.accounts.queries import require
from forum.errors import NotFound
from forum.moderation import rules
from forum.moderation.models import ItemStatus, ModerationItem


def queue(viewer: Any, *, content_type: str | None = None) -> sa.Select[Any]:
    """Open items, oldest first (API.md: GET /moderation/queue)."""
    require(viewer, rules.MODERATE_PERMISSION)
    stmt = sa.select(ModerationItem).where(ModerationItem.status == ItemStatus.open)
    if content_type:
        stmt = stmt.where(ModerationItem.content_type == content_type)
    return stmt.order_by(ModerationItem.held_at, ModerationItem.id)


def access_item(viewer: Any, item_id: int) -> ModerationItem:
    item = db.session.get(ModerationItem, item_id)
    if item is None:
        raise NotFound(_("No queue item with that id."))
    require(viewer, rules.MODERATE_PERMISSION)
    return item


def item_for(content_type: str, content_id: int) -> ModerationItem | None:
    """The latest queue item of a piece of content."""
    return db.session.scalar(sa.select(ModerationItem).where(
        ModerationItem.content_type == content_type, ModerationItem.content_id == content_id)
        .order_by(ModerationItem.id.desc()).limit(1))
