"""Q&A: every state change of questions, answers, comments, votes, accepts and follows.

Public actions check the rule and then change state; none commits (docs/architecture.md). Each change is
announced as a domain event (forum/events.py) so that rewards, engagement, search and
notifications follow without this part importing them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from forum import db
from forum.accounts.queries import active_member_refusal, can, is_signed_in, require, require_active_member
from forum.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation, refuse
from forum.events import DomainEvent, announce
from forum.moderation import queries as moderation_queries
from forum.qa import rules
from forum.qa.models import Answer, Category, Comment, ContentStatus, Follow, PostType, Question, Tag, Vote
from forum.qa.queries import access_category, votes_in_window
from forum.qa.rendering import render_markdown
from forum.rewards.queries import has_privilege, privilege_refusal
from forum.rewards.rules import privilege_thresholds

# The refusals' words, remembered per language: a question page asks the predicates of every kind of
# post it shows, and each refusal's sentence is the same for every post, viewer and request of a
# language; Flask-Babel's gettext finds the domain, the locale and the catalogue anew at each call
# (about 30 µs; six or seven refusals on a member's page). Keyed by the locale Flask-Babel settled for
# the context (kept on g, as forum.web's template gettext reads it), the string and its values; the
# catalogues do not change while the app runs. Bounded like forum.web's memos.
_SAID: dict[tuple[Any, ...], str] = {}
_SAID_SIZE = 10_000


def _(string: str, **variables: Any) -> str:
    """flask_babel.gettext, remembered (see _SAID)."""
    from flask.globals import _cv_app

    ctx = _cv_app.get(None)
    babel_ns = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    locale = getattr(babel_ns, "babel_locale", None)
    if locale is None:
        return gettext(string, **variables)
    try:
        key = (locale, string, *sorted(variables.items()))
        found = _SAID.get(key)
    except TypeError:  # a value that cannot be a key
        return gettext(string, **variables)
    if found is None:
        if len(_SAID) >= _SAID_SIZE:
            _SAID.clear()
        found = _SAID[key] = gettext(string, **variables)
    return found

UNSET: Any = object()


# ----------------------------------------------------------------------------- validation

def _clean_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise RuleViolation(_("The title must not be blank."), code="invalid", field="title")
    title = " ".join(title.split())
    if len(title) < rules.TITLE_MIN:
        raise RuleViolation(_("The title needs at least %(n)s characters.", n=rules.TITLE_MIN),
                            code="invalid", field="title")
    if len(title) > rules.TITLE_MAX:
        raise RuleViolation(_("The title may have at most %(n)s characters.", n=rules.TITLE_MAX),
                            code="invalid", field="title")
    return title


def _clean_body(body: Any, field: str = "body", maximum: int = rules.BODY_MAX) -> str:
    if not isinstance(body, str) or not body.strip():
        raise RuleViolation(_("The text must not be blank."), code="invalid", field=field)
    if len(body) > maximum:
        raise RuleViolation(_("The text may have at most %(n)s characters.", n=maximum), code="invalid", field=field)
    return body.strip()


def _resolve_tags(names: Any, user: Any = None) -> list[Tag]:
    """Existing tags are free; creating a new one needs the `create_tags` privilege (rewards)."""
    if names is None:
        return []
    if isinstance(names, str):
        names = [n for n in re.split(r"[,\s]+", names) if n]
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise RuleViolation(_("Tags must be a list of words."), code="invalid", field="tags")
    cleaned: list[str] = []
    for name in names:
        name = name.strip().lower().lstrip("#")
        if not name:
            continue
        if not re.match(rules.TAG_PATTERN, name):
            raise RuleViolation(_("“%(name)s” is not a valid tag: use letters, digits and - + . # _ (up to 30).",
                                  name=name),
                                code="invalid", field="tags")
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > rules.MAX_TAGS:
        raise RuleViolation(_("At most %(n)s tags.", n=rules.MAX_TAGS), code="invalid", field="tags")
    existing = {t.name: t for t in db.session.scalars(sa.select(Tag).where(Tag.name.in_(cleaned)))} if cleaned else {}
    tags = []
    for name in cleaned:
        tag = existing.get(name)
        if tag is None:
            lacking = privilege_refusal(user, rules.CREATE_TAG_PRIVILEGE) if user is not None else None
            if lacking is not None:  # said beside the tags field, naming the tag that does not exist yet
                raise Forbidden(_("“%(name)s” is a new tag. %(reason)s", name=name, reason=lacking.message),
                                code=lacking.code, field="tags")
            tag = _create_tag(name)
        tags.append(tag)
    return tags


def _create_tag(name: str) -> Tag:
    """A new tag, created inside a savepoint so a concurrent creator's tag is reused."""
    try:
        with db.session.begin_nested():
            tag = Tag(name=name)
            db.session.add(tag)
            db.session.flush()
        return tag
    except IntegrityError:
        return db.session.scalars(sa.select(Tag).where(Tag.name == name)).one()


def _resolve_category(author: Any, category_id: Any) -> Category | None:
    if category_id is None:
        return None
    if isinstance(category_id, bool) or not isinstance(category_id, int):
        raise RuleViolation(_("The category must be a category id."), code="invalid", field="category")
    try:
        return access_category(category_id, author)
    except NotFound:
        raise RuleViolation(_("No such category."), code="unknown_category", field="category") from None


