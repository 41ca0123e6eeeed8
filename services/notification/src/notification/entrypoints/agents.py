"""Notification's Faust agents and timer: thin, they decode and call the handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust
from complaints_shared import events as ev
from complaints_shared.logging import case_context
from complaints_shared.streams import Publisher, events_of, handle_or_dead_letter, records_of
from complaints_shared.topics import CASE_UPDATES, ESCALATIONS, RECEIVED, ROUTED, notification_due_topic
from faust.types.tables import TableT
from pydantic import ValidationError

from .. import handlers
from ..domain.digest import DigestPlan
from ..domain.ladder import LadderConfig
from ..settings import NotificationSettings
from .clocks import ClockKeeper, Ownership, work_record


@dataclass
class NotificationAgents:
    watch: TableT
    keeper: ClockKeeper
    watch_received: object
    watch_routed: object
    follow_updates: object
    escalate: object
    due: object
    clocks: object
    # One timer tick: publishes what came due and returns how many; 0 while the table is not
    # (yet) recovered.
    check_once: Callable[[], Awaitable[int]]


async def handle_then_record(
    handle: Callable[[], Awaitable[Any]], *, deliveries: handlers.Deliveries, flush: Callable[[], Awaitable[None]]
) -> None:
    """Handle one event; when that delivered a notice to someone, wait until the broker has the
    table's record of it (Faust sends table writes from a buffer, and before this its record
    could trail the delivery until the next commit). A worker killed after the delivery and
    before that record is on the broker delivers the notice again after its restart (at least
    once, never lost); the wait narrows that window to one round trip to the broker."""
    before = deliveries.count
    await handle()
    if deliveries.count != before:
        await flush()


def register(
    app: faust.App,
    settings: NotificationSettings,
    *,
    publisher: Publisher,
    senders: handlers.Senders,
    ladder: LadderConfig,
    clock,
) -> NotificationAgents:
    received_topic = app.topic(settings.topic(RECEIVED.key), value_type=bytes, key_type=bytes)
    routed_topic = app.topic(settings.topic(ROUTED.key), value_type=bytes, key_type=bytes)
    updates_topic = app.topic(settings.topic(CASE_UPDATES.key), value_type=bytes, key_type=bytes)
    # Notification's own escalations: the timer publishes them, `escalate` marks each rung in
    # the table and sends its notices (a table is written only inside stream iteration).
    escalations_topic = app.topic(settings.topic(ESCALATIONS.key), value_type=bytes, key_type=bytes)
    # The same for what CaseEscalated cannot carry (director, approve-by) and deliveries to retry.
    due_spec = notification_due_topic(settings.app_id)
    due_topic = app.topic(due_spec.name(settings.topic_prefix), value_type=bytes, key_type=bytes, partitions=due_spec.partitions)
    # case id → WatchedCase JSON; co-partitioned with the source topics (key = case id).
    table = app.Table("watched-cases", default=None, partitions=ROUTED.partitions)

    async def publish_work(work: handlers.DueWork) -> None:
        key, value = work_record(work)
        await app.producer.send_and_wait(due_topic.get_topic_name(), key, value, None, None, None)

    async def handle(message: Any, handler: Callable[[], Awaitable[Any]]) -> None:
        await handle_then_record(partial(handle_or_dead_letter, publisher, message, handler, consumer="notification"),
                                 deliveries=senders.deliveries, flush=lambda: app.producer.flush())

    keeper = ClockKeeper(
        table=table,
        ladder=ladder,
        publish=lambda data, event_id: publisher.publish_acknowledged(data, event_id),
        publish_work=publish_work,
        clock=clock,
        ready=lambda: not app.rebalancing and app.tables.actives_ready,
        idle_seconds=settings.check_interval_seconds,
        digest=DigestPlan.parse(settings.digest_at, settings.digest_timezone) if settings.digest_at else None,
        # The table is co-partitioned with its source topics: the routed topic's partitions
        # this worker is assigned are the table's partitions it owns.
        ownership=Ownership(ROUTED.partitions, lambda: {tp.partition for tp in app.assignor.assigned_actives()
                                                        if tp.topic == routed_topic.get_topic_name()}),
    )
    watch = keeper.watch  # the table, rescheduling each case it writes

    @app.on_partitions_assigned.connect
    def rebuild_schedule(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:  # noqa: ARG001 - Faust's signal signature
        keeper.partitions_changed()

    @app.agent(received_topic, name="watch-received")
    async def watch_received(stream):
        async for event, message in events_of(stream, expect=RECEIVED.carries, publisher=publisher, consumer="notification"):
            await handle(message, partial(handlers.on_received, event, watch=watch, senders=senders, now=clock()))
            yield event.id

    @app.agent(routed_topic, name="watch-routed")
    async def watch_routed(stream):
        async for event, message in events_of(stream, expect=ROUTED.carries, publisher=publisher, consumer="notification"):
            await handle(message, partial(handlers.on_routed, event, watch=watch, senders=senders, now=clock()))
            yield event.id

    @app.agent(updates_topic, name="follow-updates")
    async def follow_updates(stream):
        async for event, message in events_of(stream, expect=CASE_UPDATES.carries, publisher=publisher, consumer="notification"):
            await handle(message, partial(handlers.on_case_update, event, watch=watch, senders=senders, ladder=ladder, now=clock()))
            yield event.id

    @app.agent(escalations_topic, name="escalate")
    async def escalate(stream):
        async for event, message in events_of(stream, expect=ESCALATIONS.carries, publisher=publisher, consumer="notification"):
            await handle(message, partial(handlers.on_escalated, event, watch=watch, senders=senders, ladder=ladder, now=clock()))
            yield event.id

    async def handle_due(value: bytes, *, now) -> None:
        try:
            work = handlers.DueWork.model_validate_json(value)
        except ValidationError as exc:
            raise ValueError(ev.describe_failure(exc)) from None
        with case_context(work.case_id):
            await handlers.on_due(work, watch=watch, senders=senders, ladder=ladder, now=now)

    @app.agent(due_topic, name="due")
    async def due(stream):
        async for message in records_of(stream, publisher=publisher):
            await handle(message, partial(handle_due, message.value, now=clock()))
            yield message.offset

    @app.task
    async def clocks() -> None:
        await keeper.run()

    return NotificationAgents(table, keeper, watch_received, watch_routed, follow_updates, escalate, due, clocks, keeper.tick)
