"""Intake's SMTP listener in the real app on the real broker and store, with smtplib as the
mail server that delivers: the whole e-mail corpus, recipients that are not ours, a message
over the size limit, 50 deliveries of one message at once, and a broker that is away (451,
then success once it is back)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import smtplib
import tempfile
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from complaints_shared.topics import RECEIVED
from email_corpus import corpus_files, has_cjk
from fastapi import FastAPI
from following import TopicFollower
from intake.bootstrap import Intake
from intake.settings import IntakeSettings
from waiting import wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TO = "complaints@example.com"




@contextlib.asynccontextmanager
async def running_intake(env: dict[str, str], **settings) -> AsyncIterator[Intake]:
    intake = Intake(IntakeSettings(
        **env, COMPLAINTS_API_KEY="smtp-test", consume_raw_topic=False, letter_ocr_worker=False,
        smtp_host="127.0.0.1", smtp_port=0, smtp_recipients=(TO, "@support.example.com"), **settings,
    ))
    intake.app()
    async with intake.lifespan(FastAPI()):
        yield intake


def deliver(port: int, data: bytes, *, to: str = TO) -> tuple[int, str]:
    """One SMTP transaction, as a mail server makes it: the code and text of the reply that
    decided it (RCPT's refusal, or DATA's final answer)."""
    data = re.sub(rb"\r?\n", b"\r\n", data)  # on the wire every line ends in CRLF (a mail server converts)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo("relay.example.net")
        code, text = smtp.mail("mta@relay.example.net")
        if code == 250:
            code, text = smtp.rcpt(to)
        if code == 250:
            code, text = smtp.data(data)
        return code, text.decode()


async def test_every_corpus_message_through_smtp(backend_env):
    files = corpus_files()
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    async with running_intake(backend_env) as intake:
        port = intake.smtp_port
        assert port
        replies = {path: await asyncio.to_thread(deliver, port, path.read_bytes()) for path in files}
        accepted = {path: text for path, (code, text) in replies.items() if code == 250 and "Accepted" in text}
        with TopicFollower(backend_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as follower:
            seen = wait_for(lambda: len(follower.records()) >= len(accepted) and follower.records(), timeout=60,
                            message=lambda: f"{len(follower.records())} of {len(accepted)} complaints on {topic}")
    problems = {f"{p.parent.name}/{p.name}": r for p, r in replies.items() if not (r[0] == 250 or (r[0] == 550 and "5.6.0" in r[1]))}
    assert problems == {}, "every message is accepted, ignored or refused for a stated reason (no 4xx, no relay refusal)"
    ignored = [text for code, text in replies.values() if code == 250 and text.startswith("2.0.0 Ignored")]
    assert len(ignored) >= 20  # the corpus' bounces, auto-replies and reports
    assert len(seen) == len(accepted)
    for record in seen:
        data = record.event["data"]
        assert data["channel"] == "email" and data["text"].strip()
        if has_cjk(data["text"] + data["subject"]):
            assert "\ufffd" not in data["text"] + data["subject"]


async def test_only_our_recipients_and_nothing_over_the_size_limit(backend_env):
    message = b"From: c@example.cn\r\nSubject: s\r\nMessage-ID: <size@example.cn>\r\n\r\nThe kettle leaks.\r\n"
    async with running_intake(backend_env, max_email_bytes=64 * 1024) as intake:
        port = intake.smtp_port
        assert port
        relay = await asyncio.to_thread(deliver, port, message, to="someone@elsewhere.example")
        other_domain = await asyncio.to_thread(deliver, port, message, to="complaints@example.com.evil.example")
        domain_wide = await asyncio.to_thread(deliver, port, message, to="anyone@support.example.com")
        too_big = await asyncio.to_thread(deliver, port, message + (b"x" * 998 + b"\r\n") * 80)
    assert relay[0] == 550 and other_domain[0] == 550
    assert domain_wide[0] == 250 and "Accepted" in domain_wide[1]
    assert too_big[0] == 552


async def test_fifty_parallel_deliveries_of_one_email_give_one_case(backend_env):
    message = (b"From: c@example.cn\r\nTo: complaints@example.com\r\nSubject: lid\r\nMessage-ID: <fifty@example.cn>\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe lid cracked on the first day.\r\n")
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    async with running_intake(backend_env) as intake:
        port = intake.smtp_port
        assert port
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(50) as pool:
            replies = await asyncio.gather(*(loop.run_in_executor(pool, deliver, port, message) for _ in range(50)))
        with TopicFollower(backend_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as follower:
            wait_for(lambda: follower.records(), timeout=60, message="the complaint on its topic")
            records = follower.records()
    assert {code for code, _text in replies} == {250}, replies
    assert len({text for _code, text in replies}) == 1  # every delivery names the same case
    assert len(records) == 1


@pytest.fixture
def own_broker():
    """A broker of this test's own (deploy/local, fresh folder), which it may kill and start
    again: the shared one stays up for everyone else."""
    from faults.harness import LocalInfra

    infra = LocalInfra(Path(tempfile.mkdtemp(prefix="smtp-broker-", dir=REPO / ".local")))
    infra.start("kafka")
    try:
        yield infra
    finally:
        infra.stop()


async def test_smtp_with_the_broker_away_answers_451_then_accepts_once_it_is_back(backend_env, own_broker):
    env = backend_env | {"KAFKA_BOOTSTRAP_SERVERS": own_broker.kafka_bootstrap_servers}
    message = (b"From: c@example.cn\r\nSubject: outage\r\nMessage-ID: <outage@example.cn>\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n\r\nMy heater stopped working.\r\n")
    async with running_intake(env, publish_timeout_seconds=2.0) as intake:
        port = intake.smtp_port
        assert port
        await asyncio.to_thread(own_broker.kill, "kafka")
        during = await asyncio.to_thread(deliver, port, message)
        await asyncio.to_thread(own_broker.start, "kafka")
        after = await asyncio.to_thread(
            wait_for, lambda: (reply := deliver(port, message))[0] == 250 and reply, timeout=120,
            message="a delivery accepted once the broker is back",
        )
    assert during[0] == 451, during
    assert "Accepted" in after[1]
