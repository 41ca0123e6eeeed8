"""Faust agent tests with `test_context()` (no broker, a real table) and handler tests with the
`watch` fake, which refuses writes outside stream iteration as a Faust table does."""

from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from complaints_shared.topics import ROUTED
from faust.types import TP
from notification import handlers
from notification.bootstrap import bootstrap
from notification.domain.ladder import DEFAULT_LADDER_FILE, LadderConfig
from notification.entrypoints.clocks import ClockKeeper
from notification.settings import NotificationSettings

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LADDER = LadderConfig.load(DEFAULT_LADDER_FILE)


class FakeNotifier:
    def __init__(self, fail=False, medium="log"):
        self.sent, self.fail, self.medium, self.notices = [], fail, medium, []

    async def send(self, notice):
        if self.fail:
            raise ConnectionError("smtp down")
        self.sent.append((notice.case_id, notice.recipient_role, notice.template))
        self.notices.append(notice)


def routed_event(case_id="case-1", validity=ev.Validity.VALID, acknowledge_in=timedelta(hours=1), priority=ev.Priority.P2,
                 tier=ev.CustomerTier.STANDARD) -> ev.Event:
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id="r1", validity=validity, category="product_quality", department="quality",
        priority=priority, confidence=0.9, rules_version="t", routed_at=NOW, customer_tier=tier,
        deadlines=ev.Deadlines(acknowledge_by=NOW + acknowledge_in, resolve_by=NOW + timedelta(hours=24)),
    )
    return ev.envelope(data, source="/test", event_id=f"routed-{case_id}")


def received_event(case_id="case-1", *, received_at=NOW, recorded_at=NOW, **customer) -> ev.Event:
    data = ev.ComplaintReceived(
        case_id=case_id, channel=ev.Channel.EMAIL, text="The lid was broken", subject="Broken lid", language=ev.Language.KO,
        customer=ev.CustomerContact(**customer), received_at=received_at,
        email=ev.EmailDetails(message_id="<abc@customer.example>", references=("<older@customer.example>",)),
    )
    return ev.envelope(data, source="/test", event_id=f"received-{case_id}", time=recorded_at)


def update_event(data: ev.CaseUpdate, event_id: str) -> ev.Event:
    return ev.envelope(data, source="/test", event_id=event_id)


def senders_for(fake: FakePublisher, *notifiers) -> handlers.Senders:
    return handlers.Senders(list(notifiers), fake.publish, handlers.RetryPolicy(first=timedelta(seconds=30)), "https://cases/{case_id}")


def keeper_for(watch, fake: FakePublisher, works: list, clock) -> ClockKeeper:
    async def publish_work(work):
        works.append(work)

    return ClockKeeper(table=watch, ladder=LADDER, publish=fake.publish, publish_work=publish_work, clock=clock, ready=lambda: True)


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


@pytest.mark.parametrize(("medium", "flushes"), [("email", 1), ("log", 0)])
async def test_a_delivery_to_a_person_waits_for_the_tables_record_of_it_on_the_broker(medium, flushes, monkeypatch):
    notifier = FakeNotifier(medium=medium)
    notification = bootstrap(NotificationSettings(COMPLAINTS_TOPIC_PREFIX="unit."), notifiers=[notifier], clock=lambda: NOW)
    notification.app.finalize()
    notification.app.conf.store = "memory://"
    notification.app.flow_control.resume()
    fake = FakePublisher()
    notification.publisher.publish = fake.publish
    flushed: list[int] = []

    async def flush() -> None:
        flushed.append(notification.senders.deliveries.count)

    monkeypatch.setattr(notification.app.producer, "flush", flush)
    async with notification.agents.watch_routed.test_context() as agent:
        await agent.put(ev.encode(routed_event()), key=b"case-1")
        await agent.put(ev.encode(routed_event()), key=b"case-1")  # redelivered: nothing sent, nothing to wait for
    assert notifier.sent == [("case-1", "department:quality", "case_assigned")]
    assert flushed == [1] * flushes


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


