"""Faust agent tests with `test_context()` (no broker, a real table) and handler tests with the
`watch` fake, which refuses writes outside stream iteration as a Faust table does."""

from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from notification import handlers
from notification.bootstrap import bootstrap
from notification.settings import NotificationSettings

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class FakeNotifier:
    medium = "log"

    def __init__(self, fail=False):
        self.sent, self.fail = [], fail

    async def send(self, notice):
        if self.fail:
            raise ConnectionError("smtp down")
        self.sent.append((notice.case_id, notice.recipient_role, notice.template))


def routed_event(case_id="case-1", validity=ev.Validity.VALID, acknowledge_in=timedelta(hours=1)) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id="r1", validity=validity, category="product_quality", department="quality",
        priority=ev.Priority.P1, confidence=0.9, rules_version="t", routed_at=NOW,
        deadlines=ev.Deadlines(acknowledge_by=NOW + acknowledge_in, resolve_by=NOW + timedelta(hours=24)),
    )
    return ev.envelope(data, source="/test", event_id=f"routed-{case_id}")


@pytest.fixture
def service():
    notifier = FakeNotifier()
    notification = bootstrap(NotificationSettings(COMPLAINTS_TOPIC_PREFIX="unit."), notifiers=[notifier], clock=lambda: NOW)
    app = notification.app
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    fake = FakePublisher()
    # The agents hold the publisher they were registered with; swap its producer-facing methods.
    notification.publisher.publish = fake.publish
    notification.publisher.publish_acknowledged = fake.publish
    notification.publisher.dead_letter = fake.dead_letter
    return notification, fake, notifier


async def test_routed_case_is_watched_and_its_department_notified(service):
    notification, fake, notifier = service
    async with notification.agents.watch_routed.test_context() as agent:
        await agent.put(ev.encode(routed_event()), key=b"case-1")
    assert notifier.sent == [("case-1", "department:quality", "case_assigned")]
    [(sent, _id)] = fake.published
    assert isinstance(sent, ev.NotificationSent) and sent.trigger_event_id == "routed-case-1"


async def test_spam_is_not_watched(service):
    notification, fake, notifier = service
    async with notification.agents.watch_routed.test_context() as agent:
        await agent.put(ev.encode(routed_event("case-2", ev.Validity.SPAM)), key=b"case-2")
    assert notifier.sent == [] and fake.published == []


async def test_undecodable_record_is_dead_lettered_and_the_stream_goes_on(service):
    notification, fake, notifier = service
    async with notification.agents.watch_routed.test_context() as agent:
        # A dead-lettered record yields nothing, so don't wait on it; the next one proves the
        # agent kept going.
        await agent.put(b'{"type": "nonsense"}', key=b"x", wait=False)
        await agent.put(ev.encode(routed_event("case-3")), key=b"case-3")
    assert len(fake.dead) == 1 and fake.dead[0].startswith("type:")
    assert notifier.sent == [("case-3", "department:quality", "case_assigned")]


def escalation_events(fake: FakePublisher) -> list[ev.Event]:
    return [event for event in fake.events if isinstance(event.data, ev.CaseEscalated)]


def notices(fake: FakePublisher) -> list[ev.NotificationSent]:
    return [data for data, _id in fake.published if isinstance(data, ev.NotificationSent)]


async def test_the_fake_table_refuses_writes_outside_a_stream_as_faust_does(watch):
    with pytest.raises(TypeError, match="outside of stream iteration"):
        watch["case-1"] = {}
    with watch.stream_iteration():
        watch["case-1"] = {}
    with pytest.raises(TypeError, match="outside of stream iteration"):
        del watch["case-1"]
    assert watch["case-1"] == {}


