"""Intake's use cases. Plain async functions; the publisher is passed in (real or fake)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from complaints_shared import events as ev
from complaints_shared.logging import case_context
from prometheus_client import Counter

from .domain.case_states import CaseState, CaseStates, RecentUpdates, UnknownCase, check
from .domain.case_updates import UPDATE_BODIES, CaseUpdateBody
from .domain.complaints import ReceivedAtWindow, SubmitComplaint, case_identity, complaint_received
from .domain.email_messages import ReadEmail, UnreadableEmail, read_email
from .domain.idempotency import IdempotencyStore, KeyConflict, Replay, RequestInProgress, Scope, fingerprint
from .domain.letters import LetterForm, LetterJob, LetterJobs, scan_content_type
from .domain.phone_calls import CallRecord, call_complaint, call_details
from .domain.scripts import script_language
from .domain.sms import (
    ResolvedCases,
    SmsMessage,
    SmsPart,
    SmsParts,
    e164,
    joined_message,
    part_group_key,
    parts_message_id,
    satisfaction_score,
    sms_complaint,
    sms_details,
)


class Publisher(Protocol):
    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event: ...


@dataclass(frozen=True)
class Recorded:
    case_id: str
    event_id: str


@dataclass(frozen=True)
class Submission:
    """What one request will publish and answer, decided before anything is published (so
    the answer is formed first: nothing is recorded that could not be answered)."""

    data: ev.Contract
    recorded: Recorded
    scope: Scope | None = None  # the idempotency key's scope, if the request has one
    fingerprint: str = ""


def prepare_complaint(
    command: SubmitComplaint,
    *,
    now: datetime,
    window: ReceivedAtWindow,
    key_scope: tuple[str, ...] = (),
    sender_dated: bool = False,
) -> Submission:
    """A complaint's submission. `key_scope` is where a request's own key lives (an
    Idempotency-Key per client and route, a raw record's envelope id or place); a channel's
    external_id, when given, decides instead.

    Raises InvalidField when `received_at` is outside the window, unless `sender_dated` (an
    e-mail's Date header: the sender's clock, no reason to refuse the complaint, but no
    reason to trust it either; the time of receipt is used instead).
    """
    command_print = fingerprint(command)
    if sender_dated and not window.admits(command.received_at, now=now):
        command = command.model_copy(update={"received_at": None})
    window.check(command.received_at, now=now)
    case_id, event_id = case_identity(command.channel, command.external_id, key_scope)
    if command.external_id:
        scope = Scope(("external_id", command.channel.value, command.external_id), field="external_id")
    elif key_scope:
        scope = Scope(key_scope, field="header.idempotency-key")
    else:
        scope = None
    data = complaint_received(command, case_id=case_id, now=now)
    return Submission(data, Recorded(case_id, event_id), scope, command_print)


def prepare_case_update(body: CaseUpdateBody, *, case_id: str, now: datetime, idempotency_key: str | None = None) -> Submission:
    """A case update's submission; its Idempotency-Key lives per case."""
    update = body.to_event(case_id, now=now)
    if idempotency_key is None:
        return Submission(update, Recorded(case_id, ev.new_id()))
    recorded = Recorded(case_id, ev.derived_id("update", case_id, idempotency_key))
    return Submission(update, recorded, Scope(("case-update", case_id, idempotency_key), "header.idempotency-key"), fingerprint(body))


@dataclass
class CaseAction:
    """A case action waiting to be admitted by the case's current state (see `admitted`)."""

    case_id: str
    action: str
    if_match: str | None
    case_states: CaseStates
    recent: RecentUpdates
    clock: Callable[[], datetime]
    after: CaseState | None = field(default=None, init=False)  # set once admitted and recorded

    @contextlib.asynccontextmanager
    async def admitted(self, event_id: str) -> AsyncIterator[CaseState]:
        """Checks the action against the case's state (archive's, or intake's fresher memory of
        its own updates) and, once the body of the `async with` recorded it as `event_id`,
        remembers where it led. Raises UnknownCase, VersionMismatch, ActionRefused or
        CaseStatesUnavailable."""
        async with self.recent.lock(self.case_id):
            archived = await self.case_states.get(self.case_id)
            if archived is None:
                raise UnknownCase(self.case_id)
            state = self.recent.current(self.case_id, archived, now=self.clock())
            after = check(state, self.action, if_match=self.if_match)
            yield after
            self.recent.remember(self.case_id, after, event_id=event_id, now=self.clock())
            self.after = after


async def record(
    submission: Submission,
    *,
    publisher: Publisher,
    store: IdempotencyStore | None,
    guard: CaseAction | None = None,
) -> Recorded:
    """Publish the submission once per idempotency key; returns after the broker acknowledged.

    With a key: the same request again gets the first answer (nothing published twice); a
    different request under the key raises KeyConflict; one being published right now,
    RequestInProgress. A failed publish gives the key back to a retry of the same request.
    With a `guard`, the case's state must admit the action first (after the key's claim: a
    retry of a recorded request gets its first answer even though the case moved on).
    """
    recorded = submission.recorded
    with case_context(recorded.case_id):
        if submission.scope is None or store is None:
            await _publish(submission, publisher, guard)
            return recorded
        outcome = await store.claim(submission.scope, submission.fingerprint, asdict(recorded))
        if isinstance(outcome, Replay):
            return Recorded(**outcome.answer)
        try:
            await _publish(submission, publisher, guard)
        except BaseException:
            await store.release(submission.scope, outcome.token)
            raise
        await store.complete(submission.scope, outcome.token)
        return recorded


async def _publish(submission: Submission, publisher: Publisher, guard: CaseAction | None) -> None:
    if guard is None:
        await publisher.publish(submission.data, event_id=submission.recorded.event_id)
        return
    async with guard.admitted(submission.recorded.event_id):
        await publisher.publish(submission.data, event_id=submission.recorded.event_id)


def raw_submission(value: bytes) -> tuple[ev.RawComplaintSubmitted, str | None]:
    """Read a raw-topic record: a CloudEvents envelope or the bare RawComplaintSubmitted object.

    Returns the submission and the envelope's id (None for a bare object).
    """
    obj = json.loads(value)
    if isinstance(obj, dict) and "specversion" in obj:
        event = ev.from_object(obj, expect=(ev.RawComplaintSubmitted,))
        return event.data, event.id
    return ev.RawComplaintSubmitted.model_validate(obj), None


def command_from_raw(raw: ev.RawComplaintSubmitted) -> SubmitComplaint:
    """A raw record's text complaint (one carrying an e-mail in `mime` goes to `receive_email`)."""
    if not raw.text:
        raise ValueError("text: either text or mime is required")
    return SubmitComplaint(
        channel=raw.channel,
        text=raw.text,
        subject=raw.subject or "",
        customer=raw.customer,
        external_id=raw.external_id,
        product=raw.product,
        language=raw.language,
        received_at=raw.received_at,
    )


def with_raw_fields(command: SubmitComplaint, raw: ev.RawComplaintSubmitted) -> SubmitComplaint:
    """An e-mail's complaint with what the raw record that carried it says besides (the
    adapter's channel, contact, ids, product, language and time win over the mail's own)."""
    return command.model_copy(
        update={
            "channel": raw.channel,
            "customer": raw.customer if raw.customer != ev.CustomerContact() else command.customer,
            "external_id": raw.external_id or command.external_id,
            "product": raw.product,
            "language": raw.language or command.language,
            "received_at": raw.received_at or command.received_at,
        }
    )


class RawEmailReceiver(Protocol):
    async def __call__(self, raw: bytes, key_scope: tuple[str, ...], *, given: ev.RawComplaintSubmitted | None = None) -> EmailOutcome: ...


async def normalise_raw(
    value: bytes,
    *,
    origin: str,
    publisher: Publisher,
    now: datetime,
    window: ReceivedAtWindow,
    receive_email: RawEmailReceiver | None = None,
) -> Recorded | None:
    """Turn one raw-topic record into `ComplaintReceived`; one carrying an e-mail (`mime`) goes
    the way of `POST /v1/complaints/email` (`receive_email`): mail no person wrote is ignored
    (None), a reply on a case is a follow-up, attachments are stored.

    Without an external id (or Message-ID), the envelope's id or else the record's place
    (topic/partition/offset) keys the ids, in a scope of their own: a redelivered record still
    yields the same case, and no envelope id can meet a channel's external id. (Redelivery
    republishes under the same ids; the consumers keep one.)
    """
    raw, envelope_id = raw_submission(value)
    key_scope = ("raw-envelope", envelope_id) if envelope_id else ("raw-origin", origin)
    if raw.mime is not None:
        if receive_email is None:
            raise ValueError("mime: this consumer takes no e-mail")
        # A JSON string holds Unicode only: the message is 7-bit, or 8-bit UTF-8 (an adapter
        # sends 8-bit mail of another charset with a 7-bit transfer encoding; docs/channels-email.md).
        outcome = await receive_email(raw.mime.encode("utf-8"), key_scope, given=raw)
        return outcome.recorded
    command = command_from_raw(raw)
    submission = prepare_complaint(command, now=now, window=window, key_scope=key_scope)
    return await record(submission, publisher=publisher, store=None)


# --- SMS, phone and letter channels (entrypoints/channels.py) ------------------------------


async def record_waiting(
    submission: Submission,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    patience: float,
    guard: CaseAction | None = None,
) -> Recorded:
    """`record`, for a channel that delivers the same message again (a gateway's retry, a
    webhook delivered twice at once): a delivery that finds the first one being recorded
    waits, up to `patience` seconds, for its answer rather than answering 409."""
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            return await record(submission, publisher=publisher, store=store, guard=guard)
        except RequestInProgress:
            if time.monotonic() + pause > deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.2)


