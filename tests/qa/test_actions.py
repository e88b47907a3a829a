"""The Q&A rules (forum.qa.actions and the visibility rule of forum.qa.queries) on a real database."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from forum import db
from forum.errors import Forbidden, NotFound, RuleViolation
from forum.notifications.queries import unread_count
from forum.qa import queries
from forum.qa.actions import (accept_answer, ask_question, cast_vote, delete_answer, delete_question, edit_answer,
                              edit_question, flush_view_counts, mark_official, post_answer, post_comment,
                              record_view, unaccept_answer)
from forum.qa.models import Answer, ContentStatus, Follow, PostType, Question, Vote
from forum.qa.rendering import render_markdown
from tests.factories import answer, ask, make_category
from tests.factories import make_user as _make_user


def make_user(*args: Any, **kw: Any) -> Any:
    """A member with enough points for every privilege but editing others' posts (docs/rules.md: Privileges)."""
    kw.setdefault("points", 500)
    return _make_user(*args, **kw)


def visible_titles(viewer: Any) -> set[str]:
    return {q.title for q in db.session.scalars(queries.questions(viewer))}


def unread_kinds(user: Any) -> list[str]:
    from forum.notifications.models import Notification

    return list(db.session.scalars(sa.select(Notification.kind).where(
        Notification.user_id == user.id, Notification.read.is_(False)).order_by(Notification.id)))


def qa_kinds(user: Any) -> list[str]:
    """The user's unread Q&A notifications (other parts, e.g. badges, may add their own)."""
    return [k for k in unread_kinds(user) if k in {"answer_posted", "comment_posted", "answer_accepted"}]


def vote_sum(post: Any) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Vote.value), 0)).where(
        Vote.post_type == post.post_type, Vote.post_id == post.id))


# ----------------------------------------------------------------------------- asking

@pytest.mark.parametrize("title", ["", "   ", "Hey", None])
def test_ask_refuses_blank_or_short_titles(session, title):
    with pytest.raises(RuleViolation) as err:
        ask_question(make_user(), title=title, body="Some details")
    assert err.value.status == 422 and err.value.field == "title"


def test_ask_refuses_blank_body_and_unknown_category(session):
    user = make_user()
    with pytest.raises(RuleViolation) as err:
        ask_question(user, title="A fine title", body="  ")
    assert err.value.field == "body"
    with pytest.raises(RuleViolation) as err:
        ask_question(user, title="A fine title", body="Body", category_id=987654)
    assert err.value.code == "unknown_category"


def test_ambassadors_only_category_is_refused_to_members(session):
    secret = make_category("Early access", ambassadors_only=True)
    with pytest.raises(RuleViolation) as err:
        ask_question(make_user(), title="Beta feature question", body="Body", category_id=secret.id)
    assert err.value.code == "unknown_category"
    q = ask_question(make_user(ambassador=True), title="Beta feature question", body="Body", category_id=secret.id)
    assert q.category_id == secret.id


def test_ask_normalizes_tags_and_allows_at_most_five(session):
    user = make_user()
    q = ask_question(user, title="Tag normalization", body="Body", tags="SSO, #saml  sso,Okta")
    assert sorted(t.name for t in q.tags) == ["okta", "saml", "sso"]
    q2 = ask_question(user, title="Reusing tags", body="Body", tags=["sso"])
    assert q2.tags[0].id == next(t.id for t in q.tags if t.name == "sso")
    with pytest.raises(RuleViolation) as err:
        ask_question(user, title="Too many tags", body="Body", tags="a1 b2 c3 d4 e5 f6")
    assert err.value.field == "tags"
    with pytest.raises(RuleViolation):
        ask_question(user, title="Bad tag here", body="Body", tags="<script>")


def test_asker_follows_the_question_and_answerer_follows_too(session):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    answer(helper, q)
    assert set(queries.followers(q.id)) == {asker.id, helper.id}


