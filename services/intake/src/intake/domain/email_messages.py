"""Complaints that arrive as e-mail (RFC 5322 / MIME): the standard library's parser
(policy.default) for the structure; mail_charsets for the text, since real mail's charset
labels cannot be trusted; mail_auto_replies for mail no person wrote; mail-parser-reply to
tell the new text from the quoted conversation and the signature."""

from __future__ import annotations

import email
import email.policy
import email.utils
import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from bs4 import BeautifulSoup
from complaints_shared import events as ev
from complaints_shared import mail_threads
from mailparser_reply import EmailReplyParser

from . import mail_charsets
from .complaints import SubmitComplaint
from .mail_auto_replies import IgnoredReason, ignored_reason
from .mail_headers import content_type, raw_header
from .scripts import script_language

MAX_ATTACHMENTS = 50
_REPLY_LANGUAGES = ["en", "zh", "ko", "ja", "de", "fr", "es", "it", "nl", "pl"]
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class UnreadableEmail(ValueError):
    """The message has no text a person could read as a complaint."""


@dataclass(frozen=True)
class AttachedFile:
    """A file that came with the mail; the handler stores it and the event gets a reference."""

    data: bytes
    content_type: str
    filename: str | None


@dataclass(frozen=True)
class ReadEmail:
    """Everything intake takes from one message."""

    complaint: SubmitComplaint | None  # None: no text at all (only mail to ignore may have none)
    details: ev.EmailDetails
    files: tuple[AttachedFile, ...]
    ignored: IgnoredReason | None
    thread_case_ids: tuple[str, ...]  # cases named by our own Message-IDs or a subject tag, best first
    referenced_ids: tuple[str, ...]  # In-Reply-To, then References newest first


def message_of(raw: bytes | str) -> EmailMessage:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM before the first header (Windows tools)
    if raw.startswith(b"From "):  # an mbox "From " separator line is not a header
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    raw = _repair_folding(raw)
    message = _parse(raw)
    if content_type(message).partition("/")[0] == "multipart" and not message.is_multipart():
        repaired = _repair_boundary(raw)
        if repaired is not None:
            again = _parse(repaired)
            if again.is_multipart():
                return again
    return message


def _parse(raw: bytes) -> EmailMessage:
    """The message as policy.default's EmailMessage. Parsed under compat32, then given the
    default policy: both keep a header's raw value alike (the same header_source_parse), and
    the structured header objects are built when a header is read, by the policy the message
    has then. policy.default's parser builds a Content-Type object each time it asks a part's
    type (three times a part), which was a third of reading a small mail."""
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.compat32)
    for part in message.walk():
        part.policy = email.policy.default
    assert isinstance(message, EmailMessage)
    return message


_DELIMITER = re.compile(rb"^--([^\s]{1,70}?)(?:--)?[ \t]*\r?$", re.MULTILINE)
_BOUNDARY_PARAM = re.compile(rb"""boundary\s*=\s*("[^"]*"|[^;\s]*)""", re.IGNORECASE)


def _repair_boundary(raw: bytes) -> bytes | None:
    """A multipart message whose parts are delimited by another boundary than the one its
    Content-Type names (or names none): the boundary its delimiter lines use."""
    end = re.search(rb"\r?\n\r?\n", raw)
    if end is None:
        return None
    head, body = raw[:end.start()], raw[end.start():]
    found = _DELIMITER.search(body)
    if found is None:
        return None
    boundary = b'boundary="' + found.group(1).replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'  # a quoted-string
    if _BOUNDARY_PARAM.search(head):
        head = _BOUNDARY_PARAM.sub(lambda _m: boundary, head, count=1)
    else:
        head = re.sub(rb"(?im)^(content-type:[^\r\n]*?);?[ \t]*(\r?)$", lambda m: m.group(1) + b"; " + boundary + m.group(2), head, count=1)
    return head + body


_FIELD = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")


def _repair_folding(raw: bytes) -> bytes:
    """Header lines some gateways wrap without the leading white space of a fold (Exchange's
    long x-microsoft-* fields): the parser would end the header there and read the rest of the
    headers as the body. A line in the header block that is neither a field nor a fold, with
    fields after it, is joined to the field above."""
    end = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[:end.start()], raw[end.start():]) if end else (raw, b"")
    lines = head.split(b"\n")
    fields = [i for i, line in enumerate(lines) if _FIELD.match(line)]
    if not fields:
        return raw
    last = fields[-1]
    broken = [i for i, line in enumerate(lines[:last]) if i and not _FIELD.match(line) and line[:1] not in (b" ", b"\t")]
    if not broken:
        return raw
    for i in broken:
        lines[i] = b" " + lines[i]
    return b"\n".join(lines) + rest


