"""Intake's channel webhooks: SMS (Twilio's webhook and plain JSON), phone call records and
scanned letters. Mounted beside the routes of entrypoints/http.py, on the same app (its
problem handlers answer the errors raised here)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from complaints_shared import events as ev
from complaints_shared.web import Principal, problem, problem_responses, require
from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from pydantic import Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from .. import handlers
from ..domain.case_states import CaseStates, RecentUpdates
from ..domain.complaints import InvalidField, ReceivedAtWindow
from ..domain.idempotency import IdempotencyStore
from ..domain.letters import InvalidScan, LetterForm, LetterJobs, letter_event_id
from ..domain.phone_calls import CallRecord
from ..domain.sms import ResolvedCases, SmsMessage, SmsParts, TwilioSms, reply_text
from .http import WRITE_RESPONSES, Accepted


@dataclass(frozen=True)
class ChannelSettings:
    default_region: str  # of numbers given without a country code
    twilio_auth_token: Callable[[], str | None]
    public_base_url: str | None  # the URL Twilio calls, when intake is behind a proxy
    max_scan_bytes: int
    letter_max_pages: int
    patience_seconds: float  # how long a repeated delivery waits for the first one's answer


@dataclass(frozen=True)
class LetterIntake:
    attachments: handlers.AttachmentPutter
    jobs: LetterJobs
    wake: Callable[[], None]  # tells the OCR worker a job is waiting


TWIML_EXAMPLE = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
    "您的投诉已受理，案件编号：3f1c2b1e-8a63-5c55-9d4b-6a0d5f3e2c10</Message></Response>"
)
TWILIO_FORM_EXAMPLE = (
    "MessageSid=SM0f6e2d4c8b7a41f1a3d9e6c5b4a39281&AccountSid=AC00000000000000000000000000000000"
    "&From=%2B8613800138000&To=%2B8610955555&Body=%E7%83%AD%E6%B0%B4%E5%A3%B6%E6%BC%8F%E6%B0%B4&NumSegments=1&NumMedia=0"
)
TWILIO_FORM_SCHEMA = {
    "type": "object",
    "required": ["MessageSid", "From", "Body"],
    "properties": {
        "MessageSid": {"type": "string", "description": "Twilio's id of the message: the same id again gets the same answer"},
        "From": {"type": "string", "description": "The customer's number"},
        "To": {"type": "string", "description": "The company's number"},
        "Body": {"type": "string", "maxLength": 1600},
        "NumSegments": {"type": "integer", "minimum": 1, "description": "How many SMS parts Twilio joined into Body"},
    },
    "additionalProperties": {"type": "string"},
}
LETTER_FORM_SCHEMA = {
    "type": "object",
    "required": ["scan"],
    "properties": {
        "scan": {"type": "string", "format": "binary", "description": "PNG, JPEG, TIFF (one page a frame) or PDF; judged by its bytes"},
        "sender_name": {"type": "string", "maxLength": 200},
        "postal_address": {"type": "string", "maxLength": 1000},
        "received_on": {"type": "string", "format": "date", "description": "The day the mailroom received the letter"},
        "text": {"type": "string", "maxLength": ev.TEXT_MAX, "description": "The letter typed by the mailroom: used instead of the OCR text"},
    },
}
SIGNATURE_RESPONSES = problem_responses(403, 413, 422, 503) | {
    200: {"description": "Recorded: TwiML telling the customer their case number", "content": {"application/xml": {"example": TWIML_EXAMPLE}}},
}

class SmsAccepted(Accepted):
    """An SMS's answer. For one part of a multi-part SMS (`part`/`parts`/`reference`) that is
    not whole yet, the part is stored and `status` is `awaiting_parts`: the case id is the one
    the whole SMS will get, once its last part comes (or its wait ran out)."""

    status: Literal["accepted", "awaiting_parts"] = "accepted"  # type: ignore[assignment]
    parts_missing: int | None = Field(default=None, description="How many parts of the SMS have not come yet")
    satisfaction: int | None = Field(default=None, description="The score recorded, when the SMS was a satisfaction score")


SMS_PART_EXAMPLE = {
    "case_id": "3f1c2b1e-8a63-5c55-9d4b-6a0d5f3e2c10", "event_id": "9b0e4f0a-5d0c-5b36-8f7e-2f6b1f0c9d11",
    "status": "awaiting_parts", "case_url": "/v1/cases/3f1c2b1e-8a63-5c55-9d4b-6a0d5f3e2c10", "parts_missing": 1,
}

twilio_signature = APIKeyHeader(
    name="X-Twilio-Signature",
    scheme_name="twilioSignature",
    auto_error=False,
    description="Twilio's HMAC of the public URL and the form, keyed with INTAKE_TWILIO_AUTH_TOKEN",
)


def _accepted(recorded: handlers.Recorded, **extra: Any) -> JSONResponse:
    location = f"/v1/cases/{recorded.case_id}"
    body = {"case_id": recorded.case_id, "event_id": recorded.event_id, "status": "accepted", "case_url": location} | extra
    return JSONResponse(body, status_code=202, headers={"Location": location})


def _invalid(field: str, message: str) -> JSONResponse:
    return problem(422, "Invalid request", f"{field}: {message}", errors=[{"field": field, "message": message}])


def _validation_problem(exc: ValidationError) -> JSONResponse:
    errors = [{"field": ".".join(str(p) for p in error["loc"]) or "body", "message": error["msg"]} for error in exc.errors(include_input=False)]
    return problem(422, "Invalid request", "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)


def public_url(request: Request, base_url: str | None) -> str:
    """The URL the caller (Twilio) requested: behind a proxy, the configured public base URL
    with the request's path and query, since the host and scheme intake sees are the proxy's."""
    if not base_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base_url.rstrip('/')}{request.url.path}{query}"


def build_channels_router(
    *,
    auth,
    publisher_dep,
    store_dep,
    case_states_dep,
    resolved_cases_dep: Callable[[], ResolvedCases] | Callable[[], Awaitable[ResolvedCases]],
    letters_dep: Callable[[], LetterIntake],
    recent: RecentUpdates,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    settings: ChannelSettings,
    sms_parts_dep: Callable[[], SmsParts | None] = lambda: None,
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["channels"])
    Publisher = Annotated[handlers.Publisher, Depends(publisher_dep)]
    Store = Annotated[IdempotencyStore, Depends(store_dep)]
    States = Annotated[CaseStates, Depends(case_states_dep)]
    Resolved = Annotated[ResolvedCases, Depends(resolved_cases_dep)]
    Client = Annotated[Principal, Depends(auth)]

    async def receive_sms(
        message: SmsMessage, *, publisher: handlers.Publisher, store: IdempotencyStore, states: CaseStates, resolved: ResolvedCases
    ) -> handlers.SmsOutcome:
        return await handlers.receive_sms(
            message, publisher=publisher, store=store, case_states=states, resolved_cases=resolved, recent=recent,
            clock=clock, window=window, default_region=settings.default_region, patience=settings.patience_seconds,
            sms_parts=sms_parts_dep(),
        )

    @router.post(
        "/complaints/sms/twilio",
        summary="Record an SMS delivered by Twilio's incoming-message webhook (answers TwiML)",
        description=(
            "Authenticated by `X-Twilio-Signature` (HMAC of the public URL and the form, keyed with the account's auth "
            "token), not by the bearer key. The answer tells the customer their case number, in their language. A bare "
            "`1`..`5` from a number whose latest case is resolved is that case's satisfaction score, not a complaint. "
            "The same `MessageSid` again gets the same answer."
        ),
        response_class=Response,
        responses=SIGNATURE_RESPONSES,
        openapi_extra={"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": TWILIO_FORM_SCHEMA, "examples": {"complaint": {"value": TWILIO_FORM_EXAMPLE}}}}}},
    )
    async def twilio_sms(
        request: Request,
        publisher: Publisher,
        store: Store,
        states: States,
        resolved: Resolved,
        signature: Annotated[str | None, Depends(twilio_signature)] = None,
        signature_settings: Annotated[str | None, Header(alias="X-Twilio-Webhooks-Signature-Settings", include_in_schema=False)] = None,
    ) -> Response:
        token = settings.twilio_auth_token()
        if not token:
            return problem(503, "Twilio webhook not configured", "INTAKE_TWILIO_AUTH_TOKEN is not set: no request can be verified")
        try:
            form = await request.form(max_files=0, max_fields=200)
        except MultiPartException as exc:
            return problem(400, "Bad request", f"the body is not a form ({exc.message})")
        params = {name: value for name, value in form.multi_items() if isinstance(value, str)}
        algorithm = get_signature_algorithm(signature_settings)
        if not signature or not RequestValidator(token).validate(public_url(request, settings.public_base_url), params, signature, algorithm):
            return problem(403, "Forbidden", "missing or wrong X-Twilio-Signature", missing_right="twilio-signature")
        try:
            message = TwilioSms.model_validate(params).message()
        except ValidationError as exc:
            return _validation_problem(exc)
        outcome = await receive_sms(message, publisher=publisher, store=store, states=states, resolved=resolved)
        twiml = MessagingResponse()
        twiml.message(reply_text(case_id=outcome.recorded.case_id, language=outcome.language, score=outcome.score))
        return Response(str(twiml), media_type="application/xml")

    @router.post(
        "/complaints/sms",
        status_code=202,
        response_model=SmsAccepted,
        responses=WRITE_RESPONSES | {202: {"description": "Recorded (or, for a part of a multi-part SMS, stored)", "content": {
            "application/json": {"examples": {"part_stored": {"summary": "Part 1 of 2 stored", "value": SMS_PART_EXAMPLE}}}}}},
        summary="Record an SMS from any gateway (plain JSON)",
        description=(
            "The same `message_id` again gives the same case. A bare `1`..`5` from a number whose latest case is "
            "resolved records that case's satisfaction score instead (the answer then carries `satisfaction`). "
            "`text` is one message: a gateway that joins the parts of a long SMS sends their count in `segments`. "
            "A gateway that does not join them sends each part with `part`, `parts` and `reference` (the UDH "
            "concatenation reference): the parts of one SMS (same sender, reference and part count) are stored, and "
            "joined in order into one complaint when the last one comes; a part delivered twice is ignored; an SMS "
            "whose parts do not all come within `INTAKE_SMS_PARTS_WAIT_SECONDS` is recorded as far as it came. Each "
            "part is answered once it is stored, with the case id the whole SMS gets (`status: awaiting_parts` until "
            "the part that completes it, which is answered once the complaint is recorded)."
        ),
    )
    async def json_sms(
        message: SmsMessage, publisher: Publisher, store: Store, states: States, resolved: Resolved, client: Client
    ) -> JSONResponse:
        require(client.may_submit(ev.Channel.SMS.value), f"channel:{ev.Channel.SMS.value}")
        try:
            outcome = await receive_sms(message, publisher=publisher, store=store, states=states, resolved=resolved)
        except InvalidField as exc:
            return _invalid(exc.field, exc.message)
        if outcome.awaiting_parts:
            return _accepted(outcome.recorded, status="awaiting_parts", parts_missing=outcome.awaiting_parts)
        return _accepted(outcome.recorded, **({"satisfaction": outcome.score} if outcome.score else {}))

    @router.post(
        "/complaints/phone",
        status_code=202,
        response_model=Accepted,
        responses=WRITE_RESPONSES,
        summary="Record a complaint from a phone system's call record (CTI)",
        description="The complaint's text is the agent's notes and the transcript (either or both). The same `call_id` again gives the same case.",
    )
    async def phone_call(call: Annotated[CallRecord, Body()], publisher: Publisher, store: Store, client: Client) -> JSONResponse:
        require(client.may_submit(ev.Channel.PHONE.value), f"channel:{ev.Channel.PHONE.value}")
        try:
            recorded = await handlers.receive_call(
                call, publisher=publisher, store=store, now=clock(), window=window,
                default_region=settings.default_region, patience=settings.patience_seconds,
            )
        except InvalidField as exc:
            # The call's start is the complaint's received_at.
            return _invalid("started_at" if exc.field == "received_at" else exc.field, exc.message)
        return _accepted(recorded)

    @router.post(
        "/complaints/letter",
        status_code=202,
        response_model=Accepted,
        responses=WRITE_RESPONSES | problem_responses(400, 415),
        summary="Record a scanned letter (OCR runs after the answer)",
        description=(
            "The scan is stored, then the answer is 202 with the case id; OCR (Tesseract: Simplified and Traditional "
            "Chinese, Korean, English) runs in the background, and the case's `text` is its result once done (or the "
            "typed `text`, when given). The complaint carries the OCR confidence, the pages, the detected language and "
            "`needs_review` when the reading is uncertain. An `Idempotency-Key` makes a retried upload the same case."
        ),
        openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {
            "schema": LETTER_FORM_SCHEMA,
            "examples": {"letter": {"summary": "A scanned letter with what the mailroom knows", "value": {
                "scan": "(the file: PNG, JPEG, TIFF or PDF)", "sender_name": "王芳", "postal_address": "北京市朝阳区建国路 88 号 3 单元 1201",
                "received_on": "2026-11-23",
            }}},
            "encoding": {"scan": {"contentType": "image/png, image/jpeg, image/tiff, application/pdf"}},
        }}}},
    )
    async def letter(
        request: Request,
        client: Client,
        idempotency_key: Annotated[
            str | None, Header(min_length=1, max_length=200, description="Makes a retried upload return the same case")
        ] = None,
    ) -> JSONResponse:
        require(client.may_submit(ev.Channel.LETTER.value), f"channel:{ev.Channel.LETTER.value}")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return problem(415, "Unsupported media type", "send multipart/form-data with the scan in the part `scan`")
        try:
            form = await request.form(max_files=1, max_fields=10)
        except MultiPartException as exc:
            return problem(400, "Bad request", f"the body is not readable multipart/form-data ({exc.message})")
        try:
            scan = form.get("scan")
            if not isinstance(scan, UploadFile):
                return _invalid("scan", "the scan is required, as a file part named `scan`")
            data = await scan.read(settings.max_scan_bytes + 1)
            if len(data) > settings.max_scan_bytes:
                return problem(413, "Payload Too Large", f"scan: larger than {settings.max_scan_bytes} bytes", limit=settings.max_scan_bytes)
            fields = {name: value for name, value in form.multi_items() if name != "scan"}
            try:
                letter_form = LetterForm.model_validate({name: value or None for name, value in fields.items()})
            except ValidationError as exc:
                return _validation_problem(exc)
            letters = letters_dep()
            try:
                job = await handlers.receive_letter(
                    data, filename=scan.filename, form=letter_form, attachments=letters.attachments, jobs=letters.jobs,
                    now=clock(), key_scope=("idempotency-key", client.client_id, "complaints/letter", idempotency_key) if idempotency_key else (),
                )
            except InvalidScan as exc:
                return _invalid("scan", str(exc))
        finally:
            await form.close()
        letters.wake()
        return _accepted(handlers.Recorded(job.case_id, letter_event_id(job.case_id)), ocr="pending")

    return router


