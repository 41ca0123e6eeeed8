"""Faust plumbing shared by routing and notification (install extra `faust`).

- `make_app`: one Faust app per service: raw bytes on the wire (no `__faust` metadata; the
  JSON is our CloudEvents envelope), acks=all, in-memory table stores rebuilt from their
  changelogs, the service's own port for /healthz, /readyz and /metrics.
- `events_of`: iterate an agent's stream as decoded events; a record that doesn't decode goes
  to the dead-letter topic with the reason and is skipped (so its offset is committed).
- `handle_or_dead_letter`: handle one event; broker failures are retried in place (never
  let out of the agent: Faust would acknowledge the event), any other error dead-letters it.
- `Publisher`: publish an event and wait for the broker's acknowledgement.
- `hold_until_topics_exist`: the worker's consumer joins its group only once every topic the
  worker uses exists (created from the topic registry, or waited for).
- `add_operations_pages`: /readyz is 200 only when the worker holds partitions of each of its
  source topics, no rebalance is running and its tables have recovered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError, KafkaTimeoutError
from faust.app.base import BootStrategy
from faust.exceptions import ProducerSendError
from faust.types import TP, Message
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from tenacity import AsyncRetrying, retry_if_exception_type, stop_never, wait_exponential

from . import events as ev
from .kafka import dead_letter_envelope, ensure_topics
from .settings import ServiceSettings
from .topics import ALL_TOPICS, DEAD_LETTER, TopicSpec, topic_of

log = logging.getLogger(__name__)


def broker_url(bootstrap_servers: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap_servers.split(",") if server.strip())


def make_app(settings: ServiceSettings, *, app_id: str, data_dir: Path, **overrides: Any) -> faust.App:
    options: dict[str, Any] = dict(
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
        # The worker creates its topics itself, from the registry, before it joins its group
        # (hold_until_topics_exist); where creating topics is not allowed, Faust must not try.
        topic_allow_declare=settings.create_topics,
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


def app_topics(app: faust.App) -> dict[str, int]:
    """The topics the app's agents read and its tables' changelogs, with their partitions (the
    partitions Faust would create them with): what the registry must list for this worker."""
    default = app.conf.topic_partitions
    topics: dict[str, int] = {}
    for agent in app.agents.values():
        channel = agent.channel
        for name in getattr(channel, "topics", ()):
            topics[name] = getattr(channel, "partitions", None) or default
    for table in app.tables.values():
        topics[table.changelog_topic.get_topic_name()] = table.partitions or default
    return topics


def source_topics(app: faust.App) -> set[str]:
    """The topics the app's agents consume (not the changelogs)."""
    return {name for agent in app.agents.values() for name in getattr(agent.channel, "topics", ())}


