"""Q&A pages (the `qa` blueprint): thin views over forum.qa.actions and forum.qa.queries.

Each view parses the request, calls one action, commits once and renders or redirects. Domain
errors reach the app's error handler (error.html with the status); form pages catch
RuleViolation/Conflict and show the message beside the form so nothing typed is lost.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forum import db
from forum.accounts.queries import is_signed_in, require
from forum.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.moderation import queries as moderation_queries
from forum.qa import actions, queries, rules
from forum.qa.forms import AnswerForm, CategoryForm, CommentForm, ConfirmForm, QuestionForm, ToggleForm, VoteForm
from forum.moderation import queries as moderation_queries
from forum.qa.models import Answer, Category, Comment, ContentStatus, Question, Tag
from forum.cache import lookup_fragment, page_generations
from forum.qa.rendering import render_markdown
from forum.rewards import queries as rewards_queries
from forum.accounts.queries import sees_restricted_categories
from forum.cache import blocks_enabled, cached_blocks_many, generations
from forum.web import field_error, login_required, page_arg, paginate, rate_limit, url_with
from forum.web import pager as make_pager

bp = Blueprint("qa", __name__)

SORT_TABS = ("newest", "votes", "active", "unanswered")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _post_for(kind: str, post_id: int) -> Question | Answer:
    if kind == "question":
        return queries.access_question(current_user, post_id)
    return queries.access_answer(current_user, post_id)


def _anchor(post: Question | Answer) -> str:
    if isinstance(post, Question):
        return url_for("qa.show_question", question_id=post.id)
    return url_for("qa.show_question", question_id=post.question_id, _anchor=f"answer-{post.id}")


# ----------------------------------------------------------------------------- lists

@bp.get("/")
def home() -> Any:
    # The site token before any data is read: the list and sidebar are cached under it (forum.cache.cached_blocks).
    site_token = generations("site")[0]
    sort = request.args.get("sort", "newest")
    if sort not in SORT_TABS:
        sort = "newest"
    tag = (request.args.get("tag") or "").strip().lower() or None
    category = None
    if request.args.get("category"):
        category = queries.category_by_slug(request.args["category"], current_user)
    filters = dict(unanswered=sort == "unanswered", tag=tag, category_id=category.id if category else None)
    key_sort = "newest" if sort == "unanswered" else sort
    per_page = int(current_app.config["PER_PAGE"])
    keys, pager = _home_page_keys(key_sort, filters, per_page)
    ids = [key[-1] for key in keys]
    # The total from question_count (the published count is cached) rather than a count of every
    # visible question at each request.
    extra = {k: v for k, v in pager.items() if k != "page"}
    total = queries.question_count(current_user, **filters, site_token=site_token)
    pager = {**make_pager(pager["page"], total, per_page), **extra}
    # Numbers for the first pages only (and the page asked for); deeper pages are reached by Next.
    pager["window"] = [p for p in pager["window"] if p <= rules.NUMBERED_PAGES or p == pager["page"]] or [1]
    if keys and pager.get("keyset"):
        _keyset_links(pager, keys)
    # The list and the sidebar's cards show nothing of the member's own beyond these bits (the rows'
    # ids, the total, which categories they may see): cached for everyone who gets the same. The
    # member's onboarding card is theirs alone, and changes only with what they do (each a change
    # that moves the site token): kept per member under it too, with what it reads of the member's
    # row (loaded before the token was read). Both in one cache read.
    me = current_user
    wanted = [("home", ("main", "side"), (ids, pager["total"], sees_restricted_categories(me)))]
    if is_signed_in(me):
        wanted.append(("home-own", ("onboarding",), (me.id, bool(me.display_name and me.bio), me.points,
                                                     bool(me.is_ambassador), me.is_staff)))
    blocks, own = (cached_blocks_many(site_token, *wanted) + [None])[:2] if blocks_enabled() else (None, None)
    if blocks is not None and blocks.hit:  # neither the rows nor the categories are read
        items: list[Any] = ids
        categories: list[Any] = []
    else:
        items = queries.questions_by_ids(ids)
        categories = list(db.session.scalars(queries.visible_categories(current_user)))
    checklist = None if own is not None and own.hit else rewards_queries.onboarding_checklist(current_user)
    return render_template("qa/home.html", questions=items, blocks=blocks, own_blocks=own, pager=pager, sort=sort,
                           tag=tag, category=category, sort_tabs=SORT_TABS, categories=categories,
                           checklist=checklist)


def _home_page_keys(sort: str, filters: dict[str, Any], per_page: int) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """The keys (sort values, id) of the home page asked for, and what its pager needs beyond the
    numbers: the first rules.NUMBERED_PAGES pages by number (``?page=``), deeper ones from a cursor
    (``?after=`` the last row of the page before, ``?before=`` the first row of the page after;
    docs/rules.md: Lists). A damaged cursor is a 400 naming it."""
    for direction in ("after", "before"):
        token = request.args.get(direction)
        if token is None:
            continue
        cursor = queries.parse_cursor(token, sort)
        if cursor is None:
            raise DomainError(_("This page's link is damaged or out of date. Start again from the first page."),
                              code="bad_cursor", field=direction)
        keys, more = queries.keyset_page_keys(current_user, cursor, per_page, sort=sort, before=direction == "before",
                                              **filters)
        if direction == "before" and not more:  # back at the start: the numbered first page
            return queries.page_keys(current_user, 1, per_page, sort=sort, **filters), {"page": 1}
        # Before an ``after`` page lies at least the row its cursor came from; past a ``before``
        # page, the row its cursor names.
        return keys, {"page": 0, "keyset": direction, "has_newer": True, "has_older": more or direction == "before"}
    page = page_arg()
    return queries.page_keys(current_user, page, per_page, sort=sort, **filters), {
        "page": page, "keyset": "page" if page >= rules.NUMBERED_PAGES else None}


def _keyset_links(pager: dict[str, Any], keys: list[tuple[Any, ...]]) -> None:
    """The ``?after=``/``?before=`` addresses of Previous and Next, from the page's first and last
    keys: on a keyset page both; on the last numbered page (rules.NUMBERED_PAGES) or beyond, Next."""
    older = url_with(page=None, before=None, after=queries.cursor_of(keys[-1]))
    if pager["keyset"] == "page":
        if pager["page"] < pager["pages"]:
            pager["next_url"] = older
        return
    pager["prev_url"] = url_with(page=None, after=None, before=queries.cursor_of(keys[0]))
    if pager["has_older"]:
        pager["next_url"] = older


@bp.get("/tags")
def tags() -> Any:
    return render_template("qa/tags.html", tags=queries.tags_with_counts(limit=200))


@bp.get("/tags/suggest")
def tag_suggest() -> Any:
    """Existing tags for the ask form's autocomplete (static/js/compose.js): `?q=` a part of a tag
    name → `{"tags": [{"name", "count", "label"}]}`, most used first (queries.tag_suggestions)."""
    text = (request.args.get("q") or "")[:40]
    return jsonify(tags=[{"name": name, "count": count,
                          "label": ngettext("%(num)d question", "%(num)d questions", count)}
                         for name, count in queries.tag_suggestions(text, current_user)])


@bp.post("/preview")
@login_required
@rate_limit("preview")
def preview() -> Any:
    """The writing forms' live preview (static/js/compose.js, CSRF token in X-CSRFToken): `body`
    rendered by the very renderer and sanitizer that store a post (forum.qa.rendering) → `{"html"}`."""
    source = request.form.get("body", "")
    if len(source) > rules.BODY_MAX:
        return jsonify(error={"code": "invalid", "message": _("The text may have at most %(n)s characters.",
                                                               n=rules.BODY_MAX)}), 422
    return jsonify(html=render_markdown(source))


@bp.get("/tags/<name>")
def tag(name: str) -> Any:
    tag_obj = db.session.scalar(sa.select(Tag).where(Tag.name == name.lower()))
    if tag_obj is None:
        raise NotFound(_("No such tag."))
    sort = request.args.get("sort", "newest")
    if sort not in SORT_TABS:
        sort = "newest"
    stmt = queries.questions(current_user, sort="newest" if sort == "unanswered" else sort,
                             unanswered=sort == "unanswered", tag=tag_obj.name)
    items, pager = paginate(stmt)
    return render_template("qa/list.html", questions=items, pager=pager, sort=sort, sort_tabs=SORT_TABS,
                           heading=_("Questions tagged %(tag)s", tag=tag_obj.name), tag=tag_obj, category=None)


@bp.get("/categories")
def categories() -> Any:
    cats = db.session.scalars(queries.visible_categories(current_user)).all()
    counts = dict(db.session.execute(
        sa.select(Question.category_id, sa.func.count(Question.id))
        .where(queries.question_visibility(current_user), Question.category_id.is_not(None))
        .group_by(Question.category_id)).all())
    return render_template("qa/categories.html", categories=cats, counts=counts,
                           can_manage=actions.may_manage_categories(current_user))


@bp.get("/categories/<slug>")
def category(slug: str) -> Any:
    category_obj = queries.category_by_slug(slug, current_user)
    sort = request.args.get("sort", "newest")
    if sort not in SORT_TABS:
        sort = "newest"
    stmt = queries.questions(current_user, sort="newest" if sort == "unanswered" else sort,
                             unanswered=sort == "unanswered", category_id=category_obj.id)
    items, pager = paginate(stmt)
    return render_template("qa/list.html", questions=items, pager=pager, sort=sort, sort_tabs=SORT_TABS,
                           heading=category_obj.name, category=category_obj, tag=None)


# ----------------------------------------------------------------------------- the question page

# Refusals a page explains beside a disabled control instead of hiding it (docs/rules.md: Privileges):
# the points a member still needs, or a suspension. Other refusals (not the author, not published)
# hide the control.
EXPLAINED_REFUSALS = frozenset({"insufficient_points", "suspended"})


class Shown(NamedTuple):
    """What the question page shows of one post's controls (from actions.controls_for): each
    control enabled exactly when its POST is allowed; beside a disabled vote button, the refusal's
    own words ("Voting up needs 15 points; you have 0."), beside a disabled comment form those of
    EXPLAINED_REFUSALS (other refusals hide it)."""

    edit: bool
    delete: bool
    up: bool
    why_up: str | None
    down: bool
    why_down: str | None
    comment: bool
    why_comment: str | None
    accept: bool
    official: bool


def _shown(c: actions.PostControls, signed_out: bool) -> Shown:
    """A post's controls as the page shows them. A signed-out visitor's vote buttons stay active:
    they lead to the sign-in page (forum.web.login_required)."""
    up, down = (None, None) if signed_out else (c.vote_up, c.vote_down)
    comment = c.comment
    return Shown(c.edit, c.delete, up is None, None if up is None else up.message,
                 down is None, None if down is None else down.message, comment is None,
                 comment.message if comment is not None and comment.code in EXPLAINED_REFUSALS else None,
                 c.accept, c.official)


def _thread_context(question: Question, *, cached: bool = False) -> dict[str, Any]:
    """The question page's data and, for each post, the controls the viewer may use: each is the
    answer of the action's own predicate (forum.qa.actions.controls_for), so a control shows
    exactly when its POST is allowed. The predicates share one Viewer: what is the same for every
    post (roles, privileges, suspension, the refusals' words) is worked out once per page.

    The answers and comments are plain rows (queries.thread(rows=True)); their authors, which only
    the content shows, are read only when it is rendered. ``cached`` (a plain GET): the content is
    looked up in the cache first (``page_fragment``, keyed by everything of the viewer's own it
    shows)."""
    viewer = actions.Viewer(current_user)
    # The fragments' generations read once, before the thread: the heads of the thread every viewer
    # of a kind sees alike are kept under the question's (queries.thread), and the content's key
    # takes both.
    tokens = page_generations(question.id) if cached else None
    context = queries.thread(viewer.user, question, rows=True,
                             generation=tokens[0] if tokens is not None and blocks_enabled() else None)
    context["holds"] = _held_posts(question, context, viewer)
    signed_out = not viewer.signed_in
    # Posts that share their controls share one PostControls (actions.controls_for): each shown once.
    shown: dict[int, Shown] = {}
    controls = {}
    for key, c in actions.controls_for(viewer, question, context["answers"], context["votes"]).items():
        s = shown.get(id(c))
        if s is None:
            s = shown[id(c)] = _shown(c, signed_out)
        controls[key] = s
    context.update(
        controls=controls, can_follow=actions.may_follow(viewer), refused=None,
        viewer_id=viewer.id, answer_form=None,
        flags=_flag_controls(question, context, viewer),
    )
    context["answers_bits"] = _answers_bits(context)
    context["page_fragment"] = None
    if cached:
        context["page_fragment"] = lookup_fragment("question-page", question.id, _page_bits(context),
                                                   context["answers_bits"], tokens=tokens)
    if context["page_fragment"] is None or context["page_fragment"].html is None:  # the content is rendered
        queries.complete_thread(viewer.user, question, context)
        answers = context["answers"]
        context.update(
            accepted_answers=[a for a in answers if a.id == question.accepted_answer_id],
            official_answers=[a for a in answers if a.official and a.id != question.accepted_answer_id],
            other_answers=[a for a in answers if not a.official and a.id != question.accepted_answer_id],
            answer_form=AnswerForm())
        context["authors"] = queries.load_authors([question, *answers, *context["question_comments"],
                                                   *(c for cs in context["answer_comments"].values() for c in cs)])
    return context


def _page_bits(context: dict[str, Any]) -> str:
    """Beside ``_answers_bits``, everything of the viewer's own that the rest of the page's content
    reads: signed in or not, the question's status, the viewer's vote, controls, flag control and
    hold on it, the comments of the question they see (with their flag controls and holds), whether
    they follow it and may, and their id when the page tells them of a held post."""
    question, votes, controls = context["question"], context["votes"], context["controls"]
    flags, holds = context["flags"], context["holds"]
    ref = ("question", question.id)
    flag = _flag_bit
    return repr((context["viewer_id"] is None, context["viewer_id"] if holds else None, question.status.value,
                 votes.get(ref, 0), tuple(controls[ref]), _flag_legend(flags), flag(flags.get(ref)), holds.get(ref),
                 context["following"], context["can_follow"],
                 [(c.id, c.status.value, flag(flags.get(("comment", c.id))), holds.get(("comment", c.id)))
                  for c in context["question_comments"]]))


def _answers_bits(context: dict[str, Any]) -> str:
    """Everything of the viewer's own that the cached answers block of the page reads (forum/cache.py
    cached_fragment), in page order: which answers and comments they see (with their status), their
    vote, the controls and the flag control of each, and what they are told of their held posts.
    Two members get the same string exactly when the block renders the same for both; built from
    plain values (no set to sort), so it costs one repr. Posts with the same controls share one
    Shown (``_thread_context``): each distinct one is written once and the posts give its place;
    a flag control is written as ``_flag_bit`` and ``_flag_legend``."""
    votes, controls, flags, holds = context["votes"], context["controls"], context["flags"], context["holds"]
    comments_of = context["answer_comments"]
    places: dict[int, int] = {}
    legend: list[tuple[Any, ...]] = []

    def place(shown: Shown) -> int:
        at = places.get(id(shown))
        if at is None:
            at = places[id(shown)] = len(legend)
            legend.append(tuple(shown))
        return at

    flag = _flag_bit
    rows = [(a.id, a.status.value, votes.get(("answer", a.id), 0), place(controls[("answer", a.id)]),
             flag(flags.get(("answer", a.id))), holds.get(("answer", a.id)),
             [(c.id, c.status.value, flag(flags.get(("comment", c.id))), holds.get(("comment", c.id)))
              for c in comments_of.get(a.id, ())])
            for a in context["answers"]]
    return repr((legend, _flag_legend(flags), rows))


# A flag control (moderation.queries.flag_controls) holds its post's type and id, which the bits
# give already, its anchor (a function of them), ``flagged`` and what is the same for every post of
# the page (whether the viewer may flag, why not, the reasons, the note's limit). The bits write the
# post's own part per post and the page's part once; tests/qa/test_answers_fragment.py checks that
# a control holds nothing else.
FLAG_PAGE_FIELDS = ("allowed", "why", "reasons", "note_max")


def _flag_bit(control: dict[str, Any] | None) -> bool | None:
    return None if control is None else control["flagged"]


def _flag_legend(flags: dict[tuple[str, int], dict[str, Any]]) -> Any:
    for control in flags.values():
        return tuple(control[name] for name in FLAG_PAGE_FIELDS)
    return None


def _flag_controls(question: Question, context: dict[str, Any], viewer: actions.Viewer) -> dict[tuple[str, int], Any]:
    """The Flag control of every post on the page, from moderation's flag rule (the one the flag
    action enforces; forum.moderation.queries.flag_controls), in one statement."""
    posts: list[tuple[str, Any]] = [("question", question)] + [("answer", a) for a in context["answers"]]
    comments = list(context["question_comments"]) + [c for cs in context["answer_comments"].values() for c in cs]
    return moderation_queries.flag_controls(viewer.user, posts + [("comment", c) for c in comments])


def _held_posts(question: Question, context: dict[str, Any],
                viewer: actions.Viewer) -> dict[tuple[str, int], dict[str, Any]]:
    """For each unpublished post the viewer sees (their own, or any for moderators): why it is held
    and until when, or why it was rejected with the moderator's note, whether it may be resubmitted
    (actions.may_resubmit) and appealed (no appeal yet: the appeal page decides). One statement per
    content type that has such posts."""
    comments = context["question_comments"] + [c for cs in context["answer_comments"].values() for c in cs]
    posts = [("question", question)] + [("answer", a) for a in context["answers"]] + [("comment", c) for c in comments]
    unpublished = [(kind, post) for kind, post in posts if post.status in (ContentStatus.pending, ContentStatus.rejected)]
    holds: dict[tuple[str, int], dict[str, Any]] = {}
    for kind in ("question", "answer", "comment"):
        ids = [post.id for k, post in unpublished if k == kind]
        states = moderation_queries.held_states(kind, ids) if ids else {}
        for k, post in unpublished:
            if k != kind:
                continue
            state = dict(states.get(post.id) or {})
            state["resubmit"] = actions.may_resubmit(viewer, post)
            state["appeal"] = (post.status == ContentStatus.rejected and post.author_id == viewer.id
                               and not state.get("appealed"))
            state["kind"] = kind
            holds[(kind, post.id)] = state
    return holds


@bp.post("/<any(questions, answers, comments):kind>/<int:post_id>/resubmit")
@login_required
def resubmit(kind: str, post_id: int) -> Any:
    """The author sends rejected content back for review (actions.resubmit_post)."""
    access = {"questions": queries.access_question, "answers": queries.access_answer,
              "comments": queries.access_comment}[kind]
    post = access(current_user, post_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    actions.resubmit_post(current_user, post)
    db.commit()
    flash(_("Resubmitted: it waits for a moderator's review."), "info")
    if isinstance(post, Comment):
        question_id = post.question_id or queries.access_answer(current_user, post.answer_id).question_id
        return redirect(url_for("qa.show_question", question_id=question_id, _anchor=f"comment-{post.id}"))
    return redirect(_anchor(post))


@bp.get("/questions/<int:question_id>")
def show_question(question_id: int) -> Any:
    question = queries.access_question(current_user, question_id, eager=False)
    actions.record_view(question.id, current_user)
    return render_template("qa/question.html", **_thread_context(question, cached=True))


@bp.post("/questions/<int:question_id>/answers")
@login_required
@rate_limit("post")
def answer(question_id: int) -> Any:
    question = queries.access_question(current_user, question_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            new = actions.post_answer(current_user, question, body=form.body.data)
        except (RuleViolation, Forbidden) as exc:
            db.rollback()
            field_error(form, exc)
        else:
            db.commit()
            if new.status == ContentStatus.published:
                flash(_("Your answer is posted."), "success")
            else:
                flash(_("Your answer is waiting for a moderator's review."), "info")
            return redirect(_anchor(new))
    question = queries.access_question(current_user, question_id)
    context = _thread_context(question)
    context["answer_form"] = form
    return render_template("qa/question.html", **context), 422


def _refused_in_place(question_id: int, control: str, post_ref: str, exc: DomainError, text: str = "") -> Any:
    """A refused comment, vote or accept answers on the question page itself (not the error page):
    the refusal beside the control it concerns and, for a comment, the typed text kept. The status
    stays the refusal's (403 or 422)."""
    question = queries.access_question(current_user, question_id)
    context = _thread_context(question)
    context["refused"] = {"control": control, "post": post_ref, "message": exc.message, "text": text or ""}
    return render_template("qa/question.html", **context), exc.status


