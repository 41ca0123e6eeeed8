"""Archive's read API on a real MongoDB-wire store: a bounded schemathesis run over its OpenAPI
document with real cases behind it, bounds the store must accept, and a store that stops."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pymongo
import pytest
import schemathesis
from archive.adapters.erasure_log import KafkaErasureLog
from archive.adapters.repository import CaseRepository
from archive.bootstrap import Archive
from archive.entrypoints.http import create_app
from archive.settings import ArchiveSettings
from complaints_shared import events as ev
from complaints_shared import kafka, mongo
from complaints_shared.topics import ERASURES
from complaints_shared.web import bearer_auth
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from processes import free_port, serving
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration
KEY = "archive-integration-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
INFRA = Path(__file__).resolve().parents[2] / "deploy" / "local" / "bin" / "infra"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


def case_events(case_id: str, hours: float) -> list[ev.Event]:
    at = T0 + timedelta(hours=hours)
    received = ev.ComplaintReceived(case_id=case_id, channel=ev.Channel.EMAIL, text="kettle leaks", received_at=at,
                                    customer=ev.CustomerContact(email="x@example.com"))
    routed = ev.ComplaintRouted(
        case_id=case_id, received_event_id=f"rcv-{case_id}", validity=ev.Validity.VALID, category="product_quality",
        department="quality", priority=ev.Priority.P3, confidence=0.9, rules_version="t", routed_at=at,
        deadlines=ev.Deadlines(acknowledge_by=at + timedelta(hours=24), resolve_by=at + timedelta(days=5)),
    )
    acknowledged = ev.CaseAcknowledged(case_id=case_id, actor="agent", at=at + timedelta(hours=1))
    escalated = ev.CaseEscalated(case_id=case_id, level=ev.EscalationLevel.SUPERVISOR, deadline="resolve", due_at=at,
                                 department="quality", escalated_at=at)
    return [
        ev.envelope(received, source="/intake", event_id=f"rcv-{case_id}", time=at),
        ev.envelope(routed, source="/routing", event_id=f"rt-{case_id}", time=at + timedelta(seconds=1)),
        ev.envelope(acknowledged, source="/intake", event_id=f"ack-{case_id}", time=at + timedelta(hours=1)),
        ev.envelope(escalated, source="/notification", event_id=f"esc-{case_id}", time=at + timedelta(hours=2)),
    ]


def read_api(backend_env: dict[str, str]) -> FastAPI:
    """The read API over a real store with three archived cases (seeded idempotently on each start)."""
    settings = ArchiveSettings(**backend_env, COMPLAINTS_API_KEY=KEY)
    holder: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        client = mongo.make_client(settings)
        repository = CaseRepository(mongo.database(client, settings), read_timeout=settings.read_timeout_seconds)
        await repository.ensure_indexes()
        for n in range(3):
            for event in case_events(f"case-{n}", hours=n):
                await repository.store_event(event)
        holder["repository"] = repository
        # Erasures go to the erasures topic on the real broker first.
        await kafka.ensure_topics(settings, (ERASURES,))
        producer = kafka.make_producer(settings)
        await producer.start()
        holder["erasure_log"] = KafkaErasureLog(kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/t"))
        try:
            yield
        finally:
            await producer.stop()
            await client.close()

    async def ready() -> bool:
        return True

    return create_app(auth=bearer_auth(settings.api_key_value), repository_dep=lambda: holder["repository"],
                      readiness={"mongodb": ready}, max_page_size=settings.max_page_size, max_skip=settings.max_skip, lifespan=lifespan,
                      erasure_log_dep=lambda: holder["erasure_log"])


@pytest.fixture
def base_url(backend_env) -> Iterator[str]:
    with serving(read_api(backend_env)) as url:
        yield url
    with pymongo.MongoClient(backend_env["MONGODB_URL"]) as client:
        client.drop_database(backend_env["MONGODB_DATABASE"])


@pytest.fixture
def http(base_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers=AUTH, timeout=30) as client:
        yield client


# The document only: it depends on no store (a test's own server answers the calls).
schema = schemathesis.openapi.from_dict(read_api({}).openapi()).include(path_regex="^/v1/")


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_read_api_answers_as_its_openapi_says_on_a_real_store(case, base_url):
    case.call_and_validate(base_url=base_url, headers=AUTH, checks=CHECKS)


def test_real_cases_match_the_response_models(http):
    case = http.get("/v1/cases/case-1")
    assert case.status_code == 200, case.text
    assert [entry["event_id"] for entry in case.json()["timeline"]] == ["rcv-case-1", "rt-case-1", "ack-case-1", "esc-case-1"]
    listed = http.get("/v1/cases", params={"department": "quality", "limit": 2}).json()
    assert [c["case_id"] for c in listed["cases"]] == ["case-2", "case-1"]
    assert http.get("/v1/analytics/summary").json()["overall"]["cases"] == 3


def test_the_store_accepts_the_bounds_and_bad_input_never_reaches_it(http):
    at_the_bounds = {"skip": "100000", "limit": "200", "received_from": "2000-01-01T00:00:00Z", "received_to": "2100-01-01T00:00:00+00:00"}
    assert http.get("/v1/cases", params=at_the_bounds).json()["cases"] == []
    window = {"received_from": "2026-11-24T10:00:00+01:00", "received_to": "2026-11-24T11:00:00Z"}  # 09:00Z..11:00Z
    assert [c["case_id"] for c in http.get("/v1/cases", params=window).json()["cases"]] == ["case-1", "case-0"]
    # Each of these answered 500 before: BSON holds 8-byte ints; the dates overflow on the way to UTC.
    for params, field in (({"skip": str(2**63)}, "query.skip"), ({"received_from": "0001-01-01T00:00:00+01:00"}, "query.received_from"),
                          ({"received_to": "9999-12-31T23:59:59-01:00"}, "query.received_to")):
        response = http.get("/v1/cases", params=params)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field, response.text


async def test_the_summary_of_an_empty_store_is_zeros(backend_env):
    # mongo-java-server answers $facet over no documents with no document at all (MongoDB: one).
    settings = ArchiveSettings(**backend_env)
    client = mongo.make_client(settings)
    try:
        summary = await CaseRepository(mongo.database(client, settings)).summary()
    finally:
        await client.drop_database(settings.mongodb_database)
        await client.close()
    assert summary["overall"]["cases"] == 0 and summary["by_status"] == {}


# --- a store that stops -------------------------------------------------------------------------


@contextlib.contextmanager
def own_mongo() -> Iterator[tuple[str, dict[str, str]]]:
    """A mongo-java-server of this test's own (deploy/local/bin/infra): the shared one stays up."""
    data = tempfile.mkdtemp(prefix="archive-store-down-")
    env = os.environ | {"LOCAL_INFRA_DIR": data, "MONGO_PORT": str(free_port())}
    started = subprocess.run([str(INFRA), "start", "mongo"], env=env, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    try:
        ready = subprocess.run([str(INFRA), "wait", "mongo", "60"], env=env, capture_output=True, text=True, timeout=90)
        assert ready.returncode == 0, ready.stderr
        yield f"mongodb://127.0.0.1:{env['MONGO_PORT']}", env
    finally:
        subprocess.run([str(INFRA), "stop", "mongo"], env=env, capture_output=True, timeout=120)
        subprocess.run([str(INFRA), "wipe"], env=env, capture_output=True, timeout=60)


def test_a_store_that_stops_is_a_503_problem_and_not_ready(backend_env):
    with own_mongo() as (url, infra_env):
        settings = ArchiveSettings(**(backend_env | {"MONGODB_URL": url}), COMPLAINTS_API_KEY=KEY, read_timeout_seconds=1.0)
        # The service's own wiring, consumer included.
        with serving(Archive(settings).app()) as url, httpx.Client(base_url=url, headers=AUTH, timeout=30) as http:
            assert http.get("/v1/cases").status_code == 200
            stopped = subprocess.run([str(INFRA), "stop", "mongo"], env=infra_env, capture_output=True, text=True, timeout=120)
            assert stopped.returncode == 0, stopped.stderr
            for path in ("/v1/cases/case-1", "/v1/cases", "/v1/analytics/summary"):
                started = time.monotonic()
                response = http.get(path)
                elapsed = time.monotonic() - started
                assert response.status_code == 503, response.text
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["retry-after"].isdigit()
                # The read timeout (1 s), not the client's 5 s server selection, bounds the answer.
                assert elapsed < 4.0, elapsed
            assert http.get("/readyz").json()["checks"] == {"kafka": True, "mongodb": False}
