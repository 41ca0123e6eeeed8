"""MongoDB through PyMongo's async API (`pymongo.AsyncMongoClient`).

Motor reached end of life on 2026-05-14; PyMongo's native asyncio client is its maintained
replacement. Only features MongoDB 7/8 and the mongo-java-server test stand-in both support are
used (no transactions, no change streams, no $lookup pipelines).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout

from .settings import ServiceSettings


def make_client(settings: ServiceSettings, **overrides) -> AsyncMongoClient:
    options: dict[str, Any] = dict(serverSelectionTimeoutMS=5_000, connectTimeoutMS=3_000, appname=settings.service_name, tz_aware=True)
    return AsyncMongoClient(settings.mongodb_url, **(options | overrides))


def database(client: AsyncMongoClient, settings: ServiceSettings) -> AsyncDatabase:
    return client[settings.mongodb_database]


async def database_reachable(client: AsyncMongoClient, timeout: float = 3.0) -> bool:
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


# --- bounded reads ----------------------------------------------------------------------------

# What "the store did not answer (in time)" looks like, as opposed to a wrong request: server
# selection, network and operation timeouts (ServerSelectionTimeoutError and NetworkTimeout are
# ConnectionFailures). An API answers these with 503 and Retry-After.
STORE_UNAVAILABLE: tuple[type[Exception], ...] = (ConnectionFailure, ExecutionTimeout)


def time_limit(seconds: float | None) -> contextlib.AbstractContextManager[object]:
    """Bound every operation inside (server selection included) to `seconds` in total.

    For request-serving reads, so an absent store answers fast; the client's own (patient)
    timeouts stay for the consumers. None: no limit beyond the client's.
    """
    return contextlib.nullcontext() if seconds is None else pymongo.timeout(seconds)
