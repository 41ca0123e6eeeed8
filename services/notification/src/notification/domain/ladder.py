"""The escalation ladder: which rung each clock of a case reaches, and when.

A watched case runs up to four clocks: acknowledge-by, departmental-reply-by (quality and
packaging: 24 h), resolve-by and, while a remedy waits, approve-by. Each clock climbs a list
of rungs (`Rung`) read from the ladder configuration (config/ladder.yaml, per department and
priority): a warning to the department, the department's supervisor, the customer-service
manager, the director. A rung falls at a fraction of the clock's window (1.0 = the deadline)
or a time after the rung before it.

Each rung is climbed once per case and clock: an escalation's id is derived from (case,
clock, rung), so one published twice is one event to its consumers, and a rung marked in the
watch is never notified again. When several rungs of one clock are due at once (a worker that
was down, a case routed late) only the highest is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from complaints_shared import events as ev
from complaints_shared.business_calendar import BusinessCalendar
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Level = Literal["agent", "supervisor", "manager", "director"]
LEVELS: tuple[Level, ...] = ("agent", "supervisor", "manager", "director")
ClockName = ev.EscalationDeadline
CLOCKS: tuple[ClockName, ...] = ("acknowledge", "department_reply", "resolve", "approve")


class Rung(BaseModel):
    """One step of a clock's ladder: `at` a fraction of the clock's window from its start
    (0 = at once, 0.8 = the 80 % warning, 1.0 = the deadline), or `after` the rung before."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level
    at: float | None = Field(default=None, ge=0.0, le=10.0)
    after: timedelta | None = None
    # `after` counts only working time of the business calendar (NOTIFICATION_CALENDAR_FILE):
    # "PT4H" on a Friday at 17:00 falls on Monday at 12:00 with 09:00-18:00 office hours.
    after_business: bool = False

    @model_validator(mode="after")
    def _one_anchor(self) -> Rung:
        if (self.at is None) == (self.after is None):
            raise ValueError("a rung has either `at` (a fraction of the window) or `after` (a duration), not both")
        if self.after is not None and self.after <= timedelta(0):
            raise ValueError("`after` must be positive")
        if self.after_business and self.after is None:
            raise ValueError("`after_business` goes with `after`")
        return self


ClockRungs = tuple[Rung, ...]


def _check_rungs(rungs: dict[ClockName, ClockRungs]) -> dict[ClockName, ClockRungs]:
    for clock, steps in rungs.items():
        if steps and steps[0].at is None:
            raise ValueError(f"{clock}: the first rung needs `at`")
        levels = [LEVELS.index(step.level) for step in steps]
        if levels != sorted(set(levels)):
            raise ValueError(f"{clock}: rungs must climb (agent < supervisor < manager < director), each once")
    return rungs


