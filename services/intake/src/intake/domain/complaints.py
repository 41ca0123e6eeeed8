"""Commands intake accepts and how they become `ComplaintReceived` events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field, model_validator


class SubmitComplaint(BaseModel):
    """The body of `POST /v1/complaints`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: ev.Channel
    text: Annotated[str, Field(min_length=1, max_length=ev.TEXT_MAX)]
    subject: Annotated[str, Field(max_length=ev.SUBJECT_MAX)] = ""
    customer: ev.CustomerContact = ev.CustomerContact()
    customer_tier: ev.CustomerTier | None = None
    external_id: Annotated[str | None, Field(max_length=200, description="The channel's id; makes retries idempotent")] = None
    product: Annotated[str | None, Field(max_length=200)] = None
    language: ev.Language | None = None
    received_at: datetime | None = Field(default=None, description="When the channel received it (default: now)")

    @model_validator(mode="after")
    def _aware_time(self) -> SubmitComplaint:
        if self.received_at is not None and self.received_at.tzinfo is None:
            raise ValueError("received_at must carry a timezone offset")
        return self


class InvalidField(ValueError):
    """A command refused for one field's value (a 422 naming `field`, or a dead letter)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ReceivedAtWindow:
    """How far a channel's `received_at` may stray from intake's clock.

    Too far ahead and the deadlines computed from it overflow (year 9999) or never come due;
    too far back and every escalation fires at once.
    """

    max_future: timedelta
    max_age: timedelta

    def check(self, received_at: datetime | None, *, now: datetime) -> None:
        if received_at is None:
            return
        if received_at > now + self.max_future:
            raise InvalidField("received_at", f"more than {_span(self.max_future)} in the future")
        if received_at < now - self.max_age:
            raise InvalidField("received_at", f"more than {_span(self.max_age)} in the past")

    def admits(self, received_at: datetime | None, *, now: datetime) -> bool:
        try:
            self.check(received_at, now=now)
        except InvalidField:
            return False
        return True


def _span(span: timedelta) -> str:
    if span >= timedelta(days=1) and span % timedelta(days=1) == timedelta(0):
        return f"{span.days} days"
    return f"{int(span.total_seconds() // 60)} minutes"


def case_identity(channel: str, external_id: str | None, key_scope: tuple[str, ...] = ()) -> tuple[str, str]:
    """(case id, event id) for a submission.

    With the channel's own message id, both are derived from it: a channel adapter that retries
    after a timeout gets the same case back and archive stores the event once. Otherwise a
    request's own key (`key_scope`, e.g. an Idempotency-Key with its client and route) does the
    same in a namespace of its own ("key" is no channel), so a key never lands on the case of
    another complaint's external id.
    """
    if external_id:
        return ev.derived_id("case", channel, external_id), ev.derived_id("received", channel, external_id)
    if key_scope:
        return ev.derived_id("case", "key", *key_scope), ev.derived_id("received", "key", *key_scope)
    return ev.new_id(), ev.new_id()


def complaint_received(command: SubmitComplaint, *, case_id: str, now: datetime) -> ev.ComplaintReceived:
    return ev.ComplaintReceived(
        case_id=case_id,
        channel=command.channel,
        text=command.text,
        subject=command.subject,
        language=command.language,
        customer=command.customer,
        customer_tier=command.customer_tier,
        external_id=command.external_id,
        product=command.product,
        received_at=command.received_at or now,
    )
