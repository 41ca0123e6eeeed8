"""Wires intake: the Kafka publisher, the idempotency store, the raw-topic consumer and the
HTTP app."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import RAW
from complaints_shared.web import bearer_auth
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from .adapters.case_states import ArchiveCaseStates, InMemoryCaseStates
from .adapters.idempotency import InMemoryIdempotencyStore, MongoIdempotencyStore
from .adapters.publishing import BoundedPublisher
from .domain.case_states import CaseStates, RecentUpdates
from .domain.idempotency import IdempotencyStore
from .entrypoints.http import create_app
from .entrypoints.raw_topic import raw_record_handler
from .handlers import Publisher
from .settings import IntakeSettings

log = logging.getLogger(__name__)


@dataclass
class Intake:
    settings: IntakeSettings
    publisher: Publisher | None = None
    idempotency: IdempotencyStore | None = None
    clock: Callable[[], datetime] = ev.utcnow
    raw_loop: kafka.ConsumerLoop | None = None
    mongo_client: AsyncMongoClient | None = None
    case_states: CaseStates | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        settings = self.settings
        if settings.create_topics:
            await kafka.ensure_topics(settings)
        self.mongo_client = mongo.make_client(settings)
        store = MongoIdempotencyStore(
            mongo.database(self.mongo_client, settings)[settings.idempotency_collection],
            stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
            timeout_seconds=settings.store_timeout_seconds,
        )
        try:
            await store.ensure_indexes(timedelta(days=settings.idempotency_retention_days))
        except PyMongoError as exc:
            # Not fatal: requests answer 503 while the store is away, and /readyz says so.
            log.warning("idempotency index not created", extra={"error": type(exc).__name__})
        self.idempotency = store
        archive = ArchiveCaseStates.connect(
            settings.archive_url, settings.archive_api_key_value(), timeout_seconds=settings.archive_timeout_seconds
        )
        self.case_states = archive
        # The producer's own waits (metadata, room in the batch buffer) end within the publish
        # bound; BoundedPublisher bounds the acknowledgement itself.
        producer = kafka.make_producer(settings, request_timeout_ms=int(settings.publish_timeout_seconds * 1000))
        await producer.start()
        self.publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/services/intake")
        loop = None
        if settings.consume_raw_topic:
            consumer = kafka.make_consumer(settings, settings.topic(RAW.key), group_id=settings.raw_consumer_group)
            await consumer.start()
            loop = kafka.ConsumerLoop(
                consumer,
                raw_record_handler(publisher=self.publisher, clock=self.clock, window=settings.received_at_window()),
                self.publisher,
                name=settings.raw_consumer_group,
            )
            self.raw_loop = loop
            loop.start()
        log.info("intake ready", extra={"port": settings.port})
        try:
            yield
        finally:
            # Graceful: let the raw loop finish and commit its batch, then flush the producer.
            if loop is not None:
                await loop.stop_and_wait()
                await consumer.stop()
            await producer.stop()
            await archive.aclose()
            await self.mongo_client.close()

    def get_publisher(self) -> Publisher:
        """The publisher for HTTP requests: bounded, so a client gets its answer in time."""
        assert self.publisher is not None, "publisher used before start-up"
        return BoundedPublisher(self.publisher, self.settings.publish_timeout_seconds)

    def get_idempotency_store(self) -> IdempotencyStore:
        assert self.idempotency is not None, "idempotency store used before start-up"
        return self.idempotency

    def get_case_states(self) -> CaseStates:
        assert self.case_states is not None, "case states used before start-up"
        return self.case_states

    def app(self) -> FastAPI:
        settings = self.settings

        async def broker_ready() -> bool:
            return await kafka.broker_reachable(settings)

        async def store_ready() -> bool:
            if self.mongo_client is None:  # an in-memory store (unit tests) is always there
                return self.idempotency is not None
            return await mongo.database_reachable(self.mongo_client)

        return create_app(
            auth=bearer_auth(settings.api_key_value, settings.api_keys_value),
            publisher_dep=self.get_publisher,
            store_dep=self.get_idempotency_store,
            case_states_dep=self.get_case_states,
            recent=RecentUpdates(timedelta(seconds=settings.case_state_memory_seconds)),
            clock=lambda: self.clock(),
            readiness={"kafka": broker_ready, "mongodb": store_ready},
            liveness={"raw_topic_consumer": lambda: self.raw_loop is None or self.raw_loop.alive},
            max_body_bytes=settings.max_body_bytes,
            max_email_bytes=settings.max_email_bytes,
            window=settings.received_at_window(),
            lifespan=self.lifespan,
        )


def bootstrap(
    settings: IntakeSettings | None = None,
    *,
    publisher: Publisher | None = None,
    idempotency: IdempotencyStore | None = None,
    case_states: CaseStates | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The real app; or, with a fake `publisher` (and an in-memory idempotency store and case
    states, that know no case, unless given), an app for unit tests that needs no broker, no
    database and no archive."""
    intake = Intake(settings or IntakeSettings())
    if clock is not None:
        intake.clock = clock
    if publisher is None:
        return intake.app()
    intake.publisher = publisher
    intake.idempotency = idempotency or InMemoryIdempotencyStore()
    intake.case_states = case_states if case_states is not None else InMemoryCaseStates()
    app = intake.app()
    app.router.lifespan_context = _no_lifespan
    return app


@contextlib.asynccontextmanager
async def _no_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
