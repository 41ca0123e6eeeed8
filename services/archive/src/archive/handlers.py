"""Archive's use cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from complaints_shared import events as ev

from .adapters.repository import RawRecord


class Store(Protocol):
    async def store_batch(self, events: Sequence[ev.Event], raws: Sequence[RawRecord] = ()) -> int: ...


async def archive_batch(events: Sequence[ev.Event], raws: Sequence[RawRecord], *, store: Store) -> int:
    """Keep a batch of events and raw records, fold the events into their cases and roll-ups;
    answers how many events were new (the rest were redeliveries)."""
    return await store.store_batch(events, raws)
