"""Every topic except the raw inbound one (intake owns it) into MongoDB."""

from __future__ import annotations

from aiokafka import ConsumerRecord
from prometheus_client import Counter

from complaints_shared.topics import ALL_TOPICS, RAW, TopicSpec

from .. import handlers

ARCHIVED = Counter("archive_events_total", "Events stored by the archive", ["topic", "outcome"])
ARCHIVED_TOPICS: tuple[TopicSpec, ...] = tuple(t for t in ALL_TOPICS if t is not RAW)


def record_handler(*, store, prefix: str):
    expected = {spec.name(prefix): spec.carries for spec in ARCHIVED_TOPICS}

    async def handle(record: ConsumerRecord) -> None:
        fresh = await handlers.archive_record(record.value or b"", store=store, expect=expected.get(record.topic))
        ARCHIVED.labels(record.topic, "stored" if fresh else "duplicate").inc()

    return handle
