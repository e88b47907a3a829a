"""Health per customer organization (docs/rules.md: Health reports, per organization; docs/api.md:
Reports): hand-made events whose right answers are worked out here, the at-risk rule at its
boundaries, the category filter, sorting, a fixed number of statements, the API's statuses and
the CSV's byte-order mark, and the page at /reports/accounts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event as sa_event

from forum import db
from forum.engagement.models import Event
from forum.health import accounts
from forum.nps.models import Followup, FollowupSource, FollowupStatus, NpsResponse
from tests import factories
from tests.api.conftest import World, assert_error

NOW = dt.datetime(2026, 7, 1, 9)
PERIOD = accounts.Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30), NOW)   # 30 days, closed
CURRENT = dt.datetime(2026, 6, 10, 12)                                 # inside the period
PREVIOUS = dt.datetime(2026, 5, 10, 12)                                # inside 2026-05-02 … 2026-05-31
QUERY = "from=2026-06-01&to=2026-06-30"


# --------------------------------------------------------------------------- builders

def _event(user: Any, kind: str, at: dt.datetime, *, category: Any = None, subject_id: int | None = None) -> None:
    db.session.add(Event(kind=kind, user_id=user.id, organization_id=user.organization_id,
                         category_id=category.id if category is not None else None,
                         subject_type=None, subject_id=subject_id, occurred_at=at))


def _members(org: Any, n: int) -> list[Any]:
    return [factories.make_user(organization=org) for _ in range(n)]


def _active(members: list[Any], n: int, at: dt.datetime, kind: str = "visit", **kw: Any) -> None:
    for member in members[:n]:
        _event(member, kind, at, **kw)


def build_world() -> dict[str, Any]:
    """A: 10 → 6 active members (−40 %, at risk); B: 10 → 8 (−20 %); C: new, 0 → 5; D: 10 → 7
    (exactly −30 %, not at risk); E: nobody active."""
    orgs = {
        "A": factories.make_org("Acme", tier="benchmark", arr=500_000),
        "B": factories.make_org("Beta", tier="value_added", arr=90_000),
        "C": factories.make_org("Cogs", arr=20_000),
        "D": factories.make_org("Delta", arr=70_000),
        "E": factories.make_org("Echo", arr=1_000),
    }
    people = {key: _members(org, 10) for key, org in orgs.items()}
    for key, (before, now) in {"A": (10, 6), "B": (10, 8), "C": (0, 5), "D": (10, 7)}.items():
        _active(people[key], before, PREVIOUS)
        _active(people[key], now, CURRENT)
        _active(people[key], now, CURRENT + dt.timedelta(days=3))   # twice: still one active member each
    db.session.flush()
    return {"orgs": orgs, "people": people}


def _rows(period: accounts.Period = PERIOD, category_id: int | None = None) -> dict[str, accounts.AccountRow]:
    return {row.organization.name: row for row in accounts.account_rows(period, category_id)}


# --------------------------------------------------------------------------- the at-risk rule

@pytest.mark.parametrize(("now", "before", "risk"), [
    (6, 10, True), (8, 10, False), (7, 10, False), (5, 0, False), (0, 0, False), (0, 1, True),
    (10, 10, False), (12, 10, False), (69, 100, True), (70, 100, False)])
def test_at_risk_when_engagement_falls_by_more_than_the_drop(now, before, risk):
    assert accounts.is_at_risk(now, before, 0.3) is risk


def test_trend_is_the_change_as_a_fraction_of_the_previous_period():
    assert accounts.trend_of(6, 10) == -0.4
    assert accounts.trend_of(12, 10) == 0.2
    assert accounts.trend_of(3, 0) is None
    assert accounts.trend_of(0, 0) is None


@given(now=st.integers(0, 10_000), before=st.integers(0, 10_000), drop=st.sampled_from([0.1, 0.25, 0.3, 0.5]))
def test_at_risk_invariants(now, before, drop):
    risk = accounts.is_at_risk(now, before, drop)
    if before == 0 or now >= before:
        assert not risk
    if risk:
        assert (before - now) / before > drop - 1e-9
        assert accounts.is_at_risk(max(now - 1, 0), before, drop)  # falling further stays at risk


def test_period_and_previous_period(ctx):
    previous = PERIOD.previous()
    assert (previous.start, previous.end) == (dt.date(2026, 5, 2), dt.date(2026, 5, 31))
    end_of_june = dt.datetime(2026, 6, 30, 18)
    assert accounts.parse_period(None, None, now=end_of_june) == accounts.Period(PERIOD.start, PERIOD.end, end_of_june)
    one_day = accounts.parse_period("2026-06-01", "2026-06-01", now=NOW)
    assert (one_day.start, one_day.end, one_day.previous().start) == (dt.date(2026, 6, 1),) * 2 + (dt.date(2026, 5, 31),)
    for raw_from, raw_to, field in (("2026-13-01", None, "from"), ("yesterday", None, "from"),
                                    (None, "2026-02-30", "to"), ("2026-06-02", "2026-06-01", "from"),
                                    ("0001-01-01", "2026-01-01", "from"), ("2026-6-1", None, "from"),
                                    ("0001-01-01", "0001-01-03", "from")):
        with pytest.raises(accounts.PeriodError) as caught:
            accounts.parse_period(raw_from, raw_to, now=end_of_june)
        assert caught.value.field == field


# --------------------------------------------------------------------------- the rows

def test_active_members_engagement_trend_and_at_risk(session):
    build_world()
    rows = _rows()
    assert [rows[n].active_members for n in ("Acme", "Beta", "Cogs", "Delta", "Echo")] == [6, 8, 5, 7, 0]
    assert [rows[n].previous_engagement for n in ("Acme", "Beta", "Cogs", "Delta", "Echo")] == [10, 10, 0, 10, 0]
    assert rows["Acme"].engagement == 6 and rows["Acme"].trend == -0.4 and rows["Acme"].drop_percent == 40
    assert [n for n, r in rows.items() if r.at_risk] == ["Acme"]
    assert rows["Beta"].trend == -0.2
    assert rows["Cogs"].trend is None and rows["Echo"].trend is None
    assert rows["Delta"].trend == -0.3 and not rows["Delta"].at_risk


def test_the_roll_ups_give_the_same_rows_as_the_raw_events(session):
    from forum.engagement.actions import roll_up_events
    from forum.engagement.models import MemberDay

    world = build_world()
    category = factories.make_category("Integrations")
    acme = world["people"]["A"]
    for kind in ("question", "answer", "idea"):
        _event(acme[0], kind, CURRENT, category=category)
    _event(acme[1], "support", CURRENT, subject_id=7)
    db.session.flush()

    def numbers(category_id: int | None = None) -> list[tuple[Any, ...]]:
        return [(r.organization.name, r.active_members, r.contributions, r.ideas_supported, r.previous_engagement,
                 r.trend, r.at_risk) for r in accounts.account_rows(PERIOD, category_id)]

    raw, raw_category = numbers(), numbers(category.id)
    roll_up_events(NOW)
    db.session.flush()
    assert db.session.query(MemberDay).count() > 0
    assert numbers() == raw and numbers(category.id) == raw_category
    assert raw[0] == ("Acme", 6, 3, 1, 10, -0.4, True)


def test_the_drop_comes_from_the_health_rule_key(app, session):
    build_world()
    app.config["HEALTH"] = {**app.config["HEALTH"], "at_risk_drop": 0.15}
    assert sorted(n for n, r in _rows().items() if r.at_risk) == ["Acme", "Beta", "Delta"]


def test_events_at_the_period_edges(session):
    org = factories.make_org("Edge")
    people = _members(org, 4)
    _event(people[0], "visit", dt.datetime(2026, 6, 1, 0, 0))           # the first instant: in
    _event(people[1], "visit", dt.datetime(2026, 6, 30, 23, 59, 59))    # the last second: in
    _event(people[2], "visit", dt.datetime(2026, 7, 1, 0, 0))           # the next day: out
    _event(people[3], "visit", dt.datetime(2026, 5, 31, 23, 59, 59))    # the previous period
    _event(people[3], "visit", dt.datetime(2026, 5, 1, 23, 59, 59))     # before the previous period
    row = _rows()["Edge"]
    assert (row.active_members, row.previous_engagement) == (2, 1)


def test_contributions_and_ideas_supported(session):
    org = factories.make_org("Acme")
    a1, a2, a3 = _members(org, 3)
    for kind in ("question", "question", "answer", "comment", "idea"):
        _event(a1, kind, CURRENT)
    _event(a2, "vote", CURRENT)                      # engagement, not a contribution
    _event(a2, "question", PREVIOUS)                 # the previous period's contribution
    _event(a3, "roles_changed", CURRENT)             # done to the member: not engagement
    _event(a1, "support", CURRENT, subject_id=101)
    _event(a1, "support_withdrawn", CURRENT, subject_id=101)
    _event(a1, "support", CURRENT + dt.timedelta(hours=1), subject_id=101)   # the same idea again: once
    _event(a2, "support", CURRENT, subject_id=101)
    _event(a2, "support", CURRENT, subject_id=102)
    _event(a2, "support", PREVIOUS, subject_id=103)  # before the period
    row = _rows()["Acme"]
    assert row.contributions == 5
    assert row.ideas_supported == 3
    assert row.active_members == 2                   # a1 and a2; a3 only had roles changed
    assert row.previous_engagement == 1


def test_the_organization_is_the_one_at_the_time_of_the_event(session):
    old, new = factories.make_org("Old"), factories.make_org("New")
    member = factories.make_user(organization=new)
    db.session.add(Event(kind="visit", user_id=member.id, organization_id=old.id, occurred_at=CURRENT))
    rows = _rows()
    assert rows["Old"].active_members == 1 and rows["New"].active_members == 0


def test_a_real_question_counts_as_a_contribution(ctx, session):
    org = factories.make_org("Acme")
    member = factories.make_user(organization=org)
    factories.ask(member, title="How do I export a report?")
    db.session.flush()
    now = db.utcnow()
    row = _rows(accounts.Period(now.date(), now.date(), now + dt.timedelta(seconds=1)))["Acme"]
    assert row.contributions == 1 and row.active_members == 1


def test_latest_nps_over_the_window_ending_at_the_period_end(session):
    org, other = factories.make_org("Acme"), factories.make_org("Beta")
    member = factories.make_user(organization=org)
    end = PERIOD.until
    for score, when in ((10, end - dt.timedelta(days=10)), (9, end - dt.timedelta(days=80)),
                        (0, end - dt.timedelta(days=1)), (0, end + dt.timedelta(days=1)),   # after the period: out
                        (0, end - dt.timedelta(days=95))):                                   # before the window: out
        db.session.add(NpsResponse(user_id=member.id, organization_id=org.id, score=score, created_at=when))
    rows = _rows()
    assert rows["Acme"].nps_responses == 3
    assert rows["Acme"].latest_nps == pytest.approx(33.3, abs=0.05)   # 2 promoters, 1 detractor of 3
    assert rows["Beta"].latest_nps is None and rows["Beta"].nps_responses == 0
    assert other.id


def test_followups_open_are_the_unresolved_ones(session):
    org = factories.make_org("Acme")
    member = factories.make_user(organization=org)
    for status in (FollowupStatus.open, FollowupStatus.contacted, FollowupStatus.resolved):
        db.session.add(Followup(source=FollowupSource.post, content_type="question", content_id=hash(status) % 1000,
                                user_id=member.id, organization_id=org.id, status=status, due_at=CURRENT))
    assert _rows()["Acme"].followups_open == 2


def test_category_filter(session):
    integrations, analytics = factories.make_category("Integrations"), factories.make_category("Analytics")
    org = factories.make_org("Acme")
    people = _members(org, 5)
    _active(people, 3, CURRENT, kind="question", category=integrations)
    _active(people, 5, CURRENT, kind="answer", category=analytics)
    _active(people, 4, PREVIOUS, kind="answer", category=integrations)
    _active(people, 5, CURRENT, kind="visit")                             # no category
    db.session.add(NpsResponse(user_id=people[0].id, organization_id=org.id, score=10, category_id=analytics.id,
                               created_at=CURRENT))
    everything = _rows()["Acme"]
    assert (everything.active_members, everything.contributions, everything.latest_nps) == (5, 8, 100.0)
    only = _rows(category_id=integrations.id)["Acme"]
    assert (only.active_members, only.contributions, only.previous_engagement) == (3, 3, 4)
    assert only.latest_nps is None and only.trend == -0.25 and not only.at_risk
    assert _rows(category_id=analytics.id)["Acme"].contributions == 5


# --------------------------------------------------------------------------- sorting

def test_sorting(session):
    build_world()
    factories.make_category("Unused")
    rows = accounts.account_rows(PERIOD)

    def names(sort: str, **kw: Any) -> list[str]:
        return [r.organization.name for r in accounts.sort_rows(rows, sort, **kw)]

    assert names("at_risk") == ["Acme", "Delta", "Beta", "Cogs", "Echo"]   # at risk, then falling most
    assert names("active_members") == ["Beta", "Delta", "Acme", "Cogs", "Echo"]
    assert names("arr") == ["Acme", "Beta", "Delta", "Cogs", "Echo"]
    assert names("name") == ["Acme", "Beta", "Cogs", "Delta", "Echo"]
    assert names("arr", sees_arr=False) == names("name")


def test_sort_ties_go_by_name(session):
    for name in ("Zeta", "alpha", "Mu"):
        factories.make_org(name)
    assert [r.organization.name for r in accounts.sort_rows(accounts.account_rows(PERIOD), "contributions")] == \
        ["alpha", "Mu", "Zeta"]


# --------------------------------------------------------------------------- statements

def _statements(app: Any, fn: Any) -> int:
    engine = app.extensions["forum.engine"]
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def _add_orgs(n: int) -> None:
    for _ in range(n):
        org = factories.make_org()
        member = factories.make_user(organization=org)
        _event(member, "question", CURRENT)
        _event(member, "visit", PREVIOUS)
        db.session.add(NpsResponse(user_id=member.id, organization_id=org.id, score=3, created_at=CURRENT))
        db.session.add(Followup(source=FollowupSource.post, content_type="question", content_id=member.id,
                                user_id=member.id, organization_id=org.id, due_at=CURRENT))
    db.session.flush()


def test_statements_do_not_grow_with_organizations(app, session):
    _add_orgs(2)
    few = _statements(app, lambda: accounts.account_rows(PERIOD))
    _add_orgs(25)
    many = _statements(app, lambda: accounts.account_rows(PERIOD))
    assert few == many == 6


def test_the_page_runs_a_fixed_number_of_statements(app, client):
    world = World(app)
    viewer = world.user(roles=("cs",))
    world.run(_add_orgs, 2)
    _login(client, viewer)
    client.get(f"/reports/accounts?{QUERY}")   # the day's first visit is logged once
    few = _statements(app, lambda: client.get(f"/reports/accounts?{QUERY}"))
    world.run(_add_orgs, 30)
    many = _statements(app, lambda: client.get(f"/reports/accounts?{QUERY}"))
    assert few == many


# --------------------------------------------------------------------------- the API

@pytest.fixture
def api(app: Any) -> World:
    world = World(app)
    world.run(build_world)
    return world


def _get(client: Any, headers: dict[str, str], query: str = QUERY, path: str = "/api/v1/reports/accounts") -> Any:
    return client.get(f"{path}?{query}", headers=headers)


def test_api_statuses(client, api):
    assert_error(_get(client, {}), 401)
    assert_error(_get(client, {"Authorization": "Bearer nope"}), 401)
    assert_error(_get(client, api.headers(api.user())), 403)
    assert_error(_get(client, {}, path="/api/v1/reports/accounts.csv"), 401)
    assert_error(_get(client, api.headers(api.user()), path="/api/v1/reports/accounts.csv"), 403)
    for role in ("moderator", "product", "cs", "admin"):
        assert _get(client, api.headers(api.user(roles=(role,)))).status_code == 200


def test_api_bad_input_is_422_with_the_field(client, api):
    headers = api.headers(api.user(roles=("cs",)))
    for query, field in (("from=2026-02-30", "from"), ("to=tomorrow", "to"), ("from=2026-07-01&to=2026-06-01", "from"),
                         ("category=999", "category"), ("category=abc", "category"), ("sort=size", "sort"),
                         (f"{QUERY}&per_page=x", "per_page")):
        assert_error(_get(client, headers, query), 422, field=field)
    assert_error(_get(client, headers, "from=2026-02-30", path="/api/v1/reports/accounts.csv"), 422, field="from")
    # a member's 403 comes before the 422
    assert_error(_get(client, api.headers(api.user()), "from=nonsense"), 403)


def test_api_rows_default_at_risk_first(client, api):
    resp = _get(client, api.headers(api.user(roles=("cs",))))
    data = resp.get_json()
    assert set(data) == {"items", "total", "page", "per_page"} and data["total"] == 5
    first = data["items"][0]
    assert first["organization"] == {"id": first["organization"]["id"], "name": "Acme", "tier": "benchmark",
                                     "arr": 500_000}
    assert {k: first[k] for k in ("active_members", "engagement", "previous_engagement", "trend", "at_risk")} == \
        {"active_members": 6, "engagement": 6, "previous_engagement": 10, "trend": -0.4, "at_risk": True}
    assert set(first) >= {"contributions", "ideas_supported", "latest_nps", "followups_open"}
    assert [i["at_risk"] for i in data["items"]] == [True, False, False, False, False]
    cogs = next(i for i in data["items"] if i["organization"]["name"] == "Cogs")
    assert cogs["trend"] is None and cogs["at_risk"] is False


def test_api_sort_and_pages(client, api):
    headers = api.headers(api.user(roles=("product",)))
    names = [i["organization"]["name"] for i in _get(client, headers, f"{QUERY}&sort=arr").get_json()["items"]]
    assert names == ["Acme", "Beta", "Delta", "Cogs", "Echo"]
    page = _get(client, headers, f"{QUERY}&sort=name&page=2&per_page=2").get_json()
    assert [i["organization"]["name"] for i in page["items"]] == ["Cogs", "Delta"]
    assert (page["total"], page["page"], page["per_page"]) == (5, 2, 2)


def test_api_moderators_see_no_tier_or_arr(client, api):
    headers = api.headers(api.user(roles=("moderator",)))
    items = _get(client, headers, f"{QUERY}&sort=arr").get_json()["items"]
    assert all(i["organization"]["tier"] is None and i["organization"]["arr"] is None for i in items)
    assert [i["organization"]["name"] for i in items] == ["Acme", "Beta", "Cogs", "Delta", "Echo"]  # by name


def test_api_category_filter(client, app):
    world = World(app)
    category = world.category("Integrations")

    def _build() -> None:
        org = factories.make_org("Acme")
        people = _members(org, 3)
        _active(people, 2, CURRENT, kind="question", category=db.session.merge(category))
        _active(people, 3, CURRENT)

    world.run(_build)
    headers = world.headers(world.user(roles=("cs",)))
    assert _get(client, headers).get_json()["items"][0]["active_members"] == 3
    row = _get(client, headers, f"{QUERY}&category={category.id}").get_json()["items"][0]
    assert (row["active_members"], row["contributions"]) == (2, 2)


def test_api_csv_has_a_bom_and_chinese_names(client, app):
    world = World(app)
    world.org("华为云", tier="benchmark", arr=123_000)
    world.org("=cmd", arr=5)
    headers = world.headers(world.user(roles=("cs",)))
    resp = _get(client, headers, f"{QUERY}&sort=name", path="/api/v1/reports/accounts.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(accounts.CSV_COLUMNS)
    assert [r[1] for r in rows[1:]] == ["'=cmd", "华为云"]
    chinese = rows[2]
    assert chinese[2:5] == ["benchmark", "123000", "0"] and chinese[-1] == "false" and chinese[-2] == ""


def test_api_default_period_is_the_last_30_days(client, app):
    world = World(app)

    def _build() -> None:
        org = factories.make_org("Acme")
        a, b = _members(org, 2)
        _event(a, "visit", NOW - dt.timedelta(days=29, hours=9))   # 2026-06-01 00:00: the first day
        _event(b, "visit", NOW - dt.timedelta(days=31))            # the previous period

    world.run(_build)
    app.config["FROZEN_NOW"] = NOW
    row = _get(client, world.headers(world.user(roles=("cs",))), "").get_json()["items"][0]
    assert (row["active_members"], row["previous_engagement"]) == (1, 1)


# --------------------------------------------------------------------------- the page

def _order(html: str) -> list[str]:
    return re.findall(r'<span class="org-name">(.*?)</span>', html)


def _login(client: Any, user: Any) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True


def test_page_access(client, api):
    resp = client.get("/reports/accounts")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    _login(client, api.user())
    assert client.get("/reports/accounts").status_code == 403
    assert client.get("/reports/accounts.csv").status_code == 403
    for role in ("moderator", "product", "cs", "admin"):
        _login(client, api.user(roles=(role,)))
        assert client.get(f"/reports/accounts?{QUERY}").status_code == 200


def test_page_marks_the_at_risk_rows_with_the_drop(client, api):
    _login(client, api.user(roles=("cs",)))
    html = client.get(f"/reports/accounts?{QUERY}").get_data(as_text=True)
    assert html.count('class="at-risk"') == 1
    assert 'data-drop="40"' in html and "At risk −40 %" in html
    assert _order(html) == ["Acme", "Delta", "Beta", "Cogs", "Echo"]       # at risk first
    assert "1 organization is at risk." in html
    assert "500,000" in html                                                 # ARR for cs
    assert "sort=arr" in html and "sort=active_members" in html and "accounts.csv" in html
    assert 'data-label="Active members"' in html                             # the phone cards' labels


def test_page_sort_links_and_moderators_without_arr(client, api):
    _login(client, api.user(roles=("moderator",)))
    html = client.get(f"/reports/accounts?{QUERY}&sort=active_members").get_data(as_text=True)
    assert _order(html) == ["Beta", "Delta", "Acme", "Cogs", "Echo"]
    assert "sort=arr" not in html and "500,000" not in html
    by_arr = client.get(f"/reports/accounts?{QUERY}&sort=arr").get_data(as_text=True)
    assert _order(by_arr) == ["Acme", "Delta", "Beta", "Cogs", "Echo"]   # ignored: the default order


def test_page_bad_input_never_500(client, api):
    _login(client, api.user(roles=("cs",)))
    for query in ("from=2026-02-30", "to=x&from=y", "from=2026-07-01&to=2026-06-01", "category=nope",
                  "sort=zzz", "page=-3", "page=abc", "from=0001-01-01"):
        resp = client.get(f"/reports/accounts?{query}")
        assert resp.status_code == 200, query
    html = client.get("/reports/accounts?from=2026-02-30").get_data(as_text=True)
    assert 'role="alert"' in html and "YYYY-MM-DD" in html


def test_page_category_filter_in_the_url(client, app):
    world = World(app)
    category = world.category("Integrations")

    def _build() -> None:
        people = _members(factories.make_org("Acme"), 3)
        _active(people, 2, CURRENT, kind="answer", category=db.session.merge(category))
        _active(people, 3, CURRENT)

    world.run(_build)
    _login(client, world.user(roles=("cs",)))
    html = client.get(f"/reports/accounts?{QUERY}&category=integrations").get_data(as_text=True)
    assert '<option value="integrations" selected>' in html
    assert 'data-label="Active members">2<' in html
    assert 'data-label="Active members">3<' in client.get(f"/reports/accounts?{QUERY}").get_data(as_text=True)


def test_page_csv_download(client, app):
    world = World(app)
    world.org("华为云")
    _login(client, world.user(roles=("product",)))
    resp = client.get(f"/reports/accounts.csv?{QUERY}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.get_data().startswith("\ufeff".encode()) and "华为云" in resp.get_data().decode("utf-8")
    assert "accounts-2026-06-01-2026-06-30.csv" in resp.headers["Content-Disposition"]


def test_page_empty_state(client, app):
    world = World(app)
    _login(client, world.user(roles=("cs",)))
    html = client.get("/reports/accounts").get_data(as_text=True)
    assert "No customer organizations yet." in html and "<table" not in html


def test_page_in_chinese(client, api):
    _login(client, api.user(roles=("cs",), locale="zh"))
    html = client.get(f"/reports/accounts?{QUERY}").get_data(as_text=True)
    assert '<html lang="zh"' in html
    assert "客户组织" in html and "活跃成员" in html
