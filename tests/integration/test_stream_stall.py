"""A stream whose partition Faust leaves paused (no error, no rebalance: seen once after a
kill -9 and restart of routing) is found by the StallWatch and resumed: every record is handled.
Real broker, a real Faust worker process (stall_worker.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from processes import REPO, ServiceProcess, free_port, wait_ready
from topic_records import create_topic
from waiting import wait_for

pytestmark = pytest.mark.integration
WORKER = Path(__file__).with_name("stall_worker.py")
STALL_SECONDS = "2"  # the worker's STREAM_STALL_SECONDS (60 in production); with 1000 this test fails: nothing comes after the pause


async def _publish(bootstrap: str, topic: str, values: list[str], partition: int = 0) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value.encode(), key=b"k", partition=partition)
    finally:
        await producer.stop()


class Ticker:
    """Publishes `tick<n>` to one partition every 0.2 s on its own thread until stopped: a
    partition that keeps its stream moving."""

    def __init__(self, bootstrap: str, topic: str, partition: int) -> None:
        self.bootstrap, self.topic, self.partition = bootstrap, topic, partition
        self.stopped = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="ticker", daemon=True)

    async def _run(self) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
        await producer.start()
        try:
            while not self.stopped.wait(0.2):
                await producer.send_and_wait(self.topic, f"tick{self.sent}".encode(), key=b"t", partition=self.partition)
                self.sent += 1
        finally:
            await producer.stop()


def _handled(out: Path) -> list[str]:
    return [line.split(" ", 1)[1] for line in out.read_text().splitlines()] if out.exists() else []


def _start(backend_env: dict[str, str], tmp_path: Path, out: Path, stall_seconds: str) -> ServiceProcess:
    port = free_port()
    log_path = tmp_path / "stall-worker.log"
    env = backend_env | {"STALL_TEST_OUT": str(out), "STALL_TEST_PORT": str(port), "STREAM_STALL_SECONDS": stall_seconds,
                         "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO / "tests")}
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, str(WORKER)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    return ServiceProcess("stall-worker", port, process, log_path)


async def test_a_partition_left_paused_is_found_and_resumed_and_every_record_handled(backend_env, tmp_path):
    bootstrap, topic = backend_env["KAFKA_BOOTSTRAP_SERVERS"], f"{backend_env['COMPLAINTS_TOPIC_PREFIX']}stall"
    await create_topic(bootstrap, topic, partitions=1)
    out = tmp_path / "handled.txt"
    worker = _start(backend_env, tmp_path, out, STALL_SECONDS)
    try:
        wait_ready(worker)
        await _publish(bootstrap, topic, [f"r{n}" for n in range(5)] + ["pause"])
        wait_for(lambda: "pause" in _handled(out), timeout=60, message=lambda: f"the first records not handled:\n{worker.log_tail()}")
        paused_at = time.monotonic()
        await _publish(bootstrap, topic, [f"r{n}" for n in range(6, 20)])
        wait_for(lambda: "r19" in _handled(out), timeout=60,
                 message=lambda: f"handled {_handled(out)} after the pause:\n{worker.log_tail()}")
        resumed_after = time.monotonic() - paused_at
    finally:
        worker.stop()
    assert set(_handled(out)) == {f"r{n}" for n in range(20) if n != 5} | {"pause"}
    assert resumed_after >= float(STALL_SECONDS)  # held by the pause until the watch found it
    stalls = [line for line in worker.log_path.read_text().splitlines() if "stream stalled" in line]
    assert len(stalls) >= 1 and '"level": "WARNING"' in stalls[0] and f"{topic}/0@" in stalls[0]


async def test_a_partition_left_paused_while_another_keeps_the_stream_moving_is_found_and_resumed(backend_env, tmp_path):
    # Partition 1 hands a record over every 0.2 s, so the stream never waits STALL_SECONDS; the
    # watch must find partition 0 on its own (it did not before 2026-12-06).
    bootstrap, topic = backend_env["KAFKA_BOOTSTRAP_SERVERS"], f"{backend_env['COMPLAINTS_TOPIC_PREFIX']}stall2"
    await create_topic(bootstrap, topic, partitions=2)
    out = tmp_path / "handled.txt"
    worker = _start(backend_env | {"STALL_TEST_TOPIC": "stall2"}, tmp_path, out, STALL_SECONDS)
    ticker = Ticker(bootstrap, topic, partition=1)
    try:
        wait_ready(worker)
        await _publish(bootstrap, topic, [f"r{n}" for n in range(5)] + ["pause"], partition=0)
        wait_for(lambda: "pause" in _handled(out), timeout=60, message=lambda: f"the first records not handled:\n{worker.log_tail()}")
        ticker.thread.start()
        await _publish(bootstrap, topic, [f"r{n}" for n in range(6, 20)], partition=0)
        wait_for(lambda: "r19" in _handled(out), timeout=60,
                 message=lambda: f"handled {_handled(out)[-30:]} after the pause:\n{worker.log_tail()}")
    finally:
        ticker.stopped.set()
        ticker.thread.join(timeout=10)
        worker.stop()
    handled = set(_handled(out))
    assert {f"r{n}" for n in range(20) if n != 5} | {"pause"} <= handled
    assert ticker.sent > 0 and any(value.startswith("tick") for value in handled)  # the stream kept moving meanwhile
    stalls = [line for line in worker.log_path.read_text().splitlines() if "stream stalled" in line]
    assert stalls and f"{topic}/0@" in stalls[0] and f"{topic}/1@" not in stalls[0]


async def test_a_partition_the_group_never_committed_whose_position_ran_past_its_records_is_read_from_its_start(backend_env, tmp_path):
    # Seen in the routing kill test (2026-12-07): a worker held a partition the group had never
    # committed, at a fetch position past records it never handed over. Faust's seek to the
    # committed offsets leaves such a partition where it stands (aiokafka seeks only to a
    # commit above 0); the watch must seek it to its first offset itself.
    bootstrap, topic = backend_env["KAFKA_BOOTSTRAP_SERVERS"], f"{backend_env['COMPLAINTS_TOPIC_PREFIX']}stall3"
    await create_topic(bootstrap, topic, partitions=1)
    await _publish(bootstrap, topic, [f"r{n}" for n in range(10)])
    out = tmp_path / "handled.txt"
    worker = _start(backend_env | {"STALL_TEST_TOPIC": "stall3", "STALL_TEST_LOSE_POSITION": "1"}, tmp_path, out, STALL_SECONDS)
    try:
        wait_ready(worker)
        wait_for(lambda: "r9" in _handled(out), timeout=60, message=lambda: f"handled {_handled(out)}:\n{worker.log_tail()}")
    finally:
        worker.stop()
    assert set(_handled(out)) == {f"r{n}" for n in range(10)}
    stalls = [line for line in worker.log_path.read_text().splitlines() if "stream stalled" in line]
    assert stalls and f"{topic}/0@0" in stalls[0]  # it was the watch that found them
