"""Notifications: a member's list, the unread count (the layout's bell) and each one's text."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from forum import db
from forum.errors import NotFound
from forum.notifications.models import Notification
from forum.notifications.rules import NOTIFICATION_TEXTS


def notifications_for(user: Any) -> sa.Select[Any]:
    """The member's notifications, newest first."""
    return sa.select(Notification).where(Notification.user_id == user.id).order_by(
        Notification.created_at.desc(), Notification.id.desc())


def access_notification(user: Any, notification_id: int) -> Notification:
    """One of the member's own notifications; anyone else's, or none, is NotFound."""
    notification = db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id))
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification


# Built once: the layout's bell runs it on every signed-in page, and a statement built anew costs more
# CPU (the expression and its cache key) than SQLite takes to answer it.
_UNREAD = sa.select(sa.func.count()).where(Notification.user_id == sa.bindparam("user_id"),
                                           Notification.read.is_(False))


def unread_count_column(user_id: Any) -> Any:
    """The unread count of the member whose id is `user_id` (a column of the statement that loads the
    signed-in member, forum.prefetch), labelled ``unread_notifications``."""
    return (sa.select(sa.func.count()).where(Notification.user_id == user_id, Notification.read.is_(False))
            .scalar_subquery().label("unread_notifications"))


def unread_count(user: Any) -> int:
    from forum import prefetch

    found = prefetch.recall(user.id, "unread_notifications")
    if found is not prefetch.MISSING:
        return int(found or 0)
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


# Data keys that hold a member's username; the sentence names the member as pages do (display name).
PERSON_KEYS = ("actor", "member")


def notification_text(notification: Notification) -> str:
    """The sentence of `rules.NOTIFICATION_TEXTS[kind]`, filled in the reader's language."""
    return notification_texts([notification])[0]


def notification_texts(notifications: list[Notification]) -> list[str]:
    """Each notification's sentence, with the members it names by display name (one statement for the
    whole list, whatever its length)."""
    from forum.accounts.queries import display_names

    names = display_names({n.data.get(key) for n in notifications for key in PERSON_KEYS
                           if isinstance(n.data, dict)} - {None})
    texts = []
    for notification in notifications:
        template = NOTIFICATION_TEXTS.get(notification.kind)
        if template is None:
            texts.append(str(notification.data.get("text", notification.kind)))
            continue
        data = dict(notification.data)
        for key in PERSON_KEYS:
            if isinstance(data.get(key), str):
                data[key] = names.get(data[key], data[key])
        try:
            texts.append(str(template) % _in_reader_language(data))
        except (KeyError, TypeError, ValueError):
            texts.append(str(template))
    return texts


def _in_reader_language(data: dict[str, Any]) -> dict[str, Any]:
    """The codes a notification stores (an idea's status, a rejection reason, a badge's tier and English
    name) as words of the reader's language; the stored data stays as it is."""
    from forum.ideas.rules import STATUS_LABELS
    from forum.moderation.rules import CONTENT_NAMES, MODE_LABELS, REJECTION_REASONS

    words: dict[str, dict[str, Any]] = {
        "status": STATUS_LABELS, "reason": REJECTION_REASONS,
        "tier": {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze")},
        "old": MODE_LABELS, "new": MODE_LABELS, "scope": {"community": _("the community")},
        "content": CONTENT_NAMES,
    }
    readable = dict(data)
    for key, labels in words.items():
        value = readable.get(key)
        if isinstance(value, str):
            readable[key] = str(labels.get(value, value))
    roles = readable.get("roles")
    if isinstance(roles, str):
        from forum.accounts.rules import role_label
        readable["roles"] = _(", ").join(role_label(r.strip()) for r in roles.split(",") if r.strip())
    badge = readable.get("badge")
    if isinstance(badge, str):
        readable["badge"] = _(badge)  # badge names are catalogue messages (rewards.rules)
    return readable