def _question_id_of(post: Question | Answer) -> int:
    return post.id if isinstance(post, Question) else post.question_id


@bp.post("/questions/<int:question_id>/comments", defaults={"kind": "question"}, endpoint="comment_question")
@bp.post("/answers/<int:post_id>/comments", defaults={"kind": "answer"}, endpoint="comment_answer")
@login_required
@rate_limit("post")
def comment(kind: str, question_id: int | None = None, post_id: int | None = None) -> Any:
    parent = _post_for(kind, question_id if kind == "question" else post_id)  # type: ignore[arg-type]
    thread_id, ref = _question_id_of(parent), f"{kind}-{parent.id}"
    form = CommentForm()
    text = form.body.data if isinstance(form.body.data, str) else ""
    if not form.validate_on_submit():
        return _refused_in_place(thread_id, "comment", ref,
                                 RuleViolation(_("The comment is too long."), field="body"),
                                 text)
    try:
        new = actions.post_comment(current_user, parent, body=form.body.data)
    except (RuleViolation, Forbidden) as exc:
        db.rollback()
        return _refused_in_place(thread_id, "comment", ref, exc, text)
    published = new.status == ContentStatus.published
    new_id = new.id
    db.commit()
    if published:
        flash(_("Your comment is posted."), "success")
        return redirect(url_for("qa.show_question", question_id=thread_id, _anchor=f"comment-{new_id}"))
    flash(_("Your comment is waiting for a moderator's review."), "info")
    return redirect(_anchor(parent))


