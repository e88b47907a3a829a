"""The community-health dashboard, /reports/health (docs/rules.md: Health reports): who may open it,
what it shows of a report (headline numbers with their change, every metric's definition by anchor,
launch readiness, criticism, the charts' JSON), the period picker and category filter kept in the
URL, a fixed number of statements, and the vendored charting library with its licence."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import sqlalchemy as sa

from forum import REPO_ROOT, db
from forum.health import export, rules
from forum.health import views as health_views
from tests.factories import ask, answer, make_category, make_user
from tests.health.dashboard_fixture import METRIC_KEYS, sample_report

NOW = dt.datetime(2030, 6, 30, 12, 0)
TODAY = NOW.date()


def login(client: Any, user_id: int) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user_id)
        s["_fresh"] = True


@pytest.fixture
def fake_report(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the report with the hand-made one; the calls it gets are recorded."""
    calls: list[dict[str, Any]] = []

    def health_report(start: dt.date, end: dt.date, category_id: int | None = None, now: Any = None) -> dict[str, Any]:
        calls.append({"start": start, "end": end, "category_id": category_id})
        return sample_report(start, end)

    monkeypatch.setattr(health_views.queries, "health_report", health_report)
    return calls


def staff(app: Any, *roles: str, locale: str = "en") -> int:
    with app.app_context():
        user = make_user(roles=roles, locale=locale)
        db.commit()
        return user.id


