"""Where notices go. Events and notices name a role (a department, its supervisor, the
manager, the customer), never an address; the address book in the settings maps staff roles
to recipients here, at the edge. A customer's own address or number travels in the notice
(`to`), is used to send it and is never logged nor put in an event.

Each sender retries (tenacity, exponential back-off) and raises `DeliveryFailed` with the
number of attempts when it gives up; the handlers then keep the delivery for a later retry.
Every notice has a stable id (`notice_id`, derived from what triggered it): the e-mail's
Message-ID, the webhook's `X-Complaints-Notice-Id` header and the SMS gateway's reference
carry it, so a receiver can drop a notice that a crash made the worker send again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Literal, Protocol

import aiosmtplib
import httpx
from complaints_shared.mail_threads import case_message_id, subject_with_tag
from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

from . import templates

log = logging.getLogger("notification.notices")

CUSTOMER = "customer"
# Fields a log line may carry: no customer text, no remedy or reason written by staff.
LOGGABLE_FIELDS = ("priority", "category", "department", "deadline", "level", "due_at", "acknowledge_by", "purpose",
                   "day", "new", "open", "overdue", "escalated", "awaiting_approval")


@dataclass(frozen=True)
class Notice:
    case_id: str
    recipient_role: str  # e.g. "department:quality", "supervisor:quality", "manager:quality", "customer"
    template: str  # case_assigned, escalated_acknowledge, acknowledgement, ...
    fields: dict[str, str] = field(default_factory=dict)
    language: str = templates.DEFAULT_LANGUAGE
    notice_id: str = ""
    # Customer notices only: their address or number, and the message of theirs this answers.
    to: str | None = field(default=None, repr=False)
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    def _variables(self) -> dict[str, object]:
        return dict(self.fields) | {"case_id": self.case_id, "recipient_role": self.recipient_role, "template": self.template,
                                    "fields": self.fields}

    def subject(self) -> str:
        subject = templates.render(self.template, self.language, self._variables(), "subject")
        # The customer's reply comes back to the case by this tag (complaints_shared.mail_threads).
        return subject_with_tag(self.case_id, subject) if self.recipient_role == CUSTOMER else subject

    def body(self) -> str:
        return templates.render(self.template, self.language, self._variables(), "body") + "\n"

    def short_text(self) -> str:
        return templates.render(self.template, self.language, self._variables(), "sms")


class DeliveryFailed(Exception):
    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.attempts = attempts


Medium = Literal["email", "webhook", "sms", "log"]


class Notifier(Protocol):
    @property
    def medium(self) -> Medium: ...

    async def send(self, notice: Notice) -> None: ...


async def _with_retries(send, *, attempts: int, wait_max: float) -> None:
    try:
        async for attempt in AsyncRetrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=0.2, max=wait_max)):
            with attempt:
                await send()
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise DeliveryFailed(f"{type(last).__name__}: {last}", attempts) from last


class LogNotifier:
    """Writes the notice to the service log: the default until a channel is configured."""

    medium: Literal["log"] = "log"

    async def send(self, notice: Notice) -> None:
        safe = {name: notice.fields[name] for name in LOGGABLE_FIELDS if name in notice.fields}
        log.info("notice", extra={"case_id": notice.case_id, "recipient_role": notice.recipient_role, "template": notice.template} | safe)


class WebhookNotifier:
    """POSTs the notice as JSON; the body is signed with HMAC-SHA256 when a secret is set
    (header `X-Complaints-Signature: sha256=<hex>`), so the receiver can check its origin."""

    medium: Literal["webhook"] = "webhook"

    def __init__(self, url: str, *, secret: str | None, client: httpx.AsyncClient, attempts: int = 3, wait_max: float = 5.0) -> None:
        self.url, self.secret, self.client, self.attempts, self.wait_max = url, secret, client, attempts, wait_max

    async def send(self, notice: Notice) -> None:
        body = json.dumps(
            {"notice_id": notice.notice_id, "case_id": notice.case_id, "recipient_role": notice.recipient_role,
             "template": notice.template, "subject": notice.subject(), "fields": notice.fields},
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json", "X-Complaints-Notice-Id": notice.notice_id}
        if self.secret:
            headers["X-Complaints-Signature"] = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()

        async def post() -> None:
            response = await self.client.post(self.url, content=body, headers=headers)
            response.raise_for_status()

        await _with_retries(post, attempts=self.attempts, wait_max=self.wait_max)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    mail_from: str
    mail_domain: str = "localhost"


class EmailNotifier:
    """Sends the notice by e-mail (aiosmtplib): to the address a staff role maps to, or to the
    customer, threaded on their own message (In-Reply-To/References) with our Message-ID and
    the case tag in the subject, so that intake files their reply on the same case."""

    medium: Literal["email"] = "email"

    def __init__(self, smtp: SmtpSettings, *, addresses: dict[str, str], default_address: str | None, attempts: int = 3, wait_max: float = 5.0) -> None:
        self.smtp, self.addresses, self.default_address, self.attempts, self.wait_max = smtp, addresses, default_address, attempts, wait_max

    def recipient(self, role: str) -> str:
        # "supervisor:quality" → exact role, then the rung ("supervisor"), then the default.
        address = self.addresses.get(role) or self.addresses.get(role.split(":", 1)[0]) or self.default_address
        if not address:
            raise DeliveryFailed(f"no e-mail address for role {role!r} (NOTIFICATION_ROLE_ADDRESSES)", 0)
        return address

    def message(self, notice: Notice) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.smtp.mail_from
        if notice.recipient_role == CUSTOMER:
            if not notice.to:
                raise DeliveryFailed("the customer left no e-mail address", 0)
            message["To"] = notice.to
        else:
            message["To"] = self.recipient(notice.recipient_role)
        message["Subject"] = notice.subject()
        if notice.notice_id:
            message["Message-ID"] = case_message_id(notice.case_id, notice.notice_id, mail_domain=self.smtp.mail_domain)
        if notice.in_reply_to:
            message["In-Reply-To"] = notice.in_reply_to
            message["References"] = " ".join(dict.fromkeys((*notice.references, notice.in_reply_to)))
        message.set_content(notice.body())
        return message

    async def send(self, notice: Notice) -> None:
        message = self.message(notice)

        async def deliver() -> None:
            await aiosmtplib.send(
                message, hostname=self.smtp.host, port=self.smtp.port, username=self.smtp.username,
                password=self.smtp.password, start_tls=self.smtp.starttls, timeout=15,
            )

        await _with_retries(deliver, attempts=self.attempts, wait_max=self.wait_max)


@dataclass(frozen=True)
class SmsGateway:
    """An HTTP SMS gateway. `twilio`: the Messages API (`POST {url}/2010-04-01/Accounts/{account}/
    Messages.json`, form fields To, From, Body; basic auth account:token), which Twilio and the
    gateways that copy it speak. `json`: `POST {url}` with {"to", "from", "text", "reference"} and
    a bearer token."""

    kind: Literal["twilio", "json"]
    url: str
    sender: str
    account: str | None = None
    token: str | None = None


class SmsNotifier:
    """Sends customer notices by text message; staff notices don't go by SMS."""

    medium: Literal["sms"] = "sms"

    def __init__(self, gateway: SmsGateway, *, client: httpx.AsyncClient, attempts: int = 3, wait_max: float = 5.0) -> None:
        self.gateway, self.client, self.attempts, self.wait_max = gateway, client, attempts, wait_max

    def request(self, notice: Notice) -> dict:
        """The gateway call (httpx.AsyncClient.post arguments) for `notice`."""
        if notice.recipient_role != CUSTOMER or not notice.to:
            raise DeliveryFailed("an SMS goes to a customer's number only", 0)
        gateway, text = self.gateway, notice.short_text()
        if gateway.kind == "twilio":
            return {"url": f"{gateway.url.rstrip('/')}/2010-04-01/Accounts/{gateway.account}/Messages.json",
                    "data": {"To": notice.to, "From": gateway.sender, "Body": text}, "auth": (gateway.account or "", gateway.token or "")}
        return {"url": gateway.url, "headers": {"Authorization": f"Bearer {gateway.token}"} if gateway.token else {},
                "json": {"to": notice.to, "from": gateway.sender, "text": text, "reference": notice.notice_id}}

    async def send(self, notice: Notice) -> None:
        request = self.request(notice)

        async def post() -> None:
            response = await self.client.post(**request)
            response.raise_for_status()

        await _with_retries(post, attempts=self.attempts, wait_max=self.wait_max)