class LadderRule(BaseModel):
    """Rungs for some departments and/or priorities; they replace the default clock by clock."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    departments: tuple[str, ...] = ()  # empty: any department
    priorities: tuple[ev.Priority, ...] = ()  # empty: any priority
    clocks: dict[ClockName, ClockRungs]

    @model_validator(mode="after")
    def _climbing(self) -> LadderRule:
        _check_rungs(self.clocks)
        return self

    def matches(self, department: str, priority: str) -> bool:
        return (not self.departments or department in self.departments) and (not self.priorities or priority in self.priorities)


class LadderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # How long a supervisor has to approve or reject a proposed remedy (the approve-by clock).
    approval_window: timedelta = timedelta(hours=24)
    # Key accounts: these roles are told too, from this rung up.
    key_account_roles: tuple[str, ...] = ("key_account_manager",)
    key_account_from: Level = "supervisor"
    default: dict[ClockName, ClockRungs]
    # Later rules win over earlier ones, clock by clock.
    rules: tuple[LadderRule, ...] = ()
    # The business calendar `after_business` rungs count in (not in the file: see `with_calendar`).
    _calendar: BusinessCalendar | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _climbing(self) -> LadderConfig:
        _check_rungs(self.default)
        return self

    @property
    def calendar(self) -> BusinessCalendar | None:
        return self._calendar

    @property
    def needs_calendar(self) -> bool:
        every = [*self.default.values(), *(steps for rule in self.rules for steps in rule.clocks.values())]
        return any(rung.after_business for steps in every for rung in steps)

    def with_calendar(self, calendar: BusinessCalendar | None) -> LadderConfig:
        """The ladder counting `after_business` rungs in `calendar`; refuses a ladder that has
        such rungs without one."""
        if calendar is None and self.needs_calendar:
            raise ValueError("the ladder has `after_business` rungs: set NOTIFICATION_CALENDAR_FILE (e.g. routing's calendar.yaml)")
        ladder = self.model_copy()
        ladder._calendar = calendar
        return ladder

    def rungs(self, clock: ClockName, *, department: str, priority: str) -> ClockRungs:
        chosen = self.default.get(clock, ())
        for rule in self.rules:
            if clock in rule.clocks and rule.matches(department, priority):
                chosen = rule.clocks[clock]
        return chosen

    @classmethod
    def load(cls, path: Path) -> LadderConfig:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


DEFAULT_LADDER_FILE = Path(__file__).resolve().parent.parent / "config" / "ladder.yaml"


def role_of(level: Level, department: str) -> str:
    """Who a rung reaches, as a role of the address book (NOTIFICATION_ROLE_ADDRESSES)."""
    return {"agent": f"department:{department}", "supervisor": f"supervisor:{department}"}.get(level, f"{level}:{department}")


@dataclass(frozen=True)
class WatchedCase:
    """What the watch keeps per case (stored as JSON in a Faust table): the routing decision's
    deadlines, what staff did, the rungs reached, the customer's contact for their notices,
    and the deliveries that still have to go out."""

    case_id: str
    department: str = ""
    priority: str = ""
    acknowledge_by: datetime | None = None
    resolve_by: datetime | None = None
    department_reply_by: datetime | None = None
    opened_at: datetime | None = None  # when routing decided: the clocks' windows start here
    tier: str = ev.CustomerTier.STANDARD.value
    routed: bool = False
    acknowledged: bool = False
    replied: bool = False
    resolved: bool = False
    # While a remedy waits for the supervisor: the approve-by clock.
    approve_from: datetime | None = None
    approve_by: datetime | None = None
    # While the case waits on the customer (CustomerInfoRequested): since when. The acknowledge,
    # departmental-reply and resolve clocks stand still meanwhile; when the customer answers,
    # their windows (start and deadline) move on by the pause.
    paused_since: datetime | None = None
    # The deadlines routing counted in working time (the others run around the clock): a pause
    # moves them by the working time it lasted, when the business calendar is configured.
    working_time: list[str] = field(default_factory=list)
    # clock name → highest level already escalated to
    escalated: dict[str, str] = field(default_factory=dict)
    # clock name → the level whose escalation its recipient acknowledged: that clock climbs no further
    escalation_acknowledged: dict[str, str] = field(default_factory=dict)
    # The customer as the channel saw them (personal data: never logged, never in an event).
    customer: dict[str, Any] | None = None
    customer_acknowledged: bool = False
    # notice id → a delivery that failed and is to be retried (see handlers.Delivery)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The last case updates handled (event ids): a redelivered one sends no notice twice.
    handled_updates: list[str] = field(default_factory=list)

    _TIMES = ("acknowledge_by", "resolve_by", "department_reply_by", "opened_at", "approve_from", "approve_by", "paused_since")

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep copy made each table write cost ~0.2 ms. The values
        # are never changed in place (every change is a `replace` with new containers).
        data = dict(self.__dict__)
        for key in self._TIMES:
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WatchedCase:
        values = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        for key in cls._TIMES:
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        # Entries written before the case carried `routed` were always routed.
        values.setdefault("routed", data.get("acknowledge_by") is not None)
        return cls(**values)

    def with_routing(self, routed: ev.ComplaintRouted) -> WatchedCase | None:
        """The case with routing's decision; None for what is not watched (spam, duplicates,
        invalid, no deadlines)."""
        if routed.deadlines is None or routed.validity not in (ev.Validity.VALID, ev.Validity.FOLLOW_UP):
            return None
        return replace(
            self, department=routed.department, priority=routed.priority.value, acknowledge_by=routed.deadlines.acknowledge_by,
            resolve_by=routed.deadlines.resolve_by, department_reply_by=routed.deadlines.department_reply_by,
            opened_at=routed.routed_at, tier=routed.customer_tier.value, routed=True, working_time=list(routed.deadlines.working_time),
        )

    @classmethod
    def from_routed(cls, routed: ev.ComplaintRouted) -> WatchedCase | None:
        return cls(case_id=routed.case_id).with_routing(routed)

    @property
    def closed(self) -> bool:
        """Nothing left to escalate: only undelivered notices keep it in the watch."""
        return self.resolved


@dataclass(frozen=True)
class Escalation:
    deadline: ClockName
    level: Level
    due_at: datetime


def open_clocks(case: WatchedCase) -> list[tuple[ClockName, datetime, datetime]]:
    """(clock, window start, deadline) of every clock still running."""
    if not case.routed or case.closed or case.acknowledge_by is None or case.resolve_by is None:
        return []
    start = case.opened_at
    clocks: list[tuple[ClockName, datetime, datetime]] = []
    if case.paused_since is not None:
        # Waiting on the customer: only the supervisor's approval keeps running.
        return [("approve", case.approve_from or case.approve_by, case.approve_by)] if case.approve_by is not None else []
    if not case.acknowledged:
        clocks.append(("acknowledge", start or case.acknowledge_by, case.acknowledge_by))
    if case.department_reply_by is not None and not case.replied:
        clocks.append(("department_reply", start or case.department_reply_by, case.department_reply_by))
    clocks.append(("resolve", start or case.resolve_by, case.resolve_by))
    if case.approve_by is not None:
        clocks.append(("approve", case.approve_from or case.approve_by, case.approve_by))
    return clocks


def rung_times(rungs: ClockRungs, start: datetime, deadline: datetime, calendar: BusinessCalendar | None = None) -> list[tuple[Rung, datetime]]:
    times: list[tuple[Rung, datetime]] = []
    previous = start
    for rung in rungs:
        if rung.at is not None:
            previous = start + (deadline - start) * rung.at
        elif rung.after_business and calendar is not None:
            previous = calendar.add_business_time(previous, rung.after)  # type: ignore[arg-type]
        else:
            previous = previous + rung.after  # type: ignore[operator]
        times.append((rung, previous))
    return times


def _reached_index(case: WatchedCase, clock: str) -> int:
    reached = case.escalated.get(clock)
    return LEVELS.index(reached) if reached in LEVELS else -1


def _pending_rungs(case: WatchedCase, ladder: LadderConfig) -> list[tuple[ClockName, Rung, datetime]]:
    pending: list[tuple[ClockName, Rung, datetime]] = []
    for clock, start, deadline in open_clocks(case):
        if clock in case.escalation_acknowledged:
            continue  # the person it reached took it up
        reached = _reached_index(case, clock)
        rungs = ladder.rungs(clock, department=case.department, priority=case.priority)
        pending += [(clock, rung, at) for rung, at in rung_times(rungs, start, deadline, ladder.calendar) if LEVELS.index(rung.level) > reached]
    return pending


def due_escalations(case: WatchedCase, now: datetime, *, ladder: LadderConfig) -> list[Escalation]:
    """The rungs due now and not reached yet: per clock, only the highest one due."""
    highest: dict[str, Escalation] = {}
    for clock, rung, at in _pending_rungs(case, ladder):
        if at <= now:
            highest[clock] = Escalation(clock, rung.level, at)  # rungs climb: the last due is the highest
    return list(highest.values())


def next_due(case: WatchedCase, *, ladder: LadderConfig) -> datetime | None:
    """When the case's next rung falls (None: no clock will fire again)."""
    return min((at for _clock, _rung, at in _pending_rungs(case, ladder)), default=None)


