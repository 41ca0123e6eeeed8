"""The fault harness: the whole platform on its own broker and store, complaints posted at a
steady rate while processes are killed, restarted and frozen; then a reconciliation of what
was acknowledged against what was archived, routed, escalated and dead-lettered.

As a library: `run(Config(...))` returns a `Report`. As a script:

    .venv/bin/python tests/faults/harness.py --complaints 20000 --repeat 3 --json faults.json

Each fault, in turn, while intake keeps receiving complaints:
- kill:<service>  SIGKILL intake, routing, notification or archive, then start it again;
- kill:broker     SIGKILL the Kafka broker, then start it again (same data folder);
- kill:store      SIGKILL the MongoDB-wire store, then start it again (same data file);
- stop:<service>  SIGSTOP a consumer for longer than its group session timeout, then SIGCONT.

The client behaves as a well-behaved client must: a request that gets no 2xx (a 503 while
the broker is away, a refused connection while intake is down) is sent again, the same body
with the same Idempotency-Key and external_id, until it is acknowledged or its deadline passes.

Checks (from MongoDB, archive's `cases` (timelines) and `events` collections, read directly):
- every acknowledged complaint is archived (its received event) and routed (its routed event);
- exactly once: one received and one routed event id per case, no event id twice in a case's
  timeline;
- escalations: a third of the complaints are dated 60 days back, so each deadline of those
  that are valid is past: exactly one supervisor escalation per (case, deadline) is expected,
  none for the others (manager escalations are set a year out);
- the dead-letter topic (archived too) holds exactly the malformed raw records the harness
  published, nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from complaints_shared import topics
from pymongo import MongoClient
from pymongo.errors import PyMongoError

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from backends import INFRA, REPO, NoBackend  # noqa: E402 - after the path above
from processes import SERVICES, ServiceProcess, free_port, start_service, wait_ready  # noqa: E402
from topic_records import group_positions, raw_records_on  # noqa: E402

API_KEY = "fault-harness-key"
RECEIVED = "org.complaints.complaint.received.v1"
ROUTED = "org.complaints.complaint.routed.v1"
ESCALATED = "org.complaints.case.escalated.v1"
DEAD_LETTERED = "org.complaints.event.dead_lettered.v1"
# How long each consumer's group keeps a silent member: archive's aiokafka consumer (default
# 10 s), the Faust workers (broker_session_timeout 20 s). A SIGSTOP lasts longer than that.
SESSION_TIMEOUT = {"archive": 10.0, "intake": 10.0, "routing": 20.0, "notification": 20.0}
ALL_FAULTS = (
    "kill:intake", "kill:routing", "kill:notification", "kill:archive", "kill:broker", "kill:store", "stop:archive", "stop:routing",
)
TEXTS = (
    "The kettle I bought stopped heating after two days, order K-{i}. Please replace it.",
    "I was charged twice for order P-{i}, please refund one of the two payments.",
    "My parcel {i} was marked delivered but never arrived at my address.",
    "The washing machine from order W-{i} leaks water on the floor every time it runs.",
    "Your agent promised a call back about ticket {i} and nobody ever called me.",
)


@dataclass
class Config:
    complaints: int = 300
    rate: float = 2.5  # complaints posted per second
    repeat: int = 1  # how many times each fault is applied
    faults: tuple[str, ...] = ALL_FAULTS
    gap_seconds: float = 4.0  # steady traffic between two faults
    down_seconds: float = 2.0  # how long a killed process stays down
    old_share: int = 3  # every old_share-th complaint is dated 60 days back (escalations due)
    bad_raw_records: int = 4  # malformed raw records published (half before, half after the faults)
    ack_deadline_seconds: float = 180.0  # a client gives up a complaint after this
    converge_seconds: float = 240.0  # after the last post, how long everything may take to arrive
    workdir: Path | None = None
    keep: bool = False


@dataclass
class Sent:
    number: int
    external_id: str
    old: bool
    first_sent: float = 0.0
    acknowledged_at: float | None = None
    case_id: str | None = None
    attempts: int = 0
    last_error: str = ""
    given_up: bool = False  # the client stopped trying (a 4xx, or its deadline)


@dataclass
class FaultRecord:
    fault: str
    round: int
    injected_at: float
    restarted_at: float | None = None
    ready_at: float | None = None
    first_archived_after: float | None = None  # seconds from restart to the first newly posted complaint archived
    first_routed_after: float | None = None
    note: str = ""


@dataclass
class Report:
    sent: int
    acknowledged: int
    unacknowledged: int
    archived: int
    routed: int
    lost: int
    lost_archive: list[str]
    lost_routing: list[str]
    duplicated: int
    duplicates: list[str]
    escalations_expected: int
    escalations_found: int
    escalations_missing: list[str]
    escalations_unexpected: list[str]
    escalations_duplicated: list[str]
    dead_letters_expected: int
    dead_letters_found: int
    dead_letters_missing: list[str]
    dead_letters_unexpected: list[str]
    unacknowledged_reasons: dict[str, int] = field(default_factory=dict)  # the last answer each got, shortened
    faults: list[FaultRecord] = field(default_factory=list)
    exits: dict[str, list[int | None]] = field(default_factory=dict)
    seconds: float = 0.0
    workdir: str = ""
    trace: str = ""  # where the complaints not routed stopped (topics, offsets, routing's warnings)

    @property
    def clean(self) -> bool:
        return not (
            self.lost or self.duplicated or self.escalations_missing or self.escalations_unexpected
            or self.escalations_duplicated or self.dead_letters_missing or self.dead_letters_unexpected
        )

    def table(self) -> str:
        rows = [
            ("sent", self.sent), ("acknowledged (2xx)", self.acknowledged), ("never acknowledged", self.unacknowledged),
            *((f"  {reason}", n) for reason, n in sorted(self.unacknowledged_reasons.items())),
            ("archived", self.archived), ("routed", self.routed), ("lost", self.lost),
            ("  not archived", len(self.lost_archive)), ("  not routed", len(self.lost_routing)),
            ("duplicated", self.duplicated),
            ("escalations expected / found", f"{self.escalations_expected} / {self.escalations_found}"),
            ("  missing / unexpected / twice",
             f"{len(self.escalations_missing)} / {len(self.escalations_unexpected)} / {len(self.escalations_duplicated)}"),
            ("dead letters expected / found", f"{self.dead_letters_expected} / {self.dead_letters_found}"),
            ("  missing / unexpected", f"{len(self.dead_letters_missing)} / {len(self.dead_letters_unexpected)}"),
        ]
        lines = [f"{name:<32} {value}" for name, value in rows]
        lines.append("")
        lines.append(f"{'fault':<20} {'round':>5} {'down s':>7} {'ready s':>8} {'archived s':>11} {'routed s':>9}  note")
        for fault in self.faults:
            lines.append(
                f"{fault.fault:<20} {fault.round:>5} {_num(fault.restarted_at, fault.injected_at):>7} "
                f"{_num(fault.ready_at, fault.restarted_at):>8} {_fmt(fault.first_archived_after):>11} "
                f"{_fmt(fault.first_routed_after):>9}  {fault.note}"
            )
        for kind, sample in (("not archived", self.lost_archive), ("not routed", self.lost_routing), ("duplicated", self.duplicates),
                             ("escalation missing", self.escalations_missing),
                             ("escalation unexpected", self.escalations_unexpected),
                             ("escalation twice", self.escalations_duplicated),
                             ("dead letter missing", self.dead_letters_missing),
                             ("dead letter unexpected", self.dead_letters_unexpected)):
            if sample:
                lines.append(f"{kind}: {', '.join(sample[:10])}{' ...' if len(sample) > 10 else ''}")
        lines.append(f"process exits: {self.exits}")
        if self.trace:
            lines.append(self.trace)
        lines.append(f"{self.seconds:.0f} s; logs in {self.workdir}")
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _num(later: float | None, earlier: float | None) -> str:
    return "-" if later is None or earlier is None else f"{later - earlier:.1f}"


# --------------------------------------------------------------------------- the broker and store


class LocalInfra:
    """Kafka and the MongoDB-wire store of deploy/local, on free ports in their own folder,
    as tests/backends.py local_backends() starts them, but each can be killed and restarted."""

    def __init__(self, root: Path) -> None:
        missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
        if missing:
            raise NoBackend(f"the fault harness starts its own Kafka and store with deploy/local: install {' and '.join(missing)}")
        self.root = root
        self.ports = {"KAFKA_PORT": free_port(), "KAFKA_CONTROLLER_PORT": free_port(), "MONGO_PORT": free_port()}
        self.env = os.environ | {k: str(v) for k, v in self.ports.items()} | {"LOCAL_INFRA_DIR": str(root)}

    @property
    def kafka_bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports['KAFKA_PORT']}"

    @property
    def mongodb_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.ports['MONGO_PORT']}"

    def _infra(self, *args: str, timeout: float = 600) -> None:
        done = subprocess.run([str(INFRA), *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise NoBackend(f"deploy/local/bin/infra {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self, which: str = "all") -> None:
        self._infra("start", which)
        self._infra("wait", which, "120", timeout=180)

    def kill(self, which: str) -> None:
        pid = int((self.root / "run" / f"{which}.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # the java process is not our child: poll until the kernel drops it

    def stop(self) -> None:
        self._infra("stop", "all", timeout=180)


# --------------------------------------------------------------------------- the platform


class Platform:
    """The four services as processes, each restartable on its own port with a new log file."""

    def __init__(self, infra: LocalInfra, workdir: Path) -> None:
        token = uuid.uuid4().hex[:8]
        self.workdir = workdir
        self.env = {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
            "MONGODB_URL": infra.mongodb_url,
            "COMPLAINTS_TOPIC_PREFIX": f"f{token}.",
            "MONGODB_DATABASE": f"faults_{token}",
            "COMPLAINTS_API_KEY": API_KEY,
            "NOTIFICATION_CHECK_INTERVAL_SECONDS": "1",
            # One rung per clock, the supervisor at the deadline: what is due is exactly one
            # escalation per slipped deadline, whatever the default ladder climbs to.
            "NOTIFICATION_LADDER_FILE": str(self._write_ladder(workdir)),
            "LOG_LEVEL": "INFO",
        }
        self.ports = {name: free_port() for name in SERVICES}
        self.services: dict[str, ServiceProcess] = {}
        self.starts: Counter[str] = Counter()
        self.exits: dict[str, list[int | None]] = defaultdict(list)

    @staticmethod
    def _write_ladder(workdir: Path) -> Path:
        path = workdir / "ladder.yaml"
        workdir.mkdir(parents=True, exist_ok=True)
        rung = "    - {level: supervisor, at: 1.0}\n"
        path.write_text("default:\n" + "".join(f"  {clock}:\n{rung}" for clock in ("acknowledge", "department_reply", "resolve", "approve")))
        return path

    def start(self, name: str) -> ServiceProcess:
        self.starts[name] += 1
        extra = {"INTAKE_ARCHIVE_URL": f"http://127.0.0.1:{self.ports['archive']}"} if name == "intake" else {}
        self.services[name] = start_service(
            name, env=self.env | extra, workdir=self.workdir, port=self.ports[name], log_name=f"{name}-{self.starts[name]}.log"
        )
        return self.services[name]

    def start_all(self) -> None:
        for name in sorted(SERVICES, key=lambda n: n != "archive"):  # archive first: intake asks it
            self.start(name)
        for service in self.services.values():
            wait_ready(service, timeout=180)

    def kill(self, name: str) -> None:
        self.exits[name].append(self.services[name].kill())

    def stop_all(self) -> None:
        for name, service in self.services.items():
            if service.process.poll() is None:
                os.kill(service.process.pid, signal.SIGCONT)  # a frozen process cannot stop
            self.exits[name].append(service.stop())

    def crashed(self) -> dict[str, str]:
        """Services whose process ended without the harness ending it, with their log tails."""
        return {name: s.log_tail(30) for name, s in self.services.items() if s.process.poll() is not None}

    @property
    def intake_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['intake']}"


# --------------------------------------------------------------------------- the client


class Sender:
    """Posts `config.complaints` complaints at `config.rate` per second; each is retried (same
    body, same Idempotency-Key) until intake answers 2xx or its deadline passes."""

    def __init__(self, platform: Platform, config: Config, run_token: str) -> None:
        self.platform = platform
        self.config = config
        self.sent = [
            Sent(i, f"fault-{run_token}-{i}", old=config.old_share > 0 and i % config.old_share == 0) for i in range(config.complaints)
        ]
        self.thread = threading.Thread(target=self._run, name="sender", daemon=True)
        self.posted = 0
        self.done = threading.Event()

    def _body(self, item: Sent) -> dict[str, Any]:
        received_at = datetime.now(UTC) - timedelta(days=60) if item.old else None
        return {
            "channel": "web",
            "text": TEXTS[item.number % len(TEXTS)].format(i=item.number),
            "customer": {"customer_id": f"cust-{item.external_id}"},
            "external_id": item.external_id,
            **({"received_at": received_at.isoformat()} if received_at else {}),
        }

    def _post(self, item: Sent) -> None:
        body = self._body(item)  # the same body for every retry
        headers = {"Authorization": f"Bearer {API_KEY}", "Idempotency-Key": item.external_id}
        item.first_sent = time.time()
        deadline = time.monotonic() + self.config.ack_deadline_seconds
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < deadline:
                item.attempts += 1
                try:
                    response = client.post(f"{self.platform.intake_url}/v1/complaints", json=body, headers=headers)
                    if 200 <= response.status_code < 300:
                        item.case_id = response.json()["case_id"]
                        item.acknowledged_at = time.time()
                        return
                    item.last_error = f"{response.status_code} {response.text[:200]}"
                    # 409 with Retry-After: the same key is being recorded right now (an earlier
                    # attempt this client gave up on): intake asks for a retry, as a client should.
                    retry = response.status_code in (429, 500, 502, 503, 504) or "Retry-After" in response.headers
                    if not retry:
                        item.given_up = True
                        return  # a 4xx: retrying the same request cannot help
                except httpx.HTTPError as exc:
                    item.last_error = repr(exc)[:200]
                time.sleep(0.5)
        item.given_up = True

    def _run(self) -> None:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=32, thread_name_prefix="post") as pool:
            for item in self.sent:
                delay = started + item.number / self.config.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self._post, item)
                self.posted += 1
        self.done.set()


# --------------------------------------------------------------------------- raw records meant to fail


async def _publish_bad_raw(bootstrap: str, topic: str, count: int, token: str) -> list[str]:
    """Malformed raw records (no text, an unknown channel): intake must dead-letter each one."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    places = []
    try:
        for i in range(count):
            value = json.dumps({"channel": "carrier-pigeon", "external_id": f"bad-{token}-{i}"}).encode()
            sent = await producer.send_and_wait(topic, value, key=f"bad-{token}-{i}".encode())
            places.append(f"{topic}/{sent.partition}/{sent.offset}")
    finally:
        await producer.stop()
    return places


