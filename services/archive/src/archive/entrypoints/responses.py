"""What the read API answers, as pydantic models, so the OpenAPI document says it truthfully.

A field the projection has not (yet) set on a case answers null: the topics are consumed
independently, so a case may be routed before its complaint was archived, and the reverse.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus
from pydantic import BaseModel, ConfigDict, Field

from ..domain.indicators import DEFINITIONS


class TimelineEntry(BaseModel):
    event_id: str
    type: str = Field(description="The CloudEvents type, e.g. org.complaints.complaint.routed.v1")
    at: datetime
    source: str
    data: dict[str, Any] = Field(description="The event's data without the case id")
    flagged: str | None = Field(default=None, description="Why the lifecycle did not allow this update where it fell "
                                                          "(kept, with no other effect)")


class CaseOverview(BaseModel):
    """A case as lists show it: without its text, contact and timeline."""

    case_id: str
    status: CaseStatus = Field(description="Where the case stands in the method (shared lifecycle)")
    step: int = Field(ge=1, le=8, description="The method's step the status belongs to (1 recorded … 8 evaluated)")
    allowed_actions: list[str] = Field(
        description="The case actions (`type` of intake's `POST /v1/cases/{id}/events`) the status allows, in the method's order"
    )
    version: int = Field(ge=0, description='+1 per event applied to the case; the ETag of `GET /v1/cases/{id}` is `"<version>"`')
    channel: ev.Channel | None = None
    subject: str | None = None
    received_at: datetime | None = None
    external_id: str | None = None
    product: str | None = None
    validity: ev.Validity | None = None
    related_case_id: str | None = None
    category: str | None = None
    department: str | None = None
    priority: ev.Priority | None = None
    confidence: float | None = None
    uncertain: bool | None = None
    language: ev.Language | None = None
    customer_id: str | None = None
    customer_tier: ev.CustomerTier | None = None
    handling_hint: str | None = None
    routed_at: datetime | None = None
    deadlines: ev.Deadlines | None = None
    corrected: bool | None = Field(default=None, description="Staff reassigned the case")
    escalation_level: ev.EscalationLevel | None = Field(default=None, description="The highest rung the case reached")
    escalations: int = Field(default=0, description="How many escalations the case had")
    acknowledged_at: datetime | None = None
    replied_at: datetime | None = Field(default=None, description="The department's first reply after acknowledging (24 h rule)")
    cause_found_at: datetime | None = None
    remedy_proposed_at: datetime | None = None
    remedy_approved_at: datetime | None = None
    remedy_rejected_at: datetime | None = None
    resolved_at: datetime | None = None
    evaluated_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_at: datetime | None = None
    merged_at: datetime | None = None
    merged_into: str | None = Field(default=None, description="The case this one was merged into")
    reopened: int = Field(default=0, description="How many times the case was reopened")
    flagged: int = Field(default=0, description="Timeline entries the lifecycle did not allow where they fell (kept, flagged)")
    satisfaction: int | None = None
    awaiting_customer: bool | None = Field(default=None, description="Staff asked the customer and wait for the answer (clocks paused)")
    awaiting_customer_since: datetime | None = None
    awaited_customer_seconds: float | None = Field(default=None, description="How long the case waited on the customer in all, answered waits")
    erased_at: datetime | None = Field(default=None, description="When the customer's data was erased from the case")
    created_at: datetime | None = Field(default=None, description="When the archive first wrote the case")
    updated_at: datetime | None = Field(default=None, description="When the archive last wrote the case")


class Escalation(BaseModel):
    level: ev.EscalationLevel
    deadline: str
    due_at: datetime
    department: str
    escalated_at: datetime


class Notice(BaseModel):
    outcome: str = Field(description="sent or failed")
    medium: str
    recipient_role: str
    template: str
    trigger_event_id: str
    at: datetime


class Correction(BaseModel):
    """A reassignment: what staff changed from what."""

    at: datetime
    actor: str
    reason: str = ""
    from_: dict[str, str | None] = Field(alias="from")
    to: dict[str, str]

    model_config = ConfigDict(populate_by_name=True)


class Case(CaseOverview):
    """One case with the complaint, the contact, its findings and its whole timeline (oldest first)."""

    text: str | None = None
    contact: ev.CustomerContact | None = None
    cause: str | None = None
    remedy: str | None = None
    resolution: str | None = None
    escalation_history: list[Escalation] = []
    notices: list[Notice] = []
    corrections: list[Correction] = []
    timeline: list[TimelineEntry] = []


class CaseList(BaseModel):
    cases: list[CaseOverview]
    limit: int
    skip: int
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page (null: this was the last page). Opaque; stable under inserts"
    )


class Rates(BaseModel):
    cases: int
    answer_rate: float | None = Field(description="Acknowledged cases / cases (null without cases)")
    resolution_rate: float | None
    acknowledged_on_time_rate: float | None = Field(description="Acknowledged by the deadline / acknowledged")
    resolved_on_time_rate: float | None
    satisfaction_avg: float | None
    escalations: int


class Summary(BaseModel):
    """The quality figures over valid cases (and follow-ups); `by_status` counts every case."""

    overall: Rates
    by_department: dict[str, Rates]
    by_priority: dict[str, Rates]
    by_status: dict[str, int]


def _defined(name: str) -> Any:
    return Field(description=DEFINITIONS[name])


class IndicatorValues(BaseModel):
    """The method's quality indicators of a set of cases (each field's definition below)."""

    recorded: int = _defined("recorded")
    received: int = _defined("received")
    rejected: int = _defined("rejected")
    duplicates: int = _defined("duplicates")
    acknowledged: int = _defined("acknowledged")
    resolved: int = _defined("resolved")
    answer_rate: float | None = _defined("answer_rate")
    resolution_rate: float | None = _defined("resolution_rate")
    on_time_acknowledge_rate: float | None = _defined("on_time_acknowledge_rate")
    on_time_reply_rate: float | None = _defined("on_time_reply_rate")
    on_time_resolve_rate: float | None = _defined("on_time_resolve_rate")
    satisfaction_mean: float | None = _defined("satisfaction_mean")
    satisfaction_count: int = _defined("satisfaction_count")
    escalated: int = _defined("escalated")
    escalation_rate: float | None = _defined("escalation_rate")
    reopened: int = _defined("reopened")
    reopen_rate: float | None = _defined("reopen_rate")
    repeats: int = _defined("repeats")
    repeat_rate: float | None = _defined("repeat_rate")
    time_to_acknowledge_p50_hours: float | None = _defined("time_to_acknowledge_p50_hours")
    time_to_acknowledge_p90_hours: float | None = _defined("time_to_acknowledge_p90_hours")
    time_to_resolve_p50_hours: float | None = _defined("time_to_resolve_p50_hours")
    time_to_resolve_p90_hours: float | None = _defined("time_to_resolve_p90_hours")


class IndicatorGroup(IndicatorValues):
    key: str = Field(description="The group's value of `group_by` (a department, …, a day YYYY-MM-DD or a month YYYY-MM); "
                                 "`unknown` where routing has not said yet")


class CauseCount(BaseModel):
    cause: str
    cases: int = Field(description="Received cases in the range whose latest cause this is")


class Indicators(BaseModel):
    """Indicators of the cases received in a date range (UTC days, both ends included), from the roll-ups."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="First day (UTC), included")
    to: date = Field(description="Last day (UTC), included")
    group_by: str
    total: IndicatorValues
    groups: list[IndicatorGroup] = Field(description="One per value of `group_by` that has cases, ordered by key")
    top_causes: list[CauseCount] = Field(default=[], description=DEFINITIONS["top_causes"])



