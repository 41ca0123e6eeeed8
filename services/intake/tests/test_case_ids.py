"""Case ids in the path: only ids the answer can carry are accepted, and nothing is published
before the answer is formed (issue 8, defect 4)."""

from __future__ import annotations

import uuid

import pytest
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus
from pydantic import ValidationError

UPDATE = {"type": "acknowledged", "actor": "agent-7"}


@pytest.mark.parametrize(
    "raw_id",
    [
        "%E2%80%AEx",  # right-to-left override: Location cannot carry it
        "%FF%FE",  # not UTF-8
        "a%00b",  # NUL: used to drop the connection
        "%20%20",  # blank: used to become the empty case id
        "a%0A",  # trailing newline
        "-leading-dash",
        "x" * 129,
    ],
)
async def test_unusable_case_id_is_422_naming_it_and_nothing_is_published(client, publisher, raw_id):
    response = await client.post(f"/v1/cases/{raw_id}/events", json=UPDATE)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["path.case_id"]
    assert publisher.events == []


@pytest.mark.parametrize("case_id", [str(uuid.uuid4()), ev.derived_id("case", "sms", "x"), "case-1", "CRM:7.a_b", "x" * 128])
async def test_ids_the_system_makes_are_accepted_and_answered(client, publisher, archive, case_id):
    archive.add(case_id, CaseStatus.ASSIGNED)
    response = await client.post(f"/v1/cases/{case_id}/events", json=UPDATE)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/cases/{case_id}"
    [event] = publisher.events
    assert event.data.case_id == case_id == event.subject
    assert event.id == response.json()["event_id"]


def test_event_contracts_refuse_unusable_case_ids_too():
    with pytest.raises(ValidationError):
        ev.CaseAcknowledged(case_id="  ", actor="a", at=ev.utcnow())
    with pytest.raises(ValidationError):
        ev.CaseAcknowledged(case_id="a\nb", actor="a", at=ev.utcnow())
