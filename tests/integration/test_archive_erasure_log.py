"""Erasures kept on the log (`complaints.erasures.v1`), on the real broker and store: a rebuild
from the topics alone, after the archive's database is lost with its `erasures` collection, keeps
an erased customer erased; and an erasure published but never applied (the archive stopped between
the broker's acknowledgement and erasing the store) is applied by the archive's consumer."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import httpx
import pytest
from archive.bootstrap import Archive
from archive.domain.erasure import erasure_event
from archive.rebuild import rebuild
from archive.settings import ArchiveSettings
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import RAW

pytestmark = pytest.mark.integration


def _load(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


erasure = _load("archive_erasure", "test_archive_erasure.py")
replay = _load("archive_rebuild", "test_archive_rebuild.py")
KEY = "all-rights-key"


def settings_of(backend_env: dict[str, str]) -> ArchiveSettings:
    return ArchiveSettings(**backend_env, COMPLAINTS_API_KEY=KEY, consumer_group=f"archive-{backend_env['MONGODB_DATABASE']}")


async def archive_everything(settings: ArchiveSettings, archive: Archive) -> None:
    """Two customers' cases, a profile, a dead letter and a raw record, through the live archive's consumer."""
    dead = ev.EventDeadLettered(reason="bad", consumer="routing", source_topic="t", source_partition=0, source_offset=9,
                                original_value=json.dumps({"phone": erasure.PHONE}), failed_at=erasure.T0)
    await replay.publish(settings, [*erasure.their_cases(), *erasure.someone_elses_case(), erasure.envelope(dead, "dead-1", 0)])
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        raw = {"channel": "email", "text": "热水壶漏水", "customer": {"email": erasure.EMAIL}}
        await producer.send_and_wait(RAW.name(settings.topic_prefix), json.dumps(raw, ensure_ascii=False).encode(), key=b"r")
    finally:
        await producer.stop()
    await replay.caught_up(settings, archive)


async def test_a_rebuild_from_the_topics_alone_keeps_an_erased_customer_erased(backend_env):
    """Erased through the API; then the archive's database is lost, `erasures` collection and all:
    the rebuild, from the topics only, brings back the cases but not the customer's text, contact,
    file names, profile, dead letter or raw record."""
    settings = settings_of(backend_env)
    client = mongo.make_client(settings)
    rebuilt_name = f"{settings.mongodb_database}_rebuilt"
    try:
        archive = Archive(settings)
        app = archive.app()
        async with archive.lifespan(app):
            await archive_everything(settings, archive)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as http:
                answer = await http.post(f"/v1/customers/{erasure.CUSTOMER_ID}/erasure", headers={"Authorization": f"Bearer {KEY}"})
            assert answer.status_code == 200, answer.text
            assert (answer.json()["cases"], answer.json()["events"], answer.json()["raw_records"]) == (2, 2, 1)
            await replay.caught_up(settings, archive)

        # The database is lost: no cases, no erasure records.
        await client.drop_database(settings.mongodb_database)
        replayed = await rebuild(settings, database=rebuilt_name)
        assert replayed.erasures == 1

        rebuilt = replay.CaseRepository(client[rebuilt_name])
        stored = await erasure.everything_stored(rebuilt)
        assert [value for value in erasure.PERSONAL if value in stored] == []
        assert "+8613900000000" in stored and "包装破损" in stored  # the other customer's case came back whole
        for case_id in ("p-1", "p-2"):
            case = await rebuilt.get_case(case_id)
            assert (case["contact"], case["text"], case["status"]) == ({}, "", "investigating")
            assert case["erased_at"] is not None
        assert await rebuilt.erasures.count_documents({}) == 1
    finally:
        for name in (rebuilt_name, settings.mongodb_database):
            await replay.drop_database(client, name)
        await client.close()


async def test_an_erasure_published_but_not_applied_is_applied_by_the_consumer(backend_env):
    """The archive stopped right after the broker acknowledged the erasure, before erasing: the
    store still holds everything. The archive's consumer of the erasures topic erases the same
    documents, once (the same event delivered again changes nothing)."""
    settings = settings_of(backend_env)
    client = mongo.make_client(settings)
    try:
        archive = Archive(settings)
        async with archive.lifespan(archive.app()):
            await archive_everything(settings, archive)
            # What the API does up to the crash: find what is theirs, publish it; no erasing.
            record = await archive.get_repository().plan_erasure(erasure.PHONE, requested_by="dpo-tool", at=ev.utcnow())
            erased = erasure_event(record)
            assert erasure.PHONE in await erasure.everything_stored(archive.get_repository())
            await archive.get_erasure_log().append(erased)
            await replay.caught_up(settings, archive)

            live = archive.get_repository()
            stored = await erasure.everything_stored(live)
            assert [value for value in erasure.PERSONAL if value in stored] == []
            assert "+8613900000000" in stored
            [kept] = [doc async for doc in live.erasures.find({})]
            assert (kept["_id"], kept["case_ids"], kept["event_ids"]) == (erased.erasure_id, ["p-1", "p-2"], ["dead-1", "profile-1"])
            assert [raw.split("/")[0] for raw in kept["raw_ids"]] == [RAW.name(settings.topic_prefix)]
            before = await replay.contents(live)

            # Delivered again (a crash before the offset was committed): nothing changes.
            await archive.get_erasure_log().append(erased)
            await replay.caught_up(settings, archive)
            assert await replay.contents(live) == before
            assert await live.erasures.count_documents({}) == 1
    finally:
        await replay.drop_database(client, settings.mongodb_database)
        await client.close()


async def test_cases_an_erasure_named_before_they_were_stored_are_erased_as_they_arrive(repository):
    """A consumer reading the erasures topic ahead of the others (a new database, a new group):
    the cases the erasure names are erased when they arrive, and fold to the same state."""
    record = {"_id": "e-1", "at": erasure.T0, "requested_by": "dpo-tool", "cases": 2, "events": 0, "raw_records": 0,
              "attachments": 0, "attachments_shared": 0, "letter_jobs": 0, "case_ids": ["p-1", "p-2"], "event_ids": [],
              "raw_ids": [], "attachment_references": []}
    assert await repository.apply_erasure(record) is True
    assert await repository.apply_erasure(record) is False  # known by its id: applied once
    await repository.store_batch(erasure.their_cases() + erasure.someone_elses_case())
    for case_id in ("p-1", "p-2"):
        case = await repository.get_case(case_id)
        assert (case["contact"], case["text"], case["status"], case["erased_at"]) == ({}, "", "investigating", erasure.T0)
        assert [value for value in erasure.PERSONAL if value in json.dumps(case, default=str, ensure_ascii=False)] == []
    assert (await repository.get_case("o-1"))["text"] == "包装破损"
