"""Notification's Faust agents and timer: thin, they decode and call the handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import faust
from complaints_shared import events as ev
from complaints_shared.streams import Publisher, dead_letter_on_error, events_of
from complaints_shared.topics import CASE_UPDATES, ESCALATIONS, ROUTED
from faust.types.tables import TableT

from .. import handlers
from ..adapters.notifiers import Notifier
from ..settings import NotificationSettings


@dataclass
class NotificationAgents:
    watch: TableT
    watch_routed: object
    follow_updates: object
    escalate: object
    check: object
    # One timer tick (what `check` runs every interval): publishes the due escalations and
    # returns how many; 0 while the table is not (yet) recovered.
    check_once: Callable[[], Awaitable[int]]


def register(app: faust.App, settings: NotificationSettings, *, publisher: Publisher, notifiers: Sequence[Notifier], clock) -> NotificationAgents:
    routed_topic = app.topic(settings.topic(ROUTED.key), value_type=bytes, key_type=bytes)
    updates_topic = app.topic(settings.topic(CASE_UPDATES.key), value_type=bytes, key_type=bytes)
    # Notification's own escalations: the timer publishes them, `escalate` marks each rung in
    # the table and sends its notices (a table is written only inside stream iteration).
    escalations_topic = app.topic(settings.topic(ESCALATIONS.key), value_type=bytes, key_type=bytes)
    # case id → WatchedCase JSON; co-partitioned with the three source topics (key = case id).
    watch = app.Table("watched-cases", default=None, partitions=ROUTED.partitions)

    async def publish(data: ev.Contract, event_id: str) -> None:
        await publisher.publish(data, event_id)  # attached to the event in hand

    async def publish_acknowledged(data: ev.Contract, event_id: str) -> None:
        await publisher.publish_acknowledged(data, event_id)  # the timer has no event to attach to

    @app.agent(routed_topic, name="watch-routed")
    async def watch_routed(stream):
        async for event, message in events_of(stream, expect=ROUTED.carries, publisher=publisher, consumer="notification"):
            async with dead_letter_on_error(publisher, message, consumer="notification"):
                await handlers.on_routed(event, watch=watch, publish=publish, notifiers=notifiers, now=clock())
            yield event.id

    @app.agent(updates_topic, name="follow-updates")
    async def follow_updates(stream):
        async for event, message in events_of(stream, expect=CASE_UPDATES.carries, publisher=publisher, consumer="notification"):
            async with dead_letter_on_error(publisher, message, consumer="notification"):
                await handlers.on_case_update(event, watch=watch)
            yield event.id

    @app.agent(escalations_topic, name="escalate")
    async def escalate(stream):
        async for event, message in events_of(stream, expect=ESCALATIONS.carries, publisher=publisher, consumer="notification"):
            async with dead_letter_on_error(publisher, message, consumer="notification"):
                await handlers.on_escalated(event, watch=watch, publish=publish, notifiers=notifiers, now=clock())
            yield event.id

    # Escalation ids this process published that the table hasn't marked yet.
    published: set[str] = set()

    async def check_once() -> int:
        # Until the table is recovered (at start, after a rebalance) it may hold a case
        # without its marks yet, which would publish its escalations again.
        if app.rebalancing or not app.tables.actives_ready:
            return 0
        return await handlers.publish_due_escalations(
            watch=watch, publish=publish_acknowledged, now=clock(),
            manager_after=timedelta(minutes=settings.manager_after_minutes), published=published,
        )

    @app.timer(interval=settings.check_interval_seconds)
    async def check():
        await check_once()

    return NotificationAgents(watch, watch_routed, follow_updates, escalate, check, check_once)
