"""The live archive (its own consumer wiring on the real broker and store), a restart after a
crash that had stored part of a batch without committing it, and `rebuild` from the topics into
an empty database: the same cases (but for when they were written), roll-ups, events and raw records."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from archive import handlers
from archive.adapters.erasure_log import KafkaErasureLog
from archive.adapters.repository import APPLIED, PENDING, CaseRepository
from archive.bootstrap import Archive
from archive.domain.indicators import SUMMED
from archive.entrypoints.consumer import ARCHIVED_TOPICS
from archive.rebuild import NoErasureSource, NotEmpty, rebuild
from archive.settings import ArchiveSettings
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import RAW, RECEIVED, topic_of
from pymongo.errors import OperationFailure

pytestmark = pytest.mark.integration
_spec = importlib.util.spec_from_file_location("archive_scenario", Path(__file__).with_name("test_archive_indicators.py"))
scenario_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenario_module)
_erasure_spec = importlib.util.spec_from_file_location("archive_erasure", Path(__file__).with_name("test_archive_erasure.py"))
erasure_module = importlib.util.module_from_spec(_erasure_spec)
_erasure_spec.loader.exec_module(erasure_module)


async def publish(settings: ArchiveSettings, events: list[ev.Event]) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic_of(type(event.data)).name(settings.topic_prefix), ev.encode(event), key=(event.subject or event.id).encode())
    finally:
        await producer.stop()


async def caught_up(settings: ArchiveSettings, archive: Archive) -> None:
    """Until the archive's group committed every offset of every topic (dead letters included)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    probe = kafka.make_consumer(settings, group_id=None)
    await probe.start()
    try:
        topics = [spec.name(settings.topic_prefix) for spec in ARCHIVED_TOPICS]
        await probe._client.force_metadata_update()  # noqa: SLF001
        partitions = [TopicPartition(t, p) for t in topics for p in probe.partitions_for_topic(t) or ()]
        async with asyncio.timeout(120):
            while True:
                assert archive.loop is not None and archive.loop.alive
                committed = await admin.list_consumer_group_offsets(settings.group_name(settings.consumer_group))
                ends = await probe.end_offsets(partitions)
                if all(end == 0 or (tp in committed and committed[tp].offset >= end) for tp, end in ends.items()):
                    return
                await asyncio.sleep(0.1)
    finally:
        await probe.stop()
        await admin.close()


async def contents(repository: CaseRepository) -> dict[str, list[dict]]:
    found = {}
    for name in ("cases", "events", "raw_inbound", "rollups", "rollup_summaries", "cause_rollups", "cause_summaries"):
        # When the archive wrote a case is the one thing a rebuild does not reproduce.
        # Nor which batches moved a roll-up bucket or a case (the ids guarding against applying
        # a roll-up delta twice).
        hidden = {"created_at": 0, "updated_at": 0} | {"cases": {PENDING: 0}, "events": {}, "raw_inbound": {}}.get(name, {APPLIED: 0})
        documents = await repository.db[name].find({}, hidden).sort("_id", 1).to_list(None)
        if name not in ("cases", "events", "raw_inbound"):
            # A count every case left is a zero, or absent (a bucket all cases left: none).
            counters = ("cases",) if name.startswith("cause") else SUMMED
            documents = [{k: v for k, v in doc.items() if v != 0} for doc in documents if any(doc.get(n) for n in counters)]
        found[name] = documents
    return found


