"""Where attachments and letter scans are kept: GridFS in the platform's MongoDB database.

Bytes never travel on Kafka; events carry an `Attachment` (reference, type, size, SHA-256).
Storing is content-addressed: the same bytes stored twice (a redelivered e-mail, a retried
upload) are kept once and get the same reference.
"""

from __future__ import annotations

import hashlib

from complaints_shared import events as ev
from gridfs import AsyncGridFSBucket
from pymongo.asynchronous.database import AsyncDatabase

BUCKET = "attachments"
REFERENCE_PREFIX = "gridfs:"


class AttachmentStore:
    def __init__(self, db: AsyncDatabase, *, bucket: str = BUCKET) -> None:
        self.db = db
        self.bucket = AsyncGridFSBucket(db, bucket_name=bucket)
        self.files = db[f"{bucket}.files"]

    async def put(self, data: bytes, *, content_type: str, filename: str | None = None) -> ev.Attachment:
        digest = hashlib.sha256(data).hexdigest()
        found = await self.files.find_one({"metadata.sha256": digest, "length": len(data)}, {"_id": 1})
        if found is None:
            file_id = await self.bucket.upload_from_stream(
                filename or digest, data, metadata={"sha256": digest, "content_type": content_type}
            )
        else:
            file_id = found["_id"]
        return ev.Attachment(
            reference=f"{REFERENCE_PREFIX}{file_id}", filename=filename, content_type=content_type, size=len(data), sha256=digest
        )

    async def get(self, reference: str) -> bytes:
        from bson import ObjectId

        if not reference.startswith(REFERENCE_PREFIX):
            raise KeyError(reference)
        stream = await self.bucket.open_download_stream(ObjectId(reference.removeprefix(REFERENCE_PREFIX)))
        return await stream.read()
