"""Idea board pages (the `ideas` blueprint): thin views over forum.ideas.actions and queries.

Each view parses the request, calls one action, commits once and renders or redirects. Domain
errors reach the app's error handler; form pages show a refusal beside the form.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.accounts.queries import can
from forum.errors import DomainError, Forbidden, RuleViolation, refuse
from forum.ideas import actions, queries, rules
from forum.ideas.forms import CommentForm, ConfirmForm, DecisionForm, IdeaForm, MergeForm, SupportForm
from forum.ideas.models import Idea, IdeaStatus
from forum.moderation import queries as moderation_queries
from forum.qa.queries import visible_categories
from forum.web import field_error, login_required, paginate, rate_limit

bp = Blueprint("ideas", __name__)

# The board without a status filter shows the public ideas that are not folded into another.
BOARD_DEFAULT_STATUSES = [s for s in IdeaStatus if s not in rules.UNPUBLISHED and s != IdeaStatus.merged]


def _categories() -> list[Any]:
    return list(db.session.scalars(visible_categories(current_user)))


def _cards(ideas: list[Idea]) -> dict[str, Any]:
    ids = [i.id for i in ideas]
    return {"progress": {i.id: queries.progress(i) for i in ideas},
            "mine": queries.my_supports(current_user, ids),
            "status_labels": rules.STATUS_LABELS, "last_stage": rules.last_stage()}


@bp.get("/ideas")
def board() -> Any:
    """The board: cards with progress toward the next threshold and days left; filters and sorts."""
    status = request.args.get("status") or None
    if status is not None and status not in IdeaStatus.__members__:
        status = None
    sort = request.args.get("sort", "newest")
    if sort not in rules.BOARD_SORTS:
        sort = "newest"
    categories = _categories()
    category = next((c for c in categories if c.slug == request.args.get("category")), None)
    stmt = queries.ideas(current_user, status=status, sort=sort, category_id=category.id if category else None)
    if status is None:
        stmt = stmt.where(Idea.status.in_(BOARD_DEFAULT_STATUSES))
    items, pager = paginate(stmt)
    return render_template("ideas/board.html", ideas=items, pager=pager, status=status, sort=sort,
                           category=category, categories=categories, statuses=list(IdeaStatus),
                           can_review=actions.may_review(current_user), **_cards(items))


@bp.get("/ideas/roadmap")
def roadmap() -> Any:
    """The roadmap: what the product team approved and what shipped, newest decision first."""
    items, pager = paginate(queries.roadmap(current_user))
    return render_template("ideas/roadmap.html", ideas=items, pager=pager, **_cards(items))


@bp.get("/ideas/mine")
@login_required
def mine() -> Any:
    """My ideas, whatever their status (pending and rejected ones with the moderator's reason)."""
    stmt = queries.ideas(current_user, author_id=current_user.id, sort="newest")
    items, pager = paginate(stmt)
    return render_template("ideas/mine.html", ideas=items, pager=pager, **_cards(items))


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
@rate_limit("post", methods=("POST",))
def submit() -> Any:
    form = IdeaForm()
    form.set_categories(_categories())
    if form.validate_on_submit():
        upload = form.image.data if form.image.data and getattr(form.image.data, "filename", "") else None
        try:
            idea = actions.submit_idea(current_user, title=form.title.data, description=form.description.data,
                                       category_id=form.category_id, image=upload)
        except (RuleViolation, Forbidden) as exc:
            db.rollback()
            field_error(form, exc)
            return render_template("ideas/submit.html", form=form), exc.status
        db.commit()
        if idea.status == IdeaStatus.pending:
            flash(_("Thank you! A moderator checks every idea before it gathers support."), "info")
        return redirect(url_for("ideas.show", idea_id=idea.id))
    status = 422 if request.method == "POST" else 200
    return render_template("ideas/submit.html", form=form), status


@bp.get("/ideas/<int:idea_id>")
def show(idea_id: int) -> Any:
    """The idea: progress, deadline, stage history, supporters (tier and ARR for product/cs/admin),
    comments and the author's updates. A merged idea redirects to the idea it was merged into."""
    idea = queries.access_idea(current_user, idea_id)
    if idea.status == IdeaStatus.merged and idea.merged_into_id is not None:
        flash(_("This idea was merged into this one."), "info")
        return redirect(url_for("ideas.show", idea_id=idea.merged_into_id), code=302)
    return render_template("ideas/show.html", **_show_context(idea))


def _show_context(idea: Idea, **forms: Any) -> dict[str, Any]:
    comments = list(db.session.scalars(queries.comments_of(idea)))
    supports = list(db.session.scalars(queries.supports_of(idea).limit(200)))
    mine = queries.my_supports(current_user, [idea.id]).get(idea.id)
    merge_query = (request.args.get("merge_q") or request.form.get("merge_q") or "").strip()[:200]
    can_merge = actions.may_merge(current_user, idea)
    decision_form = forms.get("decision_form") or DecisionForm()
    decision_form.decision.choices = [(d.value, rules.STATUS_LABELS[d]) for d in rules.decisions_from(idea.status)]
    support_form = forms.get("support_form") or SupportForm()
    if mine is not None and not support_form.is_submitted():
        support_form.importance.data = mine.importance.value if mine.importance else ""
        support_form.comment.data = mine.comment
    return {
        "idea": idea,
        "progress": queries.progress(idea),
        "breakdown": queries.support_breakdown([idea.id])[idea.id],
        "org_details": can(current_user, rules.ORG_DETAILS_PERMISSION),
        # the controls the viewer may use, each decided by its action's predicate (forum.ideas.actions)
        "can_decide": actions.may_decide(current_user, idea),
        "can_merge": can_merge,
        "merge_query": merge_query,
        "merge_candidates": (list(db.session.scalars(queries.merge_candidates(current_user, idea, merge_query)))
                             if can_merge and merge_query else []),
        "can_support": actions.may_support(current_user, idea),
        "can_withdraw": mine is not None and actions.may_withdraw(current_user, idea),
        "can_comment": actions.may_comment(current_user, idea),
        # the Flag control, from moderation's flag rule (the one its flag action enforces)
        "flag": moderation_queries.flag_controls(current_user, [("idea", idea)]).get(("idea", idea.id)),
        "my_support": mine,
        "supports": supports,
        # one conversation in time order: the author's replies stay under what they answer
        "comments": comments,
        "support_form": support_form,
        "withdraw_form": ConfirmForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "decision_form": decision_form,
        "merge_form": forms.get("merge_form") or MergeForm(),
        "status_labels": rules.STATUS_LABELS,
        "importance_labels": rules.IMPORTANCE_LABELS,
        "stages": rules.stages(),
        "history_note": rules.history_note,
    }


def _refused(idea: Idea, exc: DomainError, form_name: str, form: Any) -> Any:
    db.rollback()
    idea = queries.access_idea(current_user, idea.id)
    field_error(form, exc)
    return render_template("ideas/show.html", **_show_context(idea, **{form_name: form})), exc.status


@bp.post("/ideas/<int:idea_id>/support")
@login_required
@rate_limit("vote")
def support(idea_id: int) -> Any:
    idea = queries.access_idea(current_user, idea_id)
    form = SupportForm()
    if not form.validate_on_submit():
        return render_template("ideas/show.html", **_show_context(idea, support_form=form)), 422
    try:
        actions.support_idea(current_user, idea, importance=form.importance.data or None,
                             comment=form.comment.data or "")
    except RuleViolation as exc:
        return _refused(idea, exc, "support_form", form)
    db.commit()
    flash(_("Thank you for your support."), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/withdraw")
@login_required
def withdraw(idea_id: int) -> Any:
    idea = queries.access_idea(current_user, idea_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    actions.withdraw_support(current_user, idea)
    db.commit()
    flash(_("Your support was withdrawn."), "info")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
@rate_limit("post")
def comment(idea_id: int) -> Any:
    idea = queries.access_idea(current_user, idea_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_template("ideas/show.html", **_show_context(idea, comment_form=form)), 422
    try:
        created = actions.post_idea_comment(current_user, idea, body=form.body.data)
    except RuleViolation as exc:
        return _refused(idea, exc, "comment_form", form)
    db.commit()
    return redirect(url_for("ideas.show", idea_id=idea.id, _anchor=f"comment-{created.id}"))


@bp.post("/ideas/<int:idea_id>/decision")
@login_required
def decide(idea_id: int) -> Any:
    idea = queries.access_idea(current_user, idea_id)
    refuse(actions.decide_refusal(current_user))
    form = DecisionForm()
    form.decision.choices = [(d.value, rules.STATUS_LABELS[d]) for d in rules.decisions_from(idea.status)]
    if not form.validate_on_submit():
        return render_template("ideas/show.html", **_show_context(idea, decision_form=form)), 422
    try:
        actions.decide_idea(current_user, idea, decision=form.decision.data, note=form.note.data,
                            release_url=form.release_url.data or None)
    except RuleViolation as exc:
        return _refused(idea, exc, "decision_form", form)
    db.commit()
    flash(_("The decision is recorded; the author and supporters are told."), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int) -> Any:
    source = queries.access_idea(current_user, idea_id)
    refuse(actions.decide_refusal(current_user))
    form = MergeForm()
    if not form.validate_on_submit():
        return render_template("ideas/show.html", **_show_context(source, merge_form=form)), 422
    try:
        target = queries.access_idea(current_user, form.into.data)
        actions.merge_ideas(current_user, source, target)
    except DomainError as exc:
        exc.field = "into"
        return _refused(source, exc, "merge_form", form)
    db.commit()
    flash(_("The ideas are merged."), "success")
    return redirect(url_for("ideas.show", idea_id=target.id))


@bp.get("/ideas/<int:idea_id>/image")
def image(idea_id: int) -> Any:
    """The idea's image, only to those who may see the idea; never sniffed as another type."""
    idea = queries.access_idea(current_user, idea_id)
    if not idea.image_name:
        abort(404)
    kind = idea.image_name.rsplit(".", 1)[-1]
    response = send_from_directory(actions.image_folder(), idea.image_name,
                                   mimetype=rules.IMAGE_MIMETYPES.get(kind, "application/octet-stream"),
                                   max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


# ----------------------------------------------------------------------------- the product team's review

def _review_rows() -> list[dict[str, Any]]:
    ideas = list(db.session.scalars(queries.triage(current_user).limit(500)))
    breakdowns = queries.support_breakdown([i.id for i in ideas])
    return [{"idea": i, **breakdowns[i.id]} for i in ideas]


@bp.get("/ideas/review")
@login_required
def review() -> Any:
    """Ideas in review and any idea for triage, sortable by supporters, distinct supporting
    organizations, supporting ARR, tier mix and importance; the review calendar beside them."""
    refuse(actions.decide_refusal(current_user))
    sort = request.args.get("sort", "supporters")
    if sort not in rules.REVIEW_SORTS:
        sort = "supporters"
    status = request.args.get("status") or None
    rows = _review_rows()
    if status in IdeaStatus.__members__:
        rows = [r for r in rows if r["idea"].status == status]
    if sort == "review_due":
        rows.sort(key=lambda r: (r["idea"].review_due is None, r["idea"].review_due or 0, r["idea"].id))
    elif sort == "supporters":
        rows.sort(key=lambda r: (-r["idea"].supporters, r["idea"].id))
    else:
        rows.sort(key=lambda r: (-r[sort], -r["idea"].supporters, r["idea"].id))
    calendar = list(db.session.scalars(queries.review_calendar()))
    return render_template("ideas/review.html", rows=rows, sort=sort, status=status, calendar=calendar,
                           tier_weights=rules.TIER_WEIGHTS, importance_weights=rules.IMPORTANCE_WEIGHTS,
                           status_labels=rules.STATUS_LABELS, importance_labels=rules.IMPORTANCE_LABELS,
                           now=db.utcnow())


CSV_COLUMNS = ("id", "title", "status", "stage", "supporters", "benchmark", "value_added", "standard", "none",
               "organizations", "arr", "must_have", "important", "nice_to_have", "deadline", "review_due")


def _csv_cell(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula are quoted as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/ideas/review/export.csv")
@login_required
def export_csv() -> Any:
    """Every idea under triage with its supporter counts by tier and the supporting ARR, in UTF-8 with a
    byte-order mark so that spreadsheets (Excel) read Chinese titles as UTF-8."""
    refuse(actions.decide_refusal(current_user))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _review_rows():
        idea = row["idea"]
        writer.writerow([_csv_cell(v) for v in (
            idea.id, idea.title, idea.status.value, idea.stage, idea.supporters,
            *(row["by_tier"][t] for t in rules.TIERS), row["organizations"], row["arr"],
            *(row["importance"][k] for k in ("must_have", "important", "nice_to_have")),
            idea.deadline.isoformat() + "Z" if idea.deadline else "",
            idea.review_due.isoformat() + "Z" if idea.review_due else "")])
    return Response(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=ideas.csv"})

