"""Fixtures for the integration and end-to-end tests: real Kafka and MongoDB-wire servers
(see backends.py); every test gets its own topic prefix, consumer groups and database."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import Backends, NoBackend, backends

_unavailable: list[str] = []


@pytest.fixture(scope="session")
def real_backends() -> Backends:
    if _unavailable:  # tried once this session already: fail fast with the same reason
        pytest.fail(_unavailable[0], pytrace=False)
    try:
        with backends() as found:
            yield found
    except NoBackend as exc:
        _unavailable.append(str(exc))
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def isolation() -> dict[str, str]:
    """Environment that gives a test its own topics, consumer groups, Faust app ids and database."""
    token = uuid.uuid4().hex[:10]
    return {"COMPLAINTS_TOPIC_PREFIX": f"t{token}.", "MONGODB_DATABASE": f"test_{token}", "token": token}


@pytest.fixture
def backend_env(real_backends, isolation) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": real_backends.kafka_bootstrap_servers,
        "MONGODB_URL": real_backends.mongodb_url,
        "COMPLAINTS_TOPIC_PREFIX": isolation["COMPLAINTS_TOPIC_PREFIX"],
        "MONGODB_DATABASE": isolation["MONGODB_DATABASE"],
    }
