"""Intake's SMTP listener (aiosmtpd): a mail server delivers customer mail to it directly.

It runs on the app's own event loop (started and stopped by intake's lifespan), so a delivery
uses the same publisher, stores and handler as `POST /v1/complaints/email`. What a sender
hears:
- 550 for a recipient that is not one of ours (never an open relay), and for a message with
  no readable text or a Message-ID already used by another message;
- 552 for a message over the size limit (aiosmtpd, from `data_size_limit`);
- 451 (try again later) when Kafka, the idempotency store or archive cannot take it: the
  sending server keeps the mail and retries, so nothing is accepted and then dropped;
- 250 once the complaint or follow-up is acknowledged by the broker, or the mail was
  recognised as one to ignore (bounce, auto-reply …: accepting it ends the matter).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from complaints_shared.logging import case_context
from pydantic import ValidationError

from .. import handlers
from ..adapters.publishing import PublishTimedOut
from ..domain.case_states import CaseStatesUnavailable
from ..domain.email_messages import UnreadableEmail
from ..domain.idempotency import KeyConflict, RequestInProgress, StoreUnavailable

log = logging.getLogger(__name__)

Receive = Callable[[bytes], Awaitable[handlers.EmailOutcome]]


class Recipients:
    """Which envelope recipients are ours: whole addresses, or every address of a domain
    (`example.com` or `@example.com`)."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.addresses = {entry.lower() for entry in entries if "@" in entry.lstrip("@")}
        self.domains = {entry.lower().lstrip("@") for entry in entries if "@" not in entry.lstrip("@")}

    def accepts(self, address: str) -> bool:
        address = address.strip().lower()
        local, at, domain = address.rpartition("@")
        return bool(at and local) and (address in self.addresses or domain in self.domains)


class EmailHandler:
    """aiosmtpd's handler: checks each recipient, then hands the message to `receive`."""

    def __init__(self, recipients: Recipients, receive: Receive) -> None:
        self.recipients = recipients
        self.receive = receive

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]) -> str:
        if not self.recipients.accepts(address):
            return "550 5.7.1 Relaying denied: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw or "").encode("utf-8", errors="surrogateescape")
        try:
            outcome = await self.receive(raw)
        except UnreadableEmail as exc:
            return f"550 5.6.0 Unreadable message: {exc}"
        except ValidationError as exc:
            fields = ", ".join(sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors()})) or "message"
            return f"550 5.6.0 Message refused: invalid {fields}"
        except KeyConflict:
            return "550 5.6.0 Message-ID already used for a different message"
        except (PublishTimedOut, StoreUnavailable, CaseStatesUnavailable, RequestInProgress) as exc:
            log.warning("mail deferred", extra={"error": type(exc).__name__})
            return "451 4.3.0 Cannot record the message right now; try again later"
        except Exception:
            # Never accept what was not recorded: the sender keeps it and tries again.
            log.exception("mail deferred after an unexpected error")
            return "451 4.3.0 Cannot record the message right now; try again later"
        if outcome.ignored is not None:
            return f"250 2.0.0 Ignored: {outcome.ignored}"
        assert outcome.recorded is not None
        with case_context(outcome.recorded.case_id):
            log.info("mail recorded", extra={"follow_up": outcome.follow_up})
        what = "follow-up on case" if outcome.follow_up else "case"
        return f"250 2.0.0 Accepted: {what} {outcome.recorded.case_id}"


class _Listener(SMTP):
    """RFC 5321's 1,000-character lines are a limit real mail does not keep (999-character
    URLs, base64 in one 24 kB line): refusing them would lose complaints. The size limit still
    bounds what one message may hold."""

    def __init__(self, handler: EmailHandler, *, data_size_limit: int, **kwargs: Any) -> None:
        self.line_length_limit = data_size_limit
        super().__init__(handler, data_size_limit=data_size_limit, **kwargs)


async def start_smtp(
    handler: EmailHandler, *, host: str, port: int, hostname: str, max_bytes: int
) -> asyncio.Server:
    """The listener on the running loop; close it with `server.close()` and `wait_closed()`."""
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        return _Listener(handler, data_size_limit=max_bytes, enable_SMTPUTF8=True, hostname=hostname, ident="complaints intake", loop=loop)

    server = await loop.create_server(protocol, host=host, port=port)
    log.info("smtp listening", extra={"port": server.sockets[0].getsockname()[1]})
    return server