def public_case(document: dict[str, Any]) -> dict[str, Any]:
    """A stored case document with its `_id` as `case_id`, its step and the actions it allows."""
    case = dict(document)
    case["case_id"] = case.pop("_id")
    status = CaseStatus(case.get("status", CaseStatus.RECEIVED))
    case["status"] = status
    case["step"] = int(lifecycle.STEP_OF[status])
    case["allowed_actions"] = lifecycle.allowed_actions(status)
    case["version"] = case.get("version", 0)
    return case


class Erasure(BaseModel):
    """An erasure as recorded: when, who asked, how much it removed; never who the customer was."""

    model_config = ConfigDict(populate_by_name=True)

    erasure_id: str = Field(validation_alias="_id")
    at: datetime
    requested_by: str = Field(description="The name of the API key that asked")
    cases: int = Field(description="Cases whose contact data and complaint text were removed")
    events: int = Field(description="Customer profiles and dead letters emptied in the event store")
    raw_records: int = Field(description="Raw inbound records emptied")
    attachments: int = Field(0, description="Files they sent (attachments, letter scans) deleted from the attachment store")
    attachments_shared: int = Field(
        0, description="Files they sent that were kept: another customer's case holds the same bytes (stored once)")
    letter_jobs: int = Field(0, description="Letters' OCR jobs (scan reference, sender, address, typed text) deleted")
