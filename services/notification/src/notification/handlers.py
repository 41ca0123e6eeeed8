"""Notification's use cases: watch routed cases, follow staff updates, escalate slipped deadlines.

`watch` is the Faust table of watched cases (any MutableMapping of case id → JSON dict in
tests); `publish(data, event_id)` must return only after the broker acknowledged the event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from complaints_shared import events as ev
from complaints_shared.logging import case_context

from .adapters.notifiers import DeliveryFailed, Notice, Notifier
from .domain.ladder import WatchedCase, apply_update, due_escalations, escalation_event, mark_escalated

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
    routed: ev.ComplaintRouted = event.data  # type: ignore[assignment]
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
    update: ev.CaseUpdate = event.data  # type: ignore[assignment]
    stored = watch.get(update.case_id)
    if stored is None:
        return
    after = apply_update(WatchedCase.from_json(stored), update)
    if after is None:
        del watch[update.case_id]
    else:
        watch[update.case_id] = after.to_json()


async def check_deadlines(
    *, watch: Watch, publish: Publish, notifiers: Sequence[Notifier], now: datetime, manager_after: timedelta
) -> int:
    """Escalate every watched case whose deadline slipped; returns the number of escalations."""
    made = 0
    for case_id, stored in list(watch.items()):
        case = WatchedCase.from_json(stored)
        escalations = due_escalations(case, now, manager_after=manager_after)
        if not escalations:
            continue
        with case_context(case_id):
            for escalation in escalations:
                event_id, escalated = escalation_event(case, escalation, now)
                await publish(escalated, event_id)
                await notify(
                    notifiers=notifiers, publish=publish, case_id=case_id,
                    role=f"{escalation.level.value}:{case.department}", template=f"escalated_{escalation.deadline}",
                    trigger_event_id=event_id, now=now, fields={"priority": case.priority, "due_at": escalation.due_at.isoformat()},
                )
                made += 1
            # Marked only after the events were acknowledged: a crash in between re-sends
            # the same (derived) ids, which consumers drop.
            watch[case_id] = mark_escalated(case, escalations).to_json()
    return made
