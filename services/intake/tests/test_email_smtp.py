"""The SMTP listener's answers, on a real aiosmtpd server on this test's loop, with a stand-in
for the e-mail handler: whose mail it takes, and the code for each way a delivery can end."""

from __future__ import annotations

import asyncio
import smtplib

import pytest
from intake import handlers
from intake.adapters.publishing import PublishTimedOut
from intake.domain.case_states import CaseStatesUnavailable
from intake.domain.email_messages import UnreadableEmail
from intake.domain.idempotency import KeyConflict, StoreUnavailable
from intake.entrypoints.smtp import EmailHandler, Recipients, start_smtp

MESSAGE = b"From: c@example.cn\r\nSubject: s\r\nMessage-ID: <m@example.cn>\r\n\r\nThe kettle leaks.\r\n"


def test_recipients_are_whole_addresses_or_whole_domains():
    recipients = Recipients(["complaints@example.com", "support.example.com", "@help.example.org"])
    assert recipients.accepts("Complaints@Example.com")
    assert recipients.accepts("anyone@support.example.com") and recipients.accepts("x@help.example.org")
    assert not recipients.accepts("other@example.com")
    assert not recipients.accepts("complaints@example.com.evil.example")
    assert not recipients.accepts("x@sub.support.example.com")
    assert not recipients.accepts("support.example.com") and not recipients.accepts("@support.example.com")
    assert not Recipients([]).accepts("complaints@example.com")


class StandIn:
    def __init__(self) -> None:
        self.outcome: handlers.EmailOutcome | BaseException = handlers.EmailOutcome(handlers.Recorded("case-1", "event-1"))
        self.received: list[bytes] = []

    async def __call__(self, raw: bytes) -> handlers.EmailOutcome:
        self.received.append(raw)
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


@pytest.fixture
async def listener():
    stand_in = StandIn()
    server = await start_smtp(EmailHandler(Recipients(["complaints@example.com"]), stand_in), host="127.0.0.1", port=0,
                              hostname="test", max_bytes=4096)
    try:
        yield server.sockets[0].getsockname()[1], stand_in
    finally:
        server.close()
        await server.wait_closed()


def transaction(port: int, data: bytes, to: str = "complaints@example.com") -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo("mta.example.net")
        smtp.mail("mta@example.net")
        code, text = smtp.rcpt(to)
        if code == 250:
            code, text = smtp.data(data)
        return code, text.decode()


@pytest.mark.parametrize(
    ("outcome", "code", "words"),
    [
        (handlers.EmailOutcome(handlers.Recorded("case-1", "event-1")), 250, "Accepted: case case-1"),
        (handlers.EmailOutcome(handlers.Recorded("case-9", "event-2"), follow_up=True), 250, "follow-up on case case-9"),
        (handlers.EmailOutcome(None, ignored="auto_reply"), 250, "Ignored: auto_reply"),
        (UnreadableEmail("the message has no readable text"), 550, "no readable text"),
        (KeyConflict("external_id"), 550, "Message-ID already used"),
        (PublishTimedOut(5), 451, "try again later"),
        (StoreUnavailable("timeout"), 451, "try again later"),
        (CaseStatesUnavailable("archive away"), 451, "try again later"),
        (RuntimeError("a bug"), 451, "try again later"),  # never accepted unless recorded
    ],
)
async def test_each_outcome_has_its_answer(listener, outcome, code, words):
    port, stand_in = listener
    stand_in.outcome = outcome
    answer = await asyncio.to_thread(transaction, port, MESSAGE)
    assert answer[0] == code and words in answer[1]
    assert stand_in.received == [MESSAGE]


async def test_other_recipients_and_oversized_mail_are_refused_before_the_handler(listener):
    port, stand_in = listener
    relay = await asyncio.to_thread(transaction, port, MESSAGE, "someone@elsewhere.example")
    too_big = await asyncio.to_thread(transaction, port, MESSAGE + (b"x" * 998 + b"\r\n") * 5)
    assert relay[0] == 550 and too_big[0] == 552
    assert stand_in.received == []


async def test_lines_longer_than_rfc5321s_limit_are_taken(listener):
    port, stand_in = listener
    long_line = MESSAGE + b"y" * 2000 + b"\r\n"
    assert (await asyncio.to_thread(transaction, port, long_line))[0] == 250
    assert stand_in.received == [long_line]
