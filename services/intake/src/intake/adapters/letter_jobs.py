"""Letters waiting for OCR, kept in MongoDB so that none is lost, and the worker that reads
them and publishes their complaints.

A job is taken with a lease (`available_at` moved ahead), which the worker extends while it
reads; a process that dies mid-way leaves a job whose lease runs out, and the next worker to
look (this process after a restart, or another replica) takes it again. Publishing is
idempotent on the case id (a derived event id), so a job read twice is one complaint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from complaints_shared import events as ev
from complaints_shared.logging import case_context
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from ..domain.letters import LetterForm, LetterJob, LetterJobs, OcrReading, letter_complaint, letter_event_id

log = logging.getLogger(__name__)

PENDING, DONE = "pending", "done"


def _document(job: LetterJob, now: datetime) -> dict[str, Any]:
    return {
        "_id": job.case_id,
        "state": PENDING,
        "scan": job.scan.model_dump(mode="json"),
        "form": job.form.model_dump(mode="json"),
        "received_at": job.received_at,
        "fingerprint": job.fingerprint,
        "attempts": 0,
        "available_at": now,
        "created_at": now,
    }


def _job(document: dict[str, Any]) -> LetterJob:
    return LetterJob(
        case_id=document["_id"],
        scan=ev.Attachment.model_validate(document["scan"]),
        form=LetterForm.model_validate(document["form"]),
        received_at=document["received_at"],
        fingerprint=document["fingerprint"],
        attempts=document.get("attempts", 0),
    )


class MongoLetterJobs:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("state", 1), ("available_at", 1)])

    async def add(self, job: LetterJob, *, now: datetime) -> LetterJob:
        try:
            await self.collection.insert_one(_document(job, now))
        except DuplicateKeyError:
            existing = await self.collection.find_one({"_id": job.case_id})
            if existing is not None:
                return _job(existing)
        return job

    async def take(self, *, now: datetime, lease: timedelta) -> LetterJob | None:
        document = await self.collection.find_one_and_update(
            {"state": PENDING, "available_at": {"$lte": now}},
            {"$set": {"available_at": now + lease}, "$inc": {"attempts": 1}},
            sort=[("available_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        return None if document is None else _job(document)

    async def extend(self, case_id: str, *, until: datetime) -> None:
        await self.collection.update_one({"_id": case_id, "state": PENDING}, {"$set": {"available_at": until}})

    async def retry_at(self, case_id: str, when: datetime) -> None:
        await self.collection.update_one({"_id": case_id, "state": PENDING}, {"$set": {"available_at": when}})

    async def finish(self, case_id: str, *, now: datetime) -> None:
        await self.collection.update_one({"_id": case_id}, {"$set": {"state": DONE, "done_at": now}})


class InMemoryLetterJobs:
    """The same in a dict (unit tests)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    async def add(self, job: LetterJob, *, now: datetime) -> LetterJob:
        if job.case_id in self.documents:
            return _job(self.documents[job.case_id])
        self.documents[job.case_id] = _document(job, now)
        return job

    async def take(self, *, now: datetime, lease: timedelta) -> LetterJob | None:
        ready = [d for d in self.documents.values() if d["state"] == PENDING and d["available_at"] <= now]
        if not ready:
            return None
        document = min(ready, key=lambda d: d["available_at"])
        document["available_at"] = now + lease
        document["attempts"] += 1
        return _job(document)

    async def extend(self, case_id: str, *, until: datetime) -> None:
        self.documents[case_id]["available_at"] = until

    async def retry_at(self, case_id: str, when: datetime) -> None:
        self.documents[case_id]["available_at"] = when

    async def finish(self, case_id: str, *, now: datetime) -> None:
        self.documents[case_id] |= {"state": DONE, "done_at": now}


class Publisher(Protocol):
    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event: ...


Reader = Callable[[LetterJob], Awaitable[OcrReading]]


class LetterWorker:
    """Takes letter jobs one at a time (OCR is CPU-bound: one per process), reads them and
    publishes their complaints. `wake()` after adding a job; other replicas' jobs and expired
    leases are found by looking every `poll_seconds`."""

    def __init__(
        self,
        jobs: LetterJobs,
        *,
        read: Reader,
        publisher: Publisher,
        clock: Callable[[], datetime],
        review_below: float,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 3,
        poll_seconds: float = 5.0,
        retry_wait: timedelta = timedelta(seconds=30),
    ) -> None:
        self.jobs = jobs
        self.read = read
        self.publisher = publisher
        self.clock = clock
        self.review_below = review_below
        self.lease = lease
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.retry_wait = retry_wait
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self.done = 0  # jobs published by this worker (tests and metrics)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> asyncio.Task:
        self._task = asyncio.create_task(self.run(), name="letter-ocr")
        return self._task

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop after the job in hand; a job still being read after `timeout` is abandoned
        (its lease runs out and it is read again)."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        _done, pending = await asyncio.wait([self._task], timeout=timeout)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                job = await self.jobs.take(now=self.clock(), lease=self.lease)
            except PyMongoError as exc:
                log.warning("letter jobs unreadable", extra={"error": type(exc).__name__})
                job = None
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                continue
            with case_context(job.case_id):
                await self.process(job)

    async def process(self, job: LetterJob) -> bool:
        """Read one job and publish its complaint; True when it is done."""
        done = asyncio.Event()  # not only the cancel: Python 3.11's wait_for (in pymongo) can lose one
        keep_lease = asyncio.create_task(self._keep_lease(job.case_id, done))
        try:
            reading: OcrReading | None = None
            try:
                reading = await self.read(job)
            except Exception as exc:  # noqa: BLE001 - an unreadable scan must not stop the worker
                if job.attempts < self.max_attempts:
                    log.warning("letter OCR failed; will retry", extra={"error": type(exc).__name__, "attempt": job.attempts})
                    await self._retry_later(job)
                    return False
                # Give the letter to a person rather than keep it from anyone forever.
                log.error("letter OCR failed for good; recorded for review", extra={"error": type(exc).__name__})
            complaint = letter_complaint(job, reading, review_below=self.review_below)
            try:
                await self.publisher.publish(complaint, event_id=letter_event_id(job.case_id))
            except Exception as exc:  # noqa: BLE001 - the broker away: the job waits and is retried
                log.warning("letter complaint not published; will retry", extra={"error": type(exc).__name__})
                await self._retry_later(replace(job, attempts=0))
                return False
            await self.jobs.finish(job.case_id, now=self.clock())
            self.done += 1
            log.info("letter read", extra={"pages": complaint.letter.pages if complaint.letter else 0,
                                           "needs_review": bool(complaint.letter and complaint.letter.needs_review)})
            return True
        finally:
            done.set()
            keep_lease.cancel()

    async def _retry_later(self, job: LetterJob) -> None:
        with contextlib.suppress(PyMongoError):  # else the lease runs out: retried all the same
            await self.jobs.retry_at(job.case_id, self.clock() + self.retry_wait)

    async def _keep_lease(self, case_id: str, done: asyncio.Event) -> None:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), self.lease.total_seconds() / 3)
                return
            with contextlib.suppress(PyMongoError):
                await self.jobs.extend(case_id, until=self.clock() + self.lease)
