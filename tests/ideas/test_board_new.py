"""The idea board never contradicts itself (issue 14): one stage wording for cards and pages, bars
only while gathering, no support card on a pending idea, the author's reply under the comment it
answers, the roadmap, the review table as stacked cards, merging by searching for the target's
title, and the CSV downloads in UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from forum import db
from forum.ideas import actions
from tests import factories
from tests.ideas.conftest import published, submit


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


def build(app: Any, fn: Any) -> Any:
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def _card(page: str, title: str) -> str:
    return re.search(r'<article class="card idea-card">(?:(?!</article>).)*' + re.escape(title) + r'.*?</article>',
                     page, re.S).group(0)


def test_one_stage_wording_on_cards_and_the_idea_page(app, client):
    def make() -> dict[str, int]:
        idea = published(factories.make_user(), title="Dark mode")
        for _ in range(2):  # reaches stage 1 of 3 (SMALL_STAGES), now gathering for stage 2
            actions.support_idea(factories.make_user(), idea)
        return {"idea": idea.id}

    ids = build(app, make)
    card = _card(client.get("/ideas").get_data(as_text=True), "Dark mode")
    assert "2 of 3 supporters — stage 2 of 3" in card
    assert not re.search(r">\s*Stage \d", card), "no separate stage pill beside the progress"
    show = client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    assert "2 of 3 supporters — stage 2 of 3" in show
    with app.test_request_context():
        from flask_babel import force_locale
        with force_locale("zh"):
            zh = client.get("/ideas", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "supporters for stage" not in zh


def test_bars_only_while_gathering(app, client):
    def make() -> dict[str, int]:
        product = factories.make_user(roles=("product",))
        shipped = published(factories.make_user(), title="Shipped thing")
        actions.decide_idea(product, shipped, decision="approved", note="Yes")
        actions.decide_idea(product, shipped, decision="shipped", note="Out now")
        declined = published(factories.make_user(), title="Declined thing")
        actions.decide_idea(product, declined, decision="not_approved", note="No")
        published(factories.make_user(), title="Gathering thing")
        return {"shipped": shipped.id}

    ids = build(app, make)
    board = client.get("/ideas").get_data(as_text=True)
    assert "<progress" in _card(board, "Gathering thing")
    for title in ("Shipped thing", "Declined thing"):
        card = _card(board, title)
        assert "<progress" not in card and "0 supporters" in card
    assert "<progress" not in client.get(f"/ideas/{ids['shipped']}").get_data(as_text=True)


def test_a_pending_idea_has_no_support_card(app, client):
    def make() -> dict[str, int]:
        author = factories.make_user("author")
        return {"idea": submit(author, title="Waiting").id, "author": author.id}

    ids = build(app, make)
    login(client, ids["author"])
    page = client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    assert "waiting for a moderator" in page
    assert ">Support<" not in page and ">Stages<" not in page and "<progress" not in page


def test_the_authors_reply_stays_under_the_comment_it_answers(app, client, freeze):
    def make() -> dict[str, int]:
        author, fan = factories.make_user("author"), factories.make_user("fan")
        idea = published(author, title="Dark mode")
        freeze(dt.datetime(2026, 3, 2, 9, 0))
        actions.post_idea_comment(fan, idea, body="Will it cover the reports?")
        freeze(dt.datetime(2026, 3, 2, 10, 0))
        actions.post_idea_comment(author, idea, body="Yes, the reports too.")
        freeze(dt.datetime(2026, 3, 2, 11, 0))
        actions.post_idea_comment(fan, idea, body="Great, thanks.")
        return {"idea": idea.id}

    ids = build(app, make)
    freeze(None)
    page = client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    question, reply, thanks = (page.index(t) for t in ("Will it cover", "Yes, the reports too", "Great, thanks"))
    assert question < reply < thanks
    assert "Updates from the author" not in page and "badge-author" in page


def test_the_roadmap_lists_approved_and_shipped_newest_decision_first(app, client, freeze):
    def make() -> None:
        product = factories.make_user(roles=("product",))
        old = published(factories.make_user(), title="Old approved")
        new = published(factories.make_user(), title="New shipped")
        published(factories.make_user(), title="Still gathering")
        freeze(dt.datetime(2026, 3, 5))
        actions.decide_idea(product, old, decision="approved", note="Planned")
        freeze(dt.datetime(2026, 3, 6))
        actions.decide_idea(product, new, decision="approved", note="Planned")
        freeze(dt.datetime(2026, 3, 7))
        actions.decide_idea(product, new, decision="shipped", note="Out now")
        freeze(None)

    build(app, make)
    assert 'href="/ideas/roadmap"' in client.get("/ideas").get_data(as_text=True)
    page = client.get("/ideas/roadmap").get_data(as_text=True)
    assert "Still gathering" not in page
    assert page.index("New shipped") < page.index("Old approved")


def test_the_review_table_stacks_on_phones_and_keeps_every_column(app, client):
    def make() -> dict[str, int]:
        published(factories.make_user(), title="A rather long idea title " * 6)
        return {"product": factories.make_user(roles=("product",)).id}

    ids = build(app, make)
    login(client, ids["product"])
    page = client.get("/ideas/review").get_data(as_text=True)
    assert 'class="table table-stack review-table"' in page and 'class="layout"' not in page
    assert page.count('data-label="') >= 8


def test_merge_by_searching_the_target_title(app, client):
    def make() -> dict[str, int]:
        target = published(factories.make_user(), title="Dark mode for dashboards")
        other = published(factories.make_user(), title="Export to PDF")
        source = published(factories.make_user(), title="Night theme please")
        actions.support_idea(factories.make_user(), source)
        return {"target": target.id, "other": other.id, "source": source.id,
                "product": factories.make_user(roles=("product",)).id}

    ids = build(app, make)
    login(client, ids["product"])
    page = client.get(f"/ideas/{ids['source']}").get_data(as_text=True)
    assert 'name="merge_q"' in page and "Merge into idea number" not in page
    found = client.get(f"/ideas/{ids['source']}?merge_q=DARK+dashboard").get_data(as_text=True)
    assert f'name="into" value="{ids["target"]}"' in found
    assert f'name="into" value="{ids["other"]}"' not in found and f'name="into" value="{ids["source"]}"' not in found
    assert "No other idea has those words" in client.get(f"/ideas/{ids['source']}?merge_q=zzz").get_data(as_text=True)
    resp = client.post(f"/ideas/{ids['source']}/merge", data={"into": ids["target"], "merge_q": "dark"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/ideas/{ids['target']}")


def _assert_excel_csv(body: bytes, first_column: str) -> list[list[str]]:
    assert body[:3] == b"\xef\xbb\xbf", body[:10]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == first_column
    return rows


def test_every_csv_download_has_a_utf8_byte_order_mark(app, client):
    def make() -> dict[str, int]:
        published(factories.make_user(), title="导出中文标题")
        return {"product": factories.make_user(roles=("product", "cs")).id}

    ids = build(app, make)
    login(client, ids["product"])
    ideas = client.get("/ideas/review/export.csv")
    assert ideas.mimetype == "text/csv" and ideas.mimetype_params.get("charset") == "utf-8"
    rows = _assert_excel_csv(ideas.get_data(), "id")
    assert rows[1][1] == "导出中文标题"
    health = client.get("/reports/health.csv?days=7")
    assert health.status_code == 200
    _assert_excel_csv(health.get_data(), "metric") if health.get_data()[3:9] == b"metric" else \
        _assert_excel_csv(health.get_data(), health.get_data()[3:].decode().split(",")[0])
    accounts = client.get("/reports/accounts.csv?from=2026-06-01&to=2026-06-30")
    assert accounts.status_code == 200
    assert accounts.get_data()[:3] == b"\xef\xbb\xbf"
