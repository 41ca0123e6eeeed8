"""The consumer sweeps for roll-up deltas a dead writer left pending, now and then, and goes on
consuming when a sweep fails."""

from __future__ import annotations

import asyncio

from archive.entrypoints.consumer import BatchConsumerLoop


class IdleConsumer:
    async def getmany(self, *, timeout_ms: int, max_records: int) -> dict:
        await asyncio.sleep(0)  # nothing to read: the loop comes round again at once
        return {}


class SweptStore:
    def __init__(self) -> None:
        self.sweeps = 0
        self.swept_twice = asyncio.Event()

    async def recover_stale_rollups(self) -> int:
        self.sweeps += 1
        if self.sweeps == 2:
            self.swept_twice.set()
        if self.sweeps == 1:
            raise ConnectionError("store away")  # the loop must survive it
        return 0


async def test_the_consumer_sweeps_again_after_a_failed_sweep():
    store = SweptStore()
    loop = BatchConsumerLoop(IdleConsumer(), store, publisher=None, name="archive-test", recover_every=0.0)  # type: ignore[arg-type]
    loop.start()
    try:
        await asyncio.wait_for(store.swept_twice.wait(), timeout=10)
        assert loop.alive
    finally:
        await loop.stop_and_wait()
