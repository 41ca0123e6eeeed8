"""Routing's Faust agents under `test_context()`: no broker; the publisher is a fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from routing.bootstrap import bootstrap
from routing.domain.customers import CustomerDirectory
from routing.entrypoints.agents import CUSTOMER_HEADER, KIND_HEADER
from routing.settings import RoutingSettings

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def routing(tmp_path_factory):
    service = bootstrap(RoutingSettings(COMPLAINTS_TOPIC_PREFIX="unit.", data_dir=tmp_path_factory.mktemp("r")), clock=lambda: NOW)
    service.app.finalize()
    service.app.conf.store = "memory://"
    service.app.flow_control.resume()
    return service


@pytest.fixture
def fake(routing):
    fake = FakePublisher()
    routing.publisher.publish = fake.publish
    routing.publisher.dead_letter = fake.dead_letter
    return fake


def by_customer_message(case_id: str, text: str, *, customer_key: str, tier="standard", channel=ev.Channel.SMS) -> dict:
    """What the recognise agent forwards: the received record as it came, the customer in a header."""
    received = ev.ComplaintReceived(case_id=case_id, channel=channel, text=text, received_at=NOW)
    event = ev.envelope(received, source="/test", event_id=f"rcv-{case_id}")
    customer = {"customer_key": customer_key, "customer_id": None, "tier": tier, "matched_on": None}
    headers = {KIND_HEADER: b"received", CUSTOMER_HEADER: json.dumps(customer).encode()}
    return {"value": ev.encode(event), "key": customer_key.encode(), "headers": headers}


async def test_route_agent_publishes_a_decision_with_a_derived_id(routing, fake):
    async with routing.agents.route.test_context() as agent:
        await agent.put(**by_customer_message("a-1", "My kettle sparked and caught fire.", customer_key="phone:+1"))
    [(routed, event_id)] = fake.published
    assert isinstance(routed, ev.ComplaintRouted)
    assert (routed.case_id, routed.priority, routed.department) == ("a-1", ev.Priority.P1, "quality")
    assert event_id == ev.derived_id("routed", "rcv-a-1")
    assert any(item.step == "validity" for item in routed.explanation)


async def test_same_customer_same_text_on_another_channel_is_a_duplicate(routing, fake):
    text = "My washing machine leaks water from the door seal every wash, order WM-5521. Please fix it."
    async with routing.agents.route.test_context() as agent:
        await agent.put(**by_customer_message("d-1", text, customer_key="customer:C9", channel=ev.Channel.EMAIL))
        await agent.put(**by_customer_message("d-2", text, customer_key="customer:C9", channel=ev.Channel.SMS))
    first, second = (data for data, _ in fake.published)
    assert first.validity == ev.Validity.VALID
    assert (second.validity, second.related_case_id) == (ev.Validity.DUPLICATE, "d-1")


async def test_redelivered_complaint_is_not_a_duplicate_of_itself(routing, fake):
    message = by_customer_message("r-1", "The courier left my parcel in the rain and it was soaked.", customer_key="email:x@y.z")
    async with routing.agents.route.test_context() as agent:
        await agent.put(**message)
        await agent.put(**message)
    (first, id1), (second, id2) = fake.published
    assert id1 == id2 and first.validity == second.validity == ev.Validity.VALID


async def test_a_closed_case_is_no_longer_matched_as_a_duplicate(routing, fake):
    text = "The dishwasher door hinge snapped off, order DW-77. I want a repair."
    async with routing.agents.route.test_context() as agent:
        await agent.put(**by_customer_message("s-1", text, customer_key="customer:S1"))
        closed = json.dumps({"case_id": "s-1", "status": "closed"}).encode()
        await agent.put(closed, key=b"customer:S1", headers={KIND_HEADER: b"status"})
        await agent.put(**by_customer_message("s-2", text, customer_key="customer:S1"))
    first, second = (data for data, _ in fake.published)
    # Without the status change the same text would be a duplicate of s-1 (test above).
    assert first.validity == second.validity == ev.Validity.VALID


async def test_profile_agent_dead_letters_garbage_and_keeps_going(routing, fake):
    profile = ev.CustomerProfileUpdated(customer_id="K-1", tier=ev.CustomerTier.KEY_ACCOUNT, phones=("+8613800000000",), updated_at=NOW)
    async with routing.agents.follow_profiles.test_context() as agent:
        await agent.put(b"garbage", key=b"K-1", wait=False)
        await agent.put(ev.encode(ev.envelope(profile, source="/crm")), key=b"K-1")
    assert len(fake.dead) == 1 and fake.dead[0].startswith("not JSON")
    directory = CustomerDirectory(routing.agents.directory_table)
    resolved = directory.resolve(ev.CustomerContact(phone="+86 138 0000 0000"))
    assert (resolved.customer_id, resolved.tier) == ("K-1", "key_account")


async def test_a_complaint_that_breaks_the_decision_is_dead_lettered(routing, fake, monkeypatch):
    from routing import handlers

    def broken(*args, **kwargs):
        raise ValueError("rule table corrupt")

    monkeypatch.setattr(handlers, "route", broken)
    async with routing.agents.route.test_context() as agent:
        await agent.put(**by_customer_message("b-1", "My toaster is broken.", customer_key="phone:+9"))
    assert fake.dead == ["ValueError: rule table corrupt"]
    assert fake.published == []


async def test_a_broker_failure_keeps_the_agent_on_the_complaint_until_it_is_routed(routing, fake):
    # Faust acknowledges the event an exception passes through, and a later commit moves past
    # it: a broker failure that left the agent lost the complaint. It is retried in place
    # instead, and never dead-lettered (the record is fine; the broker was away).
    from aiokafka.errors import KafkaConnectionError
    from faust.exceptions import ProducerSendError

    failures = [ProducerSendError("Error while sending"), KafkaConnectionError("broker away")]
    publish = fake.publish

    async def flaky_publish(data, event_id=None):
        if failures:
            raise failures.pop(0)
        return await publish(data, event_id)

    routing.publisher.publish = flaky_publish
    async with routing.agents.route.test_context() as agent:
        await agent.put(**by_customer_message("k-1", "My kettle sparked and caught fire.", customer_key="phone:+7"))
    assert failures == []
    assert [(data.case_id, event_id) for data, event_id in fake.published] == [("k-1", ev.derived_id("routed", "rcv-k-1"))]
    assert fake.dead == []
