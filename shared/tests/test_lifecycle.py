"""The method's state machine: the path it prescribes, the shortcuts it refuses, no dead ends."""

from __future__ import annotations

import pytest
from complaints_shared.lifecycle import (
    ACTIONS,
    OPEN,
    STEP_OF,
    CaseStatus,
    Role,
    Step,
    TransitionRefused,
    after,
    allowed_actions,
    status_after_judgement,
)

METHOD_PATH = ["acknowledged", "cause_found", "remedy_proposed", "remedy_approved", "resolved", "satisfaction_recorded", "closed"]


def walk(status: CaseStatus, actions: list[str]) -> CaseStatus:
    for action in actions:
        status = after(status, action)
    return status


def test_the_methods_path_takes_a_valid_complaint_through_every_step_to_closed():
    status = status_after_judgement("valid")
    steps = [STEP_OF[status]]
    for action in METHOD_PATH:
        status = after(status, action)
        steps.append(STEP_OF[status])
    assert status is CaseStatus.CLOSED
    assert steps == sorted(steps), "the path never goes back a step"
    assert set(steps) == set(Step) - {Step.RECORDED, Step.JUDGED}


@pytest.mark.parametrize(
    ("actions", "refused", "status"),
    [
        ([], "resolved", CaseStatus.ASSIGNED),  # resolved before anyone acknowledged
        (["acknowledged"], "remedy_approved", CaseStatus.ACKNOWLEDGED),  # approved, never proposed
        (["acknowledged"], "remedy_proposed", CaseStatus.ACKNOWLEDGED),  # a remedy before the cause
        (["acknowledged", "cause_found", "remedy_proposed"], "resolved", CaseStatus.REMEDY_PROPOSED),  # not approved
        (["acknowledged", "cause_found"], "satisfaction_recorded", CaseStatus.INVESTIGATING),
        ([], "acknowledged", CaseStatus.ASSIGNED),
    ],
)
def test_shortcuts_are_refused_naming_the_status_and_what_is_allowed(actions, refused, status):
    current = walk(CaseStatus.ASSIGNED, actions)
    if refused == "acknowledged":  # the one allowed here: twice is refused
        current = after(current, "acknowledged")
        status = CaseStatus.ACKNOWLEDGED
    with pytest.raises(TransitionRefused) as refusal:
        after(current, refused)
    assert refusal.value.status is status
    assert refusal.value.allowed == allowed_actions(status)
    assert status.value in str(refusal.value) and refused in str(refusal.value)


def test_a_rejected_remedy_goes_back_to_the_department_and_can_be_proposed_again():
    status = walk(CaseStatus.ASSIGNED, ["acknowledged", "cause_found", "remedy_proposed", "remedy_rejected"])
    assert status is CaseStatus.INVESTIGATING
    assert walk(status, ["remedy_proposed", "remedy_approved", "resolved"]) is CaseStatus.RESOLVED


def test_only_a_supervisor_approves_or_rejects():
    assert {name for name, a in ACTIONS.items() if a.role is Role.SUPERVISOR} == {"remedy_approved", "remedy_rejected"}


def test_reopen_after_resolution_and_not_before():
    for status in (CaseStatus.RESOLVED, CaseStatus.EVALUATED, CaseStatus.CLOSED):
        assert after(status, "reopened") is CaseStatus.INVESTIGATING
    for status in OPEN | {CaseStatus.RECEIVED}:
        with pytest.raises(TransitionRefused):
            after(status, "reopened")


def test_judgement_places_the_case():
    assert status_after_judgement("spam") is CaseStatus.REJECTED
    assert status_after_judgement("invalid") is CaseStatus.REJECTED
    assert status_after_judgement("duplicate") is CaseStatus.MERGED
    assert status_after_judgement("follow_up") is CaseStatus.ASSIGNED


def reachable_from(starts: set[CaseStatus]) -> set[CaseStatus]:
    seen, todo = set(starts), list(starts)
    while todo:
        status = todo.pop()
        for name in allowed_actions(status):
            nxt = ACTIONS[name].target(status)
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_status_is_reachable_and_none_is_a_dead_end():
    judged = {status_after_judgement(v) for v in ("valid", "spam", "duplicate")}
    assert judged | reachable_from(judged) | {CaseStatus.RECEIVED} == set(CaseStatus)
    # from every status but `received` (which routing's judgement moves on) the case can be closed
    for status in set(CaseStatus) - {CaseStatus.RECEIVED}:
        assert CaseStatus.CLOSED in reachable_from({status}) | {status}, f"{status} cannot reach closed"


def test_notes_are_allowed_everywhere_and_change_nothing():
    for status in CaseStatus:
        assert after(status, "note_added") is status


def test_unknown_action_is_a_key_error():
    with pytest.raises(KeyError):
        after(CaseStatus.ASSIGNED, "teleported")
