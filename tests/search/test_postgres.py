"""Issue 11: the PostgreSQL full-text backend — how it is chosen, the query language translated to
tsquery, the words it indexes, its exact vocabulary, its ranking against Whoosh's on the same
data, and its bounded candidate passes. (Every other search test runs on it too: with
SEARCH_BACKEND "auto" the PostgreSQL runs of tests/search use it.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from config import build_config
from forum import ConfigError, create_app
from forum.qa.actions import accept_answer, delete_answer, delete_question, edit_answer, edit_question
from forum.search import backend as search_backend, rules
from forum.search.actions import apply_outbox, reindex
from forum.search.pgindex import document_words, parse_tsvector, quote
from forum.search.pgquery import ALL, Lex, Neg, every_word, to_tsquery, translate
from forum.search.queries import QueryError, parse_query, search, similar_questions
from tests.conftest import _empty_tables, make_app
from tests.factories import answer, ask, make_user
from tests.search.conftest import found


@pytest.fixture
def pg(backend):
    if backend != "postgresql":
        pytest.skip("the PostgreSQL backend (TEST_DATABASE_URL)")
    return backend


# ----------------------------------------------------------------------------- choosing the backend

def test_auto_means_postgres_on_postgresql_and_whoosh_elsewhere():
    assert search_backend.resolve("auto", "postgresql") == "postgres"
    assert search_backend.resolve("auto", "sqlite") == "whoosh"
    assert search_backend.resolve(None, "sqlite") == "whoosh"
    assert search_backend.resolve(" Whoosh ", "postgresql") == "whoosh"
    assert search_backend.resolve("postgres", "postgresql") == "postgres"
    with pytest.raises(ValueError, match="one of auto, whoosh, postgres"):
        search_backend.resolve("elastic", "postgresql")
    assert build_config(environ={"FORUM_SEARCH_BACKEND": "postgres"})["SEARCH_BACKEND"] == "postgres"
    assert build_config(environ={})["SEARCH_BACKEND"] == "auto"


def test_the_postgres_backend_on_sqlite_stops_start_up_with_a_clear_message(tmp_path):
    with pytest.raises(ConfigError, match="SEARCH_BACKEND is 'postgres' but the database is sqlite"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x", "TESTING": True,
                    "SEARCH_BACKEND": "postgres"})


def test_the_test_apps_use_the_backend_auto_picks(app, backend):
    assert search_backend.name(app) == ("postgres" if backend == "postgresql" else "whoosh")


def test_whoosh_can_be_chosen_on_postgresql(pg, database_urls, tmp_path):
    app = make_app(database_urls["postgresql"], tmp_path, SEARCH_BACKEND="whoosh")
    try:
        with app.test_request_context():
            from forum import db

            assert search_backend.name(app) == "whoosh"
            q = ask(make_user(), title="Rotating the API keys", body="Where is the button?")
            db.commit()
            assert found(None, "rotating keys") == [q.id]
            assert (tmp_path / "search").is_dir()  # the embedded index
            assert db.session.scalar(sa.text("SELECT count(*) FROM search_documents")) == 0
    finally:
        _empty_tables(app.extensions["forum.engine"])
        app.extensions["forum.engine"].dispose()


# ----------------------------------------------------------------------------- the query language as tsquery

@pytest.mark.parametrize(("query", "tsquery"), [
    ("reset password", "('reset' | 'password')"),
    ('"reset email"', "('reset' <-> 'email')"),
    ("title:okta", "'okta':A"),
    ("body:okta", "'okta':C"),
    ("answers:okta", "'okta':D"),
    ("title:(reset OR nothing)", "('reset':A | 'noth':A)"),
    ("excel -formulas", "('excel' & !'formula')"),
    ("excel AND formulas", "('excel' & 'formula')"),
    ("formulas OR okta", "('formula' | 'okta')"),
    ("+saml excel", "'saml'"),  # the optional word only ranks
    ("tag:sso reset", "('#sso' | 'reset')"),
    ("数据库连接池", "('数据库' | '连接池')"),
    ('"数据库连接池"', "('数据库' <-> '连接池')"),
    ("don't", "'don''t'"),
    ("NOT foo", "!'foo'"),
])
def test_the_query_language_translates_to_tsquery(query, tsquery):
    assert to_tsquery(translate(parse_query(query).query)) == tsquery


def test_lexemes_are_quoted_and_escaped():
    assert quote("o'reilly") == "'o''reilly'"
    assert quote("a\\b") == "'a\\\\b'"
    assert to_tsquery(Lex("it's", frozenset("A"))) == "'it''s':A"
    assert translate(parse_query("NOT foo").query) == Neg(Lex("foo", None))
    assert translate(parse_query("NOT NOT foo").query) != ALL


def test_every_word_narrows_free_text_only():
    node = every_word(parse_query("export report").query)
    assert to_tsquery(node) == "('export' & 'report')"
    assert every_word(parse_query("title:okta").query) is None


def test_every_translation_is_valid_tsquery(pg, session):
    for text in ("reset password", '"reset email"', "title:okta", "excel -formulas", "tag:c++ x", "don't stop",
                 "数据库连接池", '"a b c" OR (d AND NOT e)', "title:(reset OR nothing) -body:x"):
        node = translate(parse_query(text).query)
        session.execute(sa.text("SELECT CAST(:q AS tsquery)"), {"q": to_tsquery(node)})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("ab 'x\\\"():!&|<->*-+^~ ANDORNOT title:tag:登录")), min_size=1, max_size=20))
def test_no_query_breaks_the_sql(pg, session, text):
    ask_once(session)
    try:
        search(None, text)
    except QueryError:
        pass
    session.rollback()


def ask_once(session):
    if not session.scalar(sa.text("SELECT count(*) FROM questions")):
        ask(make_user(), title="Login with an apostrophe's quote", body="O'Reilly \\ back-slash & pipes | here")
        session.commit()


# ----------------------------------------------------------------------------- the words it indexes

def test_the_index_holds_the_forum_analyzers_words(pg, session):
    q = ask(make_user(), title="Resetting my password", body="如何配置数据库连接池", tags=None)
    answer(make_user(), q, body="Reset it from the RUNNING console.")
    session.commit()

    def holds(tsquery: str) -> bool:
        return bool(session.scalar(sa.text("SELECT tsv @@ CAST(:q AS tsquery) FROM search_documents WHERE key = :k"),
                                   {"q": tsquery, "k": f"question:{q.id}"}))

    assert holds("'reset':A") and holds("'password':A") and not holds("'password':C")
    assert not holds("'resetting'")  # stemmed (Porter2), as in Whoosh
    assert holds("'数据库':C") and holds("'连接池':C") and holds("'数据':C")  # jieba's words and sub-words
    assert holds("'数据库' <-> '连接池'")
    assert holds("'run':D") and holds("'consol':D")
    assert not holds("'the'")  # stop words are not indexed


def test_document_words_keep_fields_apart_and_cap_positions():
    words = document_words({"title": "alpha beta", "tagtext": "sso", "tags": "sso", "body": "beta " * 300,
                            "answers": "beta gamma"})
    parsed = parse_tsvector(words.tsv)
    assert {w for _p, w in parsed["beta"]} == {"A", "C", "D"}  # capped at 256 positions, every field kept
    assert len(parsed["beta"]) == rules.PG_MAX_POSITIONS
    assert parsed["#sso"][0][1] == "B"
    assert words.lengths == {"title": 2, "tagtext": 1, "body": 300, "answers": 2, "tags": 1}
    assert words.terms["answers"] == {"beta", "gamma"} and "gamma" in words.terms["*"]
    # no phrase spans two fields
    assert max(p for p, w in parsed["alpha"]) + 1 < min(p for p, w in parsed["sso"])


# ----------------------------------------------------------------------------- the vocabulary stays exact

def _vocabulary(session) -> dict[tuple[str, str], int]:
    rows = session.execute(sa.text(
        "SELECT field_name, term, doc_count FROM search_terms WHERE doc_count <> 0 AND field_name <> '#gen'"))
    return {(f, t): int(n) for f, t, n in rows}


def test_the_vocabulary_counts_stay_exact_through_edits_and_deletions(pg, session):
    asker, helper = make_user(points=1000), make_user()
    q1 = ask(asker, title="Exporting invoices to Excel", body="Monthly export fails.", tags=["billing"])
    q2 = ask(asker, title="Webhook retries", body="They take an hour.")
    a1 = answer(helper, q1, body="Use the CSV export instead.")
    a2 = answer(helper, q2, body="Retries back off exponentially.")
    session.commit()
    edit_question(asker, q1, title="Exporting receipts to Excel", tags=["billing", "export"])
    edit_answer(helper, a1, body="Use the XLSX exporter.")
    accept_answer(asker, a1)
    delete_answer(helper, a2)
    q3 = ask(asker, title="Deleted soon", body="temporary words")
    session.commit()
    delete_question(asker, q3)
    session.commit()
    kept = _vocabulary(session)
    assert kept[("title", "receipt")] == 1 and ("title", "invoic") not in kept
    assert kept[("tags", "export")] == 1 and kept[("#docs", "")] == 2
    assert ("*", "temporari") not in kept and ("spell", "temporary") not in kept
    assert reindex() == 2
    assert _vocabulary(session) == kept  # what the writes kept equals a count from scratch


def test_a_new_word_is_a_typo_correction_at_once(pg, session):
    author = make_user()
    q = ask(author, title="Kubernetes operator", body="x")
    session.commit()
    assert search(None, "kubernetis").suggestion == "kubernetes"
    edit_question(author, q, title="Nomadic scheduler")
    session.commit()
    page = search(None, "schedular")
    assert page.suggestion == "scheduler" and [h.id for h in page.items] == [q.id]
    assert search(None, "kubernetis").suggestion is None  # the word left the vocabulary


def test_another_process_reads_the_changed_spelling_words(pg, session, database_urls, tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "VOCABULARY_REFRESH_SECONDS", 0.0)
    other = make_app(database_urls["postgresql"], tmp_path / "other")  # another server process's app
    author = make_user()
    q = ask(author, title="Kubernetes operator", body="x")
    session.commit()
    try:
        with other.test_request_context():
            assert search(None, "kubernetis").suggestion == "kubernetes"  # its first look reads them all
        edit_question(author, q, title="Terraform provider")
        session.commit()
        with other.test_request_context():  # then only what changed since
            assert search(None, "terraforn").suggestion == "terraform"
            assert search(None, "kubernetis").suggestion is None
    finally:
        other.extensions["forum.engine"].dispose()


# ----------------------------------------------------------------------------- ranking and candidates

RANKING_QUERIES = ["export report excel", "monthly", '"monthly numbers"', "excel -formulas", "excel AND formulas",
                   "title:okta", "pasword reset", "登陆", "导出报表", "single-sign-on", "tag:sso login",
                   "why does my password reset never work", "+saml excel", "numbers OR okta"]


def test_the_ranking_is_whooshs_on_the_same_data(pg, session, database_urls, tmp_path):
    author = make_user(points=1000)
    for title, body, tags in [
        ("Exporting a report to Excel", "I need the monthly numbers as a file.", ["excel"]),
        ("Monthly numbers for my manager", "How do I get an export of the report every month?", None),
        ("Formulas in the editor", "Can cells hold formulas as in Excel? Excel formulas are useful.", None),
        ("Resetting my password", "The reset email never arrives, the reset link is broken.", None),
        ("Single sign-on with Okta", "Which SAML settings are needed for the login?", ["sso"]),
        ("登录页面一直报错", "输入账号以后没有反应。", None),
        ("如何导出报表为Excel", "每个月都要把销售报表发给领导。", None),
        ("Login loops after SSO", "The SSO login sends me back to the login page.", ["sso"]),
    ]:
        ask(author, title=title, body=body, tags=tags)
    session.commit()
    reindex()  # both indexes in document order (Whoosh breaks ties by that order)
    pg_pages = {q: search(None, q) for q in RANKING_QUERIES}
    whoosh = make_app(database_urls["postgresql"], tmp_path / "w", SEARCH_BACKEND="whoosh")
    with whoosh.test_request_context():
        reindex()
        whoosh_pages = {q: search(None, q) for q in RANKING_QUERIES}
    whoosh.extensions["forum.engine"].dispose()
    for q in RANKING_QUERIES:
        assert [h.id for h in pg_pages[q].items] == [h.id for h in whoosh_pages[q].items], q
        assert pg_pages[q].total == whoosh_pages[q].total, q
        assert [h.relevance for h in pg_pages[q].items] == pytest.approx(
            [h.relevance for h in whoosh_pages[q].items], rel=1e-3), q
        assert [str(h.title_html) for h in pg_pages[q].items] == [str(h.title_html) for h in whoosh_pages[q].items], q
        assert [str(h.snippet) for h in pg_pages[q].items] == [str(h.snippet) for h in whoosh_pages[q].items], q
        assert pg_pages[q].suggestion == whoosh_pages[q].suggestion, q


@pytest.fixture
def small_passes(monkeypatch):
    monkeypatch.setattr(rules, "PG_PASS_LIMIT", 5)


def test_many_matches_get_an_estimated_total_and_few_an_exact_one(pg, session, small_passes):
    author = make_user()
    for n in range(12):
        ask(author, title=f"Quota question {n}", body="quota" if n % 2 else "limits")
    ask(author, title="Unrelated", body="nothing")
    session.commit()
    page = search(None, "quota", per_page=3)
    assert page.estimated and page.total == 12 and len(page.items) == 3  # one word: its exact count
    page = search(None, "limits", per_page=20)
    assert not page.estimated and page.total == 6 and len(page.items) == 6


def test_a_rare_word_is_found_among_many_common_ones(pg, session, small_passes, freeze):
    import datetime as dt

    author = make_user()
    freeze(dt.datetime(2026, 1, 1))
    rare = ask(author, title="An old question", body="a zeppelin and a dirigible")
    for n in range(20):
        freeze(dt.datetime(2026, 2, 1) + dt.timedelta(days=n))
        ask(author, title=f"Common problem {n}", body="common common")
    session.commit()
    freeze(None)
    # not among the newest "common" documents, nor in a title, nor holding every word: the pass
    # over the rarest words brings it in, and it ranks first (two rare words outweigh a common one)
    assert found(None, "common zeppelin dirigible")[0] == rare.id


def test_similar_questions_compare_titles_tags_and_bodies_not_answers(pg, session):
    asker, helper = make_user(), make_user()
    by_title = ask(asker, title="Kubernetes agent crashes", body="On start.")
    other = ask(asker, title="Agent upgrade", body="Which version?")
    answer(helper, other, body="Kubernetes needs the new chart.")
    session.commit()
    ids = [i["id"] for i in similar_questions(None, "kubernetes crash")]
    assert ids == [by_title.id]


@pytest.mark.parametrize("app_config", [{"SEARCH_LOCK_TIMEOUT": 0.1}])
def test_a_busy_index_raises_lock_error_after_the_timeout(pg, app, session):
    from whoosh.index import LockError

    from tests.search.conftest import write_lock_held

    ask(make_user(), title="Queued while locked", body="x")
    with write_lock_held(app):
        session.commit()  # the request's own try gives up after SEARCH_LOCK_TIMEOUT and keeps the row
        with pytest.raises(LockError):
            apply_outbox(timeout=0.1)
    assert apply_outbox() == 1
    assert len(found(None, "queued locked")) == 1


EDITS = 8


def _editor(url, tmp_path, question_id, author_id, word, barrier):
    from forum import db
    from forum.accounts.models import User
    from forum.qa.models import Question

    app = make_app(url, tmp_path)
    with app.test_request_context():
        db.commit()
        barrier.wait(timeout=60)
        for n in range(EDITS):
            question = db.session.get(Question, question_id)
            edit_question(db.session.get(User, author_id), question, title=f"{word} edit number {n}")
            db.commit()
            db.session.expire_all()
    app.extensions["forum.engine"].dispose()


def test_concurrent_writers_of_one_document_leave_its_last_state_and_exact_counts(pg, app, session, database_urls,
                                                                                  tmp_path):
    """Two processes editing the same question at once: the index ends with the database's last
    state and vocabulary counts equal to a count from scratch (no update lost or applied twice)."""
    import multiprocessing

    author = make_user()
    q = ask(author, title="Shared question", body="edited by two processes")
    session.commit()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    editors = [ctx.Process(target=_editor, args=(database_urls["postgresql"], tmp_path, q.id, author.id, word, barrier))
               for word in ("alpha", "omega")]
    for p in editors:
        p.start()
    for p in editors:
        p.join(timeout=180)
    assert [p.exitcode for p in editors] == [0, 0]
    session.expire_all()
    apply_outbox()  # whatever a busy lock left for the tick
    title = session.scalar(sa.text("SELECT title FROM questions WHERE id = :i"), {"i": q.id})
    assert session.scalar(sa.text("SELECT title FROM search_documents WHERE key = :k"), {"k": f"question:{q.id}"}) == title
    assert found(None, title.split()[0]) == [q.id]
    kept = _vocabulary(session)
    assert kept[("title", "number")] == 1 and kept[("#docs", "")] == 1
    reindex()
    assert _vocabulary(session) == kept
