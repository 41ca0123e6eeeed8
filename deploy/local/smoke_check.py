"""Smoke check of the local infra (deploy/local/bin/infra) with the project's client libraries.

usage:  eval "$(deploy/local/bin/infra env)"   # or export the two variables yourself
        .venv/bin/python deploy/local/smoke_check.py

Kafka (aiokafka): create a topic with AIOKafkaAdminClient, produce with acks=all and
idempotence, consume it back with a consumer group.
MongoDB (pymongo AsyncMongoClient): insert/find, update with $push, $inc upsert,
aggregate with $group/$avg and $facet, unique index (duplicate rejected).
Exits non-zero on the first failure; prints one line per check.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


async def check_kafka(bootstrap: str) -> None:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"smoke-{uuid.uuid4().hex[:8]}"
    t0 = time.monotonic()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name=topic, num_partitions=1, replication_factor=1)])
        topics = await admin.list_topics()
        assert topic in topics, f"topic {topic} not listed: {topics}"
    finally:
        await admin.close()
    print(f"kafka: created topic {topic} ({time.monotonic() - t0:.2f}s)")

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for i in range(10):
            await producer.send_and_wait(topic, key=str(i).encode(), value=f"complaint-{i}".encode())
    finally:
        await producer.stop()
    print("kafka: produced 10 messages (acks=all, idempotent)")

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"smoke-group-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    got: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while len(got) < 10 and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                got.extend(r.value.decode() for r in records)
        await consumer.commit()
    finally:
        await consumer.stop()
    assert got == [f"complaint-{i}" for i in range(10)], got
    print(f"kafka: consumed 10/10 in order with a consumer group ({time.monotonic() - t0:.2f}s total)")


async def check_mongo(url: str) -> None:
    from pymongo import AsyncMongoClient
    from pymongo.errors import DuplicateKeyError

    client = AsyncMongoClient(url, serverSelectionTimeoutMS=5000)
    db = client[f"smoke_{uuid.uuid4().hex[:8]}"]
    try:
        info = await client.server_info()
        hello = await client.admin.command("hello")
        print(f"mongo: server {info['version']}, maxWireVersion {hello.get('maxWireVersion')}")
        col = db.complaints
        await col.insert_one({"_id": "c1", "customer": "alice", "score": 3, "events": []})
        await col.insert_one({"_id": "c2", "customer": "bob", "score": 5, "events": []})
        await col.insert_one({"_id": "c3", "customer": "alice", "score": 4, "events": []})
        doc = await col.find_one({"_id": "c1"})
        assert doc and doc["customer"] == "alice", doc
        n = len([d async for d in col.find({"customer": "alice"})])
        assert n == 2, n
        print("mongo: insert/find ok")

        res = await col.update_one({"_id": "c1"}, {"$push": {"events": {"type": "opened"}}})
        assert res.modified_count == 1
        doc = await col.find_one({"_id": "c1"})
        assert doc["events"] == [{"type": "opened"}], doc
        print("mongo: update $push ok")

        counters = db.counters
        for _ in range(3):
            await counters.update_one({"_id": "seq"}, {"$inc": {"n": 1}}, upsert=True)
        doc = await counters.find_one({"_id": "seq"})
        assert doc["n"] == 3, doc
        print("mongo: $inc upsert ok")

        rows = [
            r
            async for r in await col.aggregate(
                [{"$group": {"_id": "$customer", "avg": {"$avg": "$score"}}}, {"$sort": {"_id": 1}}]
            )
        ]
        assert rows == [{"_id": "alice", "avg": 3.5}, {"_id": "bob", "avg": 5.0}], rows
        facet = [
            r
            async for r in await col.aggregate(
                [
                    {
                        "$facet": {
                            "total": [{"$count": "n"}],
                            "high": [{"$match": {"score": {"$gte": 4}}}, {"$count": "n"}],
                        }
                    }
                ]
            )
        ]
        assert facet == [{"total": [{"n": 3}], "high": [{"n": 2}]}], facet
        print("mongo: aggregate $group/$avg and $facet ok")

        await db.users.create_index("email", unique=True)
        await db.users.insert_one({"email": "a@example.org"})
        try:
            await db.users.insert_one({"email": "a@example.org"})
        except DuplicateKeyError:
            pass
        else:
            raise AssertionError("unique index did not reject a duplicate")
        print("mongo: unique index rejects duplicates ok")
    finally:
        await client.drop_database(db.name)
        await client.close()


async def main() -> int:
    bootstrap = _env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    url = _env("MONGODB_URL", "mongodb://127.0.0.1:27017")
    which = sys.argv[1:] or ["kafka", "mongo"]
    if "kafka" in which:
        await check_kafka(bootstrap)
    if "mongo" in which:
        await check_mongo(url)
    print("smoke check passed")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
