"""Notification's clocks, ladder and customer notices in a real worker against the real broker,
with a real SMTP server (aiosmtpd) as the sink, a local webhook receiver and a local HTTP server
speaking the Twilio Messages API. The ladder is a test file with deadlines of seconds."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import mail_sink
import pytest
from aiohttp import web
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.mail_threads import case_id_from_message_ids, case_id_from_subject
from complaints_shared.settings import ServiceSettings
from complaints_shared.topics import notification_due_topic
from processes import ServiceProcess, free_port, start_service, wait_ready
from topic_records import group_committed_all
from waiting import while_worker_runs

pytestmark = pytest.mark.integration

WAIT_SECONDS = 60
SUPERVISOR, MANAGER = ev.EscalationLevel.SUPERVISOR, ev.EscalationLevel.MANAGER
# Seconds, not hours: the warning at 80 %, the supervisor at the deadline, the manager 3 s later.
TEST_LADDER = """
approval_window: PT30S
default:
  acknowledge:
    - {level: agent, at: 0.8}
    - {level: supervisor, at: 1.0}
    - {level: manager, after: PT3S}
    - {level: director, after: P1D}
  resolve:
    - {level: manager, at: 1.0}
rules:
  - priorities: [P1]
    clocks:
      acknowledge:
        - {level: manager, at: 0.0}
