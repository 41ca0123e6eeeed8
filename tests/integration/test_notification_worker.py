"""Notification's escalation timer in a real worker, with real Faust tables: cases whose
deadlines have already slipped are escalated once per (case, deadline, rung), the worker
survives its timer ticks, and a worker killed with SIGKILL and restarted sends no escalation
and no notice a second time.

Unit tests drive the handlers with a fake table; this one is here because only a real Faust
table refuses a write from outside stream iteration (issue 8: the timer crashed the worker on
every tick that found a slipped deadline).
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from processes import ServiceProcess, start_service, wait_ready
from topic_records import group_committed_all
from waiting import while_worker_runs

pytestmark = pytest.mark.integration

CHECK_INTERVAL_SECONDS = 1
# At least this many timer intervals pass, with the escalations marked, before the worker is killed.
TICKS_OBSERVED = 5
WAIT_SECONDS = 90
SUPERVISOR, MANAGER = ev.EscalationLevel.SUPERVISOR, ev.EscalationLevel.MANAGER


def routed(case_id: str, *, priority: ev.Priority, received_at: datetime, acknowledge_in: timedelta, resolve_in: timedelta) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id=f"received-{case_id}", validity=ev.Validity.VALID, category="product_quality",
        department="quality", priority=priority, confidence=0.9, rules_version="test", routed_at=received_at,
        deadlines=ev.Deadlines(acknowledge_by=received_at + acknowledge_in, resolve_by=received_at + resolve_in),
    )
    return ev.envelope(data, source="/test", event_id=f"routed-{case_id}")


def escalation_id(case_id: str, deadline: str, level: ev.EscalationLevel) -> str:
    # The contract: an escalation's id is derived from (case, deadline, rung).
    return ev.derived_id("escalated", case_id, deadline, level.value)


class Topics:
    """Everything on the escalations, notifications and watched-cases changelog topics, read
    from the beginning with a plain consumer (no group: nothing the worker does affects it)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.escalations_topic = settings.topic("escalations")
        self.notifications_topic = settings.topic("notifications")
        self.changelog_topic = f"{settings.topic_prefix}notification-watched-cases-changelog"
        self.consumer = AIOKafkaConsumer(
            self.escalations_topic, self.notifications_topic, self.changelog_topic,
            bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest",
        )
        self.escalations: list[ev.Event] = []
        self.notices: list[ev.Event] = []
        self.watched: dict[str, dict | None] = {}  # the table as its changelog has it

    async def poll(self) -> None:
        for batch in (await self.consumer.getmany(timeout_ms=300)).values():
            for record in batch:
                if record.topic == self.escalations_topic:
                    self.escalations.append(ev.decode(record.value))
                elif record.topic == self.notifications_topic:
                    self.notices.append(ev.decode(record.value))
                else:
                    self.watched[json.loads(record.key)] = json.loads(record.value) if record.value else None

    async def wait_for(self, condition: Callable[[], bool | Awaitable[bool]], *, worker: ServiceProcess, what: str) -> None:
        await while_worker_runs(condition, step=self.poll, worker=worker, what=what, seconds=WAIT_SECONDS)

    async def all_escalations_committed(self, admin: AIOKafkaAdminClient, group_id: str) -> bool:
        return await group_committed_all(admin, self.consumer, group_id, self.escalations_topic)

    def escalation_ids(self) -> Counter[str]:
        return Counter(event.id for event in self.escalations)

    def notices_by_trigger(self) -> Counter[str]:
        return Counter(event.data.trigger_event_id for event in self.notices)

    def marked(self, case_id: str, deadline: str, level: ev.EscalationLevel) -> bool:
        return ((self.watched.get(case_id) or {}).get("escalated") or {}).get(deadline) == level.value


async def publish_routed(settings: ServiceSettings, *events: ev.Event) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic("routed"), ev.encode(event), key=event.subject.encode())
    finally:
        await producer.stop()


async def start_notification(env: dict[str, str], workdir) -> ServiceProcess:
    worker = start_service("notification", env=env, workdir=workdir)
    await asyncio.to_thread(wait_ready, worker)
    return worker


