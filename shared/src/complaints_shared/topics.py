"""The platform's topics: names, partitions, retention, compaction and the events each carries.

Topics are created explicitly at start-up (`ensure_topics`): the broker runs with automatic
topic creation off, and Faust would otherwise ignore a missing source topic with only a log
line. A prefix (setting `COMPLAINTS_TOPIC_PREFIX`) lets several installations, or tests, share
one cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import events as ev

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    key: str  # the stable name used in code
    base_name: str  # the name on the broker, before the prefix
    description: str
    carries: tuple[type[ev.Contract], ...]
    partitions: int = 6
    retention_ms: int = 30 * DAY_MS
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)

    def name(self, prefix: str = "") -> str:
        return f"{prefix}{self.base_name}"

    def broker_config(self) -> dict[str, str]:
        conf = {"retention.ms": str(-1 if self.compacted else self.retention_ms), "min.insync.replicas": "1"}
        if self.compacted:
            conf["cleanup.policy"] = "compact"
        return conf | self.config


RAW = TopicSpec(
    "raw",
    "complaints.raw.v1",
    "Inbound complaints as channel adapters publish them; intake normalises each one.",
    (ev.RawComplaintSubmitted,),
    retention_ms=7 * DAY_MS,
)
RECEIVED = TopicSpec(
    "received",
    "complaints.received.v1",
    "Every recorded complaint, normalised, one event per complaint. Key: case id.",
    (ev.ComplaintReceived,),
    retention_ms=365 * DAY_MS,
)
ROUTED = TopicSpec(
    "routed",
    "complaints.routed.v1",
    "Routing decisions: validity, category, priority, department, deadlines, explanation.",
    (ev.ComplaintRouted,),
    retention_ms=365 * DAY_MS,
)
CASE_UPDATES = TopicSpec(
    "case_updates",
    "cases.updates.v1",
    "What staff and customers did on a case, from acknowledgement to the satisfaction call-back.",
    ev.CASE_UPDATES,
    retention_ms=365 * DAY_MS,
)
ESCALATIONS = TopicSpec(
    "escalations",
    "cases.escalations.v1",
    "Deadlines that slipped and the rung of the ladder the case went to.",
    (ev.CaseEscalated,),
    retention_ms=365 * DAY_MS,
)
NOTIFICATIONS = TopicSpec(
    "notifications",
    "notifications.v1",
    "Notices sent or failed (email, webhook, SMS).",
    (ev.NotificationSent, ev.NotificationFailed),
    retention_ms=90 * DAY_MS,
)
CUSTOMERS = TopicSpec(
    "customers",
    "customers.profiles.v1",
    "Customer profiles from CRM adapters (tier, phones, emails). Compacted. Key: customer id.",
    (ev.CustomerProfileUpdated,),
    compacted=True,
)
DEAD_LETTER = TopicSpec(
    "dead_letter",
    "complaints.deadletter.v1",
    "Records no consumer could handle, with the reason and the source topic/partition/offset.",
    (ev.EventDeadLettered,),
    partitions=1,
    retention_ms=90 * DAY_MS,
)

ALL_TOPICS: tuple[TopicSpec, ...] = (RAW, RECEIVED, ROUTED, CASE_UPDATES, ESCALATIONS, NOTIFICATIONS, CUSTOMERS, DEAD_LETTER)
BY_KEY = {t.key: t for t in ALL_TOPICS}


def topic_of(model: type[ev.Contract]) -> TopicSpec:
    for spec in ALL_TOPICS:
        if model in spec.carries:
            return spec
    raise KeyError(model.__name__)
