"""Case lists as CSV, and the examples the OpenAPI document shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

CSV_COLUMNS = (
    "case_id", "status", "step", "channel", "received_at", "department", "category", "priority", "validity", "subject",
    "acknowledged_at", "resolved_at", "closed_at", "acknowledge_by", "resolve_by", "escalations", "escalation_level",
    "reopened", "satisfaction", "customer_id",
)
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(case: Mapping[str, Any]) -> list[str]:
    deadlines = case.get("deadlines") or {}
    values = dict(case) | {"acknowledge_by": deadlines.get("acknowledge_by"), "resolve_by": deadlines.get("resolve_by")}
    return [cell(values.get(column)) for column in CSV_COLUMNS]


def table_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def cases_csv(cases: Iterable[Mapping[str, Any]]) -> str:
    """RFC 4180 CSV of public case overviews, one row a case."""
    return table_csv(CSV_COLUMNS, (_row(case) for case in cases))


CASE_LIST_EXAMPLE = {
    "cases": [{
        "case_id": "0b0c3c5e-6c1e-4cf4-9a55-3f8d2f4b7f10", "status": "resolved", "step": 7,
        "allowed_actions": ["satisfaction_recorded", "closed", "reopened"], "version": 9, "channel": "sms",
        "subject": "", "received_at": "2026-11-24T09:00:00Z", "validity": "valid", "category": "product_quality",
        "department": "quality", "priority": "P2", "customer_id": "C-1042", "escalations": 0, "reopened": 0, "flagged": 0,
        "acknowledged_at": "2026-11-24T10:00:00Z", "resolved_at": "2026-11-26T15:00:00Z",
    }],
    "limit": 1,
    "skip": 0,
    "next_cursor": "WzE3OTM3ODA4MDAwMDAsICIwYjBjM2M1ZS02YzFlLTRjZjQtOWE1NS0zZjhkMmY0YjdmMTAiXQ",
}
CSV_EXAMPLE = (
    ",".join(CSV_COLUMNS) + "\r\n"
    "0b0c3c5e-6c1e-4cf4-9a55-3f8d2f4b7f10,resolved,7,sms,2026-11-24T09:00:00+00:00,quality,product_quality,P2,valid,,"
    "2026-11-24T10:00:00+00:00,2026-11-26T15:00:00+00:00,,2026-11-25T09:00:00+00:00,2026-11-29T09:00:00+00:00,0,,0,,C-1042\r\n"
)
