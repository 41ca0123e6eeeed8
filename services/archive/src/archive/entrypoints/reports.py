"""The monthly report (the method's summary for management) as HTML and as CSV.

One report, two renderings: the month's indicators in total and per department, the month
before beside them, the top causes, and the cases received in the month that are overdue now.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from ..domain.indicators import DEFINITIONS
from .exports import cell, table_csv

# The indicators the report shows, in its order (every one defined in DEFINITIONS).
REPORTED = (
    "recorded", "received", "acknowledged", "resolved", "answer_rate", "resolution_rate", "on_time_acknowledge_rate",
    "on_time_reply_rate", "on_time_resolve_rate", "time_to_acknowledge_p50_hours", "time_to_acknowledge_p90_hours",
    "time_to_resolve_p50_hours", "time_to_resolve_p90_hours", "escalated", "escalation_rate", "reopened", "reopen_rate",
    "repeats", "repeat_rate", "satisfaction_mean", "satisfaction_count",
)
RATES = frozenset(name for name in REPORTED if name.endswith("_rate"))
OVERDUE_COLUMNS = ("case_id", "department", "category", "priority", "status", "received_at", "acknowledge_by", "resolve_by")
CSV_HEADER = ("section", "key", "field", "value")


def month_days(month: str) -> tuple[date, date]:
    """First and last day of a YYYY-MM month."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def month_before(month: str) -> str:
    first, _ = month_days(month)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name in RATES:
        return f"{value * 100:.1f} %"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _overdue_values(case: Mapping[str, Any]) -> list[Any]:
    deadlines = case.get("deadlines") or {}
    values = dict(case) | {"acknowledge_by": deadlines.get("acknowledge_by"), "resolve_by": deadlines.get("resolve_by")}
    return [values.get(column) for column in OVERDUE_COLUMNS]


def report_rows(report: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """The report as (section, key, field, value) rows: what the CSV holds."""
    for section, found in (("month", report["this"]), ("month_before", report["before"])):
        for name in REPORTED:
            yield section, found["month"], name, found["total"][name]
    for group in report["this"]["groups"]:
        for name in REPORTED:
            yield "department", group["key"], name, group[name]
    for rank, cause in enumerate(report["this"]["top_causes"], start=1):
        yield "top_cause", str(rank), cause["cause"], cause["cases"]
    for case in report["overdue"]:
        for column, value in zip(OVERDUE_COLUMNS[1:], _overdue_values(case)[1:], strict=True):
            yield "overdue", case["case_id"], column, value


def report_csv(report: Mapping[str, Any]) -> str:
    return table_csv(CSV_HEADER, report_rows(report))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(report: Mapping[str, Any]) -> str:
    this, before = report["this"], report["before"]
    e = html.escape
    indicators = _table(
        ["Indicator", this["month"], before["month"], "Definition"],
        [[name, _shown(name, this["total"][name]), _shown(name, before["total"][name]), DEFINITIONS[name]] for name in REPORTED],
    )
    departments = [group["key"] for group in this["groups"]]
    by_department = _table(
        ["Indicator", *departments],
        [[name, *(_shown(name, group[name]) for group in this["groups"])] for name in REPORTED],
    )
    causes = _table(["#", "Cause", "Cases"], [[rank, c["cause"], c["cases"]] for rank, c in enumerate(this["top_causes"], start=1)])
    overdue = _table(list(OVERDUE_COLUMNS), [[cell(value) for value in _overdue_values(case)] for case in report["overdue"]])
    more = f"<p>Showing the first {len(report['overdue'])}; narrow the case list for more.</p>" if report["overdue_truncated"] else ""
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>Complaints report {e(this["month"])}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2rem; color: #1f2937; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; font-size: .9rem; }}
th, td {{ border: 1px solid #d1d5db; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f4f6; }}
</style></head>
<body>
<h1>Complaints report · 投诉月报 {e(this["month"])}</h1>
<p>Cases received {e(this["from"])} to {e(this["to"])} (UTC), counted in their current department; the month before for
comparison. Generated {e(report["generated_at"])}.</p>
<h2>Indicators</h2>{indicators}
<h2>By department</h2>{by_department}
<h2>Top causes</h2>{causes}
<h2>Overdue cases ({len(report["overdue"])})</h2>
<p>Received in {e(this["month"])}, still open now and past the resolve deadline, or unacknowledged past the acknowledge deadline.</p>
{overdue}{more}
</body></html>
"""
