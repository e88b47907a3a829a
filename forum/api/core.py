"""The JSON API's shared machinery (docs/api.md: Conventions): blueprint, bearer tokens, scopes,
JSON bodies, validation against the declared schemas, pagination, errors and the OpenAPI spec.

Route modules (forum/api/accounts.py, qa.py, …) follow docs/api.md's order of checks:
authentication (401) → body parsing (400) → lookup (404, via access_*) → permission (403) →
schema and rules (422) → conflicts (409). Schemas are declared once (forum/api/schemas.py) and
attached to routes with ``@spec.validate(..., skip_validation=True)`` so that they are documented
in ``GET /api/v1/openapi.json`` while the handler validates them itself in that order.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import Any, Callable, TypeVar

import pydantic
import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, g, jsonify, make_response, request
from flask_babel import gettext as _
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData, SecureType

from forum import bounds, db
from forum.api.schemas import ErrorOut, OpenApiOut
from forum.errors import DomainError
from forum.extensions import csrf
from forum.web import rate_limit, select_page


def _schema_name(model: Any) -> str:
    """Component names: plain for forum.api.schemas, prefixed by module for other modules' models
    (so two parts' `CommentOut` never overwrite each other in the document)."""
    module = getattr(model, "__module__", "")
    if module == "forum.api.schemas":
        return model.__name__
    return module.rsplit(".", 1)[-1] + "_" + model.__name__


def _nested_schema_name(parent: str, child: str) -> str:
    return parent.split("_", 1)[0] + "_" + child if "_" in parent else child


bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
rate_limit("api")(bp)

spec = SpecTree(
    "flask",
    mode="strict",
    title="Acme Community API",
    description="The forum's JSON API. Authenticate with `Authorization: Bearer <token>` from "
                "POST /api/v1/tokens. Conventions (scopes, pagination, errors and the order they are "
                "checked in): docs/api.md in the repository; every rule and its number: docs/rules.md; "
                "how the parts fit together: docs/architecture.md.",
    version="1",
    path="apidoc",
    annotations=False,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    security=[{"bearer": []}, {}],
    validation_error_model=ErrorOut,
    naming_strategy=_schema_name,
    nested_naming_strategy=_nested_schema_name,
)


ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

class ApiError(DomainError):
    """An error response with any status, raised from inside a handler (rendered as JSON, after a
    rollback, by the blueprint's handler or the app's DomainError handler)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(str(message), code=code, field=field)
        self.status = status


def error_response(status: int, code: str, message: str, field: str | None = None) -> Any:
    """docs/api.md: every error is ``{"error": {"code", "message", "field"?}}`` with its status."""
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if field:
        error["field"] = field
    resp = make_response(jsonify({"error": error}), status)
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return resp


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Any:
    db.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.field)


# ----------------------------------------------------------------------------- authentication

def authenticate() -> Any:
    """Resolve the bearer token into ``g.api_user`` / ``g.api_token`` (docs/api.md: Conventions).

    Runs before the rate limiter (registered first in init_app) so limits count per member.
    A present but bad, expired or revoked token — or any non-Bearer Authorization — is 401,
    even on a GET; no header means anonymous. Session cookies are never consulted."""
    if not request.path.startswith("/api/"):
        return None
    g.api_user = None
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return error_response(401, "invalid_token", _("Use an “Authorization: Bearer <token>” header."))
    from forum.accounts.actions import touch_token
    from forum.accounts.queries import token_by_secret

    token = token_by_secret(secret.strip())
    if token is None:
        return error_response(401, "invalid_token", _("The token is invalid, expired or revoked."))
    touch_token(token, db.utcnow())
    g.api_token = token
    g.api_user = token.user
    return None


@bp.before_request
def _read_scope() -> Any:
    """`read` allows GETs: a token without it may not read (anonymous callers may)."""
    token = g.get("api_token")
    if token is not None and request.method in ("GET", "HEAD") and "read" not in token.scope_list:
        return error_response(403, "insufficient_scope", _("This needs a token with the scope: read."))
    return None


def api_user() -> Any:
    """The member behind the bearer token, or None (anonymous). Never flask_login's user."""
    return g.get("api_user")


def require_user() -> Any:
    user = api_user()
    if user is None:
        raise ApiError(401, "unauthorized", _("This needs a bearer token (POST /api/v1/tokens)."))
    return user


def require_scope(scope: str) -> None:
    token = g.get("api_token")
    if token is None:
        require_user()
        return
    if scope not in token.scope_list:
        raise ApiError(403, "insufficient_scope", _("This needs a token with the scope: %(scope)s.", scope=scope))


def require_permission(permission: str) -> None:
    """403 naming the roles that would allow it (accounts.rules.PERMISSIONS)."""
    from forum.accounts.queries import require

    require(api_user(), permission)


# ----------------------------------------------------------------------------- input

def json_body(optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; 400 ``bad_json`` when it is not one.

    With ``optional=True`` an empty body is an empty object (for calls whose fields are all
    optional)."""
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    try:
        data = bounds.parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", _("The request body must be a JSON object."))
    try:
        bounds.check_json(data)  # depth (400), integers out of range and control characters (422)
    except DomainError as exc:
        raise ApiError(exc.status, "bad_json" if exc.status == 400 else "invalid", exc.message, exc.field) from None
    return data


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int) or len(loc) == 1]
    return ".".join(parts) if parts else ""


def validate(model: type[ModelT], data: Any) -> ModelT:
    """The data as a model instance, or 422 ``invalid`` naming the first offending field."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = _field_of(tuple(first.get("loc") or ()))
        message = first.get("msg", "Invalid value")
        if first.get("type") == "missing":
            message = _("This field is required.")
        raise ApiError(422, "invalid", f"{field}: {message}" if field else str(message), field or None) from None


def page_args() -> tuple[int, int]:
    """docs/api.md: ``?page=1&per_page=20``; per_page over 100 is 100; non-integers are 422."""
    values = {}
    for name, default in (("page", 1), ("per_page", int(current_app.config.get("PER_PAGE", 20)))):
        raw = request.args.get(name)
        if raw is None:
            values[name] = default
            continue
        if not raw.strip():
            raise ApiError(422, "invalid", _("%(name)s must be a whole number.", name=name), name)
        try:
            values[name] = int(raw)
        except ValueError:
            raise ApiError(422, "invalid", _("%(name)s must be a whole number.", name=name), name) from None
        if values[name] < 1:
            raise ApiError(422, "invalid", _("%(name)s must be at least 1.", name=name), name)
    return values["page"], min(values["per_page"], 100)


def query_args(model: type[ModelT]) -> ModelT:
    """The query string validated by `model` (422 naming the parameter)."""
    data = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    return validate(model, data)


def paginated(stmt_or_items: Any, serializer: Callable[[Any], Any]) -> dict[str, Any]:
    """``{"items", "total", "page", "per_page"}`` for a Select (paged in SQL) or a list."""
    page, per_page = page_args()
    if isinstance(stmt_or_items, sa.Select):
        items, total = select_page(stmt_or_items, page, per_page)
    else:
        all_items = list(stmt_or_items)
        total = len(all_items)
        items = all_items[(page - 1) * per_page: page * per_page]
    return {"items": [serializer(i) for i in items], "total": total, "page": page, "per_page": per_page}


def iso(value: dt.datetime | None) -> str | None:
    """docs/api.md: times are ISO 8601 UTC with ``Z``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


# ----------------------------------------------------------------------------- OpenAPI

CSV = object()
"""``documented(ok=CSV)``: the success response is a ``text/csv`` download, not JSON."""


class _Responses(Response):
    """spectree's Response, with a ``text/csv`` body for the codes in ``csv`` (spectree writes only JSON)."""

    def __init__(self, *codes: str, csv: tuple[str, ...] = (), **models: Any) -> None:
        super().__init__(*codes, **models)
        self.csv = csv

    def generate_spec(self, naming_strategy: Any = None) -> dict[str, Any]:
        responses = super().generate_spec(naming_strategy) if naming_strategy else super().generate_spec()
        for code in self.csv:
            responses[code]["content"] = {"text/csv": {"schema": {"type": "string"}}}
        return responses


def _paged(query: Any) -> Any:
    """The query model of a list route with ``page`` and ``per_page`` (docs/api.md: every list)."""
    from forum.api.schemas import PageQuery

    if query is None:
        return PageQuery
    if issubclass(query, PageQuery):
        return query
    return pydantic.create_model(f"Paged{query.__name__}", __base__=(query, PageQuery), __module__=query.__module__)


def documented(*, json: Any = None, query: Any = None, ok: Any = None, status: int = 200,
               errors: tuple[int, ...] = (), tags: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Any]:
    """Declare a route's request/response schemas for the OpenAPI document (docs/api.md: Conventions).

    Besides the ``errors`` a route names, the answers every route can give are added from its
    shape: 401 (a bad, expired or revoked token, even on a GET), 403 (a token without the scope
    the method needs), 404 (a route with ids in its path), 400 and 422 (a JSON body), 422 (a
    query string), 429 (rate limits). A list (``ok`` a page of items) takes ``page``/``per_page``.
    Validation is skipped by spectree: the handler validates in docs/api.md's order of checks."""
    from forum.api.schemas import PageOut

    def decorate(fn: Callable[..., Any]) -> Any:
        codes = set(errors) | {401, 403, 429}
        if inspect.signature(fn).parameters:
            codes.add(404)
        if json is not None:
            codes |= {400, 422}
        query_model = query
        if isinstance(ok, type) and issubclass(ok, PageOut):
            query_model = _paged(query)
        if query_model is not None:
            codes.add(422)
        models: dict[str, Any] = {f"HTTP_{code}": ErrorOut for code in sorted(codes)}
        args: list[str] = []
        csv: tuple[str, ...] = ()
        if ok is None or ok is CSV:
            args.append(f"HTTP_{status}")
            csv = (str(status),) if ok is CSV else ()
        else:
            models[f"HTTP_{status}"] = ok
        return spec.validate(json=json, query=query_model, resp=_Responses(*args, csv=csv, **models),
                             tags=list(tags), skip_validation=True)(fn)

    return decorate


@bp.get("/openapi.json")
@documented(ok=OpenApiOut, tags=("meta",))
def openapi() -> Any:
    """The OpenAPI document of every /api/v1 route, from the schemas declared on the routes."""
    return jsonify(spec.spec)


def init_app(app: Flask) -> None:
    """Resolve bearer tokens before anything else (the rate limiter keys on the member)."""
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate)


__all__ = [
    "CSV", "ApiError", "api_user", "bp", "documented", "error_response", "iso", "json_body", "page_args", "paginated",
    "query_args", "require_permission", "require_scope", "require_user", "spec", "validate", "DomainError",
]
