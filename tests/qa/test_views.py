"""Q&A pages through the test client: lists, the question page, ask/answer/vote/accept flows."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from forum import db
from forum.qa.actions import accept_answer, ask_question, cast_vote, post_comment
from forum.qa.models import Answer, Comment, ContentStatus, Question, Vote
from tests.factories import answer, ask, make_category
from tests.factories import make_user as _make_user


def make_user(*args: Any, **kw: Any) -> Any:
    """A member with enough points for every privilege but editing others' posts (docs/rules.md: Privileges)."""
    kw.setdefault("points", 500)
    return _make_user(*args, **kw)


def login(client: Any, user: Any) -> None:
    """Sign `user` in; requests share the test's app context, so Flask-Login's cached user goes."""
    from flask import g

    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    g.pop("_login_user", None)


def commit_ids(*objs: Any) -> list[int]:
    db.commit()
    return [o.id for o in objs]


# ----------------------------------------------------------------------------- lists

def test_home_lists_visible_questions_with_their_facts(ctx, client):
    asker, helper = make_user("asker"), make_user("helper")
    cat = make_category("Billing")
    q = ask(asker, title="Invoice shows the wrong currency", tags="billing, invoices", category_id=cat.id)
    a = answer(helper, q)
    accept_answer(asker, a)
    pending = ask(asker, title="A question still under review")
    pending.status = ContentStatus.pending
    db.commit()

    html = client.get("/").get_data(as_text=True)
    assert "Invoice shows the wrong currency" in html
    assert "A question still under review" not in html
    assert 'class="q-stat answers accepted"' in html
    assert ">billing</a>" in html and ">invoices</a>" in html
    assert ">Billing</a>" in html
    assert "asker" in html


def test_home_empty_state(ctx, client):
    resp = client.get("/")
    assert resp.status_code == 200
    assert "No questions yet" in resp.get_data(as_text=True)


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"PER_PAGE": 2}], indirect=True)
def test_home_pagination(ctx, client):
    asker = make_user()
    for i in range(5):
        ask(asker, title=f"Question number {i}")
    db.commit()
    page1 = client.get("/").get_data(as_text=True)
    page3 = client.get("/?page=3").get_data(as_text=True)
    assert "Question number 4" in page1 and "Question number 3" in page1 and "Question number 2" not in page1
    assert "Question number 0" in page3 and "Question number 4" not in page3
    assert 'href="/?page=2"' in page1 and 'rel="next"' in page1
    assert 'rel="next"' not in page3
    assert "No more questions" in client.get("/?page=9").get_data(as_text=True)


def test_home_sorts_and_filters(ctx, client):
    asker, voter = make_user(), make_user()
    answered = ask(asker, title="Answered question here", tags="sso")
    answer(voter, answered)
    lonely = ask(asker, title="Lonely question here", tags="billing")
    cast_vote(voter, lonely, 1)
    db.commit()
    unanswered = client.get("/?sort=unanswered").get_data(as_text=True)
    assert "Lonely question here" in unanswered and "Answered question here" not in unanswered
    tagged = client.get("/?tag=sso").get_data(as_text=True)
    assert "Answered question here" in tagged and "Lonely question here" not in tagged
    by_votes = client.get("/?sort=votes").get_data(as_text=True)
    assert by_votes.index("Lonely question here") < by_votes.index("Answered question here")
    assert "Answered question here" in client.get("/tags/sso").get_data(as_text=True)
    assert client.get("/tags/nothing-here").status_code == 404


def test_tags_and_categories_pages(ctx, client):
    asker = make_user()
    cat = make_category("Single sign-on")
    secret = make_category("Early access", ambassadors_only=True)
    ask(asker, title="SAML login loops forever", tags="sso", category_id=cat.id)
    db.commit()
    tags_html = client.get("/tags").get_data(as_text=True)
    assert ">sso</a>" in tags_html and "1 question" in tags_html
    cats_html = client.get("/categories").get_data(as_text=True)
    assert "Single sign-on" in cats_html and "Early access" not in cats_html
    assert "SAML login loops forever" in client.get(f"/categories/{cat.slug}").get_data(as_text=True)
    assert client.get(f"/categories/{secret.slug}").status_code == 404
    ambassador = make_user(ambassador=True)
    db.commit()
    login(client, ambassador)
    assert client.get(f"/categories/{secret.slug}").status_code == 200


