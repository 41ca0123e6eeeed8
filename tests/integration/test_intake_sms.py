"""The SMS channel on the real broker and store: Twilio's signed webhook through the real app
gives a complaint on the received topic; a forged one gives 403 and nothing; 50 parallel
deliveries of one SMS (Twilio's webhook and the JSON route alike) give one case."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

import httpx
import pytest
from complaints_shared.topics import RECEIVED
from fastapi import FastAPI
from intake.bootstrap import Intake
from intake.settings import IntakeSettings
from topic_records import records_on
from twilio.request_validator import RequestValidator

pytestmark = pytest.mark.integration

KEY = "sms-integration-key"
TOKEN = "sms-integration-twilio-token"
PUBLIC = "https://complaints.example.com"
WEBHOOK = "/v1/complaints/sms/twilio"


@asynccontextmanager
async def intake_client(env: dict[str, str], **settings) -> AsyncIterator[httpx.AsyncClient]:
    intake = Intake(IntakeSettings(
        **env, COMPLAINTS_API_KEY=KEY, consume_raw_topic=False, letter_ocr_worker=False, smtp_enabled=False,
        twilio_auth_token=TOKEN, public_base_url=PUBLIC, **settings,
    ))
    app = intake.app()
    async with intake.lifespan(FastAPI()):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://10.1.2.3:8001", headers={"Authorization": f"Bearer {KEY}"}) as http:
            yield http


def twilio_request(form: dict[str, str], token: str = TOKEN) -> dict:
    signature = RequestValidator(token).compute_signature(f"{PUBLIC}{WEBHOOK}", form)
    return {"content": urlencode(form), "headers": {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}}


async def test_signed_twilio_sms_reaches_the_broker_and_forged_ones_do_not(backend_env):
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    form = {"MessageSid": "SMint0001", "From": "+82 10-1234-5678", "To": "+8610955555", "Body": "택배가 일주일째 오지 않습니다.", "NumSegments": "2"}
    async with intake_client(backend_env) as http:
        forged = await http.post(WEBHOOK, **twilio_request(form | {"MessageSid": "SMint0002"}, token="not-our-token"))
        unsigned = await http.post(WEBHOOK, content=urlencode(form | {"MessageSid": "SMint0003"}),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        signed = await http.post(WEBHOOK, **twilio_request(form))
    assert forged.status_code == unsigned.status_code == 403
    assert signed.status_code == 200, signed.text
    [event] = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic)
    data = event["data"]
    assert f"사건 번호: {data['case_id']}" in signed.text
    assert (data["channel"], data["text"], data["language"]) == ("sms", form["Body"], "ko")
    assert data["customer"]["phone"] == "+821012345678"
    assert data["sms"] == {"to": "+8610955555", "segments": 2}


@pytest.mark.parametrize("route", ["twilio", "json"])
async def test_fifty_parallel_deliveries_of_one_sms_give_one_case(backend_env, route):
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    form = {"MessageSid": f"SMfifty-{route}", "From": "13800138000", "To": "+8610955555", "Body": "空调不制冷，师傅两次上门都没修好。"}
    body = {"from": form["From"], "to": form["To"], "text": form["Body"], "message_id": form["MessageSid"]}
    async with intake_client(backend_env) as http:
        if route == "twilio":
            request = twilio_request(form)
            responses = await asyncio.gather(*(http.post(WEBHOOK, **request) for _ in range(50)))
        else:
            responses = await asyncio.gather(*(http.post("/v1/complaints/sms", json=body) for _ in range(50)))
    assert {r.status_code for r in responses} == ({200} if route == "twilio" else {202}), {r.text for r in responses}
    assert len({r.text for r in responses}) == 1  # the same answer, the same case number, for every delivery
    events = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic)
    assert len(events) == 1
    assert events[0]["data"]["customer"]["phone"] == "+8613800138000"


PART_TEXTS = ["택배가 일주일째 오지 않습니다. ", "고객센터는 전화를 받지 않습니다. ", "환불을 요청합니다."]


def sms_part(place: int, parts: int = 3, reference: str = "42") -> dict:
    return {"from": "+82 10-1234-5678", "to": "+8610955555", "text": PART_TEXTS[place - 1], "message_id": f"gw-{reference}-{place}",
            "part": place, "parts": parts, "reference": reference}


async def test_parts_of_one_sms_survive_a_restart_of_intake_and_become_one_complaint(backend_env):
    """The parts are kept in the store, not in the process: the parts delivered to an intake
    that then stopped are joined with the last part delivered to the next one."""
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    async with intake_client(backend_env) as http:
        answers = [await http.post("/v1/complaints/sms", json=sms_part(place)) for place in (3, 1)]
        again = await http.post("/v1/complaints/sms", json=sms_part(1))
    assert [a.json()["status"] for a in (*answers, again)] == ["awaiting_parts"] * 3, [a.text for a in answers]
    assert await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic) == []
    async with intake_client(backend_env) as http:
        last = await http.post("/v1/complaints/sms", json=sms_part(2))
    assert last.status_code == 202 and last.json()["status"] == "accepted", last.text
    [event] = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic)
    data = event["data"]
    assert data["text"] == "".join(PART_TEXTS)
    assert data["sms"] == {"to": "+8610955555", "segments": 3}
    assert data["case_id"] == last.json()["case_id"] == answers[0].json()["case_id"]


async def test_an_sms_whose_parts_never_all_come_is_recorded_after_the_wait(backend_env):
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    async with intake_client(backend_env, sms_parts_wait_seconds=0.5) as http:
        first = await http.post("/v1/complaints/sms", json=sms_part(1, parts=2, reference="43"))
        assert first.json()["status"] == "awaiting_parts", first.text
        events: list = []
        async with asyncio.timeout(30):  # the timer looks every 0.125 s; the bound only ends a broken run
            while not events:
                events = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic)
    [event] = events
    assert event["data"]["text"] == PART_TEXTS[0] + "[…]"
    assert event["data"]["case_id"] == first.json()["case_id"]
