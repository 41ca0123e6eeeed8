"""Multi-part SMS that a gateway delivers part by part (`part`/`parts`/`reference` on the JSON
route): one complaint with the parts joined in order, once all have come; a repeated part is
ignored; an SMS whose parts never all come is recorded as far as it came after the wait."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from complaints_shared import events as ev
from intake import handlers
from intake.adapters.idempotency import InMemoryIdempotencyStore
from intake.adapters.sms_parts import InMemorySmsParts, PartsTimer
from intake.bootstrap import bootstrap
from intake.domain.sms import GAP
from intake.settings import IntakeSettings

from .conftest import API_KEY, NOW

ROUTE = "/v1/complaints/sms"
PARTS = ["热水壶用了两周就漏水，", "客服说要等厂家回复，", "已经一个月了，要求退款。"]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def parts() -> InMemorySmsParts:
    return InMemorySmsParts()


@pytest.fixture
def store() -> InMemoryIdempotencyStore:
    return InMemoryIdempotencyStore()


@pytest.fixture
async def http(publisher, parts, store, clock):
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, sms_parts=parts, idempotency=store, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake",
                                 headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        yield client


def part(place: int, *, reference: str = "7781", parts: int = 3, sender: str = "13800138000", **extra) -> dict:
    return {"from": sender, "to": "+8610955555", "text": PARTS[place - 1], "message_id": f"gw-{reference}-{place}",
            "received_at": (NOW + timedelta(seconds=place)).isoformat(), "part": place, "parts": parts, "reference": reference} | extra


async def test_parts_delivered_one_by_one_are_one_complaint_joined_in_order(http, publisher):
    second = await http.post(ROUTE, json=part(2))
    first = await http.post(ROUTE, json=part(1))
    assert publisher.events == []  # nothing is published before the SMS is whole
    assert second.status_code == first.status_code == 202, second.text
    assert (second.json()["status"], second.json()["parts_missing"]) == ("awaiting_parts", 2)
    assert (first.json()["status"], first.json()["parts_missing"]) == ("awaiting_parts", 1)
    last = await http.post(ROUTE, json=part(3))
    assert last.status_code == 202, last.text
    assert last.json()["status"] == "accepted" and "parts_missing" not in last.json()
    [event] = publisher.events
    complaint = event.data
    assert isinstance(complaint, ev.ComplaintReceived)
    assert complaint.text == "".join(PARTS)
    assert complaint.sms == ev.SmsDetails(to="+8610955555", segments=3)
    assert complaint.customer.phone == "+8613800138000"
    assert complaint.received_at == NOW + timedelta(seconds=1)  # the earliest part's
    # Every part was told the case the whole SMS got.
    assert {r.json()["case_id"] for r in (first, second, last)} == {complaint.case_id}


async def test_a_part_delivered_twice_is_ignored(http, publisher):
    await http.post(ROUTE, json=part(1))
    again = await http.post(ROUTE, json=part(1))  # the gateway's retry: same message id
    other_id = await http.post(ROUTE, json=part(1, message_id="gw-retry-with-a-new-id"))  # same place in the same SMS
    assert {again.json()["status"], other_id.json()["status"]} == {"awaiting_parts"}
    await http.post(ROUTE, json=part(2))
    await http.post(ROUTE, json=part(3))
    after = await http.post(ROUTE, json=part(3))  # a repeat after the SMS was recorded
    [event] = publisher.events
    assert event.data.text == "".join(PARTS)
    assert after.json()["status"] == "accepted" and after.json()["case_id"] == event.data.case_id


async def test_all_parts_at_once_many_times_over_give_one_complaint(http, publisher):
    deliveries = [part(place) for place in (1, 2, 3) for _ in range(10)]
    responses = await asyncio.gather(*(http.post(ROUTE, json=body) for body in deliveries))
    assert {r.status_code for r in responses} == {202}, {r.text for r in responses}
    assert len({r.json()["case_id"] for r in responses}) == 1
    [event] = publisher.events
    assert event.data.text == "".join(PARTS)


async def test_different_senders_or_references_are_different_messages(http, publisher):
    await http.post(ROUTE, json=part(1, parts=2))
    await http.post(ROUTE, json=part(2, parts=2, reference="7782"))
    await http.post(ROUTE, json=part(2, parts=2, sender="+8613900139000"))
    assert publisher.events == []


async def test_an_sms_whose_parts_never_all_come_is_recorded_as_far_as_it_came_after_the_wait(http, publisher, parts, store, clock):
    await http.post(ROUTE, json=part(1))
    await http.post(ROUTE, json=part(3))
    settings = IntakeSettings()

    async def due() -> int:
        return await handlers.publish_due_parts(
            publisher=publisher, store=store, sms_parts=parts, clock=clock, window=settings.received_at_window(),
            default_region="CN", wait=timedelta(seconds=120), patience=1,
        )

    clock.now = NOW + timedelta(seconds=119)
    assert await due() == 0 and publisher.events == []
    clock.now = NOW + timedelta(seconds=121)
    assert await due() == 1
    [event] = publisher.events
    assert event.data.text == f"{PARTS[0]}{GAP}{PARTS[2]}"
    assert event.data.sms.segments == 2
    assert await due() == 0  # published once
    # The part that comes after its SMS was recorded is not dropped: a complaint of its own.
    late = await http.post(ROUTE, json=part(2))
    assert late.status_code == 202
    clock.now = NOW + timedelta(seconds=400)
    assert await due() == 1
    assert [e.data.text for e in publisher.events] == [f"{PARTS[0]}{GAP}{PARTS[2]}", f"{GAP}{PARTS[1]}{GAP}"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"part": 1}, "parts"),  # no parts or reference
        ({"part": 1, "parts": 3}, "reference"),
        ({"reference": "1"}, "reference"),
        ({"part": 4, "parts": 3, "reference": "1"}, "parts"),
        ({"part": 0, "parts": 3, "reference": "1"}, "part"),
    ],
)
async def test_incomplete_part_information_is_a_422_naming_it(http, publisher, body, field):
    response = await http.post(ROUTE, json={"from": "+8613800138000", "text": "x", "message_id": "m-1"} | body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert publisher.events == []


async def test_the_openapi_documents_the_part_fields_with_an_example(http):
    spec = (await http.get("/openapi.json")).json()
    schema = spec["components"]["schemas"]["SmsMessage"]
    assert {"part", "parts", "reference"} <= set(schema["properties"])
    assert any("reference" in example for example in schema["examples"])
    operation = spec["paths"][ROUTE]["post"]
    assert "awaiting_parts" in str(operation["responses"]["202"])


class PartsThatFailToClose(InMemorySmsParts):
    """The store went away just after a group was published: the group stays open."""

    async def close(self, key: str, group_id: str) -> None:
        return None


async def test_a_part_of_an_sms_recorded_without_it_is_a_complaint_of_its_own(publisher, store, clock):
    parts = PartsThatFailToClose()
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, sms_parts=parts, idempotency=store, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake",
                                 headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        await http.post(ROUTE, json=part(1, parts=2))
        clock.now = NOW + timedelta(seconds=121)
        published = await handlers.publish_due_parts(
            publisher=publisher, store=store, sms_parts=parts, clock=clock, window=IntakeSettings().received_at_window(),
            default_region="CN", wait=timedelta(seconds=120), patience=1,
        )
        last = await http.post(ROUTE, json=part(2, parts=2))  # finds the group still open, and whole now
    assert published == 1
    assert last.status_code == 202, last.text
    assert [e.data.text for e in publisher.events] == [f"{PARTS[0]}{GAP}", PARTS[1]]
    assert last.json()["case_id"] == publisher.events[1].data.case_id != publisher.events[0].data.case_id


async def test_the_parts_timer_stops_even_when_a_round_loses_the_cancel():
    """Python 3.11's wait_for returns normally when a cancel lands as the operation it waits on
    completes (pymongo awaits one in every send): the timer stopped in that moment must still
    stop. Before the stop flag, `stop()` waited for it for ever (a hang seen in CI)."""
    entered = asyncio.Event()
    rounds = 0

    async def round_that_loses_the_first_cancel() -> int:
        nonlocal rounds
        rounds += 1
        entered.set()
        if rounds > 1:
            await asyncio.sleep(30)  # a later round: what the timer did next, before the flag
            return 0
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            return 0  # what the stdlib's wait_for does in that moment
        return 0

    timer = PartsTimer(round_that_loses_the_first_cancel, every=0.01)
    timer.start()
    await entered.wait()
    stopping = asyncio.create_task(timer.stop())
    # asyncio.wait, not a timeout: cancelling the waiter would cancel the timer once more.
    done, _pending = await asyncio.wait({stopping}, timeout=5)
    assert stopping in done, f"the timer still runs after 5 s ({rounds} rounds)"
    assert not timer.alive and rounds == 1
