"""The method's path through intake on real parts (issue 9): archive and intake as processes
on the real broker and store. Intake asks archive (its `GET /v1/cases/{id}`: status, version,
ETag) before it records a case action, refuses what the case's state does not allow, and
carries a staff client over archive's lag; scoped keys decide who may do what."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from processes import start_service, wait_ready

pytestmark = pytest.mark.integration

KEY, AGENT_KEY, SUPERVISOR_KEY = "all-rights-key", "agent-tool-key", "supervisor-tool-key"
STAFF_KEYS = [
    {"name": "agents", "sha256": hashlib.sha256(AGENT_KEY.encode()).hexdigest(), "roles": ["agent"], "actions": ["*"]},
    {"name": "supervisors", "sha256": hashlib.sha256(SUPERVISOR_KEY.encode()).hexdigest(), "roles": ["supervisor"], "actions": ["*"]},
]
STEPS = [
    (AGENT_KEY, {"type": "acknowledged", "actor": "agent-1"}),
    (AGENT_KEY, {"type": "cause_found", "actor": "agent-1", "cause": "A batch of cracked lids."}),
    (AGENT_KEY, {"type": "remedy_proposed", "actor": "agent-1", "remedy": "Send a new lid."}),
    (SUPERVISOR_KEY, {"type": "remedy_approved", "actor": "sup-1"}),
    (AGENT_KEY, {"type": "resolved", "actor": "agent-1", "resolution": "New lid delivered."}),
    (AGENT_KEY, {"type": "satisfaction_recorded", "actor": "agent-1", "score": 5}),
    (AGENT_KEY, {"type": "closed", "actor": "agent-1"}),
]


@pytest.fixture
def platform(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    asyncio.run(kafka.ensure_topics(settings))
    env = backend_env | {"COMPLAINTS_API_KEY": KEY}
    started = []
    try:
        archive = start_service("archive", env=env, workdir=tmp_path)
        started.append(archive)
        intake = start_service(
            "intake",
            env=env | {"INTAKE_ARCHIVE_URL": archive.url, "COMPLAINTS_API_KEYS": json.dumps(STAFF_KEYS), "INTAKE_CONSUME_RAW_TOPIC": "false"},
            workdir=tmp_path,
        )
        started.append(intake)
        for service in started:
            wait_ready(service)
        yield settings, intake, archive
    finally:
        codes = {service.name: service.stop() for service in started}
        assert all(code in (0, -15) for code in codes.values()), {s.name: s.log_tail() for s in started}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def archived_case(archive, case_id: str, *, until, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    response = None
    while time.monotonic() < deadline:
        response = httpx.get(f"{archive.url}/v1/cases/{case_id}", headers=bearer(KEY), timeout=5)
        if response.status_code == 200 and until(response.json()):
            return response
        time.sleep(0.05)
    raise AssertionError(f"archive's case never got there: {None if response is None else response.text[:1000]}")


async def publish_routed(settings: ServiceSettings, case_id: str, received_event_id: str) -> None:
    """What routing publishes once it judged the complaint valid (routing itself is not needed here)."""
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/test/routing")
        routed = ev.ComplaintRouted(
            case_id=case_id, received_event_id=received_event_id, validity=ev.Validity.VALID, category="product_quality",
            department="quality", priority=ev.Priority.P3, confidence=0.9, rules_version="test", routed_at=ev.utcnow(),
        )
        await publisher.publish(routed, event_id=ev.derived_id("routed", received_event_id))
    finally:
        await producer.stop()


def test_the_method_through_intake_with_archive_as_the_system_of_record(platform):
    settings, intake, archive = platform
    with httpx.Client(base_url=intake.url, timeout=10) as http:
        complaint = {"channel": "web", "text": "The blender's lid cracked on first use.", "external_id": "lc-1"}
        accepted = http.post("/v1/complaints", json=complaint, headers=bearer(KEY))
        assert accepted.status_code == 202, accepted.text
        case_id, events_url = accepted.json()["case_id"], f"/v1/cases/{accepted.json()['case_id']}/events"

        # Recorded, not judged yet: staff cannot acknowledge it.
        archived_case(archive, case_id, until=lambda c: c["status"] == "received")
        refused = http.post(events_url, json=STEPS[0][1], headers=bearer(AGENT_KEY))
        assert refused.status_code == 409, refused.text
        assert refused.json()["current_status"] == "received"

        asyncio.run(publish_routed(settings, case_id, accepted.json()["event_id"]))
        assigned = archived_case(archive, case_id, until=lambda c: c["status"] == "assigned")
        version = assigned.json()["version"]
        assert assigned.headers["etag"] == f'"{version}"'
        assert "acknowledged" in assigned.json()["allowed_actions"]

        # An agent cannot approve the remedy; the supervisor can.
        not_a_supervisor = http.post(events_url, json={"type": "remedy_approved", "actor": "agent-1"}, headers=bearer(AGENT_KEY))
        assert not_a_supervisor.status_code == 403
        assert not_a_supervisor.json()["missing_right"] == "role:supervisor"

        # The whole path at a staff client's pace, each step conditional on the last: archive
        # applies them when it gets to them, intake carries the client over the lag.
        for key, body in STEPS:
            response = http.post(events_url, json=body, headers=bearer(key) | {"If-Match": f'"{version}"'})
            assert response.status_code == 202, (body["type"], response.text)
            assert response.json()["case_version"] == version + 1
            version += 1

        stale = http.post(events_url, json={"type": "note_added", "actor": "agent-1", "note": "x"},
                          headers=bearer(AGENT_KEY) | {"If-Match": f'"{version - 1}"'})
        assert stale.status_code == 412, stale.text
        again = http.post(events_url, json=STEPS[0][1], headers=bearer(AGENT_KEY))
        assert again.status_code == 409
        assert again.json()["current_status"] == "closed"
        assert http.post("/v1/cases/no-such-case/events", json=STEPS[0][1], headers=bearer(AGENT_KEY)).status_code == 404

    closed = archived_case(archive, case_id, until=lambda c: c["status"] == "closed")
    assert closed.json()["version"] == version
    assert closed.headers["etag"] == f'"{version}"'
    assert closed.json()["allowed_actions"] == ["reopened", "note_added", "customer_followed_up"]


def test_an_escalation_is_acknowledged_through_intake_and_kept_on_the_timeline_without_moving_the_case(platform):
    settings, intake, archive = platform
    with httpx.Client(base_url=intake.url, timeout=10) as http:
        accepted = http.post("/v1/complaints", json={"channel": "web", "text": "The kettle leaks.", "external_id": "esc-1"}, headers=bearer(KEY))
        assert accepted.status_code == 202, accepted.text
        case_id = accepted.json()["case_id"]
        archived_case(archive, case_id, until=lambda c: c["status"] == "received")
        asyncio.run(publish_routed(settings, case_id, accepted.json()["event_id"]))
        assigned = archived_case(archive, case_id, until=lambda c: c["status"] == "assigned")
        assert "escalation_acknowledged" in assigned.json()["allowed_actions"]
        taken = {"type": "escalation_acknowledged", "actor": "sup-1", "level": "supervisor", "deadline": "acknowledge"}
        response = http.post(f"/v1/cases/{case_id}/events", json=taken, headers=bearer(SUPERVISOR_KEY))
        assert response.status_code == 202, response.text
    kept = archived_case(archive, case_id, until=lambda c: c["version"] == assigned.json()["version"] + 1).json()
    assert kept["status"] == "assigned"
    [entry] = [e for e in kept["timeline"] if e["type"] == "org.complaints.case.escalation_acknowledged.v1"]
    assert (entry["data"]["level"], entry["data"]["deadline"], entry["data"]["actor"]) == ("supervisor", "acknowledge", "sup-1")


def test_a_case_awaits_the_customer_through_intake_until_they_answer(platform):
    settings, intake, archive = platform
    with httpx.Client(base_url=intake.url, timeout=10) as http:
        accepted = http.post("/v1/complaints", json={"channel": "web", "text": "The lid cracked.", "external_id": "wait-1"}, headers=bearer(KEY))
        assert accepted.status_code == 202, accepted.text
        case_id, events_url = accepted.json()["case_id"], f"/v1/cases/{accepted.json()['case_id']}/events"
        archived_case(archive, case_id, until=lambda c: c["status"] == "received")
        asyncio.run(publish_routed(settings, case_id, accepted.json()["event_id"]))
        archived_case(archive, case_id, until=lambda c: c["status"] == "assigned")
        asked = http.post(events_url, json={"type": "customer_info_requested", "actor": "agent-1", "question": "Which batch?"},
                          headers=bearer(AGENT_KEY))
        assert asked.status_code == 202, asked.text
        waiting = archived_case(archive, case_id, until=lambda c: c.get("awaiting_customer") is True).json()
        assert waiting["status"] == "assigned" and waiting["awaiting_customer_since"]
        answered = http.post(events_url, json={"type": "customer_followed_up", "actor": "customer", "text": "B-12", "channel": "web"},
                             headers=bearer(KEY))
        assert answered.status_code == 202, answered.text
    done = archived_case(archive, case_id, until=lambda c: c.get("awaiting_customer") is False).json()
    assert done["status"] == "assigned" and done["awaited_customer_seconds"] > 0 and done["awaiting_customer_since"] is None
    assert [e["type"].split(".")[3] for e in done["timeline"]][-2:] == ["customer_info_requested", "customer_followed_up"]
