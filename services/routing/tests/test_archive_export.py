"""export-corrections reads archive's API (never its database): the walk over the case list
gives every case once, whatever the page size and however many cases share an instant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from routing import replay
from routing.adapters.archive_api import ArchiveCases

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
KEY = "k-test"


def fake_archive(cases: list[dict]) -> httpx.MockTransport:
    """GET /v1/cases (newest first, received_to exclusive, limit, skip) and /v1/cases/{id}, as
    archive's read API answers them, behind the bearer key."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return httpx.Response(401, json={"title": "missing or wrong bearer key"})
        if request.url.path == "/v1/cases":
            q = request.url.params
            rows = sorted(cases, key=lambda c: c["received_at"], reverse=True)
            if "received_to" in q:
                rows = [c for c in rows if c["received_at"] < datetime.fromisoformat(q["received_to"])]
            skip, limit = int(q.get("skip", 0)), int(q.get("limit", 50))
            page = [{k: v for k, v in c.items() if k != "text"} | {"received_at": c["received_at"].isoformat()}
                    for c in rows[skip : skip + limit]]
            return httpx.Response(200, json={"cases": page, "limit": limit, "skip": skip})
        case_id = request.url.path.rsplit("/", 1)[1]
        [case] = [c for c in cases if c["case_id"] == case_id]
        return httpx.Response(200, json=case | {"received_at": case["received_at"].isoformat()})

    return httpx.MockTransport(handle)


def many_cases() -> list[dict]:
    cases = []
    for i in range(57):
        at = T0 - timedelta(minutes=i // 7)  # seven cases share each instant
        cases.append({"case_id": f"c-{i:03d}", "received_at": at, "channel": "email", "language": "en", "subject": None,
                      "customer_tier": None, "text": f"complaint {i}", "department": "billing", "category": "billing",
                      "priority": "P3", "corrected": i % 5 == 0})
    return cases


def archive_of(cases: list[dict], page_size: int) -> ArchiveCases:
    client = httpx.AsyncClient(transport=fake_archive(cases), base_url="http://archive", headers={"Authorization": f"Bearer {KEY}"})
    return ArchiveCases(client, page_size=page_size)


@pytest.mark.parametrize("page_size", [1, 3, 7, 10, 100])
async def test_every_case_once_whatever_the_page_size(page_size):
    cases = many_cases()
    archive = archive_of(cases, page_size)
    seen = [c["case_id"] async for c in archive.overviews()]
    await archive.aclose()
    assert sorted(seen) == sorted(c["case_id"] for c in cases)
    assert len(seen) == len(set(seen))


async def test_export_writes_the_corrected_cases_with_their_text(tmp_path):
    cases = many_cases()
    cases.append({"case_id": "no-text", "received_at": T0, "department": "quality", "corrected": True, "text": None})
    archive = archive_of(cases, 10)
    out = tmp_path / "corrections.jsonl"
    written = await replay.export_corrections(archive, out)
    await archive.aclose()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert written == len(records) == 12  # c-000, c-005, ... c-055; the case without text is skipped
    assert {r["id"] for r in records} == {f"c-{i:03d}" for i in range(0, 57, 5)}
    first = next(r for r in records if r["id"] == "c-000")
    assert first == {"id": "c-000", "channel": "email", "language": "en", "customer_tier": "standard", "subject": "",
                     "text": "complaint 0", "expected": {"department": "billing", "category": "billing", "priority": "P3"}}


def test_the_commands_hold_no_database_client():
    with open(replay.__file__, encoding="utf-8") as source:
        assert "complaints_shared import mongo" not in source.read()
