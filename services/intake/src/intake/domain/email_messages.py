"""Complaints that arrive as e-mail (RFC 5322 / MIME), parsed with the standard library."""

from __future__ import annotations

import email
import email.policy
import email.utils
from email.message import EmailMessage, MIMEPart

from bs4 import BeautifulSoup
from complaints_shared import events as ev

from .complaints import SubmitComplaint


class UnreadableEmail(ValueError):
    """The message has no text a person could read as a complaint."""


def _text_of(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # Unknown or lying charset: decode the bytes leniently rather than lose the complaint.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = BeautifulSoup(content, "html.parser").get_text("\n")
    return "\n".join(line.rstrip() for line in content.strip().splitlines()).strip()


def parse_email(raw: bytes | str) -> SubmitComplaint:
    message = (
        email.message_from_bytes(raw, policy=email.policy.default)
        if isinstance(raw, bytes)
        else email.message_from_string(raw, policy=email.policy.default)
    )
    assert isinstance(message, EmailMessage)
    text = ""
    # Prefer plain text; fall back to HTML when the plain part is missing or blank.
    for preference in (("plain",), ("html",)):
        body = message.get_body(preferencelist=preference)
        if body is None and not message.is_multipart() and message.get_content_type() == f"text/{preference[0]}":
            body = message
        text = _text_of(body) if body is not None else ""
        if text:
            break
    if not text:
        raise UnreadableEmail("the message has no text/plain or text/html body")
    try:
        subject = str(message.get("subject", "") or "")
    except (ValueError, IndexError):  # headers broken beyond the parser's defects list
        subject = ""
    try:
        _name, address = email.utils.parseaddr(str(message.get("from", "") or ""))
    except (ValueError, IndexError):
        address = ""
    message_id = str(message.get("message-id", "") or "").strip() or None
    sent_at = None
    if message.get("date"):
        try:
            sent_at = email.utils.parsedate_to_datetime(str(message["date"]))
        except (TypeError, ValueError, IndexError):
            sent_at = None
        if sent_at is not None and sent_at.tzinfo is None:
            sent_at = None
    return SubmitComplaint(
        channel=ev.Channel.EMAIL,
        text=text[: ev.TEXT_MAX],
        subject=" ".join(subject.split())[: ev.SUBJECT_MAX],
        customer=ev.CustomerContact(email=address or None),
        external_id=message_id[:200] if message_id else None,
        received_at=sent_at,
    )
