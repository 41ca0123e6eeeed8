from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.business_calendar import BusinessCalendar
from notification.domain.ladder import (
    DEFAULT_LADDER_FILE,
    LadderConfig,
    WatchedCase,
    apply_update,
    due_escalations,
    has_reached,
    mark_escalated,
    next_due,
)
from pydantic import ValidationError

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LADDER = LadderConfig.load(DEFAULT_LADDER_FILE)


def watched(**changes) -> WatchedCase:
    base = dict(case_id="c1", department="quality", priority="P2", opened_at=T0, acknowledge_by=T0 + timedelta(hours=4),
                resolve_by=T0 + timedelta(hours=48), department_reply_by=T0 + timedelta(hours=24), routed=True)
    return WatchedCase(**(base | changes))


def due(case: WatchedCase, hours: float) -> list[tuple[str, str]]:
    return [(e.deadline, e.level) for e in due_escalations(case, T0 + timedelta(hours=hours), ladder=LADDER)]


def test_nothing_due_before_the_warning_and_the_warning_at_80_percent():
    assert due(watched(), 3.1) == []
    assert next_due(watched(), ladder=LADDER) == T0 + timedelta(hours=3.2)
    assert due(watched(), 3.2) == [("acknowledge", "agent")]


def test_slipped_acknowledgement_climbs_supervisor_manager_director_once_each():
    case = watched(department_reply_by=None, resolve_by=T0 + timedelta(hours=96))
    case = mark_escalated(case, due_escalations(case, T0 + timedelta(hours=3.5), ladder=LADDER))
    assert due(case, 3.9) == []  # once per rung
    steps = [(4, "supervisor"), (8, "manager"), (32, "director")]
    for hours, level in steps:
        assert next_due(case, ladder=LADDER) == T0 + timedelta(hours=hours)
        found = due_escalations(case, T0 + timedelta(hours=hours), ladder=LADDER)
        assert [(e.deadline, e.level) for e in found if e.deadline == "acknowledge"] == [("acknowledge", level)]
        case = mark_escalated(case, [e for e in found if e.deadline == "acknowledge"])
    assert next_due(case, ladder=LADDER) == T0 + timedelta(hours=96)
    assert due(case, 96) == [("resolve", "manager")]


def test_a_case_found_late_gets_only_the_highest_rung_due():
    assert due(watched(), 10) == [("acknowledge", "manager")]


def test_p1_reaches_the_manager_at_once_and_a_key_account_rule_can_apply_per_department():
    assert due(watched(priority="P1"), 0) == [("acknowledge", "manager")]
    assert due(watched(priority="P1"), 25) == [("acknowledge", "director"), ("department_reply", "supervisor")]


def test_resolve_deadline_goes_to_the_manager():
    case = apply_update(watched(department_reply_by=None), ev.CaseAcknowledged(case_id="c1", actor="a", at=T0), ladder=LADDER)
    assert due(case, 48) == [("resolve", "manager")]


def test_acknowledging_stops_the_acknowledge_ladder_and_a_remedy_the_departmental_reply():
    case = apply_update(watched(), ev.CaseAcknowledged(case_id="c1", actor="a", at=T0), ladder=LADDER)
    assert due(case, 25) == [("department_reply", "supervisor")]
    proposed = apply_update(case, ev.RemedyProposed(case_id="c1", actor="a", at=T0 + timedelta(hours=2), remedy="replace it"), ladder=LADDER)
    assert proposed.approve_by == T0 + timedelta(hours=26)
    assert due(proposed, 25) == []
    # An unanswered approval escalates like any other deadline.
    assert due(proposed, 26) == [("approve", "manager")]
    approved = apply_update(proposed, ev.RemedyApproved(case_id="c1", actor="s", at=T0 + timedelta(hours=3)), ladder=LADDER)
    assert due(approved, 26) == []


def test_resolving_stops_every_clock_and_json_round_trips():
    resolved = apply_update(watched(), ev.CaseResolved(case_id="c1", actor="a", at=T0, resolution="refund"), ladder=LADDER)
    assert resolved is not None and due(resolved, 100) == [] and next_due(resolved, ladder=LADDER) is None
    assert apply_update(watched(), ev.CaseClosed(case_id="c1", actor="a", at=T0), ladder=LADDER) is None
    case = mark_escalated(watched(), due_escalations(watched(), T0 + timedelta(hours=5), ladder=LADDER))
    assert WatchedCase.from_json(case.to_json()) == case


def test_a_rung_counts_as_reached_at_or_above_it():
    case = watched(escalated={"acknowledge": "manager", "resolve": "supervisor"})
    assert has_reached(case, "acknowledge", "supervisor") and has_reached(case, "acknowledge", "manager")
    assert has_reached(case, "resolve", "supervisor") and not has_reached(case, "resolve", "manager")
    assert not has_reached(case, "department_reply", "supervisor")


