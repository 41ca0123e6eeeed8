"""What the read API answers, as pydantic models, so the OpenAPI document says it truthfully.

A field the projection has not (yet) set on a case answers null: the topics are consumed
independently, so a case may be routed before its complaint was archived, and the reverse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus
from pydantic import BaseModel, Field


class TimelineEntry(BaseModel):
    event_id: str
    type: str = Field(description="The CloudEvents type, e.g. org.complaints.complaint.routed.v1")
    at: datetime
    source: str
    data: dict[str, Any] = Field(description="The event's data without the case id")


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
    escalation_level: ev.EscalationLevel | None = None
    escalations: int = 0
    acknowledged_at: datetime | None = None
    remedy_approved_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    satisfaction: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Case(CaseOverview):
    """One case with the complaint, the contact and its whole timeline (oldest first)."""

    text: str | None = None
    contact: ev.CustomerContact | None = None
    timeline: list[TimelineEntry] = []


class CaseList(BaseModel):
    cases: list[CaseOverview]
    limit: int
    skip: int


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
