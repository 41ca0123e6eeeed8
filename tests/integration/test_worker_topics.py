"""The Faust workers on an installation whose topics don't exist yet (a fresh topic prefix is an
empty broker for that installation): they create every topic they use, internal ones included,
before joining their consumer group, so the first complaint is routed; with
COMPLAINTS_CREATE_TOPICS=false they wait, not ready, until someone else creates them.
The topics on the broker are compared with the topic registry, so the registry cannot drift
from what the workers really use."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from complaints_shared.topics import ALL_TOPICS, TopicSpec, notification_internal_topics, routing_internal_topics
from processes import ServiceProcess, start_service, wait_ready

pytestmark = pytest.mark.integration

COMPLAINT = ev.ComplaintReceived(
    case_id="case-first", channel=ev.Channel.SMS, text="快递三天了还没到，单号SF123456789。",
    customer=ev.CustomerContact(phone="13900000001"), received_at=datetime.now(UTC),
)


async def _publish_complaint(settings: ServiceSettings) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        await kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/test").publish(COMPLAINT, event_id="rcv-first")
    finally:
        await producer.stop()


async def _first_routed(settings: ServiceSettings, timeout: float) -> ev.ComplaintRouted | None:
    consumer = AIOKafkaConsumer(settings.topic("routed"), bootstrap_servers=settings.kafka_bootstrap_servers, auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                return ev.decode(records[0].value).data
    finally:
        await consumer.stop()
    return None


async def _topics_on_broker(settings: ServiceSettings) -> dict[str, tuple[int, str]]:
    """name → (partitions, cleanup.policy) of the topics under this installation's prefix."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        found = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics() if t["topic"].startswith(settings.topic_prefix)}
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, {"cleanup.policy": None}) for name in found])
        policies = {
            resource[3]: {entry[0]: entry[1] for entry in resource[4]}["cleanup.policy"]
            for response in responses
            for resource in response.resources
        }
    finally:
        await admin.close()
    return {name: (partitions, policies[name]) for name, partitions in found.items()}


def _expected(settings: ServiceSettings, specs: tuple[TopicSpec, ...]) -> dict[str, tuple[int, str]]:
    return {spec.name(settings.topic_prefix): (spec.partitions, "compact" if spec.compacted else "delete") for spec in specs}


def _readyz(service: ServiceProcess) -> httpx.Response:
    """The first answer of /readyz (the web server is up before the consumer joins)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert service.process.poll() is None, service.log_tail()
        try:
            return httpx.get(f"{service.url}/readyz", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{service.name} never answered:\n{service.log_tail()}")


def _wait_for_log(service: ServiceProcess, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in service.log_path.read_text(errors="replace").splitlines():
            if text in line:
                return line
        time.sleep(0.2)
    raise AssertionError(f"no log line with {text!r}:\n{service.log_tail()}")


@pytest.fixture
def start(tmp_path):
    started: list[ServiceProcess] = []

    def _start(name: str, env: dict[str, str]) -> ServiceProcess:
        service = start_service(name, env=env, workdir=tmp_path)
        started.append(service)
        return service

    yield _start
    for service in started:
        assert service.stop() in (0, -15), service.log_tail()


def test_routing_on_an_empty_installation_routes_the_first_complaint(backend_env, start):
    settings = ServiceSettings(**backend_env)
    routing = start("routing", backend_env)
    wait_ready(routing)
    # Posted as soon as routing says it is ready: before the fix the worker could join its group
    # before its by-customer topic existed, and the complaint then stayed unrouted for good.
    asyncio.run(_publish_complaint(settings))
    routed = asyncio.run(_first_routed(settings, timeout=30))
    assert routed is not None, routing.log_tail()
    assert routed.case_id == COMPLAINT.case_id
    # What the worker created and uses is exactly what the registry lists.
    assert asyncio.run(_topics_on_broker(settings)) == _expected(settings, (*ALL_TOPICS, *routing_internal_topics()))


def test_notification_creates_the_registered_topics(backend_env, start):
    settings = ServiceSettings(**backend_env)
    wait_ready(start("notification", backend_env))
    assert asyncio.run(_topics_on_broker(settings)) == _expected(settings, (*ALL_TOPICS, *notification_internal_topics()))


def test_without_topic_creation_routing_waits_for_the_topics_and_is_not_ready_meanwhile(backend_env, start):
    env = backend_env | {"COMPLAINTS_CREATE_TOPICS": "false"}
    settings = ServiceSettings(**env)
    routing = start("routing", env)

    waiting = _wait_for_log(routing, "waiting for topics before joining the consumer group")
    assert f"{settings.topic_prefix}routing-by-customer" in waiting and settings.topic("received") in waiting
    response = _readyz(routing)
    assert response.status_code == 503
    assert response.json()["checks"] == {"kafka": True, "topics": False, "assignment": False, "recovery": False}
    assert asyncio.run(_topics_on_broker(settings)) == {}  # it created nothing

    # The operator creates the topics listed in the registry; the worker goes on by itself.
    asyncio.run(kafka.ensure_topics(settings, (*ALL_TOPICS, *routing_internal_topics())))
    wait_ready(routing)
    response = httpx.get(f"{routing.url}/readyz", timeout=5)
    assert response.json()["checks"] == {"kafka": True, "topics": True, "assignment": True, "recovery": True}
    asyncio.run(_publish_complaint(settings))
    assert asyncio.run(_first_routed(settings, timeout=30)) is not None, routing.log_tail()


def test_a_worker_waiting_for_topics_stops_cleanly_on_sigterm(backend_env, start):
    routing = start("routing", backend_env | {"COMPLAINTS_CREATE_TOPICS": "false"})
    _wait_for_log(routing, "waiting for topics before joining the consumer group")
    assert routing.stop(timeout=15) == 0, routing.log_tail()
