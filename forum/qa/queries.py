"""Q&A reads: the one visibility rule (docs/api.md: Visibility), lists, lookups with permission.

Every list, detail, count and action goes through ``question_visibility`` / ``post_visibility``:
published content for everyone; an author also sees their own unpublished (not deleted) posts;
moderators see everything; ambassadors-only categories only for ambassadors and staff.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from forum import db
from forum.accounts.queries import can, is_signed_in, sees_restricted_categories
from forum.accounts.rules import Permission
from forum.errors import NotFound
from forum.qa.models import Answer, Category, Comment, ContentStatus, Follow, PostType, Question, Tag, Vote, question_tags
from forum.qa.rules import DEFAULT_SORT, SORTS, TAG_SUGGESTIONS

Post = Question | Answer | Comment


def status_visibility(model: Any, viewer: Any, *, viewer_id: Any = None) -> sa.ColumnElement[bool]:
    """Published, or the viewer's own unpublished post (not deleted), or any post for moderators.
    ``viewer_id``: what the author is compared with instead of the viewer's id (a bound parameter,
    in a statement built once for every viewer of the kind: ``_page_statements``)."""
    if can(viewer, Permission.MODERATE):
        return sa.true()
    published = model.status == ContentStatus.published
    if is_signed_in(viewer):
        own = sa.and_(model.author_id == (viewer.id if viewer_id is None else viewer_id),
                      model.status != ContentStatus.deleted)
        return sa.or_(published, own)
    return published


def restricted_category_ids() -> sa.Select[Any]:
    return sa.select(Category.id).where(Category.ambassadors_only.is_(True))


def category_visibility(category_column: Any, viewer: Any) -> sa.ColumnElement[bool]:
    if sees_restricted_categories(viewer):
        return sa.true()
    return sa.or_(category_column.is_(None), category_column.not_in(restricted_category_ids()))


def question_visibility(viewer: Any, *, viewer_id: Any = None) -> sa.ColumnElement[bool]:
    return sa.and_(status_visibility(Question, viewer, viewer_id=viewer_id),
                   category_visibility(Question.category_id, viewer))


def visible_categories(viewer: Any) -> sa.Select[Any]:
    stmt = sa.select(Category).order_by(Category.position, Category.name)
    if not sees_restricted_categories(viewer):
        stmt = stmt.where(Category.ambassadors_only.is_(False))
    return stmt


def visible_category_choices(viewer: Any) -> list[tuple[int, str]]:
    """(id, name) of the categories the viewer may see, in their order (a form's choices)."""
    return [(row.id, row.name) for row in db.session.execute(
        visible_categories(viewer).with_only_columns(Category.id, Category.name))]


def _list_filters(*, unanswered: bool = False, tag: str | None = None, category_id: int | None = None,
                  author_id: int | None = None) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if unanswered:
        conds.append(Question.answer_count == 0)
    if tag:
        conds.append(Question.id.in_(
            sa.select(question_tags.c.question_id).join(Tag, Tag.id == question_tags.c.tag_id)
            .where(Tag.name == tag.lower())))
    if category_id is not None:
        conds.append(Question.category_id == category_id)
    if author_id is not None:
        conds.append(Question.author_id == author_id)
    return conds


def _listed(viewer: Any) -> sa.ColumnElement[bool]:
    """``question_visibility`` in the shape the list needs. A member's ``published OR (mine AND not
    deleted)`` lets SQLite take each arm from its own index (a multi-index OR) and then sort every
    published question for one page; there the same rule as one CASE expression seeks no index, so
    SQLite walks the sort's index in order and stops after the page. PostgreSQL already walks the
    index backwards for the OR (and misjudges the CASE's selectivity), so it keeps the OR."""
    if not is_signed_in(viewer) or can(viewer, Permission.MODERATE) or db.dialect() != "sqlite":
        return question_visibility(viewer)
    own = sa.and_(Question.author_id == viewer.id, Question.status != ContentStatus.deleted)
    visible = sa.case((Question.status == ContentStatus.published, 1), (own, 1), else_=0) == 1
    return sa.and_(visible, category_visibility(Question.category_id, viewer))


def questions(viewer: Any, *, sort: str = DEFAULT_SORT, unanswered: bool = False, tag: str | None = None,
              category_id: int | None = None, author_id: int | None = None) -> sa.Select[Any]:
    """The question list: visible questions, filtered and sorted (docs/api.md: GET /questions).

    Every sort is walked in an index (forum/qa/models.py): with ``status = published`` for
    visitors; for a member, whose visibility is ``published OR mine`` (no seek on status), the
    sort's own index read in order and filtered, which stops after the page instead of sorting
    every question."""
    stmt = sa.select(Question).where(_listed(viewer), *_list_filters(
        unanswered=unanswered, tag=tag, category_id=category_id, author_id=author_id))
    columns = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return stmt.order_by(*[getattr(Question, c).desc() for c in columns], Question.id.desc())


def questions_by_ids(ids: list[int]) -> list[Question]:
    """These questions with what a list row shows (author, category, tags), in the order of ``ids``;
    the ids come from a visibility-checked list (``page_keys``, ``keyset_page_keys``)."""
    if not ids:
        return []
    found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids))).unique()}
    return [found[i] for i in ids if i in found]


