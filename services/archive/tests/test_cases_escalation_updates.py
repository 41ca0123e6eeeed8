"""The case projection and the escalation ladder's later rungs and updates: the director, the
approve-by clock, acknowledged escalations and the case waiting on its customer."""

from datetime import UTC, datetime, timedelta

from archive.domain.cases import project, timeline_entry
from archive.domain.indicators import contribution
from complaints_shared import events as ev

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def entry(data: ev.Contract, hours: float, event_id: str) -> dict:
    return timeline_entry(ev.envelope(data, source="/t", event_id=event_id, time=at(hours)))


def base() -> list[dict]:
    received = ev.ComplaintReceived(case_id="c", channel=ev.Channel.EMAIL, text="kettle leaks", received_at=T0)
    routed = ev.ComplaintRouted(
        case_id="c", received_event_id="rcv", validity=ev.Validity.VALID, category="product_quality", department="quality",
        priority=ev.Priority.P3, confidence=0.9, rules_version="1", routed_at=at(0.01),
        deadlines=ev.Deadlines(acknowledge_by=at(24), resolve_by=at(120)),
    )
    return [entry(received, 0, "rcv"), entry(routed, 0.01, "rt")]


def escalated(level: ev.EscalationLevel, deadline: str, hours: float) -> ev.CaseEscalated:
    return ev.CaseEscalated(case_id="c", level=level, deadline=deadline, due_at=at(hours), department="quality", escalated_at=at(hours))


def test_director_and_approve_escalations_count_as_escalations():
    case = project("c", [*base(), entry(escalated(ev.EscalationLevel.MANAGER, "approve", 30), 30, "e1"),
                         entry(escalated(ev.EscalationLevel.DIRECTOR, "approve", 54), 54, "e2")])
    assert (case["escalations"], case["escalation_level"]) == (2, "director")
    assert [(e["deadline"], e["level"]) for e in case["escalation_history"]] == [("approve", "manager"), ("approve", "director")]
    assert contribution(case)["counts"]["escalated"] == 1


def staff(model, hours: float, event_id: str, **fields) -> dict:
    return entry(model(case_id="c", actor="agent", at=at(hours), **fields), hours, event_id)


def test_an_acknowledged_escalation_is_on_the_timeline_and_leaves_the_status():
    taken = staff(ev.EscalationAcknowledged, 25, "ack", level=ev.EscalationLevel.SUPERVISOR, deadline="acknowledge")
    case = project("c", [*base(), entry(escalated(ev.EscalationLevel.SUPERVISOR, "acknowledge", 24), 24, "e1"), taken])
    assert case["status"] == "assigned" and case["flagged"] == 0
    assert case["timeline"][-1]["data"]["level"] == "supervisor" and case["version"] == 4


def test_the_case_awaits_the_customer_until_they_answer_or_staff_record_the_answer():
    asked = staff(ev.CustomerInfoRequested, 2, "q1", question="Which batch number is on the box?")
    waiting = project("c", [*base(), staff(ev.CaseAcknowledged, 1, "a"), asked])
    assert (waiting["status"], waiting["awaiting_customer"], waiting["awaiting_customer_since"]) == ("acknowledged", True, at(2))
    answered = entry(ev.CustomerFollowedUp(case_id="c", actor="customer", at=at(5), text="B-1234", channel=ev.Channel.EMAIL), 5, "f1")
    case = project("c", [*base(), staff(ev.CaseAcknowledged, 1, "a"), asked, answered,
                         staff(ev.CustomerInfoRequested, 6, "q2", question="A photo?"), staff(ev.CustomerInfoReceived, 7, "r2", note="by phone")])
    assert (case["status"], case["awaiting_customer"], case["awaited_customer_seconds"]) == ("acknowledged", False, 4 * 3600.0)
    # Refused once the case is resolved (not open): kept on the timeline, flagged.
    late = project("c", [*base(), *(staff(model, h, f"m{h}", **f) for model, h, f in (
        (ev.CaseAcknowledged, 1, {}), (ev.CauseFound, 2, {"cause": "seal"}), (ev.RemedyProposed, 3, {"remedy": "lid"}),
        (ev.RemedyApproved, 4, {}), (ev.CaseResolved, 5, {"resolution": "lid sent"}))), staff(ev.CustomerInfoRequested, 6, "q", question="?")])
    assert late["flagged"] == 1 and "awaiting_customer" not in late