# ----------------------------------------------------------------------------- who may do what
#
# One rule per action (docs/rules.md: Privileges; roles in accounts.rules.PERMISSIONS): each public
# action below enforces its `*_refusal` function, and pages show a control exactly when the
# matching `may_*` predicate holds. A refusal is the error the action would raise (403 naming what
# would allow it, or 422 for the post's state), in the order the action checks; None allows.
#
# Every predicate takes a member or a `Viewer` (the member with what is the same for every post
# worked out once): an action passes the member, a page that asks about many posts passes one
# Viewer to every predicate (`controls_for`), and both run the same rule.

class Viewer:
    """A member (or a visitor) as the predicates ask about them: signed in or not, their active
    standing (suspension), roles (accounts.queries.can), privileges by points (rewards.queries) and
    the words of each refusal, each worked out once and remembered. One per request and member; it
    holds nothing a post decides."""

    __slots__ = ("user", "id", "signed_in", "_memo")

    def __init__(self, user: Any) -> None:
        unwrap = getattr(user, "_get_current_object", None)  # flask_login's current_user proxy
        self.user = unwrap() if unwrap is not None else user
        self.signed_in = is_signed_in(self.user)
        self.id = self.user.id if self.signed_in else None
        self._memo: dict[Any, Any] = {}

    def once(self, key: Any, make: Any) -> Any:
        """``make()`` the first time ``key`` is asked, the remembered value after."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def active_refusal(self) -> DomainError | None:
        """accounts.queries.active_member_refusal: signed in and not suspended."""
        return self.once("active", lambda: active_member_refusal(self.user))

    def can(self, permission: Any) -> bool:
        return self.once(("can", permission), lambda: can(self.user, permission))

    def has_privilege(self, name: Any) -> bool:
        return self.once(("has", name), lambda: has_privilege(self.user, name))

    def privilege_refusal(self, name: Any) -> DomainError | None:
        return self.once(("lacks", name), lambda: privilege_refusal(self.user, name))


def viewer_of(user: Any) -> Viewer:
    """``user`` as a Viewer (itself when it is one already)."""
    return user if type(user) is Viewer else Viewer(user)


def _kind(post: Question | Answer) -> str:
    return str(post.post_type)  # an Answer, or a page's AnswerRow (qa.queries.thread(rows=True))


def edit_refusal(user: Any, post: Question | Answer) -> DomainError | None:
    """The author, a moderator, or a member with the `edit_others` privilege may edit a post that
    is not deleted."""
    v = viewer_of(user)
    if not v.signed_in:
        return v.once("not_signed_in", lambda: Forbidden(_("Sign in to do this."), code="not_signed_in"))
    if not (post.author_id == v.id or v.can(rules.EDIT_ANY_PERMISSION)
            or v.has_privilege(rules.EDIT_ANY_PRIVILEGE)):
        if _kind(post) == "question":
            return v.once("edit_question", lambda: Forbidden(_(
                "Only the author, a moderator or a member with %(points)s points may edit this question.",
                points=privilege_thresholds()[rules.EDIT_ANY_PRIVILEGE])))
        return v.once("edit_answer", lambda: Forbidden(_(
            "Only the author, a moderator or a member with %(points)s points may edit this answer.",
            points=privilege_thresholds()[rules.EDIT_ANY_PRIVILEGE])))
    suspended = v.active_refusal()
    if suspended is not None:
        return suspended
    if post.status == ContentStatus.deleted:
        if _kind(post) == "question":
            return v.once("edit_deleted_question",
                          lambda: RuleViolation(_("A deleted question cannot be edited."), code="deleted"))
        return v.once("edit_deleted_answer",
                      lambda: RuleViolation(_("A deleted answer cannot be edited."), code="deleted"))
    return None


def may_edit(user: Any, post: Question | Answer) -> bool:
    """Whether `user` may edit `post` (edit_question / edit_answer): the rule of `edit_refusal`."""
    return edit_refusal(user, post) is None


def delete_refusal(user: Any, post: Question | Answer) -> DomainError | None:
    """The author or a moderator may delete a post (soft deletion; deleting again changes nothing)."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if post.author_id != v.id and not v.can(rules.DELETE_ANY_PERMISSION):
        if _kind(post) == "question":
            return v.once("delete_question",
                          lambda: Forbidden(_("Only the author or a moderator may delete this question.")))
        return v.once("delete_answer", lambda: Forbidden(_("Only the author or a moderator may delete this answer.")))
    return None


def may_delete(user: Any, post: Question | Answer) -> bool:
    """Whether `user` may delete `post` (delete_question / delete_answer)."""
    return delete_refusal(user, post) is None


