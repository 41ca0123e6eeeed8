"""Commands intake accepts and how they become `ComplaintReceived` events."""

from __future__ import annotations

from datetime import datetime
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


def case_identity(channel: str, external_id: str | None, idempotency_key: str | None = None) -> tuple[str, str]:
    """(case id, event id) for a submission.

    With the channel's own message id, both are derived from it: a channel adapter that retries
    after a timeout gets the same case back and archive stores the event once.
    """
    token = external_id or idempotency_key
    if token:
        return ev.derived_id("case", channel, token), ev.derived_id("received", channel, token)
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
