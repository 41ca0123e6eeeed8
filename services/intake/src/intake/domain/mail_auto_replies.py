"""Mail that no person wrote: bounces, auto-replies and out-of-office notices, delivery and read
reports, bulk mail. Recorded as complaints they would open cases nobody asked for (and answering
them starts mail loops), so intake answers `ignored` with the reason.

Signals, strongest first: the report types of RFC 3462/6522 (delivery-status), RFC 5965 (abuse
feedback) and RFC 8098 (read receipts); RFC 3834's Auto-Submitted; the older Precedence,
X-Autoreply / X-Autorespond and vendor headers (Exchange's X-Auto-Response-Suppress with an
automatic-reply subject, Apple's X-Apple-Action: VACATION); the daemons' sender addresses;
and, for senders that set no header at all, the subjects the common servers and clients write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from enum import StrEnum

from .mail_headers import content_type, raw_header


class IgnoredReason(StrEnum):
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    FEEDBACK_REPORT = "feedback_report"
    READ_RECEIPT = "read_receipt"
    BULK = "bulk"


_DAEMONS = re.compile(r"^(mailer-daemon|mail-daemon|mailerdaemon|maildaemon|mdaemon)@", re.IGNORECASE)
_POSTMASTER = re.compile(r"^postmaster@", re.IGNORECASE)  # a person may write from it: with more signs only
# What the first lines of a delivery failure say, when its server sets no header that does.
_BOUNCE_TEXT = re.compile(
    r"(could not be delivered to|was not delivered to|delivery to the following recipients? failed|"
    r"undeliverable to|message you sent could not be delivered|permanent error|returned to you because)",
    re.IGNORECASE,
)
_RETURNED_PARTS = {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}
# Anchored: a customer may well write "my parcel was undeliverable"; a mail server's notice
# starts with its own fixed words.
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undelivered mail returned to sender|undeliverable:|undeliverable mail|delivery status notification|"
    r"mail delivery failed|mail delivery failure|delivery failure:|failure notice\s*$|returned mail:|"
    r"delivery notification: delivery has failed|nondeliverable mail|non-delivery report|"
    r"mail system error - returned mail|"
    r"配信エラー|配達不能|退信|系统退信|投递失败|投遞失敗|발송 ?실패|전달 ?실패)",
    re.IGNORECASE,
)
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|automatische antwort|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|automatyczna odpowied[źz]|"
    r"out of (the )?office|abwesenheitsnotiz|absence du bureau|"
    r"自动回复|自動回覆|自動回復|自動応答|자동 ?응답|자동 ?회신|부재 ?중)",
    re.IGNORECASE,
)
_REPORT_REASONS = {
    "delivery-status": IgnoredReason.BOUNCE,
    "feedback-report": IgnoredReason.FEEDBACK_REPORT,
    "disposition-notification": IgnoredReason.READ_RECEIPT,
}
_STATUS_PARTS = {
    "message/delivery-status": IgnoredReason.BOUNCE,
    "message/global-delivery-status": IgnoredReason.BOUNCE,
    "message/feedback-report": IgnoredReason.FEEDBACK_REPORT,
    "message/disposition-notification": IgnoredReason.READ_RECEIPT,
}


def _header(message: EmailMessage, name: str) -> str:
    return raw_header(message, name).strip().lower()


def _parts(message: EmailMessage) -> list[EmailMessage]:
    try:
        return list(message.walk())
    except (ValueError, IndexError, AttributeError):
        return [message]


def ignored_reason(message: EmailMessage, *, subject: str, sender: str, text: str = "") -> IgnoredReason | None:
    """Why this message is not a customer's complaint, or None when a person wrote it.
    `subject`, `sender` and `text` are the decoded Subject, From address and body text."""
    media_type = content_type(message)
    if media_type == "multipart/report":
        reason = _REPORT_REASONS.get(str(message.get_param("report-type", "") or "").lower())
        if reason is not None:
            return reason
    parts = _parts(message)
    for part in parts:
        if (reason := _STATUS_PARTS.get(content_type(part))) is not None:
            return reason
    returns_a_message = any(content_type(part) in _RETURNED_PARTS for part in parts[1:])
    checks: tuple[tuple[IgnoredReason, Callable[[], bool]], ...] = (
        (IgnoredReason.BOUNCE, lambda: bool(_DAEMONS.match(sender))),
        (IgnoredReason.BOUNCE, lambda: bool(_POSTMASTER.match(sender)) and (returns_a_message or bool(_BOUNCE_SUBJECT.search(subject)))),
        (IgnoredReason.BOUNCE, lambda: returns_a_message and bool(_BOUNCE_TEXT.search(text[:1000]))),
        (IgnoredReason.BOUNCE, lambda: media_type == "multipart/report"),  # a report of a kind not named above
        (IgnoredReason.AUTO_REPLY, lambda: _header(message, "auto-submitted") not in ("", "no")),
        (IgnoredReason.AUTO_REPLY, lambda: _header(message, "precedence") == "auto_reply"),
        (IgnoredReason.AUTO_REPLY, lambda: bool(_header(message, "x-autoreply") or _header(message, "x-autorespond"))),
        (IgnoredReason.AUTO_REPLY, lambda: _header(message, "x-apple-action") == "vacation"),
        (IgnoredReason.AUTO_REPLY, lambda: bool(_AUTO_REPLY_SUBJECT.search(subject))),
        (IgnoredReason.BOUNCE, lambda: bool(_BOUNCE_SUBJECT.search(subject))),
        (IgnoredReason.BULK, lambda: _header(message, "precedence") in ("bulk", "junk")),
    )
    for reason, applies in checks:
        if applies():
            return reason
    return None