def publish_bad_raw(platform: Platform, count: int, token: str) -> list[str]:
    topic = f"{platform.env['COMPLAINTS_TOPIC_PREFIX']}complaints.raw.v1"
    return asyncio.run(_publish_bad_raw(platform.env["KAFKA_BOOTSTRAP_SERVERS"], topic, count, token))


# --------------------------------------------------------------------------- faults


def apply_fault(fault: str, round_: int, *, platform: Platform, infra: LocalInfra, config: Config) -> FaultRecord:
    kind, target = fault.split(":", 1)
    record = FaultRecord(fault, round_, injected_at=time.time())
    if kind == "kill" and target in SERVICES:
        platform.kill(target)
        time.sleep(config.down_seconds)  # down for a while: work piles up behind it
        record.restarted_at = time.time()
        service = platform.start(target)
        wait_ready(service, timeout=180)
    elif kind == "kill" and target in ("broker", "store"):
        which = "kafka" if target == "broker" else "mongo"
        infra.kill(which)
        time.sleep(config.down_seconds)
        record.restarted_at = time.time()
        infra.start(which)
    elif kind == "stop" and target in SERVICES:
        pid = platform.services[target].process.pid
        os.kill(pid, signal.SIGSTOP)
        time.sleep(SESSION_TIMEOUT[target] + 5)  # past its session: the group moves on without it
        os.kill(pid, signal.SIGCONT)
        record.restarted_at = time.time()
    else:
        raise ValueError(f"unknown fault {fault!r} (known: {', '.join(ALL_FAULTS)})")
    record.ready_at = time.time()
    return record


