"""Wires intake: the Kafka publisher, the raw-topic consumer and the HTTP app."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.topics import RAW
from complaints_shared.web import bearer_auth
from fastapi import FastAPI

from .adapters.publishing import BoundedPublisher
from .entrypoints.http import create_app
from .entrypoints.raw_topic import raw_record_handler
from .handlers import Publisher
from .settings import IntakeSettings

log = logging.getLogger(__name__)


@dataclass
class Intake:
    settings: IntakeSettings
    publisher: Publisher | None = None
    clock: object = ev.utcnow
    raw_loop: kafka.ConsumerLoop | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        settings = self.settings
        if settings.create_topics:
            await kafka.ensure_topics(settings)
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

    def get_publisher(self) -> Publisher:
        """The publisher for HTTP requests: bounded, so a client gets its answer in time."""
        assert self.publisher is not None, "publisher used before start-up"
        return BoundedPublisher(self.publisher, self.settings.publish_timeout_seconds)

    def app(self) -> FastAPI:
        settings = self.settings

        async def broker_ready() -> bool:
            return await kafka.broker_reachable(settings)

        return create_app(
            auth=bearer_auth(settings.api_key_value),
            publisher_dep=self.get_publisher,
            clock=lambda: self.clock(),
            readiness={"kafka": broker_ready},
            liveness={"raw_topic_consumer": lambda: self.raw_loop is None or self.raw_loop.alive},
            max_body_bytes=settings.max_body_bytes,
            max_email_bytes=settings.max_email_bytes,
            window=settings.received_at_window(),
            lifespan=self.lifespan,
        )


def bootstrap(settings: IntakeSettings | None = None, *, publisher: Publisher | None = None) -> FastAPI:
    """The real app; or, with a fake `publisher`, an app for unit tests that needs no broker."""
    intake = Intake(settings or IntakeSettings())
    if publisher is None:
        return intake.app()
    intake.publisher = publisher
    app = intake.app()
    app.router.lifespan_context = _no_lifespan
    return app


@contextlib.asynccontextmanager
async def _no_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