async def missing_topics(settings: ServiceSettings, names: Iterable[str]) -> list[str]:
    """Those of `names` the broker's metadata doesn't list with a leader for every partition.

    The metadata of all topics is asked for, not of these names: a metadata request for a
    missing topic would create it on a broker with automatic topic creation on."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        metadata = await admin.describe_topics()
    finally:
        await admin.close()
    usable = {
        topic["topic"]
        for topic in metadata
        if topic["error_code"] == 0 and topic["partitions"] and all(p["leader"] >= 0 for p in topic["partitions"])
    }
    return sorted(set(names) - usable)


class TopicGate(Service):
    """Started by the worker after its web server and before its consumer (so /readyz answers
    meanwhile): creates the worker's topics from the registry, or with
    `COMPLAINTS_CREATE_TOPICS=false` waits for them, and lets the start go on only when every
    one of them exists with leaders. A consumer that joined its group while one of its topics
    was missing would be left without that topic's partitions until the next rebalance."""

    poll_seconds = 1.0
    log_every_seconds = 30.0
    # Topics this worker (or a sibling starting beside it) has just created have no leaders for
    # a moment: a normal first start waits a second or two. Only a wait this long is a warning.
    warn_after_seconds = 15.0

    def __init__(self, app: faust.App, settings: ServiceSettings, specs: Iterable[TopicSpec], **kwargs) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.settings = settings
        self.specs = tuple(specs)
        self.passed = False

    def names(self) -> list[str]:
        return [spec.name(self.settings.topic_prefix) for spec in self.specs]

    def unregistered(self) -> list[str]:
        """Topics the app uses that the registry doesn't list, or lists with other partitions."""
        registered = {spec.name(self.settings.topic_prefix): spec.partitions for spec in self.specs}
        return sorted(name for name, partitions in app_topics(self.app).items() if registered.get(name) != partitions)

    async def on_start(self) -> None:
        if unregistered := self.unregistered():
            # A programming error (the tests compare the registry with the app): fail loudly
            # rather than join without these topics.
            raise RuntimeError(f"topics used by {self.app.conf.id} but not in the topic registry (or other partitions): {unregistered}")
        last_logged: tuple[float, list[str] | str, int] | None = None
        started = time.monotonic()
        while not self.should_stop:
            try:
                if self.settings.create_topics:
                    await ensure_topics(self.settings, self.specs, attempts=1)
                missing: list[str] | str = await missing_topics(self.settings, self.names())
            except (KafkaError, OSError) as exc:
                missing = f"broker not reachable ({type(exc).__name__})"
            if not missing:
                self.passed = True
                log.info("all topics present", extra={"topics": len(self.specs)})
                return
            now = time.monotonic()
            # Without topic creation an operator has to act, so that is a warning at once.
            level = logging.WARNING if not self.settings.create_topics or now - started >= self.warn_after_seconds else logging.INFO
            # Rate-limited: a waiting worker logs when what it waits for (or how worrying it is)
            # changes, and every 30 s.
            if last_logged is None or last_logged[1:] != (missing, level) or now - last_logged[0] >= self.log_every_seconds:
                log.log(
                    level,
                    "waiting for topics before joining the consumer group",
                    extra={"missing": missing, "create_topics": self.settings.create_topics},
                )
                last_logged = (now, missing, level)
            await self.sleep(self.poll_seconds)

    async def check(self) -> bool:
        return self.passed


class _TopicsBeforeConsumer(BootStrategy):
    def __init__(self, app: faust.App, gate: TopicGate) -> None:
        super().__init__(app)
        self.gate = gate

    def kafka_consumer(self):
        # The services start in this order; the gate's start returns once the topics exist.
        return [self.gate, *super().kafka_consumer()]


def hold_until_topics_exist(app: faust.App, settings: ServiceSettings, specs: Iterable[TopicSpec]) -> TopicGate:
    """Make the worker create (or wait for) `specs` before its consumer joins the group."""
    gate = TopicGate(app, settings, specs)
    app.boot_strategy = _TopicsBeforeConsumer(app, gate)
    return gate


def assignment_ready(app: faust.App) -> bool:
    """No rebalance running and at least one partition of each source topic held.

    With several workers the group's assignment is not known here; as long as no worker
    has fewer partitions than there are workers (6 per source topic), every worker holds
    some of each source topic, so a worker that holds none is not working yet."""
    if app.rebalancing:
        return False
    try:
        assigned = {tp.topic for tp in app.consumer.assignment()}
    except Exception:  # noqa: BLE001 - the consumer is not started yet
        return False
    return bool(assigned) and source_topics(app) <= assigned


def recovery_ready(app: faust.App) -> bool:
    """The tables have been rebuilt from their changelogs (Faust's recovery completed)."""
    recovery = app.tables.recovery  # type: ignore[attr-defined]  # TableManager's, not in TableManagerT
    return recovery.completed.is_set() and not recovery.in_recovery


