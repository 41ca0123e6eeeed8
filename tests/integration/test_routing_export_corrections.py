"""`python -m routing export-corrections` turns staff reassignments into training data through
archive's read API (a real archive app on the real store), never archive's database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from archive.adapters.repository import CaseRepository
from archive.bootstrap import Archive
from archive.settings import ArchiveSettings
from complaints_shared import events as ev
from complaints_shared import mongo
from processes import serving
from routing import replay

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
KEY = "export-test-key"


def test_export_corrections_writes_reassigned_cases_as_labelled_records(backend_env, monkeypatch, tmp_path):
    for name, value in backend_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COMPLAINTS_API_KEY", KEY)
    settings = ArchiveSettings(**backend_env, COMPLAINTS_API_KEY=KEY)

    async def archive_a_corrected_case():
        client = mongo.make_client(settings)
        repository = CaseRepository(mongo.database(client, settings))
        received = ev.ComplaintReceived(case_id="x1", channel=ev.Channel.EMAIL, text="The invoice lists the wrong VAT number.", received_at=NOW)
        await repository.store_event(ev.envelope(received, source="/t"))
        # Staff can move a case only once routing has assigned it (the method's lifecycle).
        routed = ev.ComplaintRouted(
            case_id="x1", received_event_id="r1", validity=ev.Validity.VALID, category="service", department="customer_service",
            priority=ev.Priority.P3, confidence=0.4, rules_version="t", routed_at=NOW,
        )
        await repository.store_event(ev.envelope(routed, source="/t"))
        await repository.store_event(ev.envelope(ev.CaseReassigned(case_id="x1", actor="sup-1", at=NOW, department="billing", category="billing"), source="/t"))
        untouched = ev.ComplaintReceived(case_id="x2", channel=ev.Channel.SMS, text="Late parcel.", received_at=NOW)
        await repository.store_event(ev.envelope(untouched, source="/t"))
        await client.close()

    asyncio.run(archive_a_corrected_case())
    out = tmp_path / "corrections.jsonl"
    with serving(Archive(settings).app()) as url:
        assert replay.main(["export-corrections", str(out), "--archive-url", url]) == 0
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["id"] == "x1" and record["text"].startswith("The invoice")
    assert record["expected"]["department"] == "billing" and record["expected"]["category"] == "billing"