# --------------------------------------------------------------------------- tracing a loss

# Routing's log lines that say what its streams did around a fault (skips fetched, stalls
# sought, handling that failed); the broker's connection chatter is left out.
TRACED_LOG_LINES = ("stream skipped", "stream stalled", "handling failed", "commit skipped", "dead-lettered", '"ERROR"', "Traceback")


async def _hops_of(bootstrap: str, hop_topics: dict[str, str], cases: set[str]) -> dict[str, dict[str, str]]:
    """For each hop (name → topic), where each case's record is: "partition/offset"."""
    found: dict[str, dict[str, str]] = {hop: {} for hop in hop_topics}
    for hop, topic in hop_topics.items():
        for record in await raw_records_on(bootstrap, topic):
            try:
                event = json.loads(record.value)
            except ValueError:
                continue
            case_id = (event.get("data") or {}).get("case_id") if isinstance(event, dict) else None
            if case_id in cases:
                found[hop][case_id] = f"{record.partition}/{record.offset}"
    return found


def trace_not_routed(platform: Platform, cases: list[str]) -> str:
    """Where the complaints not routed stopped: their record on the received, by-customer and
    routed topics, routing's and archive's committed offsets beside the topics' ends, and
    routing's log lines about its streams. Tells a hop that skipped a record (committed past
    it) from one that is stuck (committed behind it) or slow."""
    prefix, bootstrap = platform.env["COMPLAINTS_TOPIC_PREFIX"], platform.env["KAFKA_BOOTSTRAP_SERVERS"]
    hops = {"received": topics.RECEIVED.name(prefix), "by-customer": f"{prefix}routing-by-customer", "routed": topics.ROUTED.name(prefix)}
    lines = ["trace of the complaints not routed (hop: partition/offset, '-' not on that topic):"]
    try:
        found = asyncio.run(_hops_of(bootstrap, hops, set(cases)))
        for case_id in cases[:20]:
            lines.append(f"  {case_id}: " + ", ".join(f"{hop} {found[hop].get(case_id, '-')}" for hop in hops))
        lines.append(asyncio.run(group_positions(bootstrap, f"{prefix}routing", list(hops.values())[:2])))
        lines.append(asyncio.run(group_positions(bootstrap, f"{prefix}archive", [hops["routed"]])))
    except Exception as exc:  # noqa: BLE001 - a trace that fails must not hide the report
        lines.append(f"  (reading the topics failed: {type(exc).__name__}: {exc})")
    for log_file in sorted(platform.workdir.glob("routing-*.log")):
        traced = [line.strip()[:400] for line in log_file.read_text(errors="replace").splitlines()
                  if any(mark in line for mark in TRACED_LOG_LINES)]
        lines.append(f"{log_file.name}: {len(traced)} traced lines" + "".join(f"\n    {line}" for line in traced[-15:]))
    return "\n".join(lines)


