"""A broker that does not answer makes a prompt 503 with Retry-After, never a hung request
(issue 8, defect 3)."""

from __future__ import annotations

import asyncio
import time

import httpx
from complaints_shared import events as ev
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings

from .conftest import API_KEY


class SilentBroker:
    """A publisher whose acknowledgement never comes (a broker that is away)."""

    def __init__(self) -> None:
        self.attempts = 0

    async def publish(self, data: ev.Contract, *, event_id: str | None = None) -> ev.Event:
        self.attempts += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_unacknowledged_publish_is_a_prompt_503_with_retry_after():
    broker = SilentBroker()
    settings = IntakeSettings(COMPLAINTS_API_KEY=API_KEY, publish_timeout_seconds=0.2)
    transport = httpx.ASGITransport(app=bootstrap(settings, publisher=broker))
    async with httpx.AsyncClient(transport=transport, base_url="http://i", headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        started = time.monotonic()
        # The outer bound only keeps a hanging intake from hanging the test run.
        response = await asyncio.wait_for(
            http.post("/v1/complaints", json={"channel": "sms", "text": "parcel lost", "external_id": "gw-1"}), 10
        )
        elapsed = time.monotonic() - started
    assert broker.attempts == 1
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert "same Idempotency-Key or external_id" in response.json()["detail"]
    assert elapsed < 5


def test_the_publish_bound_is_a_setting_with_a_few_seconds_default(monkeypatch):
    assert IntakeSettings().publish_timeout_seconds == 5.0
    monkeypatch.setenv("INTAKE_PUBLISH_TIMEOUT_SECONDS", "2.5")
    assert IntakeSettings().publish_timeout_seconds == 2.5