@bp.post("/questions/<int:question_id>/vote", defaults={"kind": "question"}, endpoint="vote_question")
@bp.post("/answers/<int:post_id>/vote", defaults={"kind": "answer"}, endpoint="vote_answer")
@login_required
@rate_limit("vote")
def vote(kind: str, question_id: int | None = None, post_id: int | None = None) -> Any:
    """A vote from the page's form or from forum.js (JSON). A refused vote answers in place: the
    question page with the reason beside the vote buttons, or `{error: {code, message}}` for the
    script, which shows the message there."""
    post = _post_for(kind, question_id if kind == "question" else post_id)  # type: ignore[arg-type]
    thread_id, ref = _question_id_of(post), f"{kind}-{post.id}"
    form = VoteForm()
    try:
        if not form.validate_on_submit():
            raise RuleViolation(_("The vote value must be 1, -1 or 0."), code="invalid", field="value")
        score, mine = actions.cast_vote(current_user, post, form.value.data)
    except (RuleViolation, Forbidden) as exc:
        db.rollback()
        if _wants_json():
            return jsonify(error={"code": exc.code, "message": exc.message}), exc.status
        return _refused_in_place(thread_id, "vote", ref, exc)
    db.commit()
    if _wants_json():
        return jsonify(score=score, my_vote=mine)
    return redirect(_anchor(post))