# ----------------------------------------------------------------------------- keyset pages
# A page of a list is found as its rows' keys (sort values and id) in the sort's index, without
# reading a row; the rows come after (``questions_by_ids``) or from the cache. Deep pages continue
# from a cursor, the key of the row a page ended (or began) with, instead of an offset: "the 20
# questions older than this one" is a seek in the index wherever it is, and stays exact while new
# questions arrive (docs/rules.md: Lists).

_INT_BOUND = 2**31  # ids and scores are PostgreSQL integers


def _sort_columns(sort: str) -> list[Any]:
    return [getattr(Question, c) for c in SORTS.get(sort, SORTS[DEFAULT_SORT])] + [Question.id]


class _AnyMember:
    """A viewer as the list's visibility rule reads them while a statement is built once for every
    viewer of the same standing: what the rule may read of them is their standing (``STANDING``,
    all of it in the statement's key) and their id, a bound parameter (``viewer_id``) given at each
    execution. Reading anything else is an error, so a rule that starts to depend on more of the
    viewer cannot be built once for viewers who differ in it."""

    STANDING = ("is_authenticated", "roles", "is_ambassador", "is_staff")

    def __init__(self, viewer: Any) -> None:
        self._viewer = viewer

    def __getattr__(self, name: str) -> Any:
        if name not in self.STANDING:
            raise AttributeError(f"the list statement is shared by viewers of one standing; it may not read {name!r}"
                                 " (add it to _AnyMember.STANDING, which keys the statement)")
        return getattr(self._viewer, name)

    @property
    def id(self) -> Any:  # noqa: A003 - the attribute the rule reads
        return sa.bindparam("viewer_id", type_=sa.Integer)


_KEY_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _standing_value(value: Any) -> Any:
    return tuple(sorted(map(str, value))) if isinstance(value, (list, tuple, set, frozenset)) else value


def _key_statement(viewer: Any, sort: str, filters: dict[str, Any], kind: str) -> tuple[Any, dict[str, Any]]:
    """The statement reading a page's keys of ``questions(viewer, sort=sort, **filters)`` — by offset
    (``kind`` "page": parameters ``page_limit``, ``page_offset``) or from a cursor ("after"/"before":
    ``cursor_0``…) — built once per process for each shape of viewer and filters (building and
    keying a statement costs more than running it), and the parameters this viewer gives it."""
    signed_in = is_signed_in(viewer)
    standing = tuple(_standing_value(getattr(viewer, name, None)) for name in _AnyMember.STANDING) if signed_in else ()
    shape = (db.dialect(), signed_in, standing, sort, tuple(sorted(filters.items())), kind)
    stmt = _KEY_STATEMENTS.get(shape)
    if stmt is None:
        columns = _sort_columns(sort)
        stmt = questions(_AnyMember(viewer) if signed_in else viewer, sort=sort, **filters).with_only_columns(*columns)
        if kind == "page":
            stmt = stmt.limit(sa.bindparam("page_limit", type_=sa.Integer)).offset(
                sa.bindparam("page_offset", type_=sa.Integer))
        else:
            key = sa.tuple_(*columns)
            bound = sa.tuple_(*[sa.bindparam(f"cursor_{i}", type_=c.type) for i, c in enumerate(columns)])
            if kind == "before":  # walk the other way, nearest first
                stmt = stmt.where(key > bound).order_by(None).order_by(*[c.asc() for c in columns])
            else:
                stmt = stmt.where(key < bound)
            stmt = stmt.limit(sa.bindparam("page_limit", type_=sa.Integer))
        if len(_KEY_STATEMENTS) >= 1024:
            _KEY_STATEMENTS.clear()
        _KEY_STATEMENTS[shape] = stmt
    return stmt, ({"viewer_id": viewer.id} if signed_in else {})


def page_keys(viewer: Any, page: int, per_page: int, *, sort: str = DEFAULT_SORT,
              **filters: Any) -> list[tuple[Any, ...]]:
    """The keys (sort values…, id) of one numbered page of ``questions(viewer, sort=sort,
    **filters)``, in its order: the offset is skipped in the index alone."""
    stmt, params = _key_statement(viewer, sort, filters, "page")
    rows = db.session.connection().execute(stmt, {**params, "page_limit": per_page,
                                                  "page_offset": (page - 1) * per_page})
    return [tuple(k) for k in rows]


def keyset_page_keys(viewer: Any, cursor: tuple[Any, ...], per_page: int, *, sort: str = DEFAULT_SORT,
                     before: bool = False, **filters: Any) -> tuple[list[tuple[Any, ...]], bool]:
    """The keys of the page after a cursor (``before``: the page before it) of ``questions(viewer,
    sort=sort, **filters)``, in the list's order, and whether more rows lie beyond that page in that
    direction (one more key is read to know)."""
    stmt, params = _key_statement(viewer, sort, filters, "before" if before else "after")
    values = {f"cursor_{i}": v for i, v in enumerate(cursor)}
    found = [tuple(k) for k in db.session.connection().execute(stmt, {**params, **values, "page_limit": per_page + 1})]
    more = len(found) > per_page
    found = found[:per_page]
    return (found[::-1] if before else found), more


