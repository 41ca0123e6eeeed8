"""The complaint-handling method as one state machine, defined once for every service.

The method's eight steps: a complaint is (1) recorded, (2) judged valid or not, (3) given to a
responsible department, (4) investigated until its cause is found, (5) answered with a
proposed remedy, (6) that a supervisor approves or rejects, (7) carried out, and (8) evaluated
with the customer (the satisfaction call-back); then the case is closed.

A case's `CaseStatus` says where it stands; `ACTIONS` says which case actions (the `type` of
`POST /v1/cases/{id}/events`) each status allows, where they lead, and who may take them.
Intake refuses an action the current status does not allow; archive applies what arrives and
flags an update that no longer fits (it never drops one).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class CaseStatus(StrEnum):
    RECEIVED = "received"  # recorded, not judged yet
    REJECTED = "rejected"  # judged spam or invalid: recorded, not worked on
    MERGED = "merged"  # judged a duplicate, or merged by staff into another case
    ASSIGNED = "assigned"  # judged valid and given to a department
    ACKNOWLEDGED = "acknowledged"  # the department took it
    INVESTIGATING = "investigating"  # the cause was found (or is being revised)
    REMEDY_PROPOSED = "remedy_proposed"  # waits for the supervisor
    REMEDY_APPROVED = "remedy_approved"  # to be carried out
    RESOLVED = "resolved"  # the approved remedy was carried out
    EVALUATED = "evaluated"  # the customer said how satisfied they are
    CLOSED = "closed"


class Step(IntEnum):
    """The method's steps; a status tells how far the case got."""

    RECORDED = 1
    JUDGED = 2
    ASSIGNED = 3
    INVESTIGATED = 4
    REMEDY_PROPOSED = 5
    REMEDY_APPROVED = 6
    CARRIED_OUT = 7
    EVALUATED = 8


STEP_OF: dict[CaseStatus, Step] = {
    CaseStatus.RECEIVED: Step.RECORDED,
    CaseStatus.REJECTED: Step.JUDGED,
    CaseStatus.MERGED: Step.JUDGED,
    CaseStatus.ASSIGNED: Step.ASSIGNED,
    CaseStatus.ACKNOWLEDGED: Step.ASSIGNED,
    CaseStatus.INVESTIGATING: Step.INVESTIGATED,
    CaseStatus.REMEDY_PROPOSED: Step.REMEDY_PROPOSED,
    CaseStatus.REMEDY_APPROVED: Step.REMEDY_APPROVED,
    CaseStatus.RESOLVED: Step.CARRIED_OUT,
    CaseStatus.EVALUATED: Step.EVALUATED,
    CaseStatus.CLOSED: Step.EVALUATED,
}

OPEN: frozenset[CaseStatus] = frozenset(
    {
        CaseStatus.ASSIGNED,
        CaseStatus.ACKNOWLEDGED,
        CaseStatus.INVESTIGATING,
        CaseStatus.REMEDY_PROPOSED,
        CaseStatus.REMEDY_APPROVED,
    }
)
ALL: frozenset[CaseStatus] = frozenset(CaseStatus)


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Action:
    """One case action: from which statuses it may be taken, where it leads, who may take it."""

    name: str
    allowed_from: frozenset[CaseStatus]
    leads_to: CaseStatus | None  # None: the status stays
    role: Role = Role.AGENT
    description: str = ""

    def target(self, current: CaseStatus) -> CaseStatus:
        return self.leads_to if self.leads_to is not None else current


def _action(name: str, allowed_from, leads_to: CaseStatus | None, role: Role = Role.AGENT, description: str = "") -> Action:
    return Action(name, frozenset(allowed_from), leads_to, role, description)


