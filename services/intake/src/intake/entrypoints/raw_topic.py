"""The raw inbound topic: channel adapters publish there directly; intake normalises."""

from __future__ import annotations

from aiokafka import ConsumerRecord
from complaints_shared import events as ev
from pydantic import ValidationError

from .. import handlers
from ..adapters.publishing import PublishTimedOut
from ..domain.case_states import CaseStatesUnavailable
from ..domain.idempotency import RequestInProgress, StoreUnavailable


class UnreadableRecord(ValueError):
    """A raw record intake cannot read; the message names fields, never their values."""


class DependencyAway(ConnectionError):
    """What the record needs (the idempotency store, archive, the broker's acknowledgement) did
    not answer: the record is fine, so the loop waits and tries it again (a ConnectionError is
    transient to it) rather than dead-lettering it."""


def raw_record_handler(*, publisher, clock, window, receive_email: handlers.RawEmailReceiver | None = None):
    async def handle(record: ConsumerRecord) -> None:
        origin = f"{record.topic}/{record.partition}/{record.offset}"
        try:
            await handlers.normalise_raw(
                record.value or b"", origin=origin, publisher=publisher, now=clock(), window=window, receive_email=receive_email
            )
        except (StoreUnavailable, CaseStatesUnavailable, PublishTimedOut, RequestInProgress) as exc:
            raise DependencyAway(type(exc).__name__) from exc
        except ValidationError as exc:
            # pydantic's own text quotes the refused input (a customer's name, the complaint's
            # start), and the consumer loop logs and dead-letters the reason: say only where
            # and what. `from None`: no chained traceback carries the input either.
            raise UnreadableRecord(ev.describe_failure(exc)) from None

    return handle