@bp.post("/answers/<int:answer_id>/accept")
@login_required
def accept(answer_id: int) -> Any:
    answer_obj = queries.access_answer(current_user, answer_id)
    thread_id = answer_obj.question_id
    form = ToggleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.is_on:
            actions.accept_answer(current_user, answer_obj)
        else:
            actions.unaccept_answer(current_user, answer_obj)
    except (RuleViolation, Forbidden) as exc:
        db.rollback()
        return _refused_in_place(thread_id, "accept", f"answer-{answer_id}", exc)
    db.commit()
    flash(_("You accepted this answer: the question shows as solved.") if form.is_on
          else _("You took back the accepted mark."), "success")
    return redirect(_anchor(answer_obj))


@bp.post("/answers/<int:answer_id>/official")
@login_required
def official(answer_id: int) -> Any:
    answer_obj = queries.access_answer(current_user, answer_id)
    form = ToggleForm()
    if not form.validate_on_submit():
        abort(400)
    actions.mark_official(current_user, answer_obj, form.is_on)
    db.commit()
    return redirect(_anchor(answer_obj))


@bp.post("/questions/<int:question_id>/follow")
@login_required
def follow(question_id: int) -> Any:
    question = queries.access_question(current_user, question_id)
    form = ToggleForm()
    if not form.validate_on_submit():
        abort(400)
    following = actions.follow_question(current_user, question, form.is_on)
    db.commit()
    flash(_("You follow this question.") if following else _("You no longer follow this question."), "info")
    return redirect(_anchor(question))


