"""Case actions beside the method's steps: acknowledging an escalation leaves the case where it
stands (allowed in every open status, refused once the case is resolved)."""

from __future__ import annotations

import pytest
from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus

TAKEN = {"type": "escalation_acknowledged", "actor": "sup-1", "level": "manager", "deadline": "approve"}


@pytest.mark.parametrize("status", sorted(lifecycle.OPEN))
async def test_an_escalation_is_acknowledged_in_any_open_status_and_the_status_stays(client, publisher, archive, status):
    archive.add("case-1", status, version=5)
    response = await client.post("/v1/cases/case-1/events", json=TAKEN)
    assert response.status_code == 202, response.text
    [event] = publisher.events
    assert isinstance(event.data, ev.EscalationAcknowledged)
    assert (event.data.level, event.data.deadline, event.data.actor) == (ev.EscalationLevel.MANAGER, "approve", "sup-1")
    archive.catch_up(publisher.events)
    assert archive.cases["case-1"] == (status, 6)


async def test_acknowledging_an_escalation_of_a_resolved_case_is_refused_and_a_bad_deadline_named(client, archive):
    archive.add("case-1", CaseStatus.RESOLVED)
    refused = await client.post("/v1/cases/case-1/events", json=TAKEN)
    assert refused.status_code == 409 and "escalation_acknowledged" not in refused.json()["allowed_actions"]
    archive.add("case-2", CaseStatus.ASSIGNED)
    bad = await client.post("/v1/cases/case-2/events", json=TAKEN | {"deadline": "lunch"})
    assert bad.status_code == 422 and "deadline" in bad.text
