"""The erasures topic: where each erasure is kept, forever, so a rebuild from the log applies it again."""

from __future__ import annotations

from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.topics import ERASURES


class KafkaErasureLog:
    """Appends `CustomerErased` events to the compacted erasures topic. The record key and the
    event id are the erasure id (unique: compaction keeps every erasure), never the customer."""

    def __init__(self, publisher: kafka.EventPublisher) -> None:
        self.publisher = publisher

    async def append(self, erased: ev.CustomerErased) -> None:
        event = ev.envelope(erased, source=self.publisher.source, event_id=erased.erasure_id, time=erased.erased_at)
        # send_and_wait returns once the broker acknowledged it (acks=all): the erasure is kept.
        await self.publisher.producer.send_and_wait(
            ERASURES.name(self.publisher.prefix), ev.encode(event), key=erased.erasure_id.encode())