def comment_refusal(user: Any, parent: Question | Answer) -> DomainError | None:
    """Any active member may comment on their own post or on an answer to their question; on
    others' posts it needs the `comment` privilege; only published posts take comments."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    own_thread = parent.author_id == v.id or (
        parent.post_type == PostType.answer and parent.question.author_id == v.id)
    if not own_thread:
        lacking = v.privilege_refusal(rules.COMMENT_PRIVILEGE)
        if lacking is not None:
            return lacking
    if parent.status != ContentStatus.published:
        return v.once("comment_unpublished", lambda: RuleViolation(_("Only a published post can be commented on."),
                                                                   code="not_published"))
    return None


def may_comment(user: Any, parent: Question | Answer) -> bool:
    """Whether `user` may comment on `parent` (post_comment)."""
    return comment_refusal(user, parent) is None


def vote_refusal(user: Any, post: Question | Answer, value: Any) -> DomainError | None:
    """Up-voting and down-voting need their privileges (withdrawing needs none); only published
    posts, never your own (docs/rules.md: Points)."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if isinstance(value, bool) or value not in rules.VOTE_VALUES:
        return RuleViolation(_("The vote value must be 1, -1 or 0."), code="invalid", field="value")
    if value:
        lacking = v.privilege_refusal(rules.VOTE_PRIVILEGES[value])
        if lacking is not None:
            return lacking
    if post.status != ContentStatus.published:
        return v.once("vote_unpublished", lambda: RuleViolation(_("Only published posts can be voted on."),
                                                                code="not_published"))
    if post.author_id == v.id:
        return v.once("vote_own", lambda: RuleViolation(_("You cannot vote on your own post."), code="own_post"))
    return None


def may_vote(user: Any, post: Question | Answer, value: int) -> bool:
    """Whether `user` may cast `value` (1, -1 or 0) on `post` (cast_vote)."""
    return vote_refusal(user, post, value) is None


def accept_refusal(user: Any, answer: Answer) -> DomainError | None:
    """Only the asker accepts (or unaccepts) an answer, and only a published one."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if answer.question.author_id != v.id:
        return v.once("accept_not_asker",
                      lambda: Forbidden(_("Only the person who asked the question can accept an answer.")))
    if answer.status != ContentStatus.published:
        return v.once("accept_unpublished", lambda: RuleViolation(_("Only a published answer can be accepted."),
                                                                  code="not_published"))
    return None


def may_accept(user: Any, answer: Answer) -> bool:
    """Whether `user` may accept `answer`, or take the mark back (accept_answer / unaccept_answer)."""
    return accept_refusal(user, answer) is None


def official_refusal(user: Any) -> DomainError | None:
    """Staff (moderator, product, cs, admin: rules.MARK_OFFICIAL_PERMISSION) mark official answers."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if not v.can(rules.MARK_OFFICIAL_PERMISSION):
        return v.once("official", lambda: Forbidden(
            _("Only staff (moderator, product, cs or admin) can mark an official answer.")))
    return None


def may_mark_official(user: Any) -> bool:
    """Whether `user` may mark (or unmark) an answer as the official one (mark_official)."""
    return official_refusal(user) is None


def unaccept_refusal(user: Any, answer: Answer) -> DomainError | None:
    """Only the asker takes the accepted mark back."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if answer.question.author_id != v.id:
        return v.once("unaccept_not_asker",
                      lambda: Forbidden(_("Only the person who asked the question can change the accepted answer.")))
    return None


def may_unaccept(user: Any, answer: Answer) -> bool:
    """Whether `user` may take the accepted mark back from `answer` (unaccept_answer)."""
    return unaccept_refusal(user, answer) is None


def follow_refusal(user: Any) -> DomainError | None:
    """Every active member may follow (and unfollow) a question they can see."""
    return viewer_of(user).active_refusal()


def may_follow(user: Any) -> bool:
    """Whether `user` may follow or unfollow a question (follow_question)."""
    return follow_refusal(user) is None


def may_manage_categories(user: Any) -> bool:
    """Admins manage categories (rules.MANAGE_CATEGORIES_PERMISSION; create_category / update_category)."""
    return viewer_of(user).can(rules.MANAGE_CATEGORIES_PERMISSION)


class PostControls(NamedTuple):
    """What one viewer may do with one post of a question page, as its predicates answer: whether
    they may edit, delete, accept (or unaccept: the accepted answer) and mark official (answers);
    and for the vote buttons and the comment form, the refusal (None: allowed), whose words a page
    shows beside a disabled control."""

    edit: bool
    delete: bool
    vote_up: DomainError | None
    vote_down: DomainError | None
    comment: DomainError | None
    accept: bool = False
    official: bool = False


class _SomeoneElse:
    """The author id of a post that is not the viewer's, as ``_PostFacts`` shows it: equal to no id."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "<someone else>"


_SOMEONE_ELSE = _SomeoneElse()


class _QuestionFacts:
    __slots__ = ("author_id",)

    def __init__(self, author_id: Any) -> None:
        self.author_id = author_id


class _PostFacts:
    """What the predicates above read of a post, and nothing else: its type, status, whether the
    viewer wrote it (``author_id`` is the viewer's id, or equal to no id) and, for an answer,
    whether the viewer asked its question (``question.author_id`` likewise). Reading any other
    attribute raises, so a predicate that starts to read more of a post fails loudly instead of
    being answered for a post it was not asked about (``controls_for``)."""

    __slots__ = ("post_type", "status", "author_id", "question")

    def __init__(self, post_type: Any, status: Any, author_id: Any, question: Any) -> None:
        self.post_type, self.status, self.author_id = post_type, status, author_id
        if question is not None:
            self.question = question


