"""Every event of the platform, defined once.

Each event is a CloudEvents 1.0 envelope (`Event[Data]`) around a frozen pydantic data model.
On the wire it is plain JSON (structured content mode); the Kafka key is the case id, so all
events of one case land in one partition and keep their order. The JSON Schemas under
shared/schemas/ and the AsyncAPI document are generated from the classes here
(`python -m complaints_shared.schema_gen`) and a test keeps them equal.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SPEC_VERSION: Literal["1.0"] = "1.0"
TYPE_PREFIX = "org.complaints"
# Namespace for deterministic ids: an event derived from another event gets the same id every
# time it is derived, so redelivery never creates a second copy downstream.
ID_NAMESPACE = uuid.UUID("6f1c2b1e-8a63-4c55-9d4b-6a0d5f3e2c10")


def derived_id(*parts: str) -> str:
    """A stable id for something derived from `parts` (an upstream event id, an external id)."""
    return str(uuid.uuid5(ID_NAMESPACE, "\x1f".join(parts)))


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Contract(BaseModel):
    """Base of every data model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    # Set by every event model ("complaint.received", ...); value objects have none.
    event_type: ClassVar[str]


# --- vocabulary ---------------------------------------------------------------------------


class Channel(StrEnum):
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    SMS = "sms"
    WEB = "web"


class Language(StrEnum):
    ZH_HANS = "zh-Hans"
    ZH_HANT = "zh-Hant"
    KO = "ko"
    EN = "en"


class CustomerTier(StrEnum):
    STANDARD = "standard"
    KEY_ACCOUNT = "key_account"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Validity(StrEnum):
    VALID = "valid"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    FOLLOW_UP = "follow_up"
    INVALID = "invalid"


class EscalationLevel(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    DIRECTOR = "director"


TEXT_MAX = 20_000
SUBJECT_MAX = 500
ShortText = Annotated[str, Field(max_length=200)]

# What a case id may look like: intake makes UUIDs, and staff tools address cases by them in
# URLs. Letters, digits and `._:-`, starting with a letter or digit, at most 128 characters: it
# fits a path segment and a `Location` header as it is, and refuses blank, control and bidi
# characters (an id that cannot be written into the answer must not be recorded).
CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
CASE_ID_MAX = 128
CaseId = Annotated[str, Field(max_length=CASE_ID_MAX, pattern=CASE_ID_PATTERN, description="A case id (intake makes UUIDs)")]


class CustomerContact(Contract):
    """Who complained, as the channel saw it. Personal data: never logged."""

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40, description="E.164 when it could be parsed")
    customer_id: ShortText | None = Field(default=None, description="The company's own customer number")


# --- complaints received / routed ---------------------------------------------------------


class Attachment(Contract):
    """A file that came with a complaint. The bytes never travel on Kafka: they are stored
    durably (intake's attachment store) and the event carries a reference to them."""

    reference: str = Field(max_length=300, description="Where the bytes are kept, e.g. gridfs:<id>")
    filename: str | None = Field(default=None, max_length=300)
    content_type: str = Field(max_length=200)
    size: int = Field(ge=0)
    sha256: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")


MessageId = Annotated[str, Field(max_length=998, description="A Message-ID as the header gave it (RFC 5322: at most 998 characters)")]


class EmailDetails(Contract):
    """What the mail headers said: how a reply is threaded back to the case."""

    message_id: MessageId | None = None
    in_reply_to: MessageId | None = None
    references: tuple[MessageId, ...] = Field(default=(), max_length=100)
    quoted_text: str = Field(default="", max_length=TEXT_MAX, description="Earlier messages quoted below the new text, and the signature")


class CallDetails(Contract):
    """A phone system's call record (CTI)."""

    call_id: ShortText
    called: str | None = Field(default=None, max_length=40, description="The line that was called, E.164 when it could be parsed")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    agent: ShortText | None = None
    ivr: tuple[ShortText, ...] = Field(default=(), max_length=20, description="IVR choices, in order")
    recording_url: str | None = Field(default=None, max_length=2000)
    has_transcript: bool = False


