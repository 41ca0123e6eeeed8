"""The ceiling Faust itself puts on a worker on this machine: a worker whose agents do no work
but have routing's shape (consume → repartition → consume → publish, one Table and one
GlobalTable write per message), with the platform's Faust settings (shared/streams.make_app).
Compare with bench/routing_worker.py: the difference is the cost of the decisions.

Usage: python bench/faust_floor.py [N=8000] [--take K]   (the script starts its own worker)

--take K: the first hop reads its stream in batches of up to K events (`Stream.take_events`,
50 ms window) instead of one at a time. Only the first hop: the second writes a Table, and Faust
refuses a table write outside the iteration of the event it belongs to ("Cannot modify table key
from outside of stream iteration"), which is where a batch's body runs.
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


def worker(take: int) -> None:
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
        if take:
            async for batch in stream.take_events(take, within=0.05):
                for record in batch:
                    await repartitioned.send(key=record.key, value=record.value)
                yield None
        else:
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
        # The repartition topic too: a worker that joins its group before the topic exists is
        # never assigned it (Faust: "Ignoring missing topic") and forwards into the void.
        names = [f"{settings.topic_prefix}floor-in", f"{settings.topic_prefix}floor-out", f"{settings.topic_prefix}faust-floor-by-key"]
        await admin.create_topics([NewTopic(name, 6, 1) for name in names])
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


def main(n: int, take: int) -> None:
    with backends() as found:
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "COMPLAINTS_TOPIC_PREFIX": f"ff{uuid.uuid4().hex[:8]}.",
               "PORT": str(free_port()), "LOG_LEVEL": "WARNING"}
        settings = ServiceSettings(**env)
        asyncio.run(create_topics(settings))
        process = subprocess.Popen([sys.executable, __file__, "worker", str(take)], env=os.environ | env, stdout=subprocess.DEVNULL)
        try:
            sink = f"{settings.topic_prefix}floor-out"
            time.sleep(5)  # let the worker join the group before the clock starts
            cpu_before, started = cpu_seconds(process.pid), time.monotonic()
            asyncio.run(publish(settings, n))
            seen = asyncio.run(count_records(settings.kafka_bootstrap_servers, sink, n, timeout=300))
            elapsed, cpu = time.monotonic() - started, cpu_seconds(process.pid) - cpu_before
            shape = f"first hop in batches of up to {take}" if take else "one event at a time"
            print(f"do-nothing Faust worker ({shape}): {seen}/{n} in {elapsed:.1f} s = {seen / elapsed:,.0f} messages/s; "
                  f"worker CPU {cpu / max(seen, 1) * 1000:.2f} ms per message = {seen / cpu:,.0f}/s on a core of its own")
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(int(sys.argv[2]))
    else:
        import argparse

        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("n", type=int, nargs="?", default=8000)
        parser.add_argument("--take", type=int, default=0, help="first hop in batches of up to this many events")
        args = parser.parse_args()
        main(args.n, args.take)
