"""Routing alone under repeated kill -9 and rebalances: two workers in one group while
complaints arrive at a steady rate; one worker is killed and restarted every few seconds,
alternately, so partitions keep moving between members. Every complaint on the received
topic must come out routed (once per case id under one event id), however often the group
rebalanced under it.

`ROUTING_KILL_ROUNDS` (default 4) sets how many faults, `ROUTING_FAULTS` which (kill, freeze);
`make faults` runs it with freezes too, after the whole-system harness.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from following import TopicFollower
from processes import ServiceProcess, start_service, wait_ready
from topic_records import group_positions
from waiting import wait_for

pytestmark = pytest.mark.integration
ROUNDS = int(os.environ.get("ROUTING_KILL_ROUNDS", "4"))
RATE = 40  # complaints per second while the workers are killed
KILL_EVERY = float(os.environ.get("ROUTING_KILL_EVERY", "8"))  # seconds between kills
# In `make test` workers are killed; `make faults` freezes them too (ROUTING_FAULTS=kill,freeze):
# in one CI run (with a forwarding loop since withdrawn) the freeze rounds left 449 of 3,601
# complaints unrouted after 240 s; the failure message locates such a case (offsets per group).
FAULTS = os.environ.get("ROUTING_FAULTS", "kill").split(",")
SLOTS = "ab"[: int(os.environ.get("ROUTING_WORKERS", "2"))]
FROZEN_FOR = 25.0  # seconds: past the worker's 20 s session timeout
ALL_ROUTED_WITHIN = 240  # after the last kill: sessions of killed members expire (20 s), rebalances settle


def _complaint(i: int) -> tuple[bytes, bytes]:
    data = ev.ComplaintReceived(
        case_id=f"kill-{i}", channel=ev.Channel.WEB, text=f"The heater I bought rattles and smells of dust, order H-{i}.",
        customer=ev.CustomerContact(customer_id=f"c-{i % 97}"), received_at=datetime.now(UTC),
    )
    return ev.encode(ev.envelope(data, source="/t", event_id=f"rcv-{i}")), data.case_id.encode()


class SteadyPublisher:
    """Publishes complaints at RATE per second on its own thread until stopped; counts what the
    broker acknowledged."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.acknowledged = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="steady-publisher", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self) -> SteadyPublisher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _run(self) -> None:
        producer = kafka.make_producer(self.settings)
        await producer.start()
        try:
            started = time.monotonic()
            while not self._stop.is_set():
                due = int((time.monotonic() - started) * RATE)
                while self.acknowledged < due:
                    value, key = _complaint(self.acknowledged)
                    await producer.send_and_wait(self.settings.topic("received"), value, key=key)
                    self.acknowledged += 1
                await asyncio.sleep(0.02)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            await producer.stop()


async def _positions(settings: ServiceSettings) -> str:
    """Each topic's end offsets beside routing's committed offsets: where it stuck."""
    return await group_positions(settings.kafka_bootstrap_servers, f"{settings.topic_prefix}routing",
                                 [settings.topic("received"), f"{settings.topic_prefix}routing-by-customer"])


def _routed(follower: TopicFollower) -> dict[str, set[str]]:
    routed: dict[str, set[str]] = defaultdict(set)
    for seen in follower.records():
        routed[seen.event["data"]["case_id"]].add(seen.event["id"])
    return routed


@pytest.mark.timeout(1500)  # runs for minutes by design; the default bound is for hangs
def test_routing_loses_nothing_when_workers_are_killed_again_and_again(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    asyncio.run(kafka.ensure_topics(settings))
    env = backend_env | {"COMPLAINTS_API_KEY": "k", "LOG_LEVEL": "INFO"}
    workers: dict[str, ServiceProcess] = {}
    every: list[ServiceProcess] = []

    def start(slot: str, restart: int) -> None:
        port = workers[slot].port if slot in workers else None
        workers[slot] = start_service("routing", env=env, workdir=tmp_path / slot,
                                      port=port, log_name=f"routing-{slot}-{restart}.log")
        every.append(workers[slot])

    def logs() -> str:
        return "\n".join(f"--- {w.log_path.name} (exit {w.process.poll()}):\n{w.log_tail(30)}" for w in every[-4:])

    for slot in SLOTS:
        (tmp_path / slot).mkdir()
    with TopicFollower(settings.kafka_bootstrap_servers, [settings.topic("routed")]) as follower:
        try:
            for slot in SLOTS:
                start(slot, 0)
            for slot in SLOTS:
                wait_ready(workers[slot])
            with SteadyPublisher(settings) as publisher:
                for round_ in range(ROUNDS):
                    time.sleep(KILL_EVERY)
                    slot = SLOTS[round_ % len(SLOTS)]
                    fault = FAULTS[(round_ // len(SLOTS)) % len(FAULTS)]
                    if fault == "kill":
                        workers[slot].kill()
                        start(slot, round_ + 1)
                    else:  # frozen past its session timeout: the group moves on without it, then it wakes
                        workers[slot].process.send_signal(signal.SIGSTOP)
                        time.sleep(FROZEN_FOR)
                        workers[slot].process.send_signal(signal.SIGCONT)
                time.sleep(KILL_EVERY)
            assert publisher.error is None, repr(publisher.error)
            sent = publisher.acknowledged
            wait_for(
                lambda: len(_routed(follower)) >= sent, timeout=ALL_ROUTED_WITHIN,
                message=lambda: f"{sent - len(_routed(follower))} of {sent} complaints never routed: "
                f"{sorted({f'kill-{i}' for i in range(sent)} - set(_routed(follower)))[:20]}\n"
                f"{asyncio.run(_positions(settings))}\n{logs()}",
            )
        finally:
            for worker in workers.values():
                worker.stop()
        routed = _routed(follower)

    assert set(routed) == {f"kill-{i}" for i in range(sent)}
    assert {case: ids for case, ids in routed.items() if len(ids) != 1} == {}