async def test_slipped_deadlines_escalate_once_and_survive_a_killed_worker(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    env = backend_env | {"COMPLAINTS_API_KEY": "k", "NOTIFICATION_CHECK_INTERVAL_SECONDS": str(CHECK_INTERVAL_SECONDS)}
    now = datetime.now(UTC)
    # Both deadlines slipped minutes ago: the acknowledgement goes to the supervisor (the
    # manager comes 4 h later), the resolution to the manager (config/ladder.yaml); the 80 %
    # warning, superseded, is not sent.
    slipped = routed("slipped", priority=ev.Priority.P2, received_at=now - timedelta(hours=1),
                     acknowledge_in=timedelta(minutes=50), resolve_in=timedelta(minutes=55))
    # A P1 received two hours ago: the manager at once, and again at its slipped resolve
    # deadline (the director's rungs come a day later).
    p1 = routed("p1", priority=ev.Priority.P1, received_at=now - timedelta(hours=2),
                acknowledge_in=timedelta(hours=1), resolve_in=timedelta(hours=1))
    expected = {
        escalation_id("slipped", "acknowledge", SUPERVISOR), escalation_id("slipped", "resolve", MANAGER),
        escalation_id("p1", "acknowledge", MANAGER), escalation_id("p1", "resolve", MANAGER),
    }

    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    try:
        await publish_routed(settings, slipped, p1)
        await topics.wait_for(lambda: expected <= set(topics.escalation_ids()), worker=worker, what="escalations")
        # One notice per escalation (the log medium) and one per assigned case.
        await topics.wait_for(lambda: all(topics.notices_by_trigger()[i] >= 1 for i in expected | {slipped.id, p1.id}),
                              worker=worker, what="notices")
        await topics.wait_for(
            lambda: topics.marked("slipped", "acknowledge", SUPERVISOR) and topics.marked("slipped", "resolve", MANAGER)
            and all(topics.marked("p1", d, MANAGER) for d in ("acknowledge", "resolve")),
            worker=worker, what="marked rungs in the watched-cases changelog",
        )
        # Let the timer tick over the marked cases several times; a later slipped case then
        # proves it still ticks (its escalation comes from a tick after this window).
        ticked_until = time.monotonic() + TICKS_OBSERVED * CHECK_INTERVAL_SECONDS
        await topics.wait_for(lambda: time.monotonic() >= ticked_until, worker=worker, what="timer ticks")
        late = routed("late", priority=ev.Priority.P3, received_at=now - timedelta(hours=1),
                      acknowledge_in=timedelta(minutes=30), resolve_in=timedelta(days=3))
        late_id = escalation_id("late", "acknowledge", SUPERVISOR)
        await publish_routed(settings, late)
        await topics.wait_for(lambda: topics.notices_by_trigger()[late_id] >= 1 and topics.marked("late", "acknowledge", SUPERVISOR),
                              worker=worker, what="the late case's escalation")
        assert worker.process.poll() is None, worker.log_tail()
        expected.add(late_id)
        assert set(topics.escalation_ids()) == expected
        assert topics.escalation_ids() == Counter(expected), "an escalation was published twice by one worker"

        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        before_restart = (topics.escalation_ids(), topics.notices_by_trigger(), len(topics.notices))

        worker = await start_notification(env, tmp_path)
        # A case routed after the restart is escalated only once the restarted worker has its
        # table back and its timer ticks: by then anything it would re-send has been sent.
        after = routed("after-restart", priority=ev.Priority.P2, received_at=now - timedelta(hours=1),
                       acknowledge_in=timedelta(minutes=30), resolve_in=timedelta(days=3))
        after_id = escalation_id("after-restart", "acknowledge", SUPERVISOR)
        await publish_routed(settings, after)
        await topics.wait_for(lambda: topics.notices_by_trigger()[after_id] >= 1 and topics.marked("after-restart", "acknowledge", SUPERVISOR),
                              worker=worker, what="the escalation of the case routed after the restart")
        # Every escalation, those the killed worker had not committed included, handled by the
        # restarted one; then a few more ticks.
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        await admin.start()
        try:
            await topics.wait_for(lambda: topics.all_escalations_committed(admin, f"{settings.topic_prefix}notification"),
                                  worker=worker, what="commit of every escalation by the restarted worker")
        finally:
            await admin.close()
        ticked_until = time.monotonic() + TICKS_OBSERVED * CHECK_INTERVAL_SECONDS
        await topics.wait_for(lambda: time.monotonic() >= ticked_until, worker=worker, what="timer ticks after the restart")
        assert worker.process.poll() is None, worker.log_tail()
    finally:
        await topics.consumer.stop()
        worker.stop()

    escalations_before, notices_before, notice_records_before = before_restart
    new_escalations = topics.escalation_ids() - escalations_before
    assert new_escalations == Counter({after_id: 1}), f"escalations published again after the restart: {new_escalations}"
    new_notices = topics.notices_by_trigger() - notices_before
    assert new_notices == Counter({after_id: 1, after.id: 1}), f"notices sent again after the restart: {new_notices}"
    assert len(topics.notices) == notice_records_before + 2
    # Notices by event id: one per (trigger, role, template, medium), never a duplicate record.
    assert all(count == 1 for count in Counter(event.id for event in topics.notices).values())