async def test_the_timer_fires_from_its_schedule_once_per_rung_with_stable_ids(watch):
    fake, notifier, works = FakePublisher(), FakeNotifier(), []
    clock = [NOW]
    keeper = keeper_for(watch, fake, works, lambda: clock[0])
    senders = senders_for(fake, notifier)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=keeper.watch, senders=senders, now=NOW)
    # Scheduled by the write: the 80 % warning of the one-hour acknowledge window.
    assert keeper.schedule.earliest() == (NOW + timedelta(minutes=48)).timestamp()
    clock[0] = NOW + timedelta(minutes=47)
    assert await keeper.tick() == 0
    clock[0] = NOW + timedelta(hours=2)
    # The timer's side runs outside any stream: it reads the watch and publishes, never writes.
    assert await keeper.tick() == 1
    keeper.schedule.set("case-1", clock[0])  # looked at again before the escalation came back
    assert await keeper.tick() == 0
    [escalation] = escalation_events(fake)
    assert (escalation.data.level, escalation.data.deadline) == (ev.EscalationLevel.SUPERVISOR, "acknowledge")
    assert escalation.id == ev.derived_id("escalated", "case-1", "acknowledge", "supervisor")

    with watch.stream_iteration():
        for _ in range(2):  # delivered, then redelivered
            await handlers.on_escalated(escalation, watch=keeper.watch, senders=senders, ladder=LADDER, now=clock[0])
    assert notifier.sent[1:] == [("case-1", "supervisor:quality", "escalated_acknowledge")]
    assert [n.trigger_event_id for n in notices(fake)][1:] == [escalation.id]
    # Marked: the next look is the manager's rung, 4 h after the supervisor's; a restarted
    # worker (a schedule rebuilt from the table) publishes nothing again either.
    assert keeper.schedule.earliest() == (NOW + timedelta(hours=5)).timestamp() and keeper.in_flight["case-1"] == set()
    assert await keeper.tick() == 0
    restarted = keeper_for(watch, fake, works, lambda: clock[0])
    assert await restarted.tick() == 0 and len(escalation_events(fake)) == 1


async def test_an_unmarked_escalation_is_published_again_after_a_restart_under_the_same_id(watch):
    fake, works = FakePublisher(), []
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, senders=senders_for(fake), now=NOW)
    for _ in range(2):
        await keeper_for(watch, fake, works, lambda: NOW + timedelta(hours=2)).tick()
    first, second = escalation_events(fake)
    assert first.id == second.id


async def test_the_director_rung_is_a_case_escalated_event_and_is_notified_once(watch):
    fake, notifier, works = FakePublisher(), FakeNotifier(), []
    senders = senders_for(fake, notifier)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(priority=ev.Priority.P1), watch=watch, senders=senders, now=NOW)
    # P1: the manager at once.
    keeper = keeper_for(watch, fake, works, lambda: NOW)
    assert await keeper.tick() == 1
    [manager] = escalation_events(fake)
    assert manager.data.level == ev.EscalationLevel.MANAGER
    with watch.stream_iteration():
        await handlers.on_escalated(manager, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
    # A day later the director, as a CaseEscalated like every rung (archive counts it).
    keeper.clock = lambda: NOW + timedelta(days=1, minutes=1)
    assert await keeper.tick() == 2  # and the resolve deadline's manager
    [director] = [event for event in escalation_events(fake) if event.data.level == ev.EscalationLevel.DIRECTOR]
    assert director.data.deadline == "acknowledge" and director.id == ev.derived_id("escalated", "case-1", "acknowledge", "director")
    assert works == []
    with watch.stream_iteration():
        assert await handlers.on_escalated(director, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(days=1))
        assert not await handlers.on_escalated(director, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(days=1))
    assert [role for _c, role, _t in notifier.sent] == ["department:quality", "manager:quality", "director:quality"]


async def test_an_unanswered_approval_escalates_as_a_case_escalated_event(watch):
    fake, notifier, works = FakePublisher(), FakeNotifier(), []
    senders = senders_for(fake, notifier)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(acknowledge_in=timedelta(hours=4)), watch=watch, senders=senders, now=NOW)
        for n, update in enumerate((ev.CaseAcknowledged(case_id="case-1", actor="a", at=NOW),
                                    ev.RemedyProposed(case_id="case-1", actor="a", at=NOW, remedy="a new lid"))):
            await handlers.on_case_update(update_event(update, f"u{n}"), watch=watch, senders=senders, ladder=LADDER, now=NOW)
    # The approval window is a day; the resolve deadline (24 h) falls at the same time.
    keeper = keeper_for(watch, fake, works, lambda: NOW + timedelta(hours=24))
    await keeper.tick()
    approve = [event for event in escalation_events(fake) if event.data.deadline == "approve"]
    assert [(event.data.level, event.id) for event in approve] == [
        (ev.EscalationLevel.MANAGER, ev.derived_id("escalated", "case-1", "approve", "manager"))]
    with watch.stream_iteration():
        assert await handlers.on_escalated(approve[0], watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(hours=24))
    assert ("case-1", "manager:quality", "escalated_approve") in notifier.sent and works == []


