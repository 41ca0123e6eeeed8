"""The platform's topics: names, partitions, retention, compaction and the events each carries.

Topics are created explicitly at start-up (`ensure_topics`): the broker runs with automatic
topic creation off, and Faust would otherwise ignore a missing source topic with only a log
line. A prefix (setting `COMPLAINTS_TOPIC_PREFIX`) lets several installations, or tests, share
one cluster.

Two kinds:
- the public topics (`ALL_TOPICS`): the event contracts between services;
- the Faust services' internal topics (`internal_topics`): routing's repartition topic and
  the changelogs of routing's and notification's tables. Faust names them
  `<prefix><app id>-<name>` (`<app id>-<table>-changelog` for a table), so they are listed
  here as functions of the app id (settings `ROUTING_APP_ID`, `NOTIFICATION_APP_ID`). A
  worker creates (or, with `COMPLAINTS_CREATE_TOPICS=false`, waits for) all of them before
  it joins its consumer group: a topic missing at that moment is left out of the group's
  assignment until the next rebalance, which may never come.
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


ROUTING_APP_ID = "routing"  # the default of ROUTING_APP_ID
NOTIFICATION_APP_ID = "notification"  # the default of NOTIFICATION_APP_ID


def _changelog(app_id: str, table: str, description: str, *, partitions: int) -> TopicSpec:
    # Faust: Table._changelog_topic_name is f"{app.conf.id}-{table.name}-changelog"; changelogs
    # are compacted, with as many partitions as the table.
    return TopicSpec(
        f"{app_id}.{table}-changelog", f"{app_id}-{table}-changelog", description, (), partitions=partitions, compacted=True
    )


def routing_internal_topics(app_id: str = ROUTING_APP_ID) -> tuple[TopicSpec, ...]:
    """Routing's own topics. The repartition topic and the history table are co-partitioned with
    the received topic; the GlobalTables have no partitions of their own, so their changelogs
    get Faust's default (the app's `topic_partitions`, 6)."""
    partitions = RECEIVED.partitions
    return (
        TopicSpec(
            f"{app_id}.by-customer",
            f"{app_id}-by-customer",
            "Routing's repartition hop: received complaints and case status changes, keyed by customer.",
            (),
            partitions=partitions,
            retention_ms=7 * DAY_MS,
        ),
        _changelog(app_id, "customer-directory", "Routing's customer directory (a GlobalTable).", partitions=6),
        _changelog(app_id, "case-owner", "Routing's case id → customer key (a GlobalTable).", partitions=6),
        _changelog(app_id, "customer-history", "Routing's open cases per customer.", partitions=partitions),
    )


def notification_internal_topics(app_id: str = NOTIFICATION_APP_ID) -> tuple[TopicSpec, ...]:
    """Notification's own topics: the watched-cases table, co-partitioned with the routed topic."""
    return (
        _changelog(app_id, "watched-cases", "Notification's watched cases and their deadlines.", partitions=ROUTED.partitions),
        notification_due_topic(app_id),
    )


def notification_due_topic(app_id: str = NOTIFICATION_APP_ID) -> TopicSpec:
    """Notification's timer → its own agent: deliveries to retry (every rung is a
    `CaseEscalated` now). Co-partitioned with the watched-cases table."""
    return TopicSpec(
        f"{app_id}.due", f"{app_id}-due", "Notification's due work: delivery retries.", (),
        partitions=ROUTED.partitions, retention_ms=7 * DAY_MS,
    )


def internal_topics(
    *, routing_app_id: str = ROUTING_APP_ID, notification_app_id: str = NOTIFICATION_APP_ID
) -> tuple[TopicSpec, ...]:
    """Every internal topic of the Faust services (names before the installation prefix)."""
    return routing_internal_topics(routing_app_id) + notification_internal_topics(notification_app_id)


def topic_of(model: type[ev.Contract]) -> TopicSpec:
    for spec in ALL_TOPICS:
        if model in spec.carries:
            return spec
    raise KeyError(model.__name__)


ERASURES = TopicSpec(
    "erasures",
    "complaints.erasures.v1",
    "Customer erasures, by the ids of what each erased (no personal data). Compacted, kept forever, "
    "so a rebuild erases them again. Key: erasure id.",
    (ev.CustomerErased,),
    partitions=1,  # a few a day at most; one partition replays them in the order they were made
    compacted=True,
)
ALL_TOPICS = (*ALL_TOPICS, ERASURES)
BY_KEY[ERASURES.key] = ERASURES