# --------------------------------------------------------------------------- reconciliation


@dataclass
class Snapshot:
    received: dict[str, list[str]]  # case id → received event ids
    routed: dict[str, list[str]]
    routed_time: dict[str, float]
    archived_time: dict[str, float]
    timeline_repeats: dict[str, int]
    escalations: dict[tuple[str, str, str], list[str]]  # (case, deadline, level) → event ids
    routed_decisions: dict[str, dict[str, Any]]
    dead_letters: dict[str, list[str]]  # topic/partition/offset → consumers


def read_store(platform: Platform) -> Snapshot:
    client: MongoClient = MongoClient(platform.env["MONGODB_URL"], tz_aware=True, serverSelectionTimeoutMS=10_000)
    try:
        db = client[platform.env["MONGODB_DATABASE"]]
        received: dict[str, list[str]] = defaultdict(list)
        routed: dict[str, list[str]] = defaultdict(list)
        routed_time: dict[str, float] = {}
        decisions: dict[str, dict[str, Any]] = {}
        escalations: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        dead: dict[str, list[str]] = defaultdict(list)
        # Archive keeps a case's events in its timeline (each event id once); only events that
        # belong to no case, such as dead letters, are in the `events` collection.
        for event in db["events"].find({"type": DEAD_LETTERED}, {"data": 1}).batch_size(500):
            data = event["data"]
            dead[f"{data['source_topic']}/{data['source_partition']}/{data['source_offset']}"].append(data["consumer"])
        archived_time: dict[str, float] = {}
        repeats: dict[str, int] = {}
        projection = {"created_at": 1, "timeline.event_id": 1, "timeline.type": 1, "timeline.at": 1, "timeline.data": 1}
        # In batches: mongo-java-server answers a getMore with everything left in one message,
        # which pymongo refuses past 48 MB (20,000 cases with their timelines: 68 MB).
        for case in db["cases"].find({}, projection).batch_size(500):
            case_id = case["_id"]
            if case.get("created_at") is not None:
                archived_time[case_id] = case["created_at"].timestamp()
            timeline = case.get("timeline", [])
            ids = Counter(entry["event_id"] for entry in timeline)
            twice = sum(n - 1 for n in ids.values() if n > 1)
            if twice:
                repeats[case_id] = twice
            for entry in timeline:
                data, kind = entry.get("data", {}), entry["type"]
                if kind == RECEIVED:
                    received[case_id].append(entry["event_id"])
                elif kind == ROUTED:
                    routed[case_id].append(entry["event_id"])
                    routed_time[case_id] = min(routed_time.get(case_id, float("inf")), entry["at"].timestamp())
                    decisions[case_id] = {"validity": data.get("validity"), "deadlines": data.get("deadlines")}
                elif kind == ESCALATED:
                    escalations[(case_id, data["deadline"], data["level"])].append(entry["event_id"])
        return Snapshot(received, routed, routed_time, archived_time, repeats, escalations, decisions, dead)
    finally:
        client.close()