def cursor_of(key: tuple[Any, ...]) -> str:
    """A row's key as a cursor: its sort values and id, comma-separated (``2026-11-30T10:37:26.123456,1234``)."""
    return ",".join(v.isoformat() if hasattr(v, "isoformat") else str(int(v)) for v in key)


def parse_cursor(token: str, sort: str) -> tuple[Any, ...] | None:
    """The key a cursor of ``cursor_of`` names for ``sort``, or None when it is not one (wrong number
    of parts, not a date or an integer where one belongs, out of range)."""
    import datetime as dt

    parts = (token or "").split(",")
    columns = _sort_columns(sort)
    if len(parts) != len(columns) or len(token) > 200:
        return None
    values: list[Any] = []
    for column, part in zip(columns, parts):
        if isinstance(column.type, sa.DateTime):
            try:
                value: Any = dt.datetime.fromisoformat(part)
            except ValueError:
                return None
            if value.tzinfo is not None:
                return None
        else:
            if not part.lstrip("-").isdigit() or not part.isascii():
                return None
            value = int(part)
            if not -_INT_BOUND < value < _INT_BOUND:
                return None
        values.append(value)
    return tuple(values)


def question_count(viewer: Any, *, unanswered: bool = False, tag: str | None = None, category_id: int | None = None,
                   author_id: int | None = None, site_token: str | None = None) -> int:
    """How many questions ``questions()`` lists with these filters, without counting at every
    request: the published ones are kept in the cache under the ``site`` generation (forum.cache:
    bumped by every change), per filter and category visibility; a member's own unpublished
    questions are counted on the author index and, when the page cache is on, kept under the same
    generation per member (their asking, editing and every moderation decision bump it). Both come
    in one cache read. Moderators, who see every status, are counted directly. ``site_token``: the
    generation the caller already read before its data."""
    from forum.cache import blocks_enabled, generations, kept_get_many, kept_set

    def filters() -> list[Any]:
        return _list_filters(unanswered=unanswered, tag=tag, category_id=category_id, author_id=author_id)

    if can(viewer, Permission.MODERATE):
        return int(db.session.scalar(sa.select(sa.func.count(Question.id)).where(
            question_visibility(viewer), *filters())) or 0)
    site = site_token or generations("site")[0]
    shape = f"{int(sees_restricted_categories(viewer))}:{int(unanswered)}:{tag}:{category_id}:{author_id}"
    key = f"qcount:{site}:{shape}"
    signed_in = is_signed_in(viewer)
    own_key = f"qown:{site}:{viewer.id}:{shape}" if signed_in and blocks_enabled() else None
    published, own = kept_get_many(key, own_key)
    if published is None:
        published = int(db.session.scalar(sa.select(sa.func.count(Question.id)).where(
            Question.status == ContentStatus.published, category_visibility(Question.category_id, viewer),
            *filters())) or 0)
        kept_set(key, published)
    if not signed_in:
        return int(published)
    if own is None:
        own = int(db.session.scalar(sa.select(sa.func.count(Question.id)).where(
            Question.author_id == viewer.id, Question.status.not_in((ContentStatus.published, ContentStatus.deleted)),
            category_visibility(Question.category_id, viewer), *filters())) or 0)
        if own_key:
            kept_set(own_key, own)
    return int(published) + int(own)


