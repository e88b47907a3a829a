"""Moderation pages (the `moderation` blueprint): the moderators' queue and the NPS gate's public
policy page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum import db
from forum.errors import DomainError, NotFound, RuleViolation
from forum.moderation import actions, queries, rules
from forum.moderation.forms import AppealForm, ClearOverrideForm, FlagForm, PolicyOverrideForm, QueueDecisionForm
from forum.qa import queries as qa_queries
from forum.web import login_required, paginate

bp = Blueprint("moderation", __name__)


# --------------------------------------------------------------------------- the queue

DECISION_FLASHES = {
    "approve": _l("Approved: the %(kind)s is published and its author told."),
    "reject": _l("Rejected (%(reason)s): the %(kind)s is kept for its author, who is told why."),
    "escalate": _l("Escalated: customer success follows up on the %(kind)s; it stays in the queue."),
}


@bp.get("/moderation/queue")
@login_required
def queue() -> Any:
    """Held content waiting for a moderator, oldest first, filtered by content type: why it is held,
    its excerpt and page, its release time, and the decisions (approve, reject with a reason,
    escalate to customer success)."""
    content_type = request.args.get("type") or None
    if content_type not in rules.CONTENT_TYPES:
        content_type = None
    items, pager = paginate(queries.queue(current_user, content_type=content_type))
    rows = queries.queue_rows(items)
    flags = queries.flags_for_items(items)
    for row in rows:
        row["flags"] = flags.get(row["item"].id)
        item = row["item"]
        row["can_decide"] = actions.may_decide(current_user, item)
        row["forms"] = {action: QueueDecisionForm(prefix=f"item{item.id}", action=action) for action in rules.ACTIONS}
    return render_template("moderation/queue.html", rows=rows, pager=pager, content_type=content_type,
                           content_types=rules.CONTENT_TYPES, reasons=rules.REJECTION_REASONS)


@bp.post("/moderation/queue/<int:item_id>")
@login_required
def decide(item_id: int) -> Any:
    """A decision on one item (actions.decide_item), confirmed by a message; back to the queue."""
    item = queries.access_item(current_user, item_id)
    back = redirect(url_for("moderation.queue", type=request.args.get("type") or None,
                            page=request.args.get("page") or None))
    form = QueueDecisionForm(prefix=f"item{item.id}")
    action = form.action.data if form.action.data in rules.ACTIONS else None
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return back
    try:
        actions.decide_item(current_user, item, action=form.action.data, reason=form.reason.data or None,
                            note=form.note.data or "")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return back
    if action is None:
        return back
    kind = rules.say(rules.CONTENT_NAMES.get(item.content_type, item.content_type))
    reason = rules.say(rules.REJECTION_REASONS[item.decision_reason]) if item.decision_reason else ""
    db.commit()
    flash(str(DECISION_FLASHES[action]) % {"kind": kind, "reason": reason}, "success")
    return back


# --------------------------------------------------------------------------- appeals

@bp.route("/moderation/appeals/<content_type>/<int:content_id>", methods=["GET", "POST"])
@login_required
def appeal(content_type: str, content_id: int) -> Any:
    """The author of rejected content appeals once, with a note (actions.appeal_rejection)."""
    state = queries.content_state(content_type, content_id)
    refusal = actions.appeal_refusal(current_user, content_type, content_id)
    if isinstance(refusal, NotFound) or state is None:
        raise NotFound(_("No content of yours with that id."))
    form = AppealForm()
    if request.method == "POST" and refusal is None:
        if not form.validate_on_submit():
            flash(_("The form expired. Please submit it again."), "error")
        else:
            try:
                actions.appeal_rejection(current_user, content_type, content_id, form.note.data)
            except DomainError as exc:
                db.rollback()
                form.note.errors = [*form.note.errors, exc.message]
            else:
                db.commit()
                flash(_("Your appeal is sent: a moderator other than the one who rejected it decides."), "success")
                return redirect(queries.content_paths([_Ref(content_type, content_id)]).get(
                    (content_type, content_id)) or url_for("qa.home"))
    rejection = queries.rejection_of(content_type, content_id)
    return render_template("moderation/appeal.html", form=form, state=state, refusal=refusal, rejection=rejection,
                           reason=rules.say(rules.REJECTION_REASONS[rejection.decision_reason])
                           if rejection is not None and rejection.decision_reason in rules.REJECTION_REASONS else None,
                           kind=rules.say(rules.CONTENT_NAMES.get(content_type, content_type)),
                           note_max=rules.note_max_chars()), 422 if request.method == "POST" else 200


class _Ref:
    """A (content_type, content_id) pair shaped like a queue item (queries.content_paths)."""

    def __init__(self, content_type: str, content_id: int) -> None:
        self.content_type, self.content_id = content_type, content_id


# --------------------------------------------------------------------------- the NPS gate's policy page

def _policy_category(slug: str | None) -> Any:
    """The category a `?category=slug` names (404 for one the viewer cannot see), or None."""
    return qa_queries.category_by_slug(slug, current_user) if slug else None


@bp.get("/moderation/policy")
def policy() -> Any:
    """The public policy page: the mode of the community or a category, what it holds, the computed
    mode and its inputs, the reason in words, any override; admins get the override form."""
    category = _policy_category(request.args.get("category") or None)
    info = queries.policy(category.id if category is not None else None)
    can_override = actions.may_override(current_user)
    slug = category.slug if category is not None else ""
    override_form = PolicyOverrideForm(category=slug, mode=info["mode"].value) if can_override else None
    clear_form = ClearOverrideForm(category=slug) if can_override and info["override"] else None
    return render_template("moderation/policy.html", policy=info, category=category,
                           categories=list(db.session.scalars(qa_queries.visible_categories(current_user))),
                           modes=queries.mode_meanings(), labels=rules.MODE_LABELS, never_held=rules.NEVER_HELD,
                           can_override=can_override, override_form=override_form, clear_form=clear_form,
                           override_days=rules.gate_settings().override_days, note_max=rules.note_max_chars())


def _back(slug: str | None) -> Any:
    return redirect(url_for("moderation.policy", category=slug or None))


@bp.post("/moderation/policy")
@login_required
def override() -> Any:
    """An admin overrides the mode of the scope the form names (actions.override_mode)."""
    form = PolicyOverrideForm()
    slug = form.category.data or None
    if not form.validate_on_submit():
        flash(_("Check the override: %(errors)s",
                errors="; ".join(e for errors in form.errors.values() for e in errors)), "error")
        return _back(slug)
    category = _policy_category(slug)
    try:
        policy_row = actions.override_mode(current_user, form.mode.data, form.note.data, until=form.until.data,
                                           category_id=category.id if category is not None else None)
    except RuleViolation as exc:
        db.rollback()
        flash(exc.message, "error")
        return _back(slug)
    until = policy_row.override_until
    db.commit()
    flash(_("The mode is now %(mode)s until %(until)s UTC.", mode=rules.say(rules.MODE_LABELS[rules.Mode(form.mode.data)]),
            until=f"{until:%Y-%m-%d %H:%M}" if until else ""), "success")
    return _back(slug)


@bp.post("/moderation/policy/clear")
@login_required
def clear_override() -> Any:
    """An admin ends the override of the scope the form names (actions.clear_override)."""
    form = ClearOverrideForm()
    slug = form.category.data or None
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return _back(slug)
    category = _policy_category(slug)
    actions.clear_override(current_user, category.id if category is not None else None)
    db.commit()
    flash(_("The override is cleared: the computed mode applies."), "success")
    return _back(slug)


# --------------------------------------------------------------------------- flags

def _flag_back(form: Any) -> Any:
    """Back to the page the flag was posted from (a path on this site only), else home."""
    target = (form.next.data or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(ord(ch) < 32 for ch in target):
        target = url_for("qa.home")
    return redirect(target)


@bp.post("/flags")
@login_required
def flag() -> Any:
    """A member flags content from its page (actions.flag_content); the page is shown again with a
    confirmation, or with why the flag was refused."""
    form = FlagForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return _flag_back(form)
    try:
        content_id = int(form.content_id.data or "")
    except ValueError:
        flash(_("No such content."), "error")
        return _flag_back(form)
    try:
        _flag, created = actions.flag_content(current_user, form.content_type.data, content_id,
                                              reason=form.reason.data, note=form.note.data or None)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return _flag_back(form)
    db.commit()
    flash(_("Thank you: a moderator will look at it.") if created else _("You already flagged this."), "success")
    return _flag_back(form)


# --------------------------------------------------------------------------- transparency

@bp.get("/moderation/stats")
def stats() -> Any:
    """The public moderation stats: held, released, rejected, the median hold time and the
    rejections by reason over a window the reader picks (rules.stats_settings windows; any `days`
    from 1 to MODERATION_STATS_MAX_DAYS). Another `days` shows the default window (the API refuses
    it with 422)."""
    settings = rules.stats_settings()
    days = request.args.get("days", type=int)
    if days is None or not 1 <= days <= settings.max_days:
        days = settings.default_days
    numbers = queries.moderation_stats(days)
    return render_template("moderation/stats.html", stats=numbers, reasons=queries.reason_rows(numbers), days=days,
                           windows=settings.windows, hold_reasons=rules.HOLD_REASONS)