# ----------------------------------------------------------------------------- ask, edit, delete

def _visible_categories() -> list[Category]:
    return list(db.session.scalars(queries.visible_categories(current_user)))


def _ask_page(form: QuestionForm, editing: Question | None) -> str:
    """The ask (or edit) form, with what a new tag would take: the refusal the tag rule gives this
    member (rewards' create_tags privilege, which the action enforces; None when they may)."""
    refusal = rewards_queries.privilege_refusal(current_user, rules.CREATE_TAG_PRIVILEGE)
    return render_template("qa/ask.html", form=form, editing=editing,
                           new_tag_refusal=refusal.message if refusal is not None else None)


@bp.route("/ask", methods=["GET", "POST"])
@login_required
@rate_limit("post", methods=("POST",))
def ask() -> Any:
    form = QuestionForm()
    form.set_categories(_visible_categories())
    if request.method == "GET":
        preset = request.args.get("category")
        if preset:
            match = next((c for c in _visible_categories() if c.slug == preset), None)
            form.category.data = match.id if match else 0
        announce(db.session, DomainEvent.ASK_PAGE_OPENED, user=current_user)  # engagement logs `ask_started`
    if form.validate_on_submit():
        try:
            question = actions.ask_question(current_user, title=form.title.data, body=form.body.data,
                                            tags=form.tags.data, category_id=form.category_id)
        except (RuleViolation, Forbidden) as exc:
            db.rollback()
            field_error(form, exc)
            return _ask_page(form, None), exc.status
        else:
            db.commit()
            if question.status != ContentStatus.published:
                flash(_("Your question is waiting for a moderator's review."), "info")
            else:
                flash(_("Your question is posted."), "success")
            return redirect(url_for("qa.show_question", question_id=question.id))
    status = 422 if request.method == "POST" else 200
    return _ask_page(form, None), status


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(question_id: int) -> Any:
    question = queries.access_question(current_user, question_id)
    form = QuestionForm(obj=None if request.method == "POST" else question)
    form.set_categories(_visible_categories())
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in question.tags)
        form.category.data = question.category_id or 0
    if form.validate_on_submit():
        try:
            actions.edit_question(current_user, question, title=form.title.data, body=form.body.data,
                                  tags=form.tags.data, category_id=form.category_id)
        except (RuleViolation, Forbidden) as exc:
            db.rollback()
            question = queries.access_question(current_user, question_id)
            field_error(form, exc)
            return _ask_page(form, question), exc.status
        else:
            db.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("qa.show_question", question_id=question.id))
    elif request.method == "GET":
        refuse(actions.edit_refusal(current_user, question))
    status = 422 if request.method == "POST" else 200
    return _ask_page(form, question), status


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_answer(answer_id: int) -> Any:
    answer_obj = queries.access_answer(current_user, answer_id)
    form = AnswerForm(obj=None if request.method == "POST" else answer_obj)
    if form.validate_on_submit():
        try:
            actions.edit_answer(current_user, answer_obj, body=form.body.data)
        except (RuleViolation, Forbidden) as exc:
            db.rollback()
            answer_obj = queries.access_answer(current_user, answer_id)
            field_error(form, exc)
            return render_template("qa/edit_answer.html", form=form, answer=answer_obj), exc.status
        else:
            db.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(_anchor(answer_obj))
    elif request.method == "GET":
        refuse(actions.edit_refusal(current_user, answer_obj))
    status = 422 if request.method == "POST" else 200
    return render_template("qa/edit_answer.html", form=form, answer=answer_obj), status


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"], defaults={"kind": "question"},
          endpoint="delete_question")