def has_reached(case: WatchedCase, deadline: str, level: str) -> bool:
    """Whether the case already climbed to `level` (or higher) on the clock `deadline`."""
    return _reached_index(case, deadline) >= LEVELS.index(level)


def mark_escalated(case: WatchedCase, escalations: list[Escalation]) -> WatchedCase:
    escalated = dict(case.escalated)
    for escalation in escalations:
        escalated[escalation.deadline] = escalation.level
    return replace(case, escalated=escalated)


def apply_update(case: WatchedCase, update: ev.CaseUpdate, *, ladder: LadderConfig) -> WatchedCase | None:
    """The case after a case update; None when it no longer needs watching."""
    if isinstance(update, ev.CaseClosed | ev.CaseMerged):
        return replace(case, resolved=True) if case.pending else None
    if isinstance(update, ev.CaseResolved):
        return replace(case, resolved=True, approve_by=None)
    if isinstance(update, ev.CaseReopened):
        return replace(case, resolved=False)
    if isinstance(update, ev.CaseAcknowledged):
        return replace(case, acknowledged=True)
    if isinstance(update, ev.RemedyProposed):
        # The department answered in substance (the departmental reply is in); the approve-by
        # clock starts, on a ladder of its own (a new proposal starts it again).
        escalated = {clock: level for clock, level in case.escalated.items() if clock != "approve"}
        taken_up = {clock: level for clock, level in case.escalation_acknowledged.items() if clock != "approve"}
        return replace(case, replied=case.replied or case.acknowledged, approve_from=update.at,
                       approve_by=update.at + ladder.approval_window, escalated=escalated, escalation_acknowledged=taken_up)
    if isinstance(update, ev.RemedyApproved | ev.RemedyRejected):
        return replace(case, approve_from=None, approve_by=None)
    if isinstance(update, ev.EscalationAcknowledged):
        return replace(case, escalation_acknowledged=case.escalation_acknowledged | {update.deadline: update.level.value})
    if isinstance(update, ev.CustomerInfoRequested):
        return case if case.paused_since is not None else replace(case, paused_since=update.at)
    if isinstance(update, ev.CustomerFollowedUp | ev.CustomerInfoReceived):
        return resumed(case, update.at, calendar=ladder.calendar)
    if isinstance(update, ev.CaseNoteAdded) and case.acknowledged:
        return replace(case, replied=True)
    if isinstance(update, ev.CaseReassigned):
        return replace(case, department=update.department, priority=update.priority.value if update.priority else case.priority)
    return case


