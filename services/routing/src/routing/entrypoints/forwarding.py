"""The hop from the platform's topics to `<app>-by-customer`, on a consumer whose offsets we own.

    complaints.received ─┐                         (key = customer key)
                         ├─ forward ─▶ <app>-by-customer ─▶ route agent (Faust, with the history table)
    cases.updates ───────┘

Why not a Faust agent: these two source topics have no table, and Faust's own offset tracking
(acks, "gaps" it fills by itself, prefetched records after a rebalance) committed offsets past
complaints that never reached the by-customer topic after a kill -9 and rebalances (issue 8's
fault runs: 3 of 300 once). Here, as in intake and archive, the loop commits a partition's offset
only after every record up to it was forwarded and the broker acknowledged the forwarded
records (acks=all); a crash before that replays them, and the route agent is idempotent on the
complaint (the same derived event id).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import faust
from aiokafka import AIOKafkaProducer, ConsumerRecord
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.logging import case_context
from complaints_shared.topics import CASE_UPDATES, RECEIVED
from faust.types.tables import GlobalTableT
from mode import Service

from .. import handlers
from ..domain.customers import CustomerDirectory
from ..settings import RoutingSettings

log = logging.getLogger(__name__)

KIND_HEADER = "routing-kind"  # on the by-customer topic: "received" (a complaint) or "status"
CUSTOMER_HEADER = "routing-customer"  # the recognised customer, JSON
CLOSING_UPDATES = (ev.CaseClosed, ev.CaseResolved)


class CustomerForwarder:
    """Handles one record of either source topic: recognise the customer of a complaint, or find
    the owner of a case whose status changed, and send the record on keyed by that customer.
    Sends are not awaited one by one; `settle()` waits for all of them before a commit."""

    def __init__(self, *, producer: AIOKafkaProducer, by_customer: str, received: str, directory: CustomerDirectory,
                 case_owner: GlobalTableT) -> None:
        self.producer = producer
        self.by_customer = by_customer
        self.received = received
        self.directory = directory
        self.case_owner = case_owner
        self._pending: list[asyncio.Future] = []

    async def handle(self, record: ConsumerRecord) -> None:
        if record.topic == self.received:
            event = ev.decode(record.value, expect=RECEIVED.carries)
            with case_context(event.subject):
                recognised = handlers.recognise(event.data, directory=self.directory)
                customer = json.dumps(recognised.to_json()).encode()
                # The record's bytes as they came, the customer in a header: the route agent
                # parses the complaint only once.
                await self._send(recognised.customer_key, record.value, [(KIND_HEADER, b"received"), (CUSTOMER_HEADER, customer)])
            return
        update = ev.decode(record.value, expect=CASE_UPDATES.carries).data
        owner = self.case_owner.get(update.case_id)
        if owner is not None and isinstance(update, (*CLOSING_UPDATES, ev.CaseReopened)):
            status = "open" if isinstance(update, ev.CaseReopened) else "closed"
            change = json.dumps({"case_id": update.case_id, "status": status}).encode()
            await self._send(owner, change, [(KIND_HEADER, b"status")])

    async def _send(self, customer_key: str, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        self._pending.append(await self.producer.send(self.by_customer, value, key=customer_key.encode(), headers=headers))

    async def settle(self) -> None:
        """Wait until the broker acknowledged every record sent so far; raise if one failed (the
        loop then stops without committing, and the worker restarts from the last commit)."""
        pending, self._pending = self._pending, []
        if pending:
            await asyncio.gather(*pending)


@dataclass(frozen=True)
class Wiring:
    app: faust.App
    settings: RoutingSettings
    directory: CustomerDirectory
    case_owner: GlobalTableT
    by_customer: str
    recovered: Callable[[], bool]


class ForwardingService(Service):
    """The forwarding loop as a service of the worker (Faust makes the instance): it starts once
    the worker's tables have recovered (the customer directory is needed to recognise anyone)
    and stops with the worker."""

    wiring: ClassVar[Wiring]
    running: ClassVar[ForwardingService | None] = None  # the instance, for /readyz
    consumer_loop: kafka.ConsumerLoop | None = None

    async def on_started(self) -> None:
        type(self).running = self
        self.add_future(self._run())

    async def _run(self) -> None:
        app, settings = self.wiring.app, self.wiring.settings
        while not self.wiring.recovered():
            await self.sleep(0.2)
            if self.should_stop:
                return
        name = f"{app.conf.id}-forward"
        producer = kafka.make_producer(settings, client_id=name)
        consumer = kafka.make_consumer(settings, settings.topic(RECEIVED.key), settings.topic(CASE_UPDATES.key), group_id=name, client_id=name)
        await producer.start()
        await consumer.start()
        forwarder = CustomerForwarder(producer=producer, by_customer=self.wiring.by_customer, received=settings.topic(RECEIVED.key),
                                      directory=self.wiring.directory, case_owner=self.wiring.case_owner)
        publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/services/routing")
        self.consumer_loop = kafka.ConsumerLoop(consumer, forwarder.handle, publisher, name=name, before_commit=forwarder.settle)
        failure: BaseException | None = None
        try:
            await self.consumer_loop.start()
        except Exception as exc:  # noqa: BLE001 - reported right below
            failure = exc
        finally:
            await consumer.stop()
            await producer.stop()
        if not self.consumer_loop._stopping:
            # The loop ended by itself (say a forwarded record the broker refused): the worker
            # exits and is restarted, and the uncommitted records come again.
            await app.crash(failure or RuntimeError("the forwarding loop stopped"))

    async def on_stop(self) -> None:
        if self.consumer_loop is not None:
            await self.consumer_loop.stop_and_wait()

    @classmethod
    async def ready(cls) -> bool:
        """Forwarding runs and holds partitions of both its topics."""
        loop = cls.running.consumer_loop if cls.running is not None else None
        if loop is None or not loop.alive:
            return False
        settings = cls.wiring.settings
        return {tp.topic for tp in loop.consumer.assignment()} >= {settings.topic(RECEIVED.key), settings.topic(CASE_UPDATES.key)}


def forwarding_service(wiring: Wiring) -> type[ForwardingService]:
    """A service class for one worker (Faust instantiates the classes given to `app.service`)."""
    return type("Forwarding", (ForwardingService,), {"wiring": wiring, "running": None})
