"""Complaints by SMS: the gateways' messages, the customer's satisfaction score, the reply.

Multi-part SMS: a gateway that joins the parts (Twilio does, and says how many in
`NumSegments`) delivers one message, which is one complaint; the part count is kept in
`SmsDetails.segments`. Parts delivered one by one are not joined here (see docs/channels.md).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Protocol

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .complaints import SubmitComplaint
from .phone_numbers import e164
from .scripts import script_language

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
        }]},
    )

    sender: PhoneNumber = Field(alias="from", description="The customer's number (normalised to E.164)")
    to: PhoneNumber | None = Field(default=None, description="The company's number the SMS was sent to")
    text: Annotated[str, Field(min_length=1, max_length=SMS_TEXT_MAX)]
    message_id: Annotated[str, Field(min_length=1, max_length=200, description="The gateway's id: the same id again is the same SMS")]
    received_at: datetime | None = Field(default=None, description="When the gateway received it (default: now)")
    segments: Annotated[int, Field(ge=1, le=255, description="How many parts the gateway joined into `text`")] = 1

    @model_validator(mode="after")
    def _aware_time(self) -> SmsMessage:
        if self.received_at is not None and self.received_at.tzinfo is None:
            raise ValueError("received_at must carry a timezone offset")
        return self


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
