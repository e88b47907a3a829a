"""Moderation: every state change of the pre-moderation queue and of the NPS gate (docs/rules.md: The NPS gate).

Holding and deciding are generic over content types; the part that owns the content follows the
decision through the `held_content_approved` / `held_content_rejected` events (in-transaction),
so the queue never imports the parts whose content it holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from forum import db
from forum.accounts.queries import active_member_refusal, role_refusal
from forum.audit.actions import record_audit
from forum.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.moderation import queries, rules
from forum.moderation.models import Flag, FlagOutcome, ItemStatus, ModerationItem, ModerationPolicy
from forum.notifications.actions import notify
from forum.nps import queries as nps_queries
from forum.qa.models import Category


# --------------------------------------------------------------------------- the queue
# docs/rules.md, "The NPS gate": what is held and why, the decisions (approve, reject with a reason
# from the fixed list, escalate to customer success), auto-release at the hold's end, resubmissions
# and appeals. The owning part follows through held_content_approved / held_content_rejected.

def hold_content(content_type: str, content_id: int, *, reason: str, excerpt: str, author_id: int | None,
                 release_at: dt.datetime | None = None, appeal_of: ModerationItem | None = None,
                 appeal_note: str = "") -> ModerationItem:
    """Put content in the queue; `release_at` None means it waits for a moderator."""
    item = ModerationItem(content_type=content_type, content_id=content_id, reason=reason,
                          excerpt=" ".join((excerpt or "").split())[: rules.EXCERPT_LENGTH],
                          author_id=author_id, held_at=db.utcnow(), release_at=release_at,
                          status=ItemStatus.open, negative=False, appeal_of=appeal_of,
                          appeal_of_id=appeal_of.id if appeal_of is not None else None, appeal_note=appeal_note)
    db.session.add(item)
    db.session.flush()
    return item


def hold_post(content_type: str, content_id: int, *, hold: Any, text: str, author: Any) -> ModerationItem:
    """A post the NPS gate held at posting time (queries.hold_decision): queued with the hold's
    reason and release time. In strict mode, a text negative about the product
    (sentiment.is_negative) is also routed to customer success (negative_post_held), so that it is
    answered when it is published."""
    item = hold_content(content_type, content_id, reason=hold.reason, excerpt=text,
                        author_id=author.id if author is not None else None, release_at=hold.release_at)
    if rules.Mode(hold.mode) == rules.Mode.strict:
        from forum.moderation import sentiment

        if sentiment.is_negative(text):
            item.negative = True
            announce(db.session, DomainEvent.NEGATIVE_POST_HELD, content_type=content_type, content_id=content_id,
                     user=author, excerpt=item.excerpt)
    return item


def hold_resubmission(content_type: str, content_id: int, *, author: Any, excerpt: str) -> ModerationItem:
    """Resubmitted content waits for a moderator (no release time)."""
    return hold_content(content_type, content_id, reason="resubmitted", excerpt=excerpt,
                        author_id=author.id if author is not None else None, release_at=None)


def decide_refusal(user: Any, item: ModerationItem | None = None) -> DomainError | None:
    """Moderators decide held content (rules.MODERATE_PERMISSION; docs/rules.md: The NPS gate); an
    appeal is decided by another moderator than the one who rejected the content."""
    refusal = role_refusal(user, rules.MODERATE_PERMISSION)
    if refusal is not None:
        return refusal
    if item is not None and item.appeal_of is not None and item.appeal_of.decided_by_id == user.id:
        return Forbidden(_("You rejected this content: another moderator decides its appeal."),
                         code="own_rejection")
    return None


def may_decide(user: Any, item: ModerationItem | None = None) -> bool:
    """Whether `user` may approve, reject or escalate queue items (decide_item): the queue's controls."""
    return decide_refusal(user, item) is None


def _clean_decision_note(note: Any) -> str:
    if note is not None and not isinstance(note, str):
        raise RuleViolation(_("The note must be text."), code="invalid", field="note")
    if note is not None and len(note) > rules.note_max_chars():
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=rules.note_max_chars()),
                            code="invalid", field="note")
    return (note or "").strip()


def _content_url(item: ModerationItem) -> str:
    return queries.content_paths([item]).get((item.content_type, item.content_id), "")


