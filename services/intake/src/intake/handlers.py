"""Intake's use cases. Plain async functions; the publisher is passed in (real or fake)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Protocol

from complaints_shared import events as ev
from complaints_shared.logging import case_context

from .domain.case_states import CaseState, CaseStates, RecentUpdates, UnknownCase, check
from .domain.case_updates import CaseUpdateBody
from .domain.complaints import ReceivedAtWindow, SubmitComplaint, case_identity, complaint_received
from .domain.email_messages import parse_email
from .domain.idempotency import IdempotencyStore, Replay, Scope, fingerprint


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
    async def admitted(self) -> AsyncIterator[CaseState]:
        """Checks the action against the case's state (archive's, or intake's fresher memory of
        its own updates) and, once the body of the `async with` recorded it, remembers where it
        led. Raises UnknownCase, VersionMismatch, ActionRefused or CaseStatesUnavailable."""
        async with self.recent.lock(self.case_id):
            archived = await self.case_states.get(self.case_id)
            if archived is None:
                raise UnknownCase(self.case_id)
            state = self.recent.current(self.case_id, archived, now=self.clock())
            after = check(state, self.action, if_match=self.if_match)
            yield after
            self.recent.remember(self.case_id, after, now=self.clock())
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
    async with guard.admitted():
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
    if raw.mime:
        parsed = parse_email(raw.mime)
        return parsed.model_copy(
            update={
                "channel": raw.channel,
                "customer": raw.customer if raw.customer != ev.CustomerContact() else parsed.customer,
                "external_id": raw.external_id or parsed.external_id,
                "product": raw.product,
                "language": raw.language,
                "received_at": raw.received_at or parsed.received_at,
            }
        )
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


async def normalise_raw(
    value: bytes, *, origin: str, publisher: Publisher, now: datetime, window: ReceivedAtWindow
) -> Recorded:
    """Turn one raw-topic record into `ComplaintReceived`.

    Without an external id, the envelope's id or else the record's place (topic/partition/
    offset) keys the ids, in a scope of their own: a redelivered record still yields the same
    case, and no envelope id can meet a channel's external id. (Redelivery republishes under
    the same ids; the consumers keep one.)
    """
    raw, envelope_id = raw_submission(value)
    command = command_from_raw(raw)
    key_scope = ("raw-envelope", envelope_id) if envelope_id else ("raw-origin", origin)
    submission = prepare_complaint(command, now=now, window=window, key_scope=key_scope)
    return await record(submission, publisher=publisher, store=None)
