"""Wires notification: the Faust app, its agents, the ladder and notifiers (from the settings)
and the health pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import faust
import httpx
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.business_calendar import BusinessCalendar
from complaints_shared.streams import Publisher, add_operations_pages, hold_until_topics_exist, make_app
from complaints_shared.topics import ALL_TOPICS, notification_internal_topics

from . import handlers
from .adapters.notifiers import EmailNotifier, LogNotifier, Notifier, SmsGateway, SmsNotifier, SmtpSettings, WebhookNotifier
from .domain.ladder import LadderConfig
from .entrypoints.agents import NotificationAgents, register
from .settings import NotificationSettings


@dataclass
class Notification:
    app: faust.App
    agents: NotificationAgents
    publisher: Publisher
    senders: handlers.Senders


def build_notifiers(settings: NotificationSettings) -> list[Notifier]:
    notifiers: list[Notifier] = []
    for channel in dict.fromkeys(settings.channels):
        if channel == "log":
            notifiers.append(LogNotifier())
        elif channel == "webhook":
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            assert settings.webhook_url is not None  # the settings refuse the webhook channel without one
            client = httpx.AsyncClient(timeout=10)
            notifiers.append(WebhookNotifier(settings.webhook_url, secret=secret, client=client, attempts=settings.delivery_attempts))
        elif channel == "email":
            smtp = SmtpSettings(
                host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                starttls=settings.smtp_starttls, mail_from=settings.mail_from, mail_domain=settings.message_id_domain,
            )
            notifiers.append(EmailNotifier(smtp, addresses=settings.role_addresses, default_address=settings.default_address,
                                           attempts=settings.delivery_attempts))
        elif channel == "sms":
            assert settings.sms_url is not None  # the settings refuse the sms channel without one
            gateway = SmsGateway(kind=settings.sms_gateway, url=settings.sms_url, sender=settings.sms_from, account=settings.sms_account,
                                 token=settings.sms_token.get_secret_value() if settings.sms_token else None)
            notifiers.append(SmsNotifier(gateway, client=httpx.AsyncClient(timeout=10), attempts=settings.delivery_attempts))
    return notifiers


def bootstrap(
    settings: NotificationSettings | None = None, *, notifiers: list[Notifier] | None = None, clock=ev.utcnow
) -> Notification:
    settings = settings or NotificationSettings()
    app = make_app(settings, app_id=settings.app_id, data_dir=settings.data_dir)
    publisher = Publisher(app, settings, source="/services/notification")
    calendar = BusinessCalendar.from_file(settings.calendar_file) if settings.calendar_file else None
    ladder = LadderConfig.load(settings.ladder_file).with_calendar(calendar)
    retry = handlers.RetryPolicy(
        attempts=settings.delivery_attempts, first=timedelta(seconds=settings.retry_first_seconds),
        longest=timedelta(seconds=settings.retry_max_seconds), give_up_after=timedelta(hours=settings.give_up_after_hours),
    )
    senders = handlers.Senders(
        build_notifiers(settings) if notifiers is None else notifiers,
        lambda data, event_id: publisher.publish(data, event_id),  # attached to the event in hand
        retry, settings.case_link, settings.staff_language, settings.staff_languages,
    )
    agents = register(app, settings, publisher=publisher, senders=senders, ladder=ladder, clock=clock)

    async def broker_ready() -> bool:
        return await kafka.broker_reachable(settings)

    # Every topic the worker uses exists before its consumer joins the group.
    topics = hold_until_topics_exist(app, settings, (*ALL_TOPICS, *notification_internal_topics(settings.app_id)))
    add_operations_pages(app, {"kafka": broker_ready, "topics": topics.check})
    return Notification(app, agents, publisher, senders)
