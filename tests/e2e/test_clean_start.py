"""A normal start is quiet: the four services start on an empty topic prefix and database,
one complaint goes through, they stop, and no log holds an ERROR or WARNING line, a line that
isn't JSON (a stray print or traceback), or a terminal control sequence."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from processes import SERVICES, start_service, wait_ready

pytestmark = pytest.mark.e2e
API_KEY = "clean-start-key"
ROUTED = "org.complaints.complaint.routed.v1"


def _wait_until_routed(archive_url: str, case_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        response = httpx.get(f"{archive_url}/v1/cases/{case_id}", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
        if response.status_code == 200:
            last = response.json()
            if any(entry["type"] == ROUTED for entry in last["timeline"]):
                return
        time.sleep(0.1)
    raise AssertionError(f"case {case_id} not routed after {timeout}s: {json.dumps(last, default=str)[:2000]}")


def _complaints_about(log_text: str) -> list[str]:
    found = []
    if "\x1b" in log_text:
        found.append("terminal control sequence (ESC) in the log")
    for line in log_text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            found.append(f"not a JSON log line: {line[:300]!r}")
            continue
        if record.get("level") not in ("DEBUG", "INFO"):
            found.append(f"{record.get('level')} {record.get('logger')}: {record.get('message', '')[:300]}")
    return found


def test_a_normal_start_and_stop_logs_no_error_or_warning(backend_env, tmp_path):
    # Intake's and archive's consumer groups don't carry the topic prefix: on a broker shared with
    # other tests their archives would join this one's group, and the rebalances they cause log
    # "Heartbeat failed ... because it is rebalancing" (a shared group, not an unclean start).
    token = backend_env["COMPLAINTS_TOPIC_PREFIX"]
    env = backend_env | {
        "COMPLAINTS_API_KEY": API_KEY,
        "ARCHIVE_CONSUMER_GROUP": f"{token}archive",
        "INTAKE_RAW_CONSUMER_GROUP": f"{token}intake-raw",
    }
    services = {}
    try:
        for name in SERVICES:
            services[name] = start_service(name, env=env, workdir=tmp_path)
        for service in services.values():
            wait_ready(service)
        response = httpx.post(
            f"{services['intake'].url}/v1/complaints",
            json={"channel": "email", "subject": "Heater caught fire", "text": "The heater I bought caught fire in the living room.",
                  "external_id": "clean-start-1"},
            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10,
        )
        assert response.status_code == 202, response.text
        _wait_until_routed(services["archive"].url, response.json()["case_id"])
    finally:
        codes = {name: service.stop() for name, service in services.items()}
    assert all(code in (0, -15) for code in codes.values()), codes
    problems = {name: _complaints_about(service.log_path.read_text(errors="replace")) for name, service in services.items()}
    assert problems == {name: [] for name in services}, json.dumps(problems, indent=1)