_AFTER_RESOLUTION = (CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.CLOSED)

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        _action("acknowledged", {CaseStatus.ASSIGNED}, CaseStatus.ACKNOWLEDGED,
                description="The department took the case (answers the acknowledge deadline)."),
        _action("cause_found", {CaseStatus.ACKNOWLEDGED, CaseStatus.INVESTIGATING}, CaseStatus.INVESTIGATING,
                description="The investigation found the cause (again, to revise it)."),
        _action("remedy_proposed", {CaseStatus.INVESTIGATING}, CaseStatus.REMEDY_PROPOSED,
                description="The department proposes a remedy; a supervisor must approve it."),
        _action("remedy_approved", {CaseStatus.REMEDY_PROPOSED}, CaseStatus.REMEDY_APPROVED, Role.SUPERVISOR,
                description="A supervisor approved the proposed remedy."),
        _action("remedy_rejected", {CaseStatus.REMEDY_PROPOSED}, CaseStatus.INVESTIGATING, Role.SUPERVISOR,
                description="A supervisor rejected the remedy: back to the department."),
        _action("resolved", {CaseStatus.REMEDY_APPROVED}, CaseStatus.RESOLVED,
                description="The approved remedy was carried out."),
        _action("satisfaction_recorded", {CaseStatus.RESOLVED}, CaseStatus.EVALUATED,
                description="The satisfaction call-back: the customer's score, 1-5."),
        # Closing straight from `resolved` covers a customer the call-back cannot reach; the
        # indicators count such cases without a satisfaction score.
        _action("closed", {CaseStatus.EVALUATED, CaseStatus.RESOLVED, CaseStatus.REJECTED, CaseStatus.MERGED},
                CaseStatus.CLOSED, description="The case is closed."),
        _action("reopened", _AFTER_RESOLUTION, CaseStatus.INVESTIGATING,
                description="The remedy did not settle it: the case is investigated again."),
        _action("merged", {CaseStatus.RECEIVED, CaseStatus.ASSIGNED, CaseStatus.ACKNOWLEDGED, CaseStatus.INVESTIGATING},
                CaseStatus.MERGED, description="Staff folded the case into another case about the same matter."),
        _action("reassigned", OPEN, None, description="Staff moved the case to another department."),
        _action("note_added", ALL, None, description="An investigation note; allowed in every status."),
        _action("customer_followed_up", ALL, None, Role.CUSTOMER, description="The customer wrote again."),
        # Side actions: they leave the case's status (and step) as it is.
        _action("escalation_acknowledged", OPEN, None,
                description="The person an escalation reached took it up: the ladder climbs no further for that deadline."),
        # Waiting on the customer is not a step of the method: the case stays where it is and
        # its clocks pause (see notification); the customer's answer or staff resume them.
        _action("customer_info_requested", OPEN, None,
                description="Staff asked the customer for information: the case's clocks pause."),
        _action("customer_info_received", OPEN, None,
                description="Staff got the customer's answer another way: the case's clocks resume."),
    )
}


class TransitionRefused(ValueError):
    """An action the case's current status does not allow."""

    def __init__(self, status: CaseStatus, action: str) -> None:
        self.status = status
        self.action = action
        self.allowed = allowed_actions(status)
        super().__init__(f"{action!r} is not allowed while the case is {status.value!r}; allowed: {', '.join(self.allowed)}")


def allowed_actions(status: CaseStatus) -> list[str]:
    """The actions a case in `status` allows, in the method's order."""
    return [name for name, action in ACTIONS.items() if status in action.allowed_from]


def after(status: CaseStatus, action: str) -> CaseStatus:
    """The status after `action`; raises TransitionRefused when `status` does not allow it
    (and KeyError for an action that does not exist)."""
    spec = ACTIONS[action]
    if status not in spec.allowed_from:
        raise TransitionRefused(status, action)
    return spec.target(status)


def status_after_judgement(validity: str) -> CaseStatus:
    """Where routing's validity judgement puts a recorded case (step 2 → 3)."""
    return {
        "valid": CaseStatus.ASSIGNED,
        "follow_up": CaseStatus.ASSIGNED,
        "duplicate": CaseStatus.MERGED,
        "spam": CaseStatus.REJECTED,
        "invalid": CaseStatus.REJECTED,
    }[validity]
