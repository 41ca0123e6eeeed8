"""A business calendar: working days and hours in a time zone, holidays and make-up working
days, and time arithmetic that counts only working time.

Routing computes its deadlines with it (its calendar.yaml: this module reads the calendar keys of
that file); notification counts a ladder rung's `after` in working time with the same calendar.
All arithmetic is done on aware datetimes; working hours are local wall-clock hours of the
configured time zone (zoneinfo), so DST is handled. Results are UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DAYS", "BusinessCalendar", "CalendarFile", "aware", "parse_time"]

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
DAY_NAMES = {v: k.capitalize() for k, v in DAYS.items()}
MAX_DAYS_SCAN = 366 * 5


def aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment


def parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal minutes
        return time(value // 60, value % 60)
    return time.fromisoformat(str(value))


class WorkingHours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "09:00"; YAML 1.1 reads 09:00 unquoted as sexagesimal minutes (an int), which is read so too
    start: dt.time | int | str = "09:00"
    end: dt.time | int | str = "18:00"


class CalendarFile(BaseModel):
    """The calendar keys of a calendar file; other keys (routing's SLA table) are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    timezone: str = "Asia/Shanghai"
    working_days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    holidays: list[dt.date] = Field(default_factory=list)
    extra_working_days: list[dt.date] = Field(default_factory=list)
    holiday_country: str | None = None


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
    def from_values(
        cls, *, timezone: str, working_days: Iterable[str], start: Any, end: Any, holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (), holiday_country: str | None = None,
    ) -> Self:
        """From a calendar file's values: day names (`mon`..`sun`), times as `HH:MM` (or YAML's
        sexagesimal minutes), the dates, and optionally a country for the `holidays` package."""
        days = frozenset(DAYS[d.lower()[:3]] for d in working_days)
        country_holidays = None
        if holiday_country:
            try:
                import holidays as holidays_pkg  # optional dependency
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ValueError("holiday_country needs the `holidays` package") from exc
            country_holidays = holidays_pkg.country_holidays(str(holiday_country))
        return cls(
            timezone=ZoneInfo(timezone), working_days=days, start=parse_time(start), end=parse_time(end),
            holidays=frozenset(holidays), extra_working_days=frozenset(extra_working_days), country_holidays=country_holidays,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Self:
        """The calendar part of a calendar file (routing's calendar.yaml; its other keys, the
        SLA table, are not the calendar's and are left alone)."""
        values = CalendarFile.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
        return cls.from_values(
            timezone=values.timezone, working_days=values.working_days, start=values.working_hours.start, end=values.working_hours.end,
            holidays=values.holidays, extra_working_days=values.extra_working_days, holiday_country=values.holiday_country,
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
        local = aware(dt, "dt").astimezone(self.timezone)
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
        aware(start, "start")
        if delta < timedelta(0):
            raise ValueError("delta must not be negative")
        if delta == timedelta(0):
            return start.astimezone(UTC)
        remaining = delta
        cursor = start.astimezone(UTC)
        day = start.astimezone(self.timezone).date()
        for _ in range(MAX_DAYS_SCAN):
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
        raise ValueError(f"no end within {MAX_DAYS_SCAN} days: check working days and holidays")

    def add_business_days(self, start: datetime, days: float) -> datetime:
        """`days` working days later: days x the length of a working day, in working time."""
        return self.add_business_time(start, self.day_length * days)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (zero if `end` is not after `start`)."""
        aware(start, "start")
        aware(end, "end")
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
            span = f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
        else:
            span = ",".join(DAY_NAMES[d] for d in days)
        return f"{span} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone.key}, holidays excluded"
