"""Intake's HTTP API: the webhooks channels call, and case updates from staff tools."""

import math
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Annotated, Any, Literal

from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.web import (
    Principal,
    body_size_limit,
    health_router,
    install_problem_handlers,
    principal_of,
    problem,
    problem_responses,
    require,
)
from fastapi import APIRouter, Body, Depends, FastAPI, Header, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, ValidationError

from .. import handlers
from ..adapters.publishing import PublishTimedOut
from ..domain.case_states import (
    ActionRefused,
    CaseStates,
    CaseStatesUnavailable,
    MalformedIfMatch,
    RecentUpdates,
    UnknownCase,
    VersionMismatch,
)
from ..domain.case_updates import SERVER_SET, UPDATE_BODIES, UPDATE_EXAMPLES, AnyCaseUpdateBody, field_of
from ..domain.complaints import InvalidField, ReceivedAtWindow, SubmitComplaint
from ..domain.email_messages import UnreadableEmail
from ..domain.idempotency import IdempotencyStore, KeyConflict, RequestInProgress, StoreUnavailable


class Accepted(BaseModel):
    """The event was acknowledged by the broker: the case exists (or was updated)."""

    case_id: str = Field(max_length=ev.CASE_ID_MAX, pattern=ev.CASE_ID_PATTERN)
    event_id: str
    status: Literal["accepted"] = "accepted"
    case_url: str = Field(description="Where archive serves the case")
    case_version: int | None = Field(
        default=None,
        description="A case action's answer: the case's version (ETag) once archive applied it; "
        "send it as `If-Match` with the next action. Absent when the answer is a replay.",
    )


ACCEPTED = {
    202: {
        "description": "Recorded (acknowledged on all in-sync replicas)",
        "headers": {"Location": {"description": "The case's URL", "schema": {"type": "string"}}},
    }
}
# Every /v1 route: the bearer key (401), and 503 without a configured key or when the broker or
# the idempotency store is away (then with Retry-After; a publish timeout means "maybe recorded").
WRITE_RESPONSES = ACCEPTED | problem_responses(400, 401, 403, 409, 413, 422, 503)
# A case action also depends on the case's state in archive: unknown case (404), an action its
# status does not allow (409, naming `current_status` and `allowed_actions`), a stale If-Match (412).
CASE_ACTION_RESPONSES = ACCEPTED | problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 503)
READ_RESPONSES = problem_responses(401, 503)

class Ignored(BaseModel):
    """Mail no person wrote (a bounce, an auto-reply …): nothing was recorded."""

    status: Literal["ignored"] = "ignored"
    reason: Literal["bounce", "auto_reply", "feedback_report", "read_receipt", "bulk"]


EMAIL_RESPONSES = WRITE_RESPONSES | {
    200: {
        "description": "Not a complaint: mail no person wrote (bounce, auto-reply or out-of-office, abuse or read "
        "report, bulk mail); nothing was recorded. Counted in `intake_email_ignored_total{reason}`.",
        "model": Ignored,
        "content": {"application/json": {"example": {"status": "ignored", "reason": "auto_reply"}}},
    }
}
EMAIL_DESCRIPTION = (
    "The raw message as received (RFC 5322, any MIME structure and charset). Answers 202 with the case "
    "for a complaint; for a reply to a case (In-Reply-To/References naming a message of the case, or a "
    "`[Case <id>]` tag in the subject) 202 with that case, recording the customer's follow-up. "
    "Attachments are stored (GridFS) and referenced in the event. The same Message-ID again returns the "
    "same case. The SMTP listener (`INTAKE_SMTP_PORT`) takes the same mail with the same rules."
)
EMAIL_EXAMPLE = (
    "From: =?UTF-8?B?546L6Iqz?= <wang.fang@example.cn>\r\nTo: complaints@example.com\r\n"
    "Subject: =?UTF-8?B?54Ot5rC05aO25ryP5rC0?=\r\nDate: Tue, 24 Nov 2026 09:30:00 +0800\r\n"
    "Message-ID: <20261124093000.4711@mail.example.cn>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "yMjLrrr4yrnTw8j9zOy687XXsr/Cqcuuo6zH67j8u7u78s3Lv+6how==\r\n"
)
AUTO_REPLY_EXAMPLE = (
    "From: agent@example.org\r\nTo: complaints@example.com\r\nSubject: Automatic reply: your case\r\n"
    "Auto-Submitted: auto-replied\r\nMessage-ID: <oof.1@example.org>\r\n\r\nI am out of the office until Monday.\r\n"
)

SERVER_SET_MESSAGE = "set by intake, not by the client (the path names the case; intake records the time)"


