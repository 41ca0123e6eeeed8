"""The monthly report on the real MongoDB-wire store: last month's indicators beside the month
before's, the top causes and the overdue cases, as CSV (checked value by value) and as HTML.

The scenario lies in the two months before the current one, its deadlines (120 h at most)
long past whatever the day today: which cases are overdue does not depend on the clock."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from archive.entrypoints.http import create_app
from complaints_shared import events as ev
from complaints_shared.web import bearer_auth

pytestmark = pytest.mark.integration
_first_this_month = datetime.now(UTC).replace(day=1, hour=8, minute=0, second=0, microsecond=0)
LAST = (_first_this_month - timedelta(days=1)).replace(day=1)  # 08:00 on the 1st of last month
BEFORE = (LAST - timedelta(days=1)).replace(day=1)
MONTH, MONTH_BEFORE = LAST.strftime("%Y-%m"), BEFORE.strftime("%Y-%m")
CAUSE = "seal <b>worn</b>"


def case(case_id: str, received_at: datetime, department: str, steps: list[tuple[float, ev.Contract | None]]) -> list[ev.Event]:
    at = lambda h: received_at + timedelta(hours=h)  # noqa: E731
    events = [
        ev.envelope(ev.ComplaintReceived(case_id=case_id, channel="email", text="text", received_at=received_at), source="/t",
                    event_id=f"{case_id}-r", time=received_at),
        ev.envelope(ev.ComplaintRouted(case_id=case_id, received_event_id="r", validity="valid", category="c", department=department,
                                       priority="P2", confidence=0.9, rules_version="t", routed_at=received_at,
                                       deadlines=ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120))),
                    source="/t", event_id=f"{case_id}-rt", time=received_at),
    ]
    return events + [ev.envelope(data, source="/t", event_id=f"{case_id}-{n}", time=at(hours)) for n, (hours, data) in enumerate(steps)]


def resolved(case_id: str, received_at: datetime, ack: float, done: float) -> list[tuple[float, ev.Contract]]:
    at = lambda h: received_at + timedelta(hours=h)  # noqa: E731
    return [(ack, ev.CaseAcknowledged(case_id=case_id, actor="a", at=at(ack))),
            (ack + 1, ev.CauseFound(case_id=case_id, actor="a", at=at(ack + 1), cause=CAUSE)),
            (ack + 2, ev.RemedyProposed(case_id=case_id, actor="a", at=at(ack + 2), remedy="r")),
            (ack + 3, ev.RemedyApproved(case_id=case_id, actor="s", at=at(ack + 3))),
            (done, ev.CaseResolved(case_id=case_id, actor="a", at=at(done), resolution="done"))]


def scenario() -> list[ev.Event]:
    b_at, c_at = LAST + timedelta(days=1), LAST + timedelta(days=2)
    return [
        # Last month: A acknowledged in time and resolved; B acknowledged late, still open; C never acknowledged.
        *case("A", LAST, "quality", resolved("A", LAST, 2, 30)),
        *case("B", b_at, "quality", [(30, ev.CaseAcknowledged(case_id="B", actor="a", at=b_at + timedelta(hours=30)))]),
        *case("C", c_at, "logistics", []),
        # The month before: P, acknowledged after 1 h, resolved after 10 h.
        *case("P", BEFORE, "quality", resolved("P", BEFORE, 1, 10)),
    ]


@pytest.fixture
async def http(repository):
    await repository.store_batch(scenario())
    app = create_app(auth=bearer_auth(lambda: "k"), repository_dep=lambda: repository, readiness={}, max_page_size=50)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a", headers={"Authorization": "Bearer k"}) as client:
        yield client


async def test_the_monthly_report_as_csv(http):
    answer = await http.get("/v1/reports/monthly", params={"month": MONTH}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = {(r["section"], r["key"], r["field"]): r["value"] for r in csv.DictReader(io.StringIO(answer.text))}
    # Last month: A B C received, A B acknowledged (A in time), A resolved.
    assert [rows["month", MONTH, name] for name in ("received", "acknowledged", "resolved", "answer_rate", "resolution_rate",
                                                    "on_time_acknowledge_rate", "on_time_resolve_rate")] == [
        "3", "2", "1", "0.6667", "0.3333", "0.5", "1.0"]
    assert [rows["month_before", MONTH_BEFORE, name] for name in ("received", "acknowledged", "resolved", "answer_rate")] == [
        "1", "1", "1", "1.0"]
    assert (rows["department", "quality", "received"], rows["department", "logistics", "received"]) == ("2", "1")
    assert rows["top_cause", "1", CAUSE] == "1"  # A's; P's lies in the month before
    overdue = sorted({key for section, key, _ in rows if section == "overdue"})
    assert overdue == ["B", "C"]
    assert (rows["overdue", "B", "status"], rows["overdue", "C", "status"]) == ("acknowledged", "assigned")


async def test_the_monthly_report_as_html(http):
    answer = await http.get("/v1/reports/monthly", params={"month": MONTH})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert f"投诉月报 {MONTH}" in page and MONTH_BEFORE in page
    assert "seal &lt;b&gt;worn&lt;/b&gt;" in page and CAUSE not in page  # staff text is escaped
    assert "<td>66.7 %</td>" in page  # answer rate
    assert "Overdue cases (2)" in page and "<td>B</td>" in page and "<td>C</td>" in page


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "1999-12", "2026-11-01", ""])
async def test_a_bad_month_is_a_422_naming_it(http, month):
    answer = await http.get("/v1/reports/monthly", params={"month": month})
    assert answer.status_code == 422 and "month" in answer.text
