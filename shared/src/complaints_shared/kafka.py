"""Kafka plumbing: topic creation, the acknowledged publisher, the dead-letter helper and the
consume-then-commit loop used by the plain-aiokafka consumers (intake's raw topic, archive).

Guarantees, in order of importance:
- a publish returns only after the broker acknowledged the write on all in-sync replicas
  (acks=all, idempotent producer);
- a consumer commits an offset only after its handler stored the effect;
- a record that cannot be handled goes to the dead-letter topic with the reason and its
  source topic/partition/offset, and is then committed; a transient failure (broker or
  database away) is retried with back-off and never committed early.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaConnectionError, KafkaError
from prometheus_client import Counter
from pymongo.errors import ConnectionFailure, PyMongoError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from . import events as ev
from .settings import ServiceSettings
from .topics import ALL_TOPICS, DEAD_LETTER, TopicSpec, topic_of

log = logging.getLogger(__name__)
DEAD_LETTERED = Counter("dead_lettered_total", "Records sent to the dead-letter topic", ["consumer"])

TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(
    settings: ServiceSettings, specs: Iterable[TopicSpec] = ALL_TOPICS, *, attempts: int = 30
) -> list[str]:
    """Create the platform's topics that don't exist yet; return the names created."""
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.2, max=2),
        retry=retry_if_exception(lambda e: isinstance(e, KafkaError | OSError)),
        reraise=True,
    ):
        with attempt:
            admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
            await admin.start()
            try:
                existing = set(await admin.list_topics())
                wanted = [
                    NewTopic(
                        name=spec.name(settings.topic_prefix),
                        num_partitions=spec.partitions,
                        replication_factor=settings.topic_replication_factor,
                        topic_configs=spec.broker_config(),
                    )
                    for spec in specs
                    if spec.name(settings.topic_prefix) not in existing
                ]
                if not wanted:
                    return []
                response = await admin.create_topics(wanted)
                for topic, code, *rest in response.topic_errors:
                    if code not in (0, TOPIC_ALREADY_EXISTS):
                        raise KafkaError(f"creating topic {topic} failed: error {code} {rest}")
                created = [t.name for t in wanted]
                log.info("created topics", extra={"topics": created})
                return created
            finally:
                await admin.close()
    return []  # unreachable: AsyncRetrying re-raises


def make_producer(settings: ServiceSettings, **overrides) -> AIOKafkaProducer:
    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=15_000,
        client_id=settings.service_name,
    )
    return AIOKafkaProducer(**(options | overrides))


class EventPublisher:
    """Publishes events to the topic that carries their type, keyed by subject (case id)."""

    def __init__(self, producer: AIOKafkaProducer, *, topic_prefix: str = "", source: str) -> None:
        self.producer = producer
        self.prefix = topic_prefix
        self.source = source

    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event:
        event = ev.envelope(data, source=self.source, event_id=event_id)
        await self.publish_event(event)
        return event

    async def publish_event(self, event: ev.Event) -> None:
        topic = topic_of(type(event.data)).name(self.prefix)
        key = event.subject.encode() if event.subject else None
        # send_and_wait returns once the broker acknowledged (acks=all).
        await self.producer.send_and_wait(topic, ev.encode(event), key=key)


def dead_letter_event(record: ConsumerRecord, *, reason: str, consumer: str) -> ev.EventDeadLettered:
    value = record.value or b""
    try:
        text, encoding = value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(value).decode(), "base64"
    return ev.EventDeadLettered(
        reason=reason[:4000],
        consumer=consumer,
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        original_key=record.key.decode("utf-8", "replace") if record.key else None,
        original_value=text,
        original_value_encoding=encoding,
        failed_at=ev.utcnow(),
    )


def dead_letter_envelope(record, *, reason: str, consumer: str, source: str) -> ev.Event:
    """The dead-letter event for a record (aiokafka's or Faust's message: same attributes).

    Its id is derived from the record's place, so dead-lettering it twice (after a crash)
    yields one event id. Counted and logged here, whichever client sends it.
    """
    data = dead_letter_event(record, reason=reason, consumer=consumer)
    event_id = ev.derived_id("dead-letter", consumer, record.topic, str(record.partition), str(record.offset))
    DEAD_LETTERED.labels(consumer).inc()
    log.warning(
        "record dead-lettered",
        extra={"topic": record.topic, "partition": record.partition, "offset": record.offset, "reason": reason[:300]},
    )
    return ev.envelope(data, source=source, event_id=event_id)


async def send_to_dead_letter(
    publisher: EventPublisher, record: ConsumerRecord, *, reason: str, consumer: str
) -> None:
    event = dead_letter_envelope(record, reason=reason, consumer=consumer, source=publisher.source)
    await publisher.producer.send_and_wait(DEAD_LETTER.name(publisher.prefix), ev.encode(event), key=record.key)


def is_transient(exc: BaseException) -> bool:
    """Failures worth waiting out: the broker or the database is away, not the record bad."""
    if isinstance(exc, ConnectionFailure | KafkaConnectionError | asyncio.TimeoutError | OSError):
        return True
    if isinstance(exc, PyMongoError):
        return bool(getattr(exc, "has_error_label", lambda _l: False)("RetryableWriteError"))
    return isinstance(exc, KafkaError) and getattr(exc, "retriable", False)


RecordHandler = Callable[[ConsumerRecord], Awaitable[None]]


class ManagedLoop:
    """What every consume-then-commit loop shares: run as a task (`start`, `alive` for the
    health check, `stop` after the work in hand), commits that survive losing the partitions
    in a rebalance, and retries that wait out an outage but not a shutdown."""

    consumer: AIOKafkaConsumer
    name: str
    retry_wait_max: float
    _stopping: bool
    _task: asyncio.Task | None

    async def run(self) -> None:
        raise NotImplementedError

    def start(self) -> asyncio.Task:
        self._task = asyncio.create_task(self.run(), name=self.name)
        self._task.add_done_callback(self._report_end)
        return self._task

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    def _report_end(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None and not self._stopping:
            log.error("consumer loop stopped", extra={"consumer": self.name, "error": repr(task.exception())})

    def stop(self) -> None:
        """Finish the work in hand, commit what was handled, then return from run()."""
        self._stopping = True

    async def stop_and_wait(self, timeout: float = 15.0) -> None:
        self.stop()
        if self._task is not None:
            await asyncio.wait([self._task], timeout=timeout)

    async def _commit_offsets(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The partitions went to another member in a rebalance: it re-reads from the last
            # committed offsets, and handling is idempotent on the event id.
            log.warning("commit skipped after a rebalance", extra={"consumer": self.name, "error": type(exc).__name__})

    def _retrying(self, what: str) -> AsyncRetrying:
        return AsyncRetrying(
            wait=wait_exponential(multiplier=0.2, max=self.retry_wait_max),
            retry=retry_if_exception(is_transient),
            # Waiting out an outage, but not past a shutdown: the work stays uncommitted.
            stop=lambda _state: self._stopping,
            reraise=True,
            before_sleep=lambda state: log.warning(
                "transient failure, retrying",
                extra={"consumer": self.name, "retrying": what, "error": type(state.outcome.exception()).__name__ if state.outcome else "unknown"},
            ),
        )


@dataclass
class ConsumerLoop(ManagedLoop):
    """Consume → handle → (dead-letter if hopeless) → commit, one batch at a time.

    `start()` runs it as a task; `alive` tells the health check whether it still runs (a loop
    that died makes the service unhealthy, so the orchestrator restarts it).
    """

    consumer: AIOKafkaConsumer
    handle: RecordHandler
    publisher: EventPublisher
    name: str
    max_batch: int = 500
    retry_wait_max: float = 10.0
    processed: int = 0
    dead_lettered: int = 0
    _stopping: bool = False
    _task: asyncio.Task | None = None

    async def run(self) -> None:
        while not self._stopping:
            batches = await self.consumer.getmany(timeout_ms=500, max_records=self.max_batch)
            for tp, records in batches.items():
                handled = None
                for record in records:
                    if self._stopping:
                        break
                    await self._handle_one(record)
                    handled = record
                if handled is not None:
                    await self._commit_offsets({tp: handled.offset + 1})

    async def _handle_one(self, record: ConsumerRecord) -> None:
        async for attempt in self._retrying("the record"):
            with attempt:
                try:
                    await self.handle(record)
                    self.processed += 1
                except Exception as exc:  # noqa: BLE001 - classified right below
                    if is_transient(exc):
                        raise
                    reason = ev.describe_failure(exc)  # fields and messages only: no input values
                    await send_to_dead_letter(self.publisher, record, reason=reason, consumer=self.name)
                    self.dead_lettered += 1


def make_consumer(settings: ServiceSettings, *topics: str, group_id: str | None, **overrides) -> AIOKafkaConsumer:
    options = dict(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        client_id=settings.service_name,
    )
    return AIOKafkaConsumer(*topics, **(options | overrides))


async def broker_reachable(settings: ServiceSettings, timeout: float = 3.0) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
        await asyncio.wait_for(admin.list_topics(), timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
    finally:
        await admin.close()


__all__ = [
    "ConsumerLoop",
    "EventPublisher",
    "TopicPartition",
    "broker_reachable",
    "dead_letter_event",
    "ensure_topics",
    "make_consumer",
    "make_producer",
    "send_to_dead_letter",
]
