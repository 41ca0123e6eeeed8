"""The archive's only database code: events, the case projection, queries and analytics."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from complaints_shared import events as ev
from complaints_shared.mongo import time_limit
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.cases import CaseChange, CaseStatus, change_for


class CaseRepository:
    def __init__(self, db: AsyncDatabase, *, read_timeout: float | None = None) -> None:
        """`read_timeout` bounds each read the API makes (the writes keep the client's timeouts)."""
        self.db = db
        self.read_timeout = read_timeout
        self.cases = db["cases"]
        self.events = db["events"]
        self.raw_inbound = db["raw_inbound"]

    async def ensure_indexes(self) -> None:
        await self.cases.create_index([("department", ASCENDING), ("status", ASCENDING)])
        await self.cases.create_index([("received_at", DESCENDING)])
        await self.cases.create_index([("priority", ASCENDING)])
        await self.events.create_index([("subject", ASCENDING)])
        await self.events.create_index([("type", ASCENDING)])

    async def store_event(self, event: ev.Event) -> bool:
        """Store one event and project it onto its case. Idempotent on the event id.

        Returns False when the event had been stored before (a redelivery).
        """
        document = event.model_dump(mode="python", exclude_none=True)
        document["_id"] = document.pop("id")
        try:
            await self.events.insert_one(document)
            fresh = True
        except DuplicateKeyError:
            fresh = False
        change = change_for(event)
        if change is not None:
            # Applied even for a redelivered event: a crash may have come between the two writes.
            await self.apply(change)
        return fresh

    async def store_raw(self, *, topic: str, partition: int, offset: int, key: bytes | None, value: bytes, timestamp_ms: int) -> bool:
        """Keep a raw inbound record as the adapter sent it (it need not be an event)."""
        try:
            text, encoding = value.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(value).decode(), "base64"
        document = {
            "_id": f"{topic}/{partition}/{offset}",
            "key": key.decode("utf-8", "replace") if key else None,
            "value": text,
            "encoding": encoding,
            "timestamp": datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC),
        }
        try:
            await self.raw_inbound.insert_one(document)
            return True
        except DuplicateKeyError:
            return False

    async def apply(self, change: CaseChange) -> bool:
        now = ev.utcnow()
        update: dict[str, Any] = {
            "$push": {"timeline": change.timeline_entry},
            "$set": change.set_fields | {"updated_at": now},
            "$setOnInsert": change.on_insert | {"created_at": now},
        }
        if "status" not in change.set_fields:
            # Whatever event opens the case (topics are consumed independently, so it need not
            # be the received one), the case starts as received; a guarded status moves it on.
            update["$setOnInsert"]["status"] = CaseStatus.RECEIVED.value
        # The case's version (its ETag): +1 per event applied, whatever the event did.
        update["$inc"] = change.increments | {"version": 1}
        event_id = change.timeline_entry["event_id"]
        try:
            # Matches only while the event is not yet in the timeline; when the case doesn't
            # exist, the upsert creates it. An existing case that has the event makes the
            # upsert collide on _id: that is the "already applied" answer.
            await self.cases.update_one({"_id": change.case_id, "timeline.event_id": {"$ne": event_id}}, update, upsert=True)
            applied = True
        except DuplicateKeyError:
            applied = False
        if change.guarded_status is not None:
            await self.cases.update_one(
                {"_id": change.case_id, "status": {"$in": [s.value for s in change.status_from]}},
                {"$set": {"status": change.guarded_status.value}},
            )
        return applied

    async def get_case(self, case_id: str) -> dict[str, Any] | None:
        with time_limit(self.read_timeout):
            case = await self.cases.find_one({"_id": case_id})
        if case is not None:
            case["timeline"].sort(key=lambda entry: entry["at"])
        return case

    async def list_cases(
        self, *, filters: dict[str, Any], received_from: datetime | None, received_to: datetime | None, limit: int, skip: int
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
        if received_from or received_to:
            query["received_at"] = {k: v for k, v in (("$gte", received_from), ("$lt", received_to)) if v}
        cursor = self.cases.find(query, {"timeline": 0, "text": 0, "contact": 0}).sort("received_at", DESCENDING)
        with time_limit(self.read_timeout):
            return await cursor.skip(skip).limit(limit).to_list(length=limit)

    async def summary(self) -> dict[str, Any]:
        """Answer rate, resolution rate and timeliness, overall and per department."""
        valid = {"validity": {"$in": ["valid", "follow_up"]}}
        on_time_ack = {"$cond": [{"$and": [
            {"$gt": ["$acknowledged_at", None]},
            {"$lte": ["$acknowledged_at", "$deadlines.acknowledge_by"]},
        ]}, 1, 0]}
        on_time_resolve = {"$cond": [{"$and": [
            {"$gt": ["$resolved_at", None]},
            {"$lte": ["$resolved_at", "$deadlines.resolve_by"]},
        ]}, 1, 0]}
        answered = {"$cond": [{"$gt": ["$acknowledged_at", None]}, 1, 0]}
        resolved = {"$cond": [{"$gt": ["$resolved_at", None]}, 1, 0]}
        group = {
            "cases": {"$sum": 1},
            "answered": {"$sum": answered},
            "resolved": {"$sum": resolved},
            "acknowledged_on_time": {"$sum": on_time_ack},
            "resolved_on_time": {"$sum": on_time_resolve},
            "satisfaction_avg": {"$avg": "$satisfaction"},
            "escalations": {"$sum": "$escalations"},
        }
        pipeline: list[dict[str, Any]] = [
            {"$match": valid},
            {"$facet": {
                "overall": [{"$group": {"_id": None, **group}}],
                "by_department": [{"$group": {"_id": "$department", **group}}, {"$sort": {"_id": 1}}],
                "by_priority": [{"$group": {"_id": "$priority", **group}}, {"$sort": {"_id": 1}}],
            }},
        ]
        with time_limit(self.read_timeout):
            found = await (await self.cases.aggregate(pipeline)).to_list(length=1)
            by_status = await (await self.cases.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])).to_list(length=100)
        # MongoDB's $facet answers one document even for no input; mongo-java-server answers none.
        facets = found[0] if found else {"overall": [], "by_department": [], "by_priority": []}
        return {
            "overall": _rates(facets["overall"][0]) if facets["overall"] else _rates({}),
            "by_department": {_key(row["_id"]): _rates(row) for row in facets["by_department"]},
            "by_priority": {_key(row["_id"]): _rates(row) for row in facets["by_priority"]},
            "by_status": {_key(row["_id"]): row["n"] for row in by_status},
        }


def _key(group_id: Any) -> str:
    return "unknown" if group_id is None else str(group_id)


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    cases = row.get("cases", 0)

    def share(n: int, of: int) -> float | None:
        return round(n / of, 4) if of else None

    return {
        "cases": cases,
        "answer_rate": share(row.get("answered", 0), cases),
        "resolution_rate": share(row.get("resolved", 0), cases),
        "acknowledged_on_time_rate": share(row.get("acknowledged_on_time", 0), row.get("answered", 0)),
        "resolved_on_time_rate": share(row.get("resolved_on_time", 0), row.get("resolved", 0)),
        "satisfaction_avg": round(row["satisfaction_avg"], 2) if row.get("satisfaction_avg") is not None else None,
        "escalations": row.get("escalations", 0),
    }