_raw_header = raw_header


def header_text(message: EmailMessage, name: str, hint: str | None = None) -> str:
    return mail_charsets.decode_header(_raw_header(message, name), hint)


def _text_charset(message: EmailMessage) -> str | None:
    """The charset the message's first text part declares: what its raw 8-bit headers most
    likely use too."""
    for part in message.walk():
        if content_type(part).partition("/")[0] == "text" and (label := part.get_param("charset")):
            return str(label[2] if isinstance(label, tuple) else label)
    return None


_KANA = re.compile("[\u3040-\u30ff]")


def language_of(text: str) -> ev.Language | None:
    """Detected language; Japanese (kana among the Han characters) is none of the four."""
    return None if _KANA.search(text) else script_language(text)


_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=\s]")


_PAYLOAD_ERRORS = (ValueError, LookupError, AssertionError, UnicodeError)  # what a broken part makes the library raise


def _raw_payload(part: EmailMessage) -> object:
    try:
        return part.get_payload()
    except _PAYLOAD_ERRORS:  # e.g. a NUL in the charset label it decodes with
        return None


def _payload_bytes(part: EmailMessage) -> bytes:
    raw = _raw_payload(part)
    if content_type(part).partition("/")[0] == "text" and isinstance(raw, str) and raw_header(part, "content-transfer-encoding").strip().lower() == "base64":
        compact = "".join(raw.split())
        if _NOT_BASE64.search(compact) or len(compact.rstrip("=")) % 4 == 1:
            # Labelled base64 but is not (plain text under a wrong label): the text as it is.
            return raw.encode("utf-8", errors="surrogateescape")
    try:
        payload = part.get_payload(decode=True)
    except _PAYLOAD_ERRORS:
        payload = None
    if isinstance(payload, bytes):
        return payload
    return raw.encode("utf-8", errors="surrogateescape") if isinstance(raw, str) else b""


def _charset_label(part: EmailMessage, data: bytes) -> str | None:
    label = part.get_param("charset")
    if isinstance(label, tuple):  # RFC 2231 form: (charset, language, value)
        label = label[2]
    if not label and content_type(part) == "text/html":
        found = _META_CHARSET.search(data[:4096])
        label = found.group(1).decode("ascii") if found else None
    return str(label) if label else None


def _readable(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "title"]):
        hidden.decompose()
    return _readable(soup.get_text("\n"))


def part_text(part: EmailMessage) -> str:
    data = _payload_bytes(part)
    text = mail_charsets.decode(data, _charset_label(part, data))
    media_type = content_type(part)
    if media_type == "text/html" or (media_type.startswith("text/") and "<html" in text[:2000].lower()):
        return html_text(text)
    return _readable(text)


def _is_attachment(part: EmailMessage) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or part.get_filename() is not None
    except (ValueError, IndexError, AttributeError):
        return False


def _body_parts(message: EmailMessage) -> list[EmailMessage]:
    """The parts holding the message's text: plain preferred, HTML when there is no plain text;
    for shapes get_body does not know (a lone text/* part under an odd type), the first inline
    text part."""
    chosen: list[EmailMessage] = []
    for preference in (("plain",), ("html",)):
        try:
            body = message.get_body(preferencelist=preference)
        except (ValueError, IndexError, AttributeError, KeyError):
            body = None
        if body is not None and content_type(body).partition("/")[0] == "text":
            chosen.append(body)  # type: ignore[arg-type]  # get_body returns the message's own class
    if chosen:
        return chosen
    for part in message.walk():
        if content_type(part).partition("/")[0] == "text" and not part.is_multipart() and not _is_attachment(part):
            return [part]
    return []


def _filename(part: EmailMessage) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, IndexError, AttributeError, LookupError):
        name = None
    if not name:
        return None
    name = mail_charsets.decode_header(name) if "=?" in name else mail_charsets.decode(mail_charsets._raw_bytes(name), None)
    # Only the last path component: "1234/../../1234.txt" is not a path we will ever use.
    name = posixpath.basename(name.replace("\\", "/")).strip()
    return name[:300] or None