def _accepted(recorded: handlers.Recorded, case_version: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "case_id": recorded.case_id, "event_id": recorded.event_id, "status": "accepted", "case_url": f"/v1/cases/{recorded.case_id}",
    }
    if case_version is not None:
        body["case_version"] = case_version
    return JSONResponse(
        body,
        status_code=202,
        headers={"Location": f"/v1/cases/{recorded.case_id}"},
    )


def _field_problems(errors: Sequence[Mapping[str, Any]]) -> JSONResponse:
    problems = []
    for error in errors:
        field = field_of(error)
        message = SERVER_SET_MESSAGE if field in SERVER_SET and error["type"] == "extra_forbidden" else error["msg"]
        problems.append({"field": field, "message": message})
    return problem(422, "Invalid request", "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems), errors=problems)


def _invalid_field(exc: InvalidField) -> JSONResponse:
    return problem(422, "Invalid request", str(exc), errors=[{"field": exc.field, "message": exc.message}])


IDEMPOTENCY_KEY_LENGTH = {"min_length": 1, "max_length": 200}
IDEMPOTENCY_KEY = TypeAdapter(Annotated[str, StringConstraints(**IDEMPOTENCY_KEY_LENGTH)])


class HandResolvedRoute(APIRoute):
    """A route whose endpoint gets its arguments from `resolve(request)` instead of FastAPI's
    dependency solver. Its OpenAPI still comes from the endpoint's signature, so the signature
    documents what `resolve` reads (test_hand_resolved_route.py holds both to the same answers).

    Why: `POST /v1/complaints` is the route channel adapters load most. Solving its six
    dependencies (the router's key check, the bearer header, publisher, idempotency store,
    Idempotency-Key, body) took about a quarter of its CPU in the profile: in-process, 335 µs
    a request with the solver, 192–242 µs without (docs/performance.md, fifth round)."""

    resolve: Callable[[Request], Awaitable[dict[str, Any]]]  # a subclass's, from resolved_by

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint, resolve = self.endpoint, self.resolve

        async def handle(request: Request) -> Response:
            return await endpoint(**await resolve(request))

        return handle


def resolved_by(resolve: Callable[[Request], Awaitable[dict[str, Any]]]) -> type[APIRoute]:
    return type("HandResolvedRoute", (HandResolvedRoute,), {"resolve": staticmethod(resolve)})


def _is_json(content_type: str | None) -> bool:
    """FastAPI's test: application/json or application/*+json, parameters ignored."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _located(error: Any, *prefix: str) -> dict[str, Any]:
    return dict(error) | {"loc": (*prefix, *error["loc"])}


def require_action(client: Principal, action: str) -> None:
    """The key must list the action, and hold the role the lifecycle asks for: a supervisor's
    for approving or rejecting a remedy, an agent's (or supervisor's) for the other staff
    actions; a customer's follow-up needs no role (channel adapters post it)."""
    require(client.may_post(action), f"action:{action}")
    role = lifecycle.ACTIONS[action].role
    if role is lifecycle.Role.SUPERVISOR:
        require(client.has_role(role.value), f"role:{role.value}")
    elif role is lifecycle.Role.AGENT:
        require(client.has_role(role.value) or client.has_role(lifecycle.Role.SUPERVISOR.value), f"role:{role.value}")