def test_rules_override_the_default_per_department_and_priority():
    ladder = LadderConfig.model_validate({
        "default": {"acknowledge": [{"level": "supervisor", "at": 1.0}]},
        "rules": [{"departments": ["packaging"], "clocks": {"acknowledge": [{"level": "agent", "at": 0.5}, {"level": "supervisor", "after": "PT1H"}]}}],
    })
    assert [r.level for r in ladder.rungs("acknowledge", department="packaging", priority="P3")] == ["agent", "supervisor"]
    assert [r.level for r in ladder.rungs("acknowledge", department="quality", priority="P3")] == ["supervisor"]


@pytest.mark.parametrize("config, problem", [
    ({"default": {}, "surprise": 1}, "Extra inputs are not permitted"),
    ({"default": {"acknowledge": [{"level": "boss", "at": 1}]}}, "level"),
    ({"default": {"acknowledge": [{"level": "supervisor", "at": 1, "after": "PT1H"}]}}, "either `at`"),
    ({"default": {"acknowledge": [{"level": "manager", "at": 1}, {"level": "supervisor", "after": "PT1H"}]}}, "must climb"),
    ({"default": {"acknowledge": [{"level": "manager", "after": "PT1H"}]}}, "first rung needs `at`"),
])
def test_the_ladder_file_is_validated(config, problem):
    with pytest.raises(ValidationError, match=problem):
        LadderConfig.model_validate(config)


def test_an_acknowledged_escalation_stops_that_clock_only_and_a_new_proposal_starts_the_approve_ladder_again():
    case = mark_escalated(watched(), due_escalations(watched(), T0 + timedelta(hours=4), ladder=LADDER))
    assert case.escalated == {"acknowledge": "supervisor"}
    taken = apply_update(case, ev.EscalationAcknowledged(case_id="c1", actor="sup-1", at=T0 + timedelta(hours=4.5),
                                                         level=ev.EscalationLevel.SUPERVISOR, deadline="acknowledge"), ladder=LADDER)
    assert due(case, 8) == [("acknowledge", "manager")]
    assert due(taken, 8) == [] and due(taken, 40) == [("department_reply", "manager")]
    assert next_due(taken, ladder=LADDER) == T0 + timedelta(hours=24)  # the departmental reply's supervisor
    assert WatchedCase.from_json(taken.to_json()) == taken
    proposed = apply_update(taken, ev.RemedyProposed(case_id="c1", actor="a", at=T0, remedy="a lid"), ladder=LADDER)
    approve_taken = apply_update(proposed, ev.EscalationAcknowledged(case_id="c1", actor="m", at=T0, level=ev.EscalationLevel.MANAGER,
                                                                     deadline="approve"), ladder=LADDER)
    assert ("approve", "manager") not in due(approve_taken, 24.5)
    again = apply_update(approve_taken, ev.RemedyProposed(case_id="c1", actor="a", at=T0 + timedelta(hours=25), remedy="a refund"), ladder=LADDER)
    assert ("approve", "manager") in due(again, 49) and again.escalation_acknowledged == {"acknowledge": "supervisor"}


def test_clocks_pause_while_the_case_waits_on_the_customer_and_move_on_by_the_pause():
    asked = apply_update(watched(), ev.CustomerInfoRequested(case_id="c1", actor="a", at=T0 + timedelta(hours=1), question="Batch?"),
                         ladder=LADDER)
    assert asked.paused_since == T0 + timedelta(hours=1)
    assert due(asked, 100) == [] and next_due(asked, ladder=LADDER) is None
    again = apply_update(asked, ev.CustomerInfoRequested(case_id="c1", actor="a", at=T0 + timedelta(hours=2), question="A photo?"), ladder=LADDER)
    assert again.paused_since == T0 + timedelta(hours=1)  # asked twice: paused since the first question
    answered = apply_update(again, ev.CustomerFollowedUp(case_id="c1", actor="customer", at=T0 + timedelta(hours=11), text="B-12",
                                                         channel=ev.Channel.EMAIL), ladder=LADDER)
    assert answered.paused_since is None and WatchedCase.from_json(answered.to_json()) == answered
    # Paused 10 h: every window moved on by 10 h (the 80 % warning of the 4 h window at 13.2 h).
    assert (answered.acknowledge_by, answered.resolve_by) == (T0 + timedelta(hours=14), T0 + timedelta(hours=58))
    assert next_due(answered, ladder=LADDER) == T0 + timedelta(hours=13.2)
    assert due(answered, 14) == [("acknowledge", "supervisor")]
    # Staff recording the answer resume them too.
    received = apply_update(asked, ev.CustomerInfoReceived(case_id="c1", actor="a", at=T0 + timedelta(hours=3)), ladder=LADDER)
    assert received.acknowledge_by == T0 + timedelta(hours=6)


