"""Attachments in a dict, for unit tests and an app built without a database (the real store
is adapters/attachments.py, GridFS)."""

from __future__ import annotations

import hashlib

from complaints_shared import events as ev


class InMemoryAttachments:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    async def put(self, data: bytes, *, content_type: str, filename: str | None = None) -> ev.Attachment:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return ev.Attachment(reference=f"memory:{digest}", filename=filename, content_type=content_type, size=len(data), sha256=digest)

    async def get(self, reference: str) -> bytes:
        return self.blobs[reference.removeprefix("memory:")]
