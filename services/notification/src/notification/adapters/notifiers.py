"""Where notices go. Events name a role (a department, a supervisor), never an address; the
address book maps roles to real recipients at the edge."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("notification.notices")


class Notifier(Protocol):
    medium: str

    async def send(self, *, case_id: str, recipient_role: str, template: str, fields: dict[str, str]) -> None: ...


class LogNotifier:
    """Writes the notice to the service log: the default until a channel is configured."""

    medium = "log"

    async def send(self, *, case_id: str, recipient_role: str, template: str, fields: dict[str, str]) -> None:
        log.info("notice", extra={"case_id": case_id, "recipient_role": recipient_role, "template": template} | fields)
