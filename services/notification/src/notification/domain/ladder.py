"""The escalation ladder: agent → supervisor → manager.

A case starts with its department's agents. When a deadline slips (acknowledge, the
departmental reply, or resolve), the case goes to the supervisor; when it is still open a
configurable time after that, to the manager. Each rung is climbed once per deadline; the
escalation event ids are derived from (case, deadline, level), so an escalation published
twice is one event to its consumers, and a rung marked in the watch is never notified again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from complaints_shared import events as ev


@dataclass(frozen=True)
class WatchedCase:
    """What the watch keeps per open case (stored as JSON in a Faust table)."""

    case_id: str
    department: str
    priority: str
    acknowledge_by: datetime
    resolve_by: datetime
    department_reply_by: datetime | None = None
    acknowledged: bool = False
    replied: bool = False
    # deadline name → highest level already escalated to
    escalated: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("acknowledge_by", "resolve_by", "department_reply_by"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WatchedCase:
        values = dict(data)
        for key in ("acknowledge_by", "resolve_by", "department_reply_by"):
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)

    @classmethod
    def from_routed(cls, routed: ev.ComplaintRouted) -> WatchedCase | None:
        """Only valid cases with deadlines are watched (spam, duplicates and invalid are not)."""
        if routed.deadlines is None or routed.validity not in (ev.Validity.VALID, ev.Validity.FOLLOW_UP):
            return None
        return cls(
            case_id=routed.case_id,
            department=routed.department,
            priority=routed.priority.value,
            acknowledge_by=routed.deadlines.acknowledge_by,
            resolve_by=routed.deadlines.resolve_by,
            department_reply_by=routed.deadlines.department_reply_by,
        )


@dataclass(frozen=True)
class Escalation:
    deadline: str
    level: ev.EscalationLevel
    due_at: datetime


def _open_deadlines(case: WatchedCase) -> list[tuple[str, datetime]]:
    deadlines: list[tuple[str, datetime]] = []
    if not case.acknowledged:
        deadlines.append(("acknowledge", case.acknowledge_by))
    if case.department_reply_by is not None and not case.replied:
        deadlines.append(("department_reply", case.department_reply_by))
    deadlines.append(("resolve", case.resolve_by))
    return deadlines


def due_escalations(case: WatchedCase, now: datetime, *, manager_after: timedelta) -> list[Escalation]:
    """Escalations that are due now and haven't been made yet."""
    due: list[Escalation] = []
    for deadline, due_at in _open_deadlines(case):
        reached = case.escalated.get(deadline)
        if now >= due_at + manager_after and reached != ev.EscalationLevel.MANAGER:
            due.append(Escalation(deadline, ev.EscalationLevel.MANAGER, due_at))
        elif now >= due_at and reached is None:
            due.append(Escalation(deadline, ev.EscalationLevel.SUPERVISOR, due_at))
    return due


_RUNGS = (ev.EscalationLevel.AGENT, ev.EscalationLevel.SUPERVISOR, ev.EscalationLevel.MANAGER)


def has_reached(case: WatchedCase, deadline: str, level: ev.EscalationLevel) -> bool:
    """Whether the case already climbed to `level` (or higher) for `deadline`."""
    reached = case.escalated.get(deadline)
    return reached is not None and _RUNGS.index(ev.EscalationLevel(reached)) >= _RUNGS.index(level)


def mark_escalated(case: WatchedCase, escalations: list[Escalation]) -> WatchedCase:
    escalated = dict(case.escalated)
    for escalation in escalations:
        escalated[escalation.deadline] = escalation.level.value
    return replace(case, escalated=escalated)


def apply_update(case: WatchedCase, update: ev.CaseUpdate) -> WatchedCase | None:
    """The case after a staff update; None when it no longer needs watching."""
    if isinstance(update, ev.CaseResolved | ev.CaseClosed):
        return None
    if isinstance(update, ev.CaseAcknowledged):
        return replace(case, acknowledged=True)
    if isinstance(update, ev.RemedyProposed | ev.CaseNoteAdded) and case.acknowledged:
        # The department has answered in substance: the departmental reply is in.
        return replace(case, replied=True)
    if isinstance(update, ev.CaseReassigned):
        return replace(case, department=update.department)
    return case


def escalation_event(case: WatchedCase, escalation: Escalation, now: datetime) -> tuple[str, ev.CaseEscalated]:
    event_id = ev.derived_id("escalated", case.case_id, escalation.deadline, escalation.level.value)
    return event_id, ev.CaseEscalated(
        case_id=case.case_id,
        level=escalation.level,
        deadline=escalation.deadline,
        due_at=escalation.due_at,
        department=case.department,
        escalated_at=now,
    )
