"""The case projection: every event of a case becomes a timeline entry, and some move the
case's status or set its routing. The result is a MongoDB update that is safe to apply twice
(the repository applies it only while the event id is not yet in the timeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus, status_after_judgement

# Status an update moves the case to (None: the status stays).
STATUS_AFTER: dict[type[ev.Contract], CaseStatus | None] = {
    ev.CaseAcknowledged: CaseStatus.ACKNOWLEDGED,
    ev.CauseFound: CaseStatus.INVESTIGATING,
    ev.CaseNoteAdded: None,
    ev.CaseReassigned: None,
    ev.RemedyProposed: CaseStatus.REMEDY_PROPOSED,
    ev.RemedyApproved: CaseStatus.REMEDY_APPROVED,
    ev.RemedyRejected: CaseStatus.INVESTIGATING,
    ev.CaseResolved: CaseStatus.RESOLVED,
    ev.CaseClosed: CaseStatus.CLOSED,
    ev.CaseReopened: CaseStatus.INVESTIGATING,
    ev.CaseMerged: CaseStatus.MERGED,
    ev.SatisfactionRecorded: CaseStatus.EVALUATED,
    ev.CustomerFollowedUp: None,
    ev.CaseEscalated: None,
    ev.NotificationSent: None,
    ev.NotificationFailed: None,
}


@dataclass(frozen=True)
class CaseChange:
    """What one event does to its case document."""

    case_id: str
    timeline_entry: dict[str, Any]
    on_insert: dict[str, Any] = field(default_factory=dict)
    set_fields: dict[str, Any] = field(default_factory=dict)
    increments: dict[str, int] = field(default_factory=dict)
    # A status set only while the case is still in one of `status_from`: routing must not pull
    # back a case that staff already acknowledged (the topics are consumed independently).
    guarded_status: CaseStatus | None = None
    status_from: tuple[CaseStatus, ...] = ()


def timeline_entry(event: ev.Event) -> dict[str, Any]:
    data = event.data.model_dump(mode="python", exclude={"case_id"}, exclude_none=True)
    return {"event_id": event.id, "type": event.type, "at": event.time, "source": event.source, "data": data}


def routed_status(data: ev.ComplaintRouted) -> CaseStatus:
    return status_after_judgement(data.validity.value)


def _routed_fields(data: ev.ComplaintRouted) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "validity": data.validity.value,
        "related_case_id": data.related_case_id,
        "category": data.category,
        "department": data.department,
        "priority": data.priority.value,
        "confidence": data.confidence,
        "uncertain": data.uncertain,
        "customer_id": data.customer_id,
        "customer_tier": data.customer_tier.value,
        "handling_hint": data.handling_hint,
        "routed_at": data.routed_at,
    }
    if data.language:
        fields["language"] = data.language.value
    if data.deadlines:
        fields["deadlines"] = data.deadlines.model_dump(mode="python", exclude_none=True)
    return fields


def change_for(event: ev.Event) -> CaseChange | None:
    """The change an event makes to its case, or None for events that belong to no case."""
    data = event.data
    case_id = getattr(data, "case_id", None)
    if case_id is None:
        return None
    entry = timeline_entry(event)
    if isinstance(data, ev.ComplaintReceived):
        return CaseChange(
            case_id,
            entry,
            set_fields={
                "channel": data.channel.value,
                "subject": data.subject,
                "text": data.text,
                "received_at": data.received_at,
                "external_id": data.external_id,
                "product": data.product,
                "contact": data.customer.model_dump(exclude_none=True),
            },
        )
    if isinstance(data, ev.ComplaintRouted):
        return CaseChange(
            case_id,
            entry,
            set_fields=_routed_fields(data),
            guarded_status=routed_status(data),
            status_from=(CaseStatus.RECEIVED,),
        )
    if isinstance(data, ev.CaseEscalated):
        return CaseChange(
            case_id, entry, set_fields={"escalation_level": data.level.value}, increments={"escalations": 1}
        )
    set_fields: dict[str, Any] = {}
    status = STATUS_AFTER.get(type(data))
    if status is not None:
        set_fields["status"] = status.value
    at: datetime | None = getattr(data, "at", None)
    if isinstance(data, ev.CaseAcknowledged):
        set_fields["acknowledged_at"] = at
    elif isinstance(data, ev.CaseResolved):
        set_fields["resolved_at"] = at
    elif isinstance(data, ev.CaseClosed):
        set_fields["closed_at"] = at
    elif isinstance(data, ev.RemedyApproved):
        set_fields["remedy_approved_at"] = at
    elif isinstance(data, ev.CaseReassigned):
        set_fields["department"] = data.department
        if data.category:
            set_fields["category"] = data.category
        if data.priority:
            set_fields["priority"] = data.priority.value
        set_fields["corrected"] = True
    elif isinstance(data, ev.SatisfactionRecorded):
        set_fields["satisfaction"] = data.score
    return CaseChange(case_id, entry, set_fields=set_fields)