"""


@pytest.fixture
def smtp_sink():
    with mail_sink.smtp_sink() as sink:
        yield sink


def escalation_id(case_id: str, deadline: str, level: str) -> str:
    return ev.derived_id("escalated", case_id, deadline, level)


def routed(case_id: str, *, priority: ev.Priority, acknowledge_in: timedelta, resolve_in: timedelta, at: datetime | None = None) -> ev.Event:
    at = at or datetime.now(UTC)
    data = ev.ComplaintRouted(
        case_id=case_id, received_event_id=f"received-{case_id}", validity=ev.Validity.VALID, category="packaging",
        department="packaging", priority=priority, confidence=0.9, rules_version="test", routed_at=at,
        deadlines=ev.Deadlines(acknowledge_by=at + acknowledge_in, resolve_by=at + resolve_in),
    )
    return ev.envelope(data, source="/test", event_id=f"routed-{case_id}")


async def handled_and_committed(settings: ServiceSettings, topic: str) -> bool:
    """Whether notification's group committed every record on `topic`: what handling them did
    (the table's record of a notice sent) is on the broker, so a restart does not redo it.
    Killed before that, the worker sends the notice again after its restart (at least once)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        return await group_committed_all(admin, consumer, f"{settings.topic_prefix}notification", topic)
    finally:
        await consumer.stop()
        await admin.close()


class Topics:
    """The escalations and notifications topics, read from the beginning outside any group."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.consumer = AIOKafkaConsumer(settings.topic("escalations"), settings.topic("notifications"),
                                         bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest")
        self.escalations: list[tuple[float, ev.Event]] = []  # (seen at, event)
        self.notices: list[ev.Event] = []

    async def poll(self) -> None:
        for batch in (await self.consumer.getmany(timeout_ms=100)).values():
            for record in batch:
                event = ev.decode(record.value)
                if isinstance(event.data, ev.CaseEscalated):
                    self.escalations.append((time.time(), event))
                else:
                    self.notices.append(event)

    async def wait_for(self, condition: Callable[[], bool | Awaitable[bool]], *, worker: ServiceProcess, what: str,
                       seconds: float = WAIT_SECONDS) -> None:
        await while_worker_runs(condition, step=self.poll, worker=worker, what=what, seconds=seconds)

    def escalation_ids(self) -> Counter[str]:
        return Counter(event.id for _seen, event in self.escalations)

    def sent(self, template: str, medium: str | None = None) -> list[ev.NotificationSent]:
        return [e.data for e in self.notices if isinstance(e.data, ev.NotificationSent) and e.data.template == template
                and medium in (None, e.data.medium)]


async def publish(settings: ServiceSettings, topic: str, *events: ev.Event) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(topic), ev.encode(event), key=(event.subject or "").encode())
    finally:
        await producer.stop()


async def start_notification(env: dict[str, str], workdir, *, log_name: str | None = None, port: int | None = None) -> ServiceProcess:
    worker = start_service("notification", env=env, workdir=workdir, log_name=log_name, port=port)
    await asyncio.to_thread(wait_ready, worker)
    return worker


def worker_env(backend_env: dict[str, str], tmp_path, ladder_text: str = TEST_LADDER, **settings: str) -> dict[str, str]:
    ladder = tmp_path / "ladder.yaml"
    ladder.write_text(ladder_text)
    return backend_env | {"COMPLAINTS_API_KEY": "k", "NOTIFICATION_LADDER_FILE": str(ladder)} | settings


async def test_p1_reaches_the_manager_at_once_a_p3_climbs_on_time_and_acknowledging_stops_the_ladder(backend_env, tmp_path, smtp_sink):
    smtp_port, inbox = smtp_sink
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    env = worker_env(backend_env, tmp_path, NOTIFICATION_CHANNELS='["log","email"]', NOTIFICATION_SMTP_PORT=str(smtp_port),
                     NOTIFICATION_DEFAULT_ADDRESS="desk@corp.example",
                     NOTIFICATION_ROLE_ADDRESSES=json.dumps({"manager": "manager@corp.example", "supervisor:packaging": "sup@corp.example"}))
    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    try:
        climbing = routed("p3-climbs", priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=8), resolve_in=timedelta(minutes=10))
        # A longer window for the case acknowledged: its acknowledgement must be handled before its
        # first rung (80 %) even on a loaded machine, or that rung is due by right.
        stopped = routed("p3-acknowledged", priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=20), resolve_in=timedelta(minutes=10))
        major = routed("p1", priority=ev.Priority.P1, acknowledge_in=timedelta(minutes=5), resolve_in=timedelta(minutes=10))
        await publish(settings, "routed", climbing, stopped, major)
        # Staff acknowledge a case once it is assigned (the lifecycle refuses it before).
        await topics.wait_for(lambda: "p3-acknowledged" in {n.case_id for n in topics.sent("case_assigned")}, worker=worker,
                              what="the assignment", seconds=6)
        acknowledged = ev.envelope(ev.CaseAcknowledged(case_id="p3-acknowledged", actor="agent-7", at=datetime.now(UTC)), source="/test")
        await publish(settings, "case_updates", acknowledged)

        p1_manager = escalation_id("p1", "acknowledge", "manager")
        await topics.wait_for(lambda: p1_manager in topics.escalation_ids(), worker=worker, what="the P1's manager escalation", seconds=10)
        ladder = [escalation_id("p3-climbs", "acknowledge", level) for level in ("agent", "supervisor", "manager")]
        await topics.wait_for(lambda: set(ladder) <= set(topics.escalation_ids()), worker=worker, what="the P3's ladder")
        await topics.wait_for(lambda: any(n.trigger_event_id == ladder[-1] for n in topics.sent("escalated_acknowledge", "email")),
                              worker=worker, what="the manager's e-mail")
        # Past the acknowledged case's would-be manager rung too (its deadline + 3 s).
        past = stopped.data.deadlines.acknowledge_by.timestamp() + 4
        await topics.wait_for(lambda: time.time() > past, worker=worker, what="the acknowledged case's would-be rungs")
    finally:
        await topics.consumer.stop()
        worker.stop()

    by_id = {event.id: (seen, event.data) for seen, event in topics.escalations}
    for escalation in ladder:
        seen, data = by_id[escalation]
        # Within 2 s of the rung's time, by the worker's clock and as the test saw it arrive.
        assert timedelta(0) <= data.escalated_at - data.due_at < timedelta(seconds=2), (data.level, data.escalated_at - data.due_at)
        assert seen - data.due_at.timestamp() < 3
    assert by_id[ladder[1]][1].due_at == climbing.data.deadlines.acknowledge_by
    assert by_id[ladder[2]][1].due_at == climbing.data.deadlines.acknowledge_by + timedelta(seconds=3)
    assert not [event.data for _seen, event in topics.escalations if event.data.case_id == "p3-acknowledged"]
    assert topics.escalation_ids()[p1_manager] == 1 and all(count == 1 for count in topics.escalation_ids().values())
    recipients = {(tuple(rcpt), message["Subject"]) for rcpt, message in inbox.messages}
    assert (("manager@corp.example",), "[P1] Escalated (acknowledge): case p1") in recipients
    assert (("sup@corp.example",), "[P3] Escalated (acknowledge): case p3-climbs") in recipients


async def test_an_email_complaint_gets_a_threaded_acknowledgement_and_an_sms_one_its_satisfaction_request(backend_env, tmp_path, smtp_sink):
    smtp_port, inbox = smtp_sink
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    texts: list[dict[str, str]] = []

    async def messages_api(request: web.Request) -> web.Response:
        assert request.match_info["account"] == "AC123" and request.headers["Authorization"].startswith("Basic ")
        texts.append(dict(await request.post()))
        return web.json_response({"sid": f"SM{len(texts)}", "status": "queued"}, status=201)

    gateway = web.Application()
    gateway.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", messages_api)
    runner = web.AppRunner(gateway)
    await runner.setup()
    sms_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", sms_port).start()

    env = worker_env(backend_env, tmp_path, NOTIFICATION_CHANNELS='["email","sms"]', NOTIFICATION_SMTP_PORT=str(smtp_port),
                     NOTIFICATION_DEFAULT_ADDRESS="desk@corp.example", NOTIFICATION_MAIL_FROM="complaints@corp.example",
                     NOTIFICATION_SMS_URL=f"http://127.0.0.1:{sms_port}", NOTIFICATION_SMS_ACCOUNT="AC123", NOTIFICATION_SMS_TOKEN="t0ken",
                     NOTIFICATION_SMS_FROM="+15550000000")
    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    now = datetime.now(UTC)
    by_mail = ev.envelope(ev.ComplaintReceived(
        case_id="mailed", channel=ev.Channel.EMAIL, text="Der Deckel war kaputt", subject="Broken lid", language=ev.Language.ZH_HANT,
        customer=ev.CustomerContact(email="lin@customer.example"), received_at=now,
        email=ev.EmailDetails(message_id="<m1@customer.example>", references=("<m0@customer.example>",))), source="/test", event_id="received-mailed")
    by_sms = ev.envelope(ev.ComplaintReceived(
        case_id="texted", channel=ev.Channel.SMS, text="Lid broken", language=ev.Language.KO,
        customer=ev.CustomerContact(phone="+821055500001"), received_at=now), source="/test", event_id="received-texted")
    try:
        await publish(settings, "received", by_mail, by_sms)
        await publish(settings, "routed", *(routed(case, priority=ev.Priority.P3, acknowledge_in=timedelta(hours=4), resolve_in=timedelta(days=3))
                                            for case in ("mailed", "texted")))
        await topics.wait_for(lambda: len(topics.sent("acknowledgement")) == 2, worker=worker, what="the two acknowledgements")
        resolved = ev.envelope(ev.CaseResolved(case_id="texted", actor="agent-7", at=now, resolution="We sent a new lid"), source="/test")
        await publish(settings, "case_updates", resolved)
        await topics.wait_for(lambda: len(topics.sent("satisfaction_request")) == 1, worker=worker, what="the satisfaction request")
    finally:
        await topics.consumer.stop()
        worker.stop()
        await runner.cleanup()

    [ack] = [message for rcpt, message in inbox.messages if rcpt == ["lin@customer.example"]]
    assert ack["In-Reply-To"] == "<m1@customer.example>" and ack["References"] == "<m0@customer.example> <m1@customer.example>"
    # What intake reads to file the customer's reply on the case: our Message-ID, or the tag.
    assert case_id_from_message_ids([ack["Message-ID"]], mail_domain="corp.example") == "mailed"
    assert case_id_from_subject(ack["Subject"]) == "mailed" and ack["Subject"].startswith("回覆：Broken lid")
    assert "mailed" in ack.get_content()
    assert [(text["To"], text["From"]) for text in texts] == [("+821055500001", "+15550000000")] * 3
    assert "texted" in texts[0]["Body"] and "1" in texts[2]["Body"] and "5" in texts[2]["Body"]
    assert [n.recipient_role for n in topics.sent("satisfaction_request")] == ["customer"]


async def test_a_timer_pending_when_the_worker_is_killed_fires_once_after_the_restart(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    env = worker_env(backend_env, tmp_path)
    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    pending = routed("pending", priority=ev.Priority.P2, acknowledge_in=timedelta(seconds=60), resolve_in=timedelta(minutes=10))
    warning = escalation_id("pending", "acknowledge", "agent")
    try:
        await publish(settings, "routed", pending)
        await topics.wait_for(lambda: len(topics.sent("case_assigned")) == 1, worker=worker, what="the case's assignment notice")
        await topics.wait_for(lambda: handled_and_committed(settings, settings.topic("routed")), worker=worker,
                              what="the routed event committed")
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        assert warning not in topics.escalation_ids()  # its 80 % warning falls 48 s after routing
        worker = await start_notification(env, tmp_path, log_name="notification-restarted.log", port=worker.port)
        await topics.wait_for(lambda: warning in topics.escalation_ids(), worker=worker, what="the warning after the restart", seconds=90)
        await topics.wait_for(lambda: any(n.trigger_event_id == warning for n in topics.sent("escalated_acknowledge")),
                              worker=worker, what="the warning's notice")
        settle = time.monotonic() + 3
        await topics.wait_for(lambda: time.monotonic() > settle, worker=worker, what="a few more seconds")
    finally:
        await topics.consumer.stop()
        worker.stop()
    escalated = next(event.data for _seen, event in topics.escalations if event.id == warning)
    assert escalated.escalated_at - escalated.due_at < timedelta(seconds=2)
    assert topics.escalation_ids() == Counter({warning: 1})
    assert [n.trigger_event_id for n in topics.sent("escalated_acknowledge")] == [warning]
    assert len(topics.sent("case_assigned")) == 1


async def test_notices_for_a_webhook_that_is_down_arrive_later_none_lost_none_doubled(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    hook_port = free_port()
    env = worker_env(backend_env, tmp_path, NOTIFICATION_CHANNELS='["webhook"]', NOTIFICATION_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/hook",
                     NOTIFICATION_DELIVERY_ATTEMPTS="1", NOTIFICATION_RETRY_FIRST_SECONDS="1", NOTIFICATION_RETRY_MAX_SECONDS="4")
    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    received: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(request.headers["X-Complaints-Notice-Id"])
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    cases = [f"down-{n}" for n in range(20)]
    try:
        await publish(settings, "routed", *(routed(case, priority=ev.Priority.P3, acknowledge_in=timedelta(hours=1), resolve_in=timedelta(days=1))
                                            for case in cases))
        failed = lambda: {e.data.case_id for e in topics.notices if isinstance(e.data, ev.NotificationFailed)}  # noqa: E731
        await topics.wait_for(lambda: failed() == set(cases), worker=worker, what="every delivery failing while the receiver is down")
        down_until = time.monotonic() + 10  # down a while longer: several retry rounds fail
        await topics.wait_for(lambda: time.monotonic() > down_until, worker=worker, what="the outage")
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", hook_port).start()
        await topics.wait_for(lambda: len(topics.sent("case_assigned")) == len(cases), worker=worker, what="every notice, later")
        settle = time.monotonic() + 6  # longer than the longest retry interval: nothing comes twice
        await topics.wait_for(lambda: time.monotonic() > settle, worker=worker, what="a few more seconds")
    finally:
        await topics.consumer.stop()
        worker.stop()
        await runner.cleanup()
    sent = topics.sent("case_assigned")
    assert Counter(received) == Counter({n: 1 for n in received}) and len(received) == len(cases)
    assert {ev.derived_id("notice", f"routed-{case}", "department:packaging", "case_assigned", "webhook") for case in cases} == set(received)
    assert sorted(n.case_id for n in sent) == sorted(cases)
    assert max(Counter(e.data.case_id for e in topics.notices if isinstance(e.data, ev.NotificationFailed)).values()) >= 2


# The director a couple of seconds after the supervisor; a remedy unanswered for 3 s escalates.
DIRECTOR_LADDER = """
approval_window: PT3S
default:
  acknowledge:
    - {level: supervisor, at: 1.0}
    - {level: director, after: PT2S}
  approve:
    - {level: manager, at: 1.0}
    - {level: director, after: PT2S}
"""


def case_update(data: ev.CaseUpdate) -> ev.Event:
    return ev.envelope(data, source="/test")


async def test_the_director_rung_and_an_unanswered_approval_are_case_escalated_events(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    worker = await start_notification(worker_env(backend_env, tmp_path, DIRECTOR_LADDER), tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    slipping = routed("to-director", priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=2), resolve_in=timedelta(hours=1))
    waiting = routed("unapproved", priority=ev.Priority.P3, acknowledge_in=timedelta(hours=1), resolve_in=timedelta(hours=2))
    expected = [escalation_id("to-director", "acknowledge", "supervisor"), escalation_id("to-director", "acknowledge", "director"),
                escalation_id("unapproved", "approve", "manager"), escalation_id("unapproved", "approve", "director")]
    try:
        await publish(settings, "routed", slipping, waiting)
        await topics.wait_for(lambda: "unapproved" in {n.case_id for n in topics.sent("case_assigned")}, worker=worker, what="the assignment")
        now = datetime.now(UTC)
        await publish(settings, "case_updates", case_update(ev.CaseAcknowledged(case_id="unapproved", actor="agent-7", at=now)),
                      case_update(ev.RemedyProposed(case_id="unapproved", actor="agent-7", at=now, remedy="A new lid")))
        await topics.wait_for(lambda: set(expected) <= set(topics.escalation_ids()), worker=worker, what="the director and approve rungs")
        await topics.wait_for(lambda: len(topics.sent("escalated_approve")) == 2, worker=worker, what="the approve rungs' notices")
    finally:
        await topics.consumer.stop()
        worker.stop()
    by_id = {event.id: event.data for _seen, event in topics.escalations}
    assert [(by_id[i].deadline, by_id[i].level.value) for i in expected] == [
        ("acknowledge", "supervisor"), ("acknowledge", "director"), ("approve", "manager"), ("approve", "director")]
    assert by_id[expected[1]].due_at == slipping.data.deadlines.acknowledge_by + timedelta(seconds=2)
    assert all(count == 1 for count in topics.escalation_ids().values())
    assert sorted(n.recipient_role for n in topics.sent("escalated_approve")) == ["director:packaging", "manager:packaging"]


async def test_acknowledging_an_escalation_stops_the_next_rung_of_that_deadline(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    ladder = DIRECTOR_LADDER.replace("after: PT2S", "after: PT5S")
    worker = await start_notification(worker_env(backend_env, tmp_path, ladder), tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    taken_up, ignored = (routed(case, priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=3), resolve_in=timedelta(hours=1))
                         for case in ("taken-up", "ignored"))
    try:
        await publish(settings, "routed", taken_up, ignored)
        supervisor = escalation_id("taken-up", "acknowledge", "supervisor")
        await topics.wait_for(lambda: any(n.trigger_event_id == supervisor for n in topics.sent("escalated_acknowledge")),
                              worker=worker, what="the supervisor's notice")
        await publish(settings, "case_updates", case_update(ev.EscalationAcknowledged(
            case_id="taken-up", actor="sup-1", at=datetime.now(UTC), level=SUPERVISOR, deadline="acknowledge")))
        # The case nobody took up climbs to the director; the other one's director rung falls at the same time.
        director = escalation_id("ignored", "acknowledge", "director")
        await topics.wait_for(lambda: any(n.trigger_event_id == director for n in topics.sent("escalated_acknowledge")),
                              worker=worker, what="the director's notice of the case nobody took up")
        settle = time.monotonic() + 2
        await topics.wait_for(lambda: time.monotonic() > settle, worker=worker, what="a little longer")
    finally:
        await topics.consumer.stop()
        worker.stop()
    assert sorted(e.data.level.value for _s, e in topics.escalations if e.data.case_id == "taken-up") == ["supervisor"]
    assert sorted(e.data.level.value for _s, e in topics.escalations if e.data.case_id == "ignored") == ["director", "supervisor"]


async def test_the_clocks_pause_while_the_customer_is_asked_and_move_on_by_the_pause(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    worker = await start_notification(worker_env(backend_env, tmp_path, DIRECTOR_LADDER), tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    waiting = routed("asked", priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=4), resolve_in=timedelta(hours=1))
    supervisor = escalation_id("asked", "acknowledge", "supervisor")
    try:
        await publish(settings, "routed", waiting)
        await topics.wait_for(lambda: len(topics.sent("case_assigned")) == 1, worker=worker, what="the assignment")
        asked_at = datetime.now(UTC)
        await publish(settings, "case_updates", case_update(ev.CustomerInfoRequested(case_id="asked", actor="agent-7", at=asked_at,
                                                                                    question="Which batch is printed on the box?")))
        # Past the acknowledge deadline while the customer is asked: nothing fires.
        past_deadline = waiting.data.deadlines.acknowledge_by + timedelta(seconds=2)
        await topics.wait_for(lambda: datetime.now(UTC) > past_deadline, worker=worker, what="the deadline passing")
        assert supervisor not in topics.escalation_ids()
        answered_at = datetime.now(UTC)
        await publish(settings, "case_updates", case_update(ev.CustomerFollowedUp(case_id="asked", actor="customer", at=answered_at,
                                                                                 text="B-1234", channel=ev.Channel.SMS)))
        await topics.wait_for(lambda: supervisor in topics.escalation_ids(), worker=worker, what="the supervisor after the pause")
    finally:
        await topics.consumer.stop()
        worker.stop()
    escalated = next(event.data for _seen, event in topics.escalations if event.id == supervisor)
    assert escalated.due_at == waiting.data.deadlines.acknowledge_by + (answered_at - asked_at)
    assert timedelta(0) <= escalated.escalated_at - escalated.due_at < timedelta(seconds=2)


BUSINESS_LADDER = """
default:
  acknowledge:
    - {level: supervisor, at: 1.0}
    - {level: manager, after: PT4S, after_business: true}
rules:
  - departments: [quality]
    clocks:
      acknowledge:
        - {level: supervisor, at: 1.0}
        - {level: manager, after: PT4S}
"""


def office_closing_at(closing: datetime) -> str:
    """A calendar file whose office closes at `closing` today: in a zone where it is about noon
    now (so the day does not end before the test does), open every day from midnight."""
    offset = 12 - closing.hour  # hours east of UTC; Etc/GMT names count the other way
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
    local = closing + timedelta(hours=offset)
    return (f"timezone: {zone}\nworking_days: [mon, tue, wed, thu, fri, sat, sun]\n"
            f'working_hours: {{start: "00:00", end: "{local:%H:%M:%S}"}}\n')


async def test_an_after_business_rung_waits_for_the_office_to_open_again(backend_env, tmp_path):
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    now = datetime.now(UTC)
    acknowledge_in = timedelta(seconds=12)  # the worker starts first
    calendar = tmp_path / "calendar.yaml"
    # The office closes 2 s after the acknowledge deadline: of the manager's 4 working seconds,
    # 2 fall today and 2 tomorrow.
    calendar.write_text(office_closing_at((now + acknowledge_in + timedelta(seconds=2)).replace(microsecond=0)))
    worker = await start_notification(worker_env(backend_env, tmp_path, BUSINESS_LADDER, NOTIFICATION_CALENDAR_FILE=str(calendar)), tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    office = routed("office-hours", priority=ev.Priority.P3, acknowledge_in=acknowledge_in, resolve_in=timedelta(hours=1), at=now)
    wall = ev.envelope(routed("wall-clock", priority=ev.Priority.P3, acknowledge_in=acknowledge_in, resolve_in=timedelta(hours=1), at=now)
                       .data.model_copy(update={"department": "quality"}), source="/test", event_id="routed-wall-clock")
    try:
        await publish(settings, "routed", office, wall)
        wall_manager = escalation_id("wall-clock", "acknowledge", "manager")
        await topics.wait_for(lambda: wall_manager in topics.escalation_ids(), worker=worker, what="the wall-clock manager")
        settle = time.monotonic() + 2
        await topics.wait_for(lambda: time.monotonic() > settle, worker=worker, what="a little longer")
    finally:
        await topics.consumer.stop()
        worker.stop()
    levels = {(event.data.case_id, event.data.level.value): event.data for _seen, event in topics.escalations}
    assert set(levels) == {("office-hours", "supervisor"), ("wall-clock", "supervisor"), ("wall-clock", "manager")}
    assert levels["wall-clock", "manager"].due_at == wall.data.deadlines.acknowledge_by + timedelta(seconds=4)


def noon_zone(moment: datetime) -> tuple[str, datetime]:
    """A time zone where it is about noon at `moment` (a test's few seconds stay on one local day), and `moment` there."""
    offset = 12 - moment.hour
    return ("Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"), moment + timedelta(hours=offset)


def digest_env(backend_env: dict[str, str], tmp_path, smtp_port: int, *, in_seconds: int, **settings: str) -> tuple[dict[str, str], datetime]:
    """A worker's environment with the daily digest `in_seconds` from now (local time of a zone
    where it is about noon), e-mailed to the SMTP sink; and the digest's time."""
    digest_time = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=in_seconds)
    zone, local = noon_zone(digest_time)
    env = worker_env(backend_env, tmp_path, NOTIFICATION_CHANNELS='["email"]', NOTIFICATION_SMTP_PORT=str(smtp_port),
                     NOTIFICATION_DEFAULT_ADDRESS="desk@corp.example", NOTIFICATION_DIGEST_AT=f"{local:%H:%M:%S}",
                     NOTIFICATION_DIGEST_TIMEZONE=zone, **settings)
    return env, digest_time


async def test_a_daily_digest_per_department_goes_out_at_its_time_once_across_a_restart(backend_env, tmp_path, smtp_sink):
    smtp_port, inbox = smtp_sink
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    env, digest_time = digest_env(backend_env, tmp_path, smtp_port, in_seconds=40,
                                  NOTIFICATION_ROLE_ADDRESSES=json.dumps({"department:packaging": "packaging@corp.example",
                                                                          "department:quality": "quality@corp.example"}))
    worker = await start_notification(env, tmp_path)
    topics = Topics(settings)
    await topics.consumer.start()
    cases = [routed(f"digest-{n}", priority=ev.Priority.P3, acknowledge_in=timedelta(hours=1), resolve_in=timedelta(days=2)) for n in range(3)]
    quality = ev.envelope(routed("digest-q", priority=ev.Priority.P3, acknowledge_in=timedelta(hours=1), resolve_in=timedelta(days=2))
                          .data.model_copy(update={"department": "quality"}), source="/test", event_id="routed-digest-q")
    digests = lambda: [(rcpt, m) for rcpt, m in inbox.messages if m["Subject"].startswith("Daily complaints digest")]  # noqa: E731
    try:
        await publish(settings, "routed", *cases, quality)
        await topics.wait_for(lambda: len(topics.sent("case_assigned")) == 4, worker=worker, what="the assignments")
        assert datetime.now(UTC) < digest_time, "the worker took too long to start for this test's digest time"
        await topics.wait_for(lambda: len(digests()) == 2, worker=worker, what="the two digests")
        sent_at = time.time()
        await topics.wait_for(lambda: handled_and_committed(settings, notification_due_topic().name(settings.topic_prefix)),
                              worker=worker, what="the digest parts committed")
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        worker = await start_notification(env, tmp_path, log_name="notification-restarted.log", port=worker.port)
        # The restarted worker rebuilds its schedule with today's digest in it (its time passed) and
        # publishes its parts again; the agent finds the day sent.
        looked = lambda: [json.loads(line) for line in worker.log_path.read_text().splitlines()  # noqa: E731
                          if '"digest parts published"' in line]
        await topics.wait_for(lambda: bool(looked()), worker=worker, what="the restarted worker's look at today's digest")
        assert looked()[0]["partitions"] == 6  # one worker: every partition
        settle = time.monotonic() + 2
        await topics.wait_for(lambda: time.monotonic() > settle, worker=worker, what="a few seconds after the restart")
    finally:
        await topics.consumer.stop()
        worker.stop()
    assert sent_at - digest_time.timestamp() < 3
    assert len(digests()) == 2  # none again after the restart
    by_recipient = {tuple(rcpt): message.get_content() for rcpt, message in digests()}
    assert set(by_recipient) == {("packaging@corp.example",), ("quality@corp.example",)}
    assert "open:                 3" in by_recipient["packaging@corp.example",] and "new (last 24 h):      3" in by_recipient["packaging@corp.example",]
    assert "open:                 1" in by_recipient["quality@corp.example",]


# --- two workers in one group (the production overlay runs two) ------------------------------
# Faust's in-memory table also holds the partitions a worker keeps as a standby or held before a
# rebalance: those cases are not the worker's to time or count.

CASES = 12  # over the six partitions of the routed topic: both workers own some


async def test_two_workers_escalate_each_case_once_and_send_one_digest_per_department(backend_env, tmp_path, smtp_sink):
    smtp_port, inbox = smtp_sink
    settings = ServiceSettings(**backend_env)
    await kafka.ensure_topics(settings)
    env, digest_time = digest_env(backend_env, tmp_path, smtp_port, in_seconds=100)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_notification(env, tmp_path / "a")
    topics = Topics(settings)
    await topics.consumer.start()
    second = None
    # Deadlines a little ahead: the second worker joins (a rebalance) while every clock is pending.
    cases = [routed(f"two-workers-{n}", priority=ev.Priority.P3, acknowledge_in=timedelta(seconds=40), resolve_in=timedelta(days=2))
             for n in range(CASES)]
    expected = {ev.derived_id("escalated", case.subject, "acknowledge", level) for case in cases for level in ("agent", "supervisor", "manager")}
    digests = lambda: [m for _rcpt, m in inbox.messages if m["Subject"].startswith("Daily complaints digest")]  # noqa: E731
    try:
        await publish(settings, "routed", *cases)
        await topics.wait_for(lambda: len(topics.sent("case_assigned")) == CASES, worker=first, what="the assignments")
        second = await start_notification(env, tmp_path / "b")
        await topics.wait_for(lambda: expected <= set(topics.escalation_ids()), worker=second, what="every rung of every case", seconds=90)
        assert datetime.now(UTC) < digest_time, "the workers took too long to start for this test's digest time"
        await topics.wait_for(lambda: len(digests()) >= 1, worker=second, what="the digest", seconds=120)
        settle = time.monotonic() + 5  # time for a second digest or a repeated rung to show
        await topics.wait_for(lambda: time.monotonic() > settle, worker=second, what="a few seconds more")
    finally:
        await topics.consumer.stop()
        first.stop()
        if second is not None:
            second.stop()
    repeated = {event_id: n for event_id, n in topics.escalation_ids().items() if n > 1}
    assert not repeated, f"{len(repeated)} rungs published more than once"
    assert set(topics.escalation_ids()) == expected
    [digest] = digests()
    body = digest.get_content()
    assert f"open:                 {CASES}" in body and f"escalated:            {CASES}" in body, body
