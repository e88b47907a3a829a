"""NPS pages (the `nps` blueprint): the in-page survey prompt and its two forms, the scores page for
staff and the follow-up page for customer success. Thin views over forum.nps.actions and queries.

The prompt is decided by ``queries.prompt_due`` in the layout's context processor (``init_app``):
one statement on a page for a signed-in member, two when the prompt is shown (its categories).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.accounts.queries import require
from forum.errors import DomainError
from forum.nps import actions, queries, rules
from forum.nps.forms import DismissForm, FollowupForm, NpsForm
from forum.nps.models import FollowupStatus
from forum.qa.queries import visible_categories, visible_category_choices
from forum.web import login_required, paginate

bp = Blueprint("nps", __name__)

MAX_DAYS = 3650


def _back(target: str | None) -> Any:
    """Back to the page the form was posted from (a local path only), else the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return redirect(target, code=303)
    return redirect(url_for("qa.home"), code=303)


# --------------------------------------------------------------------------- the survey prompt

def prompt_context() -> dict[str, Any]:
    """``nps_prompt`` for templates/nps/_prompt.html (included by base.html): the forms when the
    survey is due for the viewer (``queries.prompt_due``), else None."""
    if not has_request_context() or request.method != "GET" or request.path.startswith("/api/"):
        return {"nps_prompt": None}
    if not queries.prompt_due(current_user):
        return {"nps_prompt": None}
    return {"nps_prompt": {"next": request.full_path.rstrip("?"),
                           "categories": visible_category_choices(current_user),
                           "scores": range(rules.SCORE_MIN, rules.SCORE_MAX + 1), "comment_max": rules.COMMENT_MAX,
                           "low": rules.LOW_LABEL, "high": rules.HIGH_LABEL}}


@bp.post("/nps")
@login_required
def answer() -> Any:
    """Answer the survey from the prompt; back to the page with a flash saying what happened."""
    form = NpsForm()
    form.set_categories([])
    if not form.validate_on_submit():
        flash(_("The survey answer could not be read. Please try again."), "error")
        return _back(form.next.data)
    try:
        response = actions.record_nps(current_user, form.score_value, form.comment.data or None, form.category_id)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return _back(form.next.data)
    db.commit()
    if rules.is_detractor(response.score):
        flash(_("Thank you for your answer. Our customer-success team will get in touch about it."), "success")
    else:
        flash(_("Thank you for your answer!"), "success")
    return _back(form.next.data)


@bp.post("/nps/dismiss")
@login_required
def dismiss() -> Any:
    """Hide the prompt; it is asked again after NPS_PROMPT_SNOOZE_DAYS."""
    form = DismissForm()
    if form.validate_on_submit():
        actions.dismiss_nps_prompt(current_user)
        db.commit()
        flash(_("All right, we will ask you again later."), "info")
    return _back(form.next.data)


# --------------------------------------------------------------------------- scores (staff)

def _days_arg() -> int:
    days = request.args.get("days", type=int)
    if days is None or days < 1:
        return queries.window_days()
    return min(days, MAX_DAYS)


@bp.get("/nps")
@login_required
def scores() -> Any:
    """The NPS over a window with its margin of error, per category, per organization tier, and the
    monthly trend as a table (staff)."""
    require(current_user, rules.SCORES_PERMISSION)
    days = _days_arg()
    categories = list(db.session.scalars(visible_categories(current_user)))
    category = next((c for c in categories if c.slug == request.args.get("category")), None)
    category_id = category.id if category else None
    return render_template(
        "nps/scores.html", days=days, category=category, categories=categories,
        overall=queries.summary(days, category_id), per_category=queries.by_category(days),
        per_tier=queries.by_tier(days), trend=queries.monthly_trend(category_id=category_id),
        moderation_mode=queries.moderation_mode(category_id), tier_labels=rules.TIER_LABELS,
        detractor_max=rules.detractor_max(), promoter_min=rules.PROMOTER_MIN)


# --------------------------------------------------------------------------- follow-ups (cs)

@bp.get("/followups")
@login_required
def followups() -> Any:
    """Customer success's follow-ups: open ones first, overdue ones marked, each with its form."""
    require(current_user, rules.FOLLOW_UP_PERMISSION)
    status = request.args.get("status") or None
    if status not in FollowupStatus.__members__:
        status = None
    items, pager = paginate(queries.followups(status))
    now = db.utcnow()
    return render_template(
        "nps/followups.html", items=items, pager=pager, status=status, statuses=list(FollowupStatus),
        overdue={f.id: queries.is_overdue(f, now) for f in items},
        forms={f.id: _followup_form(f) for f in items if actions.may_update_followup(current_user, f)},
        totals=queries.followup_totals(now), status_labels=rules.STATUS_LABELS, source_labels=rules.SOURCE_LABELS,
        tier_labels=rules.TIER_LABELS)


def _followup_form(followup: Any) -> FollowupForm:
    form = FollowupForm(formdata=None)
    form.status.choices = [(s.value, rules.STATUS_LABELS[s.value]) for s in rules.allowed_next(followup.status)]
    return form


@bp.post("/followups/<int:followup_id>")
@login_required
def update_followup(followup_id: int) -> Any:
    """Mark a follow-up contacted or resolved with a note; back to the list with a flash."""
    followup = queries.access_followup(followup_id)
    form = FollowupForm()
    back = request.form.get("back") or url_for("nps.followups")
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return _back(back)
    try:
        actions.update_followup(current_user, followup, form.status.data, form.note.data)
    except DomainError as exc:
        db.rollback()
        if exc.status == 403:
            raise
        flash(exc.message, "error")
        return _back(back)
    db.commit()
    flash(_("Follow-up #%(id)s is now %(status)s.", id=followup.id,
            status=rules.STATUS_LABELS[followup.status.value]), "success")
    return _back(back)


def init_app(app: Flask) -> None:
    """The survey prompt's context for every page (base.html includes templates/nps/_prompt.html)."""
    app.context_processor(prompt_context)
