"""Throughput of one routing worker process on a real broker: publish N received complaints
(the dev set's texts, each from its own customer), time until N routed events are on the topic.
Also prints the worker's CPU time per complaint, and the rate that makes on a core of its own:
here the broker and this script compete with the worker for the machine's 2 cores.

Usage: python bench/routing_worker.py [N=3000]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from backends import backends
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from measure import count_records, cpu_seconds
from processes import start_service, wait_ready

DEV = Path(__file__).resolve().parents[2] / "shared" / "routing-eval" / "dev.jsonl"


async def publish(settings: ServiceSettings, n: int) -> float:
    records = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    producer = kafka.make_producer(settings, linger_ms=20)
    await producer.start()
    topic = settings.topic("received")
    started = time.monotonic()
    futures = []
    for i in range(n):
        r = records[i % len(records)]
        data = ev.ComplaintReceived(case_id=f"bench-{i}", channel=r["channel"], text=r["text"], subject=r.get("subject", ""),
                                   customer=ev.CustomerContact(customer_id=f"cust-{i}"), received_at=datetime.now(UTC))
        futures.append(await producer.send(topic, ev.encode(ev.envelope(data, source="/bench")), key=data.case_id.encode()))
    await asyncio.gather(*futures)
    await producer.stop()
    return time.monotonic() - started


def main(n: int) -> None:
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "COMPLAINTS_TOPIC_PREFIX": f"rw{uuid.uuid4().hex[:8]}.",
               "COMPLAINTS_API_KEY": "bench", "LOG_LEVEL": "WARNING"}
        settings = ServiceSettings(**env)
        asyncio.run(kafka.ensure_topics(settings))
        routing = start_service("routing", env=env, workdir=Path(workdir))
        try:
            wait_ready(routing)
            routed_topic = settings.topic("routed")
            cpu_before = cpu_seconds(routing.process.pid)
            published = asyncio.run(publish(settings, n))
            started = time.monotonic()
            seen = asyncio.run(count_records(settings.kafka_bootstrap_servers, routed_topic, n, timeout=600))
            elapsed = time.monotonic() - started + published
            cpu_per_complaint = (cpu_seconds(routing.process.pid) - cpu_before) / max(seen, 1)
            print(f"one routing worker: {seen}/{n} complaints routed in {elapsed:.1f} s = {seen / elapsed:,.0f} decisions/s "
                  f"(published in {published:.1f} s; broker and worker share this machine's 2 cores)")
            print(f"worker CPU: {cpu_per_complaint * 1000:.2f} ms per complaint = {1 / cpu_per_complaint:,.0f} decisions/s "
                  f"on a core of its own")
        finally:
            routing.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