def test_the_approval_clock_keeps_running_while_the_customer_is_asked():
    proposed = apply_update(watched(acknowledged=True, replied=True),
                            ev.RemedyProposed(case_id="c1", actor="a", at=T0, remedy="a lid"), ladder=LADDER)
    asked = apply_update(proposed, ev.CustomerInfoRequested(case_id="c1", actor="a", at=T0, question="Address?"), ladder=LADDER)
    assert due(asked, 24) == [("approve", "manager")]


OFFICE = BusinessCalendar.from_values(timezone="UTC", working_days=["mon", "tue", "wed", "thu", "fri"], start="09:00", end="18:00")
BUSINESS_LADDER = {"default": {"acknowledge": [{"level": "supervisor", "at": 1.0},
                                               {"level": "manager", "after": "PT4H", "after_business": True},
                                               {"level": "director", "after": "PT4H"}]}}


def test_after_business_counts_only_working_time_of_the_calendar():
    ladder = LadderConfig.model_validate(BUSINESS_LADDER).with_calendar(OFFICE)
    friday = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    case = watched(opened_at=friday, acknowledge_by=friday + timedelta(hours=8), department_reply_by=None,
                   resolve_by=friday + timedelta(days=30), escalated={"acknowledge": "supervisor"})
    # The supervisor at 17:00 on Friday; 4 working hours later is Monday 12:00; the director 4 h (wall clock) after that.
    assert next_due(case, ladder=ladder) == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    manager = mark_escalated(case, due_escalations(case, datetime(2026, 12, 7, 12, 0, tzinfo=UTC), ladder=ladder))
    assert manager.escalated == {"acknowledge": "manager"}
    assert next_due(manager, ladder=ladder) == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert due_escalations(case, datetime(2026, 12, 4, 21, 0, tzinfo=UTC), ladder=ladder) == []  # wall clock would say 21:00


def test_a_ladder_counting_working_time_needs_a_calendar():
    with pytest.raises(ValueError, match="NOTIFICATION_CALENDAR_FILE"):
        LadderConfig.model_validate(BUSINESS_LADDER).with_calendar(None)
    assert LADDER.with_calendar(None).calendar is None
    with pytest.raises(ValidationError, match="goes with `after`"):
        LadderConfig.model_validate({"default": {"acknowledge": [{"level": "supervisor", "at": 1.0, "after_business": True}]}})


def test_a_pause_moves_a_working_time_deadline_by_the_working_time_it_lasted():
    """Asked at 17:00 on Tuesday, answered at 10:00 on Wednesday: 17 hours passed, two of them
    working hours. The acknowledge deadline (working time, Tuesday 18:00: one working hour was
    left) moves by two working hours to Wednesday 11:00; the resolve deadline, counted around
    the clock, moves by the 17 hours."""
    case = watched(acknowledge_by=T0 + timedelta(hours=9), working_time=["acknowledge"])
    ladder = LADDER.with_calendar(OFFICE)
    asked = apply_update(case, ev.CustomerInfoRequested(case_id="c1", actor="a", at=T0 + timedelta(hours=8), question="Batch?"), ladder=ladder)
    answered = apply_update(asked, ev.CustomerInfoReceived(case_id="c1", actor="a", at=T0 + timedelta(hours=25)), ladder=ladder)
    assert answered.acknowledge_by == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert answered.resolve_by == T0 + timedelta(hours=48 + 17)
    assert WatchedCase.from_json(answered.to_json()) == answered
    # Without the calendar every deadline moves by the time the pause lasted.
    plain = apply_update(apply_update(case, ev.CustomerInfoRequested(case_id="c1", actor="a", at=T0 + timedelta(hours=8), question="?"),
                                      ladder=LADDER), ev.CustomerInfoReceived(case_id="c1", actor="a", at=T0 + timedelta(hours=25)), ladder=LADDER)
    assert plain.acknowledge_by == T0 + timedelta(hours=9 + 17)


def test_the_routed_deadlines_say_which_run_in_working_time():
    routed = ev.ComplaintRouted(
        case_id="c1", received_event_id="r1", validity=ev.Validity.VALID, category="quality", department="quality",
        priority=ev.Priority.P2, confidence=0.9, rules_version="t", routed_at=T0,
        deadlines=ev.Deadlines(acknowledge_by=T0 + timedelta(hours=4), resolve_by=T0 + timedelta(days=2), working_time=("acknowledge", "resolve")),
    )
    watchedcase = WatchedCase.from_routed(routed)
    assert watchedcase is not None and watchedcase.working_time == ["acknowledge", "resolve"]
