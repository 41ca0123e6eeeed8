"""The phone channel on the real broker and store: 50 parallel deliveries of one call record
give one case, with the call's details and E.164 numbers."""

from __future__ import annotations

import asyncio

import pytest
from complaints_shared.topics import RECEIVED
from intake.settings import IntakeSettings
from topic_records import records_on

from .test_intake_sms import intake_client

pytestmark = pytest.mark.integration

CALL = {
    "call_id": "cti-int-000042", "caller": "(02) 2345-6789", "called": "+886 2 5555 0000",
    "started_at": "2026-12-04T09:12:03+08:00", "ended_at": "2026-12-04T09:19:41+08:00", "agent": "agent-3",
    "ivr": ["1", "3"], "notes": "客戶反映洗衣機脫水時劇烈震動，要求換貨。", "transcript": None,
    "recording_url": "https://cti.example.com/rec/000042.wav",
}


async def test_fifty_parallel_deliveries_of_one_call_give_one_case(backend_env):
    topic = IntakeSettings(**backend_env).topic(RECEIVED.key)
    async with intake_client(backend_env, default_region="TW") as http:
        responses = await asyncio.gather(*(http.post("/v1/complaints/phone", json=CALL) for _ in range(50)))
    assert {r.status_code for r in responses} == {202}, {r.text for r in responses}
    assert len({r.json()["case_id"] for r in responses}) == 1
    [event] = await records_on(backend_env["KAFKA_BOOTSTRAP_SERVERS"], topic)
    data = event["data"]
    assert data["case_id"] == responses[0].json()["case_id"]
    assert (data["channel"], data["text"], data["language"]) == ("phone", CALL["notes"], "zh-Hant")
    assert data["customer"]["phone"] == "+886223456789"
    assert data["call"]["called"] == "+886255550000" and data["call"]["ivr"] == ["1", "3"]