def _tell_author(item: ModerationItem, kind: str, **data: Any) -> None:
    """The author hears every decision on their content, with the reason and the moderator's note
    (worded in the reader's language when they read it). Ideas tell their authors of publication
    and rejection themselves."""
    if item.author_id is None or (item.content_type == "idea" and kind in ("post_approved", "post_rejected")):
        return
    title = item.excerpt if len(item.excerpt) <= 80 else item.excerpt[:79] + "…"
    notify(item.author_id, kind, url=_content_url(item), content=item.content_type, title=title, **data)


def decide_item(actor: Any, item: ModerationItem, *, action: Any, reason: Any = None, note: Any = None) -> ModerationItem:
    """A moderator approves, rejects or escalates held content. A rejection needs a reason from the
    fixed list (criticism of the product is not one); a note has at most NOTE_MAX_CHARS characters.
    Escalating routes the item to customer success (held_content_escalated: a follow-up) and keeps
    it in the queue. Repeating the decision in effect changes nothing; a different decision on a
    decided item is 409. Who may: `decide_refusal`. Every decision is audited and its author told."""
    refuse(decide_refusal(actor, item))
    if action not in rules.ACTIONS:
        raise RuleViolation(_("The action must be one of: %(actions)s.", actions=", ".join(rules.ACTIONS)),
                            code="invalid", field="action")
    note = _clean_decision_note(note)
    if action == "reject" and reason not in rules.REJECTION_REASONS:
        raise RuleViolation(_("A rejection needs a reason: %(reasons)s.", reasons=", ".join(rules.REJECTION_REASONS)),
                            code="invalid_reason", field="reason")
    if action == "escalate":
        return _escalate(actor, item, note)
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
    item.note = note
    record_audit(actor, item.content_type, item.content_id, f"moderation:{item.content_type}:{action}",
                 item_id=item.id, reason=item.decision_reason, note=item.note, appeal=item.appeal_of_id is not None)
    settle_flags(item, actor, action)  # the flags section below: the decision upholds or dismisses the flags
    if action == "approve":
        announce(db.session, DomainEvent.HELD_CONTENT_APPROVED, item=item, actor=actor)
        _tell_author(item, "post_approved_note" if note else "post_approved", note=note)
    else:
        announce(db.session, DomainEvent.HELD_CONTENT_REJECTED, item=item, actor=actor, reason=item.decision_reason,
                 note=item.note)
        _tell_author(item, "post_rejected_note" if note else "post_rejected", reason=item.decision_reason, note=note)
    return item


def _escalate(actor: Any, item: ModerationItem, note: str) -> ModerationItem:
    if item.status != ItemStatus.open:
        raise Conflict(_("This item was already %(status)s.", status=item.status), code="already_decided")
    if item.escalated_at is not None:
        return item
    item.escalated_at = db.utcnow()
    item.escalated_by_id = actor.id
    item.escalated_by = actor
    if note:
        item.note = note
    record_audit(actor, item.content_type, item.content_id, f"moderation:{item.content_type}:escalate",
                 item_id=item.id, note=note)
    announce(db.session, DomainEvent.HELD_CONTENT_ESCALATED, item=item, actor=actor, note=note,
             content_type=item.content_type, content_id=item.content_id, user=item.author, excerpt=item.excerpt)
    _tell_author(item, "post_escalated_note" if note else "post_escalated", note=note)
    return item


def release_due(now: dt.datetime | None = None) -> int:
    """`forum tick`: every open item the gate held whose release time has come (release_at ≤ now)
    is published, as an approval by nobody (audited as "moderation:<type>:auto_release", its author
    told). Items without a release time (ideas under pre-moderation, flagged content,
    resubmissions, appeals) wait for a moderator. Returns how many were released."""
    now = now or db.utcnow()
    due = list(db.session.scalars(queries.due_for_release(now)))
    for item in due:
        item.status = ItemStatus.approved
        item.decided_at = now
        item.decided_by_id = None
        record_audit(None, item.content_type, item.content_id, f"moderation:{item.content_type}:auto_release",
                     item_id=item.id, release_at=item.release_at.isoformat() if item.release_at else None)
        announce(db.session, DomainEvent.HELD_CONTENT_APPROVED, item=item, actor=None)
        _tell_author(item, "post_released")
    return len(due)


def appeal_refusal(user: Any, content_type: Any, content_id: Any) -> DomainError | None:
    """The author of rejected content may appeal once (docs/api.md: POST /moderation/appeals): 404
    for content that is not theirs or does not exist, 422 for content that is not rejected, 409 for
    a second appeal."""
    inactive = active_member_refusal(user)
    if inactive is not None:
        return inactive
    state = queries.content_state(content_type, content_id)
    if state is None or state["author_id"] != user.id:
        return NotFound(_("No content of yours with that id."))
    if state["status"] != "rejected":
        return RuleViolation(_("Only rejected content can be appealed."), code="not_rejected", field="content_id")
    if queries.appeal_of(content_type, content_id) is not None:
        return Conflict(_("This content was already appealed: an appeal is possible once."), code="already_appealed")
    return None


