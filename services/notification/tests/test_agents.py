"""Faust agent tests with `test_context()`: no broker, fakes for the publisher and notifier."""

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


def routed_event(case_id="case-1", validity=ev.Validity.VALID) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id="r1", validity=validity, category="product_quality", department="quality",
        priority=ev.Priority.P1, confidence=0.9, rules_version="t", routed_at=NOW,
        deadlines=ev.Deadlines(acknowledge_by=NOW + timedelta(hours=1), resolve_by=NOW + timedelta(hours=24)),
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


async def test_slipped_deadline_escalates_once_with_stable_ids():
    watch: dict = {}
    fake, notifier = FakePublisher(), FakeNotifier()
    await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    late = NOW + timedelta(hours=2)
    made = await handlers.check_deadlines(watch=watch, publish=fake.publish, notifiers=[notifier], now=late, manager_after=timedelta(hours=4))
    again = await handlers.check_deadlines(watch=watch, publish=fake.publish, notifiers=[notifier], now=late, manager_after=timedelta(hours=4))
    assert (made, again) == (1, 0)
    escalations = [d for d, _ in fake.published if isinstance(d, ev.CaseEscalated)]
    assert [(e.level, e.deadline) for e in escalations] == [(ev.EscalationLevel.SUPERVISOR, "acknowledge")]


async def test_failed_notice_is_published_as_failed():
    watch: dict = {}
    fake = FakePublisher()
    await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[FakeNotifier(fail=True)], now=NOW)
    [(failed, _)] = fake.published
    assert isinstance(failed, ev.NotificationFailed) and "smtp down" in failed.error


async def test_redelivered_decision_notifies_once():
    watch: dict = {}
    fake, notifier = FakePublisher(), FakeNotifier()
    for _ in range(2):
        await handlers.on_routed(routed_event(), watch=watch, publish=fake.publish, notifiers=[notifier], now=NOW)
    assert len(notifier.sent) == 1 and len(fake.published) == 1
