"""The daily digest per department: counted from the watch, fired from the timer's heap at the
configured local time, sent once per department and day (the mark in the table)."""

from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from notification import handlers
from notification.domain.digest import DigestPlan, department_counts
from notification.domain.ladder import DEFAULT_LADDER_FILE, LadderConfig, WatchedCase
from notification.entrypoints.clocks import ClockKeeper, Ownership
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


async def test_the_timer_publishes_the_days_parts_and_the_agent_sends_one_digest_per_department_once(watch):
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
    [part] = works  # one worker owning the one partition: one part, both departments in it
    assert (part.kind, part.case_id, part.day, part.partition, part.partitions) == ("digest_part", "digest:", "2026-12-04", 0, 1)
    assert set(part.departments or {}) == {"billing", "quality"}
    senders = handlers.Senders([notifier], fake.publish)
    with watch.stream_iteration():
        for work in [*works, *works]:  # redelivered
            await handlers.on_due(work, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
    assert [(n.recipient_role, n.template, n.fields["open"]) for n in notifier.notices] == [
        ("department:billing", "digest", "1"), ("department:quality", "digest", "1")]
    assert notifier.notices[0].notice_id == ev.derived_id("digest", "billing", "2026-12-04")
    assert fake.published == []  # a digest names no case: no NotificationSent
    # A restarted worker (its schedule rebuilt at 08:40) publishes its part again; nothing is sent again today.
    clock[0] = NOW + timedelta(minutes=10)
    restarted = ClockKeeper(table=watch, ladder=LADDER, publish=fake.publish, publish_work=publish_work, clock=lambda: clock[0],
                            ready=lambda: True, digest=PLAN)
    await restarted.tick()
    with watch.stream_iteration():
        await handlers.on_due(works[-1], watch=keeper.watch, senders=senders, ladder=LADDER, now=clock[0])
    assert len(notifier.notices) == 2
    clock[0] = datetime(2026, 12, 5, 0, 0, 1, tzinfo=UTC)
    await restarted.tick()
    assert works[-1].day == "2026-12-05"


async def test_two_workers_count_only_their_own_partitions_and_one_digest_adds_them_up(watch):
    """Each worker's table may also hold cases of partitions it does not own (a standby, or
    before a rebalance): counted by their owner only, and one digest per department once every
    partition's part has come."""
    fake, works, notifier = FakePublisher(), [], FakeNotifier()

    async def publish_work(work):
        works.append(work)

    ids = [f"case-{n}" for n in range(10)]
    owners = [Ownership(2, lambda: {0}), Ownership(2, lambda: {1})]
    keepers = [ClockKeeper(table=watch, ladder=LADDER, publish=fake.publish, publish_work=publish_work, clock=lambda: NOW,
                           ready=lambda: True, digest=PLAN, ownership=owner) for owner in owners]
    with watch.stream_iteration():
        for case_id in ids:  # one table holding both partitions: as a worker with a standby does
            watch[case_id] = case(case_id, "quality")
    for keeper in keepers:
        await keeper.tick()
    assert sorted(work.partition for work in works) == [0, 1]
    on_first = sum(owners[0].partition_of(case_id) == 0 for case_id in ids)
    assert 0 < on_first < len(ids)  # the ids fall on both partitions
    assert {work.partition: (work.departments or {})["quality"]["open"] for work in works} == {0: on_first, 1: len(ids) - on_first}
    senders = handlers.Senders([notifier], fake.publish)
    with watch.stream_iteration():
        await handlers.on_due(works[0], watch=watch, senders=senders, ladder=LADDER, now=NOW)
        assert notifier.notices == []  # one partition has not answered yet
        for work in [works[1], *works]:
            await handlers.on_due(work, watch=watch, senders=senders, ladder=LADDER, now=NOW)
    [digest] = notifier.notices
    assert digest.fields["open"] == str(len(ids))


def test_the_digest_settings_are_checked():
    with pytest.raises(ValueError, match="NOTIFICATION_DIGEST_AT"):
        NotificationSettings(digest_at="8 o'clock")
    with pytest.raises(ValueError, match="NOTIFICATION_DIGEST_TIMEZONE"):
        NotificationSettings(digest_at="08:00", digest_timezone="Mars/Olympus")
