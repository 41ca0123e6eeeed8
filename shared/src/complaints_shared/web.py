"""HTTP pieces every FastAPI service uses: health, readiness, metrics, bearer auth, and
RFC 9457 problem responses for bad input (4xx naming the field, never a 5xx)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ReadinessCheck = Callable[[], Awaitable[bool]]
PROBLEM = "application/problem+json"


def problem(status_code: int, title: str, detail: str = "", **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail} | extra
    return JSONResponse(body, status_code=status_code, media_type=PROBLEM)


def health_router(checks: dict[str, ReadinessCheck], liveness: dict[str, Callable[[], bool]] | None = None) -> APIRouter:
    """/healthz: the process works (its background loops run); /readyz: its dependencies answer."""
    router = APIRouter(tags=["operations"])
    liveness = liveness or {}

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        results = {name: check() for name, check in liveness.items()}
        ok = all(results.values())
        return JSONResponse({"status": "alive" if ok else "broken", "checks": results}, status_code=200 if ok else 503)

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = {name: await check() for name, check in checks.items()}
        ok = all(results.values())
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": results}, status_code=200 if ok else 503)

    @router.get("/metrics")
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


_bearer = HTTPBearer(auto_error=False)

ALL_RIGHTS = "*"


class ApiKey(BaseModel):
    """One scoped key of `COMPLAINTS_API_KEYS`: what its holder (an adapter, a staff tool) may do.

    Only the key's SHA-256 is configured, never the key itself.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$",
                      description="Who holds the key (logged and used to scope Idempotency-Keys)")
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the key, hex")
    roles: frozenset[str] = Field(default=frozenset(), description='e.g. "agent", "supervisor"')
    channels: frozenset[str] = Field(default=frozenset(), description='Complaint channels it may submit, or "*"')
    actions: frozenset[str] = Field(default=frozenset(), description='Case actions it may post, or "*"')

    def digest(self) -> bytes:
        return bytes.fromhex(self.sha256)


@dataclass(frozen=True)
class Principal:
    """Who a request's bearer key belongs to, and its rights."""

    name: str
    roles: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    all_rights: bool = False

    @property
    def client_id(self) -> str:
        # The all-rights key keeps the id it always had (stored idempotency keys stay valid);
        # a scoped key's id cannot meet it.
        return "full" if self.all_rights else f"key:{self.name}"

    def has_role(self, role: str) -> bool:
        return self.all_rights or role in self.roles

    def may_submit(self, channel: str) -> bool:
        return self.all_rights or ALL_RIGHTS in self.channels or channel in self.channels

    def may_post(self, action: str) -> bool:
        return self.all_rights or ALL_RIGHTS in self.actions or action in self.actions


FULL_RIGHTS = Principal("full", all_rights=True)


class MissingRight(Exception):
    """The key is valid but lacks a right (answered 403, naming it: `role:supervisor`,
    `channel:sms`, `action:remedy_approved`)."""

    def __init__(self, right: str) -> None:
        self.right = right
        super().__init__(f"the API key lacks the right {right!r}")


def require(allowed: bool, right: str) -> None:
    if not allowed:
        raise MissingRight(right)


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def identify(presented: str, *, full_key: str | None, scoped_keys: Sequence[ApiKey] = ()) -> Principal | None:
    """The holder of `presented`, or None. Compares SHA-256 digests in constant time, and
    every configured key every time, so the answer's timing tells nothing about which matched."""
    digest = _sha256(presented)
    found: Principal | None = None
    if full_key and hmac.compare_digest(digest, _sha256(full_key)):
        found = FULL_RIGHTS
    for key in scoped_keys:
        if hmac.compare_digest(digest, key.digest()) and found is None:
            found = Principal(key.name, key.roles, key.channels, key.actions)
    return found


def bearer_auth(expected_key: Callable[[], str | None], scoped_keys: Callable[[], Sequence[ApiKey]] | None = None):
    """A dependency that admits `Authorization: Bearer <key>`: the all-rights COMPLAINTS_API_KEY,
    or one of the scoped keys of COMPLAINTS_API_KEYS. It answers the key's `Principal`; the
    routes check the rights they need (`require`)."""

    async def require_key(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        key = expected_key()
        scoped = tuple(scoped_keys()) if scoped_keys else ()
        if not key and not scoped:
            # Refuse rather than run open: a service without a key configured is misconfigured.
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no API key configured (COMPLAINTS_API_KEY)")
        principal = None if credentials is None else identify(credentials.credentials, full_key=key, scoped_keys=scoped)
        if principal is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing or wrong bearer key", headers={"WWW-Authenticate": "Bearer"}
            )
        return principal

    return require_key


