"""One long-lived reader of topics for a test: a background thread that reads from the start
and keeps every record, so the test asks "what has been seen so far" instead of re-reading a
topic from the beginning in a loop."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer


@dataclass(frozen=True)
class Seen:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    event: dict[str, Any]  # the CloudEvents envelope as JSON (or {"unreadable": text})


class TopicFollower:
    """`with TopicFollower(bootstrap, topics) as follower:` reads `topics` from the earliest
    offset without a consumer group until the block ends; `follower.records()` is a snapshot."""

    def __init__(self, bootstrap_servers: str, topics: Iterable[str]) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topics = tuple(topics)
        self._records: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._assigned = threading.Event()
        self._thread = threading.Thread(target=self._run, name="topic-follower", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self) -> TopicFollower:
        self._thread.start()
        if not self._assigned.wait(60):
            self._stop.set()
            raise RuntimeError(f"could not start reading {self.topics}: {self.error!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def records(self, topic: str | None = None) -> list[Seen]:
        with self._lock:
            return [r for r in self._records if topic is None or r.topic == topic]

    def _run(self) -> None:
        try:
            asyncio.run(self._read())
        except BaseException as exc:  # noqa: BLE001 - reported through `error` and the checks that wait on records
            self.error = exc

    async def _read(self) -> None:
        consumer = AIOKafkaConsumer(
            *self.topics, bootstrap_servers=self.bootstrap_servers, group_id=None, auto_offset_reset="earliest",
            metadata_max_age_ms=2000,
        )
        await consumer.start()
        self._assigned.set()
        try:
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=300)
                seen = [
                    Seen(record.topic, record.partition, record.offset, record.key, _event(record.value))
                    for batch in batches.values() for record in batch
                ]
                if seen:
                    with self._lock:
                        self._records.extend(seen)
        finally:
            await consumer.stop()


def _event(value: bytes | None) -> dict[str, Any]:
    try:
        return json.loads(value or b"")
    except ValueError:
        return {"unreadable": (value or b"")[:200].decode("utf-8", "replace")}
