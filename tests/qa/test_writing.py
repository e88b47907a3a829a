"""Issue 14, writing: tag autocomplete from existing tags with counts (GET /tags/suggest), the note
on the ask form when a new tag needs points, the live preview rendered by the server's own
sanitizer (POST /preview: signed in, CSRF-protected, rate-limited), the toolbar, preview and draft
hooks of static/js/compose.js on the writing forms, and the confirmation after posting."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from forum import db
from forum.qa.models import Question, Tag
from tests import factories
from tests.conftest import make_app


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.app_context():
        result = fn()
        db.session.commit()
        return result


def _tagged(app: Any) -> dict[str, int]:
    def make() -> dict[str, int]:
        asker = factories.make_user("asker", points=500)
        factories.ask(asker, title="Exporting the dashboard to PDF", tags="export, pdf")
        factories.ask(asker, title="Exporting users to CSV", tags="export, csv")
        factories.ask(asker, title="Scheduling an export", tags="export, scheduling")
        hidden = factories.make_category("Early access", ambassadors_only=True)
        insider = factories.make_user("insider", ambassador=True)
        factories.ask(insider, title="Beta exporter", tags="export-beta", category_id=hidden.id)
        db.session.add(Tag(name="exports-unused"))
        newcomer = factories.make_user("newcomer")
        return {"asker": asker.id, "newcomer": newcomer.id}

    return build(app, make)


# ----------------------------------------------------------------------------- tag autocomplete

def test_tag_suggestions_are_existing_tags_with_their_question_counts(app, client):
    _tagged(app)
    resp = client.get("/tags/suggest?q=exp")
    assert resp.status_code == 200
    tags = resp.get_json()["tags"]
    assert tags[0] == {"name": "export", "count": 3, "label": "3 questions"}
    by_name = {t["name"]: t["count"] for t in tags}
    # a tag used only in a category the visitor cannot see counts nothing for them; an unused one is offered
    assert by_name["export-beta"] == 0 and by_name["exports-unused"] == 0
    assert client.get("/tags/suggest?q=PD").get_json()["tags"] == [{"name": "pdf", "count": 1, "label": "1 question"}]


def test_tag_suggestions_match_inside_names_after_prefixes_and_ignore_wildcards(app, client):
    _tagged(app)
    names = [t["name"] for t in client.get("/tags/suggest?q=s").get_json()["tags"]]
    assert names[:1] == ["scheduling"] and "exports-unused" in names and "csv" in names
    assert client.get("/tags/suggest?q=%25").get_json()["tags"] == []
    assert client.get("/tags/suggest?q=_").get_json()["tags"] == []
    assert client.get("/tags/suggest").get_json()["tags"] == []


def test_ask_form_says_when_a_new_tag_needs_points_and_offers_suggestions(app, client):
    ids = _tagged(app)
    login(client, ids["newcomer"])
    html = client.get("/ask").get_data(as_text=True)
    assert 'data-tag-suggest="/tags/suggest"' in html and 'data-draft="ask"' in html
    note = re.search(r'<p class="tag-note[^>]*>(.*?)</p>', html, re.S)
    assert note and "Creating a new tag needs 300 points; you have 0." in note.group(1)
    login(client, ids["asker"])  # 500 points: new tags are theirs to make
    assert "data-tag-note" not in client.get("/ask").get_data(as_text=True)


def test_asking_with_a_new_tag_without_the_points_names_the_tag_and_keeps_the_text(app, client):
    ids = _tagged(app)
    login(client, ids["newcomer"])
    resp = client.post("/ask", data={"title": "Can I export to Excel?", "body": "With the **totals** row.",
                                     "tags": "export, excel", "category": "0"})
    html = unescape(resp.get_data(as_text=True))
    assert resp.status_code == 403 and 'class="card error-page"' not in html
    assert "“excel” is a new tag. Creating a new tag needs 300 points; you have 0." in html
    assert 'value="Can I export to Excel?"' in html and "With the **totals** row.</textarea>" in html
    resp = client.post("/ask", data={"title": "Can I export to Excel?", "body": "With the totals row.",
                                     "tags": "export", "category": "0"}, follow_redirects=True)
    assert resp.status_code == 200 and "Your question is posted." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Question).filter_by(title="Can I export to Excel?").count() == 1


# ----------------------------------------------------------------------------- live preview

def test_preview_renders_with_the_server_sanitizer(app, client):
    ids = _tagged(app)
    login(client, ids["newcomer"])
    source = "**Bold** and <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    resp = client.post("/preview", data={"body": source})
    assert resp.status_code == 200
    html = resp.get_json()["html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, never run
    assert not re.search(r'href="javascript', html) and not re.search(r"<[a-z][^>]*\son\w+=", html)
    from forum.qa.rendering import render_markdown

    with app.app_context():
        assert html == render_markdown(source)


def test_preview_needs_a_signed_in_member_and_refuses_oversized_text(app, client):
    ids = _tagged(app)
    resp = client.post("/preview", data={"body": "hi"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    login(client, ids["newcomer"])
    resp = client.post("/preview", data={"body": "x" * 50_001})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid"


def test_preview_checks_the_csrf_token_and_is_rate_limited(app, backend, database_urls, tmp_path):
    ids = _tagged(app)
    strict = make_app(database_urls[backend], tmp_path / "strict", WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True,
                      RATE_LIMITS={"preview": "2 per minute"})
    try:
        client = strict.test_client()
        login(client, ids["newcomer"])
        assert client.post("/preview", data={"body": "hi"}).status_code == 400  # no token
        page = client.get("/ask").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        assert client.post("/preview", data={"body": "*a*"}, headers=headers).get_json() == {"html": "<p><em>a</em></p>\n"}
        assert client.post("/preview", data={"body": "b"}, headers=headers).status_code == 200
        assert client.post("/preview", data={"body": "c"}, headers=headers).status_code == 429
    finally:
        strict.extensions["forum.engine"].dispose()


# ----------------------------------------------------------------------------- the writing forms

@pytest.mark.parametrize("page", ["ask", "question", "edit_answer"])
def test_writing_forms_carry_the_toolbar_preview_and_drafts_without_inline_script(app, client, page):
    def make() -> dict[str, int]:
        asker = factories.make_user("asker")
        question = factories.ask(asker)
        answer = factories.answer(asker, question)
        return {"asker": asker.id, "question": question.id, "answer": answer.id}

    ids = build(app, make)
    login(client, ids["asker"])
    url = {"ask": "/ask", "question": f"/questions/{ids['question']}",
           "edit_answer": f"/answers/{ids['answer']}/edit"}[page]
    html = client.get(url).get_data(as_text=True)
    assert 'data-compose data-preview-url="/preview"' in html
    for kind in ("bold", "italic", "code", "link", "list", "quote"):
        assert f'data-md="{kind}"' in html
    assert "/static/js/compose.js" in html and "/static/css/compose.css" in html
    if page == "question":
        assert f'data-draft="answer-{ids["question"]}"' in html and f'data-draft="comment-question-{ids["question"]}"' in html
    if page == "edit_answer":
        assert "data-draft=" not in html  # an edit starts from the stored text, not a draft
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_posting_an_answer_confirms_with_a_flash(app, client):
    def make() -> dict[str, int]:
        asker, helper = factories.make_user("asker"), factories.make_user("helper")
        return {"helper": helper.id, "question": factories.ask(asker).id}

    ids = build(app, make)
    login(client, ids["helper"])
    resp = client.post(f"/questions/{ids['question']}/answers", data={"body": "Use the reset link."},
                       follow_redirects=True)
    assert "Your answer is posted." in resp.get_data(as_text=True)
    assert 'class="flash flash-success"' in resp.get_data(as_text=True)  # compose.js clears the draft on it