def prepare_channel_complaint(
    command: SubmitComplaint, *, details: dict[str, ev.Contract], now: datetime, window: ReceivedAtWindow
) -> Submission:
    """A complaint with what its channel knows (`sms`, `call`, `letter` details), keyed on the
    channel's own message id."""
    submission = prepare_complaint(command, now=now, window=window)
    data = submission.data.model_copy(update=details)
    detail_print = fingerprint({name: value.model_dump(mode="json") for name, value in details.items()})
    return Submission(data, submission.recorded, submission.scope, fingerprint({"command": submission.fingerprint, "details": detail_print}))


@dataclass(frozen=True)
class SmsOutcome:
    recorded: Recorded
    language: ev.Language | None
    score: int | None = None  # set when the SMS was a satisfaction score, not a complaint
    awaiting_parts: int | None = None  # a part was kept; this many parts of its SMS have not come yet


async def receive_sms(
    message: SmsMessage,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    case_states: CaseStates,
    resolved_cases: ResolvedCases,
    recent: RecentUpdates,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    default_region: str,
    patience: float,
    sms_parts: SmsParts | None = None,
) -> SmsOutcome:
    """An SMS becomes a complaint; a bare "1".."5" from a number whose latest case is resolved
    is that case's satisfaction score instead (the answer to the satisfaction call-back). One
    part of a multi-part SMS is kept until its SMS is whole (`receive_sms_part`)."""
    if message.is_part and sms_parts is not None:
        return await receive_sms_part(message, publisher=publisher, store=store, sms_parts=sms_parts, clock=clock, window=window,
                                      default_region=default_region, patience=patience)
    command = sms_complaint(message, default_region=default_region)
    score = satisfaction_score(message.text)
    phone = command.customer.phone
    case_id = await resolved_cases.latest_resolved(phone) if score is not None and phone else None
    if score is not None and case_id is not None:
        now = clock()
        update = ev.SatisfactionRecorded(case_id=case_id, actor="customer", at=now, score=score)
        submission = Submission(
            update,
            Recorded(case_id, ev.derived_id("satisfaction", ev.Channel.SMS.value, message.message_id)),
            Scope(("external_id", ev.Channel.SMS.value, message.message_id), field="message_id"),
            fingerprint({"satisfaction": score, "case_id": case_id}),
        )
        guard = CaseAction(case_id, "satisfaction_recorded", None, case_states, recent, clock)
        recorded = await record_waiting(submission, publisher=publisher, store=store, patience=patience, guard=guard)
        return SmsOutcome(recorded, command.language, score)
    submission = prepare_channel_complaint(
        command, details={"sms": sms_details(message, default_region=default_region)}, now=clock(), window=window
    )
    recorded = await record_waiting(submission, publisher=publisher, store=store, patience=patience)
    return SmsOutcome(recorded, command.language)


