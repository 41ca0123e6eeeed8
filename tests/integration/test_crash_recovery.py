"""Nothing is lost: a routing worker killed with SIGKILL in the middle of a stream, then
restarted, routes every complaint (some twice, with the same derived event id)."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from processes import start_service, wait_ready

pytestmark = pytest.mark.integration
N = 600


async def _publish(settings: ServiceSettings) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for i in range(N):
            data = ev.ComplaintReceived(
                case_id=f"crash-{i}", channel=ev.Channel.WEB, text=f"The lamp I bought flickers and buzzes, order L-{i}.",
                customer=ev.CustomerContact(customer_id=f"c-{i}"), received_at=datetime.now(UTC),
            )
            await producer.send(settings.topic("received"), ev.encode(ev.envelope(data, source="/t", event_id=f"rcv-{i}")), key=data.case_id.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def _routed(settings: ServiceSettings, timeout: float) -> tuple[set[str], int, set[str]]:
    consumer = AIOKafkaConsumer(settings.topic("routed"), bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    cases: set[str] = set()
    event_ids: set[str] = set()
    records = 0
    try:
        deadline = time.monotonic() + timeout
        while len(cases) < N and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    event = ev.decode(record.value)
                    cases.add(event.data.case_id)
                    event_ids.add(event.id)
                    records += 1
    finally:
        await consumer.stop()
    return cases, records, event_ids


def test_killed_worker_loses_nothing(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    asyncio.run(kafka.ensure_topics(settings))
    env = backend_env | {"COMPLAINTS_API_KEY": "k", "LOG_LEVEL": "WARNING"}
    first = start_service("routing", env=env, workdir=tmp_path)
    wait_ready(first)
    asyncio.run(_publish(settings))
    # Let it get part of the way, then kill it without any chance to commit or flush.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, _, _ = asyncio.run(_routed(settings, timeout=1))
        if len(done) >= N // 5:
            break
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)
    assert len(done) < N, "the worker finished before it could be killed; raise N"

    second = start_service("routing", env=env, workdir=tmp_path)
    try:
        wait_ready(second)
        cases, records, event_ids = asyncio.run(_routed(settings, timeout=120))
    finally:
        second.stop()
    assert len(cases) == N, f"{N - len(cases)} complaints were never routed"
    # Redelivered complaints are routed again under the same event id: one id per case.
    assert len(event_ids) == N
    assert records >= N
