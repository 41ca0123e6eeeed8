"""What routing remembers of a customer's cases to spot duplicates and follow-ups."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from complaints_shared.events import Channel

__all__ = ["OpenCase", "prune"]


@dataclass(frozen=True)
class OpenCase:
    """What routing remembers of a customer's case to spot duplicates and follow-ups.

    Made by `ValidityJudge.open_case()` (fingerprinted with the judge's settings).
    JSON-serialisable via `to_json()` (a dict) / `from_json()`. `fingerprint` is a sketch of
    shingle hashes, not text. `customer_keys` are the contact keys the case was filed under
    (customer id, sender phone/e-mail, contacts written in the text); empty means "trust the
    caller's grouping".
    """

    case_id: str
    received_at: datetime
    channel: Channel
    fingerprint: str
    category: str | None = None
    order_refs: tuple[str, ...] = ()
    status: str = "open"
    customer_keys: tuple[str, ...] = ()
    product: str | None = None
    reference: str | None = None  # a human-readable case number, if the company uses one

    def to_json(self) -> dict[str, Any]:
        # Field by field, not asdict(), which deep-copies: the route agent stores a customer's
        # whole history again after every complaint.
        data = {f.name: getattr(self, f.name) for f in _OPEN_CASE_FIELDS}
        data["received_at"] = self.received_at.isoformat()
        data["channel"] = self.channel.value
        data["order_refs"] = list(self.order_refs)
        data["customer_keys"] = list(self.customer_keys)
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | bytes) -> OpenCase:
        obj = json.loads(data) if isinstance(data, (str, bytes)) else dict(data)
        return cls(
            case_id=obj["case_id"],
            received_at=datetime.fromisoformat(obj["received_at"]),
            channel=Channel(obj["channel"]),
            fingerprint=obj["fingerprint"],
            category=obj.get("category"),
            order_refs=tuple(obj.get("order_refs", ())),
            status=obj.get("status", "open"),
            customer_keys=tuple(obj.get("customer_keys", ())),
            product=obj.get("product"),
            reference=obj.get("reference"),
        )


_OPEN_CASE_FIELDS = fields(OpenCase)


def prune(
    open_cases: Iterable[OpenCase],
    now: datetime,
    max_age: timedelta = timedelta(days=30),
    *,
    keep_statuses: Iterable[str] = ("open",),
    limit: int | None = None,
) -> list[OpenCase]:
    """The cases still worth keeping: in `keep_statuses`, received within `max_age` of `now`,
    newest first, at most `limit`."""
    statuses = set(keep_statuses)
    kept = [c for c in open_cases if c.status in statuses and now - c.received_at <= max_age]
    kept.sort(key=lambda c: c.received_at, reverse=True)
    return kept[:limit] if limit is not None else kept
