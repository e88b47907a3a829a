"""Search pages: the result page (`/search`, endpoint ``search.search``), the similar-question
lookup the ask page calls as the title is typed, the similar-idea lookup of the idea submission
page, and the ask page's deflection events."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from forum import db
from forum.events import DomainEvent, announce
from forum.search import rules
from forum.search.queries import QueryError, search as run_search, similar_ideas as find_similar_ideas, similar_questions
from forum.web import page_arg, pager

bp = Blueprint("search", __name__)


def _int_arg(name: str, default: int | None = None) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return default


def _filters() -> dict[str, Any]:
    doc_type = request.args.get("type", rules.DEFAULT_TYPE)
    sort = request.args.get("sort", rules.DEFAULT_SORT)
    return {
        "doc_type": doc_type if doc_type in rules.TYPES else rules.DEFAULT_TYPE,
        "tag": (request.args.get("tag") or "").strip() or None,
        "category_id": _int_arg("category"),
        "solved": request.args.get("solved") in ("1", "true", "on"),
        "sort": sort if sort in rules.SORTS else rules.DEFAULT_SORT,
    }


@bp.get("/search")
def search() -> Any:
    """Results with highlighted snippets, filters, sorting and pages; a bad query gets a message."""
    from forum.qa.queries import visible_categories

    q = (request.args.get("q") or "").strip()
    filters = _filters()
    page = page_arg()
    per_page = int(current_app.config["PER_PAGE"])
    viewer = current_user
    results, error = None, None
    if q:
        try:
            results = run_search(viewer, q, page=page, per_page=per_page, **filters)
        except QueryError as exc:
            error = exc.message
        if results is not None and page == 1:
            announce(db.session, DomainEvent.SEARCHED, user=viewer, category_id=filters["category_id"],
                     total=results.total)
    categories = list(db.session.scalars(visible_categories(viewer)))
    status = 400 if error else 200
    return render_template("search/results.html", q=q, results=results, error=error, filters=filters,
                           categories=categories, types=rules.TYPES, sorts=list(rules.SORTS),
                           pager=pager(page, results.total, per_page) if results is not None else None), status


@bp.get("/search/similar")
def similar() -> Any:
    """The ask page's suggestions for the title being typed (JSON; same rule as the API)."""
    items = similar_questions(current_user, request.args.get("title", ""))
    return jsonify({"items": items})


@bp.get("/search/similar-ideas")
def similar_ideas() -> Any:
    """The idea submission page's published ideas like the title being typed (JSON)."""
    items = find_similar_ideas(current_user, request.args.get("title", ""))
    return jsonify({"items": items})


@bp.post("/search/ask-events")
def ask_event() -> Any:
    """Record `ask_started`, `ask_suggestion_clicked` or `ask_abandoned_after_suggestion`
    (docs/rules.md: self-service deflection). JSON or form body: ``kind`` and ``question_id``."""
    if not current_user.is_authenticated:
        abort(401)
    data = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(data, "get"):
        data = {}
    kind = data.get("kind")
    if kind not in rules.ASK_EVENT_KINDS:
        return jsonify({"error": {"code": "invalid", "message": _("Unknown event kind."), "field": "kind"}}), 422
    question_id = data.get("question_id")
    try:
        question_id = int(question_id) if question_id not in (None, "") else None
    except (TypeError, ValueError):
        question_id = None
    announce(db.session, DomainEvent.ASK_STEP_REPORTED, user=current_user, kind=kind, question_id=question_id)
    db.commit()
    return "", 204
