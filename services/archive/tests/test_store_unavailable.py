"""The read API with a store that is not there: a 503 problem with Retry-After, quickly."""

import socket
import time

import httpx
import pytest
from archive.adapters.repository import CaseRepository
from archive.entrypoints.http import create_app
from complaints_shared import mongo
from complaints_shared.settings import ServiceSettings
from complaints_shared.web import bearer_auth

KEY = "archive-key"
READ_TIMEOUT = 0.5
# The client waits this long for a server (as the consumer should): without the read timeout
# the request would hang this long, so the bound below tells the two apart by a wide margin.
PATIENT_MS = 60_000


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def http():
    settings = ServiceSettings(MONGODB_URL=f"mongodb://127.0.0.1:{closed_port()}", service_name="archive-test")
    client = mongo.make_client(settings, serverSelectionTimeoutMS=PATIENT_MS)
    repository = CaseRepository(mongo.database(client, settings), read_timeout=READ_TIMEOUT)

    async def ready():
        return False

    app = create_app(auth=bearer_auth(lambda: KEY), repository_dep=lambda: repository, readiness={"mongodb": ready}, max_page_size=50)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://a", headers={"Authorization": f"Bearer {KEY}"}) as http:
        yield http
    await client.close()


@pytest.mark.parametrize("path", ["/v1/cases/c1", "/v1/cases?department=quality", "/v1/analytics/summary"])
async def test_an_absent_store_is_a_503_problem_with_retry_after(http, path):
    started = time.monotonic()
    response = await http.get(path)
    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text  # was a plain-text 500 after the client's 5 s
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["title"] == "Store unavailable"
    assert elapsed < PATIENT_MS / 1000 / 4  # bounded by the read timeout, not by the client's patience


async def test_bad_input_is_still_a_422_without_asking_the_store(http):
    response = await http.get("/v1/cases", params={"skip": str(2**63)})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "query.skip"
