"""`python -m archive rebuild`: replay every topic from its beginning into an empty database.

How a new analysis view or a fix of the projection reaches history: the cases, their
timelines and the roll-ups are what the live archive would have made of the same records (the
fold does not depend on arrival order, and storing is idempotent). The replay reads each
partition up to its end offset at the start (records published meanwhile are left to the live
archive), outside any consumer group; records the live archive dead-lettered are skipped and
counted. The log still holds what erasures removed, so after the replay every erasure is applied
again, by the ids it names: those on the erasures topic (`complaints.erasures.v1`, compacted and
kept forever: enough on its own, also when the live database is lost) and those recorded in the
live database (MONGODB_DATABASE, or --erasures-from; erasures made before the topic existed are
only there). Without the erasures topic, a rebuild refuses to start when that database holds
neither cases nor erasures (a wrong name would bring every erased customer back), unless
--without-erasures says none was ever made. Point the live archive at the rebuilt database once
it is done, then run it again with --erasures-only: erasures made meanwhile reach it too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.logging import configure_logging
from complaints_shared.topics import ERASURES

from . import handlers
from .adapters.repository import CaseRepository
from .domain.erasure import erasure_record
from .entrypoints.consumer import ARCHIVED_TOPICS, decode_batch
from .settings import ArchiveSettings

log = logging.getLogger(__name__)


class NotEmpty(RuntimeError):
    """The target database already holds cases, events or roll-ups."""


class NoErasureSource(RuntimeError):
    """The database named as the live one holds no cases and no erasures: likely not the live one."""


@dataclass
class Replayed:
    records: int = 0
    stored: int = 0
    erasures: int = 0
    skipped: int = 0
    erased: list[ev.CustomerErased] = field(default_factory=list)  # read from the erasures topic, applied after the replay


async def rebuild(
    settings: ArchiveSettings, *, database: str, batch: int | None = None, erasures_from: str | None = None,
    without_erasures: bool = False, erasures_only: bool = False,
) -> Replayed:
    """Replay into `database`, then apply the erasures of `erasures_from` (the live database,
    MONGODB_DATABASE by default) again; `erasures_only`: the erasures alone (after a switch-over).
    `batch`: records stored at a time (default ARCHIVE_MAX_BATCH, as the live consumer)."""
    batch = batch or settings.max_batch
    client = mongo.make_client(settings)
    consumer = kafka.make_consumer(settings, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        repository = _repository(client[database], settings)
        live = _repository(client[erasures_from or settings.mongodb_database], settings)
        if live.db.name == database:
            raise NoErasureSource(f"database {database!r} is the live one: rebuild into a new one")
        erasure_log = await _partitions(consumer, ERASURES.name(settings.topic_prefix))
        if not without_erasures and not erasure_log and await live.cases.find_one({}, {"_id": 1}) is None \
                and await live.erasures.find_one({}, {"_id": 1}) is None:
            raise NoErasureSource(f"database {live.db.name!r} holds no cases and no erasures, and there is no erasures topic: "
                                  "name the live database (MONGODB_DATABASE or --erasures-from), or say --without-erasures "
                                  "if none was ever made")
        if erasures_only:
            if without_erasures:
                return Replayed()
            logged = await _replay(consumer, repository, settings.topic_prefix, batch, topics=(ERASURES.name(settings.topic_prefix),))
            return Replayed(erasures=await apply_erasures(logged.erased, live, repository))
        for collection in (repository.cases, repository.events, repository.raw_inbound, repository.rollups):
            if await collection.find_one({}, {"_id": 1}) is not None:
                raise NotEmpty(f"database {database!r} is not empty ({collection.name}): rebuild into a new one")
        await repository.ensure_indexes()
        done = await _replay(consumer, repository, settings.topic_prefix, batch)
        if not without_erasures:
            done.erasures = await apply_erasures(done.erased, live, repository)
        return done
    finally:
        await consumer.stop()
        await client.close()


def _repository(db, settings: ArchiveSettings) -> CaseRepository:
    return CaseRepository(db, attachments_bucket=settings.attachments_bucket, letter_jobs_collection=settings.letter_jobs_collection)


async def _replay(consumer, repository: CaseRepository, prefix: str, batch: int, *, topics: tuple[str, ...] | None = None) -> Replayed:
    """Store every record up to each partition's end offset at the start; the erasures are kept
    aside (`erased`): they name documents that may be replayed after them."""
    partitions = [
        TopicPartition(topic, p)
        for topic in (topics or tuple(spec.name(prefix) for spec in ARCHIVED_TOPICS))
        for p in sorted(await _partitions(consumer, topic))
    ]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = {tp: end for tp, end in (await consumer.end_offsets(partitions)).items() if end > 0}
    done = Replayed()
    while ends:
        fetched = await consumer.getmany(*ends, timeout_ms=1000, max_records=batch)
        records = []
        for tp, partition_records in fetched.items():
            records += [r for r in partition_records if r.offset < ends[tp]]
        for tp in list(ends):
            if await consumer.position(tp) >= ends[tp]:
                del ends[tp]
        if not records:
            continue
        decoded = decode_batch(records, prefix=prefix)
        events = [event for _, event in decoded.events]
        done.erased += handlers.erasures_in(events)
        kept = [event for event in events if not isinstance(event.data, ev.CustomerErased)]
        done.stored += await handlers.archive_batch(kept, [r for _, r in decoded.raws], store=repository)
        done.records += len(records)
        done.skipped += len(decoded.undecodable)
    return done


async def apply_erasures(logged: list[ev.CustomerErased], live: CaseRepository, rebuilt: CaseRepository) -> int:
    """Erase the same documents of the rebuilt database again, oldest erasure first, by the ids
    each erasure names: those of the erasures topic, then those only the live database recorded
    (made before the topic existed; the others are the same erasures, applied once: idempotent on
    the erasure id). Answers how many erasures there are."""
    records = {record["_id"]: record for record in sorted((erasure_record(erased) for erased in logged), key=lambda r: r["at"])}
    if live.db.name != rebuilt.db.name:
        async for record in live.erasures.find({"_id": {"$nin": list(records)}}).sort("at", 1):
            records[record["_id"]] = record
    for record in records.values():
        await rebuilt.apply_erasure(record)
    return len(records)


async def reapply_erasures(live: CaseRepository, rebuilt: CaseRepository) -> int:
    """The erasures the live database recorded, applied to the rebuilt one (see `apply_erasures`)."""
    return await apply_erasures([], live, rebuilt)


async def _partitions(consumer, topic: str) -> set[int]:
    found = consumer.partitions_for_topic(topic)
    if found is None:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        found = consumer.partitions_for_topic(topic)
    return found or set()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="archive rebuild", description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="The empty MongoDB database to rebuild into")
    parser.add_argument("--batch", type=int, help="Records stored at a time (default: ARCHIVE_MAX_BATCH)")
    parser.add_argument("--erasures-from", help="The live database whose erasures are applied again besides the erasures topic's (default: MONGODB_DATABASE)")
    parser.add_argument("--without-erasures", action="store_true", help="Apply no erasure (none was ever made)")
    parser.add_argument("--erasures-only", action="store_true",
                        help="Replay only the erasures topic; apply its and the live database's erasures to DATABASE again (after switching to it)")
    args = parser.parse_args(argv)
    settings = ArchiveSettings()
    configure_logging(service=settings.service_name, level=settings.log_level, fmt=settings.log_format)
    try:
        done = asyncio.run(rebuild(settings, database=args.database, batch=args.batch, erasures_from=args.erasures_from,
                                   without_erasures=args.without_erasures, erasures_only=args.erasures_only))
    except (NotEmpty, NoErasureSource) as exc:
        print(f"archive rebuild: {exc}")
        return 2
    print(f"archive rebuild: {done.records} records replayed into {args.database!r}: {done.stored} events new, "
          f"{done.skipped} undecodable skipped (dead-lettered when they arrived), {done.erasures} erasures applied again")
    return 0