def _as_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def expected_escalations(snapshot: Snapshot, cases: list[str], now: datetime, margin: timedelta) -> tuple[set, set]:
    """(certainly due, possibly due): one supervisor escalation per slipped deadline of a valid
    case; a deadline that slipped within `margin` of `now` may or may not have been acted on yet."""
    due: set[tuple[str, str, str]] = set()
    maybe: set[tuple[str, str, str]] = set()
    for case_id in cases:
        decision = snapshot.routed_decisions.get(case_id)
        if not decision or decision["validity"] not in ("valid", "follow_up") or not decision["deadlines"]:
            continue
        for deadline, key in (("acknowledge", "acknowledge_by"), ("department_reply", "department_reply_by"), ("resolve", "resolve_by")):
            at = _as_time(decision["deadlines"].get(key))
            if at is None:
                continue
            if at <= now - margin:
                due.add((case_id, deadline, "supervisor"))
            elif at <= now + margin:
                maybe.add((case_id, deadline, "supervisor"))
    return due, maybe


def reconcile(sender: Sender, snapshot: Snapshot, bad_places: list[str], now: datetime) -> Report:
    acked = [s for s in sender.sent if s.case_id is not None]
    cases = [s.case_id for s in acked if s.case_id]
    lost_archive = sorted(c for c in cases if not snapshot.received.get(c))
    lost_routing = sorted(c for c in cases if not snapshot.routed.get(c))
    duplicates = sorted(
        c for c in cases
        if len(snapshot.received.get(c, ())) > 1 or len(snapshot.routed.get(c, ())) > 1 or c in snapshot.timeline_repeats
    )
    due, maybe = expected_escalations(snapshot, cases, now, margin=timedelta(minutes=2))
    ours = set(cases)
    found = {k for k in snapshot.escalations if k[0] in ours}
    dead_found = set(snapshot.dead_letters)
    return Report(
        sent=sender.posted,
        acknowledged=len(acked),
        unacknowledged=sender.posted - len(acked),
        unacknowledged_reasons=dict(Counter((s.last_error or "no answer yet")[:40] for s in sender.sent if s.case_id is None)),
        archived=sum(1 for c in cases if snapshot.received.get(c)),
        routed=sum(1 for c in cases if snapshot.routed.get(c)),
        lost=len(set(lost_archive) | set(lost_routing)),
        lost_archive=lost_archive,
        lost_routing=lost_routing,
        duplicated=len(duplicates),
        duplicates=duplicates,
        escalations_expected=len(due),
        escalations_found=len(found),
        escalations_missing=sorted("/".join(k) for k in due - found),
        escalations_unexpected=sorted("/".join(k) for k in found - due - maybe),
        escalations_duplicated=sorted("/".join(k) for k in found if len(snapshot.escalations[k]) > 1),
        dead_letters_expected=len(bad_places),
        dead_letters_found=len(dead_found),
        dead_letters_missing=sorted(set(bad_places) - dead_found),
        dead_letters_unexpected=sorted(
            [f"{p} ({','.join(snapshot.dead_letters[p])})" for p in dead_found - set(bad_places)]
            + [f"{p} twice ({','.join(snapshot.dead_letters[p])})" for p in dead_found if len(snapshot.dead_letters[p]) > 1]
        ),
    )


