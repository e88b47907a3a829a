"""The idea board's pages: board, idea page, submission with an image, review, CSV, moderation queue."""

from __future__ import annotations

import io
from typing import Any

from forum import db
from forum.ideas import actions
from forum.ideas.models import Idea
from forum.moderation.models import ModerationItem
from tests import factories
from tests.ideas.conftest import published, submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def test_board_and_idea_page(app, client):
    def make() -> dict[str, int]:
        author, fan = factories.make_user("author"), factories.make_user("fan")
        idea = published(author, title="Dark mode for the dashboard")
        actions.support_idea(fan, idea, importance="must_have", comment="Please")
        hidden = submit(author, title="Still waiting for moderation")
        return {"idea": idea.id, "hidden": hidden.id, "fan": fan.id}

    ids = build(app, make)
    resp = client.get("/ideas")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Dark mode for the dashboard" in page and "Still waiting" not in page
    assert "1 of 2 supporters — stage 1 of " in page and "days left" in page
    for query in ("?sort=supporters", "?sort=deadline", "?status=gathering", "?status=nonsense&sort=x"):
        assert client.get("/ideas" + query).status_code == 200
    assert "Dark mode" not in client.get("/ideas?status=expired").get_data(as_text=True)
    show = client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    assert "Please" in show and "History" in show and "Supporting ARR" not in show
    assert client.get(f"/ideas/{ids['hidden']}").status_code == 404


def test_support_comment_and_withdraw_through_the_pages(app, client):
    def make() -> dict[str, int]:
        return {"idea": published(factories.make_user()).id, "fan": factories.make_user("fan").id}

    ids = build(app, make)
    login(client, ids["fan"])
    url = f"/ideas/{ids['idea']}"
    assert client.post(url + "/support", data={"importance": "important", "comment": "Yes"}).status_code == 302
    assert client.post(url + "/comments", data={"body": "When?"}).status_code == 302
    with app.app_context():
        assert db.session.get(Idea, ids["idea"]).supporters == 1
    assert "When?" in client.get(url).get_data(as_text=True)
    assert client.post(url + "/withdraw").status_code == 302
    with app.app_context():
        assert db.session.get(Idea, ids["idea"]).supporters == 0
    assert client.get("/ideas/mine").status_code == 200


def test_submit_with_an_image(app, client):
    author_id = build(app, lambda: factories.make_user("author").id)
    login(client, author_id)
    assert client.get("/ideas/new").status_code == 200
    resp = client.post("/ideas/new", data={"title": "Logo upload", "description": "See picture", "category": "0",
                                           "image": (io.BytesIO(PNG), "evil.html")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        idea = db.session.query(Idea).one()
        assert idea.status == "pending" and idea.image_name.endswith(".png") and "evil" not in idea.image_name
        assert db.session.query(ModerationItem).count() == 1
    image = client.get(f"/ideas/{idea.id}/image")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == PNG
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    client.get("/logout")
    with client.session_transaction() as s:
        s.clear()
    assert client.get(f"/ideas/{idea.id}/image").status_code == 404   # pending: not for others
    login(client, author_id)
    bad = client.post("/ideas/new", data={"title": "Script upload", "description": "x", "category": "0",
                                          "image": (io.BytesIO(b"<svg onload=alert(1)>"), "a.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    app.config["IDEA_IMAGE_MAX_BYTES"] = 32
    big = client.post("/ideas/new", data={"title": "Too big an image", "description": "x", "category": "0",
                                          "image": (io.BytesIO(PNG), "a.png")}, content_type="multipart/form-data")
    assert big.status_code == 422
    with app.app_context():
        assert db.session.query(Idea).count() == 1


def test_merged_idea_page_redirects(app, client):
    def make() -> dict[str, int]:
        product = factories.make_user(roles=("product",))
        target, source = published(factories.make_user()), published(factories.make_user(), title="Same idea again")
        actions.merge_ideas(product, source, target)
        return {"target": target.id, "source": source.id}

    ids = build(app, make)
    resp = client.get(f"/ideas/{ids['source']}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/ideas/{ids['target']}")


def test_review_page_csv_and_decision_form(app, client):
    def make() -> dict[str, int]:
        org = factories.make_org("Big Co", "benchmark", 123_000)
        idea = published(factories.make_user(), title="=HYPERLINK(evil)")
        for n in range(4):
            actions.support_idea(factories.make_user(organization=org if n < 2 else None), idea)
        return {"idea": idea.id, "member": factories.make_user().id,
                "product": factories.make_user(roles=("product",)).id}

    ids = build(app, make)
    login(client, ids["member"])
    assert client.get("/ideas/review").status_code == 403
    assert client.get("/ideas/review/export.csv").status_code == 403
    assert client.post(f"/ideas/{ids['idea']}/decision", data={"decision": "approved", "note": "x"}).status_code == 403
    login(client, ids["product"])
    for sort in ("supporters", "organizations", "arr", "tier_score", "importance_score", "review_due"):
        page = client.get(f"/ideas/review?sort={sort}")
        assert page.status_code == 200
    assert "Review calendar" in page.get_data(as_text=True)
    csv_text = client.get("/ideas/review/export.csv").get_data(as_text=True)
    header, row = csv_text.removeprefix("\ufeff").splitlines()[:2]
    assert header.startswith("id,title,status,stage,supporters,benchmark,value_added,standard,none,organizations,arr")
    assert row.split(",")[1:11] == ["'=HYPERLINK(evil)", "in_review", "3", "4", "2", "0", "0", "2", "1", "123000"]
    assert "Supporting ARR" in client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    assert client.post(f"/ideas/{ids['idea']}/decision", data={"decision": "approved", "note": ""}).status_code == 422
    assert client.post(f"/ideas/{ids['idea']}/decision",
                       data={"decision": "approved", "note": "Planned"}).status_code == 302
    with app.app_context():
        assert db.session.get(Idea, ids["idea"]).status == "approved"


def test_moderation_queue_page(app, client):
    def make() -> dict[str, int]:
        idea = submit(factories.make_user(), title="Please moderate me")
        return {"idea": idea.id, "mod": factories.make_user(roles=("moderator",)).id,
                "member": factories.make_user().id}

    ids = build(app, make)
    login(client, ids["member"])
    assert client.get("/moderation/queue").status_code == 403
    login(client, ids["mod"])
    page = client.get("/moderation/queue")
    assert page.status_code == 200 and "Please moderate me" in page.get_data(as_text=True)
    with app.app_context():
        item_id = db.session.query(ModerationItem).one().id
    prefix = f"item{item_id}-"
    client.post(f"/moderation/queue/{item_id}", data={prefix + "action": "reject", prefix + "reason": ""})
    with app.app_context():
        assert db.session.get(Idea, ids["idea"]).status == "pending"
    client.post(f"/moderation/queue/{item_id}", data={prefix + "action": "approve"})
    with app.app_context():
        assert db.session.get(Idea, ids["idea"]).status == "gathering"