def controls_for(user: Any, question: Question, answers: list[Answer],
                 votes: dict[tuple[str, int], int]) -> dict[tuple[str, int], PostControls]:
    """The controls of a question page, post by post: (post type, id) → PostControls for the
    question and each answer, every value the answer of the action's own predicate above
    (`edit_refusal`, `delete_refusal`, `vote_refusal`, `comment_refusal`, `accept_refusal` or
    `unaccept_refusal` for the accepted answer, `official_refusal`), asked with one Viewer so what
    is the same for every post is worked out once. A vote button casts its vote, or withdraws it
    (0) when it is the viewer's vote already (`votes`: the viewer's, as qa.queries.my_votes). No
    statement beyond what the posts already loaded.

    The predicates read of a post only its type, its status, whether the viewer wrote it and whether
    they asked its question (``_PostFacts``, which holds nothing else); with the viewer's vote and
    whether it is the accepted answer, that decides every control. So the predicates are asked once
    per distinct combination on the page (a 50-answer page has a handful), with the facts alone,
    and posts that share one get the same PostControls."""
    v = viewer_of(user)
    official = may_mark_official(v)
    me = v.id
    accepted_id = question.accepted_answer_id
    controls: dict[tuple[str, int], PostControls] = {}
    decided: dict[tuple[Any, ...], PostControls] = {}
    for post in (question, *answers):
        kind = _kind(post)
        post_id = post.id
        mine = votes.get((kind, post_id), 0)
        status = post.status
        wrote = post.author_id == me
        if kind == "answer":
            asked = post.question.author_id == me
            accepted = accepted_id == post_id
            shape: tuple[Any, ...] = (kind, status, wrote, mine, asked, accepted)
        else:
            shape = (kind, status, wrote, mine)
        found = decided.get(shape)
        if found is None:
            facts = _PostFacts(post.post_type, status, me if wrote else _SOMEONE_ELSE,
                               _QuestionFacts(me if asked else _SOMEONE_ELSE) if kind == "answer" else None)
            up = vote_refusal(v, facts, 0 if mine == 1 else 1)
            down = vote_refusal(v, facts, 0 if mine == -1 else -1)
            if kind == "answer":
                found = PostControls(may_edit(v, facts), may_delete(v, facts), up, down, comment_refusal(v, facts),
                                     may_unaccept(v, facts) if accepted else may_accept(v, facts), official)
            else:
                found = PostControls(may_edit(v, facts), may_delete(v, facts), up, down, comment_refusal(v, facts))
            decided[shape] = found
        controls[(kind, post_id)] = found
    return controls


# ----------------------------------------------------------------------------- questions

def _gate(author: Any, category_id: int | None) -> Any:
    """The NPS gate's decision at posting time (docs/rules.md: The NPS gate): None publishes, a Hold
    (reason, mode, release_at) keeps the post `pending` until a moderator decides or release_at."""
    return moderation_queries.hold_decision(author, category_id)


_NOT_YET_DECIDED: Any = object()  # a post written before the gate decides: pending, with no release time


def _held_fields(hold: Any, now: Any) -> dict[str, Any]:
    """A new post's status fields: published now, or pending until the hold's release time."""
    if hold is None:
        return {"status": ContentStatus.published, "published_at": now, "release_at": None}
    if hold is _NOT_YET_DECIDED:
        return {"status": ContentStatus.pending, "published_at": None, "release_at": None}
    return {"status": ContentStatus.pending, "published_at": None, "release_at": hold.release_at}


def ask_question(author: Any, *, title: Any, body: Any, tags: Any = None, category_id: Any = None) -> Question:
    """Ask a question: published, or held `pending` with its release time when the NPS gate holds
    it (`_gate`; moderation queues it from `question_asked`); the asker follows it."""
    require_active_member(author)
    title = _clean_title(title)
    body = _clean_body(body)
    category = _resolve_category(author, category_id)
    tag_objects = _resolve_tags(tags, author)
    now = db.utcnow()
    question = Question(title=title, body=body, body_html=render_markdown(body), author_id=author.id,
                        author=author, category=category, created_at=now, updated_at=now, last_activity_at=now,
                        **_held_fields(_NOT_YET_DECIDED, now))
    question.tags = tag_objects
    db.session.add(question)
    db.session.flush()  # written first (as pending, so not counted): on SQLite the gate's reads then run under the write lock
    hold = _gate(author, category.id if category is not None else None)
    for name, value in _held_fields(hold, now).items():
        setattr(question, name, value)
    _follow(author.id, question.id)
    announce(db.session, DomainEvent.QUESTION_ASKED, question=question, user=author, hold=hold)
    return question


def edit_question(editor: Any, question: Question, *, title: Any = UNSET, body: Any = UNSET, tags: Any = UNSET,
                  category_id: Any = UNSET) -> Question:
    """The author, moderators and members with `edit_others` may edit (`edit_refusal`)."""
    refuse(edit_refusal(editor, question))
    if title is not UNSET:
        question.title = _clean_title(title)
    if body is not UNSET:
        question.body = _clean_body(body)
        question.body_html = render_markdown(question.body)
    if tags is not UNSET:
        question.tags = _resolve_tags(tags, editor)
    if category_id is not UNSET:
        question.category = _resolve_category(editor, category_id)
    question.updated_at = db.utcnow()
    announce(db.session, DomainEvent.QUESTION_EDITED, question=question, user=editor)
    return question


