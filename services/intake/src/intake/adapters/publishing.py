"""Publishing for a waiting HTTP client: answered within a bound, whatever the broker does."""

from __future__ import annotations

import asyncio

from complaints_shared import events as ev

from ..handlers import Publisher


class PublishTimedOut(Exception):
    """The broker did not acknowledge in time. The event may still be written (the producer
    keeps the record and retries), so the outcome is unknown: "maybe recorded"."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no acknowledgement within {seconds:g} s")
        self.seconds = seconds


class BoundedPublisher:
    """Wraps a publisher so that `publish` returns or raises within `seconds`.

    aiokafka's idempotent producer retries a batch to a broker that is away until the broker
    returns (its batches never expire), and `request_timeout_ms` bounds only the metadata wait
    and the wait for room in the accumulator; so the bound on the whole send is this timeout.
    """

    def __init__(self, publisher: Publisher, seconds: float) -> None:
        self.publisher = publisher
        self.seconds = seconds

    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.publisher.publish(data, event_id=event_id)
        except TimeoutError as exc:
            raise PublishTimedOut(self.seconds) from exc
