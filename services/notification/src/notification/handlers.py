"""Notification's use cases: watch routed cases and their customers, follow case updates, climb
the escalation ladder, ask for approvals, keep the customer informed, retry failed deliveries.

`watch` is the Faust table of watched cases (a MutableMapping of case id → JSON dict in
tests). A Faust table may only be written inside stream iteration (an agent handling an
event): the timer (entrypoints/clocks.py) only reads it and publishes the work that came due —
a `CaseEscalated` on the escalations topic for every rung, or a `DueWork` on notification's own
due topic for deliveries to retry — and the agents consuming those write the table and send
the notices. The timer's `publish` must return only after the broker acknowledged the event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from complaints_shared import events as ev
from complaints_shared.logging import case_context
from pydantic import BaseModel, ConfigDict

from .adapters.notifiers import CUSTOMER, DeliveryFailed, Notice, Notifier
from .domain.digest import PARTS_KEY, added_up, complete, department_counts, digest_id, gather_part, mark_key, part_id
from .domain.ladder import (
    LEVELS,
    Escalation,
    LadderConfig,
    WatchedCase,
    apply_update,
    due_escalations,
    escalation_event,
    escalation_id,
    has_reached,
    mark_escalated,
    next_due,
    role_of,
)

log = logging.getLogger(__name__)
Publish = Callable[[ev.Contract, str], Awaitable[Any]]
Watch = MutableMapping[str, Any]
STAFF_MEDIA = ("log", "webhook", "email")
HOTLINE = "hotline"
# Update ids a case remembers, so a redelivered update sends no notice twice.
REMEMBERED_UPDATES = 50


class DueWork(BaseModel):
    """Work the timer found due that is not an escalation (notification's due topic, internal:
    not a public contract). Key: the case id.

    `rung` is what the timer published for the director's rung and the approve-by clock before
    `CaseEscalated` carried them: such a record, still on the topic after an upgrade, is
    ignored (the rung is not marked, so the timer publishes it again as `CaseEscalated`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["rung", "retry", "digest", "digest_part"]
    case_id: str  # a digest: its mark's key, digest:<department>; a digest part: digest:
    clock: str | None = None
    level: str | None = None
    due_at: datetime | None = None
    notice_id: str | None = None
    round: int | None = None
    # A department's daily digest: its local day and counts.
    department: str | None = None
    day: str | None = None
    counts: dict[str, int] | None = None
    # One partition's part of the day's digests: department → counts, and how many parts make the whole.
    partition: int | None = None
    partitions: int | None = None
    departments: dict[str, dict[str, int]] | None = None

    @property
    def work_id(self) -> str:
        if self.kind == "rung":
            return escalation_id(self.case_id, self.clock or "", self.level or "")
        if self.kind == "digest":
            return digest_id(self.department or "", self.day or "")
        if self.kind == "digest_part":
            return part_id(self.day or "", self.partition or 0)
        return ev.derived_id("retry", self.notice_id or "", str(self.round))


PublishWork = Callable[[DueWork], Awaitable[Any]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # what each sender tries in a row (the notifiers' own setting; for the record)
    first: timedelta = timedelta(seconds=30)
    longest: timedelta = timedelta(minutes=15)
    give_up_after: timedelta = timedelta(hours=48)

    def next_at(self, now: datetime, round_: int) -> datetime:
        return now + min(self.first * (2 ** (round_ - 1)), self.longest)


@dataclass
class Deliveries:
    """How many notices this process delivered to a person's channel (every medium but the
    log). The agents compare it before and after an event: a delivery makes them put the
    table's record of it on the broker at once (see entrypoints/agents.py)."""

    count: int = 0

    def delivered(self, medium: str) -> None:
        if medium != "log":
            self.count += 1


@dataclass(frozen=True)
class Senders:
    """The notifiers, where their outcomes are published, and how failed deliveries come back."""

    notifiers: Sequence[Notifier]
    publish: Publish
    retry: RetryPolicy = RetryPolicy()
    case_link: str = "{case_id}"
    # The language of staff notices about a department's cases (NOTIFICATION_STAFF_LANGUAGE(S)).
    staff_language: str = "en"
    staff_languages: Mapping[str, str] = field(default_factory=dict)
    deliveries: Deliveries = field(default_factory=Deliveries)

    def staff_language_of(self, department: str) -> str:
        return self.staff_languages.get(department, self.staff_language)

    def staff(self) -> list[Notifier]:
        return [notifier for notifier in self.notifiers if notifier.medium in STAFF_MEDIA]

    def medium(self, name: str) -> Notifier | None:
        return next((notifier for notifier in self.notifiers if notifier.medium == name), None)

    def link(self, case_id: str) -> str:
        return self.case_link.format(case_id=case_id)


# --- sending --------------------------------------------------------------------------------


def _outcome_fields(notice: Notice, medium: str, trigger_event_id: str) -> dict[str, str]:
    return dict(case_id=notice.case_id, medium=medium, recipient_role=notice.recipient_role, template=notice.template,
                trigger_event_id=trigger_event_id)


def _reason(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, DeliveryFailed):
        return str(exc), max(exc.attempts, 1)
    return f"{type(exc).__name__}: {exc}", 1


async def _send(case: WatchedCase, notice: Notice, notifier: Notifier, *, senders: Senders, trigger_event_id: str, now: datetime) -> WatchedCase:
    notice_id = ev.derived_id("notice", trigger_event_id, notice.recipient_role, notice.template, notifier.medium)
    if notice_id in case.pending:
        return case  # already kept for a retry: the retry sends it
    notice = replace(notice, notice_id=notice_id)
    common = _outcome_fields(notice, notifier.medium, trigger_event_id)
    try:
        await notifier.send(notice)
    except Exception as exc:  # noqa: BLE001 - a failed notice is kept for later, not fatal
        reason, attempts = _reason(exc)
        next_at = senders.retry.next_at(now, 1)
        log.warning("notice failed, kept for a retry", extra={"medium": notifier.medium, "template": notice.template, "error": reason[:300]})
        await senders.publish(ev.NotificationFailed(**common, error=f"{reason} (retrying from {next_at.isoformat()})"[:2000],
                                                    attempts=attempts, failed_at=now), ev.derived_id("notice-failed", notice_id, "1"))
        kept = {"medium": notifier.medium, "recipient_role": notice.recipient_role, "template": notice.template,
                "trigger_event_id": trigger_event_id, "fields": notice.fields, "language": notice.language, "to": notice.to,
                "in_reply_to": notice.in_reply_to, "references": list(notice.references), "attempts": attempts,
                "first_failed_at": now.isoformat(), "round": 1, "next_at": next_at.isoformat()}
        return replace(case, pending=case.pending | {notice_id: kept})
    senders.deliveries.delivered(notifier.medium)
    await senders.publish(ev.NotificationSent(**common, sent_at=now), notice_id)
    return case


async def notify(
    case: WatchedCase, *, senders: Senders, role: str, template: str, trigger_event_id: str, fields: dict[str, str], now: datetime,
    notifiers: Sequence[Notifier] | None = None,
) -> WatchedCase:
    """Send one staff notice through every staff medium; failed deliveries are kept on the case."""
    notice = Notice(case_id=case.case_id, recipient_role=role, template=template, fields=fields,
                    language=senders.staff_language_of(case.department))
    for notifier in senders.staff() if notifiers is None else notifiers:
        case = await _send(case, notice, notifier, senders=senders, trigger_event_id=trigger_event_id, now=now)
    return case


def customer_medium(customer: Mapping[str, Any] | None, senders: Senders) -> tuple[Notifier, str] | None:
    """The medium and address a customer's notices go to: the channel they used where it
    answers (e-mail, SMS), else whichever of the two their contact details allow."""
    if not customer:
        return None
    email, phone = customer.get("email"), customer.get("phone")
    options = [("email", email), ("sms", phone)]
    if customer.get("channel") == "sms":
        options.reverse()
    for medium, address in options:
        notifier = senders.medium(medium)
        if address and notifier is not None:
            return notifier, address
    return None


async def notify_customer(
    case: WatchedCase, *, senders: Senders, template: str, trigger_event_id: str, fields: dict[str, str], now: datetime,
    callback_purpose: str | None = None,
) -> WatchedCase:
    """A customer notice on their medium; without one, a call-back task for the hotline
    (when `callback_purpose` says the notice matters enough to call them)."""
    customer = case.customer or {}
    route = customer_medium(customer, senders)
    if route is None:
        if callback_purpose is None:
            return case
        return await notify(case, senders=senders, role=HOTLINE, template="callback_task", trigger_event_id=trigger_event_id, now=now,
                            fields={"purpose": callback_purpose, "priority": case.priority, "link": senders.link(case.case_id)})
    notifier, address = route
    threaded = notifier.medium == "email" and customer.get("channel") == "email" and customer.get("message_id")
    notice = Notice(
        case_id=case.case_id, recipient_role=CUSTOMER, template=template, fields=fields, language=customer.get("language") or "en",
        to=address, in_reply_to=customer.get("message_id") if threaded else None,
        references=tuple(customer.get("references") or ()) if threaded else (),
    )
    return await _send(case, notice, notifier, senders=senders, trigger_event_id=trigger_event_id, now=now)


async def retry_delivery(case: WatchedCase, *, notice_id: str, senders: Senders, now: datetime) -> WatchedCase:
    """Send a kept delivery again: sent, it leaves the case; failed, it waits longer, until the
    policy gives up (then `NotificationFailed` says so, with when it started failing and why)."""
    kept = case.pending.get(notice_id)
    if kept is None:
        return case  # sent already (a redelivered retry)
    notice = Notice(case_id=case.case_id, recipient_role=kept["recipient_role"], template=kept["template"], fields=kept["fields"],
                    language=kept["language"], notice_id=notice_id, to=kept["to"], in_reply_to=kept["in_reply_to"],
                    references=tuple(kept["references"]))
    common = _outcome_fields(notice, kept["medium"], kept["trigger_event_id"])
    rest = {key: value for key, value in case.pending.items() if key != notice_id}
    notifier = senders.medium(kept["medium"])
    try:
        if notifier is None:
            raise DeliveryFailed(f"the {kept['medium']} channel is no longer configured (NOTIFICATION_CHANNELS)", 0)
        await notifier.send(notice)
    except Exception as exc:  # noqa: BLE001
        reason, attempts = _reason(exc)
        attempts += kept["attempts"]
        round_ = kept["round"] + 1
        first_failed = datetime.fromisoformat(kept["first_failed_at"])
        failed_id = ev.derived_id("notice-failed", notice_id, str(round_))
        if notifier is None or now - first_failed >= senders.retry.give_up_after:
            log.error("notice given up", extra={"medium": kept["medium"], "template": notice.template, "error": reason[:300]})
            error = f"gave up after {attempts} attempts since {first_failed.isoformat()}: {reason}"
            await senders.publish(ev.NotificationFailed(**common, error=error[:2000], attempts=attempts, failed_at=now), failed_id)
            return replace(case, pending=rest)
        next_at = senders.retry.next_at(now, round_)
        log.warning("notice failed again", extra={"medium": kept["medium"], "template": notice.template, "error": reason[:300]})
        await senders.publish(ev.NotificationFailed(**common, error=f"{reason} (retrying from {next_at.isoformat()})"[:2000],
                                                    attempts=attempts, failed_at=now), failed_id)
        return replace(case, pending=rest | {notice_id: kept | {"attempts": attempts, "round": round_, "next_at": next_at.isoformat()}})
    senders.deliveries.delivered(kept["medium"])
    await senders.publish(ev.NotificationSent(**common, sent_at=now), notice_id)
    return replace(case, pending=rest)


# --- the table --------------------------------------------------------------------------------


def _load(watch: Watch, case_id: str) -> WatchedCase | None:
    stored = watch.get(case_id)
    return WatchedCase.from_json(stored) if stored is not None else None


def _store(watch: Watch, case: WatchedCase) -> None:
    if case.closed and not case.pending:
        watch.pop(case.case_id, None)
    else:
        watch[case.case_id] = case.to_json()


def _staff_fields(case: WatchedCase, senders: Senders, **more: str) -> dict[str, str]:
    return {"priority": case.priority, "department": case.department, "link": senders.link(case.case_id)} | more


def customer_of(event: ev.Event) -> dict[str, Any]:
    """What the customer's notices need from their complaint (personal data: kept in the
    table, never logged, never in an event)."""
    received: ev.ComplaintReceived = event.data
    email = received.email
    return {
        "received_event_id": event.id, "channel": received.channel.value,
        "language": received.language.value if received.language else None,
        "email": received.customer.email, "phone": received.customer.phone,
        "message_id": email.message_id if email else None, "references": list(email.references) if email else [],
        "subject": received.subject,
    }


async def acknowledge_customer(case: WatchedCase, *, senders: Senders, now: datetime) -> WatchedCase:
    """The acknowledgement on receipt, once the case is both received and judged valid."""
    if not case.routed or case.customer is None or case.customer_acknowledged:
        return case
    customer = case.customer
    fields = {"acknowledge_by": case.acknowledge_by.strftime("%Y-%m-%d %H:%M UTC") if case.acknowledge_by else "",
              "their_subject": customer.get("subject") or ""}
    case = await notify_customer(case, senders=senders, template="acknowledgement", trigger_event_id=customer["received_event_id"],
                                 fields=fields, now=now)
    return replace(case, customer_acknowledged=True)


# A complaint recorded longer ago than this gets no acknowledgement: a new consumer group reads
# the received topic from its start (a year of complaints). Recorded is the event's time, when
# intake wrote it, not `received_at`: a letter that came three days ago and is keyed in today is
# acknowledged today.
RECEIPT_ACKNOWLEDGED_WITHIN = timedelta(days=1)


async def on_received(event: ev.Event, *, watch: Watch, senders: Senders, now: datetime) -> None:
    received: ev.ComplaintReceived = event.data
    with case_context(received.case_id):
        if now - event.time > RECEIPT_ACKNOWLEDGED_WITHIN:
            return
        case = _load(watch, received.case_id) or WatchedCase(case_id=received.case_id)
        if case.customer is not None:
            return  # redelivered
        case = replace(case, customer=customer_of(event))
        _store(watch, await acknowledge_customer(case, senders=senders, now=now))


async def on_routed(event: ev.Event, *, watch: Watch, senders: Senders, now: datetime) -> None:
    routed: ev.ComplaintRouted = event.data
    with case_context(routed.case_id):
        before = _load(watch, routed.case_id)
        if before is not None and before.routed:
            return  # a redelivered decision: the department was told already
        case = (before or WatchedCase(case_id=routed.case_id)).with_routing(routed)
        if case is None:
            if before is not None:
                del watch[routed.case_id]  # spam, a duplicate, invalid: no notices, no clocks
            return
        case = await notify(
            case, senders=senders, role=f"department:{routed.department}", template="case_assigned", trigger_event_id=event.id, now=now,
            fields=_staff_fields(case, senders, category=routed.category,
                                 acknowledge_by=routed.deadlines.acknowledge_by.isoformat() if routed.deadlines else ""),
        )
        _store(watch, await acknowledge_customer(case, senders=senders, now=now))


async def on_case_update(event: ev.Event, *, watch: Watch, senders: Senders, ladder: LadderConfig, now: datetime) -> None:
    update: ev.CaseUpdate = event.data
    with case_context(update.case_id):
        case = _load(watch, update.case_id)
        if case is None or event.id in case.handled_updates:
            return
        after = apply_update(case, update, ladder=ladder)
        if after is not None:
            after = replace(after, handled_updates=[*case.handled_updates, event.id][-REMEMBERED_UPDATES:])
        if after is None:
            del watch[update.case_id]
            return
        if isinstance(update, ev.RemedyProposed):
            after = await notify(after, senders=senders, role=f"supervisor:{after.department}", template="approval_request",
                                 trigger_event_id=event.id, now=now,
                                 fields=_staff_fields(after, senders, remedy=update.remedy,
                                                      approve_by=after.approve_by.isoformat() if after.approve_by else ""))
        elif isinstance(update, ev.CustomerInfoRequested) and case.paused_since is None:
            # The question goes to the customer on their channel; their reply (intake files it on
            # the case as CustomerFollowedUp) resumes the clocks.
            after = await notify_customer(after, senders=senders, template="info_request", trigger_event_id=event.id, now=now,
                                          fields={"question": update.question}, callback_purpose="info_request")
        elif isinstance(update, ev.RemedyRejected):
            after = await notify(after, senders=senders, role=f"department:{after.department}", template="remedy_rejected",
                                 trigger_event_id=event.id, now=now, fields=_staff_fields(after, senders, reason=update.reason))
        elif isinstance(update, ev.CaseResolved):
            after = await notify_customer(after, senders=senders, template="resolution", trigger_event_id=event.id, now=now,
                                          fields={"resolution": update.resolution})
            after = await notify_customer(after, senders=senders, template="satisfaction_request", trigger_event_id=event.id, now=now,
                                          fields={}, callback_purpose="satisfaction_request")
        _store(watch, after)


# --- the ladder -------------------------------------------------------------------------------


async def climb(case: WatchedCase, escalation: Escalation, *, trigger_event_id: str, senders: Senders, ladder: LadderConfig,
                now: datetime) -> WatchedCase | None:
    """Notify the rung's roles and mark it; None when the case reached it already, or the
    clock's escalation was acknowledged meanwhile (a rung published before that arrived)."""
    if has_reached(case, escalation.deadline, escalation.level) or escalation.deadline in case.escalation_acknowledged:
        return None
    roles = [role_of(escalation.level, case.department)]
    if case.tier == ev.CustomerTier.KEY_ACCOUNT.value and LEVELS.index(escalation.level) >= LEVELS.index(ladder.key_account_from):
        roles += ladder.key_account_roles
    fields = _staff_fields(case, senders, deadline=escalation.deadline, level=escalation.level, due_at=escalation.due_at.isoformat())
    for role in roles:
        case = await notify(case, senders=senders, role=role, template=f"escalated_{escalation.deadline}", trigger_event_id=trigger_event_id,
                            fields=fields, now=now)
    # Marked after the notices: a crash in between sends them again (same derived ids)
    # rather than never. Faust writes the changelog before it commits this event's offset.
    return mark_escalated(case, [escalation])


async def on_escalated(event: ev.Event, *, watch: Watch, senders: Senders, ladder: LadderConfig, now: datetime) -> bool:
    """Send the notices of an escalation and mark its rung in the watch; returns whether it did.

    A redelivered escalation finds its rung marked and sends nothing again; one for a case
    the watch doesn't follow (closed since, or escalated by another system) is ignored.
    """
    escalated: ev.CaseEscalated = event.data
    with case_context(escalated.case_id):
        case = _load(watch, escalated.case_id)
        if case is None or case.closed:
            return False
        climbed = await climb(case, Escalation(escalated.deadline, escalated.level.value, escalated.due_at),
                              trigger_event_id=event.id, senders=senders, ladder=ladder, now=now)
        if climbed is None:
            return False
        _store(watch, climbed)
        return True


async def on_due(work: DueWork, *, watch: Watch, senders: Senders, ladder: LadderConfig, now: datetime) -> bool:  # noqa: ARG001
    """A delivery to retry, a department's digest or a part of the day's digests; returns
    whether it did anything."""
    if work.kind == "digest":
        return await send_digest(work, watch=watch, senders=senders)
    if work.kind == "digest_part":
        return await gather_digest_part(work, watch=watch, senders=senders)
    with case_context(work.case_id):
        case = _load(watch, work.case_id)
        if case is None or work.kind != "retry":
            return False  # a `rung` of an older version: the timer publishes it as CaseEscalated
        after = await retry_delivery(case, notice_id=work.notice_id or "", senders=senders, now=now)
        if after == case:
            return False
        _store(watch, after)
        return True


# --- the daily digest ---------------------------------------------------------------------------


def digest_sent(watch: Mapping[str, Any], department: str, day: str) -> bool:
    mark = watch.get(mark_key(department))
    return mark is not None and mark.get("day") == day


async def send_digest(work: DueWork, *, watch: Watch, senders: Senders) -> bool:
    """Send a department's digest through the staff channels to `department:<name>`, once a day.

    A digest names no case, so no NotificationSent/NotificationFailed is published for it
    (archive would take the digest for a case): each channel retries in place, a channel that
    still fails is logged, and the day is marked either way.
    """
    department, day = work.department or "", work.day or ""
    if digest_sent(watch, department, day):
        return False
    fields = {"department": department, "day": day} | {name: str(n) for name, n in (work.counts or {}).items()}
    notice = Notice(case_id=f"digest-{department}-{day}", recipient_role=f"department:{department}", template="digest", fields=fields,
                    language=senders.staff_language_of(department), notice_id=work.work_id)
    for notifier in senders.staff():
        try:
            await notifier.send(notice)
        except Exception as exc:  # noqa: BLE001 - one channel down must not stop the others
            reason, _attempts = _reason(exc)
            log.warning("digest not delivered", extra={"medium": notifier.medium, "department": department, "error": reason[:300]})
        else:
            senders.deliveries.delivered(notifier.medium)
    watch[mark_key(department)] = {"day": day, "counts": work.counts or {}}
    return True


async def gather_digest_part(work: DueWork, *, watch: Watch, senders: Senders) -> bool:
    """Keep one partition's part of the day's digests; when every partition's part has come,
    send each department's digest with the parts added up (once: the day is marked sent)."""
    day, partitions = work.day or "", work.partitions or 1
    gathered = watch.get(PARTS_KEY)
    if gathered is not None and gathered.get("day") == day and gathered.get("sent"):
        return False
    gathered = gather_part(gathered, day=day, partition=work.partition or 0, counts=work.departments or {})
    if complete(gathered, partitions):
        for department, counts in added_up(gathered).items():
            await send_digest(DueWork(kind="digest", case_id=mark_key(department), department=department, day=day, counts=counts),
                              watch=watch, senders=senders)
        gathered = {**gathered, "sent": True}
    watch[PARTS_KEY] = gathered
    return True


def digest_parts(cases_by_partition: Mapping[int, Iterable[WatchedCase]], *, now: datetime, day: str, partitions: int) -> list[DueWork]:
    """One part of `day`'s digests per partition this worker owns (a partition without open
    cases too: the whole is known only when every partition has answered)."""
    return [DueWork(kind="digest_part", case_id=PARTS_KEY, day=day, partition=partition, partitions=partitions,
                    departments=department_counts(cases, now))
            for partition, cases in sorted(cases_by_partition.items())]


# --- the timer's side ---------------------------------------------------------------------------


def due_work(case: WatchedCase, now: datetime, *, ladder: LadderConfig) -> list[tuple[str, ev.CaseEscalated | DueWork]]:
    """What is due for the case now, as (work id, what to publish)."""
    due: list[tuple[str, ev.CaseEscalated | DueWork]] = []
    for escalation in due_escalations(case, now, ladder=ladder):
        due.append(escalation_event(case, escalation, now))
    for notice_id, kept in case.pending.items():
        if datetime.fromisoformat(kept["next_at"]) <= now:
            work = DueWork(kind="retry", case_id=case.case_id, notice_id=notice_id, round=kept["round"])
            due.append((work.work_id, work))
    return due


def next_look(case: WatchedCase, *, ladder: LadderConfig) -> datetime | None:
    """When the timer should look at the case next: its next rung or its next retry."""
    times = [datetime.fromisoformat(kept["next_at"]) for kept in case.pending.values()]
    if (rung := next_due(case, ladder=ladder)) is not None:
        times.append(rung)
    return min(times, default=None)


async def publish_due(
    case: WatchedCase, *, publish: Publish, publish_work: PublishWork, now: datetime, ladder: LadderConfig, in_flight: set[str]
) -> int:
    """Publish what is due for the case that this process has not published yet; returns how many.

    `in_flight` holds the case's work ids this process published that the table has not
    marked yet (the agents may not have caught up). After a restart an unmarked one is
    published again under the same id, which the agents then find marked or drop.
    """
    made = 0
    with case_context(case.case_id):
        for work_id, work in due_work(case, now, ladder=ladder):
            if work_id in in_flight:
                continue
            if isinstance(work, DueWork):
                await publish_work(work)
            else:
                await publish(work, work_id)
            in_flight.add(work_id)
            made += 1
    return made