def add_operations_pages(app: faust.App, checks: dict[str, Callable[[], Awaitable[bool]]]) -> None:
    """/healthz, /metrics and /readyz: `checks` plus the worker's assignment and recovery."""

    async def assignment() -> bool:
        return assignment_ready(app)

    async def recovery() -> bool:
        return recovery_ready(app)

    checks = checks | {"assignment": assignment, "recovery": recovery}

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
        self.bootstrap_servers = settings.kafka_bootstrap_servers
        self.group_id = app.conf.id  # Faust's consumer group is the app id
        self.offset_watch = OffsetWatch(app)
        # Compaction leaves gaps, possibly up to the end: a compacted topic's stream is not watched.
        self.stall_watch = StallWatch(app, self.offset_watch, stalled_after=settings.stream_stall_seconds,
                                      unwatched={spec.name(self.prefix) for spec in ALL_TOPICS if spec.compacted},
                                      committed=partial(group_committed, settings.kafka_bootstrap_servers, app.conf.id))

    def acknowledge(self, topic: str, partition: int, offsets: Iterable[int]) -> None:
        """Tell Faust's consumer these offsets are done (records fetched outside its stream)."""
        tp = TP(topic, partition)
        for offset in offsets:
            self.app.consumer.ack(Message(topic, partition, offset, 0.0, 0, None, None, None, None, tp=tp))

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
        """Send the record to the dead-letter topic and wait for the broker's acknowledgement,
        retrying while the broker is away: the record is acknowledged only after this returns."""
        event = dead_letter_envelope(message, reason=reason, consumer=consumer, source=self.source)
        async for attempt in _until_the_broker_answers(consumer, "dead letter"):
            with attempt:
                await self.app.producer.send_and_wait(DEAD_LETTER.name(self.prefix), message.key, ev.encode(event), None, None, None)


STREAM_OFFSET_GAPS = Counter(
    "stream_offset_gaps_total", "Records an agent's stream skipped in a partition it kept (then fetched and handled)", ["topic"]
)


