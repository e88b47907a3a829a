"""docs/api.md: Questions and answers — every endpoint, the visibility rule, the order of checks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum import db
from forum.qa.models import Answer, ContentStatus, Question
from tests.api.conftest import assert_error

NEW_QUESTION = {"title": "Why does the export time out?", "body": "It stops after **30 s**.", "tags": ["export"]}
QUESTION_FIELDS = {"id", "title", "body", "body_html", "tags", "category", "status", "release_at", "rejection_reason",
                   "score", "my_vote", "view_count", "answer_count", "accepted_answer_id", "following", "author",
                   "created_at", "updated_at"}
ANSWER_FIELDS = {"id", "question_id", "body", "body_html", "score", "my_vote", "accepted", "official", "status",
                 "author", "created_at", "updated_at", "comments"}


@pytest.fixture
def people(world):
    # enough points for every privilege below edit_others (docs/rules.md: Privileges)
    asker, helper, other = (world.user(name, points=500) for name in ("asker", "helper", "other"))
    moderator = world.user("mod", roles=("moderator",))
    return {
        "asker": asker, "helper": helper, "other": other, "moderator": moderator,
        "h_asker": world.headers(asker), "h_helper": world.headers(helper), "h_other": world.headers(other),
        "h_mod": world.headers(moderator),
    }


# ----------------------------------------------------------------------------- asking

def test_ask_question(client, world, people):
    category = world.category("Data export")
    resp = client.post("/api/v1/questions", headers=people["h_asker"], json=NEW_QUESTION | {"category": category.id})
    assert resp.status_code == 201
    q = resp.get_json()
    assert set(q) >= QUESTION_FIELDS | {"answers"}
    assert q["status"] == "published" and q["answers"] == [] and q["following"] is True
    assert q["category"] == {"id": category.id, "name": "Data export", "slug": "data-export"}
    assert q["tags"] == ["export"] and "<strong>30 s</strong>" in q["body_html"]
    assert q["author"] == {"id": people["asker"].id, "username": "asker"}
    assert q["created_at"].endswith("Z") and q["score"] == 0 and q["my_vote"] == 0
    with world.app.app_context():
        assert db.session.get(Question, q["id"]).title == NEW_QUESTION["title"]


def test_ask_refusals_in_order(client, world, people):
    restricted = world.category("Early access", ambassadors_only=True)
    h = people["h_asker"]
    assert_error(client.post("/api/v1/questions", json=NEW_QUESTION), 401, "unauthorized")
    assert_error(client.post("/api/v1/questions", headers={"Authorization": "Bearer x"}, data="{"), 401)
    assert_error(client.post("/api/v1/questions", headers=h, data="{oops", content_type="application/json"), 400,
                 "bad_json")
    assert_error(client.post("/api/v1/questions", headers=h, json="just a string"), 400, "bad_json")
    assert_error(client.post("/api/v1/questions", headers=h, json={"body": "no title"}), 422, "invalid", "title")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"title": 42}), 422, field="title")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"title": "   "}), 422,
                 field="title")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"tags": "export"}), 422,
                 field="tags")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"category": 99999}), 422,
                 "unknown_category", "category")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"category": "1"}), 422,
                 field="category")
    assert_error(client.post("/api/v1/questions", headers=h, json=NEW_QUESTION | {"category": restricted.id}), 422,
                 "unknown_category", "category")
    with world.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


# ----------------------------------------------------------------------------- visibility

def test_list_and_detail_follow_the_visibility_rule(client, world, people):
    asker, other = people["asker"], people["other"]
    restricted = world.category("Early access", ambassadors_only=True)
    public = world.question(other, "A public question here")
    pending = world.question(asker, "A pending question here", status="pending")
    hidden = world.question(other, "A hidden question here", status="hidden")
    early = world.question(world.user(roles=("product",)), "An early access question", category=restricted)
    ambassador_headers = world.headers(world.user(ambassador=True))

    def listed(headers=None):
        page = client.get("/api/v1/questions", headers=headers or {}).get_json()
        return page["total"], {q["id"]: q for q in page["items"]}

    total, items = listed()
    assert total == 1 and set(items) == {public.id}
    total, items = listed(people["h_asker"])
    assert total == 2 and set(items) == {public.id, pending.id}
    assert items[pending.id]["status"] == "pending"
    total, items = listed(people["h_mod"])
    assert total == 4 and set(items) == {public.id, pending.id, hidden.id, early.id}
    total, items = listed(ambassador_headers)
    assert set(items) == {public.id, early.id}

    for qid in (pending.id, hidden.id, early.id, 99999):
        assert_error(client.get(f"/api/v1/questions/{qid}"), 404, "not_found")
        assert_error(client.get(f"/api/v1/questions/{qid}", headers=people["h_other"] if qid != hidden.id
                                else people["h_helper"]), 404)
    mine = client.get(f"/api/v1/questions/{pending.id}", headers=people["h_asker"])
    assert mine.status_code == 200 and mine.get_json()["status"] == "pending"
    assert client.get(f"/api/v1/questions/{hidden.id}", headers=people["h_mod"]).get_json()["status"] == "hidden"
    assert client.get(f"/api/v1/questions/{early.id}", headers=ambassador_headers).status_code == 200
    # actions on invisible content are 404 too
    assert_error(client.post(f"/api/v1/questions/{hidden.id}/answers", headers=people["h_asker"],
                             json={"body": "x"}), 404)
    assert_error(client.put(f"/api/v1/questions/{early.id}/vote", headers=people["h_asker"], json={"value": 1}), 404)
    assert_error(client.post(f"/api/v1/questions/{pending.id}/comments", headers=people["h_other"],
                             json={"body": "x"}), 404)


def test_unpublished_answers_and_comments(client, world, people):
    q = world.question(people["asker"])
    shown = world.answer(people["helper"], q, "A published answer")
    held = world.answer(people["other"], q, "A held answer", status="pending")
    world.comment(people["other"], answer=shown, body="hidden comment", status="hidden")
    world.comment(people["helper"], question=q, body="visible comment")

    anonymous = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert [a["id"] for a in anonymous["answers"]] == [shown.id] and anonymous["answer_count"] == 1
    assert anonymous["answers"][0]["comments"] == []
    assert [c["body"] for c in anonymous["comments"]] == ["visible comment"]
    own = client.get(f"/api/v1/questions/{q.id}", headers=people["h_other"]).get_json()
    assert {a["id"]: a["status"] for a in own["answers"]} == {shown.id: "published", held.id: "pending"}
    assert [c["status"] for c in own["answers"][0]["comments"]] == ["hidden"]
    assert_error(client.put(f"/api/v1/answers/{held.id}/vote", headers=people["h_asker"], json={"value": 1}), 404)
    assert_error(client.post(f"/api/v1/answers/{held.id}/accept", headers=people["h_asker"]), 404)
    moderator = client.get(f"/api/v1/questions/{q.id}", headers=people["h_mod"]).get_json()
    assert len(moderator["answers"]) == 2


def test_list_filters_sorting_and_paging(client, world, people):
    category = world.category("Billing")
    first = world.question(people["asker"], "First question about billing", category=category, tags=["invoice"])
    second = world.question(people["other"], "Second question about exports", tags=["export"])
    world.answer(people["helper"], second)
    client.put(f"/api/v1/questions/{first.id}/vote", headers=people["h_helper"], json={"value": 1})

    def ids(query, headers=None):
        resp = client.get("/api/v1/questions" + query, headers=headers or {})
        assert resp.status_code == 200, resp.get_json()
        return [q["id"] for q in resp.get_json()["items"]]

    assert ids("") == [second.id, first.id]
    assert ids("?sort=votes") == [first.id, second.id]
    assert ids("?unanswered=1") == [first.id]
    assert ids("?tag=export") == [second.id]
    assert ids(f"?category={category.id}") == [first.id]
    assert ids("?per_page=1&page=2") == [first.id]
    listing = client.get("/api/v1/questions", headers=people["h_helper"]).get_json()
    item = {q["id"]: q for q in listing["items"]}[first.id]
    assert "answers" not in item and item["my_vote"] == 1 and item["following"] is False
    assert client.get("/api/v1/questions?per_page=1000").get_json()["per_page"] == 100
    assert_error(client.get("/api/v1/questions?sort=loudest"), 422, "invalid", "sort")
    assert_error(client.get("/api/v1/questions?per_page=many"), 422, field="per_page")
    assert_error(client.get("/api/v1/questions?category=99999"), 422, "unknown_category", "category")
    assert_error(client.get("/api/v1/questions?category=abc"), 422, field="category")


def test_viewing_counts_a_view(client, world, people, app):
    from forum.qa.actions import flush_view_counts, view_buffer

    q = world.question(people["asker"])
    world.run(lambda: view_buffer().drain())  # views buffered by earlier tests on the same database
    client.get(f"/api/v1/questions/{q.id}")
    client.get(f"/api/v1/questions/{q.id}")
    assert_error(client.get("/api/v1/questions/99999"), 404)
    with app.app_context():
        flush_view_counts()
        db.session.commit()
        assert db.session.get(Question, q.id).view_count == 2


def test_question_page_query_count_is_constant(client, world, people, app):
    def count_queries(qid):
        statements = []
        engine = app.extensions["forum.engine"]

        def _count(_conn, _cursor, statement, *_args, **_kw):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", _count)
        try:
            assert client.get(f"/api/v1/questions/{qid}", headers=people["h_other"]).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", _count)
        return statements

    small = world.question(people["asker"], "Small thread question")
    world.comment(people["helper"], answer=world.answer(people["helper"], small))
    world.comment(people["helper"], question=small)
    big = world.question(people["asker"], "Big thread question")
    for i in range(6):
        a = world.answer(world.user(), big, f"Answer {i}")
        world.comment(people["helper"], answer=a)
        world.comment(people["helper"], question=big)
    count_queries(small.id)  # the token's first use is recorded once
    big_statements, small_statements = count_queries(big.id), count_queries(small.id)
    assert len(big_statements) == len(small_statements), "\n".join(big_statements)


# ----------------------------------------------------------------------------- editing and deleting

def test_patch_question(client, world, people):
    category = world.category("Setup")
    q = world.question(people["asker"], category=category, tags=["a"])
    url = f"/api/v1/questions/{q.id}"
    assert_error(client.patch(url, json={"title": "New title please"}), 401)
    assert_error(client.patch(url, headers=people["h_asker"], data="nope"), 400)
    assert_error(client.patch("/api/v1/questions/99999", headers=people["h_asker"], json={}), 404)
    assert_error(client.patch(url, headers=people["h_other"], json={"title": "Hijacked title"}), 403, "forbidden")
    assert_error(client.patch(url, headers=people["h_other"], json={"title": 5}), 403)  # 403 before 422
    assert_error(client.patch(url, headers=people["h_asker"], json={"title": 5}), 422, field="title")
    assert_error(client.patch(url, headers=people["h_asker"], json={"title": ""}), 422, field="title")
    assert_error(client.patch(url, headers=people["h_asker"], json={"category": 99999}), 422, field="category")

    resp = client.patch(url, headers=people["h_asker"], json={"body": "Better *body*", "tags": ["b", "c"]})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["body"] == "Better *body*" and "<em>body</em>" in body["body_html"] and body["tags"] == ["b", "c"]
    assert body["title"] == "How do I reset my password?" and body["category"]["id"] == category.id
    cleared = client.patch(url, headers=people["h_asker"], json={"category": None}).get_json()
    assert cleared["category"] is None and cleared["tags"] == ["b", "c"]
    by_mod = client.patch(url, headers=people["h_mod"], json={"title": "Moderated title"})
    assert by_mod.status_code == 200 and by_mod.get_json()["title"] == "Moderated title"


def test_delete_question(client, world, people):
    q = world.question(people["asker"])
    url = f"/api/v1/questions/{q.id}"
    assert_error(client.delete(url), 401)
    assert_error(client.delete(url, headers=people["h_other"]), 403)
    assert_error(client.delete(url, headers=world.headers(people["asker"], scopes=["read"])), 403,
                 "insufficient_scope")
    resp = client.delete(url, headers=people["h_asker"])
    assert resp.status_code == 200 and resp.get_json() == {"id": q.id, "status": "deleted"}
    assert client.delete(url, headers=people["h_asker"]).status_code == 200  # already in effect
    assert_error(client.get(url), 404)
    assert_error(client.get(url, headers=people["h_asker"]), 404)
    assert client.get("/api/v1/questions").get_json()["total"] == 0
    assert client.get(url, headers=people["h_mod"]).get_json()["status"] == "deleted"
    with world.app.app_context():
        assert db.session.get(Question, q.id).status == ContentStatus.deleted


def test_answers_post_patch_delete(client, world, people):
    q = world.question(people["asker"])
    url = f"/api/v1/questions/{q.id}/answers"
    assert_error(client.post(url, json={"body": "x"}), 401)
    assert_error(client.post("/api/v1/questions/99999/answers", headers=people["h_helper"], json={"body": "x"}), 404)
    assert_error(client.post(url, headers=people["h_helper"], json={"body": "  "}), 422, field="body")
    assert_error(client.post(url, headers=people["h_helper"], json={}), 422, field="body")
    resp = client.post(url, headers=people["h_helper"], json={"body": "Try `reset --hard`"})
    assert resp.status_code == 201
    answer = resp.get_json()
    assert set(answer) >= ANSWER_FIELDS and answer["question_id"] == q.id and "<code>" in answer["body_html"]
    assert answer["accepted"] is False and answer["official"] is False and answer["comments"] == []
    assert client.get(f"/api/v1/questions/{q.id}").get_json()["answer_count"] == 1

    a_url = f"/api/v1/answers/{answer['id']}"
    assert_error(client.patch(a_url, headers=people["h_other"], json={"body": "mine now"}), 403)
    assert_error(client.patch(a_url, headers=people["h_helper"], json={"body": 3}), 422, field="body")
    assert_error(client.patch("/api/v1/answers/99999", headers=people["h_helper"], json={"body": "x"}), 404)
    edited = client.patch(a_url, headers=people["h_helper"], json={"body": "Edited answer"})
    assert edited.status_code == 200 and edited.get_json()["body"] == "Edited answer"

    assert_error(client.delete(a_url, headers=people["h_other"]), 403)
    assert client.delete(a_url, headers=people["h_helper"]).get_json() == {"id": answer["id"], "status": "deleted"}
    assert client.delete(a_url, headers=people["h_helper"]).status_code == 200
    page = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert page["answers"] == [] and page["answer_count"] == 0
    assert_error(client.patch(a_url, headers=people["h_helper"], json={"body": "again"}), 404)


# ----------------------------------------------------------------------------- votes, accepts, official

def test_votes(client, world, people):
    q = world.question(people["asker"])
    a = world.answer(people["helper"], q)
    q_url, a_url = f"/api/v1/questions/{q.id}/vote", f"/api/v1/answers/{a.id}/vote"
    assert_error(client.put(q_url, json={"value": 1}), 401)
    assert_error(client.put(q_url, headers=people["h_other"], data="[]"), 400)
    assert_error(client.put("/api/v1/answers/99999/vote", headers=people["h_other"], json={"value": 1}), 404)
    for bad in (2, "1", True, None, 1.0):
        assert_error(client.put(q_url, headers=people["h_other"], json={"value": bad}), 422, field="value")
    assert_error(client.put(q_url, headers=people["h_other"], json={}), 422, field="value")
    assert_error(client.put(q_url, headers=people["h_asker"], json={"value": 1}), 422, "own_post", "value")

    assert client.put(q_url, headers=people["h_other"], json={"value": 1}).get_json() == {"score": 1, "my_vote": 1}
    again = client.put(q_url, headers=people["h_other"], json={"value": 1})
    assert again.status_code == 200 and again.get_json() == {"score": 1, "my_vote": 1}
    assert client.put(q_url, headers=people["h_helper"], json={"value": -1}).get_json() == {"score": 0, "my_vote": -1}
    assert client.put(q_url, headers=people["h_other"], json={"value": 0}).get_json() == {"score": -1, "my_vote": 0}
    assert client.put(a_url, headers=people["h_asker"], json={"value": 1}).get_json() == {"score": 1, "my_vote": 1}
    page = client.get(f"/api/v1/questions/{q.id}", headers=people["h_asker"]).get_json()
    assert page["answers"][0]["my_vote"] == 1 and page["answers"][0]["score"] == 1 and page["score"] == -1
    assert client.get(f"/api/v1/questions/{q.id}", headers=people["h_helper"]).get_json()["my_vote"] == -1


def test_accept_moves_and_repeats(client, world, people):
    q = world.question(people["asker"])
    first = world.answer(people["helper"], q, "First answer")
    second = world.answer(people["other"], q, "Second answer")
    url = f"/api/v1/answers/{first.id}/accept"
    assert_error(client.post(url), 401)
    assert_error(client.post(url, headers=people["h_other"]), 403)
    assert_error(client.post("/api/v1/answers/99999/accept", headers=people["h_asker"]), 404)
    resp = client.post(url, headers=people["h_asker"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id"] == q.id and body["accepted_answer_id"] == first.id
    assert body["answers"][0]["id"] == first.id and body["answers"][0]["accepted"] is True
    assert client.post(url, headers=people["h_asker"]).get_json()["accepted_answer_id"] == first.id
    helper = client.get(f"/api/v1/users/{people['helper'].id}").get_json()
    solver = [b for b in helper["badges"] if b["slug"] == "solver"]  # the rewards part's badge, shown by the API
    assert solver and solver[0]["tier"] == "bronze" and solver[0]["awarded_at"].endswith("Z")
    moved = client.post(f"/api/v1/answers/{second.id}/accept", headers=people["h_asker"]).get_json()
    assert moved["accepted_answer_id"] == second.id
    assert [a["accepted"] for a in moved["answers"]] == [True, False]
    assert_error(client.delete(f"/api/v1/answers/{second.id}/accept", headers=people["h_helper"]), 403)
    undone = client.delete(f"/api/v1/answers/{second.id}/accept", headers=people["h_asker"])
    assert undone.status_code == 200 and undone.get_json()["accepted_answer_id"] is None
    assert client.delete(f"/api/v1/answers/{second.id}/accept", headers=people["h_asker"]).status_code == 200
    with world.app.app_context():
        assert db.session.get(Question, q.id).accepted_answer_id is None


def test_official_answer_is_for_staff(client, world, people):
    q = world.question(people["asker"])
    a = world.answer(people["helper"], q)
    url = f"/api/v1/answers/{a.id}/official"
    cs = world.user(roles=("cs",))
    assert_error(client.post(url), 401)
    error = assert_error(client.post(url, headers=people["h_asker"]), 403, "forbidden")
    assert "moderator" in error["message"]
    assert_error(client.post(url, headers=world.headers(cs, scopes=["read", "write"])), 403, "insufficient_scope")
    resp = client.post(url, headers=world.headers(cs))
    assert resp.status_code == 200 and resp.get_json()["official"] is True and resp.get_json()["id"] == a.id
    assert client.post(url, headers=people["h_mod"]).get_json()["official"] is True
    assert client.delete(url, headers=people["h_mod"]).get_json()["official"] is False
    with world.app.app_context():
        assert db.session.get(Answer, a.id).official is False


# ----------------------------------------------------------------------------- comments and follows

def test_comments(client, world, people):
    q = world.question(people["asker"])
    a = world.answer(people["helper"], q)
    held = world.question(people["other"], "Held question title", status="pending")
    resp = client.post(f"/api/v1/questions/{q.id}/comments", headers=people["h_other"], json={"body": "Which version?"})
    assert resp.status_code == 201
    comment = resp.get_json()
    assert set(comment) == {"id", "body", "body_html", "status", "author", "created_at"}
    assert comment["status"] == "published" and comment["author"]["username"] == "other"
    on_answer = client.post(f"/api/v1/answers/{a.id}/comments", headers=people["h_asker"], json={"body": "Thanks!"})
    assert on_answer.status_code == 201
    assert_error(client.post(f"/api/v1/answers/{a.id}/comments", json={"body": "x"}), 401)
    assert_error(client.post(f"/api/v1/answers/{a.id}/comments", headers=people["h_asker"], json={"body": ""}), 422,
                 field="body")
    assert_error(client.post(f"/api/v1/answers/{a.id}/comments", headers=people["h_asker"], json={"body": "x" * 3000}),
                 422, field="body")
    assert_error(client.post("/api/v1/answers/99999/comments", headers=people["h_asker"], json={"body": "x"}), 404)
    # the author sees their held question, but it cannot be commented on yet
    assert_error(client.post(f"/api/v1/questions/{held.id}/comments", headers=people["h_other"], json={"body": "x"}),
                 422, "not_published")
    page = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert [c["body"] for c in page["comments"]] == ["Which version?"]
    assert [c["body"] for c in page["answers"][0]["comments"]] == ["Thanks!"]


def test_follow_and_unfollow(client, world, people):
    q = world.question(people["asker"])
    url = f"/api/v1/questions/{q.id}/follow"
    assert_error(client.put(url), 401)
    assert_error(client.put("/api/v1/questions/99999/follow", headers=people["h_other"]), 404)
    assert client.put(url, headers=people["h_other"]).get_json() == {"following": True}
    assert client.put(url, headers=people["h_other"]).get_json() == {"following": True}
    assert client.get(f"/api/v1/questions/{q.id}", headers=people["h_other"]).get_json()["following"] is True
    assert client.delete(url, headers=people["h_other"]).get_json() == {"following": False}
    assert client.delete(url, headers=people["h_other"]).status_code == 200
    assert client.get(f"/api/v1/questions/{q.id}", headers=people["h_other"]).get_json()["following"] is False


# ----------------------------------------------------------------------------- never HTML, never 500

def test_unknown_paths_and_methods_are_json(client, world, people):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/questions/abc"), 404)
    assert_error(client.post("/api/v1/questions/1"), 405, "method_not_allowed")
    assert_error(client.put("/api/v1/me", headers=people["h_asker"]), 405)


def test_domain_error_rolls_back(client, world, people):
    """A refusal after a partial, flushed change leaves nothing behind (the request is atomic)."""
    from forum.qa.models import Tag

    q = world.question(people["asker"], tags=["setup"])
    resp = client.patch(f"/api/v1/questions/{q.id}", headers=people["h_asker"],
                        json={"title": "Changed title first", "tags": ["brandnew"], "category": 99999})
    assert_error(resp, 422, "unknown_category", "category")
    with world.app.app_context():
        assert db.session.get(Question, q.id).title == "How do I reset my password?"
        assert [t.name for t in db.session.get(Question, q.id).tags] == ["setup"]
        assert db.session.scalar(sa.select(Tag).where(Tag.name == "brandnew")) is None
    page = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert page["tags"] == ["setup"] and page["title"] == "How do I reset my password?"
