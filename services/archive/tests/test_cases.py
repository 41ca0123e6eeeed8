"""The case projection: a case is the fold of its timeline along the shared lifecycle."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from archive.domain.cases import merge_timeline, project, timeline_entry
from complaints_shared import events as ev
from complaints_shared import lifecycle

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def entry(data: ev.Contract, hours: float, event_id: str | None = None) -> dict:
    return timeline_entry(ev.envelope(data, source="/t", event_id=event_id or f"e{hours}-{type(data).__name__}", time=at(hours)))


def received(case_id: str = "c") -> dict:
    return entry(ev.ComplaintReceived(case_id=case_id, channel=ev.Channel.EMAIL, text="kettle leaks", received_at=T0), 0, "rcv")


def routed(validity: ev.Validity = ev.Validity.VALID, department: str = "quality", hours: float = 0.01) -> dict:
    data = ev.ComplaintRouted(
        case_id="c", received_event_id="rcv", validity=validity, category="product_quality", department=department,
        priority=ev.Priority.P3, confidence=0.9, rules_version="1", routed_at=at(hours),
        deadlines=ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120), department_reply_by=at(24)),
    )
    return entry(data, hours, f"rt-{hours}")


def update(model, hours: float, **fields) -> dict:
    return entry(model(case_id="c", actor="agent", at=at(hours), **fields), hours)


METHOD = [
    received(),
    routed(),
    update(ev.CaseAcknowledged, 1),
    update(ev.CauseFound, 5, cause="a worn seal"),
    update(ev.RemedyProposed, 6, remedy="replace the kettle"),
    update(ev.RemedyApproved, 7),
    update(ev.CaseResolved, 30, resolution="replaced"),
    update(ev.SatisfactionRecorded, 50, score=4),
    update(ev.CaseClosed, 51),
]


def test_the_method_path_moves_the_status_step_by_step_and_stamps_each_step():
    statuses = [project("c", METHOD[: n + 1])["status"] for n in range(len(METHOD))]
    assert statuses == ["received", "assigned", "acknowledged", "investigating", "remedy_proposed", "remedy_approved",
                        "resolved", "evaluated", "closed"]
    case = project("c", METHOD)
    assert (case["acknowledged_at"], case["cause_found_at"], case["remedy_proposed_at"], case["remedy_approved_at"]) == (
        at(1), at(5), at(6), at(7))
    assert (case["resolved_at"], case["evaluated_at"], case["closed_at"]) == (at(30), at(50), at(51))
    assert case["replied_at"] == at(5)  # the cause found after acknowledging is the departmental reply
    assert (case["cause"], case["satisfaction"], case["version"], case["flagged"]) == ("a worn seal", 4, 9, 0)
    assert case["department"] == "quality" and case["text"] == "kettle leaks"


def test_any_arrival_order_and_any_redelivery_give_the_same_case():
    expected = project("c", METHOD)
    shuffler = random.Random(9)
    for _ in range(30):
        arrivals = METHOD + shuffler.sample(METHOD, 4)  # some delivered twice
        shuffler.shuffle(arrivals)
        timeline: list = []
        for chunk in (arrivals[i : i + 3] for i in range(0, len(arrivals), 3)):  # batches folded one after another
            timeline, _ = merge_timeline(project("c", timeline)["timeline"], chunk)
        assert project("c", timeline) == expected


def test_routing_consumed_after_the_acknowledgement_does_not_pull_the_case_back():
    case = project("c", [received(), update(ev.CaseAcknowledged, 1), routed()])
    assert case["status"] == "acknowledged" and case["flagged"] == 0
    # A later re-judgement refreshes the routing fields, the status stays.
    again = project("c", [received(), routed(), update(ev.CaseAcknowledged, 1), routed(ev.Validity.SPAM, "billing", hours=2)])
    assert again["status"] == "acknowledged" and again["validity"] == "spam"


def test_redelivered_entries_are_not_added_twice():
    timeline, added = merge_timeline(METHOD[:3], METHOD[1:4])
    assert added == 1 and len(timeline) == 4


def test_an_update_that_no_longer_fits_is_kept_and_flagged_with_no_other_effect():
    resolved_early = update(ev.CaseResolved, 3, resolution="replaced")
    case = project("c", METHOD[:3] + [resolved_early])
    assert case["status"] == "acknowledged" and "resolved_at" not in case
    flagged = [e for e in case["timeline"] if "flagged" in e]
    assert [e["event_id"] for e in flagged] == [resolved_early["event_id"]]
    assert "'resolved' is not allowed while the case is 'acknowledged'" in flagged[0]["flagged"]
    assert case["flagged"] == 1 and case["version"] == 4


def _reach(status: lifecycle.CaseStatus) -> list[dict]:
    """A timeline that brings a case to `status`."""
    path = {
        lifecycle.CaseStatus.RECEIVED: 1, lifecycle.CaseStatus.ASSIGNED: 2, lifecycle.CaseStatus.ACKNOWLEDGED: 3,
        lifecycle.CaseStatus.INVESTIGATING: 4, lifecycle.CaseStatus.REMEDY_PROPOSED: 5, lifecycle.CaseStatus.REMEDY_APPROVED: 6,
        lifecycle.CaseStatus.RESOLVED: 7, lifecycle.CaseStatus.EVALUATED: 8, lifecycle.CaseStatus.CLOSED: 9,
    }
    if status == lifecycle.CaseStatus.REJECTED:
        return [received(), routed(ev.Validity.SPAM)]
    if status == lifecycle.CaseStatus.MERGED:
        return [received(), routed(ev.Validity.DUPLICATE)]
    return METHOD[: path[status]]


ACTION_EVENTS = {
    "acknowledged": (ev.CaseAcknowledged, {}), "cause_found": (ev.CauseFound, {"cause": "x"}),
    "remedy_proposed": (ev.RemedyProposed, {"remedy": "x"}), "remedy_approved": (ev.RemedyApproved, {}),
    "remedy_rejected": (ev.RemedyRejected, {"reason": "x"}), "resolved": (ev.CaseResolved, {"resolution": "x"}),
    "satisfaction_recorded": (ev.SatisfactionRecorded, {"score": 3}), "closed": (ev.CaseClosed, {}),
    "reopened": (ev.CaseReopened, {}), "merged": (ev.CaseMerged, {"into_case_id": "other"}),
    "reassigned": (ev.CaseReassigned, {"department": "billing"}), "note_added": (ev.CaseNoteAdded, {"note": "x"}),
    "customer_followed_up": (ev.CustomerFollowedUp, {"text": "x", "channel": ev.Channel.SMS}),
}


@pytest.mark.parametrize("status", list(lifecycle.CaseStatus))
def test_every_action_is_applied_where_the_lifecycle_allows_it_and_flagged_elsewhere(status):
    base = _reach(status)
    assert project("c", base)["status"] == status.value
    for action, (model, fields) in ACTION_EVENTS.items():
        case = project("c", [*base, update(model, 100, **fields)])
        allowed = status in lifecycle.ACTIONS[action].allowed_from
        assert ("flagged" not in case["timeline"][-1]) is allowed, (status, action)
        expected = lifecycle.after(status, action) if allowed else status
        assert case["status"] == expected.value, (status, action)


def test_reassignments_escalations_and_notices_are_kept_on_the_case():
    escalated = ev.CaseEscalated(case_id="c", level=ev.EscalationLevel.SUPERVISOR, deadline="acknowledge", due_at=at(24),
                                 department="quality", escalated_at=at(24.5))
    manager = escalated.model_copy(update={"level": ev.EscalationLevel.MANAGER, "escalated_at": at(30)})
    failed = ev.NotificationFailed(case_id="c", medium="email", recipient_role="quality", template="escalated",
                                   trigger_event_id="x", error="550 mailbox someone@example.com unknown", attempts=3, failed_at=at(25))
    case = project("c", [
        received(), routed(), entry(escalated, 24.5, "esc1"), entry(manager, 30, "esc2"), entry(failed, 25, "n1"),
        update(ev.CaseReassigned, 26, department="billing", category="billing", reason="an invoice"),
    ])
    assert (case["escalations"], case["escalation_level"]) == (2, "manager")
    assert [e["level"] for e in case["escalation_history"]] == ["supervisor", "manager"]
    assert case["notices"] == [{"outcome": "failed", "medium": "email", "recipient_role": "quality", "template": "escalated",
                                "trigger_event_id": "x", "at": at(25)}]  # never the error text
    assert case["corrections"] == [{"at": at(26), "actor": "agent", "reason": "an invoice",
                                     "from": {"department": "quality", "category": "product_quality"},
                                     "to": {"department": "billing", "category": "billing"}}]
    assert (case["department"], case["corrected"], case["status"]) == ("billing", True, "assigned")


def test_a_reopened_case_is_investigated_again_and_counted():
    case = project("c", [*METHOD[:7], update(ev.CaseReopened, 40, reason="leaks again"), update(ev.CauseFound, 41, cause="b")])
    assert (case["status"], case["reopened"], case["reopened_at"]) == ("investigating", 1, at(40))
