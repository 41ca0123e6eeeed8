"""The archive's only database code: the cases (each with every event of it, its timeline), the
events that belong to no case, raw inbound records, the roll-ups, and the queries.

A case's timeline is its event log: each entry keeps the event's id, type, time, source and
data (the envelope's other attributes follow from them), so case events are written once, with
their case, and a redelivered event is recognised by its id in the timeline.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from complaints_shared import events as ev
from complaints_shared.lifecycle import OPEN, CaseStatus
from complaints_shared.mongo import time_limit
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from ..domain import indicators as ind
from ..domain.cases import case_id_of, customer_key, merge_timeline, project, timeline_entry
from ..domain.erasure import attachment_references, erase_case
from ..domain.listing import CaseFilter, Position

log = logging.getLogger(__name__)
DUPLICATE_KEY = 11000
# Where intake keeps the files customers send (GridFS, references "gridfs:<id>") and its letters
# waiting for OCR (one document per case, holding the letter's form fields): in the same database.
ATTACHMENTS_BUCKET = "attachments"
ATTACHMENT_REFERENCE_PREFIX = "gridfs:"
LETTER_JOBS_COLLECTION = "intake_letter_jobs"
PROFILE_TYPE = ev.type_name(ev.CustomerProfileUpdated)
DEAD_LETTER_TYPE = ev.type_name(ev.EventDeadLettered)
# Rounds of "read the cases, fold, write guarded by version" before a batch gives up (and is
# retried whole): another archive process wrote the same case in between each time.
WRITE_ROUNDS = 8


# Where each kind of roll-up delta goes (the fine buckets last: their ids have no prefix).
ROLLUP_PREFIXES = (
    (ind.CAUSE_SUMMARY_PREFIX, "cause_summaries"), (ind.CAUSE_PREFIX, "cause_rollups"),
    (ind.SUMMARY_PREFIX, "rollup_summaries"), ("", "rollups"),
)
ROLLUP_COLLECTIONS = tuple(name for _, name in ROLLUP_PREFIXES)

# Roll-ups exactly once across crashes. A batch that writes cases first records itself
# (rollup_batches: its id, when it started); each case is written together with its roll-up
# delta pending under the batch id (one atomic replace); the batch's summed deltas are added to
# the buckets, each bucket keeping the last APPLIED_BATCHES_KEPT batch ids that moved it; last,
# the batch's record goes. A batch whose record is still there after `rollup_recovery_after`
# stopped part-way: its deltas are summed again from the cases that have them pending and added
# to the buckets that do not hold its id (by this process's next batch at once; by any process
# at start-up, in the consumer's sweep, or when a batch refolds one of its cases). A case's
# pending delta of a batch without a record has been applied: the next write of the case drops it.
PENDING = "rollup_pending"
APPLIED = "applied"
APPLIED_BATCHES_KEPT = 256
ROLLUP_RECOVERY_AFTER = 60.0  # seconds; far beyond a batch's time, which is seconds at most


def case_write_guard(case_id: str, version: int | None) -> dict[str, Any]:
    """What a case write matches: the case as it was read (no document yet: `version` None)."""
    return {"_id": case_id, "version": version}


# The guard's fields as a unique index (unique anyway: _id is). MongoDB serves the guard from the
# _id index; the local store (mongo-java-server) uses an index only when a query's fields are
# exactly a unique index's keys, and without this one scanned every case for every case written.
CASE_WRITE_GUARD_INDEX = [("_id", ASCENDING), ("version", ASCENDING)]


class CaseWriteConflict(RuntimeError):
    """Cases kept changing under this writer; the batch is retried (nothing was committed)."""


class RollUpsLeftToRecovery(CaseWriteConflict):
    """The batch took so long that another process may already recover its pending roll-ups:
    it leaves them to recovery (this process's retry of the batch applies them at once)."""


def new_batch_id() -> str:
    # 64 random bits: two batches sharing an id among a bucket's last few hundred is never.
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class RawRecord:
    """A record of the raw topic, kept as the adapter sent it (it need not be an event)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int

    def document(self) -> dict[str, Any]:
        try:
            text, encoding = self.value.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(self.value).decode(), "base64"
        return {
            "_id": f"{self.topic}/{self.partition}/{self.offset}",
            "key": self.key.decode("utf-8", "replace") if self.key else None,
            "value": text,
            "encoding": encoding,
            "timestamp": datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC),
        }


def event_document(event: ev.Event) -> dict[str, Any]:
    document = event.model_dump(mode="python", exclude_none=True)
    document["_id"] = document.pop("id")
    return document


async def insert_new(collection: AsyncCollection, documents: Sequence[dict[str, Any]]) -> int:
    """Insert the documents whose `_id` is not stored yet (one unordered bulk); how many were new."""
    if not documents:
        return 0
    try:
        return len((await collection.insert_many(documents, ordered=False)).inserted_ids)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        # Not `nInserted`: mongo-java-server counts the refused documents there too.
        return len(documents) - len(errors)


class CaseRepository:
    def __init__(
        self, db: AsyncDatabase, *, read_timeout: float | None = None, attachments_bucket: str = ATTACHMENTS_BUCKET,
        letter_jobs_collection: str = LETTER_JOBS_COLLECTION, rollup_recovery_after: float = ROLLUP_RECOVERY_AFTER,
    ) -> None:
        """`read_timeout` bounds each read the API makes (the writes keep the client's timeouts).
        The bucket and the letter jobs are intake's: the archive only deletes from them (erasure)."""
        self.db = db
        self.attachments = AsyncGridFSBucket(db, bucket_name=attachments_bucket)
        self.letter_jobs = db[letter_jobs_collection]
        self.read_timeout = read_timeout
        self.rollup_recovery_after = rollup_recovery_after
        # Batches of this process that stopped after writing cases and before clearing their
        # pending roll-ups: over for sure (the call raised), so recovered by the next batch.
        self.unfinished_batches: set[str] = set()
        self.cases = db["cases"]
        self.events = db["events"]
        self.raw_inbound = db["raw_inbound"]
        self.rollups = db["rollups"]
        self.cause_rollups = db["cause_rollups"]
        self.rollup_summaries = db["rollup_summaries"]
        self.cause_summaries = db["cause_summaries"]
        self.erasures = db["erasures"]
        self.rollup_batches = db["rollup_batches"]

    async def ensure_indexes(self) -> None:
        await self.cases.create_index(CASE_WRITE_GUARD_INDEX, unique=True, name="case_write_guard")
        await self.cases.create_index([("department", ASCENDING), ("status", ASCENDING)])
        await self.cases.create_index([("received_at", DESCENDING)])
        await self.cases.create_index([("priority", ASCENDING)])
        await self.cases.create_index([("listed_at", DESCENDING), ("_id", DESCENDING)])
        await self.cases.create_index([("customer_keys", ASCENDING)])
        await self.cases.create_index([(f"{PENDING}.batch", ASCENDING)])
        await self.cause_rollups.create_index([("day", ASCENDING)])
        await self.rollup_summaries.create_index([("level", ASCENDING), ("period", ASCENDING)])
        await self.cause_summaries.create_index([("level", ASCENDING), ("period", ASCENDING)])
        await self.events.create_index([("subject", ASCENDING)])
        await self.events.create_index([("type", ASCENDING)])
        await self.rollups.create_index([("day", ASCENDING)])
        await self.erasures.create_index([("case_ids", ASCENDING)])

    # --- writes ---------------------------------------------------------------------------------

    async def store_batch(self, events: Sequence[ev.Event], raws: Sequence[RawRecord] = ()) -> int:
        """Store a batch: raw records and events in the log, each case refolded once, the roll-ups
        moved by the difference. Idempotent on event ids and raw record places; answers how many
        events were new to the log. Safe to repeat after a failure anywhere in it: the roll-ups
        move exactly once (see PENDING)."""
        if self.unfinished_batches:
            await self._recover_in_passing(set(self.unfinished_batches))
        await insert_new(self.raw_inbound, [raw.document() for raw in raws])
        by_case: dict[str, list[dict[str, Any]]] = {}
        caseless: list[dict[str, Any]] = []
        for event in events:
            case_id = case_id_of(event)
            if case_id is None:
                caseless.append(event_document(event))
            else:
                by_case.setdefault(case_id, []).append(timeline_entry(event))
        fresh = await insert_new(self.events, caseless)
        if not by_case:
            return fresh
        batch, started = new_batch_id(), time.monotonic()
        # Before any case names the batch: a case's pending delta of a batch without a record
        # has been applied (the record goes last).
        await self.rollup_batches.insert_one({"_id": batch, "at": _store_time(ev.utcnow())})
        self.unfinished_batches.add(batch)
        folded = await self._fold_cases(by_case, batch=batch)
        await self._roll_up(folded.deltas, batch=batch, started=started)
        await self.rollup_batches.delete_one({"_id": batch})
        self.unfinished_batches.discard(batch)
        if folded.stale_batches:
            await self._recover_in_passing(folded.stale_batches)
        if folded.erased_files:
            await self._delete_attachments(folded.erased_files)
        return fresh + folded.added

    async def recover_batches(self, batches: set[str]) -> None:
        """Apply the pending roll-up deltas of batches that stopped part-way (to each bucket that
        does not hold the batch id yet, whatever part was applied before), then drop their
        records. Only for batches that are over: one still writing cases would lose the rest."""
        for batch in sorted(batches):
            deltas: dict[str, dict[str, Any]] = {}
            cases = 0
            async for case in self.cases.find({f"{PENDING}.batch": batch}, {PENDING: 1, "rolled_up": 1}):
                cases += 1
                for before, after in pending_differences(case, batch):
                    ind.add_difference(deltas, before, after)
            log.info("recovering the roll-ups of an unfinished batch", extra={"batch": batch, "cases": cases})
            await self._roll_up(deltas, batch=batch, recovering=True)
            await self.rollup_batches.delete_one({"_id": batch})
            self.unfinished_batches.discard(batch)

    async def _recover_in_passing(self, batches: set[str]) -> None:
        # Not this batch's own work: a failure here must not fail (and at length dead-letter) the
        # batch's records. The batches stay unfinished; the next batch or the sweep tries again.
        try:
            await self.recover_batches(batches)
        except Exception:
            log.exception("roll-up recovery failed; tried again later", extra={"batches": len(batches)})

    async def recover_stale_rollups(self, *, older_than: float | None = None) -> int:
        """Recover the batches that started more than `older_than` seconds ago (default:
        `rollup_recovery_after`) and never finished, and this process's own unfinished ones;
        answers how many. At start-up and now and then: a writer that died leaves them behind."""
        cutoff = ev.utcnow() - timedelta(seconds=self.rollup_recovery_after if older_than is None else older_than)
        stale = set(self.unfinished_batches)
        stale.update([record["_id"] async for record in self.rollup_batches.find({"at": {"$lte": cutoff}}, {"_id": 1})])
        await self.recover_batches(stale)
        return len(stale)

    async def store_raw(self, *, topic: str, partition: int, offset: int, key: bytes | None, value: bytes, timestamp_ms: int) -> bool:
        """Keep a raw inbound record as the adapter sent it (it need not be an event)."""
        return await insert_new(self.raw_inbound, [RawRecord(topic, partition, offset, key, value, timestamp_ms).document()]) == 1

    async def store_event(self, event: ev.Event) -> bool:
        """Store one event (see `store_batch`); False when it had been stored before."""
        return await self.store_batch([event]) == 1

    async def _fold_cases(self, by_case: dict[str, list[dict[str, Any]]], *, batch: str) -> Folded:
        """Fold the fresh entries into their cases, each written with its roll-up difference
        pending under `batch`, besides the ones of earlier batches still unfinished; answer what
        was written (see Folded).

        Each case is replaced only if its version is still the one read (another archive process
        may own another topic's partition of the same case); the cases that lost the race are
        read and folded again.
        """
        folded = Folded()
        pending = by_case
        for _round in range(WRITE_ROUNDS):
            if not pending:
                return folded
            stored = {doc["_id"]: doc async for doc in by_ids(self.cases, list(pending))}
            erased_earlier = await self._erased_before_stored([case_id for case_id in pending if case_id not in stored])
            unfinished = await self._unfinished_of(stored.values())
            stale_before = ev.utcnow() - timedelta(seconds=self.rollup_recovery_after)
            folded.stale_batches.update(name for name, at in unfinished.items() if at <= stale_before)
            writes: list[tuple[str, ReplaceOne, Any, Any, int]] = []
            for case_id, fresh in pending.items():
                before = stored.get(case_id) or {}
                timeline, added = merge_timeline(before.get("timeline", ()), fresh)
                if not added:
                    continue  # a redelivery: nothing changes
                case = project(case_id, timeline)
                case["rolled_up"] = ind.contribution(case)
                case[PENDING] = [*still_pending(before.get(PENDING, ()), unfinished),
                                 {"batch": batch, "before": _packed(before.get("rolled_up"))}]
                # When the archive wrote the case first and last (the only fields a rebuild does
                # not reproduce; the fault harness measures archiving delays by created_at).
                now = ev.utcnow()
                case["created_at"], case["updated_at"] = before.get("created_at", now), now
                if erased_at := before.get("erased_at") or erased_earlier.get(case_id):
                    # An erased case stays erased: its stored entries were erased, a fresh one is
                    # erased as it arrives (a redelivered complaint is known by id and ignored).
                    case = erase_case(case, at=erased_at) | {"version": case["version"]}
                    folded.erased_files.update(*(attachment_references(entry) for entry in fresh))
                # Every write that adds an event moves the version (the ETag clients act on) on, also
                # past an erasure's own step: the timeline's length alone would repeat its number.
                case["version"] = max(case["version"], int(before.get("version", 0)) + 1)
                # A new case matches no document and is inserted; a case written meanwhile by
                # another process no longer matches its old version, and the upsert's insert then
                # collides on _id: that is the conflict signal.
                guard = case_write_guard(case_id, before.get("version"))
                writes.append((case_id, ReplaceOne(guard, case, upsert=True), before.get("rolled_up"), case["rolled_up"], added))
            lost = await _bulk(self.cases, [write for _, write, *_ in writes])
            for index, (_case_id, _write, rolled_before, rolled_after, added) in enumerate(writes):
                if index not in lost:
                    ind.add_difference(folded.deltas, rolled_before, rolled_after)
                    folded.added += added
            pending = {writes[index][0]: pending[writes[index][0]] for index in lost}
        if pending:
            raise CaseWriteConflict(f"{len(pending)} cases kept changing during {WRITE_ROUNDS} rounds")
        return folded

    async def _unfinished_of(self, cases: Iterable[Mapping[str, Any]]) -> dict[str, datetime]:
        """The batches the cases have roll-up deltas pending of that are not over (they still
        have their record), and when each started; the others' deltas have been applied."""
        named = {entry["batch"] for case in cases for entry in case.get(PENDING, ())}
        if not named:
            return {}
        return {record["_id"]: record["at"] async for record in self.rollup_batches.find({"_id": {"$in": sorted(named)}})}

    async def _roll_up(self, deltas: dict[str, dict[str, Any]], *, batch: str, started: float | None = None,
                       recovering: bool = False) -> None:
        """Add the batch's deltas to its buckets, each bucket remembering the batch among its
        last APPLIED_BATCHES_KEPT. The batch itself adds them once (`started`: when; one that
        took half of `rollup_recovery_after` leaves them to recovery, which may be at work by
        then); `recovering`, each bucket that does not hold the batch yet gets them."""
        by_collection: dict[str, dict[str, UpdateOne]] = {name: {} for name in ROLLUP_COLLECTIONS}
        for bucket_id, bucket in deltas.items():
            if not (inc := ind.nonzero(bucket["inc"])):
                continue
            prefix, name = next((p, n) for p, n in ROLLUP_PREFIXES if bucket_id.startswith(p))
            key = bucket["key"]
            stored_id = bucket_id.removeprefix(prefix)
            # Only recovery asks the store whether the batch is there: the local store reads every
            # bucket for a query on more than _id.
            guard = {"_id": stored_id, APPLIED: {"$ne": batch}} if recovering else {"_id": stored_id}
            by_collection[name][stored_id] = UpdateOne(
                guard,
                {"$inc": inc, "$setOnInsert": key | {"month": key.get("month") or key["day"][:7]},
                 "$push": {APPLIED: {"$each": [batch], "$slice": -APPLIED_BATCHES_KEPT}}},
                upsert=True,
            )
        for name, writes in by_collection.items():
            if started is not None and time.monotonic() - started > self.rollup_recovery_after / 2:
                raise RollUpsLeftToRecovery(f"the batch took over {self.rollup_recovery_after / 2:g} s")
            await self._upsert_buckets(self.db[name], writes, batch=batch, recovering=recovering)

    async def _upsert_buckets(self, collection: AsyncCollection, writes: dict[str, UpdateOne], *, batch: str,
                              recovering: bool) -> None:
        if recovering and writes:
            # Read by _id alone: the buckets that hold the batch already are left out.
            had_it = {doc["_id"] async for doc in by_ids(collection, list(writes), {APPLIED: 1}) if batch in doc.get(APPLIED, ())}
            writes = {bucket_id: write for bucket_id, write in writes.items() if bucket_id not in had_it}
        for _attempt in range(3):
            bucket_ids = list(writes)
            lost = await _bulk(collection, list(writes.values()))
            if not lost:
                return
            # Two upserts of a new bucket at once: one inserts, the other collides (again, it
            # updates); recovering, a bucket that got the batch meanwhile collides too.
            lost_ids = [bucket_ids[index] for index in sorted(lost)]
            had_it = set()
            if recovering:
                had_it = {doc["_id"] async for doc in by_ids(collection, lost_ids, {APPLIED: 1}) if batch in doc.get(APPLIED, ())}
            writes = {bucket_id: writes[bucket_id] for bucket_id in lost_ids if bucket_id not in had_it}
            if not writes:
                return
        raise CaseWriteConflict("roll-up buckets kept colliding")

    # --- reads ----------------------------------------------------------------------------------

    async def get_case(self, case_id: str) -> dict[str, Any] | None:
        with time_limit(self.read_timeout):
            case = await self.cases.find_one({"_id": case_id})
        if case is not None:
            case["timeline"].sort(key=lambda entry: entry["at"])
        return case

    async def list_cases(
        self, *, where: CaseFilter, limit: int, skip: int = 0, after: Position | None = None, now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Cases newest first (by `listed_at`, then id), after `after` when it is given."""
        clauses = case_clauses(where, now=now or ev.utcnow())
        if after is not None:
            clauses.append({"$or": [
                {"listed_at": {"$lt": after.listed_at}},
                {"listed_at": after.listed_at, "_id": {"$lt": after.case_id}},
            ]})
        query: dict[str, Any] = {"$and": clauses} if clauses else {}
        hidden = {"timeline": 0, "text": 0, "contact": 0, "rolled_up": 0, PENDING: 0, "search_text": 0, "customer_keys": 0}
        cursor = self.cases.find(query, hidden).sort([("listed_at", DESCENDING), ("_id", DESCENDING)])
        with time_limit(self.read_timeout):
            return await cursor.skip(skip).limit(limit).to_list(length=limit)

    async def indicators(
        self, *, first_day: date, last_day: date, group_by: str, only: Mapping[str, str | None] | None = None,
        use_summaries: bool = True, with_causes: bool = True,
    ) -> dict[str, Any]:
        """The indicators of the cases received from `first_day` to `last_day` (UTC, both
        included), in total and per group, from the roll-ups alone; `only` keeps the buckets of
        one department, category, channel and/or priority. From the summaries where they hold
        the answer (`use_summaries=False`: always from the fine buckets, as a check)."""
        field = ind.GROUPINGS[group_by]
        summary = ind.summary_match(first_day, last_day, group_by, only or {}) if use_summaries else None
        collection, match = (self.rollups, _bucket_match(first_day, last_day, only)) if summary is None \
            else (self.rollup_summaries, summary)
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {"$group": {"_id": f"${field}", **{name: {"$sum": f"${name}"} for name in ind.SUMMED}}},
        ]
        with time_limit(self.read_timeout):
            rows = await (await collection.aggregate(pipeline)).to_list(length=None)
        # A bucket every case left (reassigned elsewhere) stays, with zeros: not a group.
        rows = sorted((row for row in rows if row.get("recorded")), key=lambda row: _key(row["_id"]))
        return {
            "total": ind.indicators(ind.summed(rows)),
            "groups": [{"key": _key(row["_id"]), **ind.indicators(row)} for row in rows],
            "top_causes": await self.top_causes(first_day=first_day, last_day=last_day, only=only, use_summaries=use_summaries)
            if with_causes else [],
        }

    async def top_causes(
        self, *, first_day: date, last_day: date, only: Mapping[str, str | None] | None = None, limit: int = ind.TOP_CAUSES,
        use_summaries: bool = True,
    ) -> list[dict[str, Any]]:
        summary = ind.summary_match(first_day, last_day, None, only or {}, ind.CAUSE_SUMMARY_DIMENSIONS) if use_summaries else None
        collection, match = (self.cause_rollups, _bucket_match(first_day, last_day, only)) if summary is None \
            else (self.cause_summaries, summary)
        pipeline: list[dict[str, Any]] = [{"$match": match}, {"$group": {"_id": "$cause", "cases": {"$sum": "$cases"}}}]
        with time_limit(self.read_timeout):
            rows = await (await collection.aggregate(pipeline)).to_list(length=None)
        # Sorted here, not in the store: a few hundred distinct causes at most, and one sort order
        # (count, then the cause itself) both store implementations would otherwise each break ties of.
        ranked = sorted((row for row in rows if row["cases"] > 0), key=lambda row: (-row["cases"], row["_id"]))
        return [{"cause": row["_id"], "cases": row["cases"]} for row in ranked[:limit]]

    # --- erasure --------------------------------------------------------------------------------

    async def plan_erasure(self, customer: str, *, requested_by: str, at: datetime) -> dict[str, Any]:
        """What erasing a customer removes, found by reading only: their cases, the caseless events
        (profiles, dead letters) and raw records naming any identifier they are known by, the files
        they sent (attachments, letter scans; those another customer sent too are kept) and their
        letters' OCR jobs. Answers the erasure's record: when, who asked, the counts and the ids —
        never who the customer was. `apply_erasure` erases by those ids."""
        identifiers = await self._identifiers_of(customer_key(customer))
        query = {"customer_keys": {"$in": sorted(identifiers)}, "erased_at": {"$exists": False}}
        theirs = [case async for case in self.cases.find(query, {"timeline": 1})]
        case_ids = sorted(case["_id"] for case in theirs)
        files = {reference for case in theirs for entry in case.get("timeline", ()) for reference in attachment_references(entry)}
        files = {reference for reference in files if _file_id(reference) is not None}
        shared_files = await self._shared_files(files, besides=case_ids)
        letter_jobs = await self.letter_jobs.count_documents({"_id": {"$in": case_ids}}) if case_ids else 0
        event_ids = sorted(await self._erasable_events(identifiers))
        raw_ids = sorted(await self._ids(self.raw_inbound, {"erased_at": {"$exists": False}, "value": _any_of(identifiers)}))
        deleted_files = sorted(files - shared_files)
        return {"_id": str(uuid.uuid4()), "at": at, "requested_by": requested_by, "cases": len(case_ids),
                "events": len(event_ids), "raw_records": len(raw_ids), "attachments": len(deleted_files),
                "attachments_shared": len(shared_files), "letter_jobs": letter_jobs, "case_ids": case_ids,
                "event_ids": event_ids, "raw_ids": raw_ids, "attachment_references": deleted_files}

    async def apply_erasure(self, record: Mapping[str, Any]) -> bool:
        """Erase the documents an erasure's record names, by id, then keep the record. Idempotent on
        the erasure id (the record goes last, so a kept record means all was done; answers False
        then); repeating it after a failure half-way erases the rest. The ids name no one, so the
        same erasure replays identically: from the API, the erasures topic, or into a rebuilt
        database, whose cases the log brought back."""
        if await self.erasures.find_one({"_id": record["_id"]}, {"_id": 1}) is not None:
            return False
        at = record["at"]
        case_ids = list(record.get("case_ids", ()))
        # Files and jobs first, while the cases still say which files they refer to; those a case
        # outside this erasure still names stay (the other customer's).
        await self._delete_attachments(set(record.get("attachment_references", ())), besides=case_ids)
        if case_ids:
            await self.letter_jobs.delete_many({"_id": {"$in": case_ids}})
        await self._erase_cases({"_id": {"$in": case_ids}, "erased_at": {"$exists": False}}, at=at)
        if record.get("event_ids"):
            # The envelope's subject of a profile is the customer number too.
            await self.events.update_many({"_id": {"$in": list(record["event_ids"])}, "erased_at": {"$exists": False}},
                                          {"$set": {"data": {}, "erased_at": at}, "$unset": {"subject": ""}})
        if record.get("raw_ids"):
            await self.raw_inbound.update_many({"_id": {"$in": list(record["raw_ids"])}, "erased_at": {"$exists": False}},
                                               {"$set": {"value": "", "key": None, "erased_at": at}})
        await self.erasures.replace_one({"_id": record["_id"]}, dict(record), upsert=True)
        return True

    async def _erased_before_stored(self, case_ids: list[str]) -> dict[str, datetime]:
        """Cases an erasure named before they were stored here (a consumer reading the erasures
        topic ahead of the others into a new database): when each was erased."""
        if not case_ids:
            return {}
        found: dict[str, datetime] = {}
        async for record in self.erasures.find({"case_ids": {"$in": case_ids}}, {"case_ids": 1, "at": 1}).sort("at", 1):
            for case_id in set(record["case_ids"]) & set(case_ids):
                found.setdefault(case_id, record["at"])
        return found

    async def _shared_files(self, references: set[str], *, besides: Sequence[str]) -> set[str]:
        """Those of `references` another case that is not erased, outside `besides`, or another
        letter job refers to: intake stores equal bytes once, so two customers who sent the same
        file share it."""
        if not references:
            return set()
        in_use = {"$in": sorted(references)}
        shared: set[str] = set()
        others = {"_id": {"$nin": list(besides)}, "erased_at": {"$exists": False},
                  "$or": [{"timeline.data.attachments.reference": in_use}, {"timeline.data.letter.scan.reference": in_use}]}
        async for case in self.cases.find(others, {"timeline": 1}):
            for entry in case.get("timeline", ()):
                shared |= attachment_references(entry) & references
        async for job in self.letter_jobs.find({"_id": {"$nin": list(besides)}, "scan.reference": in_use}, {"scan": 1}):
            shared.add(job["scan"]["reference"])
        return shared

    async def _delete_attachments(self, references: set[str], *, besides: Sequence[str] = ()) -> tuple[set[str], set[str]]:
        """Delete the stored files of `references` (answers which were there and went) unless
        another case that is not erased, outside `besides`, or another letter job refers to them:
        intake stores equal bytes once, so two customers who sent the same file share it (answers
        those kept too)."""
        references = {reference for reference in references if _file_id(reference) is not None}
        shared = await self._shared_files(references, besides=besides)
        deleted: set[str] = set()
        for reference in sorted(references - shared):
            with contextlib.suppress(NoFile):  # gone already (an erasure repeated, or never stored here)
                await self.attachments.delete(_file_id(reference))
                deleted.add(reference)
        return deleted, shared

    async def _identifiers_of(self, key: str) -> set[str]:
        """Every identifier the archive knows the customer by (a request names one: their cases
        and profiles name the others, e.g. the phone of the customer number)."""
        identifiers = {key}
        async for case in self.cases.find({"customer_keys": key}, {"customer_keys": 1}):
            identifiers.update(case.get("customer_keys", ()))
        profile_query = {"type": PROFILE_TYPE, "$or": [
            {"data.customer_id": {"$in": sorted(identifiers)}}, {"data.phones": {"$in": sorted(identifiers)}},
            {"data.emails": {"$in": sorted(identifiers)}}]}
        async for profile in self.events.find(profile_query, {"data": 1}):
            data = profile.get("data", {})
            found = [data.get("customer_id"), *data.get("phones", ()), *data.get("emails", ())]
            identifiers.update(customer_key(value) for value in found if value)
        return identifiers

    async def _erase_cases(self, query: dict[str, Any], *, at: datetime) -> set[str]:
        erased: set[str] = set()
        for _round in range(WRITE_ROUNDS):
            pending = [case async for case in self.cases.find(query)]
            if not pending:
                return erased
            for case in pending:
                # Guarded by the version read: a case the consumer rewrote meanwhile is read again.
                result = await self.cases.replace_one(case_write_guard(case["_id"], case.get("version")), erase_case(case, at=at))
                if result.matched_count:
                    erased.add(case["_id"])
        raise CaseWriteConflict("cases kept changing during the erasure")

    async def _erasable_events(self, identifiers: set[str]) -> list[str]:
        values = sorted(identifiers)
        profiles = await self._ids(self.events, {"type": PROFILE_TYPE, "erased_at": {"$exists": False}, "$or": [
            {"data.customer_id": {"$in": values}}, {"data.phones": {"$in": values}}, {"data.emails": {"$in": values}}]})
        # A dead letter keeps the failed record's text, which may name the customer anywhere.
        dead_letters = await self._ids(self.events, {"type": DEAD_LETTER_TYPE, "erased_at": {"$exists": False},
                                                     "data.original_value": _any_of(identifiers)})
        return profiles + dead_letters

    @staticmethod
    async def _ids(collection: AsyncCollection, query: dict[str, Any]) -> list[str]:
        return [doc["_id"] async for doc in collection.find(query, {"_id": 1})]

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


@dataclass
class Folded:
    """What folding a batch into its cases wrote: how many entries were new, the roll-up
    differences of the cases written (pending on them under the batch id), the earlier batches
    seen unfinished long enough to be recovered, and the files fresh entries of erased cases
    refer to (to be deleted)."""

    added: int = 0
    deltas: dict[str, dict[str, Any]] = field(default_factory=dict)
    stale_batches: set[str] = field(default_factory=set)
    erased_files: set[str] = field(default_factory=set)


def still_pending(entries: Sequence[Mapping[str, Any]], unfinished: Container[str]) -> list[Mapping[str, Any]]:
    """The pending roll-up entries of a case to keep: those of unfinished batches, and the one
    after each of them (its `before` is what the unfinished batch left the case at)."""
    return [entry for index, entry in enumerate(entries)
            if entry["batch"] in unfinished or (index > 0 and entries[index - 1]["batch"] in unfinished)]


def pending_differences(case: Mapping[str, Any], batch: str) -> list[tuple[Any, Any]]:
    """The (before, after) contributions of the case's writes by `batch` still pending: an entry
    keeps the contribution before its write; after it is the next entry's, or the case's own."""
    entries = case.get(PENDING, ())
    befores = [_unpacked(entry["before"]) for entry in entries]
    afters = [*befores[1:], case.get("rolled_up")]
    return [(before, after) for entry, before, after in zip(entries, befores, afters, strict=True) if entry["batch"] == batch]


def _packed(contribution: Mapping[str, Any] | None) -> str:
    # One string, not a nested document: the local store takes markedly longer to write a case
    # for every nested field (a contribution has some twenty).
    return json.dumps(contribution, separators=(",", ":"), sort_keys=True)


def _unpacked(packed: str) -> dict[str, Any] | None:
    return json.loads(packed)


def _store_time(moment: datetime) -> datetime:
    # Whole milliseconds, as the store keeps them.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# Ids per read of documents by id. The local store's `$in` costs more per id the more ids it is
# given (a 20,000-case collection: 200 ids 23 ms, 2,000 ids 0.37 s, 20,000 ids 6.5 s), so a
# batch of 20,000 records reads its cases 200 at a time (0.9 s for the 20,000); MongoDB does
# not mind either way.
IDS_PER_READ = 200


async def by_ids(collection: AsyncCollection, ids: Sequence[str], projection: Mapping[str, Any] | None = None
                 ) -> AsyncIterator[dict[str, Any]]:
    """The documents of `ids` that exist, IDS_PER_READ ids a query."""
    for start in range(0, len(ids), IDS_PER_READ):
        async for document in collection.find({"_id": {"$in": list(ids[start:start + IDS_PER_READ])}}, projection):
            yield document


async def _bulk(collection: AsyncCollection, writes: list[Any]) -> set[int]:
    """One unordered bulk write; the indexes of the writes that collided on a unique key."""
    if not writes:
        return set()
    try:
        await collection.bulk_write(writes, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        return {int(error["index"]) for error in errors}
    return set()


def _file_id(reference: str) -> ObjectId | None:
    """The GridFS id of an attachment reference (None: not a file of intake's store)."""
    if not reference.startswith(ATTACHMENT_REFERENCE_PREFIX):
        return None
    try:
        return ObjectId(reference.removeprefix(ATTACHMENT_REFERENCE_PREFIX))
    except InvalidId:
        return None


def _regex_literal(text: str) -> str:
    """`text` as a regular expression matching itself (PCRE and java.util.regex alike: only the
    metacharacters are escaped, each with a backslash before a non-letter)."""
    return "".join("\\" + char if char in REGEX_METACHARACTERS else char for char in text)


REGEX_METACHARACTERS = frozenset("\\^$.|?*+()[]{}/-#")


def _bucket_match(first_day: date, last_day: date, only: Mapping[str, str | None] | None) -> dict[str, Any]:
    match: dict[str, Any] = {"day": {"$gte": first_day.isoformat(), "$lte": last_day.isoformat()}}
    match |= {name: value for name, value in (only or {}).items() if value is not None and name in ind.KEY_FIELDS[1:]}
    return match


def _any_of(identifiers: set[str]) -> dict[str, Any]:
    """Text that contains any of the identifiers (addresses case-blind)."""
    return {"$regex": "|".join(_regex_literal(value) for value in sorted(identifiers)), "$options": "i"}


def case_clauses(where: CaseFilter, *, now: datetime) -> list[dict[str, Any]]:
    """The store query clauses (all must hold) of a case filter."""
    clauses: list[dict[str, Any]] = []
    statuses = where.statuses()
    if statuses is not None:
        clauses.append({"status": {"$in": statuses}})
    for name in ("department", "category", "priority", "channel"):
        if (value := getattr(where, name)) is not None:
            clauses.append({name: value})
    if (customer := where.customer_key()) is not None:
        clauses.append({"customer_keys": customer})
    if where.received_from or where.received_to:
        clauses.append({"received_at": {k: v for k, v in (("$gte", where.received_from), ("$lt", where.received_to)) if v}})
    if (search := where.search_text()):
        clauses.append({"search_text": {"$regex": _regex_literal(search)}})
    if where.overdue is not None:
        # Open, and past its resolve deadline, or still unacknowledged past its acknowledge deadline.
        late = {"$or": [
            {"deadlines.resolve_by": {"$lt": now}},
            {"status": CaseStatus.ASSIGNED.value, "deadlines.acknowledge_by": {"$lt": now}},
        ]}
        open_statuses = sorted(status.value for status in OPEN)
        if where.overdue:
            clauses += [{"status": {"$in": open_statuses}}, late]
        else:
            clauses.append({"$or": [{"status": {"$nin": open_statuses}}, {"$nor": late["$or"]}]})
    return clauses


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
