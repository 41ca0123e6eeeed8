"""`POST /v1/complaints/email` in the real app on the real broker and store: the whole e-mail
corpus, attachments kept in GridFS (read back byte for byte), and a reply to a recorded message
while archive is away (503: nothing recorded, retry)."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import DEAD_LETTER, RAW, RECEIVED
from email_corpus import CORPUS, corpus_files, has_cjk
from fastapi import FastAPI
from following import TopicFollower
from intake.adapters.attachments import AttachmentStore
from intake.bootstrap import Intake
from intake.domain.email_messages import read_email
from intake.handlers import EMAIL_IGNORED
from intake.settings import IntakeSettings
from topic_records import records_on
from waiting import async_wait_for, wait_for

pytestmark = pytest.mark.integration

KEY = "email-test"
RFC822 = {"content-type": "message/rfc822"}




def settings(env: dict[str, str]) -> IntakeSettings:
    # Archive at a port nothing listens on: archive is away for these tests.
    return IntakeSettings(**env, COMPLAINTS_API_KEY=KEY, consume_raw_topic=False, letter_ocr_worker=False,
                          archive_url="http://127.0.0.1:9", archive_timeout_seconds=0.5)


async def test_every_corpus_message_through_the_webhook_and_attachments_in_gridfs(backend_env):
    files = corpus_files()
    intake = Intake(settings(backend_env))
    app = intake.app()
    async with intake.lifespan(FastAPI()):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i",
                                     headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as http:
            answers = {path: await http.post("/v1/complaints/email", content=path.read_bytes(), headers=RFC822) for path in files}
            again = await http.post("/v1/complaints/email", content=(CORPUS / "flanker" / "iphone.eml").read_bytes(), headers=RFC822)
        topic = intake.settings.topic(RECEIVED.key)
        accepted = [a for a in answers.values() if a.status_code == 202]
        with TopicFollower(backend_env["KAFKA_BOOTSTRAP_SERVERS"], [topic]) as follower:
            seen = wait_for(lambda: len(follower.records()) >= len(accepted) and follower.records(), timeout=60,
                            message=lambda: f"{len(follower.records())} of {len(accepted)} complaints on {topic}")
        client = mongo.make_client(intake.settings)
        try:
            store = AttachmentStore(mongo.database(client, intake.settings))
            with_files = [r.event["data"] for r in seen if r.event["data"]["attachments"]]
            read_back = {a["reference"]: await store.get(a["reference"]) for data in with_files for a in data["attachments"]}
        finally:
            await client.close()
    assert {p.name: a.status_code for p, a in answers.items() if a.status_code not in (200, 202, 422)} == {}
    assert len(accepted) >= 35 and sum(a.status_code == 200 for a in answers.values()) >= 20
    assert again.json() == answers[CORPUS / "flanker" / "iphone.eml"].json()  # the same Message-ID: the same case
    assert len(seen) == len(accepted)
    for record in seen:
        data = record.event["data"]
        if has_cjk(data["text"] + data["subject"]):
            assert "\ufffd" not in data["text"] + data["subject"]
    assert len(with_files) >= 8
    for data in with_files:
        for attachment in data["attachments"]:
            assert attachment["reference"].startswith("gridfs:")
            assert hashlib.sha256(read_back[attachment["reference"]]).hexdigest() == attachment["sha256"]


async def test_a_reply_while_archive_is_away_is_refused_for_a_retry(backend_env):
    first = b"From: c@example.cn\r\nSubject: kettle\r\nMessage-ID: <away-1@example.cn>\r\n\r\nThe kettle leaks.\r\n"
    reply = (b"From: c@example.cn\r\nSubject: Re: kettle\r\nMessage-ID: <away-2@example.cn>\r\n"
             b"In-Reply-To: <away-1@example.cn>\r\n\r\nStill leaking.\r\n")
    intake = Intake(settings(backend_env))
    app = intake.app()
    async with intake.lifespan(FastAPI()):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i",
                                     headers={"Authorization": f"Bearer {KEY}"}) as http:
            recorded = await http.post("/v1/complaints/email", content=first, headers=RFC822)
            answer = await http.post("/v1/complaints/email", content=reply, headers=RFC822)
    assert recorded.status_code == 202
    # The reply names a message of a case: only archive can say the case takes it; it is away.
    assert answer.status_code == 503 and answer.headers["retry-after"]


async def test_the_corpus_through_the_raw_topic_is_treated_as_through_the_webhook(backend_env):
    """Every corpus message a JSON string can carry (UTF-8 or 7-bit) as a raw record on the real
    broker: auto-replies and bounces are ignored (counted, not dead-lettered), mail without text
    is dead-lettered with its reason, the rest become complaints with their e-mail details and
    stored attachments. The webhook then answers each message with the case the raw record got
    and publishes nothing more: one path, one idempotency key."""
    def ignored_count() -> float:
        return sum(sample.value for metric in EMAIL_IGNORED.collect() for sample in metric.samples if sample.name.endswith("_total"))

    carried: dict[str, bytes] = {}
    for path in corpus_files():
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # 8-bit mail of another charset: an adapter sends it 7-bit (docs/channels-email.md)
        carried[f"{path.parent.name}/{path.name}"] = data
    assert len(carried) >= 60
    intake = Intake(settings(backend_env).model_copy(update={"consume_raw_topic": True}))
    app = intake.app()
    received, dead = intake.settings.topic(RECEIVED.key), DEAD_LETTER.name(intake.settings.topic_prefix)
    ignored_before = ignored_count()
    async with intake.lifespan(FastAPI()):
        producer = kafka.make_producer(intake.settings)
        await producer.start()
        try:
            for name, data in carried.items():
                record = ev.RawComplaintSubmitted(channel=ev.Channel.EMAIL, mime=data.decode("utf-8"))
                await producer.send_and_wait(intake.settings.topic(RAW.key), record.model_dump_json().encode(), key=name.encode())
        finally:
            await producer.stop()
        with TopicFollower(backend_env["KAFKA_BOOTSTRAP_SERVERS"], [received, dead]) as follower:
            async def all_handled() -> bool:
                return len(follower.records()) + ignored_count() - ignored_before >= len(carried)

            await async_wait_for(all_handled, timeout=120,
                                 message=lambda: f"{len(follower.records())} records, {ignored_count() - ignored_before} ignored of {len(carried)}")
            raw_seen, ignored = follower.records(), ignored_count() - ignored_before
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i",
                                         headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as http:
                answers = {name: await http.post("/v1/complaints/email", content=data, headers=RFC822) for name, data in carried.items()}
            # Every answer came after its publish was acknowledged: the topic's end holds them all.
            after = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], received)
        client = mongo.make_client(intake.settings)
        try:
            store = AttachmentStore(mongo.database(client, intake.settings))
            complaints = [r.event["data"] for r in raw_seen if r.topic == received]
            read_back = {a["reference"]: await store.get(a["reference"]) for data in complaints for a in data["attachments"]}
        finally:
            await client.close()
    dead_lettered = [r.event["data"] for r in raw_seen if r.topic == dead]
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert ignored == sum(code == 200 for code in statuses.values()) >= 20  # the webhook ignored the same ones
    assert len(dead_lettered) == sum(code == 422 for code in statuses.values())
    assert all("text" in d["reason"] or "body" in d["reason"] for d in dead_lettered), [d["reason"] for d in dead_lettered]
    assert len(complaints) == sum(code == 202 for code in statuses.values())
    assert all(d["email"] is not None for d in complaints)
    # Same Message-ID, same case: the webhook replayed what the raw records recorded.
    raw_cases = {d["case_id"] for d in complaints}
    has_id = {name: read_email(carried[name]).details.message_id is not None for name, a in answers.items() if a.status_code == 202}
    with_message_id = [answers[name].json()["case_id"] for name, has in has_id.items() if has]
    assert len(with_message_id) >= 20 and set(with_message_id) <= raw_cases
    # Only mail without a Message-ID is keyed apart (its raw record's place, the webhook's bytes).
    assert len(after) == len(complaints) + sum(not has for has in has_id.values())
    for data in complaints:
        for attachment in data["attachments"]:
            assert hashlib.sha256(read_back[attachment["reference"]]).hexdigest() == attachment["sha256"]
    assert sum(bool(d["attachments"]) for d in complaints) >= 8
