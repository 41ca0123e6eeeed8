"""Notification's clocks at scale, in one worker process on a real broker:

1. load: N cases routed with deadlines days away (N open clocks), until their N assignment
   notices are out; the worker's memory (RSS) then;
2. recovery: the worker killed with SIGKILL and started again: seconds until it is ready
   (table recovered from its changelog, schedule rebuilt), and its memory;
3. lateness: M more cases whose 80 % warning falls within WINDOW seconds, starting a minute
   later, among the N+M open clocks: escalated_at − due_at of each warning, p50/p99/max
   (target p99 < 2 s);
4. notices per second through the e-mail sender to an SMTP sink (aiosmtpd) on this machine.

Usage: python bench/notification_clocks.py [N=100000] [M=2000]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aiokafka import AIOKafkaConsumer
from aiosmtpd.controller import Controller
from backends import backends
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from measure import count_records, cpu_seconds
from notification.adapters.notifiers import EmailNotifier, Notice, SmtpSettings
from notification.domain.ladder import DEFAULT_LADDER_FILE, LadderConfig, WatchedCase
from notification.entrypoints.clocks import ClockKeeper
from processes import ServiceProcess, free_port, start_service, wait_ready

WINDOW = timedelta(seconds=30)
SMTP_NOTICES = 500


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib / 1024


def routed(case_id: str, at: datetime, acknowledge_in: timedelta) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id=f"r-{case_id}", validity=ev.Validity.VALID, category="packaging", department="packaging",
        priority=ev.Priority.P3, confidence=0.9, rules_version="bench", routed_at=at,
        deadlines=ev.Deadlines(acknowledge_by=at + acknowledge_in, resolve_by=at + timedelta(days=30)),
    )
    return ev.envelope(data, source="/bench", event_id=f"routed-{case_id}")


async def publish(settings: ServiceSettings, events: list[ev.Event]) -> float:
    producer = kafka.make_producer(settings, linger_ms=20)
    await producer.start()
    started = time.monotonic()
    futures = [await producer.send(settings.topic("routed"), ev.encode(event), key=(event.subject or "").encode()) for event in events]
    await asyncio.gather(*futures)
    await producer.stop()
    return time.monotonic() - started


async def warnings_lateness(settings: ServiceSettings, case_ids: set[str], timeout: float) -> list[float]:
    consumer = AIOKafkaConsumer(settings.topic("escalations"), bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None,
                                auto_offset_reset="earliest")
    await consumer.start()
    lateness: dict[str, float] = {}
    started = time.monotonic()
    try:
        while len(lateness) < len(case_ids) and time.monotonic() - started < timeout:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    data = ev.decode(record.value).data
                    if data.case_id in case_ids and data.case_id not in lateness:
                        lateness[data.case_id] = (data.escalated_at - data.due_at).total_seconds()
    finally:
        await consumer.stop()
    return sorted(lateness.values())


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


async def smtp_rate() -> float:
    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp = SmtpSettings(host="127.0.0.1", port=controller.port, username=None, password=None, starttls=False, mail_from="bench@corp.example")
        notifier = EmailNotifier(smtp, addresses={}, default_address="desk@corp.example")
        started = time.monotonic()
        for i in range(SMTP_NOTICES):
            await notifier.send(Notice(case_id=f"case-{i}", recipient_role="supervisor:packaging", template="escalated_acknowledge",
                                       fields={"priority": "P3", "due_at": "2026-12-04T10:00:00+00:00"}, notice_id=str(uuid.uuid4())))
        elapsed = time.monotonic() - started
    finally:
        controller.stop()
    assert Sink.count == SMTP_NOTICES
    return SMTP_NOTICES / elapsed


def rebuild_in_process(n: int) -> None:
    """The schedule's share of the recovery: rebuilding the heap from a table of n cases."""
    ladder = LadderConfig.load(DEFAULT_LADDER_FILE)
    now = datetime.now(UTC)
    table = {f"open-{i}": WatchedCase.from_routed(routed(f"open-{i}", now, timedelta(days=3)).data).to_json() for i in range(n)}  # type: ignore[union-attr]

    async def nothing(*_args) -> None:
        return None

    keeper = ClockKeeper(table=table, ladder=ladder, publish=nothing, publish_work=nothing, clock=lambda: now, ready=lambda: True)
    started = time.perf_counter()
    asyncio.run(keeper.rebuild())
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    before, _peak = tracemalloc.get_traced_memory()
    asyncio.run(keeper.rebuild())
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"schedule rebuild from a table of {n:,} cases: {elapsed:.2f} s ({elapsed / n * 1e6:.0f} µs a case); "
          f"the heap and its index hold {(after - before) / 2**20:,.1f} MiB (peak while rebuilding {(peak - before) / 2**20:,.1f} MiB)")


