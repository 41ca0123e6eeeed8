"""Group commit: the store operations that concurrent requests make while the previous batch is
on its way go to the store together, as one bulk call (one round trip, one command's overhead
instead of one per request). A request still waits for its own operation's outcome: nothing is
answered before what it promises is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class Batches(Generic[Item, Outcome]):
    """`await batches.submit(item)` gives the item's outcome once `run` stored its batch.

    `run` takes the items gathered (up to `max_batch`) and returns one outcome per item, in
    order, or raises, which each item's submitter then gets. One batch is in flight at a time:
    the items submitted meanwhile form the next one, so a batch is as large as the load makes
    it, and a lone request waits for no one.
    """

    def __init__(self, run: Callable[[list[Item]], Awaitable[list[Outcome]]], *, max_batch: int = 500) -> None:
        self.run = run
        self.max_batch = max_batch
        self.waiting: list[tuple[Item, asyncio.Future[Outcome]]] = []
        self.flusher: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[: self.max_batch], self.waiting[self.max_batch :]
            try:
                outcomes = await self.run([item for item, _future in batch])
            except asyncio.CancelledError:
                for _item, future in batch:
                    future.cancel()
                raise
            except Exception as exc:  # every submitter gets the failure of its batch
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_item, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