def paginate(stmt: sa.Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a Select and the total count (docs/api.md: every list)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return items, total


def access_question(viewer: Any, question_id: int, *, eager: bool = True) -> Question:
    """The question if the viewer may see it; otherwise NotFound (never Forbidden). With
    ``eager=False`` its author, category and tags are not read with it (each is read when first
    used; the question page's cached content shows them), by a statement built once."""
    if eager:
        question = db.session.scalar(sa.select(Question).where(Question.id == question_id, question_visibility(viewer)))
    else:
        question = db.session.scalar(_page_statements(viewer)["question"],
                                     {"page_question": question_id, "page_viewer": getattr(viewer, "id", None)})
    if question is None:
        raise NotFound(_("No question with that id."))
    return question


def access_answer(viewer: Any, answer_id: int) -> Answer:
    answer = db.session.scalar(
        sa.select(Answer).join(Question, Question.id == Answer.question_id)
        .where(Answer.id == answer_id, status_visibility(Answer, viewer), question_visibility(viewer)))
    if answer is None:
        raise NotFound(_("No answer with that id."))
    return answer


def access_comment(viewer: Any, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("No comment with that id."))
    parent_question_id = comment.question_id
    if comment.answer_id is not None:
        parent_question_id = access_answer(viewer, comment.answer_id).question_id
    access_question(viewer, parent_question_id)  # type: ignore[arg-type]
    visible = db.session.scalar(sa.select(Comment.id).where(Comment.id == comment_id, status_visibility(Comment, viewer)))
    if visible is None:
        raise NotFound(_("No comment with that id."))
    return comment


class AnswerRow(SimpleNamespace):
    """An answer as plain values (``thread(rows=True)``): its table's columns, ``question`` (the
    question it answers) and, once ``load_authors`` read it, ``author``. The rules read it like an
    Answer (``post_type``); it costs no ORM instance."""

    post_type = PostType.answer


class CommentRow(SimpleNamespace):
    """A comment as plain values (``thread(rows=True)``): its table's columns and, once
    ``load_authors`` read it, ``author``."""


def _answer_clauses(viewer: Any, question_id: Any, accepted_id: Any, viewer_id: Any = None) -> tuple[Any, Any]:
    """The answers of a question page the viewer sees, accepted first, then official, then by score
    and age: (where, order by)."""
    return ((Answer.question_id == question_id, status_visibility(Answer, viewer, viewer_id=viewer_id)),
            ((Answer.id == accepted_id).desc(), Answer.official.desc(), Answer.score.desc(), Answer.created_at,
             Answer.id))


def _comment_clauses(viewer: Any, question_id: Any, answer_ids: Any, viewer_id: Any = None) -> tuple[Any, Any]:
    """The comments of a question and of its answers the viewer sees, oldest first: (where, order by)."""
    return ((sa.or_(Comment.question_id == question_id, Comment.answer_id.in_(answer_ids)),
             status_visibility(Comment, viewer, viewer_id=viewer_id)),
            (Comment.created_at, Comment.id))


_PAGE_STATEMENTS: dict[tuple[bool, bool, bool], dict[str, Any]] = {}


def _page_statements(viewer: Any) -> dict[str, Any]:
    """The question page's reads, built once per kind of viewer (signed in, moderator, sees the
    ambassadors-only categories: all the visibility rule asks) with the question, the accepted
    answer, the answers' ids and the viewer's id as bound parameters (``page_*``), so a page view
    runs them without building them: the rule of ``question_visibility`` and ``status_visibility``,
    and the order of ``thread``."""
    kind = (is_signed_in(viewer), can(viewer, Permission.MODERATE), sees_restricted_categories(viewer))
    found = _PAGE_STATEMENTS.get(kind)
    if found is None:
        me, question = sa.bindparam("page_viewer"), sa.bindparam("page_question")
        answer_where, answer_order = _answer_clauses(viewer, question, sa.bindparam("page_accepted"), me)
        # The comments of the answers the viewer sees, named by a subquery (not the answers' ids as an
        # expanding list, which is a new statement text at each page view): the question's comments
        # and the answers' as two selects joined by UNION ALL, each on its own index — one select with
        # "question_id = … OR answer_id IN (subquery)" made PostgreSQL scan every comment (11 ms).
        answers_seen = sa.select(Answer.id).where(*answer_where)

        def comments_of_page(names: tuple[str, ...]) -> Any:
            columns = [Comment.__table__.c[name] for name in dict.fromkeys((*names, "created_at"))]
            visible = status_visibility(Comment, viewer, viewer_id=me)
            both = sa.union_all(sa.select(*columns).where(Comment.question_id == question, visible),
                                sa.select(*columns).where(Comment.answer_id.in_(answers_seen), visible)).subquery()
            return sa.select(*(both.c[name] for name in names)).order_by(both.c.created_at, both.c.id)

        found = _PAGE_STATEMENTS[kind] = {
            "question": sa.select(Question).where(Question.id == question, question_visibility(viewer, viewer_id=me))
            .options(lazyload(Question.author), lazyload(Question.category), lazyload(Question.tags)),
            "answers": sa.select(*Answer.__table__.columns).where(*answer_where).order_by(*answer_order),
            "comments": comments_of_page(tuple(c.name for c in Comment.__table__.columns)),
            "answer_heads": sa.select(*(Answer.__table__.c[name] for name in _HEAD_COLUMNS["answers"]))
            .where(*answer_where).order_by(*answer_order),
            "comment_heads": comments_of_page(_HEAD_COLUMNS["comments"]),
        }
    return found


# What a page reads of its answers and comments before it knows whether its content is cached: which
# posts the viewer sees, in order, and what their controls, flags, holds and the cache key ask of
# each (who wrote it, its status, official, where a comment hangs). The rest (bodies, dates, scores)
# only the content shows: ``complete_thread`` reads it when the content is rendered.
_HEAD_COLUMNS = {"answers": ("id", "question_id", "author_id", "status", "official"),
                 "comments": ("id", "question_id", "answer_id", "author_id", "status")}


# The heads are what every viewer of a kind sees the same until the thread changes: kept under the
# question's generation (forum.cache), keyed also by the accepted answer (it orders them), whether the
# viewer moderates (they see every post) and the columns read (a deploy that reads others makes new
# keys). A member who has unpublished posts of their own on the thread sees more than the published
# heads: theirs are read by the member's own statements.
_HEADS_VERSION = hashlib.sha1(repr(_HEAD_COLUMNS).encode()).hexdigest()[:8]


def _heads_key(question: Question, moderator: bool, generation: str) -> str:
    return f"heads:{_HEADS_VERSION}:{question.id}:{int(moderator)}:{question.accepted_answer_id or 0}:{generation}"


def _read_heads(statements: dict[str, Any], params: dict[str, Any]) -> tuple[Any, ...]:
    """The answers' and comments' heads as (column names, rows of plain tuples) twice."""
    found = db.core_execute(statements["answer_heads"], params)
    answer_keys, answer_rows = tuple(found.keys()), [tuple(r) for r in found]
    found = db.core_execute(statements["comment_heads"], params)
    return answer_keys, answer_rows, tuple(found.keys()), [tuple(r) for r in found]


def _shared_heads(viewer: Any, question: Question, generation: str, params: dict[str, Any]) -> tuple[Any, ...]:
    """The heads a viewer who has no unpublished post of their own on the thread sees: the published
    posts' (a moderator's: every post's), from this worker's copy or the shared cache, else read and
    kept, under the question's generation token read before (so heads read from data older than a
    bump are kept where nobody looks)."""
    from forum.cache import kept_get_many, kept_set

    moderator = can(viewer, Permission.MODERATE)
    key = _heads_key(question, moderator, generation)
    try:
        (heads,) = kept_get_many(key)
    except Exception:  # noqa: BLE001 - without the cache the heads are read
        current_app.logger.exception("thread heads: cache read failed")
        key, heads = None, None
    if isinstance(heads, tuple) and len(heads) == 4:
        return heads
    # The published posts' heads are a visitor's (no viewer: _page_statements' signed-out kind).
    heads = _read_heads(_page_statements(viewer if moderator else None), params)
    if key is not None:
        try:
            kept_set(key, heads)
        except Exception:  # noqa: BLE001
            current_app.logger.exception("thread heads: cache write failed")
    return heads


# What the page reads of a signed-in member's own on a thread, in one statement (one round trip):
# their votes on the question and its answers, whether they follow it, and whether they have a post
# on it that is not published (then they see more than the published heads; their own question's
# status changes nothing in them). Rows are (kind,
# post_type, post_id, value); post_type and value only for votes.
def _own_statement() -> Any:
    me, question = sa.bindparam("page_viewer"), sa.bindparam("page_question")
    answers_of = sa.select(Answer.id).where(Answer.question_id == question)

    def unpublished(model: Any) -> Any:
        return sa.and_(model.author_id == me, model.status.not_in((ContentStatus.published, ContentStatus.deleted)))

    def marks(kind: str, model: Any, *where: Any) -> Any:
        return sa.select(sa.literal_column(f"'{kind}'"), sa.null(), sa.null(), sa.null()).select_from(model).where(*where)

    votes = sa.select(sa.literal_column("'vote'").label("kind"), Vote.post_type, Vote.post_id, Vote.value).where(
        Vote.user_id == me,
        sa.or_(sa.and_(Vote.post_type == PostType.question, Vote.post_id == question),
               sa.and_(Vote.post_type == PostType.answer, Vote.post_id.in_(answers_of))))
    # The comments' two selects each on its own index, as the page's comments statement
    # (_page_statements: an OR of the two made PostgreSQL scan every comment).
    return sa.union_all(
        votes,
        marks("follow", Follow, Follow.user_id == me, Follow.question_id == question),
        marks("own", Answer, Answer.question_id == question, unpublished(Answer)),
        marks("own", Comment, Comment.question_id == question, unpublished(Comment)),
        marks("own", Comment, Comment.answer_id.in_(answers_of), unpublished(Comment)))


_OWN = _own_statement()


def thread(viewer: Any, question: Question, *, rows: bool = False, generation: str | None = None) -> dict[str, Any]:
    """Everything a question page shows, in a constant number of queries (whatever its size).

    Answers come accepted first, then official, then by score and age; each answer's and the
    question's comments are grouped; the viewer's votes and follow state are included. With
    ``rows=True`` the answers and comments are AnswerRow and CommentRow with only the columns the
    page reads before it knows whether its content is cached (``_HEAD_COLUMNS``) and without their
    authors: ``complete_thread`` and ``load_authors`` read the rest, when the content must be
    rendered; all by statements built once (``_page_statements``). ``generation`` (with ``rows``):
    the question's generation token, read before anything of the thread; the heads then come from
    the cache when another viewer of the kind read them under it (``_shared_heads``), and a member's
    votes, follow and own unpublished posts are read in one statement (``_OWN``).
    """
    answers: list[Any]
    comments: list[Any]
    votes: dict[tuple[str, int], int] | None = None
    following = False
    if rows:
        statements = _page_statements(viewer)
        params: dict[str, Any] = {"page_question": question.id, "page_viewer": getattr(viewer, "id", None),
                                  "page_accepted": question.accepted_answer_id or 0}
        heads = None
        if generation is not None:
            mine = []
            if is_signed_in(viewer):
                votes, unpublished = {}, False
                for kind, post_type, post_id, value in db.core_execute(_OWN, params):
                    if kind == "vote":
                        mine.append((str(post_type), post_id, value))
                    elif kind == "follow":
                        following = True
                    else:
                        unpublished = True
                if not unpublished or can(viewer, Permission.MODERATE):
                    heads = _shared_heads(viewer, question, generation, params)
            else:
                heads = _shared_heads(viewer, question, generation, params)
        if heads is None:
            heads = _read_heads(statements, params)
        answer_keys, answer_rows, comment_keys, comment_rows = heads
        answers = [AnswerRow(question=question, **dict(zip(answer_keys, r))) for r in answer_rows]
        comments = [CommentRow(**dict(zip(comment_keys, r))) for r in comment_rows]
        if generation is not None and is_signed_in(viewer):
            # my_votes' answer: the votes on the question and on the answers shown.
            shown = {a.id for a in answers}
            votes = {(t, i): v for t, i, v in mine if t == PostType.question or i in shown}
    else:
        where, order = _answer_clauses(viewer, question.id, question.accepted_answer_id or 0)
        answers = list(db.session.scalars(sa.select(Answer).where(*where).order_by(*order)))
        where, order = _comment_clauses(viewer, question.id, [a.id for a in answers])
        comments = list(db.session.scalars(sa.select(Comment).where(*where).order_by(*order)))
    question_comments = [c for c in comments if c.question_id == question.id]
    by_answer: dict[int, list[Any]] = {a.id: [] for a in answers}
    for c in comments:
        if c.answer_id is not None:
            by_answer[c.answer_id].append(c)
    if votes is None:
        votes, following = my_votes(viewer, question, answers), is_following(viewer, question)
    return {
        "question": question,
        "answers": answers,
        "question_comments": question_comments,
        "answer_comments": by_answer,
        "votes": votes,
        "following": following,
    }


def complete_thread(viewer: Any, question: Question, context: dict[str, Any]) -> None:
    """Every column of the rows of ``thread(rows=True)`` (``context``), for rendering the content:
    read by the same statements with all the columns (two statements), in the same transaction, so
    the same rows; each row keeps its identity (the controls and flags computed for it stay its own)."""
    statements = _page_statements(viewer)
    answers = {a.id: a for a in context["answers"]}
    params: dict[str, Any] = {"page_question": question.id, "page_viewer": getattr(viewer, "id", None),
                              "page_accepted": question.accepted_answer_id or 0}
    comments = {c.id: c for c in context["question_comments"]}
    comments.update((c.id, c) for cs in context["answer_comments"].values() for c in cs)
    complete: set[tuple[str, int]] = set()
    for rows, name in ((answers, "answers"), (comments, "comments")):
        found = db.core_execute(statements[name], params)
        keys = tuple(found.keys())
        at = keys.index("id")
        for r in found:
            row = rows.get(r[at])
            if row is not None:
                vars(row).update(zip(keys, r))
                complete.add((name, row.id))
    if len(complete) < len(answers) + len(comments):
        # Gone between the two reads (another transaction's, where each statement sees the latest
        # commit): not shown, like a post deleted a moment before the page.
        context["answers"] = [a for a in context["answers"] if ("answers", a.id) in complete]
        context["question_comments"] = [c for c in context["question_comments"] if ("comments", c.id) in complete]
        context["answer_comments"] = {a.id: [c for c in context["answer_comments"].get(a.id, ())
                                             if ("comments", c.id) in complete] for a in context["answers"]}


def load_authors(posts: list[Any]) -> list[Any]:
    """The authors of these posts (with their roles) in one statement (and the roles' one): set as
    each row's ``author`` (AnswerRow, CommentRow), and in the session for an ORM post whose author
    was not read with it (``access_question(eager=False)``). Keep the list while the posts are used:
    the session holds rows only as long as something refers to them."""
    from forum.accounts.models import User

    def missing(post: Any) -> bool:
        if isinstance(post, (AnswerRow, CommentRow)):
            return not hasattr(post, "author")
        return "author" not in sa.inspect(post).dict

    wanted = [p for p in posts if missing(p)]
    if not wanted:
        return []
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({p.author_id for p in wanted})))}
    for post in wanted:
        if isinstance(post, (AnswerRow, CommentRow)):
            post.author = users[post.author_id]
    return list(users.values())


