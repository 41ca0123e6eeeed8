"""MongoDB through PyMongo's async API (`pymongo.AsyncMongoClient`).

Motor reached end of life on 2026-05-14; PyMongo's native asyncio client is its maintained
replacement. Only features MongoDB 7/8 and the mongo-java-server test stand-in both support are
used (no transactions, no change streams, no $lookup pipelines).
"""

from __future__ import annotations

import asyncio

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from .settings import ServiceSettings


def make_client(settings: ServiceSettings, **overrides) -> AsyncMongoClient:
    options = dict(serverSelectionTimeoutMS=5_000, connectTimeoutMS=3_000, appname=settings.service_name, tz_aware=True)
    return AsyncMongoClient(settings.mongodb_url, **(options | overrides))


def database(client: AsyncMongoClient, settings: ServiceSettings) -> AsyncDatabase:
    return client[settings.mongodb_database]


async def database_reachable(client: AsyncMongoClient, timeout: float = 3.0) -> bool:
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
