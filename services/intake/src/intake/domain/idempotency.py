"""Idempotent requests: the same key with the same request gets the first answer again; the
same key with a different request is refused, never silently dropped.

A key lives in a scope of its own, so keys of different kinds never meet:
- a channel's `external_id`, per channel (`("external_id", channel, id)`);
- an `Idempotency-Key` header, per client and route (`("idempotency-key", client, route, key)`);
- a case update's `Idempotency-Key`, per case (`("case-update", case_id, key)`).

A request *claims* its key before it publishes; the claim records the request's fingerprint
(SHA-256 of the canonical command) and the answer it will get. The store's port and the
decision about an existing claim live here; the stores are in adapters/idempotency.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import BaseModel


@dataclass(frozen=True)
class Scope:
    """Where a key lives, and which request field it came from (named in a conflict)."""

    parts: tuple[str, ...]
    field: str

    @property
    def key(self) -> str:
        # A JSON list: unambiguous whatever characters the parts hold.
        return json.dumps(list(self.parts), ensure_ascii=False, separators=(",", ":"))


def fingerprint(command: BaseModel | dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a command (sorted keys, no whitespace)."""
    data = command.model_dump(mode="json") if isinstance(command, BaseModel) else command
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ClaimState(StrEnum):
    PENDING = "pending"  # claimed; the publish is under way
    DONE = "done"  # published and acknowledged: the answer stands
    FAILED = "failed"  # the publish failed or timed out: a retry of the same request may go


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: publish, then complete (or release on failure)."""

    token: str


@dataclass(frozen=True)
class Replay:
    """The key was used by the same request before and answered: answer the same again."""

    answer: dict[str, str]


class KeyConflict(Exception):
    """The key was used for a different request."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: already used for a different request")
        self.field = field


class RequestInProgress(Exception):
    """A request with this key is being published right now."""


class StoreUnavailable(Exception):
    """The idempotency store did not answer (in time): nothing was published."""


class IdempotencyStore(Protocol):
    async def claim(self, scope: Scope, fingerprint: str, answer: dict[str, str]) -> Claimed | Replay:
        """Raises KeyConflict, RequestInProgress or StoreUnavailable."""
        ...

    async def complete(self, scope: Scope, token: str) -> None: ...

    async def release(self, scope: Scope, token: str) -> None: ...


Verdict = Literal["replay", "conflict", "take_over", "in_progress"]


def judge(existing: dict[str, Any], *, fingerprint: str, now: datetime, stale_after: timedelta) -> Verdict:
    """What a request finds when its key is already claimed (`existing` is the stored claim)."""
    if existing["fingerprint"] != fingerprint:
        return "conflict"
    state = ClaimState(existing["state"])
    if state is ClaimState.DONE:
        return "replay"
    if state is ClaimState.FAILED:
        return "take_over"
    # Pending: another request is publishing; or one died mid-way and left its claim.
    claimed_at = existing["claimed_at"]
    return "take_over" if claimed_at <= now - stale_after else "in_progress"