class OffsetWatch:
    """Notices when an agent's stream skips offsets of a partition it kept.

    Seen in the long fault run: after the broker came back and the worker's session had
    expired, Faust rejoined the group, got the same partitions back, and its streams went on
    3-4 records further in every partition: records fetched before the rejoin were never
    handed to the agent, and later commits moved past them (the lost complaints) or stopped
    at them for good (a partition whose commit stayed behind). Our topics are neither
    compacted nor transactional, so consecutive records of a partition have consecutive
    offsets and a skip is never legitimate. Going back is normal (redelivery after a
    rebalance); the watch forgets a partition when it is revoked, since another worker
    handles it meanwhile."""

    def __init__(self, app: faust.App) -> None:
        self.app = app
        self.last: dict[tuple[str, int], int] = {}

        @app.on_partitions_revoked.connect
        def forget(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:  # noqa: ARG001 - Faust's signal signature
            for tp in args[0] if args else kwargs.get("revoked", ()):
                self.last.pop((tp.topic, tp.partition), None)

    def seen(self, message) -> range | None:
        """Record `message`; the offsets skipped just before it, if any."""
        key = (message.topic, message.partition)
        last = self.last.get(key)
        if last is None:
            # The first record of a partition since it was assigned starts where the group's
            # committed offset does (the first loss seen was the first record after a restart).
            committed = self.committed(message.topic, message.partition)
            last = None if committed is None else committed - 1
        self.last[key] = message.offset
        if last is None or message.offset <= last + 1:
            return None
        skipped = range(last + 1, message.offset)
        STREAM_OFFSET_GAPS.labels(message.topic).inc(len(skipped))
        log.warning(
            "stream skipped offsets; fetching them",
            extra={"topic": message.topic, "partition": message.partition, "after": last, "next": message.offset},
        )
        return skipped

    def start_unknown(self, message) -> bool:
        """Whether the watch cannot tell a skip before `message` of a partition this worker holds:
        it saw none of its records, and Faust's consumer knows no committed offset (it knows
        none for a partition the group never committed, nor one committed at 0)."""
        return ((message.topic, message.partition) not in self.last and self.committed(message.topic, message.partition) is None
                and self.holds(message.topic, message.partition))

    def holds(self, topic: str, partition: int) -> bool:
        """The partition is assigned to this worker's consumer (not so in `agent.test_context()`)."""
        try:
            return TP(topic, partition) in self.app.consumer.assignment()
        except Exception:  # noqa: BLE001 - no consumer started (unit tests)
            return False

    def starts_at(self, message, offset: int) -> None:
        """The partition of `message` is read from `offset` (found on the broker)."""
        self.last.setdefault((message.topic, message.partition), offset - 1)

    def committed(self, topic: str, partition: int) -> int | None:
        """The group's committed offset of the partition as Faust's consumer knows it."""
        try:
            offsets = self.app.consumer._committed_offset  # type: ignore[attr-defined]  # not in Faust's public types
        except Exception:  # noqa: BLE001 - no consumer yet (unit tests)
            return None
        return offsets.get(TP(topic, partition))


STREAM_STALLS = Counter(
    "stream_stalls_total", "Times an agent's stream waited for records its assigned partitions held and the worker sought them again", ["topic"]
)


async def group_committed(bootstrap_servers: str, group_id: str, partitions: list[TP]) -> dict[TP, int]:
    """The group's committed offsets of `partitions`, as the broker has them (-1: none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group_id, partitions=[TopicPartition(tp.topic, tp.partition) for tp in partitions])
    finally:
        await admin.close()
    return {TP(tp.topic, tp.partition): meta.offset for tp, meta in found.items()}


def _stream_topics(stream: Any) -> tuple[str, ...]:
    channel = getattr(stream, "channel", None)
    return tuple(getattr(channel, "topics", ()) or ())


class StallWatch:
    """Notices an agent's stream that waits for records the broker holds for it, and gets it going.

    Seen once in ten `make test` runs (test_crash_recovery): a routing worker restarted after
    kill -9 skipped records of every by-customer partition (fetched by `records_of`), took one
    more record of each, and then none for 180 s while 300 waited — no error, no rebalance, no
    recovery. Faust hands a stream only the records of partitions it counts as active (it
    takes partitions out while it recovers tables and under buffer pressure); a partition
    left out is never fetched again. Whatever the cause, this is what it looks like from
    outside: the stream has waited `stalled_after` seconds for its next record while a
    partition of its topic assigned to this worker holds records past the last one handed
    over, and the group's commit on the broker stays behind the end. Then the watch logs Faust's
    view of the partitions and does what Faust's own recovery does to resume: seek to the
    committed offsets (a partition the group never committed, to its first offset), resume the
    partitions and the flow. Handlers are idempotent on the event id: a record handed over
    again is a duplicate, never a loss.

    It also repairs a second state, seen in the two-worker notification test: after a
    rebalance a worker kept a partition whose last records it had handled but not committed
    before the revocation; Faust forgot them, so the commit stayed behind until another record
    came (and a restart would have handled them again).

    A partition can stall alone while the stream's other partitions keep delivering (Faust
    leaves out partitions one by one), so the watch also looks at each partition: one found
    holding records past the last one handed over, and handing nothing over for
    `stalled_after` since, is stalled as well, as long as its stream is moving (it delivered a
    record of another partition within `stalled_after`) or waiting. An agent busy with one
    record for that long is neither, and is left alone.
    """

    def __init__(
        self, app: faust.App, offsets: OffsetWatch, *, stalled_after: float, committed: Callable[[list[TP]], Awaitable[dict[TP, int]]],
        unwatched: Iterable[str] = (), clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app, self.offsets, self.stalled_after, self.clock = app, offsets, stalled_after, clock
        self.committed = committed
        self.unwatched = frozenset(unwatched)
        self.waiting_since: dict[str, float] = {}  # topic → when its stream began waiting for a record
        self.delivered_at: dict[str, float] = {}  # topic → when its stream last handed a record over
        self.behind_since: dict[TP, float] = {}  # partition → since when it holds records and hands none over
        self.ready_since: float | None = None  # waiting counts from here: not while rebalancing or recovering

        @app.timer(max(1.0, stalled_after / 4), name=f"{app.conf.id}-stall-watch")
        async def watch_for_stalls() -> None:
            await self.check_safely()

        @app.on_partitions_assigned.connect
        def reassigned(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:  # noqa: ARG001 - Faust's signal signature
            self.ready_since = None

    def waiting(self, topics: Iterable[str]) -> None:
        now = self.clock()
        for topic in topics:
            if topic not in self.unwatched:
                self.waiting_since.setdefault(topic, now)

    def delivered(self, topics: Iterable[str], message: Any = None) -> None:
        now = self.clock()
        for topic in topics:
            self.waiting_since.pop(topic, None)
            self.delivered_at[topic] = now
        if message is not None:
            self.behind_since.pop(TP(message.topic, message.partition), None)

    def next_offset(self, tp: TP) -> int:
        last = self.offsets.last.get((tp.topic, tp.partition))
        if last is not None:
            return last + 1
        committed = self.offsets.committed(tp.topic, tp.partition)
        return committed if committed is not None and committed >= 0 else 0

    async def stalled(self) -> list[TP]:
        """The assigned partitions whose stream has waited too long while they hold records."""
        if self.app.rebalancing or not recovery_ready(self.app):
            self.ready_since = None
            return []
        now = self.clock()
        if self.ready_since is None:
            self.ready_since = now
        ready_since = self.ready_since

        def waited_long_enough(since: float) -> bool:
            return now - max(since, ready_since) >= self.stalled_after

        waiting = {topic for topic, since in self.waiting_since.items() if waited_long_enough(since)}
        # Streams that are waiting or moving: a partition of theirs may be left out on its own.
        streams = {topic for topic in (*self.waiting_since, *self.delivered_at) if topic not in self.unwatched}
        moving = {topic for topic in streams if topic in self.waiting_since or now - self.delivered_at[topic] < self.stalled_after}
        assigned = [tp for tp in self.app.consumer.assignment() if tp.topic in streams]
        if not assigned:
            return []
        ends = await self.app.consumer.highwaters(*assigned)
        starts = await self.app.consumer.earliest_offsets(*assigned)
        holding = {tp for tp in assigned if ends.get(tp, 0) > max(self.next_offset(tp), starts.get(tp, 0))}
        for tp in set(self.behind_since) - holding:
            del self.behind_since[tp]
        for tp in holding:
            self.behind_since.setdefault(tp, now)
        behind = [tp for tp in assigned if tp in holding and (
            tp.topic in waiting or (tp.topic in moving and waited_long_enough(self.behind_since[tp])))]
        if not behind:
            return []
        # The worker may not know where a partition it was just given stands (nothing handed
        # over since, its committed offset not read): the group's commit on the broker decides.
        # A stalled partition's commit stays behind its end; a caught-up one's is at the end.
        committed = await self.committed(behind)
        return [tp for tp in behind if ends.get(tp, 0) > max(committed.get(tp, -1), starts.get(tp, 0))]

    async def check_safely(self) -> None:
        """`check` for Faust's timer: an exception would end the timer and with it the worker."""
        try:
            await self.check()
        except BROKER_ERRORS:
            log.info("stall check skipped: the broker did not answer")  # the outage is reported where it hurts
        except Exception:  # noqa: BLE001 - the watch must never take the worker down
            log.exception("stall check failed")

    async def check(self) -> list[TP]:
        stalled = await self.stalled()
        if not stalled:
            return []
        consumer: Any = self.app.consumer  # Faust's partition bookkeeping is not in its public types
        # A WARNING: the watch repairs it. `stream_stalls_total` is what to alert on.
        log.warning(
            "stream stalled: the group's commit stays behind the end of partitions assigned here and no record comes; "
            "seeking to the committed offsets",
            extra={
                "partitions": sorted(f"{tp.topic}/{tp.partition}@{self.next_offset(tp)}" for tp in stalled),
                "active": sorted(f"{tp.topic}/{tp.partition}" for tp in stalled if tp in consumer._get_active_partitions()),
                "paused": sorted(f"{tp.topic}/{tp.partition}" for tp in stalled if tp in consumer._paused_partitions),
                "buffered": sorted(f"{tp.topic}/{tp.partition}" for tp in stalled if tp in consumer._buffered_partitions),
                "flow_active": consumer.flow_active,
            },
        )
        for tp in stalled:
            STREAM_STALLS.labels(tp.topic).inc()
        await consumer.perform_seek()
        await self.seek_uncommitted(stalled)
        consumer.resume_partitions(stalled)
        consumer.resume_flow()
        self.app.flow_control.resume()
        now = self.clock()
        for tp in stalled:
            self.offsets.last.pop((tp.topic, tp.partition), None)  # from the committed offset again
            self.waiting_since[tp.topic] = now  # its clock starts again
            self.behind_since[tp] = now
        return stalled


    async def seek_uncommitted(self, stalled: list[TP]) -> None:
        """Seek the stalled partitions the group has no commit above 0 for to where the group
        reads them from. `perform_seek` leaves those where their fetch position stands (aiokafka
        seeks only to a commit above 0), and a restarted routing worker's position stood past
        records of a never-committed partition it had fetched and never handed over: the
        stream stayed silent through every remedy (tests/faults/test_routing_kills.py)."""
        committed = await self.committed(stalled)
        uncommitted = [tp for tp in stalled if committed.get(tp, -1) <= 0]
        if not uncommitted:
            return
        starts = await self.app.consumer.earliest_offsets(*uncommitted)
        for tp in uncommitted:
            await self.app.consumer.seek(tp, max(committed.get(tp, -1), starts.get(tp, 0)))