# The question's answers by a subquery rather than the ids as an expanding list (a new statement text
# at each page view); my_votes keeps the votes on the answers it is given.
_MY_VOTES = sa.select(Vote.post_type, Vote.post_id, Vote.value).where(
    Vote.user_id == sa.bindparam("voter"),
    sa.or_(sa.and_(Vote.post_type == PostType.question, Vote.post_id == sa.bindparam("question")),
           sa.and_(Vote.post_type == PostType.answer,
                   Vote.post_id.in_(sa.select(Answer.id).where(Answer.question_id == sa.bindparam("question"))))))


def my_votes(viewer: Any, question: Question, answers: list[Answer]) -> dict[tuple[str, int], int]:
    """The viewer's votes on a question and its answers: {(post_type, id): value}."""
    if not is_signed_in(viewer):
        return {}
    shown = {a.id for a in answers}
    return {(str(t), i): v for t, i, v in db.core_execute(_MY_VOTES, {"voter": viewer.id, "question": question.id})
            if t == PostType.question or i in shown}


def my_vote(viewer: Any, post: Question | Answer) -> int:
    if not is_signed_in(viewer):
        return 0
    return db.session.scalar(sa.select(Vote.value).where(
        Vote.user_id == viewer.id, Vote.post_type == post.post_type, Vote.post_id == post.id)) or 0


