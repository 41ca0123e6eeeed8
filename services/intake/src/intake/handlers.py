"""Intake's use cases. Plain async functions; the publisher is passed in (real or fake)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from complaints_shared import events as ev
from complaints_shared.logging import case_context

from .domain.complaints import ReceivedAtWindow, SubmitComplaint, case_identity, complaint_received
from .domain.email_messages import parse_email


class Publisher(Protocol):
    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event: ...


@dataclass(frozen=True)
class Recorded:
    case_id: str
    event_id: str


async def record_complaint(
    command: SubmitComplaint,
    *,
    publisher: Publisher,
    now: datetime,
    window: ReceivedAtWindow,
    idempotency_key: str | None = None,
) -> Recorded:
    """Publish `ComplaintReceived`; returns after the broker acknowledged it.

    Raises InvalidField when `received_at` is outside the window.
    """
    window.check(command.received_at, now=now)
    case_id, event_id = case_identity(command.channel, command.external_id, idempotency_key)
    with case_context(case_id):
        await publisher.publish(complaint_received(command, case_id=case_id, now=now), event_id=event_id)
    return Recorded(case_id, event_id)


def case_update_identity(update: ev.CaseUpdate, idempotency_key: str | None = None) -> Recorded:
    """The ids a case update will be recorded under, known before it is published (so the
    answer can be formed first: nothing is published that could not be answered)."""
    event_id = ev.derived_id("update", update.case_id, idempotency_key) if idempotency_key else ev.new_id()
    return Recorded(update.case_id, event_id)


async def record_case_update(update: ev.CaseUpdate, recorded: Recorded, *, publisher: Publisher) -> Recorded:
    with case_context(update.case_id):
        await publisher.publish(update, event_id=recorded.event_id)
    return recorded


def raw_submission(value: bytes) -> tuple[ev.RawComplaintSubmitted, str | None]:
    """Read a raw-topic record: a CloudEvents envelope or the bare RawComplaintSubmitted object.

    Returns the submission and the envelope's id (None for a bare object).
    """
    obj = json.loads(value)
    if isinstance(obj, dict) and "specversion" in obj:
        event = ev.from_object(obj, expect=(ev.RawComplaintSubmitted,))
        return event.data, event.id  # type: ignore[return-value]
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

    `origin` (topic/partition/offset) keys the ids when the adapter gave neither an envelope id
    nor an external id, so a redelivered record still yields the same case.
    """
    raw, envelope_id = raw_submission(value)
    command = command_from_raw(raw)
    return await record_complaint(
        command, publisher=publisher, now=now, window=window, idempotency_key=envelope_id or origin
    )
