"""The walking skeleton, for real: four service processes, a real broker and database.

A complaint posted to intake's HTTP API travels intake → routing → notification → archive,
and archive's HTTP API returns the case with its timeline. A consumer written with plain
aiokafka (no project code) reads the routed event and validates it with the committed schema.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import jsonschema
import pytest
from aiokafka import AIOKafkaConsumer
from processes import SERVICES, start_service, wait_ready

pytestmark = pytest.mark.e2e
API_KEY = "e2e-secret-key"
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"


@pytest.fixture(scope="module")
def platform(real_backends, tmp_path_factory):
    import uuid

    token = uuid.uuid4().hex[:10]
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": real_backends.kafka_bootstrap_servers,
        "MONGODB_URL": real_backends.mongodb_url,
        "COMPLAINTS_TOPIC_PREFIX": f"e{token}.",
        "MONGODB_DATABASE": f"e2e_{token}",
        "COMPLAINTS_API_KEY": API_KEY,
        "NOTIFICATION_CHECK_INTERVAL_SECONDS": "1",
    }
    workdir = tmp_path_factory.mktemp("platform")
    services = {}
    try:
        # Archive first: intake asks it for a case's state before recording a case action.
        for name in sorted(SERVICES, key=lambda n: n != "archive"):
            extra = {"INTAKE_ARCHIVE_URL": services["archive"].url} if name == "intake" else {}
            services[name] = start_service(name, env=env | extra, workdir=workdir)
        for service in services.values():
            wait_ready(service)
        yield services, env
    finally:
        codes = {name: service.stop() for name, service in services.items()}
        # A clean SIGTERM shutdown exits 0 (uvicorn, Faust's worker) — anything else is a crash.
        assert all(code in (0, -15) for code in codes.values()), codes


def _post(services, body: dict) -> dict:
    response = httpx.post(
        f"{services['intake'].url}/v1/complaints", json=body, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10
    )
    assert response.status_code == 202, response.text
    return response.json()


def _wait_for_case(services, case_id: str, *, until, timeout: float = 30) -> tuple[dict, float]:
    started = time.monotonic()
    case = None
    while time.monotonic() - started < timeout:
        response = httpx.get(f"{services['archive'].url}/v1/cases/{case_id}", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
        if response.status_code == 200:
            case = response.json()
            if until(case):
                return case, time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"case {case_id} not complete after {timeout}s: {json.dumps(case, default=str)[:2000]}")


def _types(case: dict) -> set[str]:
    return {entry["type"] for entry in case["timeline"]}


ROUTED = "org.complaints.complaint.routed.v1"
NOTICE = "org.complaints.notification.sent.v1"


def test_complaint_travels_the_whole_pipeline(platform):
    services, _ = platform
    accepted = _post(services, {
        "channel": "email", "subject": "Heater caught fire",
        "text": "The heater I bought last week caught fire in my living room. My son burned his hand.",
        "customer": {"email": "someone@example.com"}, "external_id": "e2e-msg-1",
    })
    case, _elapsed = _wait_for_case(services, accepted["case_id"], until=lambda c: {ROUTED, NOTICE} <= _types(c))
    assert case["department"] == "quality"
    assert case["priority"] == "P1"
    assert case["status"] == "assigned"  # judged valid and given to its department (lifecycle)
    assert case["deadlines"]["acknowledge_by"]
    assert case["text"].startswith("The heater")
    notice = next(e for e in case["timeline"] if e["type"] == NOTICE)
    assert notice["data"]["recipient_role"] == "department:quality"

    # Staff acknowledge through intake (the only write gateway); archive moves the status.
    response = httpx.post(
        f"{services['intake'].url}/v1/cases/{accepted['case_id']}/events",
        json={"type": "acknowledged", "actor": "agent-1"}, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10,
    )
    assert response.status_code == 202
    case, _ = _wait_for_case(services, accepted["case_id"], until=lambda c: c["status"] == "acknowledged")
    assert case["acknowledged_at"]


def test_retried_post_is_one_case_with_one_received_event(platform):
    services, _ = platform
    body = {"channel": "sms", "text": "Parcel 88231 never arrived, tracking says delivered.", "external_id": "sms-77"}
    first, second = _post(services, body), _post(services, body)
    assert first["case_id"] == second["case_id"]
    case, _ = _wait_for_case(services, first["case_id"], until=lambda c: ROUTED in _types(c))
    received = [e for e in case["timeline"] if e["type"].endswith("complaint.received.v1")]
    assert len(received) == 1


def test_plain_aiokafka_consumer_reads_a_routed_event_with_only_the_json_schema(platform):
    import asyncio

    services, env = platform
    accepted = _post(services, {"channel": "web", "text": "I was charged twice for order 5531, please refund one payment."})
    schema = json.loads((SCHEMAS / "complaint.routed.v1.json").read_text())

    async def read_routed() -> dict:
        consumer = AIOKafkaConsumer(
            f"{env['COMPLAINTS_TOPIC_PREFIX']}complaints.routed.v1",
            bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], group_id=None, auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if record.key == accepted["case_id"].encode():
                            return json.loads(record.value)
        finally:
            await consumer.stop()
        raise AssertionError("no routed event for the case")

    routed = asyncio.run(read_routed())
    jsonschema.validate(routed, schema, format_checker=jsonschema.FormatChecker())
    assert "__faust" not in json.dumps(routed)
    assert routed["data"]["department"] == "billing"


def test_faust_services_serve_no_table_or_router_pages(platform):
    services, _ = platform
    for name in ("routing", "notification"):
        for path in ("/table/customer-directory/", "/router/", "/graph/", "/stats/"):
            assert httpx.get(f"{services[name].url}{path}", timeout=5).status_code == 404, (name, path)
        assert httpx.get(f"{services[name].url}/metrics", timeout=5).status_code == 200
