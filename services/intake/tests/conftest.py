from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from complaints_shared.testing import FakePublisher
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings

API_KEY = "unit-test-key"
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def client(publisher):
    settings = IntakeSettings(COMPLAINTS_API_KEY=API_KEY, max_body_bytes=64 * 1024)
    app = bootstrap(settings, publisher=publisher)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as http:
        yield http