# ----------------------------------------------------------------------------- markdown

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_safe(html: str) -> None:
    for tag, attrs in parsed(html):
        assert tag not in {"script", "iframe", "style", "object", "embed"}
        assert not any(name.startswith("on") for name in attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize("source", [
    "Hi <script>alert(1)</script> **bold**",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)" onclick="x()">x</a><iframe src="https://e.com"></iframe>',
    "<div onmouseover=alert(1)>hover</div>",
])
def test_markdown_output_has_no_scripts_handlers_or_script_links(source):
    html = render_markdown(source)
    assert_safe(html)


def test_markdown_keeps_formatting_and_marks_links():
    html = render_markdown("**bold** [ok](https://example.com) `code`\n\n| a |\n|---|\n| 1 |")
    tags = parsed(html)
    assert ("strong", {}) in tags and ("code", {}) in tags and any(t == "table" for t, _a in tags)
    link = next(attrs for tag, attrs in tags if tag == "a")
    assert link["href"] == "https://example.com" and "nofollow" in (link.get("rel") or "")


def test_sanitizer_strips_dangerous_html_that_reaches_it():
    """Even HTML produced by the renderer (or a future raw-HTML option) passes through nh3."""
    import nh3

    from forum.qa import rendering

    dirty = ('<p onclick="x()">t</p><script>alert(1)</script><a href="javascript:alert(1)">l</a>'
             '<img src="x" onerror="alert(1)">')
    clean = nh3.clean(dirty, tags=rendering.ALLOWED_TAGS, attributes=rendering.ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"})
    assert_safe(clean)
    assert "alert(1)" not in clean.replace("&", "")


def test_question_body_is_stored_sanitized(session):
    q = ask(make_user(), body="Look <script>steal()</script> here")
    assert "<script" not in q.body_html and q.body.startswith("Look")


# ----------------------------------------------------------------------------- votes

def test_vote_up_down_change_withdraw_repeat(session):
    author, voter = make_user(), make_user()
    q = ask(author)
    assert cast_vote(voter, q, 1) == (1, 1)
    assert cast_vote(voter, q, 1) == (1, 1)  # repeating changes nothing
    assert cast_vote(voter, q, -1) == (-1, -1)
    assert cast_vote(voter, q, 0) == (0, 0)
    assert cast_vote(voter, q, 0) == (0, 0)
    assert cast_vote(voter, q, 1) == (1, 1)
    assert q.score == vote_sum(q) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1


def test_vote_value_must_be_one_minus_one_or_zero(session):
    q = ask(make_user())
    for bad in (2, True, "1", None):
        with pytest.raises(RuleViolation):
            cast_vote(make_user(), q, bad)


def test_self_vote_is_refused(session):
    author = make_user()
    q = ask(author)
    a = answer(author, q)
    for post in (q, a):
        with pytest.raises(RuleViolation) as err:
            cast_vote(author, post, 1)
        assert err.value.code == "own_post"
    assert q.score == 0 and a.score == 0


def test_one_vote_per_member_per_post_is_enforced_by_the_database(session):
    author, voter = make_user(), make_user()
    q = ask(author)
    cast_vote(voter, q, 1)
    db.session.commit()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Vote(user_id=voter.id, post_type=PostType.question, post_id=q.id,
                                post_author_id=author.id, value=1))
            db.session.flush()


def test_votes_on_unpublished_posts_are_refused(session):
    q = ask(make_user())
    q.status = ContentStatus.pending
    with pytest.raises(RuleViolation):
        cast_vote(make_user(), q, 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([1, -1, 0]), st.booleans()), max_size=25))
def test_score_equals_sum_of_votes_after_any_sequence(session, moves):
    """Invariant: a post's score is the sum of its rows in the votes table, whatever the sequence."""
    author = make_user()
    voters = [make_user() for _ in range(4)]
    q = ask(author)
    a = answer(author, q)
    for who, value, on_answer in moves:
        post = a if on_answer else q
        cast_vote(voters[who], post, value)
        assert post.score == vote_sum(post)
    db.session.expire_all()
    for post in (db.session.get(Question, q.id), db.session.get(Answer, a.id)):
        assert post.score == vote_sum(post)
    db.session.rollback()


