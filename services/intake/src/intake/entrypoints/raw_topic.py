"""The raw inbound topic: channel adapters publish there directly; intake normalises."""

from __future__ import annotations

from aiokafka import ConsumerRecord
from complaints_shared import events as ev
from pydantic import ValidationError

from .. import handlers


class UnreadableRecord(ValueError):
    """A raw record intake cannot read; the message names fields, never their values."""


def raw_record_handler(*, publisher, clock, window):
    async def handle(record: ConsumerRecord) -> None:
        origin = f"{record.topic}/{record.partition}/{record.offset}"
        try:
            await handlers.normalise_raw(record.value or b"", origin=origin, publisher=publisher, now=clock(), window=window)
        except ValidationError as exc:
            # pydantic's own text quotes the refused input (a customer's name, the complaint's
            # start), and the consumer loop logs and dead-letters the reason: say only where
            # and what. `from None`: no chained traceback carries the input either.
            raise UnreadableRecord(ev.describe_failure(exc)) from None

    return handle
