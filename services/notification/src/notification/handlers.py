"""Notification's use cases: watch routed cases, follow staff updates, escalate slipped deadlines.

`watch` is the Faust table of watched cases (a MutableMapping of case id → JSON dict in
tests). A Faust table may only be written inside stream iteration (an agent handling an
event): the timer only reads it and publishes the due escalations, and the escalations agent
marks each rung and sends its notices. `publish(data, event_id)` from the timer must return
only after the broker acknowledged the event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from complaints_shared import events as ev
from complaints_shared.logging import case_context

from .adapters.notifiers import DeliveryFailed, Notice, Notifier
from .domain.ladder import (
    Escalation,
    WatchedCase,
    apply_update,
    due_escalations,
    escalation_event,
    has_reached,
    mark_escalated,
)

log = logging.getLogger(__name__)
Publish = Callable[[ev.Contract, str], Awaitable[None]]
Watch = MutableMapping[str, Any]


async def notify(
    *, notifiers: Sequence[Notifier], publish: Publish, case_id: str, role: str, template: str, trigger_event_id: str,
    fields: dict[str, str], now: datetime,
) -> None:
    """Send one notice through every configured medium; record each outcome as an event."""
    notice = Notice(case_id=case_id, recipient_role=role, template=template, fields=fields)
    for notifier in notifiers:
        event_id = ev.derived_id("notice", trigger_event_id, role, template, notifier.medium)
        common = dict(case_id=case_id, medium=notifier.medium, recipient_role=role, template=template, trigger_event_id=trigger_event_id)
        try:
            await notifier.send(notice)
        except Exception as exc:  # noqa: BLE001 - a failed notice is recorded, not fatal
            attempts = exc.attempts if isinstance(exc, DeliveryFailed) else 1
            reason = str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}: {exc}"
            log.warning("notice failed", extra={"medium": notifier.medium, "template": template, "error": reason[:300]})
            await publish(ev.NotificationFailed(**common, error=reason[:2000], attempts=max(attempts, 1), failed_at=now), event_id)
            continue
        await publish(ev.NotificationSent(**common, sent_at=now), event_id)


async def on_routed(event: ev.Event, *, watch: Watch, publish: Publish, notifiers: Sequence[Notifier], now: datetime) -> None:
    routed: ev.ComplaintRouted = event.data
    with case_context(routed.case_id):
        case = WatchedCase.from_routed(routed)
        if case is None:
            return
        if routed.case_id in watch:
            return  # a redelivered decision: the department was told already
        watch[routed.case_id] = case.to_json()
        await notify(
            notifiers=notifiers, publish=publish, case_id=routed.case_id, role=f"department:{routed.department}",
            template="case_assigned", trigger_event_id=event.id, now=now,
            fields={"priority": routed.priority.value, "category": routed.category,
                    "acknowledge_by": routed.deadlines.acknowledge_by.isoformat() if routed.deadlines else ""},
        )


async def on_case_update(event: ev.Event, *, watch: Watch) -> None:
    update: ev.CaseUpdate = event.data
    stored = watch.get(update.case_id)
    if stored is None:
        return
    after = apply_update(WatchedCase.from_json(stored), update)
    if after is None:
        del watch[update.case_id]
    else:
        watch[update.case_id] = after.to_json()


def due_escalation_events(*, watch: Mapping[str, Any], now: datetime, manager_after: timedelta) -> list[tuple[str, ev.CaseEscalated]]:
    """The escalations due now that the watch has not marked yet, as (derived event id, event).

    Only reads the watch: the timer calls this outside any stream, where a Faust table
    refuses writes. The rung is marked by `on_escalated`, from the escalations topic.
    """
    due: list[tuple[str, ev.CaseEscalated]] = []
    for stored in list(watch.values()):
        case = WatchedCase.from_json(stored)
        due += [escalation_event(case, escalation, now) for escalation in due_escalations(case, now, manager_after=manager_after)]
    return due


async def publish_due_escalations(
    *, watch: Mapping[str, Any], publish: Publish, now: datetime, manager_after: timedelta, published: set[str]
) -> int:
    """Publish each due escalation once per process; returns the number published now.

    `published` holds the ids this process already published whose rung the watch has not
    marked yet (the escalations agent may not have caught up): they are not published again
    every tick. Ids the watch has marked since are dropped, so the set stays as small as the
    backlog. After a restart an unmarked escalation is published again under the same id,
    which consumers drop as a duplicate.
    """
    due = due_escalation_events(watch=watch, now=now, manager_after=manager_after)
    published.intersection_update(event_id for event_id, _ in due)
    made = 0
    for event_id, escalated in due:
        if event_id in published:
            continue
        with case_context(escalated.case_id):
            await publish(escalated, event_id)
        published.add(event_id)
        made += 1
    return made


async def on_escalated(event: ev.Event, *, watch: Watch, publish: Publish, notifiers: Sequence[Notifier], now: datetime) -> bool:
    """Send the notices of an escalation and mark its rung in the watch; returns whether it did.

    A redelivered escalation finds its rung marked and sends nothing again; one for a case
    the watch doesn't follow (closed since, or escalated by another system) is ignored.
    """
    escalated: ev.CaseEscalated = event.data
    with case_context(escalated.case_id):
        stored = watch.get(escalated.case_id)
        if stored is None:
            return False
        case = WatchedCase.from_json(stored)
        if has_reached(case, escalated.deadline, escalated.level):
            return False
        await notify(
            notifiers=notifiers, publish=publish, case_id=escalated.case_id,
            role=f"{escalated.level.value}:{escalated.department}", template=f"escalated_{escalated.deadline}",
            trigger_event_id=event.id, now=now, fields={"priority": case.priority, "due_at": escalated.due_at.isoformat()},
        )
        # Marked after the notices: a crash in between sends them again (same derived ids)
        # rather than never. Faust writes the changelog before it commits this event's offset.
        watch[escalated.case_id] = mark_escalated(case, [Escalation(escalated.deadline, escalated.level, escalated.due_at)]).to_json()
        return True