class LetterDetails(Contract):
    """A scanned letter: what the mailroom knew and how well the scan could be read."""

    scan: Attachment
    pages: int = Field(ge=1)
    received_on: date | None = None
    postal_address: str | None = Field(default=None, max_length=1000)
    ocr_confidence: float | None = Field(default=None, ge=0, le=100, description="Tesseract's mean word confidence, 0-100")
    needs_review: bool = Field(default=False, description="The text is too uncertain to trust without a person checking it")


class SmsDetails(Contract):
    to: str | None = Field(default=None, max_length=40)
    segments: int = Field(default=1, ge=1)


class ComplaintReceived(Contract):
    """A complaint was recorded by intake (from a webhook or the raw topic)."""

    event_type: ClassVar[str] = "complaint.received"
    case_id: CaseId
    channel: Channel
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    subject: str = Field(default="", max_length=SUBJECT_MAX)
    language: Language | None = Field(default=None, description="Detected or declared language")
    customer: CustomerContact = CustomerContact()
    customer_tier: CustomerTier | None = Field(default=None, description="Tier if the channel knows it")
    external_id: ShortText | None = Field(default=None, description="The channel's own id of the message")
    product: ShortText | None = None
    received_at: datetime
    remedy_sought: str | None = Field(default=None, max_length=2000, description="What the customer asks for, where they say it")
    attachments: tuple[Attachment, ...] = Field(default=(), max_length=50)
    email: EmailDetails | None = None
    call: CallDetails | None = None
    letter: LetterDetails | None = None
    sms: SmsDetails | None = None


class ExplanationItem(Contract):
    """One reason behind a routing decision."""

    step: Literal["validity", "category", "department", "priority", "customer", "deadline", "triage"]
    rule: str = Field(description="Rule id, model name or table that decided")
    detail: str = Field(default="", description="Matched words, scores or values")
    weight: float | None = None


class Deadlines(Contract):
    acknowledge_by: datetime
    resolve_by: datetime
    department_reply_by: datetime | None = Field(
        default=None, description="Departmental reply deadline (quality and packaging: 24 h)"
    )
    working_time: tuple[Literal["acknowledge", "department_reply", "resolve"], ...] = Field(
        default=(),
        description="The deadlines counted in the business calendar's working time; the others run around the clock. "
        "A pause (waiting on the customer) moves a working-time deadline by the working time it lasted.",
    )


class ComplaintRouted(Contract):
    """Routing decided validity, category, priority, department and deadlines for a complaint."""

    event_type: ClassVar[str] = "complaint.routed"
    case_id: str
    received_event_id: str
    validity: Validity
    related_case_id: str | None = Field(default=None, description="Case a duplicate or follow-up belongs to")
    category: str
    department: str
    priority: Priority
    confidence: float = Field(ge=0.0, le=1.0)
    uncertain: bool = Field(default=False, description="Below the confidence threshold: sent to triage")
    language: Language | None = None
    customer_id: str | None = None
    customer_tier: CustomerTier = CustomerTier.STANDARD
    deadlines: Deadlines | None = None
    handling_hint: str = ""
    motive: str | None = Field(default=None, description="Apparent motive, when the text shows one")
    explanation: tuple[ExplanationItem, ...] = ()
    rules_version: str
    model_version: str | None = None
    routed_at: datetime


# --- case updates (agents, supervisors, the customer) -------------------------------------


class CaseUpdate(Contract):
    """Base of the case updates: which case, who, when."""

    case_id: CaseId
    actor: ShortText = Field(description="Who did it: a staff id, 'customer' or a system name")
    at: datetime


class CaseAcknowledged(CaseUpdate):
    """The responsible department took the case (answers the acknowledge deadline)."""

    event_type: ClassVar[str] = "case.acknowledged"


class CauseFound(CaseUpdate):
    """The investigation found the complaint's cause (again, when it is revised)."""

    event_type: ClassVar[str] = "case.cause_found"
    cause: str = Field(min_length=1, max_length=TEXT_MAX)


class CaseNoteAdded(CaseUpdate):
    """Staff recorded an investigation note."""

    event_type: ClassVar[str] = "case.note_added"
    note: str = Field(min_length=1, max_length=TEXT_MAX)