async def partition_start(bootstrap_servers: str, group_id: str, topic: str, partition: int) -> int:
    """Where `group_id` reads a partition from: its committed offset on the broker, or, with
    none, the partition's first offset (the workers' auto_offset_reset is earliest); retried
    while the broker is away."""
    async for attempt in _until_the_broker_answers("stream", "reading where a partition starts"):
        with attempt:
            committed = (await group_committed(bootstrap_servers, group_id, [TP(topic, partition)])).get(TP(topic, partition), -1)
            if committed >= 0:
                return committed
            consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
            await consumer.start()
            try:
                tp = TopicPartition(topic, partition)
                return (await consumer.beginning_offsets([tp]))[tp]
            finally:
                await consumer.stop()
    raise AssertionError("unreachable: the retrying re-raises")


async def fetch_records(bootstrap_servers: str, topic: str, partition: int, offsets: range) -> list[ConsumerRecord]:
    """The records at `offsets` of one partition, read by a consumer of no group (nothing is
    committed); retried while the broker is away."""
    async for attempt in _until_the_broker_answers("stream", "fetching skipped records"):
        with attempt:
            consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
            await consumer.start()
            try:
                tp = TopicPartition(topic, partition)
                consumer.assign([tp])
                consumer.seek(tp, offsets.start)
                records: list[ConsumerRecord] = []
                while not records or records[-1].offset < offsets.stop - 1:
                    batch = await consumer.getmany(tp, timeout_ms=10_000, max_records=len(offsets))
                    if not batch:
                        raise KafkaTimeoutError(f"no records at {topic}/{partition}/{offsets.start}")
                    records += [r for r in batch.get(tp, []) if r.offset in offsets]
                return records
            finally:
                await consumer.stop()
    raise AssertionError("unreachable: the retrying re-raises")