_FOLLOWING = sa.select(Follow.id).where(Follow.user_id == sa.bindparam("follower"),
                                        Follow.question_id == sa.bindparam("question"))


def is_following(viewer: Any, question: Question) -> bool:
    if not is_signed_in(viewer):
        return False
    return db.core_execute(_FOLLOWING, {"follower": viewer.id, "question": question.id}).first() is not None


def followers(question_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Follow.user_id).where(Follow.question_id == question_id)))


def votes_in_window(since: Any, until: Any) -> sa.ColumnElement[bool]:
    """Votes cast from `since` to `until`, both included (the serial-voting window)."""
    return sa.and_(Vote.created_at >= since, Vote.created_at <= until)


def votes_by_voter_and_author(since: Any, until: Any, *, more_than: int) -> sa.Select[Any]:
    """(voter id, post author id, votes) for each voter who cast more than `more_than` votes on
    one member's posts in the window (rewards' serial-voting rule reads it)."""
    return (sa.select(Vote.user_id, Vote.post_author_id, sa.func.count(Vote.id))
            .where(votes_in_window(since, until))
            .group_by(Vote.user_id, Vote.post_author_id)
            .having(sa.func.count(Vote.id) > more_than))


def tags_with_counts(limit: int = 100) -> list[tuple[Tag, int]]:
    count = sa.func.count(Question.id)
    rows = db.session.execute(
        sa.select(Tag, count).join(question_tags, question_tags.c.tag_id == Tag.id)
        .join(Question, Question.id == question_tags.c.question_id)
        .where(Question.status == ContentStatus.published,
               category_visibility(Question.category_id, None))
        .group_by(Tag.id).order_by(count.desc(), Tag.name).limit(limit))
    return [(t, n) for t, n in rows]