class CaseReassigned(CaseUpdate):
    """Staff moved the case; routing learns from this correction."""

    event_type: ClassVar[str] = "case.reassigned"
    department: ShortText
    category: ShortText | None = None
    priority: Priority | None = None
    reason: str = Field(default="", max_length=2000)


class RemedyProposed(CaseUpdate):
    """The department proposed a remedy; a supervisor must approve it."""

    event_type: ClassVar[str] = "case.remedy_proposed"
    remedy: str = Field(min_length=1, max_length=TEXT_MAX)


class RemedyApproved(CaseUpdate):
    """A supervisor approved the proposed remedy."""

    event_type: ClassVar[str] = "case.remedy_approved"
    comment: str = Field(default="", max_length=2000)


class RemedyRejected(CaseUpdate):
    """A supervisor rejected the proposed remedy, with the reason."""

    event_type: ClassVar[str] = "case.remedy_rejected"
    reason: str = Field(min_length=1, max_length=2000)


class CaseResolved(CaseUpdate):
    """The approved remedy was carried out."""

    event_type: ClassVar[str] = "case.resolved"
    resolution: str = Field(min_length=1, max_length=TEXT_MAX)


class CaseClosed(CaseUpdate):
    """The case is closed (after the satisfaction call-back, or as invalid)."""

    event_type: ClassVar[str] = "case.closed"


class CaseReopened(CaseUpdate):
    """A closed or resolved case was opened again."""

    event_type: ClassVar[str] = "case.reopened"
    reason: str = Field(default="", max_length=2000)


class CaseMerged(CaseUpdate):
    """Staff folded the case into another case about the same matter."""

    event_type: ClassVar[str] = "case.merged"
    into_case_id: CaseId = Field(description="The case this one was merged into")
    reason: str = Field(default="", max_length=2000)


class SatisfactionRecorded(CaseUpdate):
    """Result of the satisfaction call-back."""

    event_type: ClassVar[str] = "case.satisfaction_recorded"
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class CustomerFollowedUp(CaseUpdate):
    """The customer wrote again about an open case."""

    event_type: ClassVar[str] = "case.customer_followed_up"
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    channel: Channel
    received_event_id: ShortText | None = None
    attachments: tuple[Attachment, ...] = Field(default=(), max_length=50, description="Files the customer sent with it (references)")


# The clocks of a case that escalate: acknowledge-by, departmental-reply-by, resolve-by and,
# while a proposed remedy waits for the supervisor, approve-by.
EscalationDeadline = Literal["acknowledge", "department_reply", "resolve", "approve"]


class EscalationAcknowledged(CaseUpdate):
    """The person an escalation reached has taken it up: no further rungs for that deadline."""

    event_type: ClassVar[str] = "case.escalation_acknowledged"
    level: EscalationLevel = Field(description="The rung whose escalation is acknowledged")
    deadline: EscalationDeadline = Field(description="The clock that escalated")


class CustomerInfoRequested(CaseUpdate):
    """Staff asked the customer for something the case needs: its clocks pause until the
    customer answers (`CustomerFollowedUp`) or staff record the answer (`CustomerInfoReceived`)."""

    event_type: ClassVar[str] = "case.customer_info_requested"
    question: str = Field(min_length=1, max_length=2000, description="What the customer is asked (sent to them)")


class CustomerInfoReceived(CaseUpdate):
    """Staff got the customer's answer another way (a call, a letter): the case's clocks resume."""

    event_type: ClassVar[str] = "case.customer_info_received"
    note: str = Field(default="", max_length=TEXT_MAX)


CASE_UPDATES: tuple[type[CaseUpdate], ...] = (
    CaseAcknowledged,
    CauseFound,
    CaseNoteAdded,
    CaseReassigned,
    RemedyProposed,
    RemedyApproved,
    RemedyRejected,
    CaseResolved,
    CaseClosed,
    CaseReopened,
    CaseMerged,
    SatisfactionRecorded,
    CustomerFollowedUp,
    EscalationAcknowledged,
    CustomerInfoRequested,
    CustomerInfoReceived,
)

