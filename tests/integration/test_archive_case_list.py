"""Archive's case list on the real MongoDB-wire store: every filter, CJK text search, the customer
lookup intake's SMS code makes, cursor paging that inserts do not disturb, and CSV."""

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
# A month ago: every deadline (120 h at most) long past, so which cases are overdue does not depend on the clock.
T0 = (datetime.now(UTC) - timedelta(days=30)).replace(minute=0, second=0, microsecond=0)


def complaint(case_id: str, hours: float, *, text: str, subject: str = "", channel: str = "email",
              contact: ev.CustomerContact | None = None, department: str = "quality", acknowledged: bool = False,
              resolved: bool = False) -> list[ev.Event]:
    at = T0 + timedelta(hours=hours)
    events = [
        ev.envelope(ev.ComplaintReceived(case_id=case_id, channel=channel, text=text, subject=subject, received_at=at,
                                         customer=contact or ev.CustomerContact()), source="/t", event_id=f"{case_id}-r", time=at),
        ev.envelope(ev.ComplaintRouted(case_id=case_id, received_event_id=f"{case_id}-r", validity="valid", category="product_quality",
                                       department=department, priority="P2", confidence=0.9, rules_version="t", routed_at=at,
                                       deadlines=ev.Deadlines(acknowledge_by=at + timedelta(hours=24), resolve_by=at + timedelta(hours=120))),
                    source="/t", event_id=f"{case_id}-rt", time=at),
    ]
    actions: list[ev.Contract] = []
    if acknowledged or resolved:
        actions.append(ev.CaseAcknowledged(case_id=case_id, actor="a", at=at + timedelta(hours=1)))
    if resolved:
        actions += [ev.CauseFound(case_id=case_id, actor="a", at=at + timedelta(hours=2), cause="seal"),
                    ev.RemedyProposed(case_id=case_id, actor="a", at=at + timedelta(hours=3), remedy="replace"),
                    ev.RemedyApproved(case_id=case_id, actor="s", at=at + timedelta(hours=4)),
                    ev.CaseResolved(case_id=case_id, actor="a", at=at + timedelta(hours=5), resolution="replaced")]
    events += [ev.envelope(action, source="/t", event_id=f"{case_id}-{i}", time=action.at) for i, action in enumerate(actions)]
    return events


PHONE = "+8613800138000"


def scenario() -> list[ev.Event]:
    return [
        *complaint("zh-1", 0, subject="热水壶", text="热水壶漏水，请更换。", contact=ev.CustomerContact(phone=PHONE), resolved=True),
        *complaint("zh-2", 1, text="包装破损", channel="sms", contact=ev.CustomerContact(phone=PHONE), department="logistics",
                   acknowledged=True),
        *complaint("zh-3", 2, text="ＫＥＴＴＬＥ 漏水 again", contact=ev.CustomerContact(phone=PHONE), resolved=True),
        *complaint("ko-1", 3, text="주전자가 샙니다", contact=ev.CustomerContact(email="Kim@Example.com", customer_id="C-7")),
        *complaint("en-1", 4, subject="Kettle", text="The kettle leaks (a+b)*", contact=ev.CustomerContact(customer_id="C-9")),
    ]


@pytest.fixture
async def http(repository):
    await repository.store_batch(scenario())
    app = create_app(auth=bearer_auth(lambda: "k"), repository_dep=lambda: repository, readiness={}, max_page_size=50)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a", headers={"Authorization": "Bearer k"}) as client:
        yield client


async def ids(http: httpx.AsyncClient, **params) -> list[str]:
    answer = await http.get("/v1/cases", params=params)
    assert answer.status_code == 200, answer.text
    return [case["case_id"] for case in answer.json()["cases"]]


async def test_each_filter_on_the_real_store(http):
    assert await ids(http) == ["en-1", "ko-1", "zh-3", "zh-2", "zh-1"]  # newest first
    assert await ids(http, status="resolved") == ["zh-3", "zh-1"]
    assert await ids(http, step=3) == ["en-1", "ko-1", "zh-2"]  # assigned or acknowledged
    assert await ids(http, department="logistics") == ["zh-2"]
    assert await ids(http, channel="sms") == ["zh-2"]
    assert await ids(http, priority="P2", category="product_quality", department="quality", step=7) == ["zh-3", "zh-1"]
    assert await ids(http, received_from=(T0 + timedelta(hours=1)).isoformat(), received_to=(T0 + timedelta(hours=3)).isoformat()) == [
        "zh-3", "zh-2"]
    # Deadlines long past; the resolved cases are not overdue.
    assert await ids(http, overdue="true") == ["en-1", "ko-1", "zh-2"]
    assert await ids(http, overdue="false") == ["zh-3", "zh-1"]


async def test_the_customer_lookup_intakes_sms_code_makes(http):
    # GET /v1/cases?customer=<E.164>&status=resolved&limit=1: the customer's newest resolved case.
    assert await ids(http, customer=PHONE, status="resolved", limit=1) == ["zh-3"]
    assert await ids(http, customer=PHONE) == ["zh-3", "zh-2", "zh-1"]
    assert await ids(http, customer="kim@example.COM") == ["ko-1"]  # addresses compare case-blind
    assert await ids(http, customer="C-7") == ["ko-1"]
    assert await ids(http, customer="+861380013800") == []  # exact, not a prefix


async def test_text_search_finds_cjk_substrings_normalised(http):
    assert await ids(http, q="漏水") == ["zh-3", "zh-1"]  # no word boundaries in Chinese
    assert await ids(http, q="热水壶") == ["zh-1"]  # the subject counts
    assert await ids(http, q="샙니") == ["ko-1"]
    assert await ids(http, q="kettle") == ["en-1", "zh-3"]  # full-width ＫＥＴＴＬＥ folded to kettle
    assert await ids(http, q="(a+b)*") == ["en-1"]  # regular-expression characters are literal
    assert await ids(http, q="a.b") == []


async def test_cursor_pages_are_stable_when_cases_arrive_between_them(http, repository):
    first = (await http.get("/v1/cases", params={"limit": 2})).json()
    assert [c["case_id"] for c in first["cases"]] == ["en-1", "ko-1"]
    # A newer case and one received earlier arrive between the pages.
    await repository.store_batch(complaint("new-1", 10, text="later") + complaint("old-1", -5, text="earlier"))
    second = (await http.get("/v1/cases", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [c["case_id"] for c in second["cases"]] == ["zh-3", "zh-2"]
    third = (await http.get("/v1/cases", params={"limit": 2, "cursor": second["next_cursor"]})).json()
    assert [c["case_id"] for c in third["cases"]] == ["zh-1", "old-1"]
    fourth = (await http.get("/v1/cases", params={"limit": 2, "cursor": third["next_cursor"]})).json()
    assert fourth == {"cases": [], "limit": 2, "skip": 0, "next_cursor": None}


async def test_csv_export_with_a_next_link(http):
    answer = await http.get("/v1/cases", params={"limit": 2, "q": "漏水"}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["case_id"], r["status"], r["department"]) for r in rows] == [("zh-3", "resolved", "quality"), ("zh-1", "resolved", "quality")]
    assert "text" not in rows[0] and PHONE not in answer.text  # overview columns only: no complaint text, no contact
    assert answer.headers["link"].endswith('>; rel="next"')
    following = await http.get(answer.headers["link"][1:].split(">")[0], headers={"Accept": "text/csv"})
    assert list(csv.DictReader(io.StringIO(following.text))) == []