async def _once(
    store: IdempotencyStore, scope: Scope, request_print: str, answer: Recorded, *, patience: float, action: Callable[[], Awaitable[None]]
) -> tuple[Recorded, bool]:
    """Run `action` once per key (as `record_waiting` publishes once): a repeat of the same
    request gets the first answer, after the first one's action is done. Returns the answer and
    whether it is a replay."""
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            outcome = await store.claim(scope, request_print, asdict(answer))
            break
        except RequestInProgress:
            if time.monotonic() + pause > deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.2)
    if isinstance(outcome, Replay):
        return Recorded(**outcome.answer), True
    try:
        await action()
    except BaseException:
        await store.release(scope, outcome.token)
        raise
    await store.complete(scope, outcome.token)
    return answer, False


async def receive_sms_part(
    message: SmsMessage,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    sms_parts: SmsParts,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    default_region: str,
    patience: float,
) -> SmsOutcome:
    """One part of a multi-part SMS a gateway delivered on its own. It is stored (durably)
    before it is answered; the part that makes its SMS whole publishes the joined complaint
    before it is answered. Every part is answered with the case the whole SMS gets (its ids
    derive from the group's id). A part delivered again (same message id, or the same place in
    the same SMS) is ignored. Groups that never complete: `publish_due_parts`."""
    assert message.part is not None and message.parts is not None and message.reference is not None
    now = clock()
    window.check(message.received_at, now=now)
    sender = e164(message.sender, default_region=default_region) or message.sender
    key = part_group_key(sender, message.reference, message.parts)
    group_id = await sms_parts.open_group(key, now=now)
    case_id, event_id = case_identity(ev.Channel.SMS.value, parts_message_id(group_id))
    missing = message.parts
    late: Recorded | None = None

    async def keep() -> None:
        nonlocal missing, late
        part = SmsPart(message.part or 1, message.text, message.message_id, message.received_at, now)
        await sms_parts.add(group_id, part, key=key, message=message)
        missing = (message.parts or 1) - len(await sms_parts.parts(group_id))
        if missing == 0:
            try:
                await publish_sms_group(key, group_id, publisher=publisher, store=store, sms_parts=sms_parts, clock=clock,
                                        window=window, default_region=default_region, patience=patience)
            except KeyConflict:
                # The wait ran out while this part travelled: its SMS was published without it.
                # The part is not dropped: it is a complaint of its own.
                alone = message.model_copy(update={"message_id": f"sms-late-part:{message.message_id}"[:200]})
                submission = prepare_channel_complaint(sms_complaint(alone, default_region=default_region),
                                                       details={"sms": sms_details(alone, default_region=default_region)},
                                                       now=clock(), window=window)
                late = await record_waiting(submission, publisher=publisher, store=store, patience=patience)

    scope = Scope(("external_id", ev.Channel.SMS.value, message.message_id), field="message_id")
    recorded, replayed = await _once(store, scope, fingerprint(message), Recorded(case_id, event_id), patience=patience, action=keep)
    language = script_language(message.text)
    if late is not None:
        return SmsOutcome(late, language)
    if replayed:
        # A repeat of a part: its SMS is still being gathered if its group is the open one
        # (a group is closed only once its complaint is recorded).
        if recorded.case_id != case_id:
            return SmsOutcome(recorded, language)
        missing = message.parts - len(await sms_parts.parts(group_id))
    return SmsOutcome(recorded, language, awaiting_parts=missing or None)