# ----------------------------------------------------------------------------- accepts and official marks

def test_only_the_asker_accepts_and_accepting_moves_the_mark(session):
    asker, h1, h2 = make_user(), make_user(), make_user()
    q = ask(asker)
    a1, a2 = answer(h1, q), answer(h2, q)
    with pytest.raises(Forbidden):
        accept_answer(h1, a1)
    accept_answer(asker, a1)
    assert q.accepted_answer_id == a1.id
    accept_answer(asker, a2)
    assert q.accepted_answer_id == a2.id
    with pytest.raises(Forbidden):
        unaccept_answer(h2, a2)
    unaccept_answer(asker, a2)
    assert q.accepted_answer_id is None


def test_deleting_the_accepted_answer_clears_the_mark(session):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q)
    accept_answer(asker, a)
    delete_answer(helper, a)
    assert q.accepted_answer_id is None and q.answer_count == 0
    assert a.status == ContentStatus.deleted
    assert db.session.get(Answer, a.id) is not None  # soft deletion keeps the row


def test_official_mark_is_for_staff_only(session):
    asker, helper, moderator, cs = make_user(), make_user(), make_user(roles=("moderator",)), make_user(roles=("cs",))
    q = ask(asker)
    a = answer(helper, q)
    for outsider in (asker, helper, make_user(ambassador=True)):
        with pytest.raises(Forbidden):
            mark_official(outsider, a, True)
    mark_official(cs, a, True)
    assert a.official and a.official_by_id == cs.id
    mark_official(moderator, a, False)
    assert not a.official and a.official_by_id is None


# ----------------------------------------------------------------------------- edits and deletions

def test_edit_permissions(session):
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    q = ask(author)
    a = answer(author, q)
    edit_question(author, q, title="The author's better title")
    edit_question(moderator, q, body="A moderator's cleanup <script>x</script>")
    assert q.title == "The author's better title" and "<script" not in q.body_html
    edit_answer(moderator, a, body="Fixed typo")
    with pytest.raises(Forbidden):
        edit_question(other, q, title="Somebody else's title")
    with pytest.raises(Forbidden):
        edit_answer(other, a, body="Vandalism")
    with pytest.raises(Forbidden):
        delete_question(other, q)
    with pytest.raises(Forbidden):
        delete_answer(other, a)
    assert q.title == "The author's better title" and a.body == "Fixed typo"


def test_soft_deleted_question_disappears_from_lists_and_lookups(session):
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    q = ask(author, title="Soon deleted question")
    delete_question(author, q)
    assert q.status == ContentStatus.deleted
    for viewer in (None, author, other):
        assert "Soon deleted question" not in visible_titles(viewer)
        with pytest.raises(NotFound):
            queries.access_question(viewer, q.id)
    assert "Soon deleted question" in visible_titles(moderator)
    with pytest.raises(RuleViolation):
        edit_question(author, q, title="Editing a deleted question")


# ----------------------------------------------------------------------------- visibility

def test_visibility_rule(session):
    author, other, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    ambassador, staff = make_user(ambassador=True), make_user(roles=("product",))
    published = ask(author, title="Published question")
    pending = ask(author, title="Pending question")
    pending.status = ContentStatus.pending
    hidden = ask(other, title="Hidden question")
    hidden.status = ContentStatus.hidden
    secret_cat = make_category("Private feedback", ambassadors_only=True)
    secret = ask(ambassador, title="Ambassador question", category_id=secret_cat.id)
    db.session.flush()

    assert visible_titles(None) == {"Published question"}
    assert visible_titles(other) == {"Published question", "Hidden question"}  # own hidden post
    assert visible_titles(author) == {"Published question", "Pending question"}
    assert visible_titles(moderator) == {"Published question", "Pending question", "Hidden question",
                                         "Ambassador question"}
    assert visible_titles(ambassador) == {"Published question", "Ambassador question"}
    assert "Ambassador question" in visible_titles(staff)

    with pytest.raises(NotFound):
        queries.access_question(other, pending.id)
    with pytest.raises(NotFound):
        queries.access_question(author, secret.id)
    assert queries.access_question(author, pending.id) is pending
    assert queries.access_question(moderator, hidden.id) is hidden
    _, total = queries.paginate(queries.questions(author), 1, 20)
    assert total == 2