async def records_of(stream, *, publisher: Publisher) -> AsyncIterator[Any]:
    """The messages of a Faust stream, with any records the stream skipped fetched and handed
    over first, in offset order (handlers are idempotent on the event id, so a record that was
    handled after all costs a duplicate, never a loss). Once the agent has handled them they are
    acknowledged to Faust, so its commits move past records that were handled, not past records
    never seen, and do not stop behind them for good."""
    watch, stalls, topics = publisher.offset_watch, publisher.stall_watch, _stream_topics(stream)
    stalls.waiting(topics)
    async for record in stream.events():
        message = record.message
        stalls.delivered(topics, message)
        if watch.start_unknown(message):
            # A partition the group never committed: Faust would commit past records its
            # stream skipped before this one without noticing (its gap check needs a commit).
            watch.starts_at(message, await partition_start(publisher.bootstrap_servers, publisher.group_id, message.topic, message.partition))
        skipped = watch.seen(message)
        if skipped:
            missed = await fetch_records(publisher.bootstrap_servers, message.topic, message.partition, skipped)
            for missed_record in missed:
                yield missed_record
            publisher.acknowledge(message.topic, message.partition, [r.offset for r in missed])
        yield message
        stalls.waiting(topics)


async def events_of(
    stream, *, expect: tuple[type[ev.Contract], ...], publisher: Publisher, consumer: str
) -> AsyncIterator[tuple[ev.Event, Any]]:
    """Decoded events of a Faust stream, with the raw Faust message; bad records dead-lettered."""
    async for message in records_of(stream, publisher=publisher):
        try:
            event = ev.decode(message.value, expect=expect)
        except ev.EventDecodeError as exc:
            await publisher.dead_letter(message, reason=str(exc), consumer=consumer)
            continue
        yield event, message


