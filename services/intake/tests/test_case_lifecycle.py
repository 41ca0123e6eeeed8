"""Intake refuses a case action the case's current state does not allow (issue 9): archive
(a fake of its agreed `GET /v1/cases/{id}`) says where the case stands; the lifecycle says
what it allows."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta

import httpx
import pytest
from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings

from .conftest import API_KEY, NOW

PROBLEM = "application/problem+json"
# One body per action, in the method's order.
BODIES = {
    "acknowledged": {"type": "acknowledged", "actor": "agent-7"},
    "cause_found": {"type": "cause_found", "actor": "agent-7", "cause": "A faulty batch of seals."},
    "remedy_proposed": {"type": "remedy_proposed", "actor": "agent-7", "remedy": "Replace the kettle."},
    "remedy_approved": {"type": "remedy_approved", "actor": "sup-1"},
    "remedy_rejected": {"type": "remedy_rejected", "actor": "sup-1", "reason": "Refund instead."},
    "resolved": {"type": "resolved", "actor": "agent-7", "resolution": "Kettle replaced."},
    "satisfaction_recorded": {"type": "satisfaction_recorded", "actor": "agent-7", "score": 4},
    "closed": {"type": "closed", "actor": "agent-7"},
    "reopened": {"type": "reopened", "actor": "agent-7", "reason": "Leaks again."},
    "merged": {"type": "merged", "actor": "agent-7", "into_case_id": "case-0"},
    "reassigned": {"type": "reassigned", "actor": "sup-1", "department": "quality"},
    "note_added": {"type": "note_added", "actor": "agent-7", "note": "Called the customer."},
    "customer_followed_up": {"type": "customer_followed_up", "actor": "customer", "text": "Any news?", "channel": "email"},
    "escalation_acknowledged": {"type": "escalation_acknowledged", "actor": "sup-1", "level": "supervisor", "deadline": "acknowledge"},
    "customer_info_requested": {"type": "customer_info_requested", "actor": "agent-7", "question": "Which batch is on the box?"},
    "customer_info_received": {"type": "customer_info_received", "actor": "agent-7", "note": "Batch B-12, by phone."},
}
METHOD_PATH = ["acknowledged", "cause_found", "remedy_proposed", "remedy_approved", "resolved", "satisfaction_recorded", "closed"]
REFUSED = [
    pytest.param(status, action, id=f"{status.value}-{action}")
    for status in CaseStatus
    for action in lifecycle.ACTIONS
    if status not in lifecycle.ACTIONS[action].allowed_from
]


def test_every_action_has_a_body():
    assert set(BODIES) == set(lifecycle.ACTIONS)


async def post(client, action: str, case_id: str = "case-1", **headers) -> httpx.Response:
    return await client.post(f"/v1/cases/{case_id}/events", json=BODIES[action], headers=headers)


@pytest.mark.parametrize("archive_lags", [False, True], ids=["archive-keeps-up", "archive-lags"])
async def test_the_method_end_to_end_through_intake(client, publisher, archive, archive_lags):
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    for expected_version, action in enumerate(METHOD_PATH, start=3):
        response = await post(client, action, **{"If-Match": f'"{expected_version - 1}"'})
        assert response.status_code == 202, (action, response.text)
        assert response.json()["case_version"] == expected_version
        if not archive_lags:
            archive.catch_up(publisher.events)
    assert [event.type for event in publisher.events] == [f"org.complaints.case.{a}.v1" for a in METHOD_PATH]
    archive.catch_up(publisher.events)
    assert archive.cases["case-1"] == (CaseStatus.CLOSED, 9)
    # Closed: only reopening, a note or the customer writing again.
    refused = await post(client, "acknowledged")
    assert refused.status_code == 409
    assert refused.json()["allowed_actions"] == ["reopened", "note_added", "customer_followed_up"]


async def test_a_rejected_remedy_goes_back_to_the_department_and_a_reopened_case_is_investigated(client, publisher, archive):
    archive.add("case-1", CaseStatus.REMEDY_PROPOSED)
    for action in ("remedy_rejected", "remedy_proposed", "remedy_approved", "resolved", "reopened", "cause_found"):
        assert (await post(client, action)).status_code == 202, action
    archive.catch_up(publisher.events)
    assert archive.cases["case-1"][0] is CaseStatus.INVESTIGATING


async def test_an_unknown_case_is_a_404_problem_and_nothing_is_published(client, publisher, archive):
    response = await post(client, "note_added", case_id="no-such-case")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM
    assert publisher.events == []


@pytest.mark.parametrize(("status", "action"), REFUSED)
async def test_every_action_the_state_does_not_allow_is_a_409_naming_the_state(client, publisher, archive, status, action):
    archive.add("case-1", status, version=5)
    response = await post(client, action)
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["current_status"] == status.value
    assert problem["allowed_actions"] == lifecycle.allowed_actions(status)
    assert problem["action"] == action
    assert response.headers["etag"] == '"5"'
    assert publisher.events == []


@pytest.mark.parametrize("status", list(CaseStatus))
async def test_a_customer_follow_up_is_allowed_in_every_state(client, publisher, archive, status):
    archive.add("case-1", status)
    assert (await post(client, "customer_followed_up")).status_code == 202
    assert len(publisher.events) == 1


@pytest.mark.parametrize("if_match", ['"7"', '"3", "7"', "*"])
async def test_if_match_naming_the_current_version_is_let_through(client, archive, if_match):
    archive.add("case-1", CaseStatus.ASSIGNED, version=7)
    response = await post(client, "acknowledged", **{"If-Match": if_match})
    assert response.status_code == 202, response.text
    assert response.json()["case_version"] == 8


@pytest.mark.parametrize("if_match", ['"6"', 'W/"7"', '"seven"'])
async def test_a_stale_if_match_is_a_412_and_nothing_is_published(client, publisher, archive, if_match):
    archive.add("case-1", CaseStatus.ASSIGNED, version=7)
    response = await post(client, "acknowledged", **{"If-Match": if_match})
    assert response.status_code == 412, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["etag"] == '"7"'
    assert response.json()["current_version"] == 7
    assert publisher.events == []


async def test_a_malformed_if_match_is_a_422_naming_the_header(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    response = await post(client, "acknowledged", **{"If-Match": "7"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["header.if-match"]
    assert publisher.events == []


async def test_two_people_acting_at_once_one_wins_the_other_gets_412(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    first, second = await asyncio.gather(
        post(client, "acknowledged", **{"If-Match": '"2"'}), post(client, "note_added", **{"If-Match": '"2"'})
    )
    assert sorted([first.status_code, second.status_code]) == [202, 412]
    assert len(publisher.events) == 1


async def test_the_same_action_twice_at_once_is_recorded_once(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    answers = await asyncio.gather(*(post(client, "acknowledged") for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [202, 409, 409, 409, 409]
    assert len(publisher.events) == 1


async def test_a_retry_under_its_idempotency_key_gets_the_first_answer_though_the_case_moved_on(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    key = {"Idempotency-Key": "tool-42"}
    first = await post(client, "acknowledged", **key)
    archive.catch_up(publisher.events)
    again = await post(client, "acknowledged", **key)
    assert first.status_code == again.status_code == 202, again.text
    assert again.json()["event_id"] == first.json()["event_id"]
    assert len(publisher.events) == 1


# --- archive's lag: intake's memory of its own updates ----------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


async def lagging_client(publisher, archive, clock, **settings):
    app = bootstrap(
        IntakeSettings(COMPLAINTS_API_KEY=API_KEY, **settings), publisher=publisher, case_states=archive.client(), clock=clock
    )
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake", headers={"Authorization": f"Bearer {API_KEY}"}
    )


async def test_intake_remembers_its_own_update_only_until_the_memory_expires(publisher, archive):
    clock = Clock()
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    async with await lagging_client(publisher, archive, clock, case_state_memory_seconds=30) as client:
        assert (await post(client, "acknowledged")).status_code == 202
        clock.now += timedelta(seconds=29)
        assert (await post(client, "cause_found")).status_code == 202  # archive still says assigned
        clock.now += timedelta(seconds=30)
        # Archive never applied them (lost? another intake?): its word counts again.
        refused = await post(client, "remedy_proposed")
    assert refused.status_code == 409
    assert refused.json()["current_status"] == "assigned"


async def test_once_archive_catches_up_its_answer_counts_even_if_others_moved_the_case(publisher, archive):
    clock = Clock()
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    async with await lagging_client(publisher, archive, clock) as client:
        assert (await post(client, "acknowledged")).status_code == 202
        archive.catch_up(publisher.events)
        archive.add("case-1", CaseStatus.MERGED, version=4)  # meanwhile routing judged it a duplicate
        refused = await post(client, "cause_found")
    assert refused.status_code == 409
    assert refused.json()["current_status"] == "merged"


async def test_a_notice_that_archive_applied_first_does_not_pass_for_intakes_update(publisher, archive):
    # Archive's version counts notification's events too: one applied before intake's update
    # brings the version to the number intake expects while the status is still the old one.
    clock = Clock()
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    async with await lagging_client(publisher, archive, clock) as client:
        assert (await post(client, "acknowledged")).status_code == 202
        archive.notice("case-1")
        assert (await post(client, "cause_found")).status_code == 202  # archive still says assigned, at version 3
        archive.catch_up(publisher.events)
        archive.notice("case-1")
        assert (await post(client, "remedy_proposed")).status_code == 202
    assert [type(event.data).__name__ for event in publisher.events] == ["CaseAcknowledged", "CauseFound", "RemedyProposed"]


async def test_without_memory_a_quick_second_action_meets_archive_lag(publisher, archive):
    clock = Clock()
    archive.add("case-1", CaseStatus.ASSIGNED, version=2)
    async with await lagging_client(publisher, archive, clock, case_state_memory_seconds=0) as client:
        assert (await post(client, "acknowledged")).status_code == 202
        assert (await post(client, "cause_found")).status_code == 409


# --- archive away or not as agreed ------------------------------------------------------------


@pytest.mark.parametrize("failure", ["unreachable", 500, 401, 503])
async def test_archive_unavailable_is_a_503_with_retry_after_and_nothing_is_published(client, publisher, archive, failure):
    archive.add("case-1", CaseStatus.ASSIGNED)
    if failure == "unreachable":
        archive.unreachable = True
    else:
        archive.status_code = failure
    response = await post(client, "acknowledged")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert int(response.headers["retry-after"]) > 0
    assert publisher.events == []


# --- roles and scoped keys on case actions ----------------------------------------------------

AGENT_KEY, SUPERVISOR_KEY = "agent-tool-key", "supervisor-tool-key"


def scoped(name: str, key: str, **rights) -> dict:
    return {"name": name, "sha256": hashlib.sha256(key.encode()).hexdigest(), **rights}


@pytest.fixture
async def staff(publisher, archive, monkeypatch):
    keys = [scoped("agents", AGENT_KEY, roles=["agent"], actions=["*"]),
            scoped("supervisors", SUPERVISOR_KEY, roles=["supervisor"], actions=["*"])]
    monkeypatch.setenv("COMPLAINTS_API_KEYS", json.dumps(keys))
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, case_states=archive.client())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as http:
        yield http


@pytest.mark.parametrize("action", ["remedy_approved", "remedy_rejected"])
async def test_approving_or_rejecting_a_remedy_needs_the_supervisor_role(staff, publisher, archive, action):
    archive.add("case-1", CaseStatus.REMEDY_PROPOSED)
    refused = await post(staff, action, Authorization=f"Bearer {AGENT_KEY}")
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["missing_right"] == "role:supervisor"
    assert archive.lookups == 0  # refused before asking archive
    assert publisher.events == []
    assert (await post(staff, action, Authorization=f"Bearer {SUPERVISOR_KEY}")).status_code == 202


async def test_an_agent_key_takes_the_agent_steps(staff, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    assert (await post(staff, "acknowledged", Authorization=f"Bearer {AGENT_KEY}")).status_code == 202
