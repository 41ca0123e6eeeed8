"""Idempotency keys never drop a request silently: the same key and body gets the first answer
again, the same key with another body is a 422 naming the key, and the kinds of key live in
separate namespaces (issue 8, defect 6)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus
from complaints_shared.testing import FakePublisher
from intake.adapters.idempotency import InMemoryIdempotencyStore
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings

from .conftest import API_KEY

COMPLAINT = {"channel": "sms", "text": "Parcel SF123 never arrived.", "customer": {"phone": "+8613800000001"}}


async def test_same_external_id_with_a_different_body_is_422_naming_it(client, publisher):
    first = await client.post("/v1/complaints", json=COMPLAINT | {"external_id": "gw-1"})
    assert first.status_code == 202
    second = await client.post("/v1/complaints", json=COMPLAINT | {"external_id": "gw-1", "text": "Another story."})
    assert second.status_code == 422, second.text
    assert [e["field"] for e in second.json()["errors"]] == ["external_id"]
    assert len(publisher.events) == 1


async def test_same_idempotency_key_same_body_gets_the_first_answer_and_another_body_a_422(client, publisher):
    key = {"Idempotency-Key": "submit-77"}
    first = await client.post("/v1/complaints", json=COMPLAINT, headers=key)
    again = await client.post("/v1/complaints", json=COMPLAINT, headers=key)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert again.headers["location"] == first.headers["location"]
    other = await client.post("/v1/complaints", json=COMPLAINT | {"text": "Something else."}, headers=key)
    assert other.status_code == 422, other.text
    assert [e["field"] for e in other.json()["errors"]] == ["header.idempotency-key"]
    assert len(publisher.events) == 1


async def test_a_reused_case_update_key_does_not_swallow_a_resolution(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    archive.add("case-2", CaseStatus.REMEDY_APPROVED)
    key = {"Idempotency-Key": "tool-req-1"}
    ack = await client.post("/v1/cases/case-1/events", json={"type": "acknowledged", "actor": "a"}, headers=key)
    assert ack.status_code == 202
    resolved = await client.post(
        "/v1/cases/case-1/events", json={"type": "resolved", "actor": "a", "resolution": "Refunded"}, headers=key
    )
    assert resolved.status_code == 422, resolved.text
    assert resolved.json()["errors"][0]["field"] == "header.idempotency-key"
    # The same key on another case is another key: case-update keys live per case.
    elsewhere = await client.post(
        "/v1/cases/case-2/events", json={"type": "resolved", "actor": "a", "resolution": "Refunded"}, headers=key
    )
    assert elsewhere.status_code == 202
    assert [e.type for e in publisher.events] == ["org.complaints.case.acknowledged.v1", "org.complaints.case.resolved.v1"]


async def test_a_key_equal_to_another_complaints_external_id_is_another_case(client, publisher):
    by_external_id = (await client.post("/v1/complaints", json=COMPLAINT | {"external_id": "shared-token"})).json()
    by_key = await client.post("/v1/complaints", json=COMPLAINT | {"text": "Other."}, headers={"Idempotency-Key": "shared-token"})
    assert by_key.status_code == 202, by_key.text
    assert by_key.json()["case_id"] != by_external_id["case_id"]
    # The external_id derivation stays what clients rely on.
    assert by_external_id["case_id"] == ev.derived_id("case", "sms", "shared-token")
    assert len(publisher.events) == 2


async def test_same_message_id_with_a_different_body_is_422(client, publisher):
    def message(text: str) -> bytes:
        return f"From: a@example.com\r\nMessage-ID: <m-1@example.com>\r\nSubject: x\r\n\r\n{text}\r\n".encode()

    headers = {"content-type": "message/rfc822"}
    assert (await client.post("/v1/complaints/email", content=message("The zip broke."), headers=headers)).status_code == 202
    assert (await client.post("/v1/complaints/email", content=message("The zip broke."), headers=headers)).status_code == 202
    other = await client.post("/v1/complaints/email", content=message("The hinge broke."), headers=headers)
    assert other.status_code == 422, other.text
    assert other.json()["errors"][0]["field"] == "external_id"
    assert len(publisher.events) == 1


class GatedPublisher(FakePublisher):
    """Publishes once `gate` opens; fails while `failing` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.gate.set()
        self.failing = False
        self.publishing = asyncio.Event()

    async def publish(self, data, event_id=None):
        if self.failing:
            raise KafkaConnectionError("broker away")
        self.publishing.set()
        await self.gate.wait()
        return await super().publish(data, event_id=event_id)


@pytest.fixture
async def gated():
    publisher = GatedPublisher()
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, idempotency=InMemoryIdempotencyStore())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://i", headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        yield http, publisher


async def test_a_failed_publish_gives_the_key_back_to_a_retry_of_the_same_request(gated):
    http, publisher = gated
    publisher.failing = True
    failed = await http.post("/v1/complaints", json=COMPLAINT | {"external_id": "gw-9"})
    assert failed.status_code == 503
    publisher.failing = False
    retried = await http.post("/v1/complaints", json=COMPLAINT | {"external_id": "gw-9"})
    assert retried.status_code == 202, retried.text
    assert len(publisher.events) == 1
    # ...but not to a different body under the same key.
    other = await http.post("/v1/complaints", json=COMPLAINT | {"external_id": "gw-9", "text": "Else."})
    assert other.status_code == 422


async def test_concurrent_requests_with_one_key_publish_once(gated):
    http, publisher = gated
    publisher.gate.clear()
    key = {"Idempotency-Key": "race-1"}
    first = asyncio.create_task(http.post("/v1/complaints", json=COMPLAINT, headers=key))
    await publisher.publishing.wait()  # the first request holds the key and is publishing
    same = await http.post("/v1/complaints", json=COMPLAINT, headers=key)
    different = await http.post("/v1/complaints", json=COMPLAINT | {"text": "Else."}, headers=key)
    publisher.gate.set()
    first = await first
    assert first.status_code == 202
    assert same.status_code == 409 and same.headers["retry-after"]
    assert different.status_code == 422
    assert len(publisher.events) == 1
    again = await http.post("/v1/complaints", json=COMPLAINT, headers=key)
    assert again.json() == first.json()