async def publish_sms_group(
    key: str,
    group_id: str,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    sms_parts: SmsParts,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    default_region: str,
    patience: float,
) -> Recorded | None:
    """Publish the SMS the group's stored parts make (whole, or as far as it came), then
    forget the group. Idempotent on the group's id: any process may do it, as often as it likes.
    Raises KeyConflict when the group's complaint was published with other parts."""
    first = await sms_parts.first_message(group_id)
    stored = await sms_parts.parts(group_id)
    if first is None or not stored or first.parts is None:
        await sms_parts.close(key, group_id)  # opened by a repeat of a part of an SMS published already
        return None
    joined = joined_message(first, stored, parts=first.parts, group_id=group_id)
    submission = prepare_channel_complaint(
        sms_complaint(joined, default_region=default_region), details={"sms": sms_details(joined, default_region=default_region)},
        now=clock(), window=window,
    )
    recorded = await record_waiting(submission, publisher=publisher, store=store, patience=patience)
    await sms_parts.close(key, group_id)
    return recorded


async def publish_due_parts(
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    sms_parts: SmsParts,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    default_region: str,
    wait: timedelta,
    patience: float,
) -> int:
    """Publish the multi-part SMS whose first part came more than `wait` ago and that are still
    not whole, as they are (a gap marks each missing part): late parts do not drop the message.
    Returns how many were published."""
    published = 0
    for key, group_id in await sms_parts.due(opened_before=clock() - wait):
        try:
            if await publish_sms_group(key, group_id, publisher=publisher, store=store, sms_parts=sms_parts, clock=clock,
                                       window=window, default_region=default_region, patience=patience) is not None:
                published += 1
        except KeyConflict:
            await sms_parts.close(key, group_id)  # published already (with the parts it had then)
    return published


