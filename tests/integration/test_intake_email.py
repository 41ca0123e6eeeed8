"""`POST /v1/complaints/email` in the real app on the real broker and store: the whole e-mail
corpus, attachments kept in GridFS (read back byte for byte), and a reply to a recorded message
while archive is away (503: nothing recorded, retry)."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from complaints_shared import mongo
from complaints_shared.topics import RECEIVED
from email_corpus import CORPUS, corpus_files, has_cjk
from fastapi import FastAPI
from following import TopicFollower
from intake.adapters.attachments import AttachmentStore
from intake.bootstrap import Intake
from intake.settings import IntakeSettings
from waiting import wait_for

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
