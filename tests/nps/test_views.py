"""The NPS pages through the test client: the in-page prompt (shown, hidden, dismissed), answering
from it, the scores page for staff and the follow-up page for customer success."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from forum import db
from forum.nps import actions
from forum.nps.models import Followup, FollowupStatus, NpsResponse
from tests import factories
from tests.nps.conftest import DAY, T0, at, build, login, member

PROMPT = "Extremely likely"


def _user(app: Any, days: float = 30, **kw: Any) -> int:
    return build(app, lambda: member(days=days, **kw).id)


def _statements(app: Any, client: Any, url: str, log: list[str] | None = None) -> tuple[int, Any]:
    engine = app.extensions["forum.engine"]
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    if log is not None:
        log.extend(seen)
    return len(seen), resp


# --------------------------------------------------------------------------- the prompt

def test_the_prompt_is_shown_to_an_eligible_member_with_its_labels_and_forms(app, client):
    build(app, lambda: factories.make_category("Analytics"))
    login(client, _user(app))
    html = client.get("/").get_data(as_text=True)
    assert PROMPT in html and "Not at all likely" in html
    assert 'action="/nps"' in html and 'action="/nps/dismiss"' in html
    assert html.count('name="score"') == 11 and "Analytics" in html
    assert 'name="next" type="hidden" value="/"' in html or 'value="/"' in html


def test_the_prompt_is_hidden_for_anonymous_and_new_members(app, client):
    assert PROMPT not in client.get("/").get_data(as_text=True)
    login(client, _user(app, days=13))
    assert PROMPT not in client.get("/").get_data(as_text=True)


def test_the_prompt_is_not_shown_to_staff(app, client):
    """Staff work for the product: the survey asks its customers."""
    login(client, _user(app, roles=("cs",)))
    assert PROMPT not in client.get("/").get_data(as_text=True)


def test_answering_from_the_prompt_flashes_and_hides_it(app, client):
    user_id = _user(app)
    login(client, user_id)
    resp = client.post("/nps", data={"score": "9", "comment": "Nice", "category": "", "next": "/tags"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/tags")
    page = client.get("/tags").get_data(as_text=True)
    assert "Thank you for your answer!" in page and PROMPT not in page
    with app.app_context():
        response = db.session.scalars(sa.select(NpsResponse)).one()
        assert (response.user_id, response.score, response.comment, response.category_id) == (user_id, 9, "Nice", None)


def test_a_detractor_is_told_customer_success_will_get_in_touch(app, client):
    login(client, _user(app))
    client.post("/nps", data={"score": "2", "next": "/"})
    assert "customer-success team will get in touch" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Followup.id))) == 1


@pytest.mark.parametrize("score", ["", "11", "abc", "-1"])
def test_a_bad_score_is_refused_with_a_flash_not_a_500(app, client, score):
    login(client, _user(app))
    resp = client.post("/nps", data={"score": score, "next": "/"})
    assert resp.status_code == 303
    assert "The score must be a whole number" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(NpsResponse.id))) == 0


def test_a_second_answer_is_refused_with_a_flash(app, client):
    login(client, _user(app))
    client.post("/nps", data={"score": "9", "next": "/"})
    client.get("/")
    client.post("/nps", data={"score": "3", "next": "/"})
    assert "already answered" in client.get("/").get_data(as_text=True)


def test_the_redirect_stays_on_the_site(app, client):
    login(client, _user(app))
    resp = client.post("/nps/dismiss", data={"next": "//evil.example/x"})
    assert resp.status_code == 303 and "evil" not in resp.headers["Location"]


def test_dismissing_hides_the_prompt_for_seven_days(app, client):
    login(client, _user(app))
    resp = client.post("/nps/dismiss", data={"next": "/tags"})
    assert resp.status_code == 303
    page = client.get("/tags").get_data(as_text=True)
    assert "ask you again later" in page and PROMPT not in page
    assert PROMPT not in client.get("/").get_data(as_text=True)
    at(app, T0 + 6 * DAY)
    assert PROMPT not in client.get("/").get_data(as_text=True)
    at(app, T0 + 7 * DAY)
    assert PROMPT in client.get("/").get_data(as_text=True)


def test_signed_out_posts_go_to_sign_in(client):
    resp = client.post("/nps", data={"score": "9"})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_prompt_forms_carry_a_csrf_token(app, tmp_path, database_urls, backend):
    from tests.conftest import make_app

    csrf_app = make_app(database_urls[backend], tmp_path, WTF_CSRF_ENABLED=True, FROZEN_NOW=T0)
    client = csrf_app.test_client()
    build(csrf_app, lambda: factories.make_category("Analytics"))
    login(client, _user(csrf_app))
    html = client.get("/").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 3  # the survey, the dismiss button, sign-out
    resp = client.post("/nps", data={"score": "9", "next": "/"})
    assert resp.status_code == 400
    with csrf_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(NpsResponse.id))) == 0  # refused without the token
    # the prompt's own forms, posted as a browser would (their hidden fields, a score, a product)
    survey, dismiss = _forms(html, "/nps"), _forms(html, "/nps/dismiss")
    assert set(survey) == {"csrf_token", "next", "score", "comment", "category"} and set(dismiss) == {"csrf_token", "next"}
    assert survey["score"] == [str(n) for n in range(11)] and survey["next"] == ["/"]
    resp = client.post("/nps", data={"csrf_token": survey["csrf_token"][0], "next": survey["next"][0], "score": "7",
                                     "comment": "Fine", "category": survey["category"][-1]})
    assert resp.status_code == 303
    with csrf_app.app_context():
        row = db.session.scalars(sa.select(NpsResponse)).one()
        assert (row.score, row.comment, str(row.category_id)) == (7, "Fine", survey["category"][-1])
    resp = client.post("/nps/dismiss", data={"csrf_token": dismiss["csrf_token"][0], "next": "/"})
    assert resp.status_code == 303
    csrf_app.extensions["forum.engine"].dispose()


def _forms(html: str, action: str) -> dict[str, list[str]]:
    """The named controls of the form posting to `action`: name -> values (radio buttons and options)."""
    from html.parser import HTMLParser

    fields: dict[str, list[str]] = {}

    class Reader(HTMLParser):
        inside, select = False, None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "form":
                self.inside = a.get("action") == action
            elif self.inside and tag in ("input", "textarea") and a.get("name"):
                fields.setdefault(a["name"], []).append(a.get("value") or "")
            elif self.inside and tag == "select":
                self.select = a.get("name")
                fields.setdefault(self.select, [])
            elif self.inside and tag == "option" and self.select:
                fields[self.select].append(a.get("value") or "")

        def handle_endtag(self, tag: str) -> None:
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.select = None

    Reader().feed(html)
    return fields


def test_the_prompt_costs_a_fixed_small_number_of_statements(app, client):
    def many() -> None:
        for n in range(30):
            factories.make_category(f"Cat {n}")
    build(app, many)
    eligible = _user(app)
    client.get("/tags")
    anonymous, _ = _statements(app, client, "/tags")
    login(client, eligible)
    client.get("/tags")
    shown, resp = _statements(app, client, "/tags")
    assert PROMPT in resp.get_data(as_text=True)
    client.post("/nps/dismiss", data={"next": "/tags"})
    client.get("/tags")
    hidden, resp = _statements(app, client, "/tags")
    assert PROMPT not in resp.get_data(as_text=True)
    assert shown == hidden + 1  # the categories of the prompt's select; the decision itself is one statement


# --------------------------------------------------------------------------- scores (staff)

def test_the_scores_page_for_staff(app, client):
    def make() -> int:
        analytics = factories.make_category("Analytics")
        org = factories.make_org("Gold", tier="benchmark")
        for score in (10, 10, 9, 7, 2):
            actions.record_nps(member(days=400, organization=org), score, None, analytics.id)
        return factories.make_user(roles=("moderator",)).id
    login(client, build(app, make))
    html = client.get("/nps").get_data(as_text=True)
    assert "+40.0" in html and "±" in html and "Analytics" in html and "Benchmark" in html
    assert "Monthly trend" in html and "2026-06" in html and "2025-07" in html
    assert "guarded" in html
    filtered = client.get("/nps?days=7&category=analytics").get_data(as_text=True)
    assert "last 7 days" in filtered
    assert client.get("/nps?days=abc&category=nope").status_code == 200


def test_the_scores_page_is_not_for_members(app, client):
    assert client.get("/nps").status_code == 302
    login(client, _user(app))
    assert client.get("/nps").status_code == 403


# --------------------------------------------------------------------------- follow-ups (cs)

def _detractors(n: int, org_name: str | None = "Initech", prefix: str = "unhappy") -> None:
    org = factories.make_org(org_name, tier="value_added") if org_name else None
    for i in range(n):
        actions.record_nps(member(days=400, organization=org, username=f"{prefix}{i}"), i % 7, f"Reason {i}")


def test_the_followup_page_lists_open_ones_with_member_org_score_comment_and_due(app, client):
    cs = build(app, lambda: (_detractors(2), factories.make_user(roles=("cs",)).id)[1])
    login(client, cs)
    html = client.get("/followups").get_data(as_text=True)
    assert "unhappy0" in html and "unhappy1" in html and "Initech" in html
    assert "Reason 1" in html and "Score 1" in html and "Due" in html
    assert "badge-overdue" not in html
    at(app, T0 + dt.timedelta(hours=49))
    late = client.get("/followups").get_data(as_text=True)
    assert late.count("badge-overdue") == 2 and "2 overdue" in late


def test_marking_a_followup_contacted_then_resolved_from_the_page(app, client):
    cs = build(app, lambda: (_detractors(1), factories.make_user(roles=("cs",)).id)[1])
    login(client, cs)
    with app.app_context():
        fid = db.session.scalar(sa.select(Followup.id))
    resp = client.post(f"/followups/{fid}", data={"status": "contacted", "note": "Phoned", "back": "/followups"})
    assert resp.status_code == 303
    html = client.get("/followups").get_data(as_text=True)
    assert "is now Contacted" in html and "Phoned" in html
    client.post(f"/followups/{fid}", data={"status": "resolved", "note": "Fixed", "back": "/followups"})
    with app.app_context():
        assert db.session.get(Followup, fid).status == FollowupStatus.resolved
    resolved = client.get("/followups?status=resolved").get_data(as_text=True)
    assert "Fixed" in resolved and f'action="/followups/{fid}"' not in resolved  # resolved: no more form
    assert "No follow-ups with this status." in client.get("/followups?status=open").get_data(as_text=True)


def test_a_followup_update_without_a_note_is_refused_with_a_flash(app, client):
    cs = build(app, lambda: (_detractors(1), factories.make_user(roles=("cs",)).id)[1])
    login(client, cs)
    with app.app_context():
        fid = db.session.scalar(sa.select(Followup.id))
    client.post(f"/followups/{fid}", data={"status": "resolved", "note": " "})
    assert "A note is needed" in client.get("/followups").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Followup, fid).status == FollowupStatus.open
    assert client.post("/followups/9999", data={"status": "resolved", "note": "x"}).status_code == 404


def test_the_followup_page_is_for_cs(app, client):
    assert client.get("/followups").status_code == 302
    member_id = _user(app)
    login(client, member_id)
    assert client.get("/followups").status_code == 403
    fid = build(app, lambda: (_detractors(1, None), db.session.scalar(sa.select(Followup.id)))[1])
    assert client.post(f"/followups/{fid}", data={"status": "resolved", "note": "x"}).status_code == 403


def test_the_followup_page_empty_state_and_pagination(app, client):
    cs = build(app, lambda: factories.make_user(roles=("cs",)).id)
    login(client, cs)
    assert "No follow-ups yet" in client.get("/followups").get_data(as_text=True)
    build(app, lambda: _detractors(25))
    first = client.get("/followups").get_data(as_text=True)
    assert first.count('class="card followup') == 20 and 'rel="next"' in first
    assert client.get("/followups?page=2").get_data(as_text=True).count('class="card followup') == 5


def test_the_followup_page_statements_do_not_grow_with_its_rows(app, client):
    cs = build(app, lambda: factories.make_user(roles=("cs",)).id)
    login(client, cs)
    build(app, lambda: _detractors(2, "Small"))
    client.get("/followups")
    small_log: list[str] = []
    small, _ = _statements(app, client, "/followups", small_log)
    build(app, lambda: _detractors(15, "Big", "upset"))

    def notes() -> None:
        cs_user = db.session.get(factories.User, cs)
        for f in db.session.scalars(sa.select(Followup).limit(10)):
            actions.update_followup(cs_user, f, "contacted", "Called")
    build(app, notes)
    big_log: list[str] = []
    big, resp = _statements(app, client, "/followups", big_log)
    assert resp.status_code == 200 and big == small, "\n\n".join(big_log)
