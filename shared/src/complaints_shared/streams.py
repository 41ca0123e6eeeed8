"""Faust plumbing shared by routing and notification (install extra `faust`).

- `make_app`: one Faust app per service: raw bytes on the wire (no `__faust` metadata; the
  JSON is our CloudEvents envelope), acks=all, in-memory table stores rebuilt from their
  changelogs, the service's own port for /healthz, /readyz and /metrics.
- `events_of`: iterate an agent's stream as decoded events; a record that doesn't decode goes
  to the dead-letter topic with the reason and is skipped (so its offset is committed).
- `Publisher`: publish an event and wait for the broker's acknowledgement.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import faust
from aiokafka.errors import KafkaError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import events as ev
from .kafka import dead_letter_envelope
from .settings import ServiceSettings
from .topics import DEAD_LETTER, topic_of

log = logging.getLogger(__name__)


def broker_url(bootstrap_servers: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap_servers.split(",") if server.strip())


def make_app(settings: ServiceSettings, *, app_id: str, data_dir: Path, **overrides) -> faust.App:
    options = dict(
        broker=broker_url(settings.kafka_bootstrap_servers),
        value_serializer="raw",
        key_serializer="raw",
        store="memory://",
        producer_acks=-1,
        # Without a linger every send became its own batch and produce request: 10 ms of linger
        # cut a worker's CPU per message by about a fifth (bench/faust_floor.py: 0.88 → 0.69 ms),
        # for at most 10 ms more latency per hop.
        producer_linger=settings.stream_producer_linger_ms / 1000,
        consumer_auto_offset_reset="earliest",
        # A worker that died without leaving the group holds its partitions this long.
        broker_session_timeout=20.0,
        broker_heartbeat_interval=3.0,
        topic_replication_factor=settings.topic_replication_factor,
        topic_partitions=6,
        topic_disable_leader=True,
        web_enabled=True,
        web_host=settings.host,
        web_bind=settings.host,
        web_port=settings.port,
        # Faust's own pages would serve table contents (customer contact data) with no key:
        # only /healthz, /readyz and /metrics are served.
        web_router_enabled=False,
        web_tables_enabled=False,
        web_graph_enabled=False,
        web_stats_enabled=False,
        web_metrics_enabled=False,
        datadir=str(data_dir),
        autodiscover=False,
        # Faust's own internal topics (changelogs, repartitions) carry the installation prefix too.
        id=f"{settings.topic_prefix}{app_id}",
    )
    return faust.App(**(options | overrides))


def add_operations_pages(app: faust.App, checks: dict[str, Callable[[], Awaitable[bool]]]) -> None:
    @app.task
    async def announce() -> None:
        log.info("%s ready", app.conf.id, extra={"port": app.conf.web_port, "agents": sorted(app.agents)})

    @app.page("/healthz")
    async def healthz(web, request):  # noqa: ARG001 - Faust's view signature
        return web.json({"status": "alive"})

    @app.page("/readyz")
    async def readyz(web, request):  # noqa: ARG001
        results = {name: await check() for name, check in checks.items()}
        ok = all(results.values())
        return web.json({"status": "ready" if ok else "not ready", "checks": results}, status=200 if ok else 503)

    @app.page("/metrics")
    async def metrics(web, request):  # noqa: ARG001
        # aiohttp refuses a content_type argument with a charset; the header carries it whole.
        return web.bytes(generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


class Publisher:
    """Publishes events through the Faust app's producer.

    `publish` inside an agent attaches the message to the event being processed: Faust
    publishes it, and waits for the broker's acknowledgement, before it commits that event's
    offset (and flushes the producer before every commit), so a crash re-processes the event
    rather than losing the message — without a broker round trip per event.
    `publish_acknowledged` returns only after the broker's ack: for timers and anything else
    that acts on the fact that the event is out.
    """

    def __init__(self, app: faust.App, settings: ServiceSettings, *, source: str) -> None:
        self.app = app
        self.prefix = settings.topic_prefix
        self.source = source
        self._topics: dict[str, faust.TopicT] = {}

    def _wire(self, data: ev.Contract, event_id: str | None) -> tuple[ev.Event, str, bytes | None, bytes]:
        event = ev.envelope(data, source=self.source, event_id=event_id)
        key = event.subject.encode() if event.subject else None
        return event, topic_of(type(data)).name(self.prefix), key, ev.encode(event)

    async def publish(self, data: ev.Contract, event_id: str | None = None) -> ev.Event:
        event, name, key, value = self._wire(data, event_id)
        topic = self._topics.get(name) or self._topics.setdefault(name, self.app.topic(name, key_type=bytes, value_type=bytes))
        await topic.send(key=key, value=value)
        return event

    async def publish_acknowledged(self, data: ev.Contract, event_id: str | None = None) -> ev.Event:
        event, name, key, value = self._wire(data, event_id)
        await self.app.producer.send_and_wait(name, key, value, None, None, None)
        return event

    async def dead_letter(self, message, *, reason: str, consumer: str) -> None:
        event = dead_letter_envelope(message, reason=reason, consumer=consumer, source=self.source)
        await self.app.producer.send_and_wait(DEAD_LETTER.name(self.prefix), message.key, ev.encode(event), None, None, None)


async def events_of(
    stream, *, expect: tuple[type[ev.Contract], ...], publisher: Publisher, consumer: str
) -> AsyncIterator[tuple[ev.Event, object]]:
    """Decoded events of a Faust stream, with the raw Faust message; bad records dead-lettered."""
    async for record in stream.events():
        message = record.message
        try:
            event = ev.decode(message.value, expect=expect)
        except ev.EventDecodeError as exc:
            await publisher.dead_letter(message, reason=str(exc), consumer=consumer)
            continue
        yield event, message


@contextlib.asynccontextmanager
async def dead_letter_on_error(publisher: Publisher, message, *, consumer: str) -> AsyncIterator[None]:
    """Around the handling of one event: an error that is not the broker's sends the record to
    the dead-letter topic with the reason, instead of crashing the agent into a loop on it.
    Broker errors propagate: the event is not committed and comes again."""
    try:
        yield
    except KafkaError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything else is this record's problem
        log.exception("handling failed", extra={"consumer": consumer, "topic": message.topic, "offset": message.offset})
        await publisher.dead_letter(message, reason=f"{type(exc).__name__}: {exc}", consumer=consumer)


def run_worker(app: faust.App, *, loglevel: str) -> None:
    """Run the Faust worker in the foreground until SIGTERM/SIGINT (it then stops cleanly)."""
    # quiet: no banner or terminal spinner; our JSON logging stays in charge.
    worker = faust.Worker(app, loglevel=loglevel, override_logging=False, redirect_stdouts=False, quiet=True)
    worker.execute_from_commandline()