# ----------------------------------------------------------------------------- question page

def test_question_page_shows_thread_and_records_view(ctx, client, app):
    from forum.qa.actions import flush_view_counts, mark_official

    flush_view_counts()  # drain views that earlier tests on this database left in the buffer
    asker, helper, staff = make_user("asker"), make_user("helper"), make_user("staffer", roles=("cs",))
    q = ask(asker, title="How do I rotate API keys?", body="I need **help**")
    a1 = answer(helper, q, body="Community answer text")
    a2 = answer(staff, q, body="Official answer text")
    mark_official(staff, a2, True)
    accept_answer(asker, a1)
    post_comment(helper, q, body="Which plan are you on?")
    db.commit()
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "<strong>help</strong>" in html
    assert "Accepted answer" in html and "Official answer" in html
    assert "Which plan are you on?" in html
    # the accepted answer comes first, then the official answers apart, each marked
    assert html.index("Community answer text") < html.index("Official answers from") < html.index("Official answer text")
    assert flush_view_counts() == 1
    db.commit()
    db.session.refresh(q)
    assert q.view_count == 1


def _count_queries(app: Any, client: Any, url: str) -> tuple[int, str]:
    engine = app.extensions["forum.engine"]
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert resp.status_code == 200
    return len(statements), resp.get_data(as_text=True)


def _build_thread(asker: Any, n_answers: int, n_comments: int) -> Question:
    q = ask(asker, title=f"A question with {n_answers} answers")
    now = db.utcnow()
    answers = []
    for i in range(n_answers):
        author = make_user()
        a = Answer(question_id=q.id, author_id=author.id, body=f"answer {i}", body_html=f"<p>answer {i}</p>",
                   status=ContentStatus.published, created_at=now, published_at=now, updated_at=now)
        db.session.add(a)
        answers.append(a)
    db.session.flush()
    q.answer_count = n_answers
    for i in range(n_comments):
        target = answers[i % n_answers] if i % 4 else None
        author = make_user()
        db.session.add(Comment(question_id=None if target else q.id, answer_id=target.id if target else None,
                               author_id=author.id, body=f"comment {i}", body_html=f"<p>comment {i}</p>",
                               status=ContentStatus.published, created_at=now, published_at=now))
    q.accepted_answer_id = answers[-1].id
    db.session.flush()
    return q


@pytest.mark.parametrize("signed_in", [False, True])
def test_question_page_query_count(ctx, client, app, signed_in):
    """The question page's number of SQL statements does not grow with its answers and comments."""
    asker = make_user()
    small = _build_thread(asker, 1, 1)
    big = _build_thread(asker, 50, 200)
    viewer = make_user()
    small_id, big_id = commit_ids(small, big)
    if signed_in:
        login(client, viewer)
    client.get("/tags")  # the first request of a session may record a visit
    small_count, _ = _count_queries(app, client, f"/questions/{small_id}")
    big_count, html = _count_queries(app, client, f"/questions/{big_id}")
    assert html.count('class="comment"') == 200
    assert html.count("answer-card") >= 50
    assert big_count == small_count