async def test_slipped_deadline_escalates_once_with_stable_ids(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    late, published = NOW + timedelta(hours=2), set()
    tick = dict(watch=watch, publish=fake.publish, now=late, manager_after=timedelta(hours=4), published=published)
    # The timer's side runs outside any stream: it reads the watch and publishes, never writes.
    made = await handlers.publish_due_escalations(**tick)
    again = await handlers.publish_due_escalations(**tick)  # before the escalation came back
    assert (made, again) == (1, 0)
    [escalation] = escalation_events(fake)
    assert (escalation.data.level, escalation.data.deadline) == (ev.EscalationLevel.SUPERVISOR, "acknowledge")
    assert escalation.id == ev.derived_id("escalated", "case-1", "acknowledge", "supervisor")

    with watch.stream_iteration():
        for _ in range(2):  # delivered, then redelivered
            await handlers.on_escalated(escalation, watch=watch, publish=fake.publish, notifiers=[notifier], now=late)
    assert notifier.sent[1:] == [("case-1", "supervisor:quality", "escalated_acknowledge")]
    assert [n.trigger_event_id for n in notices(fake)][1:] == [escalation.id]
    # Marked: neither this process nor a restarted one (an empty set) publishes it again.
    assert await handlers.publish_due_escalations(**tick) == 0
    assert await handlers.publish_due_escalations(**tick | {"published": set()}) == 0 and published == set()


async def test_an_unmarked_escalation_is_published_again_after_a_restart_under_the_same_id(watch):
    fake = FakePublisher()
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[], now=NOW)
    tick = dict(watch=watch, publish=fake.publish, now=NOW + timedelta(hours=2), manager_after=timedelta(hours=4))
    await handlers.publish_due_escalations(**tick, published=set())
    await handlers.publish_due_escalations(**tick, published=set())
    first, second = escalation_events(fake)
    assert first.id == second.id


async def test_the_manager_rung_follows_a_marked_supervisor_rung_and_an_old_one_is_not_sent(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    for hours in (2, 6):
        now = NOW + timedelta(hours=hours)
        await handlers.publish_due_escalations(watch=watch, publish=fake.publish, now=now, manager_after=timedelta(hours=4), published=set())
        with watch.stream_iteration():
            await handlers.on_escalated(escalation_events(fake)[-1], watch=watch, publish=fake.publish, notifiers=[notifier], now=now)
    supervisor, manager = escalation_events(fake)
    assert manager.data.level == ev.EscalationLevel.MANAGER
    with watch.stream_iteration():  # the supervisor's escalation once more, after the manager's
        assert not await handlers.on_escalated(supervisor, watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    assert [role for _case, role, _template in notifier.sent] == ["department:quality", "supervisor:quality", "manager:quality"]


async def test_an_escalation_of_a_case_not_watched_is_ignored(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    other = ev.CaseEscalated(case_id="elsewhere", level=ev.EscalationLevel.SUPERVISOR, deadline="resolve", due_at=NOW,
                             department="quality", escalated_at=NOW)
    with watch.stream_iteration():
        handled = await handlers.on_escalated(ev.envelope(other, source="/other"), watch=watch, publish=fake.publish,
                                              notifiers=[notifier], now=NOW)
    assert not handled and notifier.sent == [] and fake.published == [] and "elsewhere" not in watch


async def test_timer_tick_on_a_real_table_publishes_and_the_escalations_agent_notifies_once(service):
    """The timer's tick reads the real Faust table from outside any stream (writing it there
    raised TypeError and crashed the worker); the agent marks the rung and notifies."""
    notification, fake, notifier = service
    async with notification.agents.watch_routed.test_context() as agent:
        await agent.put(ev.encode(routed_event(acknowledge_in=timedelta(hours=-1))), key=b"case-1")
    assert await notification.agents.check_once() == 0  # table not recovered yet: no tick
    notification.app.tables.on_actives_ready()  # what the worker does once the table is recovered
    assert await notification.agents.check_once() == 1
    assert await notification.agents.check_once() == 0  # published by this process already
    [escalation] = escalation_events(fake)
    async with notification.agents.escalate.test_context() as agent:
        for _ in range(2):  # delivered, then redelivered
            await agent.put(ev.encode(escalation), key=b"case-1")
    assert notifier.sent == [("case-1", "department:quality", "case_assigned"),
                             ("case-1", "supervisor:quality", "escalated_acknowledge")]
    assert notification.agents.watch["case-1"]["escalated"] == {"acknowledge": "supervisor"}
    assert await notification.agents.check_once() == 0 and len(escalation_events(fake)) == 1


async def test_failed_notice_is_published_as_failed(watch):
    fake = FakePublisher()
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[FakeNotifier(fail=True)], now=NOW)
    [(failed, _)] = fake.published
    assert isinstance(failed, ev.NotificationFailed) and "smtp down" in failed.error


async def test_redelivered_decision_notifies_once(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    for _ in range(2):
        with watch.stream_iteration():
            await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    assert len(notifier.sent) == 1 and len(fake.published) == 1
