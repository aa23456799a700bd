"""The API's HTTP behaviour: bearer tokens, JSON errors, ETags, caching, CORS, cursors."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask_login import AnonymousUserMixin
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from consult.api.schemas import Error, ErrorBody
from consult.api.tokens import user_for_token
from consult.extensions import limiter

logger = logging.getLogger(__name__)
PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
CURSOR_MAX_LENGTH = 200
# A published version's text never changes: caches may keep it for a year.
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_SHORT = "public, max-age=60"
CACHE_PRIVATE = "private, no-cache"
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
    500: "server_error",
}
MESSAGES = {
    400: "The request could not be understood.",
    401: "The token is missing, unknown or revoked.",
    403: "This token may not do this.",
    404: "Nothing here, or nothing you may see.",
    405: "The API is read-only: only GET, HEAD and OPTIONS are accepted.",
    429: "Too many requests: slow down and try again in a minute.",
    500: "Something went wrong on our side; it has been logged.",
}


class ApiError(HTTPException):
    """An error with the API's JSON shape and a specific message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(description=message)
        self.code = code


def error_response(status: int, message: str | None = None) -> Response:
    body = Error(
        error=ErrorBody(
            status=status,
            code=CODES.get(status, "error"),
            message=message or MESSAGES.get(status, "Error."),
        )
    )
    response = Response(body.model_dump_json(), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    if status == 405:
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    _cors(response)
    return response


def render_api_error(error: Exception) -> Response | None:
    """Registered with core.errors: any error under /api/ answers JSON, never an HTML page."""
    if not request.path.startswith("/api/") or request.path.rstrip("/") == "/api":
        return None
    if isinstance(error, HTTPException) and error.code is not None:
        specific = error.description if isinstance(error, ApiError) else None
        return error_response(error.code, specific)
    return error_response(500)


# --- who is asking ------------------------------------------------------------------------


def _authenticate() -> None:
    """The API ignores the session cookie: anonymous, or the owner of a Bearer token."""
    header = request.headers.get("Authorization")
    user: Any = AnonymousUserMixin()
    g.api_token = False
    g.api_cache = CACHE_SHORT
    if header is not None:
        scheme, _, secret = header.partition(" ")
        found = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise ApiError(401, MESSAGES[401])
        user, g.api_token = found, True
    g._login_user = user  # Flask-Login's per-request user: permissions see the token's owner


def viewer() -> Any:
    return g._login_user


def _rate_key() -> str:
    # By address, token or not: a key per token would let someone guessing tokens rotate keys.
    from flask_limiter.util import get_remote_address

    return "api:" + get_remote_address()


def _rate_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "300 per minute"))


# --- responses ----------------------------------------------------------------------------


def _cors(response: Response) -> None:
    """Any site may read anonymous answers; answers for a token's owner are never shared."""
    if g.get("api_token"):
        return
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = (
        "ETag, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    )


def _finish(response: Response) -> Response:
    _cors(response)
    response.vary.add("Authorization")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def cache(policy: str) -> None:
    """How long shared caches may keep this answer (private whenever a token was used)."""
    g.api_cache = policy


def json_response(model: BaseModel) -> Response:
    response = Response(model.model_dump_json(), mimetype="application/json")
    policy = g.get("api_cache", CACHE_SHORT)
    response.headers["Cache-Control"] = CACHE_PRIVATE if g.get("api_token") else policy
    response.add_etag()
    response.make_conditional(request)  # 304 without a body when If-None-Match matches
    return response


# --- cursors ------------------------------------------------------------------------------


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int = 1) -> list[Any] | None:
    """The position a cursor names (a list of `arity` values), None without one; 400 if bad."""
    if not cursor:
        return None
    try:
        if len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != arity:
            raise ValueError
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError
        if any(abs(v) > 2**62 for v in values):
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "The cursor is not one this API gave out.") from None
    return values


def page_limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def next_url(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    query = "&".join(f"{k}={v}" for k, v in sorted(args.items()) if k in {"cursor", "limit"})
    return f"{request.base_url}?{query}"


# --- operations (the OpenAPI document is built from these) -------------------------------


@dataclass
class Param:
    name: str
    location: str  # path or query
    schema: dict[str, Any]
    description: str = ""
    required: bool = True


@dataclass
class Operation:
    path: str  # OpenAPI path, e.g. /documents/{slug}
    endpoint: str
    summary: str
    description: str
    response: type[BaseModel]
    params: list[Param] = field(default_factory=list)
    example: str = ""
    tag: str = ""


OPERATIONS: list[Operation] = []
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PAGE_PARAMS = [
    Param(
        "cursor",
        "query",
        {"type": "string", "maxLength": CURSOR_MAX_LENGTH},
        "The next_cursor of the previous page.",
        required=False,
    ),
    Param(
        "limit",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "Items per page.",
        required=False,
    ),
]
PATH_DESCRIPTIONS = {
    "slug": "The document's (or group's) slug, as in its page's address.",
    "number": "The version number.",
    "other": "The number of the version to compare with.",
    "key": "A provision key (its current one, or any it had before).",
}


def operation(
    rule: str,
    *,
    response: type[BaseModel],
    summary: str,
    example: str,
    tag: str,
    paginated: bool = False,
) -> Callable[[Callable[..., BaseModel]], Callable[..., Response]]:
    """Register a GET route and describe it for the OpenAPI document, from the same code."""

    def decorator(view: Callable[..., BaseModel]) -> Callable[..., Response]:
        params = []
        for converter, name in _CONVERTER.findall(rule):
            schema: dict[str, Any] = (
                {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
            )
            if converter != "int":
                schema["maxLength"] = 200
            params.append(Param(name, "path", schema, PATH_DESCRIPTIONS.get(name, "")))
        if paginated:
            params.extend(PAGE_PARAMS)
        OPERATIONS.append(
            Operation(
                path=_CONVERTER.sub(r"{\2}", rule),
                endpoint=f"api.{view.__name__}",
                summary=summary,
                description=(view.__doc__ or "").strip(),
                response=response,
                params=params,
                example=example,
                tag=tag,
            )
        )

        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            return json_response(view(**kwargs))

        bp.add_url_rule(rule, view_func=wrapped, methods=["GET"])
        return wrapped

    return decorator


def setup(app: Any) -> None:
    app.extensions.setdefault("consult_error_renderers", []).append(render_api_error)


def _forget(_error: BaseException | None = None) -> None:
    # In production each request has its own context; a test's requests share one, and the
    # token's owner must not stay signed in for the pages that follow.
    for name in ("_login_user", "api_token", "api_cache"):
        g.pop(name, None)


bp.before_request(_authenticate)
bp.after_request(_finish)
bp.teardown_request(_forget)
bp.record_once(lambda state: setup(state.app))
limiter.limit(_rate_limit, key_func=_rate_key)(bp)