def main(n: int, m: int) -> None:
    rebuild_in_process(n)
    with backends() as found, tempfile.TemporaryDirectory() as workdir:
        env = {"KAFKA_BOOTSTRAP_SERVERS": found.kafka_bootstrap_servers, "COMPLAINTS_TOPIC_PREFIX": f"nc{uuid.uuid4().hex[:8]}.",
               "COMPLAINTS_API_KEY": "bench", "LOG_LEVEL": "WARNING"}
        settings = ServiceSettings(**env)
        asyncio.run(kafka.ensure_topics(settings))
        worker: ServiceProcess = start_service("notification", env=env, workdir=Path(workdir))
        try:
            wait_ready(worker)
            now = datetime.now(UTC)
            cpu_before = cpu_seconds(worker.process.pid)
            published = asyncio.run(publish(settings, [routed(f"open-{i}", now, timedelta(days=3)) for i in range(n)]))
            started = time.monotonic()
            seen = asyncio.run(count_records(settings.kafka_bootstrap_servers, settings.topic("notifications"), n, timeout=1800))
            elapsed = time.monotonic() - started + published
            print(f"load: {seen:,}/{n:,} cases watched in {elapsed:.0f} s = {seen / elapsed:,.0f} cases/s "
                  f"(worker CPU {(cpu_seconds(worker.process.pid) - cpu_before) / max(seen, 1) * 1000:.2f} ms per case)")
            print(f"memory with {seen:,} open clocks: {rss_mib(worker.process.pid):,.0f} MiB RSS")

            worker.kill()
            started = time.monotonic()
            worker = start_service("notification", env=env, workdir=Path(workdir), port=worker.port, log_name="restarted.log")
            wait_ready(worker, timeout=600)
            print(f"recovery after kill -9: ready in {time.monotonic() - started:.1f} s (process start, table restored, "
                  f"schedule rebuilt); {rss_mib(worker.process.pid):,.0f} MiB RSS")

            # A minute ahead: the worker has these cases in its table (and its schedule) before
            # their warnings fall, so this measures the timer, not the routed backlog.
            start = datetime.now(UTC) + timedelta(seconds=60)
            # The warning falls at 80 % of the acknowledge window: spread them over WINDOW.
            due = [routed(f"due-{i}", start, (WINDOW * (i / m) + timedelta(seconds=5)) / 0.8) for i in range(m)]
            asyncio.run(publish(settings, due))
            lateness = asyncio.run(warnings_lateness(settings, {event.data.case_id for event in due}, timeout=300))
            print(f"lateness of {len(lateness):,}/{m:,} warnings among {n + m:,} open clocks: p50 {percentile(lateness, 50):.3f} s, "
                  f"p99 {percentile(lateness, 99):.3f} s, max {max(lateness):.3f} s")
        finally:
            worker.stop()
    print(f"e-mail: {asyncio.run(smtp_rate()):,.0f} notices/s to an SMTP sink on this machine (one connection per notice, sequential)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