def delete_question(actor: Any, question: Question) -> Question:
    """Soft deletion by the author or a moderator (`delete_refusal`); the content stays in the database."""
    refuse(delete_refusal(actor, question))
    if question.status == ContentStatus.deleted:
        return question
    old = question.status
    question.status = ContentStatus.deleted
    announce(db.session, DomainEvent.QUESTION_DELETED, question=question, user=actor, previous_status=old)
    return question


# ----------------------------------------------------------------------------- answers

def post_answer(author: Any, question: Question, *, body: Any) -> Answer:
    """Answer a published question; the answerer follows it. Published at once (counted, followers
    told), or held `pending` by the NPS gate (`_gate`, in the question's category): then it is
    neither counted nor shown to others until it is published (`publish_held`)."""
    require_active_member(author)
    if question.status != ContentStatus.published:
        raise RuleViolation(_("Only a published question can be answered."), code="not_published")
    body = _clean_body(body)
    now = db.utcnow()
    hold = _gate(author, question.category_id)
    answer = Answer(question_id=question.id, question=question, author_id=author.id, author=author, body=body,
                    body_html=render_markdown(body), created_at=now, updated_at=now, **_held_fields(hold, now))
    db.session.add(answer)
    db.session.flush()
    if hold is None:
        _count_answer(question.id, +1)
        question.last_activity_at = now
    _follow(author.id, question.id)
    announce(db.session, DomainEvent.ANSWER_POSTED, answer=answer, question=question, user=author, hold=hold)
    return answer


def _count_answer(question_id: int, delta: int) -> None:
    db.session.execute(sa.update(Question).where(Question.id == question_id)
                       .values(answer_count=Question.answer_count + delta)
                       .execution_options(synchronize_session=False))
    question = db.session.get(Question, question_id)
    if question is not None:
        db.session.refresh(question, ["answer_count"])


def edit_answer(editor: Any, answer: Answer, *, body: Any) -> Answer:
    """The author, moderators and members with `edit_others` may edit (`edit_refusal`)."""
    refuse(edit_refusal(editor, answer))
    answer.body = _clean_body(body)
    answer.body_html = render_markdown(answer.body)
    answer.updated_at = db.utcnow()
    announce(db.session, DomainEvent.ANSWER_EDITED, answer=answer, question=answer.question, user=editor)
    return answer


def delete_answer(actor: Any, answer: Answer) -> Answer:
    """Soft deletion by the author or a moderator (`delete_refusal`); an accepted answer loses the
    mark (its accept is undone)."""
    refuse(delete_refusal(actor, answer))
    if answer.status == ContentStatus.deleted:
        return answer
    question = answer.question
    if question.accepted_answer_id == answer.id:
        _unaccept(actor, question, answer)
    old = answer.status
    answer.status = ContentStatus.deleted
    if old == ContentStatus.published:
        _count_answer(question.id, -1)
    announce(db.session, DomainEvent.ANSWER_DELETED, answer=answer, question=question, user=actor, previous_status=old)
    return answer


# ----------------------------------------------------------------------------- comments

def post_comment(author: Any, parent: Question | Answer, *, body: Any) -> Comment:
    """Comment on a published question or answer (`comment_refusal`); the post's author is told
    once it is published (at once, or when the NPS gate's hold ends: `publish_held`)."""
    refuse(comment_refusal(author, parent))
    body = _clean_body(body, maximum=rules.COMMENT_MAX)
    now = db.utcnow()
    question = parent if isinstance(parent, Question) else parent.question
    hold = _gate(author, question.category_id)
    comment = Comment(author_id=author.id, author=author, body=body, body_html=render_markdown(body),
                      created_at=now, **_held_fields(hold, now))
    if isinstance(parent, Question):
        comment.question_id = parent.id
    else:
        comment.answer_id = parent.id
    db.session.add(comment)
    db.session.flush()
    if hold is None:
        question.last_activity_at = now
    announce(db.session, DomainEvent.COMMENT_POSTED, comment=comment, parent=parent, question=question, user=author,
             hold=hold)
    return comment


# ----------------------------------------------------------------------------- held content
#
# docs/rules.md, "The NPS gate": the moderation part decides held posts and announces its decision
# (held_content_approved / held_content_rejected, received in forum/qa/subscribers.py); Q&A
# publishes or rejects its own rows. Rejected posts are kept: their author sees them with the
# reason, may edit them and resubmit them (`resubmit_post`), or appeal once (moderation).

HELD_MODELS: dict[str, Any] = {"question": Question, "answer": Answer, "comment": Comment}


def held_post(content_type: str, content_id: int) -> Question | Answer | Comment | None:
    """The question, answer or comment a queue item names (None for another content type)."""
    model = HELD_MODELS.get(str(content_type))
    return db.session.get(model, content_id) if model is not None else None


def post_excerpt(post: Question | Answer | Comment) -> str:
    """The text moderators and customer success read: a question's title and body, else the body."""
    return f"{post.title} — {post.body}" if isinstance(post, Question) else post.body


