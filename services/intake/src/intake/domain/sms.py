"""Complaints by SMS: the gateways' messages, the customer's satisfaction score, the reply.

Multi-part SMS: a gateway that joins the parts (Twilio does, and says how many in
`NumSegments`) delivers one message, which is one complaint; the part count is kept in
`SmsDetails.segments`. A gateway that does not join them delivers each part on its own, with
its place (`part` of `parts`) and the concatenation reference of the UDH (`reference`): the
parts of one message (same sender, reference and part count) are kept until all have come, then
joined in order into one complaint; parts that never complete are published as they are after a
wait (handlers.receive_sms_part, adapters/sms_parts.py, docs/channels.md).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from .complaints import SubmitComplaint
from .phone_numbers import e164 as _e164
from .scripts import script_language

# Reading a number (phonenumbers) was about a tenth of the SMS route's time in a profile (0.75 of
# 6.8 s for 2,300 SMS, bench/intake_profile.py); the company's lines repeat, customers write
# again, and the result depends on the input alone.
e164 = functools.lru_cache(maxsize=65536)(_e164)

SMS_TEXT_MAX = 1600  # Twilio's limit for one (joined) message; other gateways stay under it too
_SCORE = re.compile(r"^[1-5]$")
PhoneNumber = Annotated[str, Field(min_length=1, max_length=40)]


class SmsMessage(BaseModel):
    """The body of `POST /v1/complaints/sms` (any gateway other than Twilio's webhook)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
        json_schema_extra={"examples": [{
            "from": "+8613800138000", "to": "+8610955555", "text": "热水壶用了两周就漏水，要求退款。",
            "message_id": "SM0f6e2d4c8b7a41f1a3d9e6c5b4a39281", "received_at": "2026-11-24T09:30:00+08:00",
        }, {
            "from": "+8613800138000", "to": "+8610955555", "text": "热水壶用了两周就漏水，",
            "message_id": "gw-7781-1", "received_at": "2026-11-24T09:30:00+08:00", "part": 1, "parts": 2, "reference": "7781",
        }]},
    )

    sender: PhoneNumber = Field(alias="from", description="The customer's number (normalised to E.164)")
    to: PhoneNumber | None = Field(default=None, description="The company's number the SMS was sent to")
    message_id: Annotated[str, Field(min_length=1, max_length=200, description="The gateway's id: the same id again is the same SMS")]
    received_at: datetime | None = Field(default=None, description="When the gateway received it (default: now)")
    segments: Annotated[int, Field(ge=1, le=255, description="How many parts the gateway joined into `text`")] = 1
    part: Annotated[int | None, Field(ge=1, le=255, description="This part's place (1-based) in a multi-part SMS the gateway did not join")] = None
    parts: Annotated[int | None, Field(
        ge=1, le=255, validate_default=True, description="How many parts the whole SMS has (with `part` and `reference`)",
    )] = None
    reference: Annotated[str | None, Field(
        min_length=1, max_length=64, validate_default=True,
        description="The concatenation reference of the SMS's UDH: the same for every part of one SMS",
    )] = None
    # Not stripped here: a part's text may end or begin mid-sentence with the space between two
    # words (a whole message is stripped); after the part fields, which its check reads.
    text: Annotated[str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=SMS_TEXT_MAX)]

    @model_validator(mode="after")
    def _aware_time(self) -> SmsMessage:
        if self.received_at is not None and self.received_at.tzinfo is None:
            raise ValueError("received_at must carry a timezone offset")
        return self

    # The part information goes together; each check runs on a later field, so that the error
    # names a field (validate_default: also when it is missing).
    @field_validator("parts", mode="after")
    @classmethod
    def _parts_with_part(cls, parts: int | None, info: ValidationInfo) -> int | None:
        part = info.data.get("part")
        if part is not None and parts is None:
            raise ValueError("required with part (part, parts and reference go together)")
        if part is None and parts is not None:
            raise ValueError("part is required with parts (part, parts and reference go together)")
        if part is not None and parts is not None and part > parts:
            raise ValueError(f"smaller than part ({part})")
        return parts

    @field_validator("reference", mode="after")
    @classmethod
    def _reference_with_parts(cls, reference: str | None, info: ValidationInfo) -> str | None:
        numbered = info.data.get("part") is not None or info.data.get("parts") is not None
        if numbered and reference is None:
            raise ValueError("required with part and parts (the UDH concatenation reference)")
        if reference is not None and not numbered and "parts" in info.data:
            raise ValueError("part and parts are required with reference")
        return reference

    @field_validator("text", mode="after")
    @classmethod
    def _strip_whole_text(cls, text: str, info: ValidationInfo) -> str:
        if (info.data.get("parts") or 1) > 1:
            return text
        if not text.strip():
            raise ValueError("blank")
        return text.strip()

    @property
    def is_part(self) -> bool:
        """One part of several, delivered on its own (a one-part "multi-part" SMS is whole)."""
        return self.parts is not None and self.parts > 1


