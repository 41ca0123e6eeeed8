"""Attachments go to GridFS on the real store: kept once per content, read back byte for byte."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from complaints_shared import mongo
from complaints_shared.settings import ServiceSettings
from intake.adapters.attachments import AttachmentStore

pytestmark = pytest.mark.integration


def test_stored_attachments_read_back_and_same_bytes_are_kept_once(backend_env):
    settings = ServiceSettings(**backend_env)

    async def scenario():
        client = mongo.make_client(settings)
        try:
            store = AttachmentStore(mongo.database(client, settings))
            data = bytes(range(256)) * 1000  # 256 kB: more than one GridFS chunk
            first = await store.put(data, content_type="image/png", filename="scan.png")
            again = await store.put(data, content_type="image/png", filename="scan-again.png")
            other = await store.put(b"%PDF-1.7 other", content_type="application/pdf")
            return first, again, other, await store.get(first.reference), await store.files.count_documents({})
        finally:
            await client.close()

    first, again, other, read_back, files = asyncio.run(scenario())
    assert read_back == bytes(range(256)) * 1000
    assert first.sha256 == hashlib.sha256(read_back).hexdigest() and first.size == 256_000
    assert again.reference == first.reference and other.reference != first.reference
    assert files == 2