def _files(message: EmailMessage, body_parts: list[EmailMessage]) -> tuple[AttachedFile, ...]:
    files: list[AttachedFile] = []
    body_ids = {id(part) for part in body_parts}

    def visit(part: EmailMessage) -> None:
        if len(files) >= MAX_ATTACHMENTS or id(part) in body_ids:
            return
        media_type = content_type(part)
        if media_type.partition("/")[0] == "message":
            inner = _raw_payload(part)
            try:
                data = inner[0].as_bytes() if isinstance(inner, list) and inner and not isinstance(inner[0], str) else _payload_bytes(part)
            except (ValueError, LookupError, UnicodeError):
                data = _payload_bytes(part)
            files.append(AttachedFile(data, "message/rfc822", _filename(part) or "forwarded.eml"))
            return
        if content_type(part).partition("/")[0] == "multipart" and not part.is_multipart():
            return  # a multipart whose boundary never came: nothing to keep apart from its text
        if part.is_multipart():
            for child in part.iter_parts():
                visit(child)  # type: ignore[arg-type]
            return
        if media_type in ("text/plain", "text/html") and not _is_attachment(part):
            return  # an alternative of the text already taken
        data = _payload_bytes(part)
        if data:
            files.append(AttachedFile(data, media_type[:200], _filename(part)))

    visit(message)
    return tuple(files)


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted conversation and signature)."""
    if not text:
        return "", ""
    replies = EmailReplyParser(languages=_REPLY_LANGUAGES).read(text).replies
    new = replies[0].body if replies else ""
    lines = new.split("\n")
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()  # a quoted block left under the new text
    new = "\n".join(lines).strip()
    if not new:
        return text, ""  # all of it quoted (a forward): the whole is what the customer sent
    quoted = [replies[0].signatures] if replies[0].signatures else []
    quoted += [reply.content for reply in replies[1:]]
    rest = "\n".join(replies[0].body.split("\n")[len(lines):]).strip()
    if rest:
        quoted.insert(0, rest)
    return new, "\n\n".join(q for q in quoted if q)


def _message_ids(value: str) -> tuple[str, ...]:
    return tuple(_MESSAGE_ID.findall(value))


def _sent_at(message: EmailMessage) -> datetime | None:
    value = _raw_header(message, "date")
    if not value:
        return None
    try:
        sent_at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return sent_at if sent_at.tzinfo is not None else None


def read_email(raw: bytes | str, *, mail_domain: str | None = None) -> ReadEmail:
    """Reads one message. Raises UnreadableEmail when it has neither text nor subject (unless
    it is mail to ignore, which needs no text)."""
    message = message_of(raw)
    hint = _text_charset(message)
    subject = " ".join(header_text(message, "subject", hint).split())[: ev.SUBJECT_MAX]
    name, address = email.utils.parseaddr(header_text(message, "from", hint))
    address = address if "@" in address else ""
    body_parts = _body_parts(message)
    full_text = ""
    for part in body_parts:
        if full_text := part_text(part):
            break
    reason = ignored_reason(message, subject=subject, sender=address, text=full_text)
    new_text, quoted = split_quoted(full_text)
    if not new_text and reason is None:
        raise UnreadableEmail("the message has no readable text: no text/plain or text/html body with text in it")
    message_id = next(iter(_message_ids(_raw_header(message, "message-id"))), None)
    in_reply_to = next(iter(_message_ids(_raw_header(message, "in-reply-to"))), None)
    references = _message_ids(_raw_header(message, "references"))
    referenced = tuple(dict.fromkeys(([in_reply_to] if in_reply_to else []) + list(reversed(references))))
    threads = [mail_threads.case_id_from_message_ids(referenced, mail_domain=mail_domain), mail_threads.case_id_from_subject(subject)]
    complaint = None if not new_text else SubmitComplaint(
        channel=ev.Channel.EMAIL,
        text=new_text[: ev.TEXT_MAX],
        subject=subject,
        customer=ev.CustomerContact(email=address[:320] or None, name=name.strip()[:200] or None),
        external_id=message_id[:200] if message_id else None,
        language=language_of(f"{subject}\n{new_text}"[:2000]),
        received_at=_sent_at(message),
    )
    details = ev.EmailDetails(
        message_id=message_id[:998] if message_id else None,
        in_reply_to=in_reply_to[:998] if in_reply_to else None,
        references=tuple(ref[:998] for ref in references[-100:]),
        quoted_text=quoted[: ev.TEXT_MAX],
    )
    return ReadEmail(
        complaint=complaint,
        details=details,
        files=_files(message, body_parts) if reason is None else (),
        ignored=reason,
        thread_case_ids=tuple(dict.fromkeys(case for case in threads if case)),
        referenced_ids=referenced[:20],
    )


def parse_email(raw: bytes | str) -> SubmitComplaint:
    """The complaint in a message (the raw topic's `mime`: channel adapters send customer mail)."""
    read = read_email(raw)
    if read.complaint is None:
        raise UnreadableEmail("the message has no readable text")
    return read.complaint