async def test_a_rung_left_on_the_due_topic_by_an_older_version_is_ignored_and_published_as_an_escalation(watch):
    fake, notifier, works = FakePublisher(), FakeNotifier(), []
    senders = senders_for(fake, notifier)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
        old = handlers.DueWork(kind="rung", case_id="case-1", clock="acknowledge", level="supervisor", due_at=NOW + timedelta(hours=1))
        assert not await handlers.on_due(old, watch=watch, senders=senders, ladder=LADDER, now=NOW + timedelta(hours=2))
    assert await keeper_for(watch, fake, works, lambda: NOW + timedelta(hours=2)).tick() == 1
    assert [event.data.level for event in escalation_events(fake)] == [ev.EscalationLevel.SUPERVISOR]


async def test_key_accounts_also_reach_the_key_account_manager(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    senders = senders_for(fake, notifier)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(tier=ev.CustomerTier.KEY_ACCOUNT), watch=watch, senders=senders, now=NOW)
        await keeper_for(watch, fake, [], lambda: NOW + timedelta(hours=2)).tick()
        await handlers.on_escalated(escalation_events(fake)[-1], watch=watch, senders=senders, ladder=LADDER, now=NOW)
    assert [role for _c, role, _t in notifier.sent][1:] == ["supervisor:quality", "key_account_manager"]


