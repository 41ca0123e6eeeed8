"""Roll-ups exactly once when the archive stops anywhere in a batch (issue 9): a store that fails
right after one of `store_batch`'s writes, the batch delivered again (by the same process, or by a
restarted one), and the roll-ups compared with a rebuild's: the same events stored once into an
empty database. On a real MongoDB-wire store."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from archive.adapters.repository import APPLIED, ROLLUP_COLLECTIONS, CaseRepository
from archive.bootstrap import Archive
from archive.domain.indicators import SUMMED
from archive.settings import ArchiveSettings
from complaints_shared import events as ev

pytestmark = pytest.mark.integration
_spec = importlib.util.spec_from_file_location("archive_scenario", Path(__file__).with_name("test_archive_indicators.py"))
scenario_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenario_module)

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)


class StoreDied(ConnectionError):
    """The process died (kill -9, the store went away) right after one of the batch's writes."""


def dying_after(repository: CaseRepository, step: str, *, calls: int = 1) -> None:
    """Make `step` (a write of store_batch) do its work `calls` times, then fail right after."""
    real = getattr(repository, step)
    done = 0

    async def step_then_die(*args, **kwargs):
        nonlocal done
        result = await real(*args, **kwargs)
        done += 1
        if done == calls:
            setattr(repository, step, real)  # what runs after the "restart" is the real code
            raise StoreDied(f"died after {step}")
        return result

    setattr(repository, step, step_then_die)


async def rollups(repository: CaseRepository) -> dict[str, list[dict]]:
    """Every roll-up bucket with its counts (zeros left out, as a bucket every case left), not
    which batches moved it."""
    found = {}
    for name in ROLLUP_COLLECTIONS:
        counters = ("cases",) if name.startswith("cause") else SUMMED
        documents = await repository.db[name].find({}, {APPLIED: 0}).sort("_id", 1).to_list(None)
        found[name] = [{k: v for k, v in doc.items() if v != 0} for doc in documents if any(doc.get(n) for n in counters)]
    return found


async def indicators(repository: CaseRepository) -> list[dict]:
    return [await repository.indicators(first_day=FIRST, last_day=LAST, group_by=group_by, use_summaries=summaries)
            for group_by in ("department", "category", "channel", "day") for summaries in (True, False)]


async def stored_once(repository: CaseRepository, events: list[ev.Event]) -> CaseRepository:
    """The events stored once, into an empty database of its own (what a rebuild makes of them)."""
    other = CaseRepository(repository.db.client[f"{repository.db.name}_rebuilt"])
    await other.ensure_indexes()
    for start in range(0, len(events), 7):
        await other.store_batch(events[start : start + 7])
    return other


@pytest.fixture
async def rebuilt(repository):
    yield await stored_once(repository, scenario_module.scenario())
    await repository.db.client.drop_database(f"{repository.db.name}_rebuilt")


def batches() -> list[list[ev.Event]]:
    """The scenario in four batches, each touching most cases (so later batches refold cases an
    interrupted one wrote, twice)."""
    events = scenario_module.scenario()
    return [events[0::4], events[1::4], events[2::4], events[3::4]]


# Each write of store_batch, and how far into it the store dies.
CRASH_POINTS = [
    pytest.param("_fold_cases", 1, id="after-the-case-writes"),
    pytest.param("_upsert_buckets", 1, id="after-the-first-roll-up-collection"),
    pytest.param("_upsert_buckets", 3, id="after-three-roll-up-collections"),
    pytest.param("_roll_up", 1, id="after-every-roll-up"),
]


@pytest.mark.parametrize(("step", "calls"), CRASH_POINTS)
async def test_the_same_process_retrying_the_batch_moves_the_rollups_once(repository, rebuilt, step, calls):
    first, second, third, fourth = batches()
    await repository.store_batch(first)
    dying_after(repository, step, calls=calls)
    with pytest.raises(StoreDied):
        await repository.store_batch(second)
    await repository.store_batch(second)  # the consumer's retry: the same records again
    await repository.store_batch(third)
    await repository.store_batch(fourth)

    assert await rollups(repository) == await rollups(rebuilt)
    assert await indicators(repository) == await indicators(rebuilt)
    assert await repository.rollup_batches.count_documents({}) == 0  # none left unfinished


