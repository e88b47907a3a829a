"""Domain errors raised by actions and queries; the HTML and API layers map them to statuses.

NotFound → 404, Forbidden → 403, RuleViolation → 422, Conflict → 409 (docs/api.md: Conventions).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class RuleViolation(DomainError):
    status = 422
    code = "rule_violation"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def refuse(refusal: DomainError | None) -> None:
    """Raise the refusal a permission rule returned (its `*_refusal` function), if any: the action
    enforces the same rule its `may_*` predicate shows to the page."""
    if refusal is not None:
        raise refusal
