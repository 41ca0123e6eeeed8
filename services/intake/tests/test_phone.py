"""Phone channel: a call record from the phone system becomes one complaint per call id."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from complaints_shared import events as ev

CALL = {
    "call_id": "cti-2026-11-24-000117",
    "caller": "138 0013 8000",
    "called": "+86 10 9555 5555",
    "started_at": "2026-11-24T09:12:03+08:00",
    "ended_at": "2026-11-24T09:19:41+08:00",
    "agent": "agent-17",
    "ivr": ["2", "complaints"],
    "notes": "客户称热水壶使用两周后底部漏水，要求退款。",
    "transcript": "客户：我买的热水壶漏水了。\n坐席：请问是什么时候买的？",
    "recording_url": "https://cti.example.com/recordings/000117.wav",
}


async def test_a_call_record_is_a_complaint_with_its_call_details(client, publisher):
    response = await client.post("/v1/complaints/phone", json=CALL)
    assert response.status_code == 202, response.text
    [event] = publisher.events
    complaint = event.data
    assert isinstance(complaint, ev.ComplaintReceived)
    assert response.json()["case_id"] == complaint.case_id
    assert complaint.channel is ev.Channel.PHONE
    assert complaint.text == CALL["notes"] + "\n\n" + CALL["transcript"]
    assert complaint.customer.phone == "+8613800138000"
    assert complaint.received_at == datetime.fromisoformat(CALL["started_at"])
    assert complaint.language is ev.Language.ZH_HANS
    assert complaint.call == ev.CallDetails(
        call_id=CALL["call_id"], called="+861095555555", started_at=datetime.fromisoformat(CALL["started_at"]),
        ended_at=datetime.fromisoformat(CALL["ended_at"]), agent="agent-17", ivr=("2", "complaints"),
        recording_url=CALL["recording_url"], has_transcript=True,
    )


async def test_notes_alone_or_a_transcript_alone_is_enough(client, publisher):
    notes_only = await client.post("/v1/complaints/phone", json=CALL | {"call_id": "c-notes", "transcript": None})
    transcript_only = await client.post("/v1/complaints/phone", json=CALL | {"call_id": "c-words", "notes": ""})
    assert notes_only.status_code == transcript_only.status_code == 202
    texts = [e.data.text for e in publisher.events]
    assert texts == [CALL["notes"], CALL["transcript"]]
    assert [e.data.call.has_transcript for e in publisher.events] == [False, True]


async def test_fifty_parallel_deliveries_of_one_call_are_one_case(client, publisher):
    responses = await asyncio.gather(*(client.post("/v1/complaints/phone", json=CALL) for _ in range(50)))
    assert {r.status_code for r in responses} == {202}, {r.text for r in responses}
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert len(publisher.events) == 1


async def test_the_same_call_id_with_another_record_is_a_conflict(client, publisher):
    assert (await client.post("/v1/complaints/phone", json=CALL)).status_code == 202
    other = await client.post("/v1/complaints/phone", json=CALL | {"notes": "something else"})
    assert other.status_code == 422
    assert len(publisher.events) == 1


async def test_bad_records_are_422_naming_the_field(client, publisher):
    cases = {
        "transcript": CALL | {"notes": None, "transcript": "  "},
        "ended_at": CALL | {"ended_at": "2026-11-24T09:00:00+08:00"},
        "started_at": CALL | {"started_at": "2026-11-24T09:12:03"},
        "call_id": {k: v for k, v in CALL.items() if k != "call_id"},
        "ivr.0": CALL | {"ivr": [""]},
    }
    for field, body in cases.items():
        response = await client.post("/v1/complaints/phone", json=body)
        assert response.status_code == 422, (field, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (field, response.json())
    far = (ev.utcnow() + timedelta(days=2)).isoformat()  # the client fixture runs on the real clock
    response = await client.post("/v1/complaints/phone", json=CALL | {"started_at": far, "ended_at": far})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["started_at"]
    assert publisher.events == []