async def receive_call(
    call: CallRecord,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    now: datetime,
    window: ReceivedAtWindow,
    default_region: str,
    patience: float,
) -> Recorded:
    command = call_complaint(call, default_region=default_region)
    submission = prepare_channel_complaint(command, details={"call": call_details(call, default_region=default_region)}, now=now, window=window)
    return await record_waiting(submission, publisher=publisher, store=store, patience=patience)


class AttachmentPutter(Protocol):
    async def put(self, data: bytes, *, content_type: str, filename: str | None = None) -> ev.Attachment: ...


async def receive_letter(
    scan: bytes,
    *,
    filename: str | None,
    form: LetterForm,
    attachments: AttachmentPutter,
    jobs: LetterJobs,
    now: datetime,
    key_scope: tuple[str, ...] = (),
) -> LetterJob:
    """Store the scan, then a pending OCR job: the letter is safe before it is answered. With a
    key (`key_scope`), a retried upload finds its job and gets the same case; another letter
    under the same key is a KeyConflict. Raises InvalidScan for a file that is no scan."""
    content_type = scan_content_type(scan)
    case_id, _event_id = case_identity(ev.Channel.LETTER.value, None, key_scope)
    stored = await attachments.put(scan, content_type=content_type, filename=filename)
    letter_print = fingerprint({"scan": stored.sha256, "form": form.model_dump(mode="json")})
    job = LetterJob(case_id=case_id, scan=stored, form=form, received_at=now, fingerprint=letter_print)
    kept = await jobs.add(job, now=now)
    if kept.fingerprint != letter_print:
        raise KeyConflict("header.idempotency-key")
    return kept


# --- e-mail (entrypoints/http.py's webhook and entrypoints/smtp.py) -------------------------


@dataclass(frozen=True)
class EmailOutcome:
    """What became of one e-mail: a complaint, a follow-up on a case (`follow_up`), or nothing
    (`ignored`, with the reason: mail no person wrote)."""

    recorded: Recorded | None
    ignored: str | None = None
    follow_up: bool = False


ReceiveEmail = Callable[[bytes, tuple[str, ...]], Awaitable[EmailOutcome]]
EMAIL_IGNORED = Counter("intake_email_ignored_total", "E-mails not recorded because no person wrote them", ["reason"])


# One lock per message being received in this process: deliveries of one message at once (a
# mail server's parallel retries) are handled one after the other, so the later ones find the
# first one's answer in the store instead of all polling it. Across processes the store decides.
_DELIVERIES: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _delivery_lock(key: str) -> asyncio.Lock:
    lock = _DELIVERIES.get(key)
    if lock is None:
        lock = _DELIVERIES[key] = asyncio.Lock()
    return lock


@runtime_checkable
class RecordedMessages(Protocol):
    async def answer(self, scope: Scope) -> dict[str, str] | None:
        """The answer recorded under `scope`, once its request was recorded."""
        ...


async def _thread_case(read: ReadEmail, *, store: IdempotencyStore, case_states: CaseStates) -> str | None:
    """The case this mail answers: one our own Message-ID or a `[Case …]` tag names (if
    archive knows it), else the case of a message intake recorded that it replies to."""
    for case_id in read.thread_case_ids:
        if await case_states.get(case_id) is not None:
            return case_id
    if isinstance(store, RecordedMessages):
        for message_id in read.referenced_ids[:10]:
            answer = await store.answer(Scope(("external_id", ev.Channel.EMAIL.value, message_id[:200]), field="external_id"))
            if answer is not None:
                return answer["case_id"]
    return None


