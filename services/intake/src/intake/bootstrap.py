"""Wires intake: the Kafka publisher, the idempotency store, the raw-topic consumer and the
HTTP app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import RAW
from complaints_shared.web import bearer_auth
from fastapi import FastAPI
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from . import handlers
from .adapters.attachments import AttachmentStore
from .adapters.attachments_memory import InMemoryAttachments
from .adapters.case_states import ArchiveCaseStates, InMemoryCaseStates
from .adapters.customer_cases import ArchiveResolvedCases, NoResolvedCases
from .adapters.idempotency import InMemoryIdempotencyStore, MongoIdempotencyStore
from .adapters.letter_jobs import InMemoryLetterJobs, LetterWorker, MongoLetterJobs
from .adapters.ocr import read_scan
from .adapters.publishing import BoundedPublisher
from .adapters.sms_parts import InMemorySmsParts, MongoSmsParts, PartsTimer
from .domain.case_states import CaseStates, RecentUpdates
from .domain.idempotency import IdempotencyStore
from .domain.letters import LetterJob, LetterJobs, OcrReading
from .domain.sms import ResolvedCases, SmsParts
from .entrypoints.channels import ChannelSettings, LetterIntake, build_channels_router
from .entrypoints.http import create_app
from .entrypoints.raw_topic import raw_record_handler
from .entrypoints.smtp import EmailHandler, Recipients, start_smtp
from .handlers import Publisher
from .settings import IntakeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Intake:
    settings: IntakeSettings
    publisher: Publisher | None = None
    idempotency: IdempotencyStore | None = None
    clock: Callable[[], datetime] = ev.utcnow
    raw_loop: kafka.ConsumerLoop | None = None
    mongo_client: AsyncMongoClient | None = None
    case_states: CaseStates | None = None
    # SMS, phone and letter channels
    resolved_cases: ResolvedCases | None = None
    attachments: AttachmentStore | InMemoryAttachments | None = None
    letter_jobs: LetterJobs | None = None
    letter_worker: LetterWorker | None = None
    # E-mail: the SMTP listener, and the case-state memory the e-mail routes share
    smtp_server: asyncio.Server | None = None
    recent: RecentUpdates | None = None
    # Multi-part SMS delivered part by part, and the timer publishing those that never complete
    sms_parts: SmsParts | None = None
    parts_timer: PartsTimer | None = None

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
        await self._start_channels(archive)
        if settings.smtp_enabled and settings.smtp_recipients:
            self.smtp_server = await start_smtp(
                EmailHandler(Recipients(settings.smtp_recipients), lambda raw: self.receive_email(raw, ())),
                host=settings.smtp_host, port=settings.smtp_port, hostname=settings.smtp_hostname, max_bytes=settings.max_email_bytes,
            )
        loop = None
        if settings.consume_raw_topic:
            group = settings.group_name(settings.raw_consumer_group)
            consumer = kafka.make_consumer(settings, settings.topic(RAW.key), group_id=group)
            await consumer.start()
            loop = kafka.ConsumerLoop(
                consumer,
                raw_record_handler(publisher=self.publisher, clock=self.clock, window=settings.received_at_window(),
                                   receive_email=self.receive_email),
                self.publisher,
                name=group,
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
            if self.letter_worker is not None:
                await self.letter_worker.stop()
            if self.parts_timer is not None:
                await self.parts_timer.stop()
            if self.smtp_server is not None:  # no more mail before the producer goes
                self.smtp_server.close()
                await self.smtp_server.wait_closed()
            await producer.stop()
            await archive.aclose()
            await self.mongo_client.close()

    async def _start_channels(self, archive: ArchiveCaseStates) -> None:
        """The letter store and OCR worker (a job a crashed process left is taken again once
        its lease ran out), and archive's answer to "this customer's latest resolved case"."""
        settings = self.settings
        assert self.mongo_client is not None and self.publisher is not None
        db = mongo.database(self.mongo_client, settings)
        self.resolved_cases = ArchiveResolvedCases(archive.http)
        self.attachments = AttachmentStore(db)
        jobs = MongoLetterJobs(db[settings.letter_jobs_collection])
        try:
            await jobs.ensure_indexes()
        except PyMongoError as exc:
            log.warning("letter job index not created", extra={"error": type(exc).__name__})
        self.letter_jobs = jobs
        if settings.letter_ocr_worker:
            self.letter_worker = self.make_letter_worker(self.publisher)
            self.letter_worker.start()
        sms_parts = MongoSmsParts(db[settings.sms_parts_collection], timeout_seconds=settings.store_timeout_seconds)
        try:
            await sms_parts.ensure_indexes()
        except PyMongoError as exc:
            log.warning("sms parts index not created", extra={"error": type(exc).__name__})
        self.sms_parts = sms_parts
        self.parts_timer = PartsTimer(self.publish_due_parts, every=min(5.0, max(0.05, settings.sms_parts_wait_seconds / 4)))
        self.parts_timer.start()

    async def publish_due_parts(self) -> int:
        """Records the multi-part SMS whose wait ran out, as far as they came."""
        settings = self.settings
        assert self.sms_parts is not None
        return await handlers.publish_due_parts(
            publisher=self.get_publisher(), store=self.get_idempotency_store(), sms_parts=self.sms_parts, clock=self.clock,
            window=settings.received_at_window(), default_region=settings.default_region,
            wait=timedelta(seconds=settings.sms_parts_wait_seconds), patience=settings.channel_patience_seconds,
        )

    def get_sms_parts(self) -> SmsParts | None:
        return self.sms_parts

    def make_letter_worker(self, publisher: Publisher) -> LetterWorker:
        settings = self.settings
        attachments, jobs = self.attachments, self.letter_jobs
        assert attachments is not None and jobs is not None

        async def read(job: LetterJob) -> OcrReading:
            data = await attachments.get(job.scan.reference)
            return await asyncio.to_thread(read_scan, data, job.scan.content_type, max_pages=settings.letter_max_pages)

        return LetterWorker(
            jobs, read=read, publisher=publisher, clock=lambda: self.clock(),
            review_below=settings.letter_review_below, poll_seconds=settings.letter_poll_seconds,
        )

    def get_resolved_cases(self) -> ResolvedCases:
        assert self.resolved_cases is not None, "archive client used before start-up"
        return self.resolved_cases

    def get_letters(self) -> LetterIntake:
        assert self.attachments is not None and self.letter_jobs is not None, "letter store used before start-up"
        worker = self.letter_worker
        return LetterIntake(self.attachments, self.letter_jobs, worker.wake if worker is not None else lambda: None)

    @property
    def smtp_port(self) -> int | None:
        """The SMTP listener's port (the one it got, when configured as 0)."""
        return self.smtp_server.sockets[0].getsockname()[1] if self.smtp_server is not None else None

    async def receive_email(
        self, raw: bytes, key_scope: tuple[str, ...], *, given: ev.RawComplaintSubmitted | None = None
    ) -> handlers.EmailOutcome:
        """One e-mail, from the webhook, the SMTP listener or the raw topic: the same handler and stores."""
        settings = self.settings
        if self.recent is None:
            self.recent = RecentUpdates(timedelta(seconds=settings.case_state_memory_seconds))
        return await handlers.receive_email(
            raw, publisher=self.get_publisher(), store=self.get_idempotency_store(), attachments=self.attachments,
            case_states=self.get_case_states(), recent=self.recent, clock=self.clock, window=settings.received_at_window(),
            patience=settings.email_patience_seconds, mail_domain=settings.mail_domain, key_scope=key_scope, given=given,
        )

    def get_email_receiver(self) -> handlers.ReceiveEmail:
        return self.receive_email

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

        auth = bearer_auth(settings.api_key_value, settings.api_keys_value)
        recent = self.recent = RecentUpdates(timedelta(seconds=settings.case_state_memory_seconds))
        app = create_app(
            auth=auth,
            publisher_dep=on_the_loop(self.get_publisher),
            store_dep=on_the_loop(self.get_idempotency_store),
            case_states_dep=on_the_loop(self.get_case_states),
            recent=recent,
            clock=lambda: self.clock(),
            readiness={"kafka": broker_ready, "mongodb": store_ready},
            liveness={
                "raw_topic_consumer": lambda: self.raw_loop is None or self.raw_loop.alive,
                "letter_ocr_worker": lambda: self.letter_worker is None or self.letter_worker.alive,
                "sms_parts_timer": lambda: self.parts_timer is None or self.parts_timer.alive,
            },
            max_body_bytes=settings.max_body_bytes,
            max_email_bytes=settings.max_email_bytes,
            max_letter_bytes=settings.max_scan_bytes + 64 * 1024,  # the scan and the mailroom's form fields
            window=settings.received_at_window(),
            lifespan=self.lifespan,
            receive_email_dep=on_the_loop(self.get_email_receiver),
        )
        app.include_router(
            build_channels_router(
                auth=auth, publisher_dep=on_the_loop(self.get_publisher), store_dep=on_the_loop(self.get_idempotency_store),
                case_states_dep=on_the_loop(self.get_case_states), resolved_cases_dep=on_the_loop(self.get_resolved_cases),
                letters_dep=self.get_letters,
                recent=recent, clock=lambda: self.clock(), window=settings.received_at_window(),
                settings=ChannelSettings(
                    default_region=settings.default_region, twilio_auth_token=settings.twilio_auth_token_value,
                    public_base_url=settings.public_base_url, max_scan_bytes=settings.max_scan_bytes,
                    letter_max_pages=settings.letter_max_pages, patience_seconds=settings.channel_patience_seconds,
                ),
                sms_parts_dep=self.get_sms_parts,
            )
        )
        return app


def on_the_loop(get: Callable[[], T]) -> Callable[[], Awaitable[T]]:
    """`get` as an async dependency. FastAPI runs a plain function dependency in a worker thread
    (a hand-off and back for each request, a large share of a request's CPU under load); these
    only read an attribute, so they run on the event loop."""

    async def dependency() -> T:
        return get()

    return dependency


def bootstrap(
    settings: IntakeSettings | None = None,
    *,
    publisher: Publisher | None = None,
    idempotency: IdempotencyStore | None = None,
    case_states: CaseStates | None = None,
    clock: Callable[[], datetime] | None = None,
    resolved_cases: ResolvedCases | None = None,
    letter_jobs: LetterJobs | None = None,
    attachments: InMemoryAttachments | None = None,
    sms_parts: SmsParts | None = None,
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
    intake.resolved_cases = resolved_cases or NoResolvedCases()
    intake.letter_jobs = letter_jobs or InMemoryLetterJobs()
    intake.attachments = attachments or InMemoryAttachments()
    intake.sms_parts = sms_parts if sms_parts is not None else InMemorySmsParts()
    app = intake.app()
    app.router.lifespan_context = _no_lifespan
    return app


@contextlib.asynccontextmanager
async def _no_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
