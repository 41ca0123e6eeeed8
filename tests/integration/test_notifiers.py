"""Notification's senders against real servers on loopback: an SMTP server (aiosmtpd) and an
HTTP server receiving webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from email.header import decode_header, make_header

import httpx
import mail_sink
import pytest
from aiohttp import web
from notification.adapters.notifiers import (
    DeliveryFailed,
    EmailNotifier,
    Notice,
    SmsGateway,
    SmsNotifier,
    SmtpSettings,
    WebhookNotifier,
)
from notification.bootstrap import build_notifiers
from notification.settings import NotificationSettings
from processes import free_port

NOTICE = Notice(case_id="case-42", recipient_role="supervisor:quality", template="escalated_acknowledge",
                fields={"priority": "P1", "due_at": "2026-11-24T10:00:00+00:00"})


@pytest.fixture
def smtp_server():
    with mail_sink.smtp_sink() as (port, inbox):
        yield port, inbox


async def test_email_goes_to_the_address_of_the_role(smtp_server):
    port, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, username=None, password=None, starttls=False, mail_from="desk@corp.example")
    notifier = EmailNotifier(smtp, addresses={"supervisor": "sup@corp.example"}, default_address=None)
    await notifier.send(NOTICE)
    [(recipients, message)] = inbox.messages
    assert recipients == ["sup@corp.example"]
    assert message["Subject"] == "[P1] Escalated (acknowledge): case case-42"
    assert "the acknowledge deadline fell at 2026-11-24T10:00:00+00:00" in message.get_payload()


async def test_email_without_an_address_for_the_role_fails_clearly(smtp_server):
    port, _ = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, username=None, password=None, starttls=False, mail_from="d@x")
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
    settings = NotificationSettings(channels=["log", "webhook", "email", "sms"], webhook_url="http://127.0.0.1:1/h", default_address="ops@x",
                                    sms_gateway="json", sms_url="http://127.0.0.1:1/sms")
    assert [n.medium for n in build_notifiers(settings)] == ["log", "webhook", "email", "sms"]
    with pytest.raises(ValueError, match="NOTIFICATION_WEBHOOK_URL"):
        NotificationSettings(channels=["webhook"])
    with pytest.raises(ValueError, match="NOTIFICATION_SMS_ACCOUNT"):
        NotificationSettings(channels=["sms"], sms_url="http://127.0.0.1:1")


async def serve(routes: web.RouteTableDef) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


CUSTOMER_NOTICE = Notice(case_id="case-7", recipient_role="customer", template="satisfaction_request", fields={}, language="zh-Hans",
                         notice_id="n-1", to="+8613800000000")


async def test_sms_through_a_twilio_compatible_messages_api():
    routes, posted = web.RouteTableDef(), []

    @routes.post("/2010-04-01/Accounts/{account}/Messages.json")
    async def messages(request: web.Request) -> web.Response:
        posted.append((request.match_info["account"], request.headers["Authorization"], dict(await request.post())))
        return web.json_response({"sid": "SM1"}, status=201)

    runner, port = await serve(routes)
    try:
        async with httpx.AsyncClient() as client:
            gateway = SmsGateway(kind="twilio", url=f"http://127.0.0.1:{port}", sender="+15550000000", account="AC1", token="tok")
            await SmsNotifier(gateway, client=client).send(CUSTOMER_NOTICE)
    finally:
        await runner.cleanup()
    [(account, authorization, form)] = posted
    assert account == "AC1" and authorization == "Basic " + base64.b64encode(b"AC1:tok").decode()
    assert form["To"] == "+8613800000000" and form["From"] == "+15550000000"
    assert form["Body"] == "案件 case-7：您满意吗？请回复 1（不满意）至 5（非常满意）。"


async def test_sms_through_a_generic_json_gateway_retries_and_carries_the_notice_id():
    routes, posted = web.RouteTableDef(), []

    @routes.post("/send")
    async def send(request: web.Request) -> web.Response:
        posted.append((request.headers.get("Authorization"), await request.json()))
        return web.Response(status=502 if len(posted) == 1 else 202)

    runner, port = await serve(routes)
    try:
        async with httpx.AsyncClient() as client:
            gateway = SmsGateway(kind="json", url=f"http://127.0.0.1:{port}/send", sender="Complaints", token="tok")
            await SmsNotifier(gateway, client=client, wait_max=0.1).send(CUSTOMER_NOTICE)
    finally:
        await runner.cleanup()
    assert len(posted) == 2  # a 502, then accepted
    authorization, body = posted[-1]
    assert authorization == "Bearer tok" and body["to"] == "+8613800000000" and body["reference"] == "n-1"


async def test_sms_refuses_a_staff_notice():
    async with httpx.AsyncClient() as client:
        notifier = SmsNotifier(SmsGateway(kind="json", url="http://127.0.0.1:1/x", sender="s"), client=client)
        with pytest.raises(DeliveryFailed, match="customer's number only"):
            await notifier.send(NOTICE)


async def test_a_customer_email_is_threaded_tagged_and_in_their_language(smtp_server):
    port, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, username=None, password=None, starttls=False,
                        mail_from="complaints@corp.example", mail_domain="corp.example")
    notice = Notice(case_id="case-9", recipient_role="customer", template="acknowledgement", language="zh-Hans", notice_id="n-9",
                    fields={"acknowledge_by": "2026-12-05 09:00 UTC", "their_subject": "盖子坏了"}, to="wang@customer.example",
                    in_reply_to="<q2@customer.example>", references=("<q1@customer.example>",))
    await EmailNotifier(smtp, addresses={}, default_address=None).send(notice)
    [(recipients, message)] = inbox.messages
    assert recipients == ["wang@customer.example"]
    assert str(make_header(decode_header(message["Subject"]))) == "回复：盖子坏了 [Case case-9]"
    assert message["Message-ID"] == "<case.case-9.n-9@corp.example>"
    assert (message["In-Reply-To"], message["References"]) == ("<q2@customer.example>", "<q1@customer.example> <q2@customer.example>")
    assert "案件编号为 case-9" in message.get_payload(decode=True).decode()
