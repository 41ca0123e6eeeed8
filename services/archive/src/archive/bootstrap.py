"""Wires archive: MongoDB repository, the all-topics consumer and the read API."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from complaints_shared import kafka, mongo
from complaints_shared.web import bearer_auth
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from .adapters.erasure_log import KafkaErasureLog
from .adapters.repository import CaseRepository
from .entrypoints.consumer import ARCHIVED_TOPICS, BatchConsumerLoop
from .entrypoints.http import create_app
from .settings import ArchiveSettings

log = logging.getLogger(__name__)


@dataclass
class Archive:
    settings: ArchiveSettings
    repository: CaseRepository | None = None
    client: AsyncMongoClient | None = None
    loop: BatchConsumerLoop | None = None
    erasure_log: KafkaErasureLog | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        settings = self.settings
        if settings.create_topics:
            await kafka.ensure_topics(settings)
        self.client = mongo.make_client(settings)
        self.repository = CaseRepository(mongo.database(self.client, settings), read_timeout=settings.read_timeout_seconds,
                                         attachments_bucket=settings.attachments_bucket,
                                         letter_jobs_collection=settings.letter_jobs_collection,
                                         rollup_recovery_after=settings.rollup_recovery_after_seconds)
        await self.repository.ensure_indexes()
        # Roll-up deltas a writer that died left pending (old enough to be sure it stopped).
        await self.repository.recover_stale_rollups()
        producer = kafka.make_producer(settings)
        await producer.start()
        publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/services/archive")
        self.erasure_log = KafkaErasureLog(publisher)
        topics = [spec.name(settings.topic_prefix) for spec in ARCHIVED_TOPICS]
        group = settings.group_name(settings.consumer_group)
        consumer = kafka.make_consumer(settings, *topics, group_id=group)
        await consumer.start()
        loop = BatchConsumerLoop(
            consumer, self.repository, publisher, name=group, prefix=settings.topic_prefix,
            max_batch=settings.max_batch, recover_every=settings.rollup_recovery_after_seconds / 2,
        )
        self.loop = loop
        loop.start()
        log.info("archive ready", extra={"port": settings.port, "topics": len(topics)})
        try:
            yield
        finally:
            await loop.stop_and_wait()  # finish and commit the batch in hand
            await consumer.stop()
            await producer.stop()
            await self.client.close()

    def get_repository(self) -> CaseRepository:
        assert self.repository is not None, "repository used before start-up"
        return self.repository

    def get_erasure_log(self) -> KafkaErasureLog:
        assert self.erasure_log is not None, "erasure log used before start-up"
        return self.erasure_log

    def app(self) -> FastAPI:
        settings = self.settings

        async def broker_ready() -> bool:
            return await kafka.broker_reachable(settings)

        async def database_ready() -> bool:
            return self.client is not None and await mongo.database_reachable(self.client)

        return create_app(
            auth=bearer_auth(settings.api_key_value, settings.api_keys_value),
            repository_dep=self.get_repository,
            erasure_log_dep=self.get_erasure_log,
            readiness={"kafka": broker_ready, "mongodb": database_ready},
            liveness={"consumer": lambda: self.loop is None or self.loop.alive},
            max_page_size=settings.max_page_size,
            max_skip=settings.max_skip,
            lifespan=self.lifespan,
        )


def bootstrap(settings: ArchiveSettings | None = None) -> FastAPI:
    return Archive(settings or ArchiveSettings()).app()