def test_hidden_content_is_404(ctx, client):
    asker, other, mod = make_user(), make_user(), make_user(roles=("moderator",))
    q = ask(asker, title="Pending question for review")
    q.status = ContentStatus.pending
    deleted = ask(asker, title="Deleted question here")
    deleted.status = ContentStatus.deleted
    secret_cat = make_category("Private feedback", ambassadors_only=True)
    secret = ask(mod, title="Early access program", category_id=secret_cat.id)
    db.commit()
    assert client.get(f"/questions/{q.id}").status_code == 404
    assert client.get("/questions/999999").status_code == 404
    login(client, other)
    assert client.get(f"/questions/{q.id}").status_code == 404
    assert client.get(f"/questions/{deleted.id}").status_code == 404
    assert client.get(f"/questions/{secret.id}").status_code == 404
    login(client, asker)
    page = client.get(f"/questions/{q.id}")
    assert page.status_code == 200 and "Pending review" in page.get_data(as_text=True)
    assert client.get(f"/questions/{deleted.id}").status_code == 404
    login(client, mod)
    assert client.get(f"/questions/{deleted.id}").status_code == 200


# ----------------------------------------------------------------------------- flows

def test_login_required_redirects_to_sign_in(ctx, client):
    q = ask(make_user())
    db.commit()
    resp = client.get("/ask")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.post(f"/questions/{q.id}/answers", data={"body": "hello"},
                       headers={"Referer": f"http://localhost/questions/{q.id}"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert f"next=/questions/{q.id}" in resp.headers["Location"].replace("%2F", "/")
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert 'class="vote-btn up"' in html and "disabled" not in html.split('class="vote-btn up"')[1][:200]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_ask_flow_redirects_to_the_new_question(ctx, client):
    user = make_user()
    cat = make_category("Integrations")
    db.commit()
    login(client, user)
    assert client.get("/ask").status_code == 200
    resp = client.post("/ask", data={"title": "Webhook retries stop after one hour", "body": "Why?",
                                     "tags": "webhooks, API", "category": str(cat.id)})
    assert resp.status_code == 302
    q = db.session.scalar(sa.select(Question).where(Question.title == "Webhook retries stop after one hour"))
    assert resp.headers["Location"].endswith(f"/questions/{q.id}")
    assert sorted(t.name for t in q.tags) == ["api", "webhooks"] and q.category_id == cat.id
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Webhook retries stop after one hour" in page


def test_ask_rule_violation_keeps_what_was_typed(ctx, client):
    user = make_user()
    db.commit()
    login(client, user)
    resp = client.post("/ask", data={"title": "Hey", "body": "A long body I do not want to lose", "tags": "x"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "at least 5 characters" in html
    assert "A long body I do not want to lose" in html and 'value="Hey"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_answer_flow(ctx, client):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    db.commit()
    login(client, helper)
    resp = client.post(f"/questions/{q.id}/answers", data={"body": "Try *clearing* the cache."})
    new = db.session.scalar(sa.select(Answer).where(Answer.question_id == q.id))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/questions/{q.id}#answer-{new.id}")
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "<em>clearing</em>" in html
    blank = client.post(f"/questions/{q.id}/answers", data={"body": "   "})
    assert blank.status_code == 422 and "must not be blank" in blank.get_data(as_text=True)


def test_comment_flow(ctx, client):
    asker, helper = make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q)
    db.commit()
    login(client, asker)
    assert client.post(f"/answers/{a.id}/comments", data={"body": "Thanks, that worked"}).status_code == 302
    assert client.post(f"/questions/{q.id}/comments", data={"body": "Update: solved"}).status_code == 302
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "Thanks, that worked" in html and "Update: solved" in html


def test_vote_flow(ctx, client):
    asker, voter = make_user(), make_user()
    q = ask(asker)
    a = answer(asker, q)
    db.commit()
    login(client, voter)
    assert client.post(f"/questions/{q.id}/vote", data={"value": "1"}).status_code == 302
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert 'class="vote-btn up active"' in html
    resp = client.post(f"/answers/{a.id}/vote", data={"value": "-1"}, headers={"Accept": "application/json"})
    assert resp.get_json() == {"score": -1, "my_vote": -1}
    resp = client.post(f"/answers/{a.id}/vote", data={"value": "0"}, headers={"Accept": "application/json"})
    assert resp.get_json() == {"score": 0, "my_vote": 0}
    db.session.expire_all()
    assert db.session.get(Question, q.id).score == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
    login(client, asker)
    own = client.post(f"/questions/{q.id}/vote", data={"value": "1"})
    assert own.status_code == 422 and "your own post" in own.get_data(as_text=True)


def test_accept_flow(ctx, client):
    asker, helper, other = make_user(), make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q)
    db.commit()
    login(client, other)
    assert client.post(f"/answers/{a.id}/accept", data={"on": "1"}).status_code == 403
    login(client, asker)
    assert 'class="accept-btn"' in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert client.post(f"/answers/{a.id}/accept", data={"on": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, q.id).accepted_answer_id == a.id
    assert 'class="accept-btn active"' in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert client.post(f"/answers/{a.id}/accept", data={"on": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, q.id).accepted_answer_id is None


def test_edit_and_delete_permissions(ctx, client):
    author, other, mod = make_user(), make_user(), make_user(roles=("moderator",))
    q = ask(author, title="Original title here")
    db.commit()
    login(client, other)
    assert client.get(f"/questions/{q.id}/edit").status_code == 403
    assert client.post(f"/questions/{q.id}/edit", data={"title": "Hijacked title", "body": "x"}).status_code == 403
    assert client.post(f"/questions/{q.id}/delete").status_code == 403
    login(client, mod)
    resp = client.post(f"/questions/{q.id}/edit", data={"title": "Clearer title here", "body": "Body", "tags": ""})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, q.id).title == "Clearer title here"
    login(client, author)
    assert "Delete this question?" in client.get(f"/questions/{q.id}/delete").get_data(as_text=True)
    assert client.post(f"/questions/{q.id}/delete").status_code == 302
    assert client.get(f"/questions/{q.id}").status_code == 404
    assert "Clearer title here" not in client.get("/").get_data(as_text=True)


def test_admin_categories(ctx, client):
    member, admin = make_user(), make_user(roles=("admin",))
    db.commit()
    login(client, member)
    assert client.get("/admin/categories").status_code == 403
    assert client.post("/admin/categories/new", data={"name": "X", "slug": "x"}).status_code == 403
    login(client, admin)
    assert client.get("/admin/categories").status_code == 200
    resp = client.post("/admin/categories/new", data={"name": "Early access", "slug": "early-access",
                                                      "description": "Betas", "ambassadors_only": "y",
                                                      "position": "2"})
    assert resp.status_code == 302
    clash = client.post("/admin/categories/new", data={"name": "Other", "slug": "early-access", "position": "0"})
    assert clash.status_code == 422 and "slug exists" in clash.get_data(as_text=True)
    html = client.get("/admin/categories").get_data(as_text=True)
    assert "early-access" in html and "Ambassadors only" in html


def test_post_without_csrf_token_is_refused(backend, database_urls, tmp_path):
    from tests.conftest import _empty_tables, make_app

    app = make_app(database_urls[backend], tmp_path, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            user = make_user()
            q = ask_question(user, title="CSRF protected question", body="Body")
            voter = make_user()
            db.commit()
            client = app.test_client()
            login(client, voter)
            resp = client.post(f"/questions/{q.id}/vote", data={"value": "1"})
            assert resp.status_code == 400
            resp = client.post(f"/questions/{q.id}/answers", data={"body": "No token"})
            assert resp.status_code == 400
            db.session.expire_all()
            assert db.session.get(Question, q.id).score == 0
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    finally:
        _empty_tables(app.extensions["forum.engine"])
        app.extensions["forum.engine"].dispose()


def test_layout_has_csrf_meta_and_language(ctx, client):
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert '<html lang="en">' in html
    assert "中文" in html


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATE_LIMITS": {"vote": "2 per hour"}}],
                         indirect=True)
def test_votes_are_rate_limited(ctx, client):
    asker, voter = make_user(), make_user()
    questions = [ask(asker, title=f"Rate limited question {i}") for i in range(3)]
    db.commit()
    login(client, voter)
    assert client.get("/ask").status_code == 200  # GETs of form pages do not spend the budget
    codes = [client.post(f"/questions/{q.id}/vote", data={"value": "1"}).status_code for q in questions]
    assert codes == [302, 302, 429]
    db.session.expire_all()
    assert [db.session.get(Question, q.id).score for q in questions] == [1, 1, 0]


def test_home_query_count_does_not_grow_with_the_page(ctx, client, app):
    asker = make_user()
    cat = make_category("Billing")
    ask(asker, title="The only question at first", tags="one", category_id=cat.id)
    db.commit()
    small, _ = _count_queries(app, client, "/")
    for i in range(15):
        ask(make_user(), title=f"Another question {i}", tags=f"tag{i}, shared", category_id=cat.id)
    db.commit()
    big, html = _count_queries(app, client, "/")
    assert html.count('class="q-row"') == 16
    assert big == small


def test_answer_edit_and_delete_flow(ctx, client):
    asker, helper, other = make_user(), make_user(), make_user()
    q = ask(asker)
    a = answer(helper, q, body="First draft of the answer")
    accept_answer(asker, a)
    db.commit()
    login(client, other)
    assert client.get(f"/answers/{a.id}/edit").status_code == 403
    assert client.post(f"/answers/{a.id}/delete").status_code == 403
    login(client, helper)
    page = client.get(f"/answers/{a.id}/edit").get_data(as_text=True)
    assert "First draft of the answer" in page
    blank = client.post(f"/answers/{a.id}/edit", data={"body": " "})
    assert blank.status_code == 422
    resp = client.post(f"/answers/{a.id}/edit", data={"body": "Second, **better** draft"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#answer-{a.id}")
    assert "<strong>better</strong>" in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "Delete this answer?" in client.get(f"/answers/{a.id}/delete").get_data(as_text=True)
    assert client.post(f"/answers/{a.id}/delete").status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, q.id)
    assert question.accepted_answer_id is None and question.answer_count == 0
    assert "better" not in client.get(f"/questions/{q.id}").get_data(as_text=True).split("answers-head")[1]


def test_official_mark_flow(ctx, client):
    asker, helper, staff = make_user(), make_user(), make_user(roles=("product",))
    q = ask(asker)
    a = answer(helper, q)
    db.commit()
    login(client, asker)
    assert "Mark as official answer" not in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert client.post(f"/answers/{a.id}/official", data={"on": "1"}).status_code == 403
    login(client, staff)
    assert "Mark as official answer" in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert client.post(f"/answers/{a.id}/official", data={"on": "1"}).status_code == 302
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "Official answers from" in html and "Remove official mark" in html
    assert client.post(f"/answers/{a.id}/official", data={"on": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Answer, a.id).official is False


def test_follow_flow(ctx, client):
    asker, reader = make_user(), make_user()
    q = ask(asker)
    db.commit()
    login(client, reader)
    assert ">Follow</button>" in client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert client.post(f"/questions/{q.id}/follow", data={"on": "1"}).status_code == 302
    assert ">Unfollow</button>" in client.get(f"/questions/{q.id}").get_data(as_text=True)
    from forum.qa.queries import followers

    assert reader.id in followers(q.id)
    client.post(f"/questions/{q.id}/follow", data={"on": "0"})
    assert reader.id not in followers(q.id)


def test_rejected_post_shows_its_reason_to_its_author(ctx, client):
    author = make_user()
    q = ask(author, title="Rejected question here")
    q.status = ContentStatus.rejected
    q.rejection_reason = "off_topic"
    db.commit()
    login(client, author)
    html = client.get(f"/questions/{q.id}").get_data(as_text=True)
    assert "Rejected" in html and "Reason: Off topic" in html and "You can edit it and resubmit." in html


def test_pages_render_in_chinese(ctx, client):
    q = ask(make_user(), title="A question read in Chinese")
    db.commit()
    with client.session_transaction() as s:
        s["locale"] = "zh"
    for url in ("/", f"/questions/{q.id}", "/tags", "/categories"):
        resp = client.get(url)
        assert resp.status_code == 200 and '<html lang="zh">' in resp.get_data(as_text=True)