async def receive_email(
    raw: bytes,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    attachments: AttachmentPutter | None,
    case_states: CaseStates,
    recent: RecentUpdates,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    patience: float,
    mail_domain: str | None = None,
    key_scope: tuple[str, ...] = (),
    given: ev.RawComplaintSubmitted | None = None,
) -> EmailOutcome:
    """One e-mail, from the webhook, the SMTP listener or the raw topic (`given`: the raw
    record that carried it, whose fields win over the mail's). Mail no person wrote is ignored; a
    reply on a case is the customer's follow-up on it; anything else a complaint, with its
    attachments stored first (the event carries their references). Idempotent on Message-ID:
    a redelivery, or many at once, gets the first answer. Raises UnreadableEmail."""
    read = read_email(raw, mail_domain=mail_domain)
    if given is not None and read.complaint is not None:
        read = dataclasses.replace(read, complaint=with_raw_fields(read.complaint, given))
    if not key_scope and read.details.message_id is None:
        key_scope = ("email-sha256", hashlib.sha256(raw).hexdigest())  # no Message-ID: the same bytes are the same mail
    if read.ignored is not None:
        EMAIL_IGNORED.labels(read.ignored.value).inc()
        return EmailOutcome(None, ignored=read.ignored.value)
    async with _delivery_lock(repr((read.details.message_id, key_scope))):
        return await _record_email(read, publisher=publisher, store=store, attachments=attachments, case_states=case_states,
                                   recent=recent, clock=clock, window=window, patience=patience, key_scope=key_scope)


async def _record_email(
    read: ReadEmail,
    *,
    publisher: Publisher,
    store: IdempotencyStore,
    attachments: AttachmentPutter | None,
    case_states: CaseStates,
    recent: RecentUpdates,
    clock: Callable[[], datetime],
    window: ReceivedAtWindow,
    patience: float,
    key_scope: tuple[str, ...],
) -> EmailOutcome:
    command = read.complaint
    if command is None:
        raise UnreadableEmail("the message has no readable text")
    message_id = read.details.message_id
    case_id = await _thread_case(read, store=store, case_states=case_states)
    stored = tuple([await attachments.put(f.data, content_type=f.content_type, filename=f.filename) for f in read.files]) if attachments else ()
    if case_id is not None:
        body = UPDATE_BODIES["customer_followed_up"].model_validate(
            {"type": "customer_followed_up", "actor": "customer", "text": command.text, "channel": ev.Channel.EMAIL.value}
        )
        key = message_id[:200] if message_id else (":".join(key_scope) or None)
        submission = prepare_case_update(body, case_id=case_id, now=clock(), idempotency_key=key)
        # The files of a reply stay with it, as references (the body schema has no attachments:
        # only mail brings them).
        submission = Submission(submission.data.model_copy(update={"attachments": stored}), submission.recorded, submission.scope,
                                submission.fingerprint)
        guard = CaseAction(case_id, "customer_followed_up", None, case_states, recent, clock)
        try:
            recorded = await record_waiting(submission, publisher=publisher, store=store, patience=patience, guard=guard)
            return EmailOutcome(recorded, follow_up=True)
        except UnknownCase:
            pass  # a tag naming no case archive knows: the mail is a complaint of its own
    submission = prepare_complaint(command, now=clock(), window=window, key_scope=key_scope, sender_dated=True)
    extra = {"email": read.details, "attachments": stored}
    # The fingerprint covers what the mail said (command and headers), not where its bytes were
    # stored: the same mail again is the same request.
    request_print = fingerprint({"command": submission.fingerprint, "email": read.details.model_dump(mode="json"),
                                 "files": [hashlib.sha256(f.data).hexdigest() for f in read.files]})
    submission = Submission(submission.data.model_copy(update=extra), submission.recorded, submission.scope, request_print)
    recorded = await record_waiting(submission, publisher=publisher, store=store, patience=patience)
    return EmailOutcome(recorded)
