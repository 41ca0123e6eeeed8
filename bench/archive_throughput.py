"""Events archived per second by one archive process, on a real broker and store.

Publishes the whole life of N cases (received, routed, a notice, the eight steps of the method,
an escalation for one case in ten: about ten events a case) to fresh topics, then starts
archive's own consumer wiring (`Archive.lifespan`: the same code `python -m archive serve`
runs) and measures from the moment its consumer has its partitions until the archive's
consumer group has committed every offset (it commits only after the effect is stored).

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092 MONGODB_URL=mongodb://127.0.0.1:37017 \\
        .venv/bin/python bench/archive_throughput.py [--cases 1500]

Each run uses its own topic prefix and database (dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from archive.bootstrap import Archive
from archive.entrypoints.consumer import ARCHIVED_TOPICS
from archive.settings import ArchiveSettings
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import topic_of

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DEPARTMENTS = ("quality", "logistics", "billing", "service")
CATEGORIES = ("product_quality", "delivery", "billing", "service")


def case_life(n: int) -> list[ev.Contract]:
    """One case from reception to closing, its times spread over a month."""
    case_id = f"bench-{n}"
    received_at = T0 + timedelta(minutes=17 * n)
    at = lambda hours: received_at + timedelta(hours=hours)  # noqa: E731
    deadlines = ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120), department_reply_by=at(24))
    life: list[ev.Contract] = [
        ev.ComplaintReceived(case_id=case_id, channel=list(ev.Channel)[n % 5], text="the kettle leaks at the seam",
                             subject="kettle", received_at=received_at),
        ev.ComplaintRouted(case_id=case_id, received_event_id=f"r{n}", validity=ev.Validity.VALID,
                           category=CATEGORIES[n % 4], department=DEPARTMENTS[n % 4], priority=list(ev.Priority)[n % 4],
                           confidence=0.9, rules_version="bench", routed_at=at(0.01), deadlines=deadlines),
        ev.NotificationSent(case_id=case_id, medium="log", recipient_role=DEPARTMENTS[n % 4], template="new_case",
                            trigger_event_id=f"r{n}", sent_at=at(0.02)),
        ev.CaseAcknowledged(case_id=case_id, actor="agent", at=at(2 + n % 30)),
        ev.CauseFound(case_id=case_id, actor="agent", at=at(40), cause="seal"),
        ev.RemedyProposed(case_id=case_id, actor="agent", at=at(41), remedy="replace"),
        ev.RemedyApproved(case_id=case_id, actor="lead", at=at(42)),
        ev.CaseResolved(case_id=case_id, actor="agent", at=at(60 + n % 100), resolution="replaced"),
        ev.SatisfactionRecorded(case_id=case_id, actor="agent", at=at(170), score=1 + n % 5),
        ev.CaseClosed(case_id=case_id, actor="agent", at=at(171)),
    ]
    if n % 10 == 0:
        life.append(ev.CaseEscalated(case_id=case_id, level=ev.EscalationLevel.SUPERVISOR, deadline="resolve",
                                     due_at=at(120), department=DEPARTMENTS[n % 4], escalated_at=at(121)))
    return life


async def publish(settings: ArchiveSettings, cases: int) -> int:
    producer = kafka.make_producer(settings, linger_ms=20)
    await producer.start()
    sent = 0
    try:
        futures = []
        for n in range(cases):
            for data in case_life(n):
                event = ev.envelope(data, source="/bench", time=getattr(data, "at", None) or T0 + timedelta(minutes=17 * n))
                topic = topic_of(type(data)).name(settings.topic_prefix)
                futures.append(await producer.send(topic, ev.encode(event), key=event.subject.encode()))
                sent += 1
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent


async def lag(settings: ArchiveSettings, admin: AIOKafkaAdminClient, probe: AIOKafkaConsumer, partitions: list[TopicPartition]) -> int:
    committed = await admin.list_consumer_group_offsets(settings.group_name(settings.consumer_group))
    ends = await probe.end_offsets(partitions)
    return sum(end - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0) for tp, end in ends.items())


async def run(cases: int) -> None:
    token = uuid.uuid4().hex[:8]
    settings = ArchiveSettings(COMPLAINTS_TOPIC_PREFIX=f"bench{token}.", MONGODB_DATABASE=f"bench_{token}",
                               consumer_group=f"archive-bench-{token}")
    await kafka.ensure_topics(settings)
    started = time.perf_counter()
    total = await publish(settings, cases)
    print(f"published {total} events of {cases} cases in {time.perf_counter() - started:.1f} s")

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    probe = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    await probe.start()
    partitions = [TopicPartition(t, p) for spec in ARCHIVED_TOPICS for t in [spec.name(settings.topic_prefix)]
                  for p in (probe.partitions_for_topic(t) or range(spec.partitions))]
    archive = Archive(settings)
    client = mongo.make_client(settings)
    cases = mongo.database(client, settings)["cases"]
    try:
        async with archive.lifespan(None):  # type: ignore[arg-type]
            # The clock starts when the consumer has its partitions (it fetches at once): the first
            # batch's reading and folding count, the group's join does not. (Starting at the first
            # case written left the first batch's reading out, which flattered large batches.)
            while True:
                if archive.loop is not None and archive.loop.consumer.assignment():
                    break
                await asyncio.sleep(0.01)
            first = time.perf_counter()
            while (remaining := await lag(settings, admin, probe, partitions)) > 0:
                assert archive.loop is not None and archive.loop.alive, "the archive's consumer stopped"
                await asyncio.sleep(0.1)
            elapsed = time.perf_counter() - first
        # Streamed with a projection: a $group over every case makes the local store hold all of
        # them at once (20,000 cases outgrew its 512 MB heap).
        applied = stored = 0
        async for case in cases.find({}, {"version": 1, "_id": 0}, batch_size=1000):
            applied, stored = applied + case["version"], stored + 1
        print(f"archived {total} events ({applied} in the timelines of {stored} cases) in {elapsed:.2f} s "
              f"= {total / elapsed:,.0f} events/s (lag {remaining})")
    finally:
        await client.drop_database(settings.mongodb_database)
        await client.close()
        await probe.stop()
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1500)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(run(args.cases))


if __name__ == "__main__":
    main()
