"""Routing on a real broker: received → routed, with a key account recognised from the
customer-profile topic and a duplicate detected across e-mail and SMS."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from complaints_shared.topics import ROUTING_APP_ID
from processes import start_service, wait_ready

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


async def _publish(settings: ServiceSettings, *items: tuple[ev.Contract, str]) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/test")
        for data, event_id in items:
            await publisher.publish(data, event_id=event_id)
    finally:
        await producer.stop()


async def _routed(settings: ServiceSettings, count: int, timeout: float = 45) -> dict[str, ev.ComplaintRouted]:
    consumer = AIOKafkaConsumer(settings.topic("routed"), bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    found: dict[str, ev.ComplaintRouted] = {}
    try:
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    routed = ev.decode(record.value).data
                    found[routed.case_id] = routed
    finally:
        await consumer.stop()
    return found


async def _records(settings: ServiceSettings, topic: str, count: int, timeout: float = 45) -> int:
    """How many records `topic` holds, read until there are `count` or `timeout` passes."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    seen = 0
    try:
        deadline = time.monotonic() + timeout
        while seen < count and time.monotonic() < deadline:
            seen += sum(len(records) for records in (await consumer.getmany(timeout_ms=500)).values())
    finally:
        await consumer.stop()
    return seen


@pytest.fixture
def routing_service(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    asyncio.run(kafka.ensure_topics(settings))
    service = start_service("routing", env=backend_env | {"COMPLAINTS_API_KEY": "k"}, workdir=tmp_path)
    try:
        wait_ready(service)
        yield settings, service
    finally:
        assert service.stop() in (0, -15), service.log_tail()


def test_key_account_and_cross_channel_duplicate(routing_service):
    settings, service = routing_service
    profile = ev.CustomerProfileUpdated(
        customer_id="CRM-7", tier=ev.CustomerTier.KEY_ACCOUNT, phones=("+86 182 0000 5017",), emails=("Wang.Li@Example.com",), updated_at=NOW
    )
    text = "我上周买的空气净化器开机后一直异响，滤网盖也装不上，订单号AP20261118，请尽快处理。"
    by_email = ev.ComplaintReceived(case_id="case-email", channel=ev.Channel.EMAIL, subject="空气净化器异响", text=text,
                                    customer=ev.CustomerContact(email="wang.li@example.com"), received_at=NOW)
    by_sms = ev.ComplaintReceived(case_id="case-sms", channel=ev.Channel.SMS, text=text,
                                  customer=ev.CustomerContact(phone="18200005017"), received_at=NOW)
    stranger = ev.ComplaintReceived(case_id="case-other", channel=ev.Channel.SMS, text="快递三天了还没到，单号SF123456789。",
                                    customer=ev.CustomerContact(phone="13900000001"), received_at=NOW)

    async def scenario():
        await _publish(settings, (profile, "profile-1"))
        # The directory is a GlobalTable fed by the profile topic: the profile is in it once
        # its changelog holds it.
        directory = f"{settings.topic_prefix}{ROUTING_APP_ID}-customer-directory-changelog"
        assert await _records(settings, directory, 1), f"the profile never reached routing's directory:\n{service.log_tail()}"
        await _publish(settings, (by_email, "rcv-email"))
        # The SMS arrives after the e-mail was routed, as in life.
        assert "case-email" in await _routed(settings, 1), service.log_tail()
        await _publish(settings, (by_sms, "rcv-sms"), (stranger, "rcv-other"))
        return await _routed(settings, 3)

    routed = asyncio.run(scenario())
    assert set(routed) == {"case-email", "case-sms", "case-other"}, service.log_tail()
    first, second, other = routed["case-email"], routed["case-sms"], routed["case-other"]
    assert first.validity == ev.Validity.VALID
    assert (first.customer_id, first.customer_tier) == ("CRM-7", ev.CustomerTier.KEY_ACCOUNT)
    assert first.priority in (ev.Priority.P1, ev.Priority.P2)  # key account: at least P2
    assert first.department == "quality" and first.deadlines is not None
    assert second.validity == ev.Validity.DUPLICATE and second.related_case_id == "case-email"
    assert second.customer_id == "CRM-7"
    assert other.validity == ev.Validity.VALID and other.customer_tier == ev.CustomerTier.STANDARD
    assert other.department == "logistics"


def test_weak_evidence_reaches_the_triage_queue_with_its_deadline(routing_service):
    """A complaint that matches nothing goes to the `triage` department, uncertain, with the
    triage queue's acknowledge deadline (2 working hours), not to customer service."""
    from routing.domain.deadlines import DeadlinePolicy

    settings, service = routing_service
    vague = ev.ComplaintReceived(case_id="case-vague", channel=ev.Channel.EMAIL, text="Hello, about the thing from last time, please get back to me.",
                                 customer=ev.CustomerContact(email="someone@example.com"), received_at=NOW)

    async def scenario():
        await _publish(settings, (vague, "rcv-vague"))
        return await _routed(settings, 1)

    routed = asyncio.run(scenario())
    assert "case-vague" in routed, service.log_tail()
    decision = routed["case-vague"]
    assert (decision.department, decision.uncertain) == ("triage", True)
    assert any(item.step == "triage" and "best guess" in item.detail for item in decision.explanation)
    policy = DeadlinePolicy.from_config()
    expected = policy.deadlines_for(priority=decision.priority.value, category=decision.category, received_at=NOW, triage=True)
    untriaged = policy.deadlines_for(priority=decision.priority.value, category=decision.category, received_at=NOW)
    assert decision.deadlines == expected and expected.acknowledge_by < untriaged.acknowledge_by
