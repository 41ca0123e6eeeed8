"""Complaints per second through the whole system: POST to intake → routed → archived.

Starts the four services as processes against the local Kafka and MongoDB-wire servers (or
KAFKA_BOOTSTRAP_SERVERS/MONGODB_URL), posts N complaints with `hey` (32 connections; Go's HTTP
client, so the load generator is not the limit) and then watches archive's store until every
complaint's routed decision is archived. Prints the accept rate, the end-to-end rate, each
stage's progress over time, and the CPU each service (and the rest of the machine: broker,
store, hey) used meanwhile, per complaint: which part is the limit, and what a rate would take.

Usage: python bench/end_to_end_throughput.py [N=5000]   (needs `hey`: go install github.com/rakyll/hey@latest)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aiokafka import AIOKafkaConsumer, TopicPartition
from backends import backends
from complaints_shared.topics import RECEIVED, ROUTED, TopicSpec
from intake_profile import cpu_seconds
from processes import SERVICES, start_service, wait_ready
from pymongo import MongoClient

KEY = "bench-key"
CONNECTIONS = 32


def find_hey() -> str:
    for candidate in (shutil.which("hey"), str(Path.home() / "go" / "bin" / "hey")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("hey not found: go install github.com/rakyll/hey@latest")


async def topic_end(bootstrap: str, spec: TopicSpec, prefix: str) -> int:
    """Records written to the topic so far (the sum of its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(spec.name(prefix), p) for p in range(spec.partitions)])
        return sum(ends.values())
    finally:
        await consumer.stop()


TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine has been busy and idle so far (all cores)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS, (idle + iowait) / TICKS


def print_cpu(services: dict, before: dict[str, float], machine_before: tuple[float, float], complaints: int) -> None:
    """Where the CPU went while the complaints went through: each service, and the rest of the
    machine (the broker, the store, hey and this script's polling)."""
    busy, idle = (after - first for after, first in zip(machine_cpu(), machine_before, strict=True))
    used = {name: cpu_seconds(service.process.pid) - before[name] for name, service in services.items()}
    print(f"{'CPU while they went through':<28} {'s':>7} {'ms a complaint':>15}")
    for name, seconds in [*used.items(), ("rest (broker, store, hey)", busy - sum(used.values())), ("machine busy", busy),
                          ("machine idle", idle)]:
        print(f"{name:<28} {seconds:7.1f} {1000 * seconds / complaints:15.2f}")


def main(n: int) -> None:
    hey = find_hey()
    n = max(1, n // CONNECTIONS) * CONNECTIONS  # hey sends n // c requests on each of its c connections
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        token = uuid.uuid4().hex[:8]
        prefix, database = f"bench{token}.", f"bench_{token}"
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "MONGODB_URL": found.mongodb_url,
               "COMPLAINTS_TOPIC_PREFIX": prefix, "MONGODB_DATABASE": database, "COMPLAINTS_API_KEY": KEY,
               "LOG_LEVEL": "WARNING"}
        services = {name: start_service(name, env=env, workdir=Path(workdir)) for name in SERVICES}
        mongo = MongoClient(found.mongodb_url, tz_aware=True)
        cases = mongo[database]["cases"]
        try:
            for service in services.values():
                wait_ready(service)
            body = Path(workdir) / "complaint.json"
            body.write_text(json.dumps({"channel": "web", "text": "The blender lid cracked on first use and the motor smells of burning plastic."}))
            cpu_before = {name: cpu_seconds(service.process.pid) for name, service in services.items()}
            machine_before = machine_cpu()
            started = time.monotonic()
            result = subprocess.run(
                [hey, "-n", str(n), "-c", str(CONNECTIONS), "-m", "POST", "-T", "application/json", "-H", f"Authorization: Bearer {KEY}",
                 "-D", str(body), f"{services['intake'].url}/v1/complaints"],
                capture_output=True, text=True, check=True,
            )
            accepted_after = time.monotonic() - started
            codes = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("[")]
            print(f"backends: {found.kind}; {n} complaints posted with {CONNECTIONS} connections in {accepted_after:.1f} s "
                  f"({n / accepted_after:.0f}/s accepted); status codes: {', '.join(codes)}")
            print(f"{'t s':>6} {'received':>9} {'routed':>7} {'archived received':>18} {'archived routed':>16}")
            while True:
                now = time.monotonic() - started
                on_received = asyncio.run(topic_end(found.kafka_bootstrap_servers, RECEIVED, prefix))
                on_routed = asyncio.run(topic_end(found.kafka_bootstrap_servers, ROUTED, prefix))
                # Archive keeps one document per case, its events in the timeline.
                archived_received = cases.count_documents({})
                archived_routed = cases.count_documents({"routed_at": {"$exists": True}})
                print(f"{now:6.1f} {on_received:9d} {on_routed:7d} {archived_received:18d} {archived_routed:16d}", flush=True)
                if archived_routed >= n or now > 600:
                    break
                time.sleep(2)
            total = time.monotonic() - started
            print(f"end to end: {archived_routed} of {n} routed and archived {total:.1f} s after the first post: "
                  f"{archived_routed / total:.0f} complaints/s")
            print_cpu(services, cpu_before, machine_before, n)
        finally:
            mongo.close()
            for service in services.values():
                service.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
