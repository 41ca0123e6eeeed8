"""`POST /v1/complaints/email`: the real-world corpus, mail to ignore, replies threaded to their
case, attachments, and one case for many deliveries of one message (fake broker, in-memory
stores, fake archive)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from complaints_shared import events as ev
from complaints_shared import mail_threads
from complaints_shared.lifecycle import CaseStatus
from intake.handlers import EMAIL_IGNORED

RFC822 = {"content-type": "message/rfc822"}
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "email-corpus"
CJK = ("\u4e00", "\u9fff"), ("\uac00", "\ud7a3"), ("\u3040", "\u30ff")


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")


# What the corpus holds that no person wrote (SOURCES.md describes each message), and why.
IGNORED = {
    "cpython/msg_16.txt": "bounce", "enmime/multipart-wo-boundary.raw": "bounce", "flanker/bounce-delayed-broken.eml": "bounce",
    "flanker/bounce-gmail-invalid-address.eml": "bounce", "flanker/bounce-mailbox-full.eml": "bounce",
    "flanker/bounce-office365.eml": "bounce", "flanker/complaints-aol.eml": "feedback_report",
    "flanker/complaints-yahoo.eml": "feedback_report", "flanker/from-encoding.eml": "bulk",
    "mail-parser/mail_malformed_2": "bounce", "mikel-mail/report_530.eml": "bounce", "mimekit/bounce.txt": "bounce",
    "mimekit/delivery-status2.txt": "bounce", "mimekit/disposition-notification.txt": "read_receipt",
    "mimekit/feedback-report.txt": "feedback_report", "nodemailer-mailparser/delivery-status.eml": "bounce",
    "php-mime-mail-parser/failure.eml": "bounce", "php-mime-mail-parser/issue212": "auto_reply",
    "sisimai/lhost-domino-02.eml": "bounce", "sisimai/lhost-kddi-03.eml": "bounce", "sisimai/rfc3834-02.eml": "auto_reply",
    "sisimai/rfc3834-03.eml": "auto_reply", "sisimai/rfc3834-06.eml": "auto_reply",
}
# Messages with no text at all (an image, a file, an empty body): refused, 422 naming `body`.
NO_TEXT = {
    "mikel-mail/attachment_message_rfc822_inline_image.eml", "mikel-mail/japanese_attachment_long_name.eml",
    "mikel-mail/raw_email_with_binary_encoded.eml", "nodemailer-mailparser/base64encodedroot.eml", "php-mime-mail-parser/m0124",
}


def mail(text: str, *, message_id: str, subject: str = "Kettle leaks", extra: str = "") -> bytes:
    return (f"From: Wang Fang <wang.fang@example.cn>\r\nTo: complaints@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n").encode()


def has_cjk(text: str) -> bool:
    return any(low <= char <= high for char in text for low, high in CJK)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_every_corpus_message_is_a_complaint_or_ignored_or_refused_with_a_reason(client, publisher, path):
    response = await client.post("/v1/complaints/email", content=path.read_bytes(), headers=RFC822)
    name = f"{path.parent.name}/{path.name}"
    expected = 200 if name in IGNORED else 422 if name in NO_TEXT else 202
    assert response.status_code == expected, response.text
    body = response.json()
    if name in IGNORED:
        assert body["reason"] == IGNORED[name]
    if response.status_code == 200:
        assert body["status"] == "ignored" and body["reason"]
        assert publisher.events == []
    elif response.status_code == 422:
        assert body["errors"][0]["field"] == "body" and body["detail"]
    else:
        data = publisher.events[-1].data
        assert data.case_id == body["case_id"] and data.text.strip()
        if has_cjk(data.text + data.subject):
            assert "\ufffd" not in data.text + data.subject


def test_the_corpus_is_there():
    import os

    if not CORPUS.is_dir() and not os.environ.get("CI"):
        pytest.skip(f"the shared e-mail corpus is not on this machine ({CORPUS})")
    assert len(corpus_files()) >= 60, f"expected the shared e-mail corpus (68 messages) at {CORPUS}"


async def test_an_auto_reply_is_answered_ignored_and_counted(client, publisher):
    before = EMAIL_IGNORED.labels("auto_reply")._value.get()
    raw = mail("I am out of the office until Monday.", message_id="<oof-1@example.org>", extra="Auto-Submitted: auto-replied\r\n")
    response = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "auto_reply"}
    assert publisher.events == []
    assert EMAIL_IGNORED.labels("auto_reply")._value.get() == before + 1
    metrics = await client.get("/metrics")
    assert 'intake_email_ignored_total{reason="auto_reply"}' in metrics.text


async def test_a_complaint_carries_its_email_details_language_and_attachments(client, publisher):
    raw = (
        "From: =?UTF-8?B?546L6Iqz?= <wang.fang@example.cn>\r\nTo: complaints@example.com\r\n"
        "Subject: =?GB2312?B?yMjLrrr4wqnLrg==?=\r\nMessage-ID: <with-photo@example.cn>\r\n"
        "In-Reply-To: <unrelated@shop.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        "--x\r\nContent-Type: text/plain; charset=GB2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode("热水壶漏水，请退款。\n\n王芳".encode("gb2312")).decode()
        + "\r\n--x\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=leak.jpg\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"\xff\xd8photo").decode() + "\r\n--x--\r\n"
    ).encode()
    response = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    assert response.status_code == 202, response.text
    data = publisher.events[-1].data
    assert isinstance(data, ev.ComplaintReceived)
    assert (data.subject, data.language, data.customer.email, data.customer.name) == ("热水壶漏水", ev.Language.ZH_HANS, "wang.fang@example.cn", "王芳")
    assert data.text.startswith("热水壶漏水，请退款。")
    assert data.email == ev.EmailDetails(message_id="<with-photo@example.cn>", in_reply_to="<unrelated@shop.example>",
                                         quoted_text=data.email.quoted_text if data.email else "")
    [attachment] = data.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == ("leak.jpg", "image/jpeg", 7)
    assert attachment.reference.startswith("memory:")


async def test_a_reply_to_a_message_of_the_case_is_a_follow_up(client, publisher, archive):
    first = await client.post("/v1/complaints/email", content=mail("The kettle leaks.", message_id="<first@example.cn>"), headers=RFC822)
    case_id = first.json()["case_id"]
    archive.add(case_id, CaseStatus.ACKNOWLEDGED)
    reply = mail("It still leaks after your fix.", message_id="<second@example.cn>", subject="Re: Kettle leaks",
                 extra="In-Reply-To: <first@example.cn>\r\nReferences: <first@example.cn>\r\n")
    answer = await client.post("/v1/complaints/email", content=reply, headers=RFC822)
    again = await client.post("/v1/complaints/email", content=reply, headers=RFC822)
    assert answer.status_code == 202 and answer.json()["case_id"] == case_id
    assert again.json() == answer.json()  # redelivered: the same answer, recorded once
    follow_ups = [e.data for e in publisher.events if isinstance(e.data, ev.CustomerFollowedUp)]
    assert len(follow_ups) == 1
    assert (follow_ups[0].case_id, follow_ups[0].text, follow_ups[0].channel, follow_ups[0].actor) == (
        case_id, "It still leaks after your fix.", ev.Channel.EMAIL, "customer")


async def test_a_reply_to_a_notice_we_sent_or_with_the_case_tag_is_a_follow_up(client, publisher, archive):
    archive.add("case-42", CaseStatus.RESOLVED)
    notice_id = mail_threads.case_message_id("case-42", "n-1", mail_domain="mail.example.com")
    by_header = mail("Not resolved for me.", message_id="<r1@example.cn>", extra=f"In-Reply-To: {notice_id}\r\n")
    by_tag = mail("Any news?", message_id="<r2@example.cn>", subject=mail_threads.subject_with_tag("case-42", "Re: your complaint"))
    for raw in (by_header, by_tag):
        response = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
        assert response.status_code == 202 and response.json()["case_id"] == "case-42"
    assert [type(e.data) for e in publisher.events] == [ev.CustomerFollowedUp, ev.CustomerFollowedUp]


async def test_a_reply_keeps_its_attachments_on_the_follow_up(client, publisher, archive):
    archive.add("case-7", CaseStatus.INVESTIGATING)
    raw = (
        "From: customer@example.cn\r\nTo: complaints@example.com\r\nSubject: Re: leak [Case case-7]\r\n"
        "Message-ID: <photo-reply@example.cn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        "--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere is a photo of the crack.\r\n"
        "--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=crack.png\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"\x89PNG crack").decode() + "\r\n--x--\r\n"
    ).encode()
    response = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    assert response.status_code == 202 and response.json()["case_id"] == "case-7", response.text
    [follow_up] = [e.data for e in publisher.events]
    assert isinstance(follow_up, ev.CustomerFollowedUp)
    [attachment] = follow_up.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == ("crack.png", "image/png", 10)


async def test_a_tag_naming_no_known_case_is_a_new_complaint(client, publisher):
    raw = mail("Please look at this.", message_id="<r3@example.cn>", subject="Help [Case no-such-case]")
    response = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    assert response.status_code == 202 and response.json()["case_id"] != "no-such-case"
    assert isinstance(publisher.events[-1].data, ev.ComplaintReceived)


async def test_fifty_deliveries_of_one_email_at_once_give_one_case(client, publisher):
    raw = mail("The lid cracked.", message_id="<parallel@example.cn>")
    responses = await asyncio.gather(*(client.post("/v1/complaints/email", content=raw, headers=RFC822) for _ in range(50)))
    assert {r.status_code for r in responses} == {202}
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert len(publisher.events) == 1


async def test_a_message_without_message_id_is_keyed_on_its_bytes(client, publisher):
    raw = b"From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nNo id here.\r\n"
    first = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    again = await client.post("/v1/complaints/email", content=raw, headers=RFC822)
    assert first.json()["case_id"] == again.json()["case_id"] and len(publisher.events) == 1


async def test_the_openapi_documents_the_ignored_answer_and_a_real_example(client):
    operation = (await client.get("/openapi.json")).json()["paths"]["/v1/complaints/email"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["example"] == {"status": "ignored", "reason": "auto_reply"}
    examples = operation["requestBody"]["content"]["message/rfc822"]["examples"]
    assert set(examples) == {"complaint", "auto_reply"}
