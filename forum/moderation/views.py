"""Moderation pages (the `moderation` blueprint): the moderators' queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.errors import DomainError
from forum.moderation import actions, queries, rules
from forum.moderation.forms import QueueDecisionForm
from forum.web import login_required, paginate

bp = Blueprint("moderation", __name__)


def _content_url(item: Any) -> str | None:
    if item.content_type == "idea":
        return url_for("ideas.show", idea_id=item.content_id)
    return None


@bp.get("/moderation/queue")
@login_required
def queue() -> Any:
    """Held content waiting for a moderator, oldest first."""
    items, pager = paginate(queries.queue(current_user))
    return render_template("moderation/queue.html", items=items, pager=pager,
                           can_decide=actions.may_decide(current_user),
                           forms={i.id: QueueDecisionForm(prefix=f"item{i.id}") for i in items},
                           content_url=_content_url, hold_reasons=rules.HOLD_REASONS)


@bp.post("/moderation/queue/<int:item_id>")
@login_required
def decide(item_id: int) -> Any:
    item = queries.access_item(current_user, item_id)
    form = QueueDecisionForm(prefix=f"item{item.id}")
    if form.validate_on_submit():
        try:
            actions.decide_item(current_user, item, action=form.action.data, reason=form.reason.data or None,
                                note=form.note.data or "")
        except DomainError as exc:
            db.rollback()
            flash(exc.message, "error")
            return redirect(url_for("moderation.queue"))
        db.commit()
        flash(_("Decision recorded."), "success")
    else:
        flash(_("Choose a decision."), "error")
    return redirect(url_for("moderation.queue"))