def recovery_times(faults: list[FaultRecord], sender: Sender, snapshot: Snapshot) -> None:
    """Per fault: from the restart to the first complaint posted after it that was archived
    (archive's created_at) and routed (the routed event's time)."""
    for fault in faults:
        if fault.restarted_at is None:
            continue
        later = [s.case_id for s in sender.sent if s.case_id and s.first_sent >= fault.restarted_at]
        if not later:
            fault.note = "no complaint posted after the restart"
            continue
        archived = [snapshot.archived_time[c] for c in later if c in snapshot.archived_time]
        routed = [snapshot.routed_time[c] for c in later if c in snapshot.routed_time]
        fault.first_archived_after = min(archived) - fault.restarted_at if archived else None
        fault.first_routed_after = min(routed) - fault.restarted_at if routed else None


# --------------------------------------------------------------------------- the run


def run(config: Config, *, say=print) -> Report:
    started = time.monotonic()
    (REPO / ".local").mkdir(exist_ok=True)
    workdir = config.workdir or Path(tempfile.mkdtemp(prefix="faults-", dir=REPO / ".local"))
    workdir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:6]
    infra = LocalInfra(workdir / "infra")
    with ExitStack() as cleanup:
        say(f"starting Kafka and the store in {infra.root}")
        infra.start()
        cleanup.callback(infra.stop)
        platform = Platform(infra, workdir)
        cleanup.callback(platform.stop_all)
        say("starting intake, routing, notification, archive")
        platform.start_all()

        bad_places = publish_bad_raw(platform, config.bad_raw_records // 2, f"{token}a")
        sender = Sender(platform, config, token)
        sender.thread.start()
        faults: list[FaultRecord] = []
        for round_ in range(1, config.repeat + 1):
            for fault in config.faults:
                time.sleep(config.gap_seconds)  # steady traffic, then the next fault
                say(f"round {round_}: {fault} ({sender.posted} posted)")
                faults.append(apply_fault(fault, round_, platform=platform, infra=infra, config=config))
        say(f"faults done; {sender.posted} of {config.complaints} posted, waiting for the rest")
        sender.done.wait()
        deadline = time.monotonic() + config.ack_deadline_seconds + 15
        while any(s.acknowledged_at is None and not s.given_up for s in sender.sent):
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)  # the posting threads retry until acknowledged or their own deadline
        bad_places += publish_bad_raw(platform, config.bad_raw_records - config.bad_raw_records // 2, f"{token}b")

        say("waiting for everything acknowledged to be archived, routed and escalated")
        converge_until = time.monotonic() + config.converge_seconds
        # Reading every case is heavy on the local store with 20,000 of them: the pause between
        # reads grows with the run, and a read the store fails (it was just killed and restarted,
        # or is busy) is tried again until the deadline rather than ending the run.
        pause = max(3.0, config.complaints / 2000)
        while True:
            try:
                snapshot = read_store(platform)
            except PyMongoError as exc:
                say(f"store read failed ({type(exc).__name__}), trying again")
                if time.monotonic() > converge_until:
                    raise
                time.sleep(pause)
                continue
            report = reconcile(sender, snapshot, bad_places, datetime.now(UTC))
            settled = not (report.lost or report.escalations_missing or report.dead_letters_missing)
            if settled or time.monotonic() > converge_until or platform.crashed():
                break
            time.sleep(pause)
        recovery_times(faults, sender, snapshot)
        report.faults = faults
        if report.lost_routing:
            # The run's logs and broker are gone after a CI run: what the failure needs is said now.
            report.trace = trace_not_routed(platform, report.lost_routing)
        crashed = platform.crashed()
        for name, tail in crashed.items():
            say(f"{name} is not running at the end (exit {platform.services[name].process.returncode}):\n{tail}")
        cleanup.close()
        report.exits = dict(platform.exits)
    report.seconds = time.monotonic() - started
    report.workdir = str(workdir)
    if not config.keep and config.workdir is None and report.clean:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", "-n", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="how many times each fault is applied")
    parser.add_argument("--rate", type=float, default=None, help="complaints per second (default: spread over the faults)")
    parser.add_argument("--faults", default=",".join(ALL_FAULTS), help="comma-separated, from: " + ", ".join(ALL_FAULTS))
    parser.add_argument("--json", type=Path, default=REPO / ".local" / "faults.json", help="where the figures are written")
    parser.add_argument("--keep", action="store_true", help="keep the logs and data even when all is well")
    args = parser.parse_args(argv)
    # A SIGTERM (a timeout, a `kill`) unwinds like Ctrl-C, so the services, Kafka and the store the
    # harness started are stopped rather than left running with no parent.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    faults = tuple(f.strip() for f in args.faults.split(",") if f.strip())
    # About 30 s per fault (kill, down, restart, readiness, gap): spread the complaints over that.
    rate = args.rate or max(1.0, args.complaints / (30.0 * len(faults) * args.repeat))
    config = Config(complaints=args.complaints, rate=rate, repeat=args.repeat, faults=faults, keep=args.keep)
    report = run(config, say=lambda text: print(text, flush=True))
    print(report.table())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(asdict(report) | {"config": asdict(config) | {"workdir": None}}, indent=2, default=str))
    print(f"figures written to {args.json}")
    return 0 if report.clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
