"""How long an indicators query takes over the roll-ups of a million cases (target < 200 ms).

Makes N synthetic cases spread over a year (10 departments with 2 categories each, 5 channels,
4 priorities, realistic shares acknowledged, resolved, escalated, reopened, scored), folds each
into its roll-up contribution with archive's own code (`domain.indicators.contribution`, the
same counts the consumer `$inc`s), writes the buckets (and the cause roll-ups) to the store, then
times `CaseRepository.indicators` (the code behind GET /v1/analytics/indicators, top causes
included) for several ranges and groupings: the median and the slowest of the repeats.

    MONGODB_URL=mongodb://127.0.0.1:37017 .venv/bin/python bench/archive_indicators.py [--cases 1000000]

Each run uses its own database (dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from archive.adapters.repository import ROLLUP_COLLECTIONS, ROLLUP_PREFIXES, CaseRepository
from archive.domain import indicators as ind
from archive.settings import ArchiveSettings
from complaints_shared import mongo
from pymongo import InsertOne

START = datetime(2025, 11, 1, tzinfo=UTC)
DEPARTMENTS = [f"dept-{n}" for n in range(10)]
CHANNELS = ["email", "web", "phone", "sms", "letter"]
PRIORITIES = ["P1", "P2", "P3", "P4"]
CAUSES = [f"cause {n}" for n in range(40)]


def synthetic_case(rng: random.Random) -> dict[str, Any]:
    received_at = START + timedelta(seconds=rng.randrange(365 * 86400))
    department = rng.choice(DEPARTMENTS)
    at = lambda hours: received_at + timedelta(hours=hours)  # noqa: E731
    case: dict[str, Any] = {
        "received_at": received_at, "department": department, "category": f"{department}-cat-{rng.randrange(2)}",
        "channel": rng.choice(CHANNELS), "priority": rng.choice(PRIORITIES),
        "validity": rng.choices(["valid", "follow_up", "spam", "duplicate"], [86, 6, 5, 3])[0],
        "deadlines": {"acknowledge_by": at(24), "resolve_by": at(120), "department_reply_by": at(24)},
        "status": "acknowledged", "escalations": int(rng.random() < 0.1), "reopened": int(rng.random() < 0.04),
    }
    if rng.random() < 0.9:
        case["acknowledged_at"] = at(rng.lognormvariate(1.5, 1.0))
        case["replied_at"] = at(rng.lognormvariate(2.5, 0.8))
    if rng.random() < 0.7:
        case["cause"] = rng.choice(CAUSES)
    if rng.random() < 0.6:
        case["resolved_at"], case["status"] = at(rng.lognormvariate(3.8, 0.7)), "resolved"
        if rng.random() < 0.5:
            case["satisfaction"], case["status"] = rng.randint(1, 5), "evaluated"
    return case


def roll_up(cases: int, seed: int) -> dict[str, dict[str, Any]]:
    rng = random.Random(seed)
    deltas: dict[str, dict[str, Any]] = {}
    for _ in range(cases):
        ind.add_difference(deltas, None, ind.contribution(synthetic_case(rng)))
    return deltas


async def write_buckets(repository: CaseRepository, deltas: dict[str, dict[str, Any]], *, collections: tuple[str, ...]) -> dict[str, int]:
    """The documents archive's `$inc` upserts would leave, inserted in bulk (the same ids and fields)."""
    buckets: dict[str, list[InsertOne]] = {name: [] for name in collections}
    for bucket_id, bucket in deltas.items():
        prefix, name = next((p, n) for p, n in ROLLUP_PREFIXES if bucket_id.startswith(p))
        if name not in buckets:
            continue
        key = bucket["key"]
        document = {"_id": bucket_id.removeprefix(prefix), **key, "month": key.get("month") or key["day"][:7], **ind.nonzero(bucket["inc"])}
        buckets[name].append(InsertOne(document))
    for name, writes in buckets.items():
        for start in range(0, len(writes), 10_000):
            await repository.db[name].bulk_write(writes[start : start + 10_000], ordered=False)
    return {name: len(writes) for name, writes in buckets.items()}


async def timed(repository: CaseRepository, repeats: int, **query: Any) -> list[float]:
    await repository.indicators(**query)  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await repository.indicators(**query)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--summaries-only", action="store_true",
                        help="write only the summaries the measured queries read (the fine buckets of a million cases take the "
                             "local store tens of minutes to insert; the filtered top causes query then reads none)")
    args = parser.parse_args()
    settings = ArchiveSettings(MONGODB_DATABASE=f"bench_ind_{uuid.uuid4().hex[:8]}")
    client = mongo.make_client(settings)
    repository = CaseRepository(mongo.database(client, settings))
    try:
        await repository.ensure_indexes()
        started = time.perf_counter()
        deltas = roll_up(args.cases, args.seed)
        folded = time.perf_counter() - started
        started = time.perf_counter()
        collections = ("rollup_summaries", "cause_summaries") if args.summaries_only else ROLLUP_COLLECTIONS
        counts = await write_buckets(repository, deltas, collections=collections)
        written = time.perf_counter() - started
        print(f"{args.cases:,} cases -> " + ", ".join(f"{n:,} {name}" for name, n in counts.items())
              + f" (folded in {folded:.1f} s, written in {written:.1f} s)")
        month = (date(2026, 9, 1), date(2026, 9, 30))
        year = (date(2025, 11, 1), date(2026, 10, 31))
        cases = [
            ("a month by department", month, "department", None),
            ("a month by day", month, "day", None),
            ("a month, one department, by day", month, "day", {"department": "dept-3"}),
            ("the same without top causes", month, "day", {"department": "dept-3"}),
            ("a quarter by channel", (date(2026, 7, 1), date(2026, 9, 30)), "channel", None),
            ("the whole year by month", year, "month", None),
            ("the whole year by department", year, "department", None),
        ]
        print(f"{'query (top causes included)':<36} {'fine buckets':>12} {'read':>6} {'median ms':>10} {'max ms':>8}")
        for label, (first, last), group_by, only in cases:
            with_causes = not label.endswith("without top causes")
            times = await timed(repository, args.repeats, first_day=first, last_day=last, group_by=group_by, only=only,
                                with_causes=with_causes)
            fine = await repository.rollups.count_documents({"day": {"$gte": first.isoformat(), "$lte": last.isoformat()}, **(only or {})})
            summary = ind.summary_match(first, last, group_by, only or {})
            read = await repository.rollup_summaries.count_documents(summary) if summary else fine
            print(f"{label:<36} {fine:>12,} {read:>6,} {statistics.median(times):>10.1f} {max(times):>8.1f}")
    finally:
        await client.drop_database(settings.mongodb_database)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
