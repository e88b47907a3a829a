"""Moderation: every state change of the pre-moderation queue (DESIGN.md: The NPS gate).

Holding and deciding are generic over content types; the part that owns the content follows the
decision through the `held_content_approved` / `held_content_rejected` events (in-transaction),
so the queue never imports the parts whose content it holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from forum import db
from forum.accounts.queries import role_refusal
from forum.audit.actions import record_audit
from forum.errors import Conflict, DomainError, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.moderation import rules
from forum.moderation.models import ItemStatus, ModerationItem


def hold_content(content_type: str, content_id: int, *, reason: str, excerpt: str, author_id: int | None,
                 release_at: dt.datetime | None = None) -> ModerationItem:
    """Put content in the queue; `release_at` None means it waits for a moderator."""
    item = ModerationItem(content_type=content_type, content_id=content_id, reason=reason,
                          excerpt=" ".join((excerpt or "").split())[: rules.EXCERPT_LENGTH],
                          author_id=author_id, held_at=db.utcnow(), release_at=release_at,
                          status=ItemStatus.open)
    db.session.add(item)
    db.session.flush()
    return item


def decide_refusal(user: Any) -> DomainError | None:
    """Moderators decide held content (rules.MODERATE_PERMISSION; DESIGN.md: The NPS gate)."""
    return role_refusal(user, rules.MODERATE_PERMISSION)


def may_decide(user: Any) -> bool:
    """Whether `user` may approve or reject queue items (decide_item): the queue page's controls."""
    return decide_refusal(user) is None


def decide_item(actor: Any, item: ModerationItem, *, action: Any, reason: Any = None, note: Any = None) -> ModerationItem:
    """A moderator approves or rejects held content; a rejection needs a reason from the fixed list
    (criticism of the product is not one); a note has at most NOTE_MAX_CHARS characters. Repeating
    the decision in effect changes nothing; a different decision on a decided item is 409.
    Who may: `decide_refusal`. Audited (STYLE.md rule 8)."""
    refuse(decide_refusal(actor))
    if action not in rules.ACTIONS:
        raise RuleViolation(_("The action must be one of: %(actions)s.", actions=", ".join(rules.ACTIONS)),
                            code="invalid", field="action")
    if note is not None and not isinstance(note, str):
        raise RuleViolation(_("The note must be text."), code="invalid", field="note")
    if note is not None and len(note) > rules.note_max_chars():
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=rules.note_max_chars()),
                            code="invalid", field="note")
    if action == "reject" and reason not in rules.REJECTION_REASONS:
        raise RuleViolation(_("A rejection needs a reason: %(reasons)s.", reasons=", ".join(rules.REJECTION_REASONS)),
                            code="invalid_reason", field="reason")
    wanted = ItemStatus.approved if action == "approve" else ItemStatus.rejected
    if item.status == wanted:
        return item
    if item.status != ItemStatus.open:
        raise Conflict(_("This item was already %(status)s.", status=item.status), code="already_decided")
    item.status = wanted
    item.decided_by_id = actor.id
    item.decided_by = actor
    item.decided_at = db.utcnow()
    item.decision_reason = reason if action == "reject" else None
    item.note = (note or "").strip()
    record_audit(actor, item.content_type, item.content_id, f"moderation:{item.content_type}:{action}",
                 item_id=item.id, reason=item.decision_reason, note=item.note)
    if action == "approve":
        announce(db.session, DomainEvent.HELD_CONTENT_APPROVED, item=item, actor=actor)
    else:
        announce(db.session, DomainEvent.HELD_CONTENT_REJECTED, item=item, actor=actor, reason=item.decision_reason,
                 note=item.note)
    return item
