"""Every topic into MongoDB: events into the case projection and the event log; raw inbound
records verbatim (adapters may publish bare JSON there, which intake normalises)."""

from __future__ import annotations

from aiokafka import ConsumerRecord
from complaints_shared.topics import ALL_TOPICS, RAW, TopicSpec
from prometheus_client import Counter

from .. import handlers

ARCHIVED = Counter("archive_events_total", "Events stored by the archive", ["topic", "outcome"])
ARCHIVED_TOPICS: tuple[TopicSpec, ...] = ALL_TOPICS


def record_handler(*, store, prefix: str):
    expected = {spec.name(prefix): spec.carries for spec in ARCHIVED_TOPICS}
    raw_topic = RAW.name(prefix)

    async def handle(record: ConsumerRecord) -> None:
        if record.topic == raw_topic:
            fresh = await store.store_raw(
                topic=record.topic, partition=record.partition, offset=record.offset, key=record.key,
                value=record.value or b"", timestamp_ms=record.timestamp,
            )
            ARCHIVED.labels(record.topic, "stored" if fresh else "duplicate").inc()
            return
        fresh = await handlers.archive_record(record.value or b"", store=store, expect=expected.get(record.topic))
        ARCHIVED.labels(record.topic, "stored" if fresh else "duplicate").inc()

    return handle
