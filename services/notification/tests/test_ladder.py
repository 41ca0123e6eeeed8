from datetime import UTC, datetime, timedelta

from complaints_shared import events as ev
from notification.domain.ladder import WatchedCase, apply_update, due_escalations, has_reached, mark_escalated

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MANAGER_AFTER = timedelta(hours=4)


def watched(**changes) -> WatchedCase:
    base = dict(case_id="c1", department="quality", priority="P2", acknowledge_by=T0 + timedelta(hours=4),
                resolve_by=T0 + timedelta(hours=48), department_reply_by=T0 + timedelta(hours=24))
    return WatchedCase(**(base | changes))


def test_nothing_due_before_the_deadline():
    assert due_escalations(watched(), T0 + timedelta(hours=3), manager_after=MANAGER_AFTER) == []


def test_slipped_acknowledgement_goes_to_the_supervisor_then_the_manager():
    case = watched()
    first = due_escalations(case, T0 + timedelta(hours=5), manager_after=MANAGER_AFTER)
    assert [(e.deadline, e.level) for e in first] == [("acknowledge", ev.EscalationLevel.SUPERVISOR)]
    case = mark_escalated(case, first)
    assert due_escalations(case, T0 + timedelta(hours=6), manager_after=MANAGER_AFTER) == []  # once per rung
    later = due_escalations(case, T0 + timedelta(hours=8), manager_after=MANAGER_AFTER)
    assert [(e.deadline, e.level) for e in later] == [("acknowledge", ev.EscalationLevel.MANAGER)]
    case = mark_escalated(case, later)
    assert due_escalations(case, T0 + timedelta(hours=9), manager_after=MANAGER_AFTER) == []


def test_acknowledged_case_escalates_only_on_the_departmental_reply_and_resolution():
    case = apply_update(watched(), ev.CaseAcknowledged(case_id="c1", actor="a", at=T0))
    due = due_escalations(case, T0 + timedelta(hours=25), manager_after=MANAGER_AFTER)
    assert [e.deadline for e in due] == ["department_reply"]
    replied = apply_update(case, ev.RemedyProposed(case_id="c1", actor="a", at=T0, remedy="replace it"))
    assert due_escalations(replied, T0 + timedelta(hours=25), manager_after=MANAGER_AFTER) == []


def test_resolved_case_is_no_longer_watched_and_json_round_trips():
    assert apply_update(watched(), ev.CaseResolved(case_id="c1", actor="a", at=T0, resolution="refund")) is None
    case = mark_escalated(watched(), due_escalations(watched(), T0 + timedelta(hours=5), manager_after=MANAGER_AFTER))
    assert WatchedCase.from_json(case.to_json()) == case


def test_a_rung_counts_as_reached_at_or_above_it():
    case = watched(escalated={"acknowledge": "manager", "resolve": "supervisor"})
    assert has_reached(case, "acknowledge", ev.EscalationLevel.SUPERVISOR)
    assert has_reached(case, "acknowledge", ev.EscalationLevel.MANAGER)
    assert has_reached(case, "resolve", ev.EscalationLevel.SUPERVISOR)
    assert not has_reached(case, "resolve", ev.EscalationLevel.MANAGER)
    assert not has_reached(case, "department_reply", ev.EscalationLevel.SUPERVISOR)
