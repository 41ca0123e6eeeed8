"""Wires notification: the Faust app, its agents, the notifier and the health pages."""

from __future__ import annotations

from dataclasses import dataclass
import faust

from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.streams import Publisher, add_operations_pages, make_app

from .adapters.notifiers import LogNotifier, Notifier
from .entrypoints.agents import NotificationAgents, register
from .settings import NotificationSettings


@dataclass
class Notification:
    app: faust.App
    agents: NotificationAgents
    publisher: Publisher


def bootstrap(settings: NotificationSettings | None = None, *, notifier: Notifier | None = None, clock=ev.utcnow) -> Notification:
    settings = settings or NotificationSettings()
    app = make_app(settings, app_id=settings.app_id, data_dir=settings.data_dir)
    publisher = Publisher(app, settings, source="/services/notification")
    agents = register(app, settings, publisher=publisher, notifier=notifier or LogNotifier(), clock=clock)

    async def broker_ready() -> bool:
        return await kafka.broker_reachable(settings)

    add_operations_pages(app, {"kafka": broker_ready})
    return Notification(app, agents, publisher)
