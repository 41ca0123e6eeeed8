"""Complaints by phone: a call record from the phone system (CTI)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .complaints import SubmitComplaint
from .phone_numbers import e164
from .scripts import script_language

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
PhoneNumber = Annotated[str, Field(min_length=1, max_length=40)]
NOTES_MAX = 8_000  # notes and transcript together stay within one complaint's text


class CallRecord(BaseModel):
    """The body of `POST /v1/complaints/phone`."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{
            "call_id": "cti-2026-11-24-000117", "caller": "138 0013 8000", "called": "+86 10 9555 5555",
            "started_at": "2026-11-24T09:12:03+08:00", "ended_at": "2026-11-24T09:19:41+08:00",
            "agent": "agent-17", "ivr": ["2", "complaints"],
            "notes": "客户称热水壶使用两周后底部漏水，要求退款。", "transcript": None,
            "recording_url": "https://cti.example.com/recordings/000117.wav",
        }]},
    )

    call_id: Annotated[ShortText, Field(description="The phone system's id of the call: the same id again is the same call")]
    caller: PhoneNumber | None = Field(default=None, description="The customer's number, normalised to E.164")
    called: PhoneNumber | None = Field(default=None, description="The company's line that was called")
    started_at: datetime | None = None
    ended_at: datetime | None = None
    agent: ShortText | None = None
    ivr: Annotated[list[ShortText], Field(max_length=20, description="The IVR choices, in order")] = []
    notes: Annotated[str | None, Field(max_length=NOTES_MAX, description="The agent's notes")] = None
    transcript: Annotated[str | None, Field(max_length=ev.TEXT_MAX - NOTES_MAX - 2, validate_default=True, description="A transcript of the call")] = None
    recording_url: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("started_at", "ended_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a timezone offset")
        return value

    @field_validator("ended_at")
    @classmethod
    def _after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        started = info.data.get("started_at")
        if value is not None and started is not None and value < started:
            raise ValueError("the call cannot end before it started")
        return value

    @field_validator("transcript")
    @classmethod
    def _something_said(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Checked on `transcript` (declared after `notes`, validated even when absent): the
        # error names a field the client can fill.
        if not (info.data.get("notes") or "").strip() and not (value or "").strip():
            raise ValueError("a call record needs the agent's notes, a transcript or both")
        return value

    def text(self) -> str:
        """Notes first (the agent's summary), then the transcript."""
        return "\n\n".join(part.strip() for part in (self.notes, self.transcript) if part and part.strip())


def call_complaint(call: CallRecord, *, default_region: str) -> SubmitComplaint:
    text = call.text()
    return SubmitComplaint(
        channel=ev.Channel.PHONE,
        text=text,
        customer=ev.CustomerContact(phone=e164(call.caller, default_region=default_region)),
        external_id=call.call_id,
        language=script_language(text),
        # The call's start is when the customer complained; the record arrives after it ended.
        received_at=call.started_at,
    )


def call_details(call: CallRecord, *, default_region: str) -> ev.CallDetails:
    return ev.CallDetails(
        call_id=call.call_id,
        called=e164(call.called, default_region=default_region),
        started_at=call.started_at,
        ended_at=call.ended_at,
        agent=call.agent,
        ivr=tuple(call.ivr),
        recording_url=call.recording_url,
        has_transcript=bool(call.transcript and call.transcript.strip()),
    )
