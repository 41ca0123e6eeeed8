"""Where the parts of multi-part SMS wait for one another: MongoDB (collection
`intake_sms_parts`), or memory for unit tests; and the timer that publishes the groups that
never completed.

Two kinds of document share the collection:
- a group, `_id` "group:<key>" (key: sender, reference, part count), holding the id of the
  message being gathered (`group_id`) and when its first part came (`opened_at`);
- a part, `_id` "part:<group_id>:<n>": MongoDB's unique `_id` makes a part that arrives twice
  (from any process) the same document, so the repeat is ignored.

A group is closed (its documents deleted) only after its complaint was acknowledged by the
broker, so a restart between the two loses nothing: the next part, or the timer, publishes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pymongo
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from ..domain.idempotency import StoreUnavailable
from ..domain.sms import SmsMessage, SmsPart

log = logging.getLogger(__name__)


def _part_document(group_id: str, part: SmsPart, *, key: str, message: SmsMessage) -> dict[str, Any]:
    return {
        "_id": f"part:{group_id}:{part.part}",
        "kind": "part",
        "group_id": group_id,
        "key": key,
        "part": part.part,
        "text": part.text,
        "message_id": part.message_id,
        "received_at": part.received_at,
        "arrived_at": part.arrived_at,
        "message": message.model_dump(mode="json", by_alias=True),
    }


def _part(document: dict[str, Any]) -> SmsPart:
    received_at = document["received_at"]
    return SmsPart(document["part"], document["text"], document["message_id"],
                   None if received_at is None else _aware(received_at), _aware(document["arrived_at"]))


def _aware(value: datetime) -> datetime:
    # MongoDB keeps UTC without the offset; pymongo gives naive datetimes back unless told.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class MongoSmsParts:
    def __init__(self, collection: AsyncCollection, *, timeout_seconds: float) -> None:
        self.collection = collection
        self.timeout_seconds = timeout_seconds

    async def ensure_indexes(self) -> None:
        with pymongo.timeout(self.timeout_seconds):
            await self.collection.create_index([("kind", 1), ("opened_at", 1)])
            await self.collection.create_index("group_id")

    async def open_group(self, key: str, *, now: datetime) -> str:
        try:
            with pymongo.timeout(self.timeout_seconds):
                group = await self.collection.find_one_and_update(
                    {"_id": f"group:{key}"},
                    {"$setOnInsert": {"kind": "group", "key": key, "group_id": uuid.uuid4().hex, "opened_at": now}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
        except DuplicateKeyError:  # two first parts at once: the other one opened it
            group = await self._find(f"group:{key}")
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        assert group is not None
        return str(group["group_id"])

    async def add(self, group_id: str, part: SmsPart, *, key: str, message: SmsMessage) -> bool:
        try:
            with pymongo.timeout(self.timeout_seconds):
                await self.collection.insert_one(_part_document(group_id, part, key=key, message=message))
        except DuplicateKeyError:
            return False
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return True

    async def parts(self, group_id: str) -> list[SmsPart]:
        try:
            with pymongo.timeout(self.timeout_seconds):
                documents = await self.collection.find({"kind": "part", "group_id": group_id}).to_list()
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return sorted((_part(d) for d in documents), key=lambda p: p.part)

    async def first_message(self, group_id: str) -> SmsMessage | None:
        try:
            with pymongo.timeout(self.timeout_seconds):
                document = await self.collection.find_one({"kind": "part", "group_id": group_id})
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return None if document is None else SmsMessage.model_validate(document["message"])

    async def close(self, key: str, group_id: str) -> None:
        try:
            with pymongo.timeout(self.timeout_seconds):
                await self.collection.delete_one({"_id": f"group:{key}", "group_id": group_id})
                await self.collection.delete_many({"kind": "part", "group_id": group_id})
        except PyMongoError as exc:
            # Published already: the timer publishes the group again (same ids, a replay) and closes it.
            log.warning("sms parts not closed", extra={"error": type(exc).__name__})

    async def due(self, *, opened_before: datetime) -> list[tuple[str, str]]:
        with pymongo.timeout(self.timeout_seconds):
            groups = await self.collection.find({"kind": "group", "opened_at": {"$lte": opened_before}}).to_list(1000)
        return [(g["key"], g["group_id"]) for g in groups]

    async def _find(self, document_id: str) -> dict[str, Any] | None:
        try:
            with pymongo.timeout(self.timeout_seconds):
                return await self.collection.find_one({"_id": document_id})
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc


class InMemorySmsParts:
    """The same in dicts (unit tests)."""

    def __init__(self) -> None:
        self.groups: dict[str, tuple[str, datetime]] = {}
        self.stored: dict[str, dict[int, tuple[SmsPart, SmsMessage]]] = {}

    async def open_group(self, key: str, *, now: datetime) -> str:
        if key not in self.groups:
            self.groups[key] = (uuid.uuid4().hex, now)
        return self.groups[key][0]

    async def add(self, group_id: str, part: SmsPart, *, key: str, message: SmsMessage) -> bool:
        parts = self.stored.setdefault(group_id, {})
        if part.part in parts:
            return False
        parts[part.part] = (part, message)
        return True

    async def parts(self, group_id: str) -> list[SmsPart]:
        return sorted((p for p, _m in self.stored.get(group_id, {}).values()), key=lambda p: p.part)

    async def first_message(self, group_id: str) -> SmsMessage | None:
        return next((m for _p, m in self.stored.get(group_id, {}).values()), None)

    async def close(self, key: str, group_id: str) -> None:
        if self.groups.get(key, ("", None))[0] == group_id:
            del self.groups[key]
        self.stored.pop(group_id, None)

    async def due(self, *, opened_before: datetime) -> list[tuple[str, str]]:
        return [(key, group_id) for key, (group_id, opened) in self.groups.items() if opened <= opened_before]


class PartsTimer:
    """Publishes, every `every` seconds, the groups whose wait ran out (`publish_due`). Any
    intake process may run one: publishing a group is idempotent on its id."""

    def __init__(self, publish_due: Callable[[], Awaitable[int]], *, every: float) -> None:
        self.publish_due = publish_due
        self.every = every
        self.task: asyncio.Task[None] | None = None
        self.stopping = False

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="sms-parts-timer")

    @property
    def alive(self) -> bool:
        return self.task is not None and not self.task.done()

    async def stop(self) -> None:
        self.stopping = True
        if self.task is not None:
            # The flag ends the loop even when the cancel is lost: Python 3.11's wait_for (which
            # pymongo awaits) returns normally when a cancel lands as its operation completes.
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        while not self.stopping:
            try:
                published = await self.publish_due()
                if published:
                    log.info("incomplete multi-part sms published", extra={"messages": published})
            except Exception as exc:  # the store or the broker away: try again on the next round
                log.warning("sms parts timer round failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(self.every)
