"""The timer: fires the watch's clocks from an in-memory schedule (a heap), not a scan.

The schedule is rebuilt from the table whenever the worker has (again) its partitions and
their tables recovered, and every table write of the agents goes through `ScheduledWatch`,
which reschedules that case. The timer sleeps until the earliest entry (or until a write
brings an earlier one), reads the cases that came due from the table and publishes what is
due for them; the agents that consume it write the table, which schedules the next rung.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiokafka.partitioner import DefaultPartitioner

from .. import handlers
from ..domain.digest import DigestPlan, is_mark
from ..domain.ladder import LadderConfig, WatchedCase
from ..domain.schedule import Schedule

log = logging.getLogger(__name__)
# A case whose publishing failed (a broker hiccup) is looked at again this much later.
RETRY_LOOK = timedelta(seconds=1)
REBUILD_SLICE = 2000
# The schedule's entry for the daily digest, beside the case ids (no case id starts with a NUL).
DIGEST_ENTRY = "\x00digest"


@dataclass(frozen=True)
class Ownership:
    """Which of the table's partitions this worker owns now. Faust's in-memory table also holds
    the cases of partitions it keeps as a standby or held before a rebalance: their clocks and
    their digest counts are their owner's (timing them here sent each of their rungs twice)."""

    partitions: int = 1
    owned: Callable[[], set[int]] = field(default=lambda: {0})

    def partition_of(self, case_id: str) -> int:
        return _partition_of(case_id, self.partitions)


@functools.lru_cache(maxsize=200_000)
def _partition_of(case_id: str, partitions: int) -> int:
    # As the producers placed the case's records (the table's keys follow their records).
    # Cached: aiokafka's murmur2 is pure Python, about 40 µs a key.
    return int(DefaultPartitioner()(case_id.encode(), list(range(partitions)), []))


class ScheduledWatch(MutableMapping[str, Any]):
    """The watch table as the handlers see it: every write also reschedules the case."""

    def __init__(self, table: MutableMapping[str, Any], keeper: ClockKeeper) -> None:
        self.table, self.keeper = table, keeper

    def __getitem__(self, case_id: str) -> Any:
        return self.table[case_id]

    def __setitem__(self, case_id: str, value: Any) -> None:
        self.table[case_id] = value
        self.keeper.written(case_id, value)

    def __delitem__(self, case_id: str) -> None:
        del self.table[case_id]
        self.keeper.written(case_id, None)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self.table

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