def may_appeal(user: Any, content_type: str, content_id: int) -> bool:
    """Whether `user` may appeal the rejection of this content (appeal_rejection): the appeal form."""
    return appeal_refusal(user, content_type, content_id) is None


def appeal_rejection(author: Any, content_type: Any, content_id: Any, note: Any) -> ModerationItem:
    """The author appeals a rejection once, with a note that says why (`appeal_refusal`): a queue
    item that waits for a moderator other than the one who rejected it (decide_refusal). The
    content stays rejected until the appeal is decided. Audited."""
    if content_type not in rules.CONTENT_TYPES:
        raise RuleViolation(_("The content type must be one of: %(types)s.", types=", ".join(rules.CONTENT_TYPES)),
                            code="invalid", field="content_type")
    if isinstance(content_id, bool) or not isinstance(content_id, int):
        raise RuleViolation(_("The content id must be a whole number."), code="invalid", field="content_id")
    refusal = appeal_refusal(author, content_type, content_id)
    if refusal is not None and not isinstance(refusal, Conflict):
        raise refusal
    if not isinstance(note, str) or not note.strip():
        raise RuleViolation(_("An appeal needs a note that says why."), code="invalid", field="note")
    if len(note) > rules.note_max_chars():
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=rules.note_max_chars()),
                            code="invalid", field="note")
    refuse(refusal)  # a second appeal (409) is checked after the note (422)
    rejected = queries.rejection_of(content_type, content_id)
    excerpt = rejected.excerpt if rejected is not None else queries.content_state(content_type, content_id)["excerpt"]
    item = hold_content(content_type, content_id, reason="appeal", excerpt=excerpt, author_id=author.id,
                        release_at=None, appeal_of=rejected, appeal_note=note.strip())
    record_audit(author, content_type, content_id, f"moderation:{content_type}:appeal", item_id=item.id,
                 note=item.appeal_note, rejected_item_id=rejected.id if rejected is not None else None)
    return item


# --------------------------------------------------------------------------- the NPS gate
# docs/rules.md, "The NPS gate": the mode of each scope recomputed from the NPS (rules.next_mode),
# and an admin's override with its note and end; every change is audited and announced.

def _category_ids() -> list[int]:
    return list(db.session.scalars(sa.select(Category.id).order_by(Category.id)))


def _announce_change(policy: ModerationPolicy, old: rules.Mode, new: rules.Mode, cause: str) -> None:
    announce(db.session, DomainEvent.MODERATION_MODE_CHANGED, scope="community" if policy.category_id is None
             else "category", category_id=policy.category_id, old=old, new=new, cause=cause, policy=policy)


def _apply(policy: ModerationPolicy | None, category_id: int | None, score: Any, *, fallback: rules.Mode,
           implied: rules.Mode, settings: rules.GateSettings, now: dt.datetime) -> tuple[ModerationPolicy, rules.Mode]:
    """One scope's step: the new computed mode from its inputs (`score`: nps, responses,
    margin_of_error; None when the scope has no answers), the row created on first use. Returns the
    row and its computed mode before the step (`implied` when it had no row)."""
    nps = getattr(score, "nps", None)
    responses = int(getattr(score, "responses", 0) or 0)
    margin = getattr(score, "margin_of_error", None)
    old_mode = rules.Mode(policy.mode) if policy is not None else implied
    new_mode = rules.next_mode(policy.mode if policy is not None else None, nps, responses, settings.min_responses,
                               gates=settings.gates, hysteresis=settings.hysteresis, fallback=fallback,
                               was_fallback=policy.from_fallback if policy is not None else False)
    if policy is None:
        policy = ModerationPolicy(scope=rules.scope_key(category_id), category_id=category_id, mode=new_mode,
                                  override_note="")
        db.session.add(policy)
    policy.mode = new_mode
    policy.nps = nps
    policy.responses = responses
    policy.margin = margin
    policy.window_days = settings.window_days
    policy.computed_at = now
    policy.from_fallback = nps is None or responses < settings.min_responses
    return policy, old_mode


