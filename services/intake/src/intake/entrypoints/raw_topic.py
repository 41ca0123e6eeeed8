"""The raw inbound topic: channel adapters publish there directly; intake normalises."""

from __future__ import annotations

from aiokafka import ConsumerRecord

from .. import handlers


def raw_record_handler(*, publisher, clock, window):
    async def handle(record: ConsumerRecord) -> None:
        origin = f"{record.topic}/{record.partition}/{record.offset}"
        await handlers.normalise_raw(record.value or b"", origin=origin, publisher=publisher, now=clock(), window=window)

    return handle
