"""Routing's Faust topology.

    complaints.received ─┐ forward (forwarding.py: our own consume-then-commit loop)
    cases.updates ───────┴──────────▶ <app>-by-customer (internal, key = customer key) ──route──▶ complaints.routed
    customers.profiles ──directory──▶ customer directory (GlobalTable: every worker knows every customer)

The route agent owns the per-customer history table; repartitioning by customer key keeps
all of one customer's complaints on one worker, in order, whichever channel they came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import faust
from complaints_shared import events as ev
from complaints_shared.logging import case_context
from complaints_shared.streams import Publisher, dead_letter_on_error, events_of, recovery_ready
from complaints_shared.topics import CUSTOMERS, RECEIVED
from faust.types.tables import GlobalTableT, TableT
from prometheus_client import Counter, Histogram

from .. import handlers
from ..domain.customers import CustomerDirectory
from ..settings import RoutingSettings
from .forwarding import CUSTOMER_HEADER, KIND_HEADER, ForwardingService, Wiring, forwarding_service

DECISIONS = Counter("routing_decisions_total", "Routing decisions", ["validity", "department", "priority"])
DECIDE_SECONDS = Histogram("routing_decide_seconds", "Time to decide one complaint")


@dataclass
class RoutingAgents:
    directory_table: GlobalTableT
    case_owner: GlobalTableT
    history: TableT
    route: object
    follow_profiles: object
    forwarding: type[ForwardingService]


def register(app: faust.App, settings: RoutingSettings, *, engine: handlers.RoutingEngine, publisher: Publisher, clock) -> RoutingAgents:
    customers_topic = app.topic(settings.topic(CUSTOMERS.key), value_type=bytes, key_type=bytes)
    by_customer = app.topic(
        f"{app.conf.id}-by-customer", value_type=bytes, key_type=bytes, internal=True, partitions=RECEIVED.partitions
    )
    directory_table = app.GlobalTable("customer-directory", default=None)
    case_owner = app.GlobalTable("case-owner", default=None)  # case id → customer key
    history = app.Table("customer-history", default=None, partitions=RECEIVED.partitions)
    # Table keys are str and values JSON (Faust's default table codec); changelogs replay them
    # on restart.
    # the engine's region: the one its validity judge reads phone numbers with
    directory = CustomerDirectory(directory_table, default_region=engine.default_region)

    @app.agent(customers_topic, name="follow-profiles")
    async def follow_profiles(stream):
        async for event, message in events_of(stream, expect=CUSTOMERS.carries, publisher=publisher, consumer="routing"):
            async with dead_letter_on_error(publisher, message, consumer="routing"):
                handlers.ingest_profile(event.data, directory=directory)
            yield event.id

    async def route_one(customer_key: str, value: bytes, headers: dict[str, bytes]) -> None:
        """One record of the by-customer topic: a status change, or a complaint to route."""
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
        async for record in stream.events():
            async with dead_letter_on_error(publisher, record.message, consumer="routing"):
                await route_one(record.key.decode(), record.value, dict(record.message.headers or ()))
            yield record.key

    forwarding = forwarding_service(Wiring(
        app, settings, directory=directory, case_owner=case_owner, by_customer=by_customer.get_topic_name(),
        recovered=lambda: recovery_ready(app),
    ))
    app.service(forwarding)
    return RoutingAgents(directory_table, case_owner, history, route, follow_profiles, forwarding)