def resumed(case: WatchedCase, at: datetime, *, calendar: BusinessCalendar | None = None) -> WatchedCase:
    """The case's clocks running again after waiting on the customer since `paused_since`:
    the windows of acknowledge-by, departmental-reply-by and resolve-by move on by the pause:
    by the working time it lasted for a deadline routing counted in working time (with the
    business calendar configured), else by the time it lasted."""
    if case.paused_since is None:
        return case
    pause = max(at - case.paused_since, timedelta(0))
    worked = calendar.business_time_between(case.paused_since, at) if calendar is not None else None

    def moved(moment: datetime | None, clock: str) -> datetime | None:
        if moment is None:
            return None
        if calendar is not None and worked is not None and clock in case.working_time:
            return calendar.add_business_time(moment, worked) if worked else moment
        return moment + pause

    return replace(case, paused_since=None, opened_at=moved(case.opened_at, "acknowledge"),
                   acknowledge_by=moved(case.acknowledge_by, "acknowledge"),
                   department_reply_by=moved(case.department_reply_by, "department_reply"), resolve_by=moved(case.resolve_by, "resolve"))


def escalation_id(case_id: str, deadline: str, level: str) -> str:
    return ev.derived_id("escalated", case_id, deadline, level)


def escalation_event(case: WatchedCase, escalation: Escalation, now: datetime) -> tuple[str, ev.CaseEscalated]:
    return escalation_id(case.case_id, escalation.deadline, escalation.level), ev.CaseEscalated(
        case_id=case.case_id,
        level=ev.EscalationLevel(escalation.level),
        deadline=escalation.deadline,
        due_at=escalation.due_at,
        department=case.department,
        escalated_at=now,
    )
