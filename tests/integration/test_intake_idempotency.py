"""Intake's idempotency store on a real MongoDB-wire server: one holder per key, even for
concurrent claims; replay, conflict, release and take-over (issue 8, defect 6)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared import mongo
from intake.adapters.idempotency import MongoIdempotencyStore, claim_of
from intake.domain.idempotency import Claimed, KeyConflict, Replay, RequestInProgress, Scope, StoreUnavailable
from intake.settings import IntakeSettings

pytestmark = pytest.mark.integration

SCOPE = Scope(("external_id", "sms", "gw-1"), field="external_id")
ANSWER = {"case_id": "c-1", "event_id": "e-1"}


@pytest.fixture
async def collection(backend_env):
    settings = IntakeSettings(**backend_env)
    client = mongo.make_client(settings)
    try:
        yield mongo.database(client, settings)["intake_idempotency"]
    finally:
        await client.close()


class Clock:
    def __init__(self) -> None:
        self.now = ev.utcnow()

    def __call__(self):
        return self.now


async def test_claim_complete_replay_and_conflict(collection):
    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5)
    await store.ensure_indexes(timedelta(days=30))
    claimed = await store.claim(SCOPE, "print-a", ANSWER)
    assert isinstance(claimed, Claimed)
    with pytest.raises(RequestInProgress):
        await store.claim(SCOPE, "print-a", ANSWER)
    with pytest.raises(KeyConflict) as conflict:
        await store.claim(SCOPE, "print-b", {"case_id": "c-2", "event_id": "e-2"})
    assert conflict.value.field == "external_id"
    await store.complete(SCOPE, claimed.token)
    assert await store.claim(SCOPE, "print-a", {"case_id": "ignored", "event_id": "ignored"}) == Replay(ANSWER)
    # Another namespace with the same key is another key.
    other = Scope(("idempotency-key", "full", "complaints", "gw-1"), field="header.idempotency-key")
    assert isinstance(await store.claim(other, "print-b", ANSWER), Claimed)


async def test_concurrent_claims_of_one_key_have_one_winner(collection):
    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5)
    outcomes = await asyncio.gather(
        *(store.claim(SCOPE, f"print-{i % 2}", ANSWER) for i in range(10)), return_exceptions=True
    )
    winners = [o for o in outcomes if isinstance(o, Claimed)]
    assert len(winners) == 1
    assert all(isinstance(o, Claimed | RequestInProgress | KeyConflict) for o in outcomes), outcomes


async def test_released_claim_goes_to_a_retry_of_the_same_request_only(collection):
    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5)
    first = await store.claim(SCOPE, "print-a", ANSWER)
    await store.release(SCOPE, first.token)
    with pytest.raises(KeyConflict):
        await store.claim(SCOPE, "print-b", ANSWER)
    retry = await store.claim(SCOPE, "print-a", ANSWER)
    assert isinstance(retry, Claimed) and retry.token != first.token
    await store.complete(SCOPE, first.token)  # the old holder's token no longer counts
    with pytest.raises(RequestInProgress):
        await store.claim(SCOPE, "print-a", ANSWER)


async def test_an_abandoned_claim_is_taken_over_once_stale(collection):
    clock = Clock()
    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5, clock=clock)
    await store.claim(SCOPE, "print-a", ANSWER)  # its request died: never completed nor released
    clock.now += timedelta(seconds=31)
    outcomes = await asyncio.gather(*(store.claim(SCOPE, "print-a", ANSWER) for _ in range(5)), return_exceptions=True)
    assert sum(isinstance(o, Claimed) for o in outcomes) == 1


async def test_an_absent_store_is_store_unavailable_within_its_bound():
    settings = IntakeSettings(MONGODB_URL="mongodb://127.0.0.1:9", MONGODB_DATABASE="nowhere")
    client = mongo.make_client(settings)
    try:
        store = MongoIdempotencyStore(client["nowhere"]["c"], stale_after=timedelta(seconds=30), timeout_seconds=0.5)
        with pytest.raises(StoreUnavailable):
            await asyncio.wait_for(store.claim(SCOPE, "print-a", ANSWER), 10)
    finally:
        await client.close()


async def test_concurrent_claims_travel_together_and_each_gets_its_own_outcome(collection):
    """200 claims at once (150 keys, 50 of them claimed twice) are stored in a few bulk inserts,
    not 200 round trips; every key still has exactly one holder, and the state updates of the
    holders are stored (a later claim replays each answer)."""
    inserts: list[int] = []
    original = collection.insert_many

    async def counting_insert_many(documents, **options):
        inserts.append(len(documents))
        return await original(documents, **options)

    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5)
    store.collection = type("Counting", (), {})()  # the store's collection, with insert_many counted
    for name in ("insert_one", "find_one", "update_one", "bulk_write"):
        setattr(store.collection, name, getattr(collection, name))
    store.collection.insert_many = counting_insert_many
    keys = [Scope(("external_id", "sms", f"batch-{i}"), field="external_id") for i in range(150)]
    claims = keys + keys[:50]
    outcomes = await asyncio.gather(*(store.claim(key, "print", {"case_id": key.key, "event_id": "e"}) for key in claims),
                                    return_exceptions=True)
    holders = {claims[i].key: o for i, o in enumerate(outcomes) if isinstance(o, Claimed)}
    assert len(holders) == sum(isinstance(o, Claimed) for o in outcomes) == 150
    assert all(isinstance(o, Claimed | RequestInProgress) for o in outcomes), outcomes
    assert sum(inserts) == 200 and len(inserts) < 20, inserts
    await asyncio.gather(*(store.complete(key, holders[key.key].token) for key in keys))
    replays = await asyncio.gather(*(store.claim(key, "print", ANSWER) for key in keys))
    assert replays == [Replay({"case_id": key.key, "event_id": "e"}) for key in keys]


async def test_a_claim_is_found_by_key_and_token_through_a_unique_index(collection):
    """The local store scans the whole collection for a query that is not exactly a unique
    index's keys; completing a claim (by key and token) then cost a scan of every claim kept."""
    store = MongoIdempotencyStore(collection, stale_after=timedelta(seconds=30), timeout_seconds=5)
    await store.ensure_indexes(timedelta(days=30))
    indexes = await collection.index_information()
    unique_keys = [{field for field, _ in index["key"]} for index in indexes.values() if index.get("unique") or index["key"] == [("_id", 1)]]
    assert set(claim_of("k", "t")) in unique_keys