# Broker-side failures: aiokafka's, and Faust's wrapper of them (`ProducerSendError` is not a
# KafkaError). They say nothing about the record, so the record is never dead-lettered for them.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KafkaError, ProducerSendError)


def _until_the_broker_answers(consumer: str, what: str) -> AsyncRetrying:
    """Retry a broker failure for as long as it lasts (a shutdown cancels the wait).

    An exception must not leave an agent's event: Faust acknowledges the event a stream was
    on when the exception passes through it (`Stream` acks in a `finally`), and a later commit
    then moves past it: the record would be lost. So the agent stays on the record instead."""
    return AsyncRetrying(
        retry=retry_if_exception_type(BROKER_ERRORS),
        wait=wait_exponential(multiplier=0.2, max=5),
        stop=stop_never,
        reraise=True,
        before_sleep=lambda state: log.warning(
            "broker failure, retrying",
            extra={
                "consumer": consumer,
                "retrying": what,
                "attempt": state.attempt_number,
                "error": type(state.outcome.exception()).__name__ if state.outcome else "unknown",
            },
        ),
    )


async def handle_or_dead_letter(publisher: Publisher, message, handle: Callable[[], Awaitable[object]], *, consumer: str) -> None:
    """Handle one event (`handle` runs again after a broker failure; handlers are idempotent
    on the event id). Any other error is the record's: it goes to the dead-letter topic with
    the reason, instead of crashing the agent into a loop on it."""
    try:
        async for attempt in _until_the_broker_answers(consumer, "handling"):
            with attempt:
                await handle()
    except Exception as exc:  # noqa: BLE001 - not a broker failure (those are retried above)
        log.exception("handling failed", extra={"consumer": consumer, "topic": message.topic, "offset": message.offset})
        await publisher.dead_letter(message, reason=f"{type(exc).__name__}: {exc}", consumer=consumer)


def run_worker(app: faust.App, *, loglevel: str) -> None:
    """Run the Faust worker in the foreground until SIGTERM/SIGINT (it then stops cleanly)."""
    # quiet: no banner; our JSON logging stays in charge.
    worker = faust.Worker(app, loglevel=loglevel, override_logging=False, redirect_stdouts=False, quiet=True)
    # No progress spinner: Faust makes one whatever `quiet` says, and at start-up it writes
    # backspaces and "show cursor" (ESC[?25h) into the log even when stdout is not a terminal.
    # Without it the worker logs "Ready" instead (Worker.spinner is Optional in Faust).
    worker.spinner = None
    worker.execute_from_commandline()