def tag_suggestions(text: str, viewer: Any, limit: int = TAG_SUGGESTIONS) -> list[tuple[str, int]]:
    """Existing tags for the ask form's autocomplete: names containing `text` (those starting with it
    first), each with the number of published questions the viewer may see, most used first, in one
    statement. Tags no visible question uses yet are offered too (using an existing tag needs no
    points; docs/rules.md: Privileges)."""
    text = (text or "").strip().lower().lstrip("#")
    if not text:
        return []
    count = sa.func.count(Question.id)
    shown = sa.and_(Question.id == question_tags.c.question_id, Question.status == ContentStatus.published,
                    category_visibility(Question.category_id, viewer))
    starts = sa.case((Tag.name.startswith(text, autoescape=True), 0), else_=1)
    rows = db.session.execute(
        sa.select(Tag.name, count).select_from(Tag)
        .outerjoin(question_tags, question_tags.c.tag_id == Tag.id)
        .outerjoin(Question, shown)
        .where(Tag.name.contains(text, autoescape=True))
        .group_by(Tag.id, Tag.name).order_by(sa.func.min(starts), count.desc(), Tag.name).limit(limit))
    return [(name, int(n)) for name, n in rows]


def access_category(category_id: int, viewer: Any) -> Category:
    category = db.session.scalar(visible_categories(viewer).where(Category.id == category_id))
    if category is None:
        raise NotFound(_("No category with that id."))
    return category


def category_by_slug(slug: str, viewer: Any) -> Category:
    category = db.session.scalar(visible_categories(viewer).where(Category.slug == slug))
    if category is None:
        raise NotFound(_("No such category."))
    return category


def published_post_count(user_id: int) -> int:
    """How many published questions, answers and comments a member has, in one statement (the
    guarded mode holds members with fewer than MODERATION_GUARDED_POSTS; docs/rules.md: The NPS gate)."""
    counts = [sa.select(sa.func.count()).where(model.author_id == user_id, model.status == ContentStatus.published)
              .scalar_subquery() for model in (Question, Answer, Comment)]
    return int(db.session.scalar(sa.select(counts[0] + counts[1] + counts[2])) or 0)


def post_state(content_type: str, content_id: Any) -> dict[str, Any] | None:
    """A question's, answer's or comment's author, status and text, or None (moderation's appeals
    read it)."""
    model = {"question": Question, "answer": Answer, "comment": Comment}.get(content_type)
    if model is None or isinstance(content_id, bool) or not isinstance(content_id, int):
        return None
    post = db.session.get(model, content_id)
    if post is None:
        return None
    text = f"{post.title} — {post.body}" if isinstance(post, Question) else post.body
    return {"author_id": post.author_id, "status": str(post.status), "excerpt": text}


