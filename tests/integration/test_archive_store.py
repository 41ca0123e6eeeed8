"""Archive's repository against a real MongoDB-wire server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from archive.adapters.repository import IDS_PER_READ, CaseRepository, case_write_guard
from archive.domain.listing import CaseFilter
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def received(case_id: str) -> ev.Event:
    data = ev.ComplaintReceived(case_id=case_id, channel=ev.Channel.EMAIL, text="kettle leaks", received_at=T0,
                                customer=ev.CustomerContact(email="x@example.com"))
    return ev.envelope(data, source="/intake", event_id=f"rcv-{case_id}", time=T0)


def routed(case_id: str, *, ack_hours: float = 24, validity=ev.Validity.VALID) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id=f"rcv-{case_id}", validity=validity, category="product_quality",
        department="quality", priority=ev.Priority.P3, confidence=0.9, rules_version="t", routed_at=T0,
        deadlines=ev.Deadlines(acknowledge_by=T0 + timedelta(hours=ack_hours), resolve_by=T0 + timedelta(days=5)),
    )
    return ev.envelope(data, source="/routing", event_id=f"rt-{case_id}", time=T0 + timedelta(seconds=1))


def update(model, case_id: str, hours: float, **fields) -> ev.Event:
    data = model(case_id=case_id, actor="agent", at=T0 + timedelta(hours=hours), **fields)
    return ev.envelope(data, source="/intake", time=T0 + timedelta(hours=hours))


async def test_events_are_stored_once_and_projected_onto_the_case(repository):
    assert await repository.store_event(received("c1")) is True
    assert await repository.store_event(received("c1")) is False  # redelivery
    await repository.store_event(routed("c1"))
    await repository.store_event(routed("c1"))
    case = await repository.get_case("c1")
    assert [e["event_id"] for e in case["timeline"]] == ["rcv-c1", "rt-c1"]
    assert (case["status"], case["department"], case["priority"], case["version"]) == ("assigned", "quality", "P3", 2)
    assert case["contact"] == {"email": "x@example.com"}


async def test_routing_arriving_after_staff_acted_does_not_pull_the_status_back(repository):
    await repository.store_event(received("c2"))
    await repository.store_event(update(ev.CaseAcknowledged, "c2", 1))
    await repository.store_event(routed("c2"))  # the routed topic lagged behind
    case = await repository.get_case("c2")
    assert case["status"] == "acknowledged"
    assert case["department"] == "quality"


async def test_routed_before_received_still_makes_one_complete_case(repository):
    await repository.store_event(routed("c3"))
    await repository.store_event(received("c3"))
    case = await repository.get_case("c3")
    assert case["status"] == "assigned" and case["text"] == "kettle leaks"
    assert [e["event_id"] for e in case["timeline"]] == ["rcv-c3", "rt-c3"]  # sorted by time


async def test_summary_reports_answer_resolution_and_timeliness(repository):
    # c4 acknowledged in time and resolved; c5 acknowledged late; c6 unanswered; spam is ignored.
    for case_id in ("c4", "c5", "c6"):
        await repository.store_event(received(case_id))
        await repository.store_event(routed(case_id, ack_hours=2))
    await repository.store_event(received("spam"))
    await repository.store_event(routed("spam", validity=ev.Validity.SPAM))
    await repository.store_event(update(ev.CaseAcknowledged, "c4", 1))
    await repository.store_event(update(ev.CauseFound, "c4", 5, cause="seal"))
    await repository.store_event(update(ev.RemedyProposed, "c4", 6, remedy="replace"))
    await repository.store_event(update(ev.RemedyApproved, "c4", 7))
    await repository.store_event(update(ev.CaseResolved, "c4", 20, resolution="replaced"))
    await repository.store_event(update(ev.SatisfactionRecorded, "c4", 30, score=4))
    await repository.store_event(update(ev.CaseAcknowledged, "c5", 3))
    summary = await repository.summary()
    overall = summary["overall"]
    assert overall["cases"] == 3
    assert overall["answer_rate"] == round(2 / 3, 4)
    assert overall["resolution_rate"] == round(1 / 3, 4)
    assert overall["acknowledged_on_time_rate"] == 0.5
    assert overall["resolved_on_time_rate"] == 1.0
    assert overall["satisfaction_avg"] == 4.0
    assert summary["by_department"]["quality"]["cases"] == 3
    assert summary["by_status"]["rejected"] == 1


async def test_list_filters_and_pages(repository):
    for n in range(5):
        await repository.store_event(received(f"l{n}"))
        await repository.store_event(routed(f"l{n}"))
    cases = await repository.list_cases(where=CaseFilter(department="quality", status=CaseStatus.ASSIGNED), limit=3, skip=0)
    assert len(cases) == 3 and all("text" not in c and "timeline" not in c and "search_text" not in c for c in cases)


async def test_raw_records_are_kept_verbatim_once(repository):
    kwargs = dict(topic="complaints.raw.v1", partition=2, offset=41, key=b"k", timestamp_ms=1_795_000_000_000)
    assert await repository.store_raw(value=b'{"channel": "sms", "text": "late"}', **kwargs) is True
    assert await repository.store_raw(value=b'{"channel": "sms", "text": "late"}', **kwargs) is False
    assert await repository.store_raw(value=b"\xff\xfe", **(kwargs | {"offset": 42})) is True
    stored = await repository.raw_inbound.find_one({"_id": "complaints.raw.v1/2/42"})
    assert stored["encoding"] == "base64"


async def test_two_archive_processes_writing_the_same_cases_lose_no_event(repository):
    """Two processes own different topics' partitions of the same cases: each write is guarded by the
    version it read, so the one that loses the race reads and folds again; no event is lost."""
    other = CaseRepository(repository.db)
    ids = [f"race-{n}" for n in range(40)]
    complaints = [received(case_id) for case_id in ids]
    decisions = [routed(case_id) for case_id in ids]
    actions = [update(ev.CaseAcknowledged, case_id, 1) for case_id in ids] + [update(ev.CaseNoteAdded, case_id, 2, note="n")
                                                                             for case_id in ids]
    for _round in range(3):  # the same events again: redeliveries change nothing
        await asyncio.gather(*(store.store_batch(batch) for store, batch in
                               ((repository, complaints), (other, decisions), (repository, actions[:40]), (other, actions[40:]))))
    for case_id in ids:
        case = await repository.get_case(case_id)
        assert (len(case["timeline"]), case["version"], case["status"]) == (4, 4, "acknowledged"), case_id


async def test_the_case_write_guard_is_served_by_a_unique_index(repository):
    """The local store (mongo-java-server) uses an index only when the query's fields are exactly a
    unique index's keys, and scans the collection otherwise: a guard on _id and version without that
    index made each case write cost a scan, and archiving slower with every case stored."""
    indexes = await repository.cases.index_information()
    unique_keys = [{field for field, _ in index["key"]} for index in indexes.values() if index.get("unique") or index["key"] == [("_id", 1)]]
    assert set(case_write_guard("c1", 3)) in unique_keys
    assert case_write_guard("c1", None) == {"_id": "c1", "version": None}


async def test_the_version_moves_on_with_each_event_also_after_an_erasure(repository):
    """The erasure moves the version on by one (a writer holding the case as read cannot write
    it back); the next event must move it on again, or a client's If-Match on the erased case's
    ETag would still pass on the changed case."""
    await repository.store_batch([received("c1"), routed("c1")])
    record = await repository.plan_erasure("x@example.com", requested_by="dpo", at=T0 + timedelta(hours=2))
    await repository.apply_erasure(record)
    erased = await repository.get_case("c1")
    await repository.store_batch([update(ev.CaseAcknowledged, "c1", 3)])
    acknowledged = await repository.get_case("c1")
    assert (erased["version"], acknowledged["version"]) == (3, 4)
    assert "x@example.com" not in str(acknowledged) and acknowledged["status"] == "acknowledged"


async def test_a_batch_of_more_cases_than_one_read_takes_finds_every_stored_case(repository):
    """Cases are read IDS_PER_READ ids a query: a batch touching 2.5 reads' worth of stored cases
    folds every one onto what was stored (no case taken for new, no timeline cut)."""
    ids = [f"many-{n}" for n in range(int(IDS_PER_READ * 2.5))]
    await repository.store_batch([event for case_id in ids for event in (received(case_id), routed(case_id))])
    await repository.store_batch([update(ev.CaseAcknowledged, case_id, 1) for case_id in ids])
    stored = {case["_id"]: case async for case in repository.cases.find({"_id": {"$in": ids}}, {"status": 1, "version": 1})}
    assert len(stored) == len(ids)
    assert {(case["status"], case["version"]) for case in stored.values()} == {("acknowledged", 3)}
