"""Nothing is lost: a routing worker killed with SIGKILL while it routes, then restarted,
routes every complaint (some maybe twice, always under the same derived event id).

The test decides when the kill comes: a first batch is published and the worker is killed
once some of it has been routed (it fails, with the worker's log, if nothing is routed at
all); the rest is published while the worker is down, so the restarted worker must both
take over uncommitted work and route new complaints. One reader follows the routed topic
for the whole test; each worker process writes its own log file.
"""

from __future__ import annotations

import asyncio
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
N = 600
FIRST_BATCH = 300
ROUTED_BEFORE_KILL = 30
FIRST_ROUTED_WITHIN = 90  # from readiness: a worker that routes nothing by then is broken
ALL_ROUTED_WITHIN = 180  # after the restart's readiness: the dead member's session (20 s) and a rebalance included


def _complaint(i: int) -> tuple[str, bytes, bytes]:
    data = ev.ComplaintReceived(
        case_id=f"crash-{i}", channel=ev.Channel.WEB, text=f"The lamp I bought flickers and buzzes, order L-{i}.",
        customer=ev.CustomerContact(customer_id=f"c-{i}"), received_at=datetime.now(UTC),
    )
    return data.case_id, ev.encode(ev.envelope(data, source="/t", event_id=f"rcv-{i}")), data.case_id.encode()


async def _publish(settings: ServiceSettings, numbers: range) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for i in numbers:
            _, value, key = _complaint(i)
            await producer.send(settings.topic("received"), value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


def _routed_ids(follower: TopicFollower) -> dict[str, set[str]]:
    """Case id → the event ids it was routed under."""
    routed: dict[str, set[str]] = defaultdict(set)
    for seen in follower.records():
        routed[seen.event["data"]["case_id"]].add(seen.event["id"])
    return routed


def _positions(settings: ServiceSettings) -> str:
    return asyncio.run(group_positions(settings.kafka_bootstrap_servers, f"{settings.topic_prefix}routing",
                                       [settings.topic("received"), f"{settings.topic_prefix}routing-by-customer"]))


def _logs(*workers: ServiceProcess) -> str:
    return "\n".join(f"--- {w.log_path.name} (exit {w.process.poll()}):\n{w.log_tail(60)}" for w in workers)


def test_killed_worker_loses_nothing(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    asyncio.run(kafka.ensure_topics(settings))
    env = backend_env | {"COMPLAINTS_API_KEY": "k", "LOG_LEVEL": "INFO"}
    workers: list[ServiceProcess] = []
    with TopicFollower(settings.kafka_bootstrap_servers, [settings.topic("routed")]) as follower:
        try:
            workers.append(start_service("routing", env=env, workdir=tmp_path, log_name="routing-1.log"))
            wait_ready(workers[0])
            asyncio.run(_publish(settings, range(FIRST_BATCH)))
            wait_for(
                lambda: len(_routed_ids(follower)) >= ROUTED_BEFORE_KILL, timeout=FIRST_ROUTED_WITHIN,
                message=lambda: f"the worker was ready but routed {len(_routed_ids(follower))} of {FIRST_BATCH} "
                f"complaints (follower error: {follower.error!r})\n{_logs(*workers)}",
            )
            routed_before_kill = len(_routed_ids(follower))
            workers[0].kill()

            asyncio.run(_publish(settings, range(FIRST_BATCH, N)))
            workers.append(start_service("routing", env=env, workdir=tmp_path, port=workers[0].port, log_name="routing-2.log"))
            wait_ready(workers[1])
            wait_for(
                lambda: len(_routed_ids(follower)) >= N, timeout=ALL_ROUTED_WITHIN,
                message=lambda: f"{N - len(_routed_ids(follower))} of {N} complaints not routed "
                f"({routed_before_kill} routed before the kill; follower error: {follower.error!r}); never routed: "
                f"{sorted(set(_complaint(i)[0] for i in range(N)) - set(_routed_ids(follower)))[:20]}\n{_positions(settings)}\n"
                f"{_logs(*workers)}",
            )
        finally:
            for worker in workers:
                worker.stop()
        routed = _routed_ids(follower)
        records = len(follower.records())

    assert set(routed) == {_complaint(i)[0] for i in range(N)}
    # Redelivered complaints are routed again under the same event id: one id per case.
    assert {case: ids for case, ids in routed.items() if len(ids) != 1} == {}
    assert records >= N