def recompute_modes(now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute the mode of the community and of every category from the NPS over the last
    NPS_WINDOW_DAYS (rules.next_mode: minimum responses, fallback, hysteresis), in a fixed number of
    statements whatever the number of categories. A changed mode is audited
    ("moderation:policy:mode_changed", with its inputs) and announced (moderation_mode_changed); an
    unchanged one only refreshes its inputs. Called on every NPS answer (subscribers) and by
    `forum tick` (jobs)."""
    now = now or db.utcnow()
    settings = rules.gate_settings()
    stored = queries.all_policies()
    community_score = nps_queries.nps_score(settings.window_days, None, now)
    per_category = {category.id: score for category, score in nps_queries.by_category(settings.window_days, now)
                    if category is not None}
    community, old = _apply(stored.get(rules.COMMUNITY), None, community_score, fallback=settings.fallback,
                            implied=settings.fallback, settings=settings, now=now)
    changed = [(community, old)] if old != community.mode else []
    category_ids = _category_ids()
    for category_id in category_ids:
        policy, old_mode = _apply(stored.get(rules.scope_key(category_id)), category_id, per_category.get(category_id),
                                  fallback=community.mode, implied=old, settings=settings, now=now)
        if old_mode != policy.mode:
            changed.append((policy, old_mode))
    db.session.flush()
    for policy, old_mode in changed:
        record_audit(None, "moderation_policy", policy.id, "moderation:policy:mode_changed", scope=policy.scope,
                     old=str(old_mode), new=str(policy.mode), nps=policy.nps, responses=policy.responses,
                     margin=policy.margin, window_days=policy.window_days, from_fallback=policy.from_fallback)
        _announce_change(policy, old_mode, policy.mode, "computed")
    return {"scopes": 1 + len(category_ids), "changed": len(changed)}


def override_refusal(user: Any) -> DomainError | None:
    """Only community managers (admin) override the gate (rules.OVERRIDE_PERMISSION)."""
    return role_refusal(user, rules.OVERRIDE_PERMISSION)


def may_override(user: Any) -> bool:
    """Whether `user` may override or clear a scope's mode: the policy page's form."""
    return override_refusal(user) is None


def _scope_policy(category_id: int | None, now: dt.datetime) -> ModerationPolicy:
    """The policy row of a scope, created (not yet computed: the fallback, or the community's mode)
    when an override comes before the first computation. An unknown category is 422 `category`."""
    if category_id is not None and (isinstance(category_id, bool) or not isinstance(category_id, int)
                                    or db.session.get(Category, category_id) is None):
        raise RuleViolation(_("No such category."), code="unknown_category", field="category")
    policy = queries.policy_row(category_id)
    if policy is None:
        settings = rules.gate_settings()
        implied = queries.current_mode(None, now) if category_id is not None else settings.fallback
        policy = ModerationPolicy(scope=rules.scope_key(category_id), category_id=category_id, mode=implied,
                                  responses=0, window_days=settings.window_days, from_fallback=True, override_note="")
        db.session.add(policy)
        db.session.flush()
    return policy


def _effective(policy: ModerationPolicy, now: dt.datetime) -> rules.Mode:
    return queries.current_mode(policy.category_id, now)


def override_mode(actor: Any, mode: Any, note: Any, until: dt.datetime | None = None,
                  category_id: int | None = None, now: dt.datetime | None = None) -> ModerationPolicy:
    """An admin sets the mode of the community or of a category (docs/rules.md: The NPS gate): with a
    note (required, at most NOTE_MAX_CHARS) and an end, by default MODERATION_OVERRIDE_DAYS from now,
    which must be in the future — overrides always expire. The computed mode is kept beside it.
    Repeating the override in effect changes nothing. Who may: `override_refusal`. Audited."""
    refuse(override_refusal(actor))
    now = now or db.utcnow()
    if mode not in {m.value for m in rules.Mode}:
        raise RuleViolation(_("The mode must be one of: %(modes)s.", modes=", ".join(rules.MODE_ORDER)),
                            code="invalid", field="mode")
    if not isinstance(note, str) or not note.strip():
        raise RuleViolation(_("An override needs a note that says why."), code="invalid", field="note")
    note = note.strip()
    if len(note) > rules.note_max_chars():
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=rules.note_max_chars()),
                            code="invalid", field="note")
    if until is None:
        until = now + dt.timedelta(days=rules.gate_settings().override_days)
    if not isinstance(until, dt.datetime):
        raise RuleViolation(_("The end must be a date and time."), code="invalid", field="until")
    if until.tzinfo is not None:
        until = until.astimezone(dt.UTC).replace(tzinfo=None)
    if until <= now:
        raise RuleViolation(_("The end of an override must be in the future."), code="invalid", field="until")
    policy = _scope_policy(category_id, now)
    wanted = rules.Mode(mode)
    if (policy.override_active(now) and policy.override_mode == wanted and policy.override_note == note
            and policy.override_until == until):
        return policy
    before = _effective(policy, now)
    previous = {"mode": str(policy.override_mode) if policy.override_active(now) else None,
                "until": policy.override_until.isoformat() if policy.override_active(now) and policy.override_until
                else None}
    policy.override_mode = wanted
    policy.override_note = note
    policy.override_until = until
    policy.override_by_id = actor.id
    policy.override_by = actor
    policy.override_at = now
    db.session.flush()
    record_audit(actor, "moderation_policy", policy.id, "moderation:policy:override", scope=policy.scope,
                 mode=str(wanted), note=note, until=until.isoformat(), computed_mode=str(policy.mode),
                 previous=previous)
    after = _effective(policy, now)
    if after != before:
        _announce_change(policy, before, after, "override")
    return policy


def _clear(policy: ModerationPolicy) -> None:
    policy.override_mode = None
    policy.override_note = ""
    policy.override_until = None
    policy.override_by_id = None
    policy.override_by = None
    policy.override_at = None


def clear_override(actor: Any, category_id: int | None = None, now: dt.datetime | None = None) -> ModerationPolicy | None:
    """An admin ends a scope's override now; the computed mode applies again. Clearing when there
    is none changes nothing. Who may: `override_refusal`. Audited."""
    refuse(override_refusal(actor))
    now = now or db.utcnow()
    if category_id is not None and (isinstance(category_id, bool) or not isinstance(category_id, int)
                                    or db.session.get(Category, category_id) is None):
        raise RuleViolation(_("No such category."), code="unknown_category", field="category")
    policy = queries.policy_row(category_id)
    if policy is None or not policy.override_active(now):
        return policy
    before = _effective(policy, now)
    record_audit(actor, "moderation_policy", policy.id, "moderation:policy:override_cleared", scope=policy.scope,
                 mode=str(policy.override_mode), note=policy.override_note,
                 until=policy.override_until.isoformat() if policy.override_until else None)
    _clear(policy)
    db.session.flush()
    after = _effective(policy, now)
    if after != before:
        _announce_change(policy, before, after, "override_cleared")
    return policy


def expire_overrides(now: dt.datetime | None = None) -> int:
    """`forum tick`: clear every override whose end has passed (the effective mode already ignores
    them), audited as "moderation:policy:override_expired". Returns how many."""
    now = now or db.utcnow()
    expired = list(db.session.scalars(sa.select(ModerationPolicy).where(
        ModerationPolicy.override_mode.is_not(None), ModerationPolicy.override_until <= now)))
    for policy in expired:
        record_audit(None, "moderation_policy", policy.id, "moderation:policy:override_expired", scope=policy.scope,
                     mode=str(policy.override_mode), note=policy.override_note,
                     until=policy.override_until.isoformat() if policy.override_until else None)
        _clear(policy)
    db.session.flush()
    return len(expired)


# --------------------------------------------------------------------------- flags
# docs/rules.md, "The NPS gate": members with the flag privilege flag content with a reason;
# FLAGS_TO_HIDE flags from counting flaggers (rules.flags_count: accuracy after
# FLAG_ACCURACY_MIN_FLAGS decided flags) hide it until a moderator decides. The queue item
# (reason "flagged", no release time) is decided like any other (decide_item), and the decision
# settles the flags: a rejection upholds them, an approval dismisses them. The owning part hides the
# content on `content_hidden_by_flags` and follows the decision through held_content_approved /
# held_content_rejected. Ideas have no hidden status: a flagged idea gets its queue item and
# stays visible until the decision.

def may_flag(user: Any, content: Any) -> bool:
    """Whether `user` may flag `content` (flag_content): the Flag control of every page. The rule is
    `queries.flag_refusal`, so that other parts' pages can ask it through the queries."""
    return queries.flag_refusal(user, content) is None


def _flag_input(reason: Any, note: Any) -> str:
    if reason not in rules.FLAG_REASONS:
        raise RuleViolation(_("The reason must be one of: %(reasons)s.", reasons=", ".join(rules.FLAG_REASONS)),
                            code="invalid_reason", field="reason")
    if note is not None and not isinstance(note, str):
        raise RuleViolation(_("The note must be text."), code="invalid", field="note")
    note = (note or "").strip()
    if len(note) > rules.FLAG_NOTE_MAX:
        raise RuleViolation(_("The note may have at most %(n)s characters.", n=rules.FLAG_NOTE_MAX),
                            code="invalid", field="note")
    return note


def _existing_flag(user: Any, content_type: str, content_id: int) -> Flag | None:
    return db.session.scalar(sa.select(Flag).where(Flag.flagger_id == user.id, Flag.content_type == content_type,
                                                   Flag.content_id == content_id))


def flag_content(user: Any, content_type: Any, content_id: Any, *, reason: Any, note: Any = None) -> tuple[Flag, bool]:
    """`user` flags a question, answer, comment or idea with a reason (rules.FLAG_REASONS) and an
    optional note. Unknown or invisible content is 404; who may: `queries.flag_refusal` (403 without
    the privilege, 422 on your own post); a bad reason or note is 422. A member flags a piece of
    content once: flagging it again changes nothing and returns (the flag, False). A new flag may
    hide the content (`_hide_if_flagged`). Returns (the flag, whether it is new)."""
    content = queries.flag_target(user, content_type, content_id)
    refuse(queries.flag_refusal(user, content))
    note = _flag_input(reason, note)
    existing = _existing_flag(user, content_type, content.id)
    if existing is not None:
        return existing, False
    flag = Flag(flagger_id=user.id, content_type=content_type, content_id=content.id,
                content_author_id=getattr(content, "author_id", None), reason=reason, note=note,
                created_at=db.utcnow(), outcome=FlagOutcome.pending)
    try:
        with db.session.begin_nested():
            db.session.add(flag)
            db.session.flush()
    except IntegrityError:  # the same member's concurrent flag won the race
        existing = _existing_flag(user, content_type, content.id)
        if existing is None:
            raise
        return existing, False
    announce(db.session, DomainEvent.FLAG_RAISED, flag=flag, user=user, content_type=content_type,
             content_id=content.id)
    _hide_if_flagged(content_type, content)
    return flag, True


def _publicly_visible(content_type: str, content: Any) -> bool:
    """Hiding concerns what everyone sees: published posts, and ideas in a public status."""
    status = str(getattr(content.status, "value", content.status))
    if content_type == "idea":
        return status not in rules.IDEA_NOT_PUBLIC
    return status == "published"


def _hide_if_flagged(content_type: str, content: Any) -> ModerationItem | None:
    """When the pending flags of counting flaggers reach FLAGS_TO_HIDE on public content that no
    queue item holds yet, queue it for a moderator (reason "flagged", no release time), audit it
    ("moderation:<type>:hidden_by_flags") and announce `content_hidden_by_flags`, on which the owner
    hides it."""
    if not _publicly_visible(content_type, content) or queries.open_item_for(content_type, content.id) is not None:
        return None
    counting = queries.counting_flags(content_type, content.id)
    if counting < rules.flag_settings().to_hide:
        return None
    item = hold_content(content_type, content.id, reason=rules.FLAGGED, excerpt=queries.excerpt_of(content_type, content),
                        author_id=getattr(content, "author_id", None), release_at=None)
    record_audit(None, content_type, content.id, f"moderation:{content_type}:hidden_by_flags", item_id=item.id,
                 flags=counting)
    announce(db.session, DomainEvent.CONTENT_HIDDEN_BY_FLAGS, content_type=content_type, content_id=content.id,
             item=item)
    return item


def settle_flags(item: ModerationItem, actor: Any, action: str) -> int:
    """A moderator's decision on an item settles the pending flags on its content
    (rules.FLAG_OUTCOME_OF_DECISION: reject upholds, approve dismisses); automatic releases and
    escalations settle nothing. Audited ("moderation:<type>:flags_upheld" / "flags_dismissed").
    Returns how many flags it settled."""
    outcome = rules.FLAG_OUTCOME_OF_DECISION.get(action)
    if actor is None or outcome is None:
        return 0
    flags = queries.pending_flags(item.content_type, item.content_id)
    now = db.utcnow()
    for flag in flags:
        flag.outcome = FlagOutcome(outcome)
        flag.item_id = item.id
        flag.decided_by_id = actor.id
        flag.decided_at = now
    if flags:
        record_audit(actor, item.content_type, item.content_id, f"moderation:{item.content_type}:flags_{outcome}",
                     item_id=item.id, flags=len(flags))
    return len(flags)
