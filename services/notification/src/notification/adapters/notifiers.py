"""Where notices go. Events and notices name a role (a department, its supervisor, its
manager), never an address; the address book in the settings maps roles to recipients here,
at the edge. A notice carries case id, priority, category and deadlines — no customer data.

Each sender retries (tenacity, exponential back-off) and raises `DeliveryFailed` with the
number of attempts when it gives up; the handler then publishes `NotificationFailed`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import httpx
from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

log = logging.getLogger("notification.notices")


@dataclass(frozen=True)
class Notice:
    case_id: str
    recipient_role: str  # e.g. "department:quality", "supervisor:quality", "manager:quality"
    template: str  # case_assigned, escalated_acknowledge, escalated_resolve, ...
    fields: dict[str, str] = field(default_factory=dict)

    def subject(self) -> str:
        what = self.template.replace("_", " ")
        priority = self.fields.get("priority", "")
        return f"[{priority}] {what}: case {self.case_id}".strip()

    def body(self) -> str:
        lines = [f"Case {self.case_id}: {self.template.replace('_', ' ')}", f"For: {self.recipient_role}", ""]
        lines += [f"{name}: {value}" for name, value in sorted(self.fields.items())]
        return "\n".join(lines) + "\n"


class DeliveryFailed(Exception):
    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.attempts = attempts


class Notifier(Protocol):
    medium: str

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

    medium = "log"

    async def send(self, notice: Notice) -> None:
        log.info("notice", extra={"case_id": notice.case_id, "recipient_role": notice.recipient_role, "template": notice.template} | notice.fields)


class WebhookNotifier:
    """POSTs the notice as JSON; the body is signed with HMAC-SHA256 when a secret is set
    (header `X-Complaints-Signature: sha256=<hex>`), so the receiver can check its origin."""

    medium = "webhook"

    def __init__(self, url: str, *, secret: str | None, client: httpx.AsyncClient, attempts: int = 3, wait_max: float = 5.0) -> None:
        self.url, self.secret, self.client, self.attempts, self.wait_max = url, secret, client, attempts, wait_max

    async def send(self, notice: Notice) -> None:
        body = json.dumps(
            {"case_id": notice.case_id, "recipient_role": notice.recipient_role, "template": notice.template,
             "subject": notice.subject(), "fields": notice.fields},
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json"}
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


class EmailNotifier:
    """Sends the notice by e-mail (aiosmtplib) to the address the role maps to."""

    medium = "email"

    def __init__(self, smtp: SmtpSettings, *, addresses: dict[str, str], default_address: str | None, attempts: int = 3, wait_max: float = 5.0) -> None:
        self.smtp, self.addresses, self.default_address, self.attempts, self.wait_max = smtp, addresses, default_address, attempts, wait_max

    def recipient(self, role: str) -> str:
        # "supervisor:quality" → exact role, then the rung ("supervisor"), then the default.
        address = self.addresses.get(role) or self.addresses.get(role.split(":", 1)[0]) or self.default_address
        if not address:
            raise DeliveryFailed(f"no e-mail address for role {role!r} (NOTIFICATION_ROLE_ADDRESSES)", 0)
        return address

    async def send(self, notice: Notice) -> None:
        message = EmailMessage()
        message["From"] = self.smtp.mail_from
        message["To"] = self.recipient(notice.recipient_role)
        message["Subject"] = notice.subject()
        message.set_content(notice.body())

        async def deliver() -> None:
            await aiosmtplib.send(
                message, hostname=self.smtp.host, port=self.smtp.port, username=self.smtp.username,
                password=self.smtp.password, start_tls=self.smtp.starttls, timeout=15,
            )

        await _with_retries(deliver, attempts=self.attempts, wait_max=self.wait_max)