@bp.route("/answers/<int:post_id>/delete", methods=["GET", "POST"], defaults={"kind": "answer"},
          endpoint="delete_answer")
@login_required
def delete(kind: str, question_id: int | None = None, post_id: int | None = None) -> Any:
    post = _post_for(kind, question_id if kind == "question" else post_id)  # type: ignore[arg-type]
    form = ConfirmForm()
    if form.validate_on_submit():
        if isinstance(post, Question):
            actions.delete_question(current_user, post)
            db.commit()
            flash(_("The question is deleted."), "info")
            return redirect(url_for("qa.home"))
        actions.delete_answer(current_user, post)
        db.commit()
        flash(_("The answer is deleted."), "info")
        return redirect(url_for("qa.show_question", question_id=post.question_id))
    if request.method == "POST":
        abort(400)
    refuse(actions.delete_refusal(current_user, post))
    return render_template("qa/confirm_delete.html", form=form, post=post, kind=kind)


# ----------------------------------------------------------------------------- admin: categories

@bp.get("/admin/categories")
@login_required
def admin_categories() -> Any:
    require(current_user, rules.MANAGE_CATEGORIES_PERMISSION)
    cats = db.session.scalars(sa.select(Category).order_by(Category.position, Category.name)).all()
    return render_template("qa/admin_categories.html", categories=cats, form=CategoryForm(formdata=None))


@bp.route("/admin/categories/new", methods=["GET", "POST"])
@bp.route("/admin/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def admin_category(category_id: int | None = None) -> Any:
    require(current_user, rules.MANAGE_CATEGORIES_PERMISSION)
    category_obj = None
    if category_id is not None:
        category_obj = db.session.get(Category, category_id)
        if category_obj is None:
            raise NotFound(_("No category with that id."))
    form = CategoryForm(obj=None if request.method == "POST" else category_obj)
    if form.validate_on_submit():
        fields = {"name": form.name.data, "slug": (form.slug.data or "").strip().lower(),
                  "description": form.description.data, "ambassadors_only": form.ambassadors_only.data,
                  "position": form.position.data}
        try:
            if category_obj is None:
                actions.create_category(current_user, **fields)
            else:
                actions.update_category(current_user, category_obj, **fields)
        except (RuleViolation, Conflict) as exc:
            db.rollback()
            field_error(form, exc)
        else:
            db.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("qa.admin_categories"))
    status = 422 if request.method == "POST" else 200
    return render_template("qa/admin_category.html", form=form, category=category_obj), status
