"""The method's quality indicators, kept as roll-ups while events arrive.

Each case contributes counters to one roll-up bucket: the day it was received (UTC) × its
department × category × channel × priority. When an event changes a case, the archive adds the
difference between the case's new contribution and the one it made before (bulk `$inc`
upserts): a reassigned case moves its counts to its new department, a reopened case stops
counting as resolved. Indicator queries sum buckets; they never read cases.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from complaints_shared.lifecycle import CaseStatus

KEY_FIELDS = ("day", "department", "category", "channel", "priority")
GROUPINGS = {"department": "department", "category": "category", "channel": "channel", "priority": "priority",
             "day": "day", "month": "month"}
UNKNOWN = "unknown"
WORKED_VALIDITIES = frozenset({"valid", "follow_up"})
RESOLVED_STATUSES = frozenset({CaseStatus.RESOLVED.value, CaseStatus.EVALUATED.value, CaseStatus.CLOSED.value})

# Time to acknowledge / to resolve, in hours since reception: upper bounds of fixed buckets;
# the last bucket holds everything longer.
HOUR_BOUNDS: tuple[float, ...] = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720)
TTA, TTR = "tta", "ttr"
HISTOGRAM_FIELDS = tuple(f"{name}_{i}" for name in (TTA, TTR) for i in range(len(HOUR_BOUNDS) + 1))
COUNTERS = (
    "recorded", "received", "rejected", "duplicates", "acknowledged", "acknowledged_on_time", "reply_due", "replied_on_time",
    "resolved", "resolved_on_time", "reopened", "escalated", "satisfaction_count", "satisfaction_sum", "repeats",
)
CAUSE_MAX = 200  # characters of a cause that name it in the cause roll-ups
TOP_CAUSES = 10
SUMMED = COUNTERS + HISTOGRAM_FIELDS

# What each indicator means (the OpenAPI description quotes these).
DEFINITIONS: dict[str, str] = {
    "recorded": "Complaints recorded (every case, spam and duplicates included).",
    "received": "Complaints judged valid (or a follow-up): the cases the method works on. The base of the rates below.",
    "rejected": "Complaints judged spam or invalid.",
    "duplicates": "Complaints judged duplicates of another case.",
    "acknowledged": "Received cases the department acknowledged.",
    "resolved": "Received cases whose approved remedy was carried out and that were not reopened since.",
    "answer_rate": "acknowledged ÷ received.",
    "resolution_rate": "resolved ÷ received.",
    "on_time_acknowledge_rate": "Acknowledged by the acknowledge deadline ÷ acknowledged.",
    "on_time_reply_rate": "Departmental reply (a cause, a proposal or a note after acknowledging) by department_reply_by "
                          "(the 24 h rule) ÷ cases with that deadline.",
    "on_time_resolve_rate": "Resolved by the resolve deadline ÷ resolved.",
    "satisfaction_mean": "Mean satisfaction score (1–5) of the evaluated cases.",
    "satisfaction_count": "Cases with a satisfaction score.",
    "escalated": "Received cases escalated at least once (a deadline slipped).",
    "escalation_rate": "escalated ÷ received.",
    "reopened": "Received cases reopened at least once.",
    "reopen_rate": "reopened ÷ received.",
    "repeats": "Received cases routing linked to an earlier case of the customer (judged a follow-up, or with a "
               "related case): the customer had to complain again.",
    "repeat_rate": "repeats ÷ received.",
    "top_causes": f"The {TOP_CAUSES} causes found most often among the received cases (the latest cause of each case, "
                  "whitespace and Unicode forms normalised), most frequent first; ties by cause.",
    "time_to_acknowledge_p50_hours": "Median hours from reception to acknowledgement: the upper bound of the histogram "
                                     f"bucket holding it (bounds {', '.join(f'{b:g}' for b in HOUR_BOUNDS)} h); null beyond "
                                     f"{HOUR_BOUNDS[-1]:g} h or without cases.",
    "time_to_acknowledge_p90_hours": "90th percentile of the same, the same way.",
    "time_to_resolve_p50_hours": "Median hours from reception to resolution, as for acknowledgement.",
    "time_to_resolve_p90_hours": "90th percentile of the same.",
}
# Every rate is null when its base is zero.


def hour_bucket(hours: float) -> int:
    for index, bound in enumerate(HOUR_BOUNDS):
        if hours <= bound:
            return index
    return len(HOUR_BOUNDS)


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _by(moment: datetime | None, deadline: datetime | None) -> bool:
    return moment is not None and deadline is not None and moment <= deadline


def contribution(case: Mapping[str, Any]) -> dict[str, Any] | None:
    """The bucket a case counts in and its counts there; None until its complaint is known."""
    received_at: datetime | None = case.get("received_at")
    if received_at is None:
        return None
    day = received_at.astimezone(UTC).date().isoformat()
    key = {"day": day, **{name: case.get(name) or UNKNOWN for name in KEY_FIELDS[1:]}}
    validity = case.get("validity")
    counts: dict[str, int] = {"recorded": 1}
    if validity in ("spam", "invalid"):
        counts["rejected"] = 1
    elif validity == "duplicate":
        counts["duplicates"] = 1
    if validity in WORKED_VALIDITIES:
        counts["received"] = 1
        deadlines = case.get("deadlines") or {}
        acknowledged_at = case.get("acknowledged_at")
        if acknowledged_at is not None:
            counts["acknowledged"] = 1
            counts["acknowledged_on_time"] = int(_by(acknowledged_at, deadlines.get("acknowledge_by")))
            counts[f"{TTA}_{hour_bucket(_hours(received_at, acknowledged_at))}"] = 1
        if deadlines.get("department_reply_by") is not None:
            counts["reply_due"] = 1
            counts["replied_on_time"] = int(_by(case.get("replied_at"), deadlines["department_reply_by"]))
        resolved_at = case.get("resolved_at")
        if resolved_at is not None and case.get("status") in RESOLVED_STATUSES:
            counts["resolved"] = 1
            counts["resolved_on_time"] = int(_by(resolved_at, deadlines.get("resolve_by")))
            counts[f"{TTR}_{hour_bucket(_hours(received_at, resolved_at))}"] = 1
        counts["reopened"] = int(case.get("reopened", 0) > 0)
        counts["escalated"] = int(case.get("escalations", 0) > 0)
        counts["repeats"] = int(validity == "follow_up" or bool(case.get("related_case_id")))
        if case.get("satisfaction") is not None:
            counts["satisfaction_count"] = 1
            counts["satisfaction_sum"] = int(case["satisfaction"])
    found: dict[str, Any] = {"key": key, "counts": {name: n for name, n in counts.items() if n}}
    if validity in WORKED_VALIDITIES and case.get("cause"):
        found["cause"] = cause_name(case["cause"])
    return found


def cause_name(cause: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", cause).split())[:CAUSE_MAX]


def cause_bucket_id(key: Mapping[str, str], cause: str) -> str:
    # Causes are free text: the id carries their digest, the document the text.
    return f"{bucket_id(key)}|{_digest(cause)}"


def bucket_id(key: Mapping[str, str]) -> str:
    return "|".join(key[name] for name in KEY_FIELDS)


def add_difference(deltas: dict[str, dict[str, Any]], before: Mapping[str, Any] | None, now: Mapping[str, Any] | None) -> None:
    """Add (now − before) of one case to `deltas` (bucket id → {"key", "inc"}, and for the cause
    roll-ups "cause|<id>" → {"key" with the cause, "inc": {"cases": n}})."""
    for contrib, sign in ((before, -1), (now, 1)):
        if not contrib:
            continue
        bucket = deltas.setdefault(bucket_id(contrib["key"]), {"key": dict(contrib["key"]), "inc": {}})
        for name, n in contrib["counts"].items():
            bucket["inc"][name] = bucket["inc"].get(name, 0) + sign * n
        for summary_id, summary_key in summaries_of(contrib["key"]):
            summary = deltas.setdefault(SUMMARY_PREFIX + summary_id, {"key": summary_key, "inc": {}})
            for name, n in contrib["counts"].items():
                summary["inc"][name] = summary["inc"].get(name, 0) + sign * n
        if contrib.get("cause"):
            cause_text = contrib["cause"]
            digest = _digest(cause_text)
            cause = deltas.setdefault(CAUSE_PREFIX + cause_bucket_id(contrib["key"], cause_text),
                                      {"key": dict(contrib["key"]) | {"cause": cause_text}, "inc": {}})
            cause["inc"]["cases"] = cause["inc"].get("cases", 0) + sign
            for summary_id, summary_key in summaries_of(contrib["key"], CAUSE_SUMMARY_DIMENSIONS):
                summary = deltas.setdefault(CAUSE_SUMMARY_PREFIX + f"{summary_id}|{digest}",
                                            {"key": summary_key | {"cause": cause_text}, "inc": {}})
                summary["inc"]["cases"] = summary["inc"].get("cases", 0) + sign


CAUSE_PREFIX = "cause|"
SUMMARY_PREFIX = "summary|"
CAUSE_SUMMARY_PREFIX = "causesummary|"
# The roll-ups again, coarser, so a query reads tens of documents, not a bucket per case: per day
# and per month, in total and per value of one dimension. A query that filters on two dimensions,
# or groups by one and filters on another, reads the fine buckets instead.
SUMMARY_DIMENSIONS = ("department", "category", "channel", "priority")
# Causes are many: their summaries are per period only (a day's causes per department would be
# most of a bucket per case again); top causes of one department read the fine cause buckets.
CAUSE_SUMMARY_DIMENSIONS: tuple[str, ...] = ()
PERIODS = ("day", "month")


def summary_level(period: str, dimension: str | None) -> str:
    return f"{period}:{dimension or '*'}"


def summaries_of(key: Mapping[str, str], dimensions: tuple[str, ...] = SUMMARY_DIMENSIONS) -> list[tuple[str, dict[str, str]]]:
    """The summary buckets a fine bucket's counts also go to: (id, key fields)."""
    found = []
    month = key["day"][:7]
    for period in PERIODS:
        value = key["day"] if period == "day" else month
        for dimension in (None, *dimensions):
            level = summary_level(period, dimension)
            fields = {"level": level, "period": value, "month": month} | ({"day": value} if period == "day" else {})
            if dimension:
                fields[dimension] = key[dimension]
            found.append((f"{level}|{value}|{key[dimension] if dimension else '*'}", fields))
    return found


