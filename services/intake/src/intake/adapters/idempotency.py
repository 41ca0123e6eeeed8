"""Where intake keeps its idempotency claims: MongoDB (collection `intake_idempotency`), or
memory for unit tests. Both follow domain/idempotency.py's rules.

One document per key: `_id` is the scope's key, so MongoDB's unique `_id` decides which of two
concurrent requests holds a key; the other finds the claim and is answered by `judge`. A
take-over (of a failed or abandoned claim) is a conditional update on the previous holder's
token, so two requests cannot both take one over.

Under load the first insert of each claim and the state updates go in bulk (adapters/batches.py:
the claims concurrent requests make travel together, one `insert_many` with unordered writes,
each claim's outcome read from its own write result); a claim that finds its key taken goes the
one-by-one way below. Each request still waits for its own claim to be stored before it publishes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pymongo
from complaints_shared import events as ev
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from ..domain.idempotency import (
    Claimed,
    ClaimState,
    KeyConflict,
    Replay,
    RequestInProgress,
    Scope,
    StoreUnavailable,
    judge,
)
from .batches import Batches

log = logging.getLogger(__name__)

# A claim whose holder vanished is taken over after a few tries' worth of contention at most.
_CLAIM_ATTEMPTS = 3


def answer_to_existing(existing: dict[str, Any], scope: Scope, *, fingerprint: str, now: datetime, stale_after: timedelta) -> Replay | None:
    """What an existing claim means for this request: the first answer again (same body),
    KeyConflict (another body), RequestInProgress (still pending), or None (stale or failed:
    this request may take the claim over)."""
    verdict = judge(existing, fingerprint=fingerprint, now=now, stale_after=stale_after)
    if verdict == "replay":
        return Replay(existing["answer"])
    if verdict == "conflict":
        raise KeyConflict(scope.field)
    if verdict == "in_progress":
        raise RequestInProgress()
    return None


CLAIM_TOKEN_INDEX = [("_id", pymongo.ASCENDING), ("token", pymongo.ASCENDING)]


def claim_of(key: str, token: str) -> dict[str, str]:
    """The filter that finds a claim only while `token` holds it."""
    return {"_id": key, "token": token}


class MongoIdempotencyStore:
    def __init__(
        self,
        collection: AsyncCollection,
        *,
        stale_after: timedelta,
        timeout_seconds: float,
        clock: Callable[[], datetime] = ev.utcnow,
    ) -> None:
        self.collection = collection
        self.stale_after = stale_after
        self.timeout_seconds = timeout_seconds
        self.clock = clock
        self.inserts: Batches[dict[str, Any], bool] = Batches(self._insert_many)
        self.updates: Batches[tuple[str, str, str], None] = Batches(self._update_many)

    async def ensure_indexes(self, retention: timedelta) -> None:
        """Claims expire after `retention` (a TTL index on the time of the claim). A claim is
        completed or taken over by key and token: a unique index on exactly those two fields
        (unique anyway, since _id is) is what lets the local store (mongo-java-server, which
        uses an index only for a query on exactly a unique index's keys) find the claim without
        scanning every claim kept: measured, SMS accepted per second fell run after run as the
        claims grew (574, 304, 222/s over 15,000 claims) with 90 % of the store's CPU in that scan."""
        with pymongo.timeout(self.timeout_seconds):
            await self.collection.create_index("claimed_at", expireAfterSeconds=int(retention.total_seconds()))
            await self.collection.create_index(CLAIM_TOKEN_INDEX, unique=True, name="claim_token")

    async def claim(self, scope: Scope, fingerprint: str, answer: dict[str, str]) -> Claimed | Replay:
        token = uuid.uuid4().hex
        now = self.clock()
        claim = {
            "_id": scope.key,
            "fingerprint": fingerprint,
            "answer": answer,
            "state": ClaimState.PENDING.value,
            "token": token,
            "claimed_at": now,
        }
        try:
            if await self.inserts.submit(claim):
                return Claimed(token)
            with pymongo.timeout(self.timeout_seconds):
                for attempt in range(_CLAIM_ATTEMPTS):
                    if attempt > 0:
                        try:
                            await self.collection.insert_one(claim)
                            return Claimed(token)
                        except DuplicateKeyError:
                            pass
                    existing = await self.collection.find_one({"_id": scope.key})
                    if existing is None:
                        continue  # expired or released between the two calls: try again
                    if (replay := answer_to_existing(existing, scope, fingerprint=fingerprint, now=now, stale_after=self.stale_after)) is not None:
                        return replay
                    taken = await self.collection.update_one(
                        claim_of(scope.key, existing["token"]),
                        {"$set": {"state": ClaimState.PENDING.value, "token": token, "claimed_at": now}},
                    )
                    if taken.modified_count == 1:
                        return Claimed(token)
                raise RequestInProgress()
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def complete(self, scope: Scope, token: str) -> None:
        await self._set_state(scope, token, ClaimState.DONE)

    async def release(self, scope: Scope, token: str) -> None:
        await self._set_state(scope, token, ClaimState.FAILED)

    async def answer(self, scope: Scope) -> dict[str, str] | None:
        """The answer recorded under `scope` (None: never, or not yet, recorded). E-mail
        threading asks it which case a Message-ID intake received belongs to."""
        try:
            with pymongo.timeout(self.timeout_seconds):
                claim = await self.collection.find_one({"_id": scope.key})
        except PyMongoError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return claim["answer"] if claim is not None and claim["state"] == ClaimState.DONE.value else None

    async def _set_state(self, scope: Scope, token: str, state: ClaimState) -> None:
        # The event's fate is decided already; a store that fails here leaves a pending claim,
        # which a retry takes over once it is stale (and republishes under the same ids).
        try:
            await self.updates.submit((scope.key, token, state.value))
        except PyMongoError as exc:
            log.warning("idempotency claim not updated", extra={"state": state.value, "error": type(exc).__name__})

    async def _insert_many(self, claims: list[dict[str, Any]]) -> list[bool]:
        """Inserts the claims; for each, True if stored, False if its key was taken already."""
        with pymongo.timeout(self.timeout_seconds):
            try:
                await self.collection.insert_many(claims, ordered=False)
            except BulkWriteError as exc:
                taken = {error["index"] for error in exc.details.get("writeErrors", []) if error.get("code") == 11000}
                if any(error.get("code") != 11000 for error in exc.details.get("writeErrors", [])) or exc.details.get("writeConcernErrors"):
                    raise
                return [index not in taken for index in range(len(claims))]
        return [True] * len(claims)

    async def _update_many(self, updates: list[tuple[str, str, str]]) -> list[None]:
        with pymongo.timeout(self.timeout_seconds):
            await self.collection.bulk_write(
                [UpdateOne(claim_of(key, token), {"$set": {"state": state}}) for key, token, state in updates], ordered=False
            )
        return [None] * len(updates)


class InMemoryIdempotencyStore:
    """The same rules in a dict, for unit tests (one event loop: each claim is atomic)."""

    def __init__(self, *, stale_after: timedelta = timedelta(seconds=30), clock: Callable[[], datetime] = ev.utcnow) -> None:
        self.claims: dict[str, dict[str, Any]] = {}
        self.stale_after = stale_after
        self.clock = clock

    async def claim(self, scope: Scope, fingerprint: str, answer: dict[str, str]) -> Claimed | Replay:
        now = self.clock()
        token = uuid.uuid4().hex
        existing = self.claims.get(scope.key)
        if existing is not None:
            if (replay := answer_to_existing(existing, scope, fingerprint=fingerprint, now=now, stale_after=self.stale_after)) is not None:
                return replay
        self.claims[scope.key] = {
            "fingerprint": fingerprint,
            "answer": answer,
            "state": ClaimState.PENDING.value,
            "token": token,
            "claimed_at": now,
        }
        return Claimed(token)

    async def complete(self, scope: Scope, token: str) -> None:
        self._set_state(scope, token, ClaimState.DONE)

    async def release(self, scope: Scope, token: str) -> None:
        self._set_state(scope, token, ClaimState.FAILED)

    async def answer(self, scope: Scope) -> dict[str, str] | None:
        claim = self.claims.get(scope.key)
        return claim["answer"] if claim is not None and claim["state"] == ClaimState.DONE.value else None

    def _set_state(self, scope: Scope, token: str, state: ClaimState) -> None:
        claim = self.claims.get(scope.key)
        if claim is not None and claim["token"] == token:
            claim["state"] = state.value

