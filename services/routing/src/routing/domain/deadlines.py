"""Deadlines in business time.

Config: routing/config/calendar.yaml (time zone, working days and hours, holidays, make-up
working days, the SLA table per priority and rules per category).

Business or calendar time? -- the decisions
-------------------------------------------
* Each priority has a clock (``clock: business | calendar``), used by all its deadlines.
  - ``business``: durations run only inside working hours (default Mon-Fri 09:00-18:00
    Asia/Shanghai), skipping weekends and holidays; a complaint received at night or on a
    weekend starts counting when the office opens. Hours are working hours; a *day* is one
    working day (= the length of the working day in working hours, i.e. the same time of day on
    the next working day).
  - ``calendar``: wall-clock, 24/7; a day is 24 h.
* Defaults (what a complaint-handling team expects):
  - P1 (safety, urgent) runs on the calendar clock: acknowledge within 1 h and resolve within
    24 h around the clock -- a burn or injury report on Saturday night cannot wait for Monday.
  - P2-P4 run on the business clock. "24 h" and "48 h" in the SLA table are read as one and two
    *working days* (the promise a customer understands as "by tomorrow / the day after",
    not 24 or 48 working hours, which would be three or five days): P2 acknowledge 4 working
    hours / resolve 2 working days; P3 1 / 5 working days; P4 2 / 10 working days.
  - product_quality (and packaging, part of it) gets ``department_reply_by`` one day after
    receipt on the priority's clock: one working day on P2-P4, 24 h wall-clock on P1.
  - warranty_repair resolves within 7 *calendar* days (warranty law counts calendar days).
  - Category rules only ever make a deadline earlier, never later (a P1 warranty case keeps its
    24 h); a department reply is never later than the resolve deadline.
* All arithmetic is done on aware datetimes; working hours are local wall-clock hours of the
  configured time zone (zoneinfo), so DST is handled (a Berlin working day is 09:00-18:00 local
  on both sides of the switch). Results are UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from complaints_shared.business_calendar import BusinessCalendar as SharedCalendar
from complaints_shared.business_calendar import aware as _aware
from complaints_shared.events import Deadlines

from .configuration import CalendarConfig, validated

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "BusinessCalendar",
    "CategoryRule",
    "Clock",
    "DeadlineDecision",
    "DeadlinePolicy",
    "DeadlineSpec",
    "Duration",
    "PrioritySla",
]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "calendar.yaml"

Clock = Literal["business", "calendar"]
_CLOCKS = ("business", "calendar")


# --- the calendar -------------------------------------------------------------------------


class BusinessCalendar(SharedCalendar):
    """The shared business calendar (complaints_shared.business_calendar), read from routing's
    validated calendar configuration."""

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> BusinessCalendar:
        return cls.from_settings(_read(path))

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any]) -> BusinessCalendar:
        """From a mapping shaped like calendar.yaml (validated: unknown keys are errors)."""
        return cls.from_settings(validated(CalendarConfig, cfg, "calendar config"))

    @classmethod
    def from_settings(cls, cfg: CalendarConfig) -> BusinessCalendar:
        return cls.from_values(
            timezone=cfg.timezone, working_days=cfg.working_days, start=cfg.working_hours.start, end=cfg.working_hours.end,
            holidays=cfg.holidays, extra_working_days=cfg.extra_working_days, holiday_country=cfg.holiday_country,
        )


# --- durations and the SLA table ----------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$", re.I)


@dataclass(frozen=True)
class Duration:
    amount: float
    unit: Literal["m", "h", "d"]

    @classmethod
    def parse(cls, value: Any) -> Duration:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"bad duration {value!r}: use e.g. 30m, 4h, 2d")
        unit = m.group(2).lower()
        return cls(float(m.group(1)), "m" if unit in ("m", "min") else unit)  # type: ignore[arg-type]

    def describe(self, clock: Clock) -> str:
        n = f"{self.amount:g}"
        word = {"m": "min", "h": "h", "d": "day" if self.amount == 1 else "days"}[self.unit]
        if clock == "business":
            word = {"m": "working min", "h": "working h", "d": "working day" if self.amount == 1 else "working days"}[self.unit]
        return f"{n} {word}"


@dataclass(frozen=True)
class DeadlineSpec:
    duration: Duration
    clock: Clock | None = None  # None: the priority's clock

    @classmethod
    def parse(cls, value: Any) -> DeadlineSpec:
        if isinstance(value, Mapping):
            clock = value.get("clock")
            if clock is not None and clock not in _CLOCKS:
                raise ValueError(f"bad clock {clock!r}: business or calendar")
            return cls(Duration.parse(value["duration"]), clock)
        return cls(Duration.parse(value))


@dataclass(frozen=True)
class PrioritySla:
    clock: Clock
    acknowledge: DeadlineSpec
    resolve: DeadlineSpec


@dataclass(frozen=True)
class CategoryRule:
    acknowledge: DeadlineSpec | None = None
    resolve: DeadlineSpec | None = None
    department_reply: DeadlineSpec | None = None
    parent: str | None = None


@dataclass(frozen=True)
class DeadlineDecision:
    deadlines: Deadlines
    explanation: str


def _read(path: str | Path | None) -> CalendarConfig:
    from ..adapters.config_files import read_calendar  # the file is read by the adapter

    return read_calendar(path)


@dataclass(frozen=True)
class DeadlinePolicy:
    calendar: BusinessCalendar
    sla: Mapping[str, PrioritySla]
    categories: Mapping[str, CategoryRule] = field(default_factory=dict)
    version: str = "default"
    # An uncertain decision waits in the triage queue: the queue acknowledges (reads it and
    # picks the department) within this, on the priority's clock.
    triage_acknowledge: DeadlineSpec = field(default_factory=lambda: DeadlineSpec(Duration(2, "h")))
    # (priority, category, triage) → explanation line; the same few lines for every complaint.
    _explanations: dict[tuple[str, str | None, bool], str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> DeadlinePolicy:
        return cls.from_settings(_read(path))

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any]) -> DeadlinePolicy:
        """From a mapping shaped like calendar.yaml (validated: unknown keys are errors)."""
        return cls.from_settings(validated(CalendarConfig, cfg, "calendar config"))

    @classmethod
    def from_settings(cls, cfg: CalendarConfig) -> DeadlinePolicy:
        calendar = BusinessCalendar.from_settings(cfg)
        sla: dict[str, PrioritySla] = {}
        for prio, entry in cfg.sla.items():
            if entry.clock not in _CLOCKS:
                raise ValueError(f"sla {prio}: bad clock {entry.clock!r}")
            sla[prio] = PrioritySla(entry.clock, DeadlineSpec.parse(entry.acknowledge), DeadlineSpec.parse(entry.resolve))  # type: ignore[arg-type]
        categories = {
            name: CategoryRule(
                acknowledge=DeadlineSpec.parse(entry.acknowledge) if entry.acknowledge is not None else None,
                resolve=DeadlineSpec.parse(entry.resolve) if entry.resolve is not None else None,
                department_reply=DeadlineSpec.parse(entry.department_reply) if entry.department_reply is not None else None,
                parent=entry.parent,
            )
            for name, entry in cfg.categories.items()
        }
        version = cfg.version
        policy = cls(
            calendar=calendar, sla=sla, categories=categories, version=version,
            triage_acknowledge=DeadlineSpec.parse(cfg.triage.acknowledge),
        )
        for name in categories:
            policy.rule_for(name)  # fails early on a parent cycle or a missing parent
        return policy

    # -- rules --

    def rule_for(self, category: str | None) -> tuple[CategoryRule, tuple[str, ...]]:
        """The effective rule of a category (own settings over its parents'), and the chain."""
        chain: list[str] = []
        name = category
        while name is not None and name in self.categories:
            if name in chain:
                raise ValueError(f"category parents form a cycle: {' -> '.join([*chain, name])}")
            chain.append(name)
            name = self.categories[name].parent
        if name is not None and chain:
            raise ValueError(f"category {chain[-1]!r}: unknown parent {name!r}")
        merged = CategoryRule()
        for item in reversed(chain):
            rule = self.categories[item]
            merged = CategoryRule(
                acknowledge=rule.acknowledge or merged.acknowledge,
                resolve=rule.resolve or merged.resolve,
                department_reply=rule.department_reply or merged.department_reply,
            )
        return merged, tuple(chain)

    def _sla(self, priority: str) -> PrioritySla:
        try:
            return self.sla[str(priority)]
        except KeyError:
            raise ValueError(f"no SLA for priority {priority!r}") from None

    def _add(self, start: datetime, spec: DeadlineSpec, default_clock: Clock) -> datetime:
        clock = spec.clock or default_clock
        d = spec.duration
        if clock == "calendar":
            delta = {"m": timedelta(minutes=d.amount), "h": timedelta(hours=d.amount), "d": timedelta(days=d.amount)}[d.unit]
            return start.astimezone(UTC) + delta
        if d.unit == "d":
            return self.calendar.add_business_days(start, d.amount)
        delta = timedelta(minutes=d.amount) if d.unit == "m" else timedelta(hours=d.amount)
        return self.calendar.add_business_time(start, delta)

    # -- the answer --

    def deadlines_for(self, *, priority: str, category: str | None, received_at: datetime, triage: bool = False) -> Deadlines:
        """Acknowledge / resolve / departmental-reply deadlines (UTC) for a complaint."""
        return self.decide(priority=priority, category=category, received_at=received_at, triage=triage).deadlines

    def decide(self, *, priority: str, category: str | None, received_at: datetime, triage: bool = False) -> DeadlineDecision:
        """`triage`: the case waits in the triage queue (an uncertain decision), which must
        acknowledge it by the triage deadline; the other deadlines are the priority's and the
        (best-guess) category's."""
        _aware(received_at, "received_at")
        sla = self._sla(priority)
        rule, _ = self.rule_for(category)

        def due(spec: DeadlineSpec) -> tuple[datetime, Clock]:
            # The moment and the clock it was counted on (the earliest spec wins, with its clock).
            return self._add(received_at, spec, sla.clock), spec.clock or sla.clock

        ack = due(sla.acknowledge)
        resolve = due(sla.resolve)
        if rule.acknowledge is not None:
            ack = min(ack, due(rule.acknowledge))
        if triage:
            ack = min(ack, due(self.triage_acknowledge))
        if rule.resolve is not None:
            resolve = min(resolve, due(rule.resolve))
        dept = None
        if rule.department_reply is not None:
            dept = min(due(rule.department_reply), resolve)
        # Nothing is answered before it is acknowledged: acknowledge by the earliest deadline.
        ack = min(ack, resolve, dept or resolve)
        clocks = {"acknowledge": ack, "resolve": resolve} | ({"department_reply": dept} if dept else {})
        working_time = tuple(name for name, (_at, clock) in clocks.items() if clock == "business")
        deadlines = Deadlines(acknowledge_by=ack[0], resolve_by=resolve[0], department_reply_by=dept[0] if dept else None,
                              working_time=working_time)
        key = (priority, category, triage)
        explanation = self._explanations.get(key)
        if explanation is None:
            explanation = self._explanations[key] = self.explain(priority=priority, category=category, triage=triage)
        return DeadlineDecision(deadlines, explanation)

    def explain(self, *, priority: str, category: str | None, triage: bool = False) -> str:
        """One line: which clock, which durations, which category rule."""
        sla = self._sla(priority)
        rule, chain = self.rule_for(category)
        clock_text = "wall-clock 24/7" if sla.clock == "calendar" else f"business hours ({self.calendar.describe()})"
        parts = [
            f"{priority} on {clock_text}: acknowledge {sla.acknowledge.duration.describe(sla.acknowledge.clock or sla.clock)}, "
            f"resolve {sla.resolve.duration.describe(sla.resolve.clock or sla.clock)}"
        ]
        extras = []
        for label, spec in (("acknowledge", rule.acknowledge), ("resolve", rule.resolve), ("department reply", rule.department_reply)):
            if spec is not None:
                extras.append(f"{label} {spec.duration.describe(spec.clock or sla.clock)}")
        if extras:
            via = f" (as {chain[-1]})" if len(chain) > 1 else ""
            parts.append(f"{chain[0]}{via}: " + ", ".join(extras) + " (category rules only shorten)")
        if triage:
            spec = self.triage_acknowledge
            parts.append(f"triage queue: acknowledge and assign within {spec.duration.describe(spec.clock or sla.clock)} (only shortens)")
        return "; ".join(parts)