def _digest(cause: str) -> str:
    return hashlib.sha256(cause.encode()).hexdigest()[:32]


def nonzero(inc: Mapping[str, int]) -> dict[str, int]:
    return {name: n for name, n in inc.items() if n}


# --- from summed counters to indicators -------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _quantile_hours(counts: Mapping[str, int], name: str, q: float) -> float | None:
    buckets = [int(counts.get(f"{name}_{i}", 0)) for i in range(len(HOUR_BOUNDS) + 1)]
    total = sum(buckets)
    if not total:
        return None
    rank = math.ceil(q * total)
    seen = 0
    for index, n in enumerate(buckets):
        seen += n
        if seen >= rank:
            return HOUR_BOUNDS[index] if index < len(HOUR_BOUNDS) else None
    return None  # unreachable: the ranks add up to total


def indicators(counts: Mapping[str, int]) -> dict[str, Any]:
    """The indicators of summed roll-up counters."""
    n = {name: int(counts.get(name, 0)) for name in COUNTERS}
    return {
        "recorded": n["recorded"], "received": n["received"], "rejected": n["rejected"], "duplicates": n["duplicates"],
        "acknowledged": n["acknowledged"], "resolved": n["resolved"],
        "answer_rate": _share(n["acknowledged"], n["received"]),
        "resolution_rate": _share(n["resolved"], n["received"]),
        "on_time_acknowledge_rate": _share(n["acknowledged_on_time"], n["acknowledged"]),
        "on_time_reply_rate": _share(n["replied_on_time"], n["reply_due"]),
        "on_time_resolve_rate": _share(n["resolved_on_time"], n["resolved"]),
        "satisfaction_mean": round(n["satisfaction_sum"] / n["satisfaction_count"], 2) if n["satisfaction_count"] else None,
        "satisfaction_count": n["satisfaction_count"],
        "escalated": n["escalated"], "escalation_rate": _share(n["escalated"], n["received"]),
        "reopened": n["reopened"], "reopen_rate": _share(n["reopened"], n["received"]),
        "repeats": n["repeats"], "repeat_rate": _share(n["repeats"], n["received"]),
        "time_to_acknowledge_p50_hours": _quantile_hours(counts, TTA, 0.5),
        "time_to_acknowledge_p90_hours": _quantile_hours(counts, TTA, 0.9),
        "time_to_resolve_p50_hours": _quantile_hours(counts, TTR, 0.5),
        "time_to_resolve_p90_hours": _quantile_hours(counts, TTR, 0.9),
    }