# --- escalations, notifications -----------------------------------------------------------


class CaseEscalated(Contract):
    """A deadline slipped and the case went one rung up the ladder."""

    event_type: ClassVar[str] = "case.escalated"
    case_id: str
    level: EscalationLevel
    deadline: EscalationDeadline
    due_at: datetime
    department: str
    escalated_at: datetime


class NotificationSent(Contract):
    """A notice about a case went out (to a role, never an address in the event)."""

    event_type: ClassVar[str] = "notification.sent"
    case_id: str
    medium: Literal["email", "webhook", "sms", "log"]
    recipient_role: ShortText = Field(description="A role or department, never an address")
    template: ShortText
    trigger_event_id: str
    sent_at: datetime


class NotificationFailed(Contract):
    """A notice could not be delivered after its retries."""

    event_type: ClassVar[str] = "notification.failed"
    case_id: str
    medium: Literal["email", "webhook", "sms", "log"]
    recipient_role: ShortText
    template: ShortText
    trigger_event_id: str
    error: str = Field(max_length=2000)
    attempts: int = Field(ge=1)
    failed_at: datetime


# --- customer profiles (compacted; CRM adapters publish here) -----------------------------


class CustomerProfileUpdated(Contract):
    """The latest known profile of a customer. Key = customer_id; the topic is compacted."""

    event_type: ClassVar[str] = "customer.profile_updated"
    customer_id: ShortText
    tier: CustomerTier = CustomerTier.STANDARD
    phones: tuple[Annotated[str, Field(max_length=40)], ...] = ()
    emails: tuple[Annotated[str, Field(max_length=320)], ...] = ()
    name: str | None = Field(default=None, max_length=200)
    updated_at: datetime


# --- raw inbound (channel adapters) and dead letters --------------------------------------


class RawComplaintSubmitted(Contract):
    """What a channel adapter may publish to the raw topic; intake normalises it.

    Either `text` (with optional `subject`) or a whole RFC 5322 message in `mime` (email).
    """

    event_type: ClassVar[str] = "complaint.raw_submitted"
    channel: Channel
    text: str | None = Field(default=None, max_length=TEXT_MAX)
    subject: str | None = Field(default=None, max_length=SUBJECT_MAX)
    mime: str | None = Field(default=None, max_length=1_000_000, description="A raw email message")
    customer: CustomerContact = CustomerContact()
    external_id: ShortText | None = None
    product: ShortText | None = None
    language: Language | None = None
    received_at: datetime | None = None


class EventDeadLettered(Contract):
    """An event that could not be handled, with why and where it came from."""

    event_type: ClassVar[str] = "event.dead_lettered"
    reason: str = Field(max_length=4000)
    consumer: ShortText = Field(description="The service or consumer group that gave up")
    source_topic: str
    source_partition: int
    source_offset: int
    original_key: str | None = None
    original_value: str = Field(description="The failed record's value, as text (UTF-8, or base64 if binary)")
    original_value_encoding: Literal["utf-8", "base64"] = "utf-8"
    failed_at: datetime


# --- the envelope -------------------------------------------------------------------------

DataT = TypeVar("DataT", bound=Contract)


