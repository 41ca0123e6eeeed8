"""Archive's use cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from complaints_shared import events as ev

from .adapters.repository import RawRecord
from .domain.erasure import erasure_event, erasure_record


class Store(Protocol):
    async def store_batch(self, events: Sequence[ev.Event], raws: Sequence[RawRecord] = ()) -> int: ...

    async def apply_erasure(self, record: Mapping[str, Any]) -> bool: ...


class ErasingStore(Store, Protocol):
    async def plan_erasure(self, customer: str, *, requested_by: str, at: datetime) -> dict[str, Any]: ...


class ErasureLog(Protocol):
    async def append(self, erased: ev.CustomerErased) -> None: ...


def erasures_in(events: Sequence[ev.Event]) -> list[ev.CustomerErased]:
    return [event.data for event in events if isinstance(event.data, ev.CustomerErased)]


async def archive_batch(events: Sequence[ev.Event], raws: Sequence[RawRecord], *, store: Store) -> int:
    """Keep a batch of events and raw records, fold the events into their cases and roll-ups, then
    apply the batch's erasures (after: an erasure names documents stored before it was made);
    answers how many events were new (the rest were redeliveries)."""
    fresh = await store.store_batch([event for event in events if not isinstance(event.data, ev.CustomerErased)], raws)
    for erased in erasures_in(events):
        fresh += await store.apply_erasure(erasure_record(erased))
    return fresh


async def erase_customer(customer: str, *, requested_by: str, at: datetime, store: ErasingStore, erasure_log: ErasureLog) -> dict[str, Any]:
    """Erase a customer: find what is theirs (reads only), keep the erasure on the log (by those
    ids, acknowledged by the broker), then erase by id. In that order nothing is lost: a crash
    before the log holds it erased nothing; a crash after is finished by archive's consumer of
    the erasures topic (and by any rebuild), which applies the same ids."""
    record = await store.plan_erasure(customer, requested_by=requested_by, at=at)
    await erasure_log.append(erasure_event(record))
    await store.apply_erasure(record)
    return record