def publish_held(content_type: str, content_id: int, actor: Any = None) -> Question | Answer | Comment | None:
    """A held post (`pending`), or a rejected one whose appeal was upheld, is published: status
    `published`, no release time, `published_at` now (times such as the time to first answer are
    measured from publication); an answer counts from now and its followers are told
    (subscribers). Announced as question_published / answer_published / comment_published.
    Content hidden by flags comes back as it was; anything else (published, deleted) is left alone.
    `actor` is the moderator, or None when the hold time ended."""
    post = held_post(content_type, content_id)
    if post is None:
        return None
    if post.status == ContentStatus.hidden:
        post.status = ContentStatus.published
        if isinstance(post, Answer):  # hide_flagged_post took it out of the count
            _count_answer(post.question_id, +1)
        return post
    if post.status not in (ContentStatus.pending, ContentStatus.rejected):
        return post
    now = db.utcnow()
    post.status = ContentStatus.published
    post.release_at = None
    post.rejection_reason = None
    post.published_at = now
    if isinstance(post, Question):
        post.last_activity_at = now
        announce(db.session, DomainEvent.QUESTION_PUBLISHED, question=post, user=post.author, actor=actor)
    elif isinstance(post, Answer):
        question = post.question
        _count_answer(question.id, +1)
        question.last_activity_at = now
        announce(db.session, DomainEvent.ANSWER_PUBLISHED, answer=post, question=question, user=post.author,
                 actor=actor)
    else:
        parent: Question | Answer | None = (db.session.get(Question, post.question_id) if post.question_id is not None
                                            else db.session.get(Answer, post.answer_id))
        if parent is not None:
            question = parent if isinstance(parent, Question) else parent.question
            question.last_activity_at = now
            announce(db.session, DomainEvent.COMMENT_PUBLISHED, comment=post, parent=parent, question=question,
                     user=post.author, actor=actor)
    return post


def reject_held(content_type: str, content_id: int, reason: str) -> Question | Answer | Comment | None:
    """A moderator rejected held (or flag-hidden) content with a reason from the fixed list: it is
    kept, `rejected`, with its `rejection_reason`, seen only by its author and moderators."""
    post = held_post(content_type, content_id)
    if post is None or post.status not in (ContentStatus.pending, ContentStatus.rejected, ContentStatus.hidden):
        return post
    post.status = ContentStatus.rejected
    post.rejection_reason = reason
    post.release_at = None
    return post


def hide_flagged_post(content_type: str, content_id: int) -> Question | Answer | Comment | None:
    """Flags from the community hid a published post until a moderator decides (docs/rules.md, "The
    NPS gate"; moderation announces content_hidden_by_flags): `hidden`, seen only by its author and
    moderators, and a hidden answer leaves its question's answer count until it is published again
    (`publish_held`) — a rejection keeps it out. Anything not published is left alone."""
    model = {"question": Question, "answer": Answer, "comment": Comment}.get(str(content_type))
    post = db.session.get(model, content_id) if model is not None else None
    if post is None or post.status != ContentStatus.published:
        return post
    post.status = ContentStatus.hidden
    if isinstance(post, Answer):
        _count_answer(post.question_id, -1)
    return post


def resubmit_refusal(user: Any, post: Question | Answer | Comment) -> DomainError | None:
    """Only the author resubmits, and only rejected content (after editing it, or as it is)."""
    v = viewer_of(user)
    inactive = v.active_refusal()
    if inactive is not None:
        return inactive
    if post.author_id != v.id:
        return v.once("resubmit_not_author", lambda: Forbidden(_("Only the author can resubmit this.")))
    if post.status != ContentStatus.rejected:
        return v.once("resubmit_not_rejected", lambda: RuleViolation(_("Only rejected content can be resubmitted."),
                                                                     code="not_rejected"))
    return None


def may_resubmit(user: Any, post: Question | Answer | Comment) -> bool:
    """Whether `user` may resubmit `post` for review (resubmit_post): the page's button."""
    return resubmit_refusal(user, post) is None


def resubmit_post(author: Any, post: Question | Answer | Comment) -> Question | Answer | Comment:
    """The author sends rejected content back for review (`resubmit_refusal`): `pending` again,
    without a release time (a resubmission waits for a moderator), announced as post_resubmitted
    so that moderation queues it."""
    refuse(resubmit_refusal(author, post))
    post.status = ContentStatus.pending
    post.release_at = None
    post.rejection_reason = None
    kind = "question" if isinstance(post, Question) else "answer" if isinstance(post, Answer) else "comment"
    announce(db.session, DomainEvent.POST_RESUBMITTED, content_type=kind, content_id=post.id, user=author,
             excerpt=post_excerpt(post))
    return post


# ----------------------------------------------------------------------------- votes

def cast_vote(voter: Any, post: Question | Answer, value: Any) -> tuple[int, int]:
    """Up (1), down (-1) or withdraw (0) a vote; returns (score, my_vote).

    One vote per member per post (a unique constraint); changing a vote is a withdrawal followed
    by a new vote; repeating the vote in effect changes nothing; the score is updated atomically
    in SQL. Who may vote is `vote_refusal` (docs/rules.md: Points, Privileges).
    """
    refuse(vote_refusal(voter, post, value))
    existing = db.session.scalar(_vote_lookup(voter, post).with_for_update())
    if existing is not None and existing.value == value:
        return _score(post), value
    if existing is None and value == 0:
        return _score(post), 0
    if existing is not None:
        _withdraw_vote(voter, post, existing)
    if value != 0:
        _add_vote(voter, post, value)
    return _score(post), value


