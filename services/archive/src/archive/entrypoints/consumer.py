"""Every topic into MongoDB, a batch at a time: read up to `max_batch` records (`getmany`), store
them with a few bulk writes (the event log, each touched case refolded once, the roll-ups), then
commit the offsets. Raw inbound records are kept verbatim (adapters may publish bare JSON there,
which intake normalises); a record that is not an event of its topic is dead-lettered.

Guarantees, as the shared ConsumerLoop's: offsets are committed only after the batch's effect is
stored; a transient failure (broker or store away, cases changing under a concurrent writer) is
retried with back-off and never committed early; storing is idempotent on event ids, so a batch
read again after a crash or a rebalance changes nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.logging import case_context
from complaints_shared.topics import ALL_TOPICS, RAW, TopicSpec
from prometheus_client import Counter

from .. import handlers
from ..adapters.repository import CaseRepository, CaseWriteConflict, RawRecord

log = logging.getLogger(__name__)
ARCHIVED = Counter("archive_events_total", "Records handled by the archive", ["topic", "outcome"])
ARCHIVED_TOPICS: tuple[TopicSpec, ...] = ALL_TOPICS


def is_transient(exc: BaseException) -> bool:
    return kafka.is_transient(exc) or isinstance(exc, CaseWriteConflict)


@dataclass
class Decoded:
    """A batch's records sorted out: events, raw records, and the ones to dead-letter."""

    events: list[tuple[ConsumerRecord, ev.Event]] = field(default_factory=list)
    raws: list[tuple[ConsumerRecord, RawRecord]] = field(default_factory=list)
    undecodable: list[tuple[ConsumerRecord, str]] = field(default_factory=list)


def decode_batch(records: list[ConsumerRecord], *, prefix: str) -> Decoded:
    expected = {spec.name(prefix): spec.carries for spec in ARCHIVED_TOPICS}
    raw_topic = RAW.name(prefix)
    decoded = Decoded()
    for record in records:
        if record.topic == raw_topic:
            raw = RawRecord(record.topic, record.partition, record.offset, record.key, record.value or b"", record.timestamp)
            decoded.raws.append((record, raw))
            continue
        try:
            decoded.events.append((record, ev.decode(record.value or b"", expect=expected.get(record.topic))))
        except ev.EventDecodeError as exc:
            decoded.undecodable.append((record, ev.describe_failure(exc)))
    return decoded


@dataclass
class BatchConsumerLoop(kafka.ManagedLoop):
    """Archive's consume → store the batch → commit loop (same start/stop/alive as ConsumerLoop)."""

    consumer: AIOKafkaConsumer
    store: CaseRepository
    publisher: kafka.EventPublisher
    name: str
    prefix: str = ""
    max_batch: int = 20_000
    retry_wait_max: float = 10.0
    recover_every: float = 30.0  # seconds between sweeps for roll-ups a dead writer left pending
    processed: int = 0
    dead_lettered: int = 0
    _stopping: bool = False
    _task: asyncio.Task | None = None

    async def run(self) -> None:
        recovered_at = time.monotonic()
        while not self._stopping:
            if time.monotonic() - recovered_at >= self.recover_every:
                await self._recover_stale_rollups()
                recovered_at = time.monotonic()
            batches = await self.consumer.getmany(timeout_ms=500, max_records=self.max_batch)
            records = [record for partition_records in batches.values() for record in partition_records]
            if not records:
                continue
            await self._store_retrying(records)
            await self._commit_offsets({tp: partition_records[-1].offset + 1 for tp, partition_records in batches.items() if partition_records})

    async def _recover_stale_rollups(self) -> None:
        try:
            await self.store.recover_stale_rollups()
        except Exception as exc:  # noqa: BLE001 - the batches wait for the next sweep; consuming goes on
            log.warning("roll-up recovery postponed", extra={"consumer": self.name, "error": type(exc).__name__},
                        exc_info=not is_transient(exc))

    async def _store_retrying(self, records: list[ConsumerRecord]) -> None:
        async for attempt in self._retrying("the batch"):
            with attempt:
                await self._handle(records)

    async def _handle(self, records: list[ConsumerRecord]) -> None:
        decoded = decode_batch(records, prefix=self.prefix)
        for record, reason in decoded.undecodable:
            await self._dead_letter(record, reason)
        events = [event for _, event in decoded.events]
        raws = [raw for _, raw in decoded.raws]
        try:
            fresh = await handlers.archive_batch(events, raws, store=self.store)
        except Exception as exc:  # noqa: BLE001 - classified right below
            if is_transient(exc):
                raise
            # Something in the batch cannot be stored (not the store being away): find it alone.
            log.warning("batch refused, storing its records one by one", extra={"consumer": self.name, "error": type(exc).__name__})
            fresh = await self._one_by_one(decoded)
        self.processed += len(records)
        for record, _ in (*decoded.events, *decoded.raws):
            ARCHIVED.labels(record.topic, "stored").inc()
        ARCHIVED.labels("*", "duplicate").inc(len(events) - fresh)

    async def _one_by_one(self, decoded: Decoded) -> int:
        fresh = 0
        for record, event in decoded.events:
            try:
                with case_context(event.subject):
                    fresh += await handlers.archive_batch([event], [], store=self.store)
            except Exception as exc:  # noqa: BLE001
                if is_transient(exc):
                    raise
                await self._dead_letter(record, ev.describe_failure(exc))
        for record, raw in decoded.raws:
            try:
                await handlers.archive_batch([], [raw], store=self.store)
            except Exception as exc:  # noqa: BLE001
                if is_transient(exc):
                    raise
                await self._dead_letter(record, ev.describe_failure(exc))
        return fresh

    async def _dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        await kafka.send_to_dead_letter(self.publisher, record, reason=reason, consumer=self.name)
        ARCHIVED.labels(record.topic, "dead_lettered").inc()
        self.dead_lettered += 1