def summed(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    total = dict.fromkeys(SUMMED, 0)
    for row in rows:
        for name in SUMMED:
            total[name] += int(row.get(name) or 0)
    return total


# --- which roll-ups a query reads -------------------------------------------------------------


def summary_match(
    first_day: date, last_day: date, group_by: str | None, only: Mapping[str, Any], dimensions: tuple[str, ...] = SUMMARY_DIMENSIONS
) -> dict[str, Any] | None:
    """The summaries' query for the cases received from `first_day` to `last_day` (both
    included), grouped by `group_by` (None: not grouped) and filtered by `only` (dimension →
    value); None when no summary level holds the answer (read the fine buckets then).

    Whole months are read from the month summaries, the days at either end from the day
    summaries: a year is 12 documents per group, not 365 or one per bucket.
    """
    filters = {name: value for name, value in only.items() if value is not None}
    asked = set(filters) | ({group_by} if group_by in SUMMARY_DIMENSIONS else set())
    if len(asked) > 1 or not asked <= set(dimensions):
        return None
    dimension = next(iter(asked), None)
    if group_by == "day":
        parts = [{"level": summary_level("day", dimension), "period": {"$gte": first_day.isoformat(), "$lte": last_day.isoformat()}}]
    else:
        months, days = _whole_months_and_days(first_day, last_day)
        parts = [{"level": summary_level(period, dimension), "period": {"$in": values}}
                 for period, values in (("month", months), ("day", days)) if values]
    match: dict[str, Any] = parts[0] if len(parts) == 1 else {"$or": parts}
    return match | filters


def _whole_months_and_days(first_day: date, last_day: date) -> tuple[list[str], list[str]]:
    months: list[str] = []
    days: list[str] = []
    start = first_day
    while start <= last_day:
        month_end = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
        end = min(month_end, last_day)
        if start.day == 1 and end == month_end:
            months.append(start.isoformat()[:7])
        else:
            days += [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        start = month_end + timedelta(days=1)
    return months, days