def _vote_lookup(voter: Any, post: Question | Answer) -> sa.Select[Any]:
    return sa.select(Vote).where(Vote.user_id == voter.id, Vote.post_type == post.post_type, Vote.post_id == post.id)


def _question_id_of(post: Question | Answer) -> int:
    return post.id if isinstance(post, Question) else post.question_id


def _add_vote(voter: Any, post: Question | Answer, value: int) -> None:
    vote = Vote(user_id=voter.id, post_type=post.post_type, post_id=post.id, post_author_id=post.author_id,
                value=value, created_at=db.utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(vote)
            db.session.flush()
    except IntegrityError:
        return  # a concurrent identical request won: its vote stands, the call is already in effect
    _change_score(post, value)
    announce(db.session, DomainEvent.VOTE_CAST, vote_id=vote.id, voter=voter, post_type=str(post.post_type), post_id=post.id,
             post_author_id=post.author_id, value=value, question_id=_question_id_of(post))


def _withdraw_vote(voter: Any, post: Question | Answer, vote: Vote) -> None:
    deleted = db.session.execute(sa.delete(Vote).where(Vote.id == vote.id)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.expunge(vote)
    if not deleted:
        return
    _change_score(post, -vote.value)
    announce(db.session, DomainEvent.VOTE_WITHDRAWN, vote_id=vote.id, voter=voter, post_type=str(post.post_type),
             post_id=post.id, post_author_id=post.author_id, value=vote.value, question_id=_question_id_of(post))


def _change_score(post: Question | Answer, delta: int) -> None:
    model = type(post)
    db.session.execute(sa.update(model).where(model.id == post.id).values(score=model.score + delta)
                       .execution_options(synchronize_session=False))
    db.session.refresh(post, ["score"])


def _score(post: Question | Answer) -> int:
    db.session.refresh(post, ["score"])
    return post.score


def remove_serial_votes(voter_id: int, post_author_id: int, since: Any, until: Any) -> int:
    """Serial voting (docs/rules.md: Points, found by rewards): remove every vote of the voter on the
    member's posts in the window, each withdrawn as its voter would (`vote_withdrawn`, on which
    the ledger compensates it). Returns the number removed."""
    from forum.accounts.models import User

    voter = db.session.get(User, voter_id)
    votes = list(db.session.scalars(sa.select(Vote).where(
        votes_in_window(since, until), Vote.user_id == voter_id, Vote.post_author_id == post_author_id)
        .order_by(Vote.id)))
    removed = 0
    for vote in votes:
        model = Question if vote.post_type == PostType.question else Answer
        post = db.session.get(model, vote.post_id)
        if post is None or voter is None:
            continue
        _withdraw_vote(voter, post, vote)
        removed += 1
    return removed


# ----------------------------------------------------------------------------- accepts and marks

def accept_answer(actor: Any, answer: Answer) -> Question:
    """The asker accepts an answer (`accept_refusal`); accepting another moves the mark (the first
    accept is undone)."""
    refuse(accept_refusal(actor, answer))
    question = answer.question
    if question.accepted_answer_id == answer.id:
        return question
    if question.accepted_answer_id is not None:
        previous = db.session.get(Answer, question.accepted_answer_id)
        if previous is not None:
            _unaccept(actor, question, previous)
    question.accepted_answer_id = answer.id
    question.last_activity_at = db.utcnow()
    announce(db.session, DomainEvent.ANSWER_ACCEPTED, answer=answer, question=question, user=actor)
    return question


def unaccept_answer(actor: Any, answer: Answer) -> Question:
    """The asker takes the accepted mark back (`unaccept_refusal`)."""
    refuse(unaccept_refusal(actor, answer))
    question = answer.question
    if question.accepted_answer_id == answer.id:
        _unaccept(actor, question, answer)
    return question


def _unaccept(actor: Any, question: Question, answer: Answer) -> None:
    question.accepted_answer_id = None
    announce(db.session, DomainEvent.ANSWER_UNACCEPTED, answer=answer, question=question, user=actor)


def mark_official(actor: Any, answer: Answer, official: bool) -> Answer:
    """Staff (moderator, product, cs, admin: `official_refusal`) mark an answer as the official one,
    apart from accepts."""
    refuse(official_refusal(actor))
    if answer.official == official:
        return answer
    answer.official = official
    answer.official_by_id = actor.id if official else None
    if official:
        announce(db.session, DomainEvent.ANSWER_MARKED_OFFICIAL, answer=answer, question=answer.question, user=actor)
    return answer


# ----------------------------------------------------------------------------- follows and views

def record_view(question_id: int, viewer: Any = None) -> None:
    """Count a page view without writing to the database: buffered with the viewer (none when
    anonymous) and their organization, flushed by `forum tick` (`flush_view_counts`)."""
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    view_buffer().add(question_id, getattr(viewer, "id", None) if signed_in else None,
                      getattr(viewer, "organization_id", None) if signed_in else None,
                      db.utcnow().replace(tzinfo=dt.UTC).timestamp())


def flush_view_counts() -> int:
    """Add the buffered views to the questions' counters and announce them, with each question's
    category, as `question_views_flushed` (engagement logs one `view_question` event per view, in
    bulk); returns how many views were applied. Views of questions that no longer exist are dropped."""
    views = view_buffer().drain_views()
    if not views:
        return 0
    counts: dict[int, int] = {}
    for view in views:
        counts[view.question_id] = counts.get(view.question_id, 0) + 1
    categories = dict(db.session.execute(sa.select(Question.id, Question.category_id)
                                         .where(Question.id.in_(list(counts)))).all())
    for question_id, n in counts.items():
        if question_id in categories:
            db.session.execute(sa.update(Question).where(Question.id == question_id)
                               .values(view_count=Question.view_count + n).execution_options(synchronize_session=False))
    kept = [{"question_id": v.question_id, "category_id": categories[v.question_id], "user_id": v.user_id,
             "organization_id": v.organization_id,
             "at": dt.datetime.fromtimestamp(v.at, dt.UTC).replace(tzinfo=None)}
            for v in views if v.question_id in categories]
    if kept:
        announce(db.session, DomainEvent.QUESTION_VIEWS_FLUSHED, views=kept)
    return len(kept)


def add_view_counts(counts: dict[int, int]) -> int:
    """Add views already logged as engagement events (the demo's generated history) to the questions'
    counters, without announcing them again; returns how many views were added."""
    added = 0
    for question_id, n in sorted(counts.items()):
        if n > 0:
            added += db.session.execute(sa.update(Question).where(Question.id == question_id)
                                        .values(view_count=Question.view_count + n)
                                        .execution_options(synchronize_session=False)).rowcount * n
    return added


def view_buffer() -> Any:
    from flask import current_app

    from forum.qa.viewbuffer import FileViewBuffer, RedisViewBuffer

    if current_app.config.get("REDIS_URL"):
        return RedisViewBuffer(current_app.config["REDIS_URL"])
    return FileViewBuffer(current_app.config["VIEW_BUFFER_DIR"], current_app.config["DATABASE_URL"])


def follow_question(user: Any, question: Question, following: bool) -> bool:
    """Follow or unfollow a question (`follow_refusal`); returns whether the member follows it."""
    refuse(follow_refusal(user))
    if following:
        _follow(user.id, question.id)
    else:
        db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id, Follow.question_id == question.id))
    return following


