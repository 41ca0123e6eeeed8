"""Every record a topic holds right now: read from the beginning to the end offsets taken at
the start (no group, no waiting for "no more records"), so a count is exact, not a guess."""

from __future__ import annotations

import json
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def create_topic(bootstrap_servers: str, topic: str, partitions: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()


async def records_on(bootstrap_servers: str, topic: str) -> list[dict[str, Any]]:
    return [json.loads(record.value) for record in await raw_records_on(bootstrap_servers, topic)]


async def raw_records_on(bootstrap_servers: str, topic: str) -> list[ConsumerRecord]:
    """The records themselves (partition, offset, value), partition by partition."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[ConsumerRecord] = []
        for partition in partitions:
            while await consumer.position(partition) < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=1000)
                found += [record for records in batch.values() for record in records]
        return found
    finally:
        await consumer.stop()


async def group_committed_all(admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, group_id: str, topic: str) -> bool:
    """Whether `group_id` committed every record `topic` holds now. A Faust worker flushes what
    handling a record produced (its table writes, its events) before it commits the record, so
    a committed record's effects are on the broker: a crash after this does not redo them."""
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    assert partitions, f"{topic}: no partitions known"  # else "every record committed" would hold of nothing
    ends = await consumer.end_offsets(partitions)
    committed = await admin.list_consumer_group_offsets(group_id, partitions=partitions)
    # An empty partition has nothing to commit (its committed offset reads -1).
    return all(end == 0 or (tp in committed and committed[tp].offset >= end) for tp, end in ends.items())


async def group_positions(bootstrap_servers: str, group_id: str, topics: list[str]) -> str:
    """Each topic's end offsets beside the group's committed offsets, a line per topic: where a
    stuck consumer stopped (for a failing test's message)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(group_id)
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        lines = []
        for topic in topics:
            tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            ends = await consumer.end_offsets(tps) if tps else {}
            lines.append(f"{topic}: end {[ends[tp] for tp in tps]}, {group_id} committed "
                         f"{[committed[tp].offset if tp in committed else None for tp in tps]}")
        return "\n".join(lines)
    finally:
        await consumer.stop()
        await admin.close()