class ClockKeeper:
    def __init__(
        self, *, table: MutableMapping[str, Any], ladder: LadderConfig, publish: handlers.Publish, publish_work: handlers.PublishWork,
        clock: Callable[[], datetime], ready: Callable[[], bool], idle_seconds: float = 1.0, digest: DigestPlan | None = None,
        ownership: Ownership | None = None,
    ) -> None:
        self.table, self.ladder, self.publish, self.publish_work, self.digest = table, ladder, publish, publish_work, digest
        self.ownership = ownership or Ownership()
        self.clock, self.ready, self.idle_seconds = clock, ready, idle_seconds
        self.schedule = Schedule()
        self.in_flight: dict[str, set[str]] = {}  # case id → work ids published, not marked yet
        self.stale = True  # rebuild before the next tick
        self._wake = asyncio.Event()
        self.watch = ScheduledWatch(table, self)

    # --- kept up to date by the agents' writes ----------------------------------------------
    def written(self, case_id: str, value: Any) -> None:
        if is_mark(case_id):
            return  # a digest's mark, not a case
        if value is None:
            self.schedule.set(case_id, None)
            self.in_flight.pop(case_id, None)
            return
        case = WatchedCase.from_json(value)
        if flying := self.in_flight.get(case_id):
            # Keep only the ids still due: the others were marked (or are no longer due).
            flying.intersection_update(work_id for work_id, _ in handlers.due_work(case, self.clock(), ladder=self.ladder))
        if self.schedule.set(case_id, handlers.next_look(case, ladder=self.ladder)):
            self._wake.set()

    def partitions_changed(self) -> None:
        self.stale = True
        self._wake.set()

    async def rebuild(self) -> int:
        """The schedule from the table (after partitions were assigned and the table recovered).
        About 50 µs a case: it lets the event loop run (heartbeats, the web server) between slices."""
        entries: list[tuple[str, datetime | None]] = []
        if self.digest is not None:
            # Today's digest, even if its time passed (a worker that was down then sends it now;
            # the agent gathering the parts ignores a day's parts once that day's digest went out).
            entries.append((DIGEST_ENTRY, self.digest.today(self.clock())))
        for n, (case_id, case) in enumerate(self.owned_cases()):
            entries.append((case_id, handlers.next_look(case, ladder=self.ladder)))
            if n % REBUILD_SLICE == REBUILD_SLICE - 1:
                await asyncio.sleep(0)
        self.schedule.rebuild(entries)
        self.in_flight.clear()
        self.stale = False
        log.info("clock schedule rebuilt", extra={"cases": len(entries), "scheduled": len(self.schedule)})
        return len(self.schedule)

    def owned_cases(self) -> Iterator[tuple[str, WatchedCase]]:
        """The cases of the partitions this worker owns now (see `Ownership`)."""
        owned = self.ownership.owned()
        everything = owned >= set(range(self.ownership.partitions))  # one worker: no partition to work out
        for case_id, value in list(self.table.items()):
            if value is not None and not is_mark(case_id) and (everything or self.ownership.partition_of(case_id) in owned):
                yield case_id, WatchedCase.from_json(value)

    # --- the timer ------------------------------------------------------------------------------
    async def tick(self) -> int:
        """Publish what came due; returns how many events. Nothing while the worker is not
        ready: until the table is recovered it may hold a case without its marks yet."""
        if not self.ready():
            self.stale = True
            return 0
        if self.stale:
            await self.rebuild()
        now = self.clock()
        due = self.schedule.pop_due(now)
        digests = await self._publish_digests(now) if DIGEST_ENTRY in due else 0
        cases = [WatchedCase.from_json(value) for case_id in due if case_id != DIGEST_ENTRY and (value := self.table.get(case_id)) is not None]
        # Concurrently: one acknowledged send at a time capped the timer at a broker round trip
        # per escalation (p99 7 s late with 67 rungs a second among 100,000 clocks).
        made = await asyncio.gather(*(self._publish_due(case, now) for case in cases))
        return sum(made) + digests

    async def _publish_digests(self, now: datetime) -> int:
        """Today's digest parts of the partitions owned here (the agent that gathers them sends
        each department's digest once all partitions have answered), then tomorrow's time."""
        assert self.digest is not None
        try:
            by_partition: dict[int, list[WatchedCase]] = {partition: [] for partition in self.ownership.owned()}
            for case_id, case in self.owned_cases():
                by_partition[self.ownership.partition_of(case_id)].append(case)
            works = handlers.digest_parts(by_partition, now=now, day=self.digest.day_of(now), partitions=self.ownership.partitions)
            await asyncio.gather(*(self.publish_work(work) for work in works))
        except Exception:  # noqa: BLE001 - the broker may be away: try again shortly
            log.exception("publishing the digests failed")
            self.schedule.set(DIGEST_ENTRY, now + RETRY_LOOK)
            return 0
        self.schedule.set(DIGEST_ENTRY, self.digest.next_after(now))
        log.info("digest parts published", extra={"partitions": len(works)})
        return len(works)

    async def _publish_due(self, case: WatchedCase, now: datetime) -> int:
        try:
            return await handlers.publish_due(case, publish=self.publish, publish_work=self.publish_work, now=now, ladder=self.ladder,
                                              in_flight=self.in_flight.setdefault(case.case_id, set()))
        except Exception:  # noqa: BLE001 - the broker may be away: look again shortly, keep the timer alive
            log.exception("publishing due work failed", extra={"case_id": case.case_id})
            self.schedule.set(case.case_id, now + RETRY_LOOK)
            return 0

    def seconds_to_next(self) -> float:
        earliest = self.schedule.earliest()
        if earliest is None or self.stale:
            return self.idle_seconds
        return max(0.0, min(self.idle_seconds, earliest - self.clock().timestamp()))

    async def run(self) -> None:
        while True:
            await self.tick()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.seconds_to_next())
            except TimeoutError:
                pass


def work_record(work: handlers.DueWork) -> tuple[bytes, bytes]:
    return work.case_id.encode(), work.model_dump_json(exclude_none=True).encode()
