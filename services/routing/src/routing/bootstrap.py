"""Wires routing: the domain engine from configuration, the Faust app and its agents."""

from __future__ import annotations

from dataclasses import dataclass

import faust
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.streams import Publisher, add_operations_pages, hold_until_topics_exist, make_app
from complaints_shared.topics import ALL_TOPICS, routing_internal_topics

from .entrypoints.agents import RoutingAgents, register
from .handlers import RoutingEngine
from .settings import RoutingSettings


def build_engine(settings: RoutingSettings) -> RoutingEngine:
    return RoutingEngine.from_config(
        rules_path=settings.rules_path, model_path=settings.model_path, validity_path=settings.validity_path,
        calendar_path=settings.calendar_path, default_region=settings.default_phone_region,
    )


@dataclass
class Routing:
    app: faust.App
    agents: RoutingAgents
    publisher: Publisher
    engine: RoutingEngine


def bootstrap(settings: RoutingSettings | None = None, *, engine: RoutingEngine | None = None, clock=ev.utcnow) -> Routing:
    settings = settings or RoutingSettings()
    engine = engine or build_engine(settings)
    app = make_app(settings, app_id=settings.app_id, data_dir=settings.data_dir)
    publisher = Publisher(app, settings, source="/services/routing")
    agents = register(app, settings, engine=engine, publisher=publisher, clock=clock)

    async def broker_ready() -> bool:
        return await kafka.broker_reachable(settings)

    # Every topic the worker uses exists before its consumer joins the group.
    topics = hold_until_topics_exist(app, settings, (*ALL_TOPICS, *routing_internal_topics(settings.app_id)))
    add_operations_pages(app, {"kafka": broker_ready, "topics": topics.check})
    return Routing(app, agents, publisher, engine)
