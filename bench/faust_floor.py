"""The ceiling Faust itself puts on a worker on this machine: a worker whose agents do no work
but have routing's shape (consume → repartition → consume → publish, one Table and one
GlobalTable write per message), with the platform's Faust settings (shared/streams.make_app).
Compare with bench/routing_worker.py: the difference is the cost of the decisions.

Usage: python bench/faust_floor.py [N=8000]        (the script starts its own worker)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from backends import backends
from complaints_shared.settings import ServiceSettings
from measure import count_records, cpu_seconds
from processes import free_port

PAYLOAD = b'{"specversion": "1.0", "type": "bench", "data": {"text": "' + b"x" * 600 + b'"}}'


def worker() -> None:
    """The do-nothing Faust worker, run as a separate process by main()."""
    import faust  # noqa: F401 - Faust must be importable before streams
    from complaints_shared.streams import make_app, run_worker

    settings = ServiceSettings()
    app = make_app(settings, app_id="faust-floor", data_dir=Path(tempfile.mkdtemp()))
    source = app.topic(f"{settings.topic_prefix}floor-in", value_type=bytes, key_type=bytes)
    sink = app.topic(f"{settings.topic_prefix}floor-out", value_type=bytes, key_type=bytes)
    repartitioned = app.topic(f"{app.conf.id}-by-key", value_type=bytes, key_type=bytes, internal=True, partitions=6)
    table = app.Table("floor-table", default=None, partitions=6)
    global_table = app.GlobalTable("floor-global", default=None)

    @app.agent(source, name="first")
    async def first(stream):
        async for record in stream.events():
            await repartitioned.send(key=record.key, value=record.value)
            yield None

    @app.agent(repartitioned, name="second")
    async def second(stream):
        async for record in stream.events():
            await sink.send(key=record.key, value=record.value)
            table[record.key.decode()] = [1]
            global_table[record.key.decode()] = "owner"
            yield None

    run_worker(app, loglevel="warning")


async def create_topics(settings: ServiceSettings) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(f"{settings.topic_prefix}floor-{end}", 6, 1) for end in ("in", "out")])
    finally:
        await admin.close()


async def publish(settings: ServiceSettings, n: int) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=20, acks="all")
    await producer.start()
    try:
        sent = [await producer.send(f"{settings.topic_prefix}floor-in", PAYLOAD, key=f"k{i}".encode()) for i in range(n)]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def main(n: int) -> None:
    with backends() as found:
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "COMPLAINTS_TOPIC_PREFIX": f"ff{uuid.uuid4().hex[:8]}.",
               "PORT": str(free_port()), "LOG_LEVEL": "WARNING"}
        settings = ServiceSettings(**env)
        asyncio.run(create_topics(settings))
        process = subprocess.Popen([sys.executable, __file__, "worker"], env=os.environ | env, stdout=subprocess.DEVNULL)
        try:
            sink = f"{settings.topic_prefix}floor-out"
            time.sleep(5)  # let the worker join the group before the clock starts
            cpu_before, started = cpu_seconds(process.pid), time.monotonic()
            asyncio.run(publish(settings, n))
            seen = asyncio.run(count_records(settings.kafka_bootstrap_servers, sink, n, timeout=300))
            elapsed, cpu = time.monotonic() - started, cpu_seconds(process.pid) - cpu_before
            print(f"do-nothing Faust worker: {seen}/{n} in {elapsed:.1f} s = {seen / elapsed:,.0f} messages/s; "
                  f"worker CPU {cpu / max(seen, 1) * 1000:.2f} ms per message = {seen / cpu:,.0f}/s on a core of its own")
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
