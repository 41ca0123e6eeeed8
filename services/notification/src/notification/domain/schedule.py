"""The in-memory timetable of the watch: a heap of (when, case id), rebuilt from the table when
the worker gets its partitions, and kept up to date as the agents write the table.

The table stays the truth: an entry only says "look at this case then". When it comes up, the
caller reads the case from the table and works out what is due, so entries left behind by a
case that changed since (a stale time) cost one look and nothing else. Each case keeps at most
one live entry, its earliest time; an earlier time pushed later supersedes it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime


class Schedule:
    def __init__(self) -> None:
        self._heap: list[tuple[float, str]] = []
        self._next: dict[str, float] = {}  # case id → the time of its live entry

    def __len__(self) -> int:
        return len(self._next)

    def set(self, case_id: str, when: datetime | None) -> bool:
        """Look at the case at `when` (None: never again). Returns whether that is earlier
        than anything scheduled before it (a sleeping timer should wake)."""
        if when is None:
            self._next.pop(case_id, None)
            return False
        at = when.timestamp()
        if self._next.get(case_id) == at:
            return False
        earliest = self.earliest()
        self._next[case_id] = at
        heapq.heappush(self._heap, (at, case_id))
        return earliest is None or at < earliest

    def earliest(self) -> float | None:
        """The time (POSIX seconds) of the next live entry."""
        while self._heap and self._next.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)  # superseded or cancelled
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: datetime) -> list[str]:
        """The cases whose time has come (each once), removed from the schedule."""
        due: list[str] = []
        limit = now.timestamp()
        while (earliest := self.earliest()) is not None and earliest <= limit:
            _at, case_id = heapq.heappop(self._heap)
            del self._next[case_id]
            due.append(case_id)
        return due

    def rebuild(self, entries: Iterable[tuple[str, datetime | None]]) -> None:
        self._next = {case_id: when.timestamp() for case_id, when in entries if when is not None}
        self._heap = [(at, case_id) for case_id, at in self._next.items()]
        heapq.heapify(self._heap)
