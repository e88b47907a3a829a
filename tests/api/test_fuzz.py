"""Fuzzing the JSON API against its own served OpenAPI document (docs/api.md: Conventions).

Schemathesis generates requests from GET /api/v1/openapi.json for every operation — at most
MAX_EXAMPLES cases each, derandomized so that a run is reproducible — and sends each case through
the WSGI app twice: with a member's token and with an admin's. Every response must be no 500 and
carry a status code, content type, headers and body that the document declares for that
operation, so the document and the code cannot drift apart. A few rows exist first so that small
ids hit a real question, answer, category and members.
"""

from __future__ import annotations

import time
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from forum import db
from forum.accounts.models import User
from tests import factories

MAX_EXAMPLES = 30
# Operations that hash a password on every call (sign-in checks one even for unknown names, so that
# timing does not reveal accounts; sign-up hashes the new one): fewer cases keep the run short.
FEWER = {("POST", "/api/v1/tokens"): 8, ("POST", "/api/v1/users"): 8}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# Revoking tokens by guessed ids would revoke the fuzzer's own tokens: fuzzed last.
LAST = {("DELETE", "/api/v1/tokens/{token_id}")}


def _seed(world: Any) -> dict[str, dict[str, str]]:
    member = world.user("fuzz_member", points=3000)
    admin = world.user("fuzz_admin", roles=("admin",))
    other = world.user("fuzz_other", points=500)

    def _content() -> None:
        category = factories.make_category("Billing")
        question = factories.ask(db.session.get(User, other.id), title="How do I export invoices?",
                                 category_id=category.id, tags=["billing"])
        factories.answer(db.session.get(User, member.id), question, "From the billing page.")

    world.run(_content)
    return {"member": world.headers(member), "admin": world.headers(admin)}


def _key(operation: Any) -> tuple[str, str]:
    return operation.method.upper(), operation.path


def fuzz(app: Any, callers: dict[str, dict[str, str]]) -> tuple[int, list[str]]:
    """Every operation of the served document, each generated case sent once per caller;
    returns (requests sent, failures)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: _key(op) in LAST)
    sent = 0
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=FEWER.get(_key(operation), MAX_EXAMPLES), derandomize=True, deadline=None,
                  database=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            nonlocal sent
            for headers in callers.values():
                sent += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collected, so that one run reports every operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    return sent, failures


def test_fuzz_the_api_as_a_member_and_as_an_admin(app, world):
    callers = _seed(world)
    started = time.monotonic()
    sent, failures = fuzz(app, callers)
    print(f"\nfuzzed {sent} requests in {time.monotonic() - started:.1f} s")
    assert sent > 0
    assert not failures, "\n\n".join(failures)
