"""The public policy page (/moderation/policy): the mode badge, what it holds, the computed mode,
the NPS with its margin, answers and window, the reason, the override; the admins' override and
clear forms with CSRF and a confirmation; links from the queue and the footer; fixed statements."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forum import db
from forum.moderation import actions
from tests import factories
from tests.moderation.gate_helpers import T0, answers, login, statements

MIN = 10


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"FROZEN_NOW": T0, "NPS_MIN_RESPONSES": MIN}


def build(app: Any, fn: Any) -> Any:
    with app.test_request_context():
        result = fn()
        db.session.commit()
        return result


def _scores(app: Any, promoters: int, passives: int, detractors: int, category: Any = None) -> None:
    def go() -> None:
        answers(promoters, passives, detractors, category_id=category.id if category is not None else None)
        actions.recompute_modes(T0)

    build(app, go)


def test_anyone_sees_the_mode_its_meaning_the_inputs_and_the_reason(app, client):
    _scores(app, promoters=6, passives=8, detractors=6)  # NPS 0 of 20: guarded
    html = client.get("/moderation/policy").get_data(as_text=True)
    assert 'data-mode="guarded"' in html and "Guarded" in html
    assert "Posts by newcomers (members with fewer than 3 published posts" in html
    assert "Staff and ambassadors are never held." in html
    assert re.search(r"0 ± \d+(\.\d)?", html)
    assert "NPS 0 ± " in html and "from 20 answers is between 0 and 30: guarded." in html
    assert "the last 90 days" in html and "(10 needed)" in html
    assert "Override the mode" not in html  # no form for visitors


def test_a_category_is_chosen_by_slug_and_an_unknown_one_is_404(app, client):
    category = build(app, lambda: factories.make_category("Billing"))
    _scores(app, promoters=MIN, passives=0, detractors=0, category=category)
    html = client.get("/moderation/policy?category=billing").get_data(as_text=True)
    assert "<h2 id=\"policy-now\" class=\"small muted\">Billing</h2>" in html
    assert 'data-mode="open"' in html and '<option value="billing" selected>' in html
    assert client.get("/moderation/policy?category=nope").status_code == 404


def test_an_override_is_shown_with_who_why_and_until(app, client):
    def go() -> None:
        admin = factories.make_user("carol", roles=("admin",))
        actions.override_mode(admin, "strict", "Spam wave from new accounts")

    build(app, go)
    html = client.get("/moderation/policy").get_data(as_text=True)
    assert 'data-mode="strict"' in html and "Overridden" in html
    assert "Overridden by carol until 2026-06-22 12:00 UTC: Spam wave from new accounts" in html
    assert "Computed mode" in html and "Without the override:" in html


def test_an_admin_overrides_and_clears_through_the_page(app, client):
    admin = build(app, lambda: factories.make_user(roles=("admin",)))
    login(client, admin.id)
    page = client.get("/moderation/policy").get_data(as_text=True)
    assert "Override the mode" in page and 'data-control="override"' in page
    assert 'data-control="clear-override"' not in page
    resp = client.post("/moderation/policy", data={"mode": "strict", "note": "Spam wave", "until": "",
                                                   "category": ""}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "The mode is now Strict until 2026-06-22 12:00 UTC." in html
    assert 'data-mode="strict"' in html and 'data-control="clear-override"' in html
    resp = client.post("/moderation/policy/clear", data={"category": ""}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "The override is cleared: the computed mode applies." in html and 'data-mode="guarded"' in html


def test_an_override_of_a_category_with_an_end_through_the_page(app, client):
    admin = build(app, lambda: factories.make_user(roles=("admin",)))
    build(app, lambda: factories.make_category("Billing"))
    login(client, admin.id)
    resp = client.post("/moderation/policy", data={"mode": "open", "note": "Beta", "until": "2026-06-20T09:30",
                                                   "category": "billing"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/moderation/policy?category=billing")
    html = client.get("/moderation/policy?category=billing").get_data(as_text=True)
    assert 'data-mode="open"' in html and "until 2026-06-20 09:30 UTC: Beta" in html
    assert 'data-mode="guarded"' in client.get("/moderation/policy").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"mode": "strict", "note": ""}, "An override needs a note that says why."),
    ({"mode": "strict", "note": "x", "until": "2026-06-01T00:00"}, "The end of an override must be in the future."),
    ({"mode": "lax", "note": "x"}, "Check the override"),
])
def test_a_refused_override_is_flashed_and_changes_nothing(app, client, data, message):
    admin = build(app, lambda: factories.make_user(roles=("admin",)))
    login(client, admin.id)
    html = client.post("/moderation/policy", data={"category": "", **data}, follow_redirects=True).get_data(as_text=True)
    assert message in html and 'data-mode="guarded"' in html and "Overridden by" not in html


def test_members_and_moderators_may_not_override(app, client):
    member = build(app, lambda: factories.make_user())
    moderator = build(app, lambda: factories.make_user(roles=("moderator",)))
    for user in (member, moderator):
        login(client, user.id)
        assert "Override the mode" not in client.get("/moderation/policy").get_data(as_text=True)
        assert client.post("/moderation/policy", data={"mode": "open", "note": "x", "category": ""}).status_code == 403
        assert client.post("/moderation/policy/clear", data={"category": ""}).status_code == 403
    client.get("/")  # the session still works
    assert 'data-mode="guarded"' in client.get("/moderation/policy").get_data(as_text=True)


def test_signed_out_posts_go_to_sign_in(client):
    resp = client.post("/moderation/policy", data={"mode": "open", "note": "x"})
    assert resp.status_code in (302, 401) and "login" in resp.headers.get("Location", "login")


@pytest.mark.parametrize("app_config", [{"FROZEN_NOW": T0, "WTF_CSRF_ENABLED": True}])
def test_the_forms_carry_and_need_a_csrf_token(app, client):
    admin = build(app, lambda: factories.make_user(roles=("admin",)))
    login(client, admin.id)
    page = client.get("/moderation/policy").get_data(as_text=True)
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', page)
    resp = client.post("/moderation/policy", data={"mode": "strict", "note": "x", "category": ""})
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/moderation/policy", data={"mode": "strict", "note": "x", "category": "", "csrf_token": token})
    assert resp.status_code == 302
    assert 'data-mode="strict"' in client.get("/moderation/policy").get_data(as_text=True)


def test_every_page_links_the_policy_and_the_policy_links_the_queue_for_moderators(app, client):
    assert 'href="/moderation/policy"' in client.get("/").get_data(as_text=True)  # the footer
    assert 'href="/moderation/queue"' not in client.get("/moderation/policy").get_data(as_text=True)
    moderator = build(app, lambda: factories.make_user(roles=("moderator",)))
    login(client, moderator.id)
    html = client.get("/moderation/policy").get_data(as_text=True)
    assert '<a class="btn" href="/moderation/queue">' in html
    assert 'aria-current="page">Moderation queue' not in html  # the queue's nav link is not "current" here
    assert 'href="/moderation/policy"' in client.get("/moderation/queue").get_data(as_text=True)


def test_the_page_runs_a_fixed_number_of_statements(app, client):
    admin = build(app, lambda: factories.make_user(roles=("admin",)))
    login(client, admin.id)
    build(app, lambda: [factories.make_category() for _ in range(2)])
    _scores(app, 10, 5, 5)
    client.get("/moderation/policy")
    with app.app_context(), statements() as few:
        client.get("/moderation/policy")
    build(app, lambda: [factories.make_category() for _ in range(10)])
    build(app, lambda: actions.override_mode(db.session.get(type(admin), admin.id), "open", "x"))
    _scores(app, 10, 5, 5)
    with app.app_context(), statements() as many:
        client.get("/moderation/policy")
    assert few and len(many) <= len(few) + 1  # the override's author is joined, not looked up per row
