"""Intake's real app on the real broker and store: a complaint is recorded once per key, a
second body under the key is refused, and /readyz checks Kafka and MongoDB (issue 8)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from intake.bootstrap import Intake
from intake.settings import IntakeSettings

pytestmark = pytest.mark.integration

KEY = "integration-key"
COMPLAINT = {"channel": "web", "text": "The blender's lid cracked on first use.", "external_id": "web-int-1"}


async def test_the_real_app_records_once_per_key_and_checks_its_dependencies(backend_env):
    intake = Intake(IntakeSettings(**backend_env, COMPLAINTS_API_KEY=KEY, consume_raw_topic=False))
    app = intake.app()
    async with intake.lifespan(FastAPI()):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://i", headers={"Authorization": f"Bearer {KEY}"}) as http:
            first = await http.post("/v1/complaints", json=COMPLAINT)
            again = await http.post("/v1/complaints", json=COMPLAINT)
            other = await http.post("/v1/complaints", json=COMPLAINT | {"text": "Another story."})
            ready = await http.get("/readyz")
    assert first.status_code == 202, first.text
    assert again.json() == first.json()
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "external_id"
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"kafka": True, "mongodb": True}
