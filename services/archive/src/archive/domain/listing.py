"""What a case list asks for, and the opaque cursor that pages it.

Lists are ordered newest first by `listed_at` (the case's reception), ties by case id. A cursor
names the last case of a page by those two values, so the next page starts strictly after it:
cases archived meanwhile land before the cursor (on page one) and never shift or repeat a page,
as an offset would.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from complaints_shared.lifecycle import STEP_OF, CaseStatus, Step

from .cases import customer_key, normalise_text

SEARCH_MAX = 100  # characters of a text search
CURSOR_MAX = 400  # characters of a cursor (a time and a case id, base64)


class BadCursor(ValueError):
    """The cursor is not one this API handed out."""


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last case's `listed_at` and id."""

    listed_at: datetime
    case_id: str


def encode_cursor(position: Position) -> str:
    millis = int(position.listed_at.timestamp() * 1000)
    return base64.urlsafe_b64encode(json.dumps([millis, position.case_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        millis, case_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(millis, int) or not isinstance(case_id, str):
            raise TypeError
        return Position(datetime.fromtimestamp(millis / 1000, tz=UTC), case_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, OverflowError, OSError) as exc:
        raise BadCursor("not a cursor this API answered") from exc


def position_of(case: dict[str, Any]) -> Position | None:
    listed_at = case.get("listed_at")
    if listed_at is None:
        return None
    if listed_at.tzinfo is None:  # the store hands back naive UTC
        listed_at = listed_at.replace(tzinfo=UTC)
    return Position(listed_at, case["_id"])


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    step: Step | None = None
    department: str | None = None
    category: str | None = None
    priority: str | None = None
    channel: str | None = None
    customer: str | None = None
    overdue: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    search: str | None = None

    def statuses(self) -> list[str] | None:
        """The statuses status and step allow together (None: any)."""
        allowed = set(CaseStatus)
        if self.status is not None:
            allowed &= {self.status}
        if self.step is not None:
            allowed &= {status for status, step in STEP_OF.items() if step == self.step}
        return None if allowed == set(CaseStatus) else sorted(allowed)

    def customer_key(self) -> str | None:
        return customer_key(self.customer) if self.customer else None

    def search_text(self) -> str | None:
        return normalise_text(self.search) if self.search else None