async def test_the_live_archive_restarted_mid_batch_and_a_rebuild_reach_the_same_store(backend_env):
    settings = ArchiveSettings(**backend_env, consumer_group=f"archive-{backend_env['MONGODB_DATABASE']}")
    await kafka.ensure_topics(settings)
    events = scenario_module.scenario()
    first, second = events[: len(events) // 2], events[len(events) // 2 :]

    archive = Archive(settings)
    async with archive.lifespan(None):  # type: ignore[arg-type]
        await publish(settings, first)
        await caught_up(settings, archive)

    # Another process stored part of the next records and died before committing them.
    await publish(settings, second + first[:5])  # some delivered twice
    producer = kafka.make_producer(settings)
    await producer.start()
    await producer.send_and_wait(RECEIVED.name(settings.topic_prefix), b'{"not": "an event"}', key=b"x")
    await producer.send_and_wait(RAW.name(settings.topic_prefix), b'{"channel": "sms", "text": "late"}', key=b"r")
    await producer.stop()
    client = mongo.make_client(settings)
    live = CaseRepository(mongo.database(client, settings))
    await live.store_batch(second[:11])

    archive = Archive(settings)
    async with archive.lifespan(None):  # type: ignore[arg-type]
        await caught_up(settings, archive)
        assert archive.loop.dead_lettered == 1

    rebuilt_name = f"{settings.mongodb_database}_rebuilt"
    try:
        replayed = await rebuild(settings, database=rebuilt_name)
        assert (replayed.records, replayed.skipped) == (len(events) + 5 + 3, 1)  # + the dead letter, the raw record, the bad one
        rebuilt = CaseRepository(client[rebuilt_name])
        live_contents, rebuilt_contents = await contents(live), await contents(rebuilt)
        assert len(live_contents["cases"]) == 9 and len(live_contents["raw_inbound"]) == 1 and len(live_contents["events"]) == 1
        assert rebuilt_contents == live_contents
        with pytest.raises(NotEmpty):
            await rebuild(settings, database=rebuilt_name)
    finally:
        await client.drop_database(rebuilt_name)
        await client.drop_database(settings.mongodb_database)
        await client.close()


async def drop_database(client, name: str) -> None:
    try:
        await client.drop_database(name)
    except OperationFailure:
        # mongo-java-server: dropping a rebuilt database sometimes fails on its index bookkeeping
        # after dropping every collection; dropping it again finishes.
        await client.drop_database(name)


async def erase(settings: ArchiveSettings, store: CaseRepository, customer: str) -> dict:
    """An erasure as the API makes it: onto the erasures topic (acknowledged), then out of the store."""
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        erasure_log = KafkaErasureLog(kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/services/archive"))
        return await handlers.erase_customer(customer, requested_by="dpo-tool", at=ev.utcnow(), store=store, erasure_log=erasure_log)
    finally:
        await producer.stop()


async def test_a_rebuild_after_an_erasure_brings_none_of_the_customers_data_back(backend_env):
    """The topics still hold everything the erasure removed: replayed into a new database, the
    customer's text, contact and file names are gone all the same, the other customer's are there,
    and the indicators are the live archive's."""
    erasure = erasure_module
    settings = ArchiveSettings(**backend_env, consumer_group=f"archive-{backend_env['MONGODB_DATABASE']}")
    await kafka.ensure_topics(settings)
    events = erasure.their_cases() + erasure.someone_elses_case()
    dead = ev.EventDeadLettered(reason="bad", consumer="routing", source_topic="t", source_partition=0, source_offset=9,
                                original_value=json.dumps({"phone": erasure.PHONE}), failed_at=erasure.T0)
    events.append(erasure.envelope(dead, "dead-1", 0))
    client = mongo.make_client(settings)
    rebuilt_name = f"{settings.mongodb_database}_rebuilt"
    try:
        archive = Archive(settings)
        async with archive.lifespan(None):  # type: ignore[arg-type]
            await publish(settings, events)
            producer = kafka.make_producer(settings)
            await producer.start()
            raw = {"channel": "email", "text": "热水壶漏水", "customer": {"email": erasure.EMAIL}}
            await producer.send_and_wait(RAW.name(settings.topic_prefix), json.dumps(raw, ensure_ascii=False).encode(), key=b"r")
            await producer.stop()
            await caught_up(settings, archive)
            live = CaseRepository(mongo.database(client, settings))
            assert erasure.PHONE in await erasure.everything_stored(live)
            record = await erase(settings, live, erasure.CUSTOMER_ID)
            assert (record["cases"], record["events"], record["raw_records"]) == (2, 2, 1)
            # After the erasure: the customer writes again, and the complaint is delivered again.
            again = erasure.envelope(ev.CustomerFollowedUp(case_id="p-1", actor="customer", at=erasure.T0 + timedelta(hours=8),
                                                           text="热水壶漏水, 我要退款", channel="sms"), "p-1-f2", 8)
            await publish(settings, [again, events[0]])
            await caught_up(settings, archive)
        assert [value for value in erasure.PERSONAL if value in await erasure.everything_stored(live)] == []

        replayed = await rebuild(settings, database=rebuilt_name)
        assert replayed.erasures == 1
        rebuilt = CaseRepository(client[rebuilt_name])
        stored = await erasure.everything_stored(rebuilt)
        assert [value for value in erasure.PERSONAL if value in stored] == []
        assert "+8613900000000" in stored and "包装破损" in stored
        day = date(2026, 11, 2)
        assert await rebuilt.indicators(first_day=day, last_day=day, group_by="department") == \
            await live.indicators(first_day=day, last_day=day, group_by="department")
        for case_id in ("p-1", "p-2"):
            live_case, rebuilt_case = await live.get_case(case_id), await rebuilt.get_case(case_id)
            assert rebuilt_case["erased_at"] == live_case["erased_at"]
            assert rebuilt_case["timeline"] == live_case["timeline"]

        # An erasure made after the rebuild applied them (while switching over) reaches it by --erasures-only.
        await erase(settings, live, "+8613900000000")
        assert (await rebuild(settings, database=rebuilt_name, erasures_only=True)).erasures == 2
        assert "包装破损" not in await erasure.everything_stored(rebuilt)

        # With the erasures topic, a misnamed live database loses nothing: the topic names every erasure.
        elsewhere = f"{rebuilt_name}_2"
        replayed = await rebuild(settings, database=elsewhere, erasures_from=f"{settings.mongodb_database}_misnamed")
        assert replayed.erasures == 2
        assert [value for value in erasure.PERSONAL if value in await erasure.everything_stored(CaseRepository(client[elsewhere]))] == []
        # Without it (an installation from before the topic), a rebuild that would apply no erasure refuses to start.
        no_topics = ArchiveSettings(**(backend_env | {"COMPLAINTS_TOPIC_PREFIX": f"{settings.topic_prefix}none."}))
        with pytest.raises(NoErasureSource):
            await rebuild(no_topics, database=f"{rebuilt_name}_3", erasures_from=f"{settings.mongodb_database}_misnamed")
        assert await client[f"{rebuilt_name}_3"]["cases"].find_one({}) is None
    finally:
        for name in (rebuilt_name, f"{rebuilt_name}_2", f"{rebuilt_name}_3", settings.mongodb_database):
            await drop_database(client, name)
        await client.close()
