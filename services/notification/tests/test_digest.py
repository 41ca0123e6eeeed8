"""The daily digest per department: counted from the watch, fired from the timer's heap at the
configured local time, sent once per department and day (the mark in the table)."""

from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from notification import handlers
from notification.domain.digest import DigestPlan, department_counts
from notification.domain.ladder import DEFAULT_LADDER_FILE, LadderConfig, WatchedCase
from notification.entrypoints.clocks import ClockKeeper
from notification.settings import NotificationSettings

NOW = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
LADDER = LadderConfig.load(DEFAULT_LADDER_FILE)
PLAN = DigestPlan.parse("08:00", "Asia/Shanghai")


class FakeNotifier:
    medium = "log"

    def __init__(self):
        self.notices = []

    async def send(self, notice):
        self.notices.append(notice)


def case(case_id: str, department: str, **changes) -> dict:
    base = dict(case_id=case_id, department=department, priority="P3", opened_at=NOW - timedelta(hours=2), routed=True,
                acknowledge_by=NOW + timedelta(hours=2), resolve_by=NOW + timedelta(days=3))
    return WatchedCase(**(base | changes)).to_json()


def test_counts_per_department():
    cases = [WatchedCase.from_json(c) for c in (
        case("a", "quality"),
        case("b", "quality", opened_at=NOW - timedelta(days=3), acknowledge_by=NOW - timedelta(days=2), escalated={"acknowledge": "manager"}),
        case("c", "quality", acknowledged=True, approve_by=NOW + timedelta(hours=3)),
        case("d", "quality", resolved=True),  # kept only for a delivery: not open
        case("e", "billing", acknowledge_by=NOW - timedelta(hours=1), paused_since=NOW - timedelta(hours=3)),  # paused: not overdue
    )]
    assert department_counts(cases, NOW) == {
        "billing": {"new": 1, "open": 1, "overdue": 0, "escalated": 0, "awaiting_approval": 0},
        "quality": {"new": 2, "open": 3, "overdue": 1, "escalated": 1, "awaiting_approval": 1},
    }


def test_the_plan_is_local_time():
    assert PLAN.today(NOW) == datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert PLAN.next_after(NOW) == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    assert PLAN.next_after(NOW - timedelta(hours=1)) == datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert PLAN.day_of(NOW) == "2026-12-04"


async def test_the_timer_publishes_one_digest_per_department_a_day_and_the_agent_sends_it_once(watch):
    fake, works, notifier = FakePublisher(), [], FakeNotifier()
    clock = [NOW - timedelta(hours=1)]  # 07:30 local

    async def publish_work(work):
        works.append(work)

    keeper = ClockKeeper(table=watch, ladder=LADDER, publish=fake.publish, publish_work=publish_work, clock=lambda: clock[0],
                         ready=lambda: True, digest=PLAN)
    with watch.stream_iteration():
        keeper.watch["a"] = case("a", "quality")
        keeper.watch["e"] = case("e", "billing")
    await keeper.tick()
    assert works == [] and keeper.seconds_to_next() == pytest.approx(1.0)  # idle look; the digest is due at 08:00
    clock[0] = NOW
    await keeper.tick()
    assert [(w.department, w.day, w.case_id) for w in works] == [("billing", "2026-12-04", "digest:billing"),
                                                                  ("quality", "2026-12-04", "digest:quality")]
    senders = handlers.Senders([notifier], fake.publish)
    with watch.stream_iteration():
        for work in [*works, *works]:  # redelivered
            await handlers.on_due(work, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
    assert [(n.recipient_role, n.template, n.fields["open"]) for n in notifier.notices] == [
        ("department:billing", "digest", "1"), ("department:quality", "digest", "1")]
    assert notifier.notices[0].notice_id == ev.derived_id("digest", "billing", "2026-12-04")
    assert fake.published == []  # a digest names no case: no NotificationSent
    # A restarted worker (its schedule rebuilt at 08:40) finds both marked: nothing again today.
    clock[0] = NOW + timedelta(minutes=10)
    restarted = ClockKeeper(table=watch, ladder=LADDER, publish=fake.publish, publish_work=publish_work, clock=lambda: clock[0],
                            ready=lambda: True, digest=PLAN)
    await restarted.tick()
    assert len(works) == 2
    clock[0] = datetime(2026, 12, 5, 0, 0, 1, tzinfo=UTC)
    await restarted.tick()
    assert [w.day for w in works[2:]] == ["2026-12-05", "2026-12-05"]


def test_the_digest_settings_are_checked():
    with pytest.raises(ValueError, match="NOTIFICATION_DIGEST_AT"):
        NotificationSettings(digest_at="8 o'clock")
    with pytest.raises(ValueError, match="NOTIFICATION_DIGEST_TIMEZONE"):
        NotificationSettings(digest_at="08:00", digest_timezone="Mars/Olympus")
