"""The daily digest per department: how many of its cases are new, open, overdue, escalated and
awaiting the supervisor's approval, counted from the watch (notification's own table), once a
day at a configured local time.

A department's digest is sent once a day: its id is derived from (department, day), and the
agent that sends it marks the day in the table under `digest:<department>`, which the agent
checks first (across restarts).

With several workers each holds some of the table's partitions: at the digest's time each
worker counts the cases of the partitions it owns, one *part* per partition, and sends the parts
to one place (the table key `digest:`, so one worker's agent); once every partition's part has
come, that agent sends one digest per department with the parts added up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from complaints_shared import events as ev

from .ladder import WatchedCase

MARK_PREFIX = "digest:"  # table keys of the marks, beside the case ids
COUNTS = ("new", "open", "overdue", "escalated", "awaiting_approval")
NEW_WITHIN = timedelta(days=1)


# Where the parts of a day's digests are gathered: no department has an empty name.
PARTS_KEY = MARK_PREFIX


def is_mark(key: str) -> bool:
    return key.startswith(MARK_PREFIX)


def mark_key(department: str) -> str:
    return f"{MARK_PREFIX}{department}"


def digest_id(department: str, day: str) -> str:
    return ev.derived_id("digest", department, day)


@dataclass(frozen=True)
class DigestPlan:
    """When the digest goes out: `at` local time in `timezone`, every day."""

    at: time
    timezone: ZoneInfo

    @classmethod
    def parse(cls, at: str, timezone: str) -> DigestPlan:
        return cls(time.fromisoformat(at), ZoneInfo(timezone))

    def day_of(self, now: datetime) -> str:
        return now.astimezone(self.timezone).date().isoformat()

    def today(self, now: datetime) -> datetime:
        """Today's digest time (local day of `now`), past or not."""
        return datetime.combine(now.astimezone(self.timezone).date(), self.at, tzinfo=self.timezone)

    def next_after(self, now: datetime) -> datetime:
        today = self.today(now)
        if today > now:
            return today
        return datetime.combine(today.date() + timedelta(days=1), self.at, tzinfo=self.timezone)


def overdue(case: WatchedCase, now: datetime) -> bool:
    """A deadline of a clock still running has passed (a case waiting on the customer is not
    overdue on the clocks it paused)."""
    if case.paused_since is None:
        if not case.acknowledged and case.acknowledge_by is not None and case.acknowledge_by < now:
            return True
        if not case.replied and case.department_reply_by is not None and case.department_reply_by < now:
            return True
        if case.resolve_by is not None and case.resolve_by < now:
            return True
    return case.approve_by is not None and case.approve_by < now


def department_counts(cases: Iterable[WatchedCase], now: datetime) -> dict[str, dict[str, int]]:
    """department → counts, over the cases routed to a department and not resolved."""
    counts: dict[str, Counter[str]] = {}
    for case in cases:
        if not case.routed or case.closed or not case.department:
            continue
        mine = counts.setdefault(case.department, Counter())
        mine["open"] += 1
        mine["new"] += int(case.opened_at is not None and now - case.opened_at <= NEW_WITHIN)
        mine["overdue"] += int(overdue(case, now))
        mine["escalated"] += int(bool(case.escalated))
        mine["awaiting_approval"] += int(case.approve_by is not None)
    return {department: {name: found[name] for name in COUNTS} for department, found in sorted(counts.items())}


def part_id(day: str, partition: int) -> str:
    return ev.derived_id("digest-part", day, str(partition))


def gather_part(gathered: Mapping[str, Any] | None, *, day: str, partition: int, counts: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """The day's parts with this partition's counts in (again: a part published twice, or by the
    partition's next owner after a rebalance, replaces the earlier one). A new day starts afresh."""
    if gathered is None or gathered.get("day") != day:
        gathered = {"day": day, "parts": {}, "sent": False}
    return {**gathered, "parts": {**gathered["parts"], str(partition): {d: dict(c) for d, c in counts.items()}}}


def complete(gathered: Mapping[str, Any], partitions: int) -> bool:
    return len(gathered["parts"]) >= partitions


def added_up(gathered: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """department → counts over all the parts."""
    total: dict[str, Counter[str]] = {}
    for part in gathered["parts"].values():
        for department, counts in part.items():
            total.setdefault(department, Counter()).update(counts)
    return {department: {name: found[name] for name in COUNTS} for department, found in sorted(total.items())}
