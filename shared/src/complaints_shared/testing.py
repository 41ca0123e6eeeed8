"""Fakes for unit tests (never used by the services themselves)."""

from __future__ import annotations

from . import events as ev


class FakePublisher:
    """Records what would have been published, after a round trip through the wire format
    (a model that doesn't serialise fails here, as it would on Kafka)."""

    def __init__(self) -> None:
        self.events: list[ev.Event] = []
        self.dead: list[str] = []

    async def publish(self, data: ev.Contract, event_id: str | None = None) -> ev.Event:
        event = ev.envelope(data, source="/test", event_id=event_id)
        self.events.append(ev.decode(ev.encode(event)))
        return event

    publish_acknowledged = publish

    async def dead_letter(self, message, *, reason: str, consumer: str) -> None:
        self.dead.append(reason)

    @property
    def published(self) -> list[tuple[ev.Contract, str]]:
        return [(event.data, event.id) for event in self.events]