class TwilioSms(BaseModel):
    """The form fields of Twilio's incoming-message webhook that intake reads (Twilio sends
    more: they are checked by the signature, then ignored)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    MessageSid: Annotated[str, Field(min_length=1, max_length=200)]
    From: PhoneNumber
    To: PhoneNumber | None = None
    Body: Annotated[str, Field(min_length=1, max_length=SMS_TEXT_MAX)]
    NumSegments: Annotated[int, Field(ge=1, le=255)] = 1

    def message(self) -> SmsMessage:
        return SmsMessage.model_validate(
            {"from": self.From, "to": self.To, "text": self.Body, "message_id": self.MessageSid, "segments": self.NumSegments}
        )


@dataclass(frozen=True)
class SmsPart:
    """One stored part of a multi-part SMS."""

    part: int
    text: str
    message_id: str
    received_at: datetime | None  # the gateway's time, if it said
    arrived_at: datetime  # intake's


def part_group_key(sender: str, reference: str, parts: int) -> str:
    """Which message a part belongs to: its sender (E.164), UDH reference and part count."""
    return json.dumps([sender, reference, parts], ensure_ascii=False, separators=(",", ":"))


GAP = "[…]"  # where a part that never came would have been


def joined_message(first: SmsMessage, stored: list[SmsPart], *, parts: int, group_id: str) -> SmsMessage:
    """The SMS the parts make, in order, under the group's own message id (the same whichever
    process or part completes it). Missing parts (published after the wait) show as a gap."""
    by_place = {p.part: p for p in stored}
    pieces: list[str] = []
    for place in range(1, parts + 1):
        if place in by_place:
            pieces.append(by_place[place].text)
        elif not pieces or pieces[-1] != GAP:
            pieces.append(GAP)
    times = [p.received_at for p in stored if p.received_at is not None]
    received_at = min(times) if times else min(p.arrived_at for p in stored)
    # Not validated again: the joined text may be longer than one message (up to 255 parts).
    return first.model_copy(update={
        "text": "".join(pieces)[:ev.TEXT_MAX], "message_id": parts_message_id(group_id), "received_at": received_at,
        "segments": len(by_place), "part": None, "parts": None, "reference": None,
    })


def parts_message_id(group_id: str) -> str:
    return f"sms-parts:{group_id}"


class SmsParts(Protocol):
    """Where the parts of multi-part SMS wait for one another (durably: a restart loses none)."""

    async def open_group(self, key: str, *, now: datetime) -> str:
        """The id of the open group under `key`, opened now if there is none."""
        ...

    async def add(self, group_id: str, part: SmsPart, *, key: str, message: SmsMessage) -> bool:
        """Keep the part; False when the group has that part already (a repeat: ignored)."""
        ...

    async def parts(self, group_id: str) -> list[SmsPart]: ...

    async def first_message(self, group_id: str) -> SmsMessage | None:
        """A stored part's message (sender, to, parts): what the joined SMS is built from."""
        ...

    async def close(self, key: str, group_id: str) -> None:
        """The group was published: forget it and its parts."""
        ...

    async def due(self, *, opened_before: datetime) -> list[tuple[str, str]]:
        """(key, group id) of the groups open since before `opened_before`."""
        ...


def satisfaction_score(text: str) -> int | None:
    """The score of a bare "1".."5" answer (full-width digits too, as CJK phones send them)."""
    normalised = unicodedata.normalize("NFKC", text).strip().rstrip(".。!！")
    return int(normalised) if _SCORE.match(normalised) else None


def sms_complaint(message: SmsMessage, *, default_region: str) -> SubmitComplaint:
    return SubmitComplaint(
        channel=ev.Channel.SMS,
        text=message.text,
        customer=ev.CustomerContact(phone=e164(message.sender, default_region=default_region)),
        external_id=message.message_id,
        language=script_language(message.text),
        received_at=message.received_at,
    )


def sms_details(message: SmsMessage, *, default_region: str) -> ev.SmsDetails:
    return ev.SmsDetails(to=e164(message.to, default_region=default_region), segments=message.segments)


class ResolvedCases(Protocol):
    async def latest_resolved(self, phone: str) -> str | None:
        """The id of the customer's most recent case in status `resolved`, if any. Raises
        CaseStatesUnavailable when archive does not answer."""
        ...


_REPLIES = {
    ev.Language.ZH_HANS: ("您的投诉已受理，案件编号：{case_id}", "感谢您的评分（{score}分），案件 {case_id} 已记录。"),
    ev.Language.ZH_HANT: ("您的投訴已受理，案件編號：{case_id}", "感謝您的評分（{score}分），案件 {case_id} 已記錄。"),
    ev.Language.KO: ("민원이 접수되었습니다. 사건 번호: {case_id}", "만족도 점수({score}점)가 사건 {case_id}에 기록되었습니다. 감사합니다."),
    ev.Language.EN: ("Your complaint is recorded. Case number: {case_id}", "Thank you: your score ({score}) is recorded on case {case_id}."),
}


def reply_text(*, case_id: str, language: ev.Language | None, score: int | None = None) -> str:
    """What the customer is told, in their own language (English when it is not known)."""
    received, scored = _REPLIES[language or ev.Language.EN]
    return received.format(case_id=case_id) if score is None else scored.format(case_id=case_id, score=score)
