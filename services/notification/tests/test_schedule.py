from datetime import UTC, datetime, timedelta

from notification.domain.schedule import Schedule

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_cases_come_due_in_time_order_once_each():
    schedule = Schedule()
    assert schedule.set("b", at(20)) and schedule.set("a", at(10))  # each earlier than all before it
    assert not schedule.set("c", at(30))
    assert schedule.pop_due(at(5)) == []
    assert schedule.pop_due(at(25)) == ["a", "b"]
    assert schedule.pop_due(at(25)) == [] and len(schedule) == 1


def test_a_new_time_supersedes_the_old_one_and_none_cancels():
    schedule = Schedule()
    schedule.set("a", at(10))
    schedule.set("a", at(50))
    schedule.set("b", at(10))
    schedule.set("b", None)
    assert schedule.pop_due(at(20)) == []
    assert schedule.earliest() == at(50).timestamp()
    assert schedule.pop_due(at(50)) == ["a"]


def test_rebuild_replaces_everything():
    schedule = Schedule()
    schedule.set("old", at(1))
    schedule.rebuild([("x", at(3)), ("y", None), ("z", at(2))])
    assert len(schedule) == 2 and schedule.pop_due(at(10)) == ["z", "x"]
