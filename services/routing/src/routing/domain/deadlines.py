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
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

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
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_NAMES = {v: k.capitalize() for k, v in _DAYS.items()}
_MAX_DAYS_SCAN = 366 * 5


def _aware(dt: datetime, what: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return dt


def _parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal minutes
        return time(value // 60, value % 60)
    return time.fromisoformat(str(value))


# --- the calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    start: time = time(9, 0)
    end: time = time(18, 0)
    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    country_holidays: Any = None  # a `holidays` package calendar (supports `date in ...`), optional
    description: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("working hours must end after they start (same day)")
        if not self.working_days and not self.extra_working_days:
            raise ValueError("no working days")

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> BusinessCalendar:
        return cls.from_settings(_read(path))

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any]) -> BusinessCalendar:
        """From a mapping shaped like calendar.yaml (validated: unknown keys are errors)."""
        return cls.from_settings(validated(CalendarConfig, cfg, "calendar config"))

    @classmethod
    def from_settings(cls, cfg: CalendarConfig) -> BusinessCalendar:
        days = frozenset(_DAYS[d.lower()[:3]] for d in cfg.working_days)
        country = cfg.holiday_country
        country_holidays = None
        if country:
            try:
                import holidays as holidays_pkg  # optional dependency
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ValueError("holiday_country needs the `holidays` package") from exc
            country_holidays = holidays_pkg.country_holidays(str(country))
        return cls(
            timezone=ZoneInfo(cfg.timezone),
            working_days=days,
            start=_parse_time(cfg.working_hours.start),
            end=_parse_time(cfg.working_hours.end),
            holidays=frozenset(cfg.holidays),
            extra_working_days=frozenset(cfg.extra_working_days),
            country_holidays=country_holidays,
        )

    # -- questions --

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day.weekday() not in self.working_days or day in self.holidays:
            return False
        return not (self.country_holidays is not None and day in self.country_holidays)

    def is_business_time(self, dt: datetime) -> bool:
        local = _aware(dt, "dt").astimezone(self.timezone)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def _hours_of(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.start, tzinfo=self.timezone),
            datetime.combine(day, self.end, tzinfo=self.timezone),
        )

    # -- arithmetic --

    def add_business_time(self, start: datetime, delta: timedelta) -> datetime:
        """`start` plus `delta` of working time, in UTC. Time outside working hours does not
        count; a start outside working hours begins at the next opening. A deadline that falls
        exactly at closing time is returned as closing time. Zero delta returns `start`."""
        _aware(start, "start")
        if delta < timedelta(0):
            raise ValueError("delta must not be negative")
        if delta == timedelta(0):
            return start.astimezone(UTC)
        remaining = delta
        cursor = start.astimezone(UTC)
        day = start.astimezone(self.timezone).date()
        for _ in range(_MAX_DAYS_SCAN):
            if self.is_working_day(day):
                opens, closes = (t.astimezone(UTC) for t in self._hours_of(day))
                if cursor < opens:
                    cursor = opens
                if cursor < closes:
                    available = closes - cursor  # UTC arithmetic: real elapsed time
                    if remaining <= available:
                        return cursor + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError(f"no end within {_MAX_DAYS_SCAN} days: check working days and holidays")

    def add_business_days(self, start: datetime, days: float) -> datetime:
        """`days` working days later: days x the length of a working day, in working time."""
        return self.add_business_time(start, self.day_length * days)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (zero if `end` is not after `start`)."""
        _aware(start, "start")
        _aware(end, "end")
        total = timedelta(0)
        if end <= start:
            return total
        day = start.astimezone(self.timezone).date()
        last = end.astimezone(self.timezone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = (t.astimezone(UTC) for t in self._hours_of(day))
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def describe(self) -> str:
        if self.description:
            return self.description
        days = sorted(self.working_days)
        if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
            span = f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
        else:
            span = ",".join(_DAY_NAMES[d] for d in days)
        return f"{span} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone.key}, holidays excluded"


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
        ack = self._add(received_at, sla.acknowledge, sla.clock)
        resolve = self._add(received_at, sla.resolve, sla.clock)
        if rule.acknowledge is not None:
            ack = min(ack, self._add(received_at, rule.acknowledge, sla.clock))
        if triage:
            ack = min(ack, self._add(received_at, self.triage_acknowledge, sla.clock))
        if rule.resolve is not None:
            resolve = min(resolve, self._add(received_at, rule.resolve, sla.clock))
        dept = None
        if rule.department_reply is not None:
            dept = min(self._add(received_at, rule.department_reply, sla.clock), resolve)
        # Nothing is answered before it is acknowledged: acknowledge by the earliest deadline.
        ack = min(ack, resolve, dept or resolve)
        deadlines = Deadlines(acknowledge_by=ack, resolve_by=resolve, department_reply_by=dept)
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