async def principal_of(request: Request, auth: Callable[..., Awaitable[Principal]]) -> Principal:
    """What `auth` (a `bearer_auth` dependency) answers for `request`, for a route that resolves
    its arguments itself rather than through FastAPI's dependency solver (intake's busiest)."""
    return await auth(await _bearer(request))


def body_size_limit(app: FastAPI, limit_for: Callable[[str], int]) -> None:
    """Refuse bodies over the path's limit with a 413 problem, never reading past the limit.

    (FastAPI's own `max_body_size` answers in plain text; clients here get problem JSON.)
    """
    app.add_middleware(BodySizeLimit, limit_for=limit_for)


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodySizeLimit:
    """`body_size_limit`'s middleware, plain ASGI: Starlette's `BaseHTTPMiddleware` costs two
    anyio task groups and a memory stream a request, a large share of a small request's CPU.

    A declared Content-Length over the limit (or not a number) is refused before any of the
    body is read. A body without one (chunked) is read up to the limit and refused as soon as
    it goes past; one within the limit is handed on whole, as a single message."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > max_bytes:
                await _too_large(max_bytes)(scope, receive, send)
                return
        elif scope["method"] in _BODY_METHODS:
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] != "http.request":  # the client went away: the app sees it too
                    await self.app(scope, _replay([message], receive), send)
                    return
                body += message.get("body", b"")
                if len(body) > max_bytes:
                    await _too_large(max_bytes)(scope, receive, send)
                    return
                if not message.get("more_body", False):
                    break
            whole = {"type": "http.request", "body": bytes(body), "more_body": False}
            await self.app(scope, _replay([whole], receive), send)
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _too_large(max_bytes: int) -> JSONResponse:
    return problem(413, "Payload Too Large", f"body exceeds {max_bytes} bytes", limit=max_bytes)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first answers `messages` (a body already read), then the server's own."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"] if p != "body"), "message": err["msg"]}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(KafkaError)
    async def broker_unavailable(_request: Request, exc: KafkaError) -> JSONResponse:
        # Nothing was acknowledged, so nothing was recorded: the caller must retry.
        response = problem(503, "Broker unavailable", f"the event was not recorded ({type(exc).__name__}); retry")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(MissingRight)
    async def missing_right(_request: Request, exc: MissingRight) -> JSONResponse:
        return problem(403, "Forbidden", str(exc), missing_right=exc.right)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, str(exc.detail), str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


# --- documenting the problem responses in OpenAPI ------------------------------------------

class FieldProblem(BaseModel):
    field: str = Field(description="Where the bad input is, e.g. `query.limit` or `text`")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem body, as `problem()` writes it."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = "about:blank"
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = ""
    errors: list[FieldProblem] | None = Field(default=None, description="Each invalid field (422 only)")


PROBLEM_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or wrong bearer key",
    403: "The key lacks a right: `missing_right` names it (`role:…`, `channel:…`, `action:…`)",
    404: "Not found",
    409: "Conflict",
    412: "Precondition failed: `If-Match` does not name the case's current ETag",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid request: `errors` names each field",
    429: "Too many requests",
    503: "A dependency is unavailable (or no API key configured); retry after `Retry-After` seconds",
}


def _inline_refs(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {key: _inline_refs(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(item, definitions) for item in schema]
    return schema


def _problem_schema() -> dict[str, Any]:
    # Inlined rather than referenced: FastAPI files a `model` of an extra response under the
    # route's own media type (application/json), which would document a content type never sent.
    schema = Problem.model_json_schema()
    return _inline_refs(schema, schema.get("$defs", {}))


PROBLEM_SCHEMA = _problem_schema()


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for problem bodies, e.g. `responses=problem_responses(401, 422)`.

    A 503 also documents its `Retry-After` header.
    """
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        response: dict[str, Any] = {
            "description": PROBLEM_DESCRIPTIONS.get(code, "Problem"),
            "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}},
        }
        if code == 503:
            response["headers"] = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "string"}}}
        responses[code] = response
    return responses