def post_paths(posts: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The page of each (content_type, id) question, answer or comment, as a path with its anchor
    (usable without a request: notifications are also made by `forum tick`), in at most two
    statements whatever the number of posts."""
    wanted = {kind: [i for k, i in posts if k == kind] for kind in ("question", "answer", "comment")}
    paths: dict[tuple[str, int], str] = {("question", i): f"/questions/{i}" for i in wanted["question"]}
    comments: list[tuple[int, int | None, int | None]] = []
    if wanted["comment"]:
        comments = [(i, q, a) for i, q, a in db.session.execute(
            sa.select(Comment.id, Comment.question_id, Comment.answer_id).where(Comment.id.in_(wanted["comment"])))]
    answer_ids = set(wanted["answer"]) | {a for _, _, a in comments if a is not None}
    answer_question: dict[int, int] = {}
    if answer_ids:
        answer_question = {i: q for i, q in db.session.execute(
            sa.select(Answer.id, Answer.question_id).where(Answer.id.in_(answer_ids)))}
    for answer_id in wanted["answer"]:
        if answer_id in answer_question:
            paths[("answer", answer_id)] = f"/questions/{answer_question[answer_id]}#answer-{answer_id}"
    for comment_id, question_id, answer_id in comments:
        qid = question_id if question_id is not None else answer_question.get(answer_id or 0)
        if qid is not None:
            paths[("comment", comment_id)] = f"/questions/{qid}#comment-{comment_id}"
    return paths


# ----------------------------------------------------------------------------- health reports
# docs/rules.md, Health reports: the Q&A numbers of a period, read in a few grouped statements.

REPORTED_STATUSES = (ContentStatus.published, ContentStatus.hidden)


def _minutes_between(later: Any, earlier: Any) -> Any:
    """`later` − `earlier` in minutes, as a number, in SQL (both databases)."""
    if db.dialect() == "postgresql":
        return sa.cast(sa.extract("epoch", later - earlier) / 60.0, sa.Float)  # a float, not a Decimal per row
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 1440.0


def questions_published_between(since: Any, until: Any, category_id: int | None = None) -> list[Any]:
    """Questions published in [since, until) and not deleted or rejected since, as numbers: ``day``
    (of publication, days since 1970-01-01), ``accepted`` (1 or 0) and ``wait_minutes`` (until the
    first published answer by someone other than the asker; None without one), in one statement —
    a year's questions without building a datetime per row."""
    from forum.engagement.queries import day_number

    first_answer = (sa.select(Answer.question_id, sa.func.min(Answer.published_at).label("first_answer_at"))
                    .join(Question, Question.id == Answer.question_id)
                    .where(Answer.status == ContentStatus.published, Answer.published_at.is_not(None),
                           Answer.author_id != Question.author_id,
                           Question.published_at >= since, Question.published_at < until)
                    .group_by(Answer.question_id).subquery())
    stmt = (sa.select(day_number(Question.published_at).label("day"),
                      sa.case((Question.accepted_answer_id.is_not(None), 1), else_=0).label("accepted"),
                      _minutes_between(first_answer.c.first_answer_at, Question.published_at).label("wait_minutes"))
            .outerjoin(first_answer, first_answer.c.question_id == Question.id)
            .where(Question.published_at >= since, Question.published_at < until,
                   Question.status.in_(REPORTED_STATUSES)))
    if category_id is not None:
        stmt = stmt.where(Question.category_id == category_id)
    return db.session.connection().execute(stmt).all()  # Core rows, fetched at once: a year of them is fast


def answers_by_author_between(since: Any, until: Any, category_id: int | None = None) -> dict[int, int]:
    """author id → the number of answers published in [since, until) and still published."""
    stmt = (sa.select(Answer.author_id, sa.func.count())
            .where(Answer.published_at >= since, Answer.published_at < until,
                   Answer.status.in_(REPORTED_STATUSES))
            .group_by(Answer.author_id))
    if category_id is not None:
        stmt = stmt.join(Question, Question.id == Answer.question_id).where(Question.category_id == category_id)
    return {int(author): int(n) for author, n in db.session.connection().execute(stmt).all()}


def post_threads(posts: list[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """(content type, id) → ``question_id``, ``category_id``, ``author_id``, ``published_at`` for
    questions, answers and comments (a comment's thread is its question, or its answer's question)."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    ids = {kind: [i for k, i in posts if k == kind] for kind in ("question", "answer", "comment")}
    if ids["question"]:
        for row in db.session.execute(sa.select(Question.id, Question.category_id, Question.author_id,
                                                Question.published_at).where(Question.id.in_(ids["question"]))):
            found[("question", row.id)] = {"question_id": row.id, "category_id": row.category_id,
                                           "author_id": row.author_id, "published_at": row.published_at}
    if ids["answer"]:
        for row in db.session.execute(sa.select(Answer.id, Answer.question_id, Question.category_id, Answer.author_id,
                                                Answer.published_at).join(Question, Question.id == Answer.question_id)
                                      .where(Answer.id.in_(ids["answer"]))):
            found[("answer", row.id)] = {"question_id": row.question_id, "category_id": row.category_id,
                                         "author_id": row.author_id, "published_at": row.published_at}
    if ids["comment"]:
        via_answer = sa.select(Answer.question_id).where(Answer.id == Comment.answer_id).scalar_subquery()
        thread = sa.func.coalesce(Comment.question_id, via_answer).label("question_id")
        rows = db.session.execute(sa.select(Comment.id, thread, Comment.author_id, Comment.published_at)
                                  .where(Comment.id.in_(ids["comment"]))).all()
        categories = dict(db.session.execute(sa.select(Question.id, Question.category_id).where(
            Question.id.in_([r.question_id for r in rows if r.question_id is not None]))).all()) if rows else {}
        for row in rows:
            found[("comment", row.id)] = {"question_id": row.question_id, "category_id": categories.get(row.question_id),
                                          "author_id": row.author_id, "published_at": row.published_at}
    return found


def thread_replies(question_ids: list[int], since: Any, until: Any) -> list[tuple[int, int, Any]]:
    """(question id, author id, published at) of the published answers and comments in those
    questions' threads published in [since, until)."""
    if not question_ids:
        return []
    answers = sa.select(Answer.question_id, Answer.author_id, Answer.published_at).where(
        Answer.question_id.in_(question_ids), Answer.status == ContentStatus.published,
        Answer.published_at >= since, Answer.published_at < until)
    via_answer = sa.select(Answer.question_id).where(Answer.id == Comment.answer_id).scalar_subquery()
    thread = sa.func.coalesce(Comment.question_id, via_answer)
    comments = sa.select(thread, Comment.author_id, Comment.published_at).where(
        thread.in_(question_ids), Comment.status == ContentStatus.published,
        Comment.published_at >= since, Comment.published_at < until)
    return [(int(q), int(a), at) for q, a, at in db.session.execute(sa.union_all(answers, comments))]