def _follow(user_id: int, question_id: int) -> None:
    exists = db.session.scalar(sa.select(Follow.id).where(Follow.user_id == user_id, Follow.question_id == question_id))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(Follow(user_id=user_id, question_id=question_id, created_at=db.utcnow()))
                db.session.flush()
        except IntegrityError:
            pass


# ----------------------------------------------------------------------------- categories

CATEGORY_SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$"


def _clean_category(name: Any, slug: Any, description: Any, position: Any) -> tuple[str, str, str, int]:
    if not isinstance(name, str) or not name.strip():
        raise RuleViolation(_("A category needs a name."), code="invalid", field="name")
    name = " ".join(name.split())
    if len(name) > 80:
        raise RuleViolation(_("A category name may have at most 80 characters."), code="invalid", field="name")
    if not isinstance(slug, str) or not re.match(CATEGORY_SLUG_PATTERN, slug.strip()):
        raise RuleViolation(_("The slug must be lower-case letters, digits and hyphens (up to 80)."),
                            code="invalid", field="slug")
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > 500:
        raise RuleViolation(_("The description may have at most 500 characters."), code="invalid", field="description")
    if position is None:
        position = 0
    if isinstance(position, bool) or not isinstance(position, int):
        raise RuleViolation(_("The position must be a whole number."), code="invalid", field="position")
    return name, slug.strip(), description, position


def _check_slug_free(slug: str, category_id: int | None) -> None:
    stmt = sa.select(Category.id).where(Category.slug == slug)
    if category_id is not None:
        stmt = stmt.where(Category.id != category_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict(_("A category with that slug exists."), code="category_exists", field="slug")


def create_category(actor: Any, *, name: Any, slug: Any, description: Any = "", ambassadors_only: Any = False,
                    position: Any = 0) -> Category:
    """Admins manage categories (accounts.rules.PERMISSIONS["manage_community"]); slugs are unique."""
    if actor is not None:
        require(actor, rules.MANAGE_CATEGORIES_PERMISSION)
    name, slug, description, position = _clean_category(name, slug, description, position)
    _check_slug_free(slug, None)
    category = Category(name=name, slug=slug, description=description, ambassadors_only=bool(ambassadors_only),
                        position=position, created_at=db.utcnow())
    db.session.add(category)
    db.session.flush()
    return category


def update_category(actor: Any, category: Category, *, name: Any, slug: Any, description: Any = "",
                    ambassadors_only: Any = False, position: Any = 0) -> Category:
    if actor is not None:
        require(actor, rules.MANAGE_CATEGORIES_PERMISSION)
    name, slug, description, position = _clean_category(name, slug, description, position)
    _check_slug_free(slug, category.id)
    category.name, category.slug, category.description = name, slug, description
    category.ambassadors_only, category.position = bool(ambassadors_only), position
    db.session.flush()
    return category


def forget_member_follows(user_id: int) -> None:
    """A deleted member (docs/rules.md: Personal data) follows nothing: their follows go; their posts
    and votes stay, attributed to “deleted member”."""
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user_id))