async def test_an_escalation_of_a_case_not_watched_is_ignored(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    other = ev.CaseEscalated(case_id="elsewhere", level=ev.EscalationLevel.SUPERVISOR, deadline="resolve", due_at=NOW,
                             department="quality", escalated_at=NOW)
    with watch.stream_iteration():
        handled = await handlers.on_escalated(ev.envelope(other, source="/other"), watch=watch, senders=senders_for(fake, notifier),
                                              ladder=LADDER, now=NOW)
    assert not handled and notifier.sent == [] and fake.published == [] and "elsewhere" not in watch


async def test_timer_tick_on_a_real_table_publishes_and_the_escalations_agent_notifies_once(service, monkeypatch):
    """The timer's tick reads the real Faust table from outside any stream (writing it there
    raised TypeError and crashed the worker); the agent marks the rung and notifies."""
    notification, fake, notifier = service
    async with notification.agents.watch_routed.test_context() as agent:
        await agent.put(ev.encode(routed_event(acknowledge_in=timedelta(hours=-1))), key=b"case-1")
    assert await notification.agents.check_once() == 0  # table not recovered yet: no tick
    notification.app.tables.on_actives_ready()  # what the worker does once the table is recovered
    assert await notification.agents.check_once() == 0  # and not its partition: no tick either
    # What the worker's assignment says once it holds the partitions (all of them, alone).
    routed = NotificationSettings(COMPLAINTS_TOPIC_PREFIX="unit.").topic(ROUTED.key)  # as the fixture configured it
    monkeypatch.setattr(notification.app.assignor, "assigned_actives", lambda: {TP(routed, partition) for partition in range(6)})
    notification.agents.keeper.partitions_changed()
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


async def test_a_failed_notice_is_published_as_failed_kept_and_retried_once_until_sent(watch):
    fake, failing = FakePublisher(), FakeNotifier(fail=True)
    senders = senders_for(fake, failing)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
    [(failed, _)] = fake.published
    assert isinstance(failed, ev.NotificationFailed) and "smtp down" in failed.error and "retrying from" in failed.error
    [notice_id] = watch["case-1"]["pending"]
    works: list = []
    keeper = keeper_for(watch, fake, works, lambda: NOW + timedelta(seconds=31))
    await keeper.tick()
    [retry] = [work for work in works if work.kind == "retry"]
    failing.fail = False
    with watch.stream_iteration():
        for _ in range(2):  # delivered, then redelivered
            await handlers.on_due(retry, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(seconds=31))
    assert failing.sent == [("case-1", "department:quality", "case_assigned")]
    [sent] = [event for event in fake.events if isinstance(event.data, ev.NotificationSent)]
    assert sent.id == notice_id and watch["case-1"]["pending"] == {}


async def test_a_delivery_failing_past_the_policy_is_given_up_with_when_and_why(watch):
    fake, failing = FakePublisher(), FakeNotifier(fail=True)
    senders = senders_for(fake, failing)
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
        [notice_id] = watch["case-1"]["pending"]
        work = handlers.DueWork(kind="retry", case_id="case-1", notice_id=notice_id, round=1)
        await handlers.on_due(work, watch=watch, senders=senders, ladder=LADDER, now=NOW + timedelta(hours=49))
    last = fake.events[-1]
    assert isinstance(last.data, ev.NotificationFailed) and last.data.error.startswith("gave up after 2 attempts since 2026-11-24T09:00")
    assert watch["case-1"]["pending"] == {}


async def test_redelivered_decision_notifies_once(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    for _ in range(2):
        with watch.stream_iteration():
            await handlers.on_routed(routed_event(), watch=watch, senders=senders_for(fake, notifier), now=NOW)
    assert len(notifier.sent) == 1 and len(fake.published) == 1


async def test_a_proposed_remedy_asks_the_supervisor_and_a_rejected_one_goes_back_to_the_department(watch):
    fake, notifier = FakePublisher(), FakeNotifier()
    senders = senders_for(fake, notifier)
    proposed = update_event(ev.RemedyProposed(case_id="case-1", actor="agent-7", at=NOW, remedy="A new lid"), "u1")
    rejected = update_event(ev.RemedyRejected(case_id="case-1", actor="sup-1", at=NOW, reason="Offer a refund"), "u2")
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
        for update in (proposed, proposed, rejected):  # the proposal redelivered
            await handlers.on_case_update(update, watch=watch, senders=senders, ladder=LADDER, now=NOW)
    assert notifier.sent[1:] == [("case-1", "supervisor:quality", "approval_request"), ("case-1", "department:quality", "remedy_rejected")]
    request = notifier.notices[1]
    assert "A new lid" in request.body() and "https://cases/case-1" in request.body()
    assert watch["case-1"]["approve_by"] is None


async def test_an_email_customer_gets_a_threaded_acknowledgement_in_their_language(watch):
    fake, staff, email = FakePublisher(), FakeNotifier(), FakeNotifier(medium="email")
    senders = senders_for(fake, staff, email)
    with watch.stream_iteration():
        await handlers.on_received(received_event(email="kim@customer.example"), watch=watch, senders=senders, now=NOW)
        assert email.sent == []  # not before routing judged it valid
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
        await handlers.on_routed(routed_event(), watch=watch, senders=senders, now=NOW)
    [ack] = [notice for notice in email.notices if notice.recipient_role == "customer"]
    assert (ack.recipient_role, ack.template, ack.to) == ("customer", "acknowledgement", "kim@customer.example")
    assert ack.in_reply_to == "<abc@customer.example>" and ack.references == ("<older@customer.example>",)
    assert ack.subject() == "Re: Broken lid [Case case-1]" and "사건 번호 case-1" in ack.body()
    assert ("case-1", "customer", "acknowledgement") not in staff.sent  # the customer's notices go to them only


async def test_resolution_and_satisfaction_go_to_the_customer_or_become_a_hotline_call_back(watch):
    fake, staff, sms = FakePublisher(), FakeNotifier(), FakeNotifier(medium="sms")
    senders = senders_for(fake, staff, sms)
    resolved = ev.CaseResolved(case_id="case-1", actor="a", at=NOW, resolution="We sent a new lid")
    with watch.stream_iteration():
        for case_id, contact in (("case-1", {"phone": "+821012345678"}), ("case-2", {})):
            await handlers.on_received(received_event(case_id, **contact), watch=watch, senders=senders, now=NOW)
            await handlers.on_routed(routed_event(case_id), watch=watch, senders=senders, now=NOW)
            await handlers.on_case_update(update_event(resolved.model_copy(update={"case_id": case_id}), f"resolved-{case_id}"),
                                          watch=watch, senders=senders, ladder=LADDER, now=NOW)
    assert [(n.template, n.to) for n in sms.notices] == [  # SMS is no staff medium
        ("acknowledgement", "+821012345678"), ("resolution", "+821012345678"), ("satisfaction_request", "+821012345678")]
    assert "1" in sms.notices[-1].short_text() and "5" in sms.notices[-1].short_text()
    assert ("case-2", "hotline", "callback_task") in staff.sent
    assert "case-1" not in watch and "case-2" not in watch  # resolved, nothing pending: no longer watched


async def test_a_letter_received_days_ago_but_recorded_now_is_acknowledged(watch):
    fake, email = FakePublisher(), FakeNotifier(medium="email")
    with watch.stream_iteration():
        await handlers.on_received(received_event(received_at=NOW - timedelta(days=3), email="kim@customer.example"), watch=watch,
                                   senders=senders_for(fake, email), now=NOW)
    assert "case-1" in watch


async def test_an_old_complaint_read_from_the_start_of_the_topic_is_neither_watched_nor_acknowledged(watch):
    fake, email = FakePublisher(), FakeNotifier(medium="email")
    with watch.stream_iteration():
        await handlers.on_received(received_event(email="kim@customer.example"), watch=watch, senders=senders_for(fake, email),
                                   now=NOW + timedelta(days=2))
    assert "case-1" not in watch and email.sent == []


async def test_an_acknowledged_escalation_stops_the_next_rung_even_one_already_published(watch):
    fake, notifier, works = FakePublisher(), FakeNotifier(), []
    senders = senders_for(fake, notifier)
    keeper = keeper_for(watch, fake, works, lambda: NOW + timedelta(hours=1))
    with watch.stream_iteration():
        await handlers.on_routed(routed_event(), watch=keeper.watch, senders=senders, now=NOW)
    await keeper.tick()
    [supervisor] = escalation_events(fake)
    with watch.stream_iteration():
        await handlers.on_escalated(supervisor, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(hours=1))
    # The manager's rung (4 h later) is published, then the supervisor says they have it.
    keeper.clock = lambda: NOW + timedelta(hours=5)
    await keeper.tick()
    manager = escalation_events(fake)[-1]
    assert manager.data.level == ev.EscalationLevel.MANAGER
    taken = ev.EscalationAcknowledged(case_id="case-1", actor="sup-1", at=NOW + timedelta(hours=2), level=ev.EscalationLevel.SUPERVISOR,
                                      deadline="acknowledge")
    with watch.stream_iteration():
        await handlers.on_case_update(update_event(taken, "taken"), watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
        assert not await handlers.on_escalated(manager, watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW + timedelta(hours=5))
    keeper.clock = lambda: NOW + timedelta(days=2)
    await keeper.tick()
    assert [e.data.level for e in escalation_events(fake) if e.data.deadline == "acknowledge"] == [ev.EscalationLevel.SUPERVISOR,
                                                                                                    ev.EscalationLevel.MANAGER]
    assert [role for _c, role, template in notifier.sent if template == "escalated_acknowledge"] == ["supervisor:quality"]


async def test_asking_the_customer_sends_them_the_question_and_pauses_the_timer_until_they_answer(watch):
    fake, staff, mail = FakePublisher(), FakeNotifier(), FakeNotifier(medium="email")
    senders = senders_for(fake, staff, mail)
    keeper = keeper_for(watch, fake, [], lambda: NOW + timedelta(minutes=10))
    asked = ev.CustomerInfoRequested(case_id="case-1", actor="agent-7", at=NOW + timedelta(minutes=10), question="Which batch?")
    answered = ev.CustomerFollowedUp(case_id="case-1", actor="customer", at=NOW + timedelta(hours=3), text="B-12", channel=ev.Channel.EMAIL)
    with watch.stream_iteration():
        await handlers.on_received(received_event(email="lin@customer.example"), watch=keeper.watch, senders=senders, now=NOW)
        await handlers.on_routed(routed_event(), watch=keeper.watch, senders=senders, now=NOW)
        for _ in range(2):  # redelivered: one question
            await handlers.on_case_update(update_event(asked, "asked"), watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
    [question] = [notice for notice in mail.notices if notice.template == "info_request"]
    assert (question.to, question.fields, question.in_reply_to) == ("lin@customer.example", {"question": "Which batch?"}, "<abc@customer.example>")
    assert keeper.schedule.earliest() is None  # nothing to fire while the customer is asked
    keeper.clock = lambda: NOW + timedelta(hours=3)
    assert await keeper.tick() == 0
    with watch.stream_iteration():
        await handlers.on_case_update(update_event(answered, "answered"), watch=keeper.watch, senders=senders, ladder=LADDER, now=NOW)
    # Paused 2 h 50 min: the 80 % warning of the one-hour window falls at 48 min + 2 h 50 min.
    assert keeper.schedule.earliest() == (NOW + timedelta(minutes=48 + 170)).timestamp()