def page(client: Any, url: str = "/reports/health") -> str:
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def chart_json(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="health-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


# ----------------------------------------------------------------------------- access

@pytest.mark.parametrize("roles", [("admin",), ("moderator",), ("product",), ("cs",)])
def test_staff_who_read_reports_open_the_dashboard(app, client, freeze, fake_report, roles):
    freeze(NOW)
    login(client, staff(app, *roles))
    html = page(client)
    assert "Community health" in html
    assert fake_report and fake_report[0]["end"] == TODAY


def test_members_are_refused_and_visitors_sent_to_sign_in(app, client, fake_report):
    resp = client.get("/reports/health")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/reports/health.html").status_code == 302
    login(client, staff(app))
    for url in ("/reports/health", "/reports/health.csv", "/reports/health.json", "/reports/health.html"):
        assert client.get(url).status_code == 403, url
    assert fake_report == []


def test_staff_see_the_health_link_and_members_do_not(app, client, fake_report):
    member, cs = staff(app), staff(app, "cs")
    login(client, member)
    assert 'href="/reports/health"' not in page(client, "/")
    login(client, cs)
    assert 'href="/reports/health"' in page(client, "/")


# ----------------------------------------------------------------------------- what the page shows

def test_every_metric_key_has_a_definition_anchor_and_every_number_links_to_one(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin"))
    html = page(client)
    for key in METRIC_KEYS:
        assert f'id="def-{key}"' in html, key
        assert f"Definition of {key}." in html, key
    assert 'id="def-health_index"' in html
    anchors = set(re.findall(r'id="(def-[a-z0-9_]+)"', html))
    for target in re.findall(r'href="#(def-[a-z0-9_]+)"', html):
        assert target in anchors, target
    for key in ("members_total", "mau", "questions", "response_rate_24h", "solved_rate", "deflection_rate", "nps",
                "ideas_submitted", "nps_margin_of_error"):
        assert f'href="#def-{key}"' in html, key


def test_headline_numbers_and_their_change(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin"))
    html = page(client)
    # 1200 members against 960 before: up 25 %; response rate 80 % against 64 %: up 25 %.
    tile = html[html.index('data-tile="members_total"'):]
    assert ">1,200<" in tile[:600] and "▲ 25%" in tile[:900]
    rate = html[html.index('data-tile="response_rate_24h"'):]
    assert ">80%<" in rate[:600] and "▲ 25%" in rate[:900]
    nps = html[html.index('data-tile="nps"'):]
    assert "+24" in nps[:600] and "± 11.5" in nps[:700]
    assert "No value to compare with" in nps[:1200]          # the previous NPS was null: no change, no crash
    assert "63.5" not in html or ">64<" in html                # the index shown rounded
    assert 'data-sub-score="ideas"' in html
    assert "0.2·growth" in html                                 # the formula as the report states it
    assert 'data-launch="ready"' in html and "NPS 24 ± 11.5 from 60 answers" in html
    assert "Criticism is answered" in html and "Negative posts were not rejected more often" in html


def test_the_chart_data_is_a_json_block_and_the_page_has_no_inline_script(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin"))
    html = page(client)
    data = chart_json(html)
    assert len(data["activity"]["days"]) == 30 and data["activity"]["days"][-1] == TODAY.isoformat()
    assert data["rates"]["response_rate_24h"] == [70.0, 85.0, None, 90.0]
    assert data["nps"]["low"] == [-5.0, 5.0, 12.5] and data["nps"]["high"] == [25.0, 31.0, 35.5]
    assert data["funnel"]["stages"][0] == "Submitted" and data["funnel"]["counts"][0] == 14
    assert data["cohorts"]["retained"][0] == [100.0, 60.0, 45.0, 40.0]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    for src in ("vendor/chart.js/chart.umd.min.js", "vendor/chartjs-chart-matrix/chartjs-chart-matrix.min.js",
                "js/health.js"):
        assert f"/static/{src}" in html
    assert "http://" not in html.split("<body", 1)[1].replace("http://localhost", "")


def test_the_page_is_chinese_for_a_chinese_reader_charts_included(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin", locale="zh"))
    html = page(client)
    assert '<html lang="zh">' in html and "社区健康" in html
    data = chart_json(html)
    assert data["locale"] == "zh"
    assert re.search(r"[\u4e00-\u9fff]", data["labels"]["active_members"])
    assert re.search(r"[\u4e00-\u9fff]", data["funnel"]["stages"][0])


def test_an_empty_report_renders(app, client, freeze, monkeypatch):
    """The real report over an empty community: nulls everywhere, never a crash."""
    freeze(NOW)
    login(client, staff(app, "admin"))
    html = page(client)
    assert 'id="def-response_rate_24h"' in html and "—" in html
    data = chart_json(html)
    assert data["rates"]["weeks"] == [] or all(v is None for v in data["rates"]["response_rate_24h"])


# ----------------------------------------------------------------------------- the period and the category

@pytest.mark.parametrize("query, start, end, days", [
    ("", TODAY - dt.timedelta(days=29), TODAY, "30"),
    ("?days=7", TODAY - dt.timedelta(days=6), TODAY, "7"),
    ("?days=365", TODAY - dt.timedelta(days=364), TODAY, "365"),
    ("?days=7&from=2030-01-01&to=2030-01-31", TODAY - dt.timedelta(days=6), TODAY, "7"),
    ("?days=custom&from=2030-01-01&to=2030-01-31", dt.date(2030, 1, 1), dt.date(2030, 1, 31), "custom"),
    ("?from=2030-02-01&to=2030-02-10", dt.date(2030, 2, 1), dt.date(2030, 2, 10), "custom"),
    ("?from=2030-06-01", dt.date(2030, 6, 1), TODAY, "custom"),
])
def test_the_period_picker(app, client, freeze, fake_report, query, start, end, days):
    freeze(NOW)
    login(client, staff(app, "product"))
    html = page(client, "/reports/health" + query)
    assert fake_report[-1]["start"] == start and fake_report[-1]["end"] == end
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html
    assert re.search(rf'<option value="{days}"\s+selected', html)
    assert 'method="get"' in html
    # the downloads and the per-organization page keep the same period
    assert f"/reports/health.csv?from={start.isoformat()}&amp;to={end.isoformat()}" in html
    assert f"/reports/health.json?from={start.isoformat()}&amp;to={end.isoformat()}" in html
    assert f"/reports/health.html?from={start.isoformat()}&amp;to={end.isoformat()}" in html
    assert f"/reports/accounts?from={start.isoformat()}&amp;to={end.isoformat()}" in html


@pytest.mark.parametrize("query", ["?from=2030-13-01&to=2030-01-01", "?from=2030-02-10&to=2030-02-01",
                                   "?days=12", "?from=2000-01-01&to=2030-01-01", "?days=custom&from=x&to=y",
                                   "?category=abc", "?category=999999"])
def test_bad_input_shows_the_default_period_never_an_error(app, client, freeze, fake_report, query):
    freeze(NOW)
    login(client, staff(app, "admin"))
    html = page(client, "/reports/health" + query)
    if "category" not in query:
        assert 'role="alert"' in html
        assert fake_report[-1]["start"] == TODAY - dt.timedelta(days=29) and fake_report[-1]["end"] == TODAY
    assert fake_report[-1]["category_id"] is None


def test_a_control_character_in_the_query_is_refused_with_the_field_named(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin"))
    resp = client.get("/reports/health?days=%00")
    assert resp.status_code == 422 and "days" in resp.get_data(as_text=True)
    assert fake_report == []


def test_the_category_filter_stays_in_the_url(app, client, freeze, fake_report):
    freeze(NOW)
    with app.app_context():
        billing = make_category("Billing")
        make_category("Integrations")
        db.commit()
        billing_id = billing.id
    login(client, staff(app, "cs"))
    html = page(client, f"/reports/health?days=90&category={billing_id}")
    assert fake_report[-1]["category_id"] == billing_id
    assert re.search(rf'<option value="{billing_id}"\s+selected>Billing</option>', html)
    assert f"category={billing_id}" in html.split('href="/reports/health.json?', 1)[1].split('"', 1)[0]
    page(client, "/reports/health?category=billing")
    assert fake_report[-1]["category_id"] == billing_id


# ----------------------------------------------------------------------------- downloads

def test_downloads_for_a_signed_in_viewer(app, client, freeze, fake_report):
    freeze(NOW)
    login(client, staff(app, "admin"))
    resp = client.get("/reports/health.json?days=7")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.get_json()["metrics"]["members_total"] == 1200
    resp = client.get("/reports/health.csv?days=7")
    assert resp.status_code == 200 and resp.mimetype == "text/csv" and "members_total" in resp.get_data(as_text=True)
    resp = client.get("/reports/health.html?days=7")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "<svg" in resp.get_data(as_text=True)


# ----------------------------------------------------------------------------- statements

def _count_statements(client: Any, url: str) -> int:
    seen: list[str] = []
    engine = client.application.extensions["forum.engine"]

    def before(*args: Any, **_: Any) -> None:
        seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def test_the_page_runs_a_fixed_number_of_statements_whatever_the_data(app, client, freeze):
    """The real report: the same statements for a small and a larger community."""
    freeze(NOW)
    admin = staff(app, "admin")
    login(client, admin)
    url = "/reports/health?days=30"
    client.get(url)
    small = _count_statements(client, url)
    with app.app_context():
        for n in range(6):
            author = make_user()
            category = make_category()
            question = ask(author, title=f"Question number {n} about exports", category_id=category.id)
            answer(make_user(), question)
        db.commit()
    client.get(url)
    assert _count_statements(client, url) == small


# ----------------------------------------------------------------------------- presentation rules

def test_change_directions_and_good_news(ctx):
    assert export.change("questions", 120, 100)["arrow"] == "▲" and export.change("questions", 120, 100)["good"]
    down = export.change("median_first_answer_minutes", 30, 60)
    assert down["direction"] == "down" and down["good"] is True and down["size"] == "50%"
    assert export.change("nps", 20, 25)["size"] == "5 pts" and export.change("nps", 20, 25)["good"] is False
    assert export.change("questions", 5, 0)["direction"] == "up"
    assert export.change("questions", 0, 0)["direction"] == "same"
    assert export.change("questions", None, 3) is None and export.change("questions", 3, None) is None


def test_every_documented_metric_has_a_name(ctx):
    assert set(rules.METRIC_KEYS) <= set(export.METRICS)
    assert list(export.METRICS) == list(rules.METRIC_KEYS)


# ----------------------------------------------------------------------------- the vendored library

def test_the_charting_library_is_vendored_with_its_licence_and_version():
    chart = REPO_ROOT / "static" / "vendor" / "chart.js"
    matrix = REPO_ROOT / "static" / "vendor" / "chartjs-chart-matrix"
    assert (chart / "chart.umd.min.js").read_text(encoding="utf-8").startswith("/*!\n * Chart.js v4.6.1")
    assert "MIT License" in (chart / "LICENSE.md").read_text(encoding="utf-8")
    assert "chart.js@4.6.1" in (chart / "README.md").read_text(encoding="utf-8")
    assert "chartjs-chart-matrix v3.1.0" in (matrix / "chartjs-chart-matrix.min.js").read_text(encoding="utf-8")[:200]
    assert "MIT License" in (matrix / "LICENSE").read_text(encoding="utf-8")
    assert "chartjs-chart-matrix@3.1.0" in (matrix / "README.md").read_text(encoding="utf-8")
    assert (REPO_ROOT / "static" / "js" / "health.js").exists()


def test_the_threads_of_comments_are_found_with_their_category(session):
    """qa.queries.post_threads, which the report's criticism group reads for held comments."""
    from forum.qa.actions import post_comment
    from forum.qa.queries import post_threads

    category = make_category()
    question = ask(make_user(), category_id=category.id)
    on_question = post_comment(make_user(points=500), question, body="Same problem here since the update.")
    on_answer = post_comment(make_user(points=500), answer(make_user(), question), body="This did not work for me.")
    session.flush()
    found = post_threads([("comment", on_question.id), ("comment", on_answer.id)])
    assert {found[("comment", c.id)]["question_id"] for c in (on_question, on_answer)} == {question.id}
    assert {found[("comment", c.id)]["category_id"] for c in (on_question, on_answer)} == {category.id}


def test_a_closed_period_is_cached_until_a_roll_up_and_today_is_computed_fresh(app, client, freeze):
    """A closed period's second request reads the cache (far fewer statements); a roll-up that rewrites
    a day starts a new key, so the page shows the rolled-up events."""
    from forum.engagement.actions import record_event, roll_up_events

    freeze(NOW)
    admin = staff(app, "admin")
    login(client, admin)
    closed = "/reports/health?from=2030-06-01&to=2030-06-28"
    first = _count_statements(client, closed)
    again = _count_statements(client, closed)
    assert again < first / 3
    before = chart_json(page(client, closed))
    with app.app_context():
        from forum.accounts.models import User

        record_event("visit", db.session.get(User, admin), occurred_at=dt.datetime(2030, 6, 10, 9))
        db.commit()
    assert chart_json(page(client, closed)) == before          # cached: the late event is not rolled up yet
    with app.app_context():
        roll_up_events(NOW)
        db.commit()
    after = chart_json(page(client, closed))
    assert after != before


def test_a_period_reaching_today_is_kept_for_the_live_seconds_and_says_as_of_when(app, client, freeze):
    freeze(NOW)
    login(client, staff(app, "admin"))
    today = "/reports/health?days=30"
    first = _count_statements(client, today)
    again = _count_statements(client, today)
    assert again < first / 3
    assert "numbers as of" in page(client, today)
    app.config["HEALTH_LIVE_REPORT_SECONDS"] = 0          # 0: computed at each request
    assert _count_statements(client, today) > again * 3
    assert _count_statements(client, today) > again * 3


def test_the_tick_computes_the_dashboards_windows_ahead_in_every_language(app, client, freeze):
    from forum.health import reports

    freeze(NOW)
    with app.app_context():
        assert reports.warm_dashboard(NOW) == [7, 30, 90, 365]
        assert reports.warm_dashboard(NOW) == []                              # fresh: nothing due
        assert reports.warm_dashboard(NOW + dt.timedelta(seconds=151)) == [7, 30, 90, 365]  # half the 300 s
    login(client, staff(app, "admin", locale="zh"))
    count, html = _count_statements(client, "/reports/health?days=90"), page(client, "/reports/health?days=90")
    assert count < 20                                      # read from the kept report, not computed
    assert "健康指数" in html and "Health index = the weighted mean" not in html   # the words in the reader's language
    app.config["HEALTH_LIVE_REPORT_SECONDS"] = 0
    with app.app_context():
        assert reports.warm_dashboard(NOW) == []
