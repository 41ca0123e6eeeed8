import httpx
import pytest
from archive.entrypoints.http import create_app
from complaints_shared.web import bearer_auth

KEY = "archive-key"


class FakeRepository:
    def __init__(self):
        self.cases = {"c1": {"_id": "c1", "status": "routed", "timeline": []}}
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


async def test_unknown_case_is_a_404_problem(client):
    http, _ = client
    response = await http.get("/v1/cases/nope")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


async def test_reads_need_the_key(client):
    http, _ = client
    assert (await http.get("/v1/cases/c1", headers={"Authorization": "Bearer wrong"})).status_code == 401


async def test_list_caps_the_page_and_validates_filters(client):
    http, repository = client
    assert (await http.get("/v1/cases", params={"limit": 1000})).json()["limit"] == 100
    assert repository.list_args["limit"] == 100
    bad = await http.get("/v1/cases", params={"priority": "P9"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.priority"


async def test_readiness_and_metrics_are_open(client):
    http, _ = client
    assert (await http.get("/readyz", headers={"Authorization": ""})).json()["status"] == "ready"
    assert (await http.get("/metrics", headers={"Authorization": ""})).status_code == 200
