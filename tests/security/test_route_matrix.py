"""Every route of the app, probed with out-of-range ids, page numbers and control characters, as a
visitor and as an admin: never a 500 (the closing note of the security issue counts these cases)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_user
from tests.security.conftest import login

BAD_IDS = [2**31, 2**63, 10**30]
BAD_QUERIES = ["page=99999999999999999999", "per_page=", f"per_page={2**63}", "category=99999999999999",
               "q=a%00b", "title=%1b%5b31m", "days=-99999999999999999999", "from=%00", "sort=%00"]


def _routes(app: Any) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" and "GET" in (r.methods or ())]


def _fill(rule: Any, number: int) -> str | None:
    """The rule's path with every int argument `number` and every other argument a plain word."""
    path = rule.rule
    for arg, converter in rule._converters.items():  # noqa: SLF001 - Werkzeug keeps them there
        name = type(converter).__name__
        start = path.index("<")
        end = path.index(">", start) + 1
        if "Integer" in name:
            value = str(number)
        elif "Any" in name:
            value = sorted(converter.items)[0] if hasattr(converter, "items") else "questions"
        else:
            value = "word"
        path = path[:start] + value + path[end:]
    return path


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_no_route_answers_500_to_out_of_range_ids_or_control_characters(app, client, seed, who):
    seed(lambda: make_user("boss", roles=("admin",)))
    if who == "admin":
        login(client, "boss")
    cases = failures = 0
    problems = []
    for rule in _routes(app):
        paths = []
        if any("Integer" in type(c).__name__ for c in rule._converters.values()):  # noqa: SLF001
            paths += [p for n in BAD_IDS if (p := _fill(rule, n))]
        elif not rule._converters:  # noqa: SLF001
            paths += [f"{rule.rule}?{q}" for q in BAD_QUERIES]
        for path in paths:
            cases += 1
            response = client.get(path)
            if response.status_code >= 500:
                failures += 1
                problems.append(f"{path} → {response.status_code}")
            elif "Integer" in str([type(c).__name__ for c in rule._converters.values()]) and "?" not in path:  # noqa: SLF001
                if response.status_code not in (404, 302, 401, 403):
                    problems.append(f"{path} → {response.status_code} (an out-of-range id should be 404)")
    print(f"route matrix ({who}): {cases} requests, {failures} answered 5xx")
    assert cases > 100
    assert problems == [], problems[:20]


BAD_BODIES = ["[" * 50_000, '{"a":' * 5_000 + "1" + "}" * 5_000,
              '{"title": "T\\u0000", "body": "B\\u0000", "name": "N\\u202e", "category": 99999999999999999999, '
              '"value": 9223372036854775808, "score": 1e400, "user_ids": [99999999999999], "arr": 1e300, '
              '"ids": [99999999999], "reason": "\\u0001", "into": 2147483648}']


def test_no_api_write_route_answers_500_to_bad_bodies(app, client, seed):
    from forum.accounts import actions

    def build() -> str:
        admin = make_user("root", roles=("admin",))
        return actions.issue_token(admin)[1]

    secret = seed(build)
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    cases, problems = 0, []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            path = _fill(rule, 2**31) if rule._converters else rule.rule  # noqa: SLF001
            for body in BAD_BODIES:
                cases += 1
                response = client.open(path, method=method, headers=headers, data=body)
                if response.status_code >= 500 or not response.is_json:
                    problems.append(f"{method} {path} {body[:20]!r} → {response.status_code}")
    print(f"API write routes: {cases} requests with bad bodies")
    assert cases > 30
    assert problems == [], problems[:20]


PAGE_JSON_BODIES = ["[" * 50_000, '{"kind": "ask_started", "question_id": 9223372036854775808}',
                    '{"kind": "ask_started", "question_id": "999999999999999999999999"}',
                    '{"title": "x\\u0000", "name": "a\\u202eb", "page": 99999999999999999999}']


def test_no_page_post_route_answers_500_to_bad_json(app, client, seed):
    """JSON sent to the pages' own endpoints (the ask page's events, the preview …), signed in."""
    seed(lambda: make_user("writer", points=500))
    cases, problems = 0, []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/") or "POST" not in (rule.methods or ()) or rule.rule == "/logout":
            continue
        path = _fill(rule, 2**31) if rule._converters else rule.rule  # noqa: SLF001
        for body in PAGE_JSON_BODIES:
            login(client, "writer")
            cases += 1
            response = client.post(path, data=body, content_type="application/json")
            if response.status_code >= 500:
                problems.append(f"POST {path} {body[:30]!r} → {response.status_code}")
    print(f"page POST routes: {cases} requests with bad JSON")
    assert cases > 30
    assert problems == [], problems[:20]


def test_ask_events_refuse_out_of_range_question_ids(client, seed):
    seed(lambda: make_user("asker"))
    login(client, "asker")
    for question_id in (2**63, "9" * 24, 2**31):
        response = client.post("/search/ask-events", json={"kind": "ask_started", "question_id": question_id})
        assert response.status_code == 422