@pytest.mark.parametrize(("step", "calls"), CRASH_POINTS)
async def test_a_restarted_process_recovers_what_the_dead_one_left_pending(repository, rebuilt, step, calls):
    """The process dies (kill -9) mid-batch; a new one gets the batch again, and the next one,
    which refolds the same cases while the dead batch's deltas are still pending; at start-up (or
    its periodic sweep) once they are old enough, it applies them, once."""
    first, second, third, fourth = batches()
    await repository.store_batch(first)
    dying_after(repository, step, calls=calls)
    with pytest.raises(StoreDied):
        await repository.store_batch(second)

    restarted = CaseRepository(repository.db)  # knows nothing of the dead process's batches
    await restarted.store_batch(second)  # redelivered: nothing new in the timelines
    await restarted.store_batch(third)
    await restarted.store_batch(fourth)
    if step in ("_fold_cases", "_upsert_buckets"):
        # The dead batch is too young to be taken over yet (it could be a slow writer still at work).
        assert await rollups(restarted) != await rollups(rebuilt)
    await restarted.recover_stale_rollups(older_than=0)

    assert await rollups(restarted) == await rollups(rebuilt)
    assert await indicators(restarted) == await indicators(rebuilt)
    assert await restarted.rollup_batches.count_documents({}) == 0
    assert await restarted.rollup_batches.count_documents({}) == 0
    await restarted.recover_stale_rollups(older_than=0)  # again: nothing moves twice
    assert await rollups(restarted) == await rollups(rebuilt)


async def test_a_later_batch_touching_the_case_recovers_a_dead_batch_once_it_is_old(repository, rebuilt):
    first, second, third, fourth = batches()
    await repository.store_batch(first)
    dying_after(repository, "_upsert_buckets", calls=2)
    with pytest.raises(StoreDied):
        await repository.store_batch(second)
    # The dead writer's batch started an hour ago (longer ago than rollup_recovery_after).
    assert await repository.rollup_batches.count_documents({}) == 1
    await repository.rollup_batches.update_many({}, {"$set": {"at": ev.utcnow() - timedelta(hours=1)}})

    restarted = CaseRepository(repository.db)
    await restarted.store_batch(second)
    await restarted.store_batch(third)
    await restarted.store_batch(fourth)

    assert await rollups(restarted) == await rollups(rebuilt)
    assert await indicators(restarted) == await indicators(rebuilt)
    assert await restarted.rollup_batches.count_documents({}) == 0


async def test_the_archive_starting_up_recovers_a_dead_batch_before_consuming(repository, backend_env):
    first, second, *_ = batches()
    await repository.store_batch(first)
    dying_after(repository, "_fold_cases")
    with pytest.raises(StoreDied):
        await repository.store_batch(second)
    await repository.rollup_batches.update_many({}, {"$set": {"at": ev.utcnow() - timedelta(hours=1)}})
    try:
        clean = await stored_once(repository, first + second)
        settings = ArchiveSettings(**backend_env, consumer_group=f"archive-{backend_env['MONGODB_DATABASE']}")
        async with Archive(settings).lifespan(None):  # type: ignore[arg-type]
            assert await repository.rollup_batches.count_documents({}) == 0
            assert await rollups(repository) == await rollups(clean)
    finally:
        await repository.db.client.drop_database(f"{repository.db.name}_rebuilt")


async def test_a_recovery_that_fails_does_not_fail_the_batch_and_is_tried_again(repository, rebuilt):
    first, second, third, fourth = batches()
    await repository.store_batch(first)
    dying_after(repository, "_fold_cases")
    with pytest.raises(StoreDied):
        await repository.store_batch(second)
    real = repository.recover_batches

    async def store_gone_again(batches: set[str]) -> None:
        repository.recover_batches = real  # type: ignore[method-assign]
        raise StoreDied("the store went away again")

    repository.recover_batches = store_gone_again  # type: ignore[method-assign]
    await repository.store_batch(second)  # stored all the same; the dead batch is still to recover
    assert len(repository.unfinished_batches) == 1
    await repository.store_batch(third)
    await repository.store_batch(fourth)

    assert repository.unfinished_batches == set()
    assert await rollups(repository) == await rollups(rebuilt)
