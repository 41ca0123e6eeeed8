"""The routed deadlines say which clock each runs on (`Deadlines.working_time`), so that
notification can move a paused deadline by the working time the pause lasted."""

from datetime import UTC, datetime

from routing.domain.deadlines import DeadlinePolicy

RECEIVED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai


def test_each_deadline_carries_the_clock_of_the_rule_that_set_it():
    policy = DeadlinePolicy.from_config()
    # P2 runs on the business clock; the quality rule's departmental reply is 24 h around the clock.
    quality = policy.deadlines_for(priority="P2", category="product_quality", received_at=RECEIVED)
    assert quality.department_reply_by is not None
    assert set(quality.working_time) == {"acknowledge", "resolve"}
    # Warranty repairs: within 7 calendar days, earlier than P4's 10 working days: the rule's clock wins.
    repair = policy.deadlines_for(priority="P4", category="warranty_repair", received_at=RECEIVED)
    assert repair.working_time == ("acknowledge",)
    # P1 runs around the clock: nothing in working time.
    assert policy.deadlines_for(priority="P1", category="product_quality", received_at=RECEIVED).working_time == ()
    # A category without rules keeps the priority's clock for all its deadlines.
    assert set(policy.deadlines_for(priority="P3", category="billing", received_at=RECEIVED).working_time) == {"acknowledge", "resolve"}
