"""Archive's use cases."""

from __future__ import annotations

from typing import Protocol

from complaints_shared import events as ev
from complaints_shared.logging import case_context


class Store(Protocol):
    async def store_event(self, event: ev.Event) -> bool: ...


async def archive_record(value: bytes, *, store: Store, expect: tuple[type[ev.Contract], ...] | None = None) -> bool:
    """Decode one record and store it; raises EventDecodeError for a record to dead-letter."""
    event = ev.decode(value, expect=expect)
    with case_context(event.subject):
        return await store.store_event(event)