class Event(BaseModel, Generic[DataT]):
    """CloudEvents 1.0 envelope, structured mode. `subject` is the case id (or customer id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = SPEC_VERSION
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200, description="URI-reference of the producing service")
    type: str
    time: datetime
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    data: DataT

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in EVENT_CLASSES:
            raise ValueError(f"unknown event type {value!r}")
        return value


ALL_EVENTS: tuple[type[Contract], ...] = (
    ComplaintReceived,
    ComplaintRouted,
    *CASE_UPDATES,
    CaseEscalated,
    NotificationSent,
    NotificationFailed,
    CustomerProfileUpdated,
    RawComplaintSubmitted,
    EventDeadLettered,
)


def type_name(model: type[Contract]) -> str:
    return f"{TYPE_PREFIX}.{model.event_type}.v1"


EVENT_CLASSES: dict[str, type[Contract]] = {type_name(m): m for m in ALL_EVENTS}


def subject_of(data: Contract) -> str | None:
    return getattr(data, "case_id", None) or getattr(data, "customer_id", None)


def envelope(data: Contract, *, source: str, event_id: str | None = None, time: datetime | None = None) -> Event:
    """Wrap `data` in its CloudEvents envelope."""
    model = type(data)
    return Event[model](  # type: ignore[valid-type]
        id=event_id or new_id(),
        source=source,
        type=type_name(model),
        time=time or utcnow(),
        subject=subject_of(data),
        dataschema=f"schemas/{model.event_type}.v1.json",
        data=data,
    )


class EventDecodeError(ValueError):
    """The bytes are not a valid event of a known type; the reason names the field."""


def describe_failure(exc: BaseException) -> str:
    """Why handling failed, fit for a log line or a dead letter's reason.

    A pydantic error's text quotes the input it refused (`input_value=...`: a customer's name,
    the start of a complaint); this names each field and what is wrong with it, never the value.
    """
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '<root>'}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False, include_context=False)
        )
        return f"{type(exc).__name__}: {problems}"
    return f"{type(exc).__name__}: {exc}"


def encode(event: Event) -> bytes:
    return event.model_dump_json(exclude_none=True).encode()


def decode(raw: bytes | str, *, expect: tuple[type[Contract], ...] | None = None) -> Event:
    """Parse one wire record. Raises EventDecodeError with a reason fit for a dead letter."""
    try:
        obj: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EventDecodeError(f"not JSON: {exc}") from exc
    return from_object(obj, expect=expect)


def from_object(obj: Any, *, expect: tuple[type[Contract], ...] | None = None) -> Event:
    """Validate an already-parsed JSON value as an event (see `decode`)."""
    if not isinstance(obj, dict):
        raise EventDecodeError("not a JSON object")
    model = EVENT_CLASSES.get(obj.get("type", ""))
    if model is None:
        raise EventDecodeError(f"type: unknown event type {obj.get('type')!r}")
    if expect is not None and model not in expect:
        raise EventDecodeError(f"type: {obj['type']!r} does not belong on this topic")
    try:
        return Event[model].model_validate(obj)  # type: ignore[valid-type]
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EventDecodeError(f"{where}: {first['msg']}") from exc


# --- erasures (compacted, kept forever; archive publishes, archive applies) ---------------


class CustomerErased(Contract):
    """A customer's data was erased (PIPL art. 47, GDPR art. 17), named only by what was erased.

    Kept forever on a compacted topic (key: the erasure id), so a rebuild from the log erases the
    same documents again even when the archive's database is lost. Carries no personal data, not
    even the identifier the request named: only ids (cases, events, raw records' topic/partition/
    offset, stored files) and counts, which name no one and replay identically.
    """

    event_type: ClassVar[str] = "customer.erased"
    erasure_id: str = Field(min_length=1, max_length=200, description="Also the event id and the record key")
    erased_at: datetime
    requested_by: ShortText = Field(description="The name of the API key that asked (a tool or a role, not the customer)")
    # Not CaseId: routing's, notification's and escalation events name cases by any string, and an
    # erasure must be recordable whatever case the archive holds.
    case_ids: tuple[Annotated[str, Field(max_length=1000)], ...] = ()
    event_ids: tuple[Annotated[str, Field(max_length=200)], ...] = Field(default=(), description="Profiles and dead letters naming the customer")
    raw_ids: tuple[Annotated[str, Field(max_length=400)], ...] = Field(default=(), description="Raw records as topic/partition/offset")
    attachment_references: tuple[Annotated[str, Field(max_length=300)], ...] = Field(
        default=(), description="Stored files (attachments, letter scans) to delete")
    cases: int = Field(0, ge=0)
    events: int = Field(0, ge=0)
    raw_records: int = Field(0, ge=0)
    attachments: int = Field(0, ge=0)
    attachments_shared: int = Field(0, ge=0, description="Files also sent by another customer, kept")
    letter_jobs: int = Field(0, ge=0)


ALL_EVENTS = (*ALL_EVENTS, CustomerErased)
EVENT_CLASSES[type_name(CustomerErased)] = CustomerErased