def build_router(
    *, auth, publisher_dep, store_dep, case_states_dep, recent: RecentUpdates, clock, window: ReceivedAtWindow, receive_email_dep=None
) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])
    Publisher = Annotated[handlers.Publisher, Depends(publisher_dep)]
    Store = Annotated[IdempotencyStore, Depends(store_dep)]
    States = Annotated[CaseStates, Depends(case_states_dep)]
    # Who is calling (the bearer key's holder): an Idempotency-Key is that client's own.
    Client = Annotated[Principal, Depends(auth)]
    EmailReceiver = Annotated[handlers.ReceiveEmail, Depends(receive_email_dep)]
    IdempotencyKey = Annotated[
        str | None,
        Header(
            **IDEMPOTENCY_KEY_LENGTH,
            description="Makes a retry return the same case. The same key with a different body is a 422.",
        ),
    ]

    def key_scope(client: Principal, route: str, key: str | None) -> tuple[str, ...]:
        return ("idempotency-key", client.client_id, route, key) if key else ()

    async def complaint_arguments(request: Request) -> dict[str, Any]:
        """`submit_complaint`'s arguments, as FastAPI would solve them from its signature (the
        same checks and error locations), without its dependency solver: see HandResolvedRoute."""
        client = await principal_of(request, auth)
        errors: list[dict[str, Any]] = []
        idempotency_key = request.headers.get("idempotency-key")
        if idempotency_key is not None:
            try:
                IDEMPOTENCY_KEY.validate_python(idempotency_key)
            except ValidationError as exc:
                errors += [_located(error, "header", "idempotency-key") for error in exc.errors(include_url=False)]
        body = await request.body()
        command = None
        if not body:
            errors.append({"type": "missing", "loc": ("body",), "msg": "Field required", "input": None})
        elif not _is_json(request.headers.get("content-type")):
            errors.append({"type": "model_attributes_type", "loc": ("body",), "input": None,
                           "msg": "send the complaint as JSON (Content-Type: application/json)"})
        else:
            try:
                command = SubmitComplaint.model_validate_json(body)
            except ValidationError as exc:
                errors += [_located(error, "body") for error in exc.errors(include_url=False)]
        if errors:
            raise RequestValidationError(errors)
        return {"command": command, "publisher": await publisher_dep(), "store": await store_dep(),
                "client": client, "idempotency_key": idempotency_key}

    async def submit_complaint(
        command: SubmitComplaint, publisher: Publisher, store: Store, client: Client, idempotency_key: IdempotencyKey = None
    ):
        require(client.may_submit(command.channel.value), f"channel:{command.channel.value}")
        try:
            submission = handlers.prepare_complaint(
                command, now=clock(), window=window, key_scope=key_scope(client, "complaints", idempotency_key)
            )
        except InvalidField as exc:
            return _invalid_field(exc)
        return await _record(submission, publisher, store)

    router.add_api_route(
        "/complaints",
        submit_complaint,
        methods=["POST"],
        status_code=202,
        response_model=Accepted,
        responses=WRITE_RESPONSES,
        summary="Record a complaint from any channel",
        route_class_override=resolved_by(complaint_arguments),
    )

    @router.post(
        "/complaints/email",
        status_code=202,
        response_model=Accepted,
        responses=EMAIL_RESPONSES,
        summary="Record a complaint from a raw e-mail (message/rfc822), as a mail server's webhook",
        description=EMAIL_DESCRIPTION,
        openapi_extra={"requestBody": {"required": True, "content": {"message/rfc822": {
            "schema": {"type": "string"}, "examples": {"complaint": {"value": EMAIL_EXAMPLE}, "auto_reply": {"value": AUTO_REPLY_EXAMPLE}}}}}},
    )
    async def submit_email(
        request: Request, receive: EmailReceiver, client: Client, idempotency_key: IdempotencyKey = None
    ):
        require(client.may_submit(ev.Channel.EMAIL.value), f"channel:{ev.Channel.EMAIL.value}")
        raw = await request.body()
        try:
            outcome = await receive(raw, key_scope(client, "complaints/email", idempotency_key))
        except UnreadableEmail as exc:
            return problem(422, "Unreadable e-mail", str(exc), errors=[{"field": "body", "message": str(exc)}])
        except ValidationError as exc:
            return _field_problems(exc.errors(include_input=False))
        if outcome.ignored is not None:
            return JSONResponse({"status": "ignored", "reason": outcome.ignored}, status_code=200)
        assert outcome.recorded is not None
        return _accepted(outcome.recorded)

    @router.post(
        "/cases/{case_id}/events",
        status_code=202,
        response_model=Accepted,
        responses=CASE_ACTION_RESPONSES,
        summary="Record what happened on a case (an action its current state allows)",
        description=(
            "The case's current status (archive's, the system of record) must allow the action: "
            "see `allowed_actions` on `GET /v1/cases/{case_id}` of archive, or the 409 answer. "
            "`remedy_approved` and `remedy_rejected` need a key with the supervisor role. "
            "`If-Match: \"<version>\"` (archive's ETag of the case, or `case_version` of the previous "
            "answer) makes the action conditional: 412 when someone acted on the case meanwhile."
        ),
    )
    async def post_case_event(
        case_id: Annotated[str, Path(pattern=ev.CASE_ID_PATTERN)],
        body: Annotated[
            AnyCaseUpdateBody, Body(openapi_examples=UPDATE_EXAMPLES)
        ],
        publisher: Publisher,
        store: Store,
        states: States,
        client: Client,
        idempotency_key: IdempotencyKey = None,
        if_match: Annotated[
            str | None,
            Header(max_length=200, description='The case\'s ETag, e.g. `"7"`: act only if the case is still at that version'),
        ] = None,
    ):
        action = body.type  # type: ignore[attr-defined]  # every update body has its `type` literal
        require_action(client, action)
        submission = handlers.prepare_case_update(body, case_id=case_id, now=clock(), idempotency_key=idempotency_key)
        guard = handlers.CaseAction(case_id, action, if_match, states, recent, clock)
        return await _record(submission, publisher, store, guard)

    @router.get(
        "/case-event-types",
        responses=READ_RESPONSES,
        summary="The case update types and the JSON Schema of each one's body",
    )
    async def case_event_types() -> dict:
        return {name: model.model_json_schema() for name, model in UPDATE_BODIES.items()}

    return router


