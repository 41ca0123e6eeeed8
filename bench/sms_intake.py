"""SMS accepted per second by one intake process, and the latency at half that rate.

Starts intake as a process against the local Kafka and MongoDB-wire servers (or
KAFKA_BOOTSTRAP_SERVERS/MONGODB_URL), then:

1. flat out: N SMS, each with its own message id, over 32 keep-alive connections, on the JSON
   route (`POST /v1/complaints/sms`) and on Twilio's signed webhook: accepted per second; and
   the generic `POST /v1/complaints` with an external_id (the same claim, publish, complete) as
   the reference for what this machine allows right now;
2. paced at half the JSON rate (open loop: requests leave on a fixed schedule, whether or not
   earlier ones were answered): p50/p99/max latency;
3. `hey` (Go's HTTP client) on one SMS repeated: the rate of answered repeats (a gateway's
   redeliveries), which read the idempotency store and publish nothing.

Why not `hey` for 1 and 2: it sends one body over and over, and the same message id is the same
SMS (a replay, step 3). Unique SMS need a body per request, so the load comes from raw HTTP/1.1
over asyncio sockets here (about 20 µs of CPU a request: the generator is not the limit; it
shares the machine's cores with intake and the broker all the same). Every accepted SMS is
counted on the topic afterwards.

Usage: python bench/sms_intake.py [N=5000]   (step 3 needs `hey`: go install github.com/rakyll/hey@latest)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aiokafka import AIOKafkaConsumer, TopicPartition
from backends import backends
from complaints_shared.topics import RECEIVED
from processes import start_service, wait_ready
from twilio.request_validator import RequestValidator

KEY = "bench-key"
TWILIO_TOKEN = "bench-twilio-token"
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))  # keep-alive connections of the load client (and hey)
TEXT = "空调不制冷，师傅两次上门都没修好，要求换机。"


def find_hey() -> str | None:
    for candidate in (shutil.which("hey"), str(Path.home() / "go" / "bin" / "hey")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def json_request(host: str, n: int, run: str) -> bytes:
    body = json.dumps({"from": f"+86138{n % 100_000_000:08d}", "to": "+8610955555", "text": TEXT, "message_id": f"{run}-{n}"},
                      ensure_ascii=False).encode()
    return (f"POST /v1/complaints/sms HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def complaint_request(host: str, n: int, run: str) -> bytes:
    """The generic route with the same idempotent path (external_id): the reference on this machine, now."""
    body = json.dumps({"channel": "sms", "text": TEXT, "external_id": f"{run}-{n}", "customer": {"phone": f"+86138{n % 100_000_000:08d}"}},
                      ensure_ascii=False).encode()
    return (f"POST /v1/complaints HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def twilio_request(host: str, n: int, run: str, validator: RequestValidator) -> bytes:
    form = {"MessageSid": f"SM{run}{n:08d}", "AccountSid": "AC" + "0" * 32, "From": f"+86138{n % 100_000_000:08d}",
            "To": "+8610955555", "Body": TEXT, "NumSegments": "1"}
    signature = validator.compute_signature(f"http://{host}/v1/complaints/sms/twilio", form)
    body = urlencode(form).encode()
    return (f"POST /v1/complaints/sms/twilio HTTP/1.1\r\nHost: {host}\r\nX-Twilio-Signature: {signature}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def flat_out(port: int, requests: list[bytes]) -> tuple[float, dict[int, int]]:
    """Send every request as fast as the connections allow; (seconds, status counts)."""
    queue = list(reversed(requests))
    statuses: dict[int, int] = {}

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                writer.write(queue.pop())
                status = await read_response(reader)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    return time.perf_counter() - started, statuses


async def paced(port: int, requests: list[bytes], rate: float) -> tuple[list[float], dict[int, int]]:
    """Request i leaves at start + i/rate (open loop) on the first free connection; latencies
    are measured from that scheduled time, so waiting for a connection counts too."""
    connections: asyncio.Queue = asyncio.Queue()
    for _ in range(CONNECTIONS * 2):
        connections.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()

    async def one(i: int, request: bytes) -> None:
        scheduled = started + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        reader, writer = await connections.get()
        writer.write(request)
        status = await read_response(reader)
        latencies.append(time.perf_counter() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1
        connections.put_nowait((reader, writer))

    await asyncio.gather(*(one(i, request) for i, request in enumerate(requests)))
    while not connections.empty():
        connections.get_nowait()[1].close()
    return latencies, statuses


async def on_topic(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[round(q * 1000) - 1] if len(values) > 1 else values[0]


def main(n: int) -> None:
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        token = uuid.uuid4().hex[:8]
        prefix, database = f"bench{token}.", f"bench_{token}"
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "MONGODB_URL": found.mongodb_url,
               "COMPLAINTS_TOPIC_PREFIX": prefix, "MONGODB_DATABASE": database, "COMPLAINTS_API_KEY": KEY,
               "INTAKE_TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "INTAKE_CONSUME_RAW_TOPIC": "false", "INTAKE_LETTER_OCR_WORKER": "false",
               "INTAKE_SMTP_ENABLED": "false", "LOG_LEVEL": "WARNING"}
        intake = start_service("intake", env=env, workdir=Path(workdir))
        try:
            wait_ready(intake)
            host = f"127.0.0.1:{intake.port}"
            validator = RequestValidator(TWILIO_TOKEN)
            warm = [json_request(host, i, f"warm{token}") for i in range(500)]
            asyncio.run(flat_out(intake.port, warm))
            print(f"backends: {found.kind}; one intake process; {CONNECTIONS} connections; {n} SMS a run, each its own message id")
            rates = {}
            for route, make in (("json", lambda i: json_request(host, i, f"json{token}")),
                                ("twilio", lambda i: twilio_request(host, i, f"tw{token}", validator)),
                                ("/v1/complaints (reference)", lambda i: complaint_request(host, i, f"ref{token}"))):
                requests = [make(i) for i in range(n)]
                seconds, statuses = asyncio.run(flat_out(intake.port, requests))
                rates[route] = n / seconds
                print(f"flat out, {route}: {n} in {seconds:.2f} s = {n / seconds:,.0f} SMS/s accepted; statuses {statuses}")
            half = rates["json"] / 2
            requests = [json_request(host, i, f"paced{token}") for i in range(n)]
            latencies, statuses = asyncio.run(paced(intake.port, requests, half))
            print(f"paced at {half:,.0f}/s (half the JSON rate), {n} SMS: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                  f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; statuses {statuses}")
            expected = 500 + 4 * n
            recorded = asyncio.run(on_topic(found.kafka_bootstrap_servers, RECEIVED.name(prefix)))
            print(f"on the received topic: {recorded} complaints (expected {expected})")
            hey = find_hey()
            if hey:
                body = Path(workdir) / "sms.json"
                body.write_text(json.dumps({"from": "+8613800138000", "text": TEXT, "message_id": f"repeat{token}"}, ensure_ascii=False))
                result = subprocess.run(
                    [hey, "-n", str(n), "-c", str(CONNECTIONS), "-m", "POST", "-T", "application/json", "-H", f"Authorization: Bearer {KEY}",
                     "-D", str(body), f"http://{host}/v1/complaints/sms"], capture_output=True, text=True, check=True,
                )
                summary = [" ".join(line.split()) for line in result.stdout.splitlines()
                           if "Requests/sec" in line or "99%" in line or line.strip().startswith("[")]
                print(f"hey, one SMS delivered {n} times (replays): " + "; ".join(summary))
            else:
                print("hey not found (go install github.com/rakyll/hey@latest): the replay step is skipped")
        finally:
            intake.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
