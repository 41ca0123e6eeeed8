"""Fixtures the integration tests share (the backends come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from archive.adapters.repository import CaseRepository
from complaints_shared import mongo
from complaints_shared.settings import ServiceSettings


@pytest.fixture
async def repository(backend_env):
    """Archive's repository on the real store, in the test's own database (dropped afterwards)."""
    settings = ServiceSettings(**backend_env, service_name="archive-test")
    client = mongo.make_client(settings)
    repo = CaseRepository(mongo.database(client, settings))
    await repo.ensure_indexes()
    yield repo
    await client.drop_database(settings.mongodb_database)
    await client.close()
