"""The forwarding hop (received complaints and case updates → by-customer) with a fake producer:
what it sends, keyed how, and that `settle` waits for every send and reports a failed one."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from complaints_shared import events as ev
from routing.domain.customers import CustomerDirectory
from routing.entrypoints.forwarding import CUSTOMER_HEADER, KIND_HEADER, CustomerForwarder

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Record:
    def __init__(self, topic: str, data: ev.Contract, event_id: str):
        self.topic, self.partition, self.offset, self.key = topic, 0, 0, b"k"
        self.value = ev.encode(ev.envelope(data, source="/t", event_id=event_id))


class FutureProducer:
    """Like AIOKafkaProducer.send: returns a future the broker's answer resolves later."""

    def __init__(self):
        self.sent: list[tuple[str, bytes, bytes, dict]] = []
        self.futures: list[asyncio.Future] = []

    async def send(self, topic, value, key=None, headers=None):
        self.sent.append((topic, key, value, dict(headers or ())))
        future = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        return future


def forwarder(producer, owners=None) -> CustomerForwarder:
    return CustomerForwarder(producer=producer, by_customer="r-by-customer", received="received", directory=CustomerDirectory({}),
                             case_owner=owners or {})


async def test_a_complaint_goes_on_keyed_by_its_customer_as_it_came():
    producer = FutureProducer()
    complaint = ev.ComplaintReceived(case_id="c-1", channel=ev.Channel.SMS, text="Broken kettle.", received_at=NOW,
                                     customer=ev.CustomerContact(customer_id="C7"))
    record = Record("received", complaint, "rcv-1")
    await forwarder(producer).handle(record)
    [(topic, key, value, headers)] = producer.sent
    assert topic == "r-by-customer" and value == record.value
    assert headers[KIND_HEADER] == b"received"
    assert key.decode() == json.loads(headers[CUSTOMER_HEADER])["customer_key"]


async def test_a_closing_update_of_a_known_case_goes_to_its_owner_and_others_not_at_all():
    producer = FutureProducer()
    forward = forwarder(producer, owners={"c-1": "customer:C7"})
    await forward.handle(Record("updates", ev.CaseResolved(case_id="c-1", resolution="Replaced.", actor="agent-1", at=NOW), "u-1"))
    await forward.handle(Record("updates", ev.CaseResolved(case_id="unknown", resolution="Replaced.", actor="agent-1", at=NOW), "u-2"))
    await forward.handle(Record("updates", ev.CaseAcknowledged(case_id="c-1", actor="agent-1", at=NOW), "u-3"))
    [(topic, key, value, headers)] = producer.sent
    assert topic == "r-by-customer"
    assert key == b"customer:C7" and headers == {KIND_HEADER: b"status"}
    assert json.loads(value) == {"case_id": "c-1", "status": "closed"}


async def test_settle_waits_for_every_send_and_raises_when_one_failed():
    producer = FutureProducer()
    forward = forwarder(producer)
    for i in range(2):
        complaint = ev.ComplaintReceived(case_id=f"c-{i}", channel=ev.Channel.WEB, text="Late parcel.", received_at=NOW)
        await forward.handle(Record("received", complaint, f"rcv-{i}"))
    settling = asyncio.create_task(forward.settle())
    await asyncio.sleep(0)
    assert not settling.done()  # the broker has not answered yet
    producer.futures[0].set_result(None)
    producer.futures[1].set_exception(OSError("refused"))
    with pytest.raises(OSError):
        await settling
    await forward.settle()  # what failed is not waited for twice: the loop stops on the failure
