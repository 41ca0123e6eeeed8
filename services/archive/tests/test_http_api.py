import csv
import io
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from archive.domain import listing
from archive.entrypoints.http import create_app
from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.web import bearer_auth

KEY = "archive-key"


class FakeRepository:
    def __init__(self):
        self.cases = {"c1": {"_id": "c1", "status": "assigned", "version": 3, "timeline": []}}
        self.list_args = None

    async def get_case(self, case_id):
        return self.cases.get(case_id)

    async def list_cases(self, **kwargs):
        self.list_args = kwargs
        return list(self.cases.values())

    async def summary(self):
        return {"overall": {"cases": 1}}


@pytest.fixture
async def client():
    repository = FakeRepository()

    async def ready():
        return True

    app = create_app(auth=bearer_auth(lambda: KEY), repository_dep=lambda: repository, readiness={"mongodb": ready}, max_page_size=100)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a", headers={"Authorization": f"Bearer {KEY}"}) as http:
        yield http, repository


async def test_case_is_returned_with_case_id(client):
    http, _ = client
    body = (await http.get("/v1/cases/c1")).json()
    assert body["case_id"] == "c1" and "_id" not in body


async def test_case_answers_its_status_allowed_actions_version_and_etag(client):
    # The contract intake relies on to refuse an action the status does not allow (issue 9).
    http, _ = client
    response = await http.get("/v1/cases/c1")
    body = response.json()
    assert (body["status"], body["step"], body["version"]) == ("assigned", 3, 3)
    assert body["allowed_actions"] == lifecycle.allowed_actions(lifecycle.CaseStatus.ASSIGNED)
    assert "acknowledged" in body["allowed_actions"] and "resolved" not in body["allowed_actions"]
    assert response.headers["etag"] == '"3"'


async def test_unknown_case_is_a_404_problem(client):
    http, _ = client
    response = await http.get("/v1/cases/nope")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


async def test_reads_need_the_key(client):
    http, _ = client
    assert (await http.get("/v1/cases/c1", headers={"Authorization": "Bearer wrong"})).status_code == 401


async def test_list_validates_filters(client):
    http, repository = client
    assert (await http.get("/v1/cases", params={"limit": 100})).json()["limit"] == 100
    assert repository.list_args["limit"] == 100
    bad = await http.get("/v1/cases", params={"priority": "P9"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.priority"


def _refused(response, field: str) -> bool:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"skip": str(2**63)}, "query.skip"),  # was a 500: BSON holds 8-byte ints only
        ({"skip": "100001"}, "query.skip"),
        ({"skip": "-1"}, "query.skip"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),  # over max_page_size: refused, not silently cut
        ({"received_from": "0001-01-01T00:00:00+01:00"}, "query.received_from"),  # was a 500: overflows on the way to UTC
        ({"received_to": "9999-12-31T23:59:59-01:00"}, "query.received_to"),
        ({"received_from": "1999-12-31T23:59:59Z"}, "query.received_from"),
        ({"received_to": "2100-01-01T00:00:01Z"}, "query.received_to"),
        ({"received_from": "2026-11-24T09:00:00"}, "query.received_from"),  # no time zone: ambiguous
        ({"received_from": "2026-11-25T00:00:00Z", "received_to": "2026-11-24T00:00:00Z"}, "query.received_to"),
    ],
)
async def test_paging_and_dates_out_of_bounds_are_422_naming_the_parameter(client, params, field):
    http, repository = client
    assert _refused(await http.get("/v1/cases", params=params), field)
    assert repository.list_args is None  # refused before the store was asked


async def test_paging_and_dates_at_the_bounds_are_served(client):
    http, repository = client
    params = {"skip": "100000", "limit": "1", "received_from": "2000-01-01T00:00:00Z", "received_to": "2100-01-01T01:00:00+01:00"}
    assert (await http.get("/v1/cases", params=params)).status_code == 200
    assert repository.list_args["skip"] == 100_000
    assert repository.list_args["where"].received_from == datetime(2000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("params", "field"), [
    ({"cursor": "not-a-cursor"}, "query.cursor"),
    ({"cursor": "x" * 401}, "query.cursor"),
    ({"q": "x" * 101}, "query.q"),
    ({"q": ""}, "query.q"),
    ({"customer": "x" * 321}, "query.customer"),
    ({"step": "9"}, "query.step"),
    ({"channel": "pigeon"}, "query.channel"),
    ({"overdue": "maybe"}, "query.overdue"),
    ({"format": "xml"}, "query.format"),
])
async def test_list_filters_out_of_bounds_are_422_naming_the_parameter(client, params, field):
    http, repository = client
    assert _refused(await http.get("/v1/cases", params=params), field)
    assert repository.list_args is None


async def test_a_full_page_answers_a_cursor_that_the_next_request_continues_from(client):
    http, repository = client
    repository.cases["c1"]["listed_at"] = datetime(2026, 11, 24, 9, tzinfo=UTC)
    page = (await http.get("/v1/cases", params={"limit": "1"})).json()
    assert page["next_cursor"]
    await http.get("/v1/cases", params={"limit": "1", "cursor": page["next_cursor"]})
    assert repository.list_args["after"] == listing.Position(datetime(2026, 11, 24, 9, tzinfo=UTC), "c1")


async def test_the_list_as_csv_by_accept_header_or_format(client):
    http, repository = client
    repository.cases["c1"]["subject"] = "=HYPERLINK(1)"
    for answer in (await http.get("/v1/cases", headers={"Accept": "text/csv"}), await http.get("/v1/cases?format=csv")):
        assert answer.headers["content-type"].startswith("text/csv")
        header, row = list(csv.reader(io.StringIO(answer.text)))
        assert header[:3] == ["case_id", "status", "step"] and row[:3] == ["c1", "assigned", "3"]
        assert row[header.index("subject")] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet


@pytest.mark.parametrize("case_id", ["-starts-with-dash", "x" * 129, "has space", "semi;colon"])
async def test_a_malformed_case_id_is_a_422_naming_it(client, case_id):
    http, _ = client
    assert _refused(await http.get(f"/v1/cases/{case_id}"), "path.case_id")


async def test_uuid_and_derived_case_ids_pass_the_pattern(client):
    http, repository = client
    for case_id in (str(uuid.uuid4()), ev.derived_id("email", "<m1@example.com>"), "c1", "ext:web.42_a-b"):
        repository.cases[case_id] = {"_id": case_id, "status": "received", "timeline": []}
        assert (await http.get(f"/v1/cases/{case_id}")).json()["case_id"] == case_id


async def test_readiness_and_metrics_are_open(client):
    http, _ = client
    assert (await http.get("/readyz", headers={"Authorization": ""})).json()["status"] == "ready"
    assert (await http.get("/metrics", headers={"Authorization": ""})).status_code == 200