def test_ambassadors_only_category_hidden_from_members_in_counts(session):
    ambassador = make_user(ambassador=True)
    secret_cat = make_category("Early access", ambassadors_only=True)
    ask(ambassador, title="Secret question here", tags="beta-feature", category_id=secret_cat.id)
    ask(ambassador, title="Public question here", tags="public-tag")
    names = {t.name for t, _n in queries.tags_with_counts()}
    assert "public-tag" in names and "beta-feature" not in names
    assert [c.slug for c in db.session.scalars(queries.visible_categories(make_user()))] == []
    with pytest.raises(NotFound):
        queries.category_by_slug(secret_cat.slug, make_user())
    assert queries.category_by_slug(secret_cat.slug, ambassador) is secret_cat


def test_unpublished_answers_and_comments_are_visible_to_their_authors_only(session):
    asker, helper, moderator = make_user(), make_user(), make_user(roles=("moderator",))
    q = ask(asker)
    a = answer(helper, q, body="Held answer")
    a.status = ContentStatus.pending
    c = post_comment(asker, q, body="Held comment")
    c.status = ContentStatus.pending
    db.session.flush()
    assert queries.thread(None, q)["answers"] == []
    assert queries.thread(asker, q)["question_comments"] == [c]
    assert queries.thread(helper, q)["answers"] == [a]
    assert queries.thread(helper, q)["question_comments"] == []
    assert queries.thread(moderator, q)["answers"] == [a]
    with pytest.raises(NotFound):
        queries.access_answer(asker, a.id)


# ----------------------------------------------------------------------------- notifications and views

def test_notifications_on_answer_comment_and_accept(session):
    asker, helper, follower = make_user(), make_user(), make_user()
    q = ask(asker)
    from forum.qa.actions import follow_question

    follow_question(follower, q, True)
    a = answer(helper, q)
    assert unread_count(asker) == 1 and unread_count(follower) == 1 and unread_count(helper) == 0
    post_comment(asker, a, body="Thanks!")
    assert qa_kinds(helper) == ["comment_posted"]
    post_comment(helper, a, body="My own comment")  # commenting on your own post notifies nobody new
    assert qa_kinds(helper) == ["comment_posted"]
    accept_answer(asker, a)
    assert qa_kinds(helper) == ["comment_posted", "answer_accepted"]
    follow_question(follower, q, False)
    answer(make_user(), q)
    assert qa_kinds(follower) == ["answer_posted"] and qa_kinds(asker) == ["answer_posted", "answer_posted"]
    for user in (asker, helper, follower):  # the bell's count is every unread notification (badges too)
        assert unread_count(user) == len(unread_kinds(user))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow).where(
        Follow.user_id == follower.id)) == 0


def test_view_counts_are_buffered_then_flushed(session):
    flush_view_counts()  # drain views left by earlier tests on this database
    q1, q2 = ask(make_user(), title="Viewed question one"), ask(make_user(), title="Viewed question two")
    db.session.commit()
    for _ in range(3):
        record_view(q1.id)
    record_view(q2.id)
    db.session.expire_all()
    assert db.session.get(Question, q1.id).view_count == 0  # nothing written yet
    assert flush_view_counts() == 4
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Question, q1.id).view_count == 3
    assert db.session.get(Question, q2.id).view_count == 1
    assert flush_view_counts() == 0


def test_answers_and_comments_need_a_published_parent(session):
    q = ask(make_user())
    q.status = ContentStatus.pending
    with pytest.raises(RuleViolation):
        post_answer(make_user(), q, body="Answer")
    with pytest.raises(RuleViolation):
        post_comment(make_user(), q, body="Comment")
    with pytest.raises(Forbidden):
        ask_question(None, title="Anonymous question", body="Body")
