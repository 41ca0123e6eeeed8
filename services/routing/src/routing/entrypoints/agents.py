"""Routing's Faust topology.

    complaints.received ──recognise──▶ <app>-by-customer (internal, key = customer key) ──route──▶ complaints.routed
    customers.profiles  ──directory──▶ customer directory (GlobalTable: every worker knows every customer)
    cases.updates       ──follow────▶ <app>-by-customer (status changes of a customer's cases)

The route agent owns the per-customer history table; repartitioning by customer key keeps
all of one customer's complaints on one worker, in order, whichever channel they came from.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust
from complaints_shared import events as ev
from complaints_shared.logging import case_context
from complaints_shared.streams import Publisher, events_of, handle_or_dead_letter, records_of
from complaints_shared.topics import CASE_UPDATES, CUSTOMERS, RECEIVED
from faust.types.tables import GlobalTableT, TableT
from prometheus_client import Counter, Histogram

from .. import handlers
from ..domain.customers import CustomerDirectory
from ..settings import RoutingSettings

DECISIONS = Counter("routing_decisions_total", "Routing decisions", ["validity", "department", "priority"])
DECIDE_SECONDS = Histogram("routing_decide_seconds", "Time to decide one complaint")
CLOSING_UPDATES = (ev.CaseClosed, ev.CaseResolved)
KIND_HEADER = "routing-kind"  # on the by-customer topic: "received" (a complaint) or "status"
CUSTOMER_HEADER = "routing-customer"  # the recognised customer, JSON


@dataclass
class RoutingAgents:
    directory_table: GlobalTableT
    case_owner: GlobalTableT
    history: TableT
    recognise: object
    route: object
    follow_profiles: object
    follow_updates: object


def register(app: faust.App, settings: RoutingSettings, *, engine: handlers.RoutingEngine, publisher: Publisher, clock) -> RoutingAgents:
    received_topic = app.topic(settings.topic(RECEIVED.key), value_type=bytes, key_type=bytes)
    customers_topic = app.topic(settings.topic(CUSTOMERS.key), value_type=bytes, key_type=bytes)
    updates_topic = app.topic(settings.topic(CASE_UPDATES.key), value_type=bytes, key_type=bytes)
    by_customer = app.topic(f"{app.conf.id}-by-customer", value_type=bytes, key_type=bytes, internal=True, partitions=RECEIVED.partitions)
    directory_table = app.GlobalTable("customer-directory", default=None)
    case_owner = app.GlobalTable("case-owner", default=None)  # case id → customer key
    history = app.Table("customer-history", default=None, partitions=RECEIVED.partitions)
    # Table keys are str and values JSON (Faust's default table codec); changelogs replay them
    # on restart.
    # the engine's region: the one its validity judge reads phone numbers with
    directory = CustomerDirectory(directory_table, default_region=engine.default_region)

    # The by-customer topic carries the received record's bytes as they came, with the
    # recognised customer in a header, so the route agent parses the complaint only once.
    def forward_complaint(recognised: handlers.Recognised, received: bytes) -> Awaitable[Any]:
        customer = json.dumps(recognised.to_json()).encode()
        return by_customer.send(
            key=recognised.customer_key.encode(), value=received, headers=[(KIND_HEADER, b"received"), (CUSTOMER_HEADER, customer)]
        )

    def forward_status(customer_key: str, case_id: str, status: str) -> Awaitable[Any]:
        status_change = json.dumps({"case_id": case_id, "status": status}).encode()
        return by_customer.send(key=customer_key.encode(), value=status_change, headers=[(KIND_HEADER, b"status")])

    # One event each; `handle_or_dead_letter` runs them again after a broker failure.
    async def ingest_profile(event: ev.Event) -> None:
        handlers.ingest_profile(event.data, directory=directory)

    async def recognise_one(event: ev.Event, received: bytes) -> None:
        await forward_complaint(handlers.recognise(event.data, directory=directory), received)

    async def follow_update(event: ev.Event) -> None:
        owner = case_owner.get(event.data.case_id)
        if owner is not None and isinstance(event.data, (*CLOSING_UPDATES, ev.CaseReopened)):
            status = "open" if isinstance(event.data, ev.CaseReopened) else "closed"
            await forward_status(owner, event.data.case_id, status)

    @app.agent(customers_topic, name="follow-profiles")
    async def follow_profiles(stream):
        async for event, message in events_of(stream, expect=CUSTOMERS.carries, publisher=publisher, consumer="routing"):
            await handle_or_dead_letter(publisher, message, partial(ingest_profile, event), consumer="routing")
            yield event.id

    @app.agent(received_topic, name="recognise")
    async def recognise(stream):
        async for event, message in events_of(stream, expect=RECEIVED.carries, publisher=publisher, consumer="routing"):
            with case_context(event.subject):
                await handle_or_dead_letter(publisher, message, partial(recognise_one, event, message.value), consumer="routing")
            yield event.id

    @app.agent(updates_topic, name="follow-updates")
    async def follow_updates(stream):
        async for event, message in events_of(stream, expect=CASE_UPDATES.carries, publisher=publisher, consumer="routing"):
            await handle_or_dead_letter(publisher, message, partial(follow_update, event), consumer="routing")
            yield event.id

    async def route_one(message) -> None:
        """One record of the by-customer topic: a status change, or a complaint to route."""
        customer_key, value, headers = message.key.decode(), message.value, dict(message.headers or ())
        if headers.get(KIND_HEADER) == b"status":
            change = json.loads(value)
            handlers.follow_status(customer_key=customer_key, case_id=change["case_id"], status=change["status"], histories=history)
            return
        event = ev.decode(value, expect=RECEIVED.carries)
        recognised = handlers.Recognised.from_json(json.loads(headers[CUSTOMER_HEADER]))
        with case_context(event.subject), DECIDE_SECONDS.time():
            # The decision is attached to this event: Faust publishes it (acks=all) before
            # committing the offset.
            routed = await handlers.route_complaint(
                event, recognised, engine=engine, histories=history, owners=case_owner, publish=publisher.publish, clock=clock
            )
        DECISIONS.labels(routed.validity.value, routed.department, routed.priority.value).inc()

    @app.agent(by_customer, name="route")
    async def route(stream):
        async for message in records_of(stream, publisher=publisher):
            await handle_or_dead_letter(publisher, message, partial(route_one, message), consumer="routing")
            yield message.key

    return RoutingAgents(directory_table, case_owner, history, recognise, route, follow_profiles, follow_updates)
