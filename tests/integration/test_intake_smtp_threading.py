"""Replies by e-mail reach their case, on real parts: archive and intake as processes on the real
broker and store, mail delivered to intake's SMTP listener with smtplib. A reply naming the
message intake recorded, and one carrying the case's subject tag, become the customer's
follow-ups on that case (archive's timeline shows them), not new complaints."""

from __future__ import annotations

import asyncio
import re
import smtplib
import time

import httpx
import pytest
from complaints_shared import kafka, mail_threads
from complaints_shared.settings import ServiceSettings
from processes import free_port, start_service, wait_ready

pytestmark = pytest.mark.integration

KEY = "threading-key"
TO = "complaints@example.com"


@pytest.fixture
def platform(backend_env, tmp_path):
    asyncio.run(kafka.ensure_topics(ServiceSettings(**backend_env)))
    env = backend_env | {"COMPLAINTS_API_KEY": KEY}
    smtp_port = free_port()
    started = []
    try:
        archive = start_service("archive", env=env, workdir=tmp_path)
        started.append(archive)
        intake = start_service("intake", env=env | {
            "INTAKE_ARCHIVE_URL": archive.url, "INTAKE_CONSUME_RAW_TOPIC": "false", "INTAKE_LETTER_OCR_WORKER": "false",
            "INTAKE_SMTP_HOST": "127.0.0.1", "INTAKE_SMTP_PORT": str(smtp_port), "INTAKE_SMTP_RECIPIENTS": TO,
        }, workdir=tmp_path)
        started.append(intake)
        for service in started:
            wait_ready(service)
        yield archive, smtp_port
    finally:
        codes = {service.name: service.stop() for service in started}
        assert all(code in (0, -15) for code in codes.values()), {s.name: s.log_tail() for s in started}


def deliver(port: int, data: bytes) -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo("mta.example.net")
        smtp.mail("mta@example.net")
        smtp.rcpt(TO)
        code, text = smtp.data(data)
        return code, text.decode()


def archived(archive, case_id: str, *, until, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        response = httpx.get(f"{archive.url}/v1/cases/{case_id}", headers={"Authorization": f"Bearer {KEY}"}, timeout=5)
        if response.status_code == 200 and until(body := response.json()):
            return body
        time.sleep(0.1)
    raise AssertionError(f"archive's case {case_id} never got there: {body}")


def test_replies_by_header_and_by_tag_are_follow_ups_on_the_case(platform):
    archive, port = platform
    complaint = (b"From: Wang Fang <wang.fang@example.cn>\r\nTo: complaints@example.com\r\nSubject: Kettle leaks\r\n"
                 b"Message-ID: <thread-1@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe kettle leaks.\r\n")
    code, text = deliver(port, complaint)
    assert code == 250, text
    case_id = re.search(r"case (\S+)$", text).group(1)  # type: ignore[union-attr]
    archived(archive, case_id, until=lambda body: body.get("case_id") == case_id)

    by_header = (b"From: wang.fang@example.cn\r\nSubject: Re: Kettle leaks\r\nMessage-ID: <thread-2@example.cn>\r\n"
                 b"In-Reply-To: <thread-1@example.cn>\r\nReferences: <thread-1@example.cn>\r\n\r\n"
                 b"It still leaks.\r\n\r\nOn Mon, 23 Nov 2026, Support wrote:\r\n> We are on it.\r\n")
    tagged = (f"From: wang.fang@example.cn\r\nSubject: {mail_threads.subject_with_tag(case_id, 'Any news?')}\r\n"
              f"Message-ID: <thread-3@example.cn>\r\n\r\nAny news on my kettle?\r\n").encode()
    answers = [deliver(port, by_header), deliver(port, tagged), deliver(port, by_header)]  # the last: a redelivery
    assert [code for code, _ in answers] == [250, 250, 250], answers
    assert all(text.endswith(f"follow-up on case {case_id}") for _, text in answers), answers

    body = archived(archive, case_id, until=lambda body: str(body).count("It still leaks.") and str(body).count("Any news on my kettle?"))
    flattened = str(body)
    assert flattened.count("It still leaks.") == 1  # the redelivery was not recorded again
    assert "We are on it." not in flattened  # the quoted conversation is not the customer's new text
