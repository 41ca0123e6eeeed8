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
