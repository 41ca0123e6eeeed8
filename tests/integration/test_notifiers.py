"""Notification's senders against real servers on loopback: an SMTP server (aiosmtpd) and an
HTTP server receiving webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from email import message_from_bytes

import httpx
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from notification.adapters.notifiers import DeliveryFailed, EmailNotifier, Notice, SmtpSettings, WebhookNotifier
from notification.bootstrap import build_notifiers
from notification.settings import NotificationSettings
from processes import free_port

NOTICE = Notice(case_id="case-42", recipient_role="supervisor:quality", template="escalated_acknowledge",
                fields={"priority": "P1", "due_at": "2026-11-24T10:00:00+00:00"})


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_email_goes_to_the_address_of_the_role(smtp_server):
    controller, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=controller.port, username=None, password=None, starttls=False, mail_from="desk@corp.example")
    notifier = EmailNotifier(smtp, addresses={"supervisor": "sup@corp.example"}, default_address=None)
    await notifier.send(NOTICE)
    [(recipients, message)] = inbox.messages
    assert recipients == ["sup@corp.example"]
    assert message["Subject"] == "[P1] Escalated (acknowledge): case case-42"
    assert "the acknowledge deadline fell at 2026-11-24T10:00:00+00:00" in message.get_payload()


async def test_email_without_an_address_for_the_role_fails_clearly(smtp_server):
    controller, _ = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=controller.port, username=None, password=None, starttls=False, mail_from="d@x")
    with pytest.raises(DeliveryFailed, match="no e-mail address for role"):
        await EmailNotifier(smtp, addresses={}, default_address=None).send(NOTICE)


async def test_unreachable_smtp_server_is_retried_then_reported():
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), username=None, password=None, starttls=False, mail_from="d@x")
    notifier = EmailNotifier(smtp, addresses={}, default_address="a@x", attempts=2, wait_max=0.1)
    with pytest.raises(DeliveryFailed) as failure:
        await notifier.send(NOTICE)
    assert failure.value.attempts == 2


async def test_webhook_posts_a_signed_notice_and_retries_a_5xx():
    received, calls = [], []

    async def hook(request: web.Request) -> web.Response:
        calls.append(1)
        if len(calls) == 1:
            return web.Response(status=503)  # the receiver hiccups once
        received.append((await request.read(), request.headers.get("X-Complaints-Signature")))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with httpx.AsyncClient() as client:
            notifier = WebhookNotifier(f"http://127.0.0.1:{port}/hook", secret="s3cret", client=client, wait_max=0.1)
            await notifier.send(NOTICE)
    finally:
        await runner.cleanup()
    [(body, signature)] = received
    assert len(calls) == 2
    assert signature == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert json.loads(body)["recipient_role"] == "supervisor:quality"


def test_settings_build_one_notifier_per_channel_and_refuse_incomplete_ones():
    settings = NotificationSettings(channels=["log", "webhook", "email"], webhook_url="http://127.0.0.1:1/h", default_address="ops@x")
    assert [n.medium for n in build_notifiers(settings)] == ["log", "webhook", "email"]
    with pytest.raises(ValueError, match="NOTIFICATION_WEBHOOK_URL"):
        NotificationSettings(channels=["webhook"])
