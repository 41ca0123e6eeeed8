"""Topic creation, acknowledged publishing, commit-after-effect and dead-lettering on a real broker."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from complaints_shared.topics import ALL_TOPICS, CUSTOMERS, DEAD_LETTER, RAW

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(backend_env) -> ServiceSettings:
    return ServiceSettings(**{k: v for k, v in backend_env.items() if k != "MONGODB_DATABASE"}, service_name="test")


async def test_topics_are_created_with_their_configuration_once(settings):
    created = await kafka.ensure_topics(settings)
    assert sorted(created) == sorted(t.name(settings.topic_prefix) for t in ALL_TOPICS)
    assert await kafka.ensure_topics(settings) == []  # idempotent
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, CUSTOMERS.name(settings.topic_prefix))])
        configs = {entry[0]: entry[1] for entry in response.resources[0][4]}
        assert configs["cleanup.policy"] == "compact"
        described = await admin.describe_topics([RAW.name(settings.topic_prefix)])
        assert len(described[0]["partitions"]) == RAW.partitions
    finally:
        await admin.close()


async def test_consumer_loop_commits_after_handling_and_dead_letters_bad_records(settings):
    await kafka.ensure_topics(settings)
    producer = kafka.make_producer(settings)
    await producer.start()
    publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/test")
    raw_topic = RAW.name(settings.topic_prefix)
    good = ev.RawComplaintSubmitted(channel=ev.Channel.SMS, text="late parcel")
    await producer.send_and_wait(raw_topic, ev.encode(ev.envelope(good, source="/t")), key=b"k", partition=0)
    bad = await producer.send_and_wait(raw_topic, b"\xff not json", key=b"k", partition=0)
    await producer.send_and_wait(raw_topic, ev.encode(ev.envelope(good, source="/t")), key=b"k", partition=0)

    handled: list[bytes] = []

    async def handle(record):
        ev.decode(record.value)
        handled.append(record.value)

    async def run_once() -> kafka.ConsumerLoop:
        consumer = kafka.make_consumer(settings, raw_topic, group_id=f"{settings.topic_prefix}loop")
        await consumer.start()
        loop = kafka.ConsumerLoop(consumer, handle, publisher, name="test-loop")
        task = asyncio.create_task(loop.run())
        for _ in range(100):
            await asyncio.sleep(0.1)
            if loop.processed + loop.dead_lettered >= 3:
                break
        loop.stop()
        await task
        await consumer.stop()
        return loop

    first = await run_once()
    assert (first.processed, first.dead_lettered) == (2, 1)
    second = await run_once()  # everything was committed: nothing comes again
    assert (second.processed, second.dead_lettered) == (0, 0)

    dead_consumer = kafka.make_consumer(settings, DEAD_LETTER.name(settings.topic_prefix), group_id=None)
    await dead_consumer.start()
    try:
        batches = await dead_consumer.getmany(timeout_ms=5000)
        [record] = [r for records in batches.values() for r in records]
    finally:
        await dead_consumer.stop()
        await producer.stop()
    letter = ev.decode(record.value).data
    assert isinstance(letter, ev.EventDeadLettered)
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (raw_topic, 0, bad.offset)
    assert letter.original_value_encoding == "base64"
    assert "not JSON" in letter.reason