async def _record(
    submission: handlers.Submission,
    publisher: handlers.Publisher,
    store: IdempotencyStore,
    guard: handlers.CaseAction | None = None,
) -> JSONResponse:
    answer = _accepted(submission.recorded)  # formed before publishing: what is recorded can be answered
    recorded = await handlers.record(submission, publisher=publisher, store=store, guard=guard)
    if recorded != submission.recorded:
        return _accepted(recorded)
    if guard is not None and guard.after is not None:
        return _accepted(recorded, guard.after.version)
    return answer


def create_app(
    *,
    auth,
    publisher_dep,
    store_dep,
    case_states_dep,
    recent: RecentUpdates,
    clock,
    readiness,
    max_body_bytes: int,
    max_email_bytes: int,
    max_letter_bytes: int | None = None,
    window: ReceivedAtWindow,
    liveness=None,
    lifespan=None,
    receive_email_dep=None,
) -> FastAPI:
    app = FastAPI(title="Complaints intake", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Intake's own: a case update's errors name the body's fields, not the union's tags.
        return _field_problems(list(exc.errors()))

    @app.exception_handler(PublishTimedOut)
    async def maybe_recorded(_request: Request, exc: PublishTimedOut) -> JSONResponse:
        response = problem(
            503,
            "Broker did not acknowledge in time",
            f"the broker did not acknowledge within {exc.seconds:g} s: the event may or may not be recorded. "
            "Retry with the same Idempotency-Key or external_id, which returns the same case.",
        )
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.seconds)))
        return response

    @app.exception_handler(KeyConflict)
    async def key_conflict(_request: Request, exc: KeyConflict) -> JSONResponse:
        message = "already used for a different request (same key, different body): use a new key for a new request"
        return problem(422, "Idempotency key conflict", f"{exc.field}: {message}", errors=[{"field": exc.field, "message": message}])

    @app.exception_handler(RequestInProgress)
    async def in_progress(_request: Request, _exc: RequestInProgress) -> JSONResponse:
        response = problem(409, "Request in progress", "a request with this key is being recorded right now; retry")
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(UnknownCase)
    async def unknown_case(_request: Request, _exc: UnknownCase) -> JSONResponse:
        return problem(404, "Unknown case", "archive knows no case with this id")

    @app.exception_handler(ActionRefused)
    async def action_refused(_request: Request, exc: ActionRefused) -> JSONResponse:
        response = problem(
            409, "Action not allowed in the case's state", str(exc),
            action=exc.action, current_status=exc.state.status.value, allowed_actions=exc.allowed,
        )
        response.headers["ETag"] = exc.state.etag
        return response

    @app.exception_handler(VersionMismatch)
    async def version_mismatch(_request: Request, exc: VersionMismatch) -> JSONResponse:
        response = problem(
            412, "Precondition failed", str(exc),
            current_status=exc.state.status.value, current_version=exc.state.version, allowed_actions=lifecycle.allowed_actions(exc.state.status),
        )
        response.headers["ETag"] = exc.state.etag
        return response

    @app.exception_handler(MalformedIfMatch)
    async def malformed_if_match(_request: Request, exc: MalformedIfMatch) -> JSONResponse:
        return problem(422, "Invalid request", f"header.if-match: {exc}", errors=[{"field": "header.if-match", "message": str(exc)}])

    @app.exception_handler(CaseStatesUnavailable)
    async def states_unavailable(_request: Request, exc: CaseStatesUnavailable) -> JSONResponse:
        # Checked before publishing: nothing was recorded.
        response = problem(503, "Archive unavailable", f"the case's state could not be read ({exc}); nothing was recorded, retry")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_request: Request, _exc: StoreUnavailable) -> JSONResponse:
        # The claim comes before the publish: nothing was recorded.
        response = problem(503, "Idempotency store unavailable", "the event was not recorded; retry")
        response.headers["Retry-After"] = "5"
        return response

    # An e-mail may carry attachments; every other body stays small.
    # A letter's scan is larger still (a multi-page PDF): its route checks the scan itself.
    body_size_limit(
        app,
        lambda path: max_email_bytes if path.endswith("/email")
        else (max_letter_bytes or max_body_bytes) if path.endswith("/complaints/letter") else max_body_bytes,
    )
    # The routes are tried in order: the busiest first (each router passed costs a request
    # its route matching).
    app.include_router(
        build_router(
            auth=auth, publisher_dep=publisher_dep, store_dep=store_dep, case_states_dep=case_states_dep,
            recent=recent, clock=clock, window=window, receive_email_dep=receive_email_dep,
        )
    )
    app.include_router(health_router(readiness, liveness))
    return app
