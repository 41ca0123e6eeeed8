"""Routing's use cases: recognise the customer, then decide validity, category, priority,
department and deadlines for one complaint. Plain functions over the domain; the Faust agents
hand them their ports: table views (any MutableMapping), a publish function and a clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from complaints_shared import events as ev

from .adapters.config_files import load_model_file, read_calendar, read_rules, read_validity
from .domain.classification import Classification, Classifier
from .domain.classification.config import compile_rules
from .domain.customers import CustomerDirectory
from .domain.deadlines import DeadlinePolicy
from .domain.validity import OpenCase, ValidityJudge, prune

HISTORY_MAX_AGE = timedelta(days=365)
HISTORY_MAX_CASES = 50

# The ports of the route use case.
Publish = Callable[[ev.Contract, str], Awaitable[Any]]  # (data, event id); returns once acknowledged
Histories = MutableMapping[str, Any]  # customer key -> the customer's cases (OpenCase JSON), newest kept
CaseOwners = MutableMapping[str, str]  # case id -> customer key
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RoutingEngine:
    """The domain pieces, built once per process from configuration."""

    classifier: Classifier
    judge: ValidityJudge
    deadlines: DeadlinePolicy

    @property
    def default_region(self) -> str:
        """The region of phone numbers without a country code: the judge's, which the customer
        directory gets too (one region, so one number is filed under one key)."""
        return self.judge.default_region

    @classmethod
    def from_config(cls, *, rules_path=None, model_path=None, validity_path=None, calendar_path=None, default_region="CN"):
        """The engine of the configuration files (default: the shipped ones), each read and
        validated by the config adapter; the domain pieces are built from the typed models."""
        return cls(
            classifier=Classifier(compile_rules(read_rules(rules_path)), load_model_file(model_path)),
            judge=ValidityJudge.from_settings(read_validity(validity_path), default_region=default_region),
            deadlines=DeadlinePolicy.from_settings(read_calendar(calendar_path)),
        )


@dataclass(frozen=True)
class Recognised:
    """Who complained, as far as the customer directory knows."""

    customer_key: str  # the key the customer's history is kept under
    customer_id: str | None
    tier: ev.CustomerTier
    matched_on: str | None

    def to_json(self) -> dict[str, Any]:
        return {"customer_key": self.customer_key, "customer_id": self.customer_id, "tier": self.tier.value, "matched_on": self.matched_on}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recognised:
        return cls(data["customer_key"], data.get("customer_id"), ev.CustomerTier(data["tier"]), data.get("matched_on"))


def recognise(complaint: ev.ComplaintReceived, *, directory: CustomerDirectory) -> Recognised:
    resolved = directory.resolve(complaint.customer, complaint.text)
    declared = complaint.customer_tier or ev.CustomerTier.STANDARD
    if resolved is not None:
        tier = ev.CustomerTier.KEY_ACCOUNT if ev.CustomerTier.KEY_ACCOUNT in (resolved.tier, declared) else ev.CustomerTier.STANDARD
        return Recognised(resolved.customer_key, resolved.customer_id, tier, resolved.matched_on)
    # An unknown customer is filed under their first contact detail; anonymous ones under the
    # case itself (no history to compare with).
    key = directory.best_key(complaint.customer, complaint.text) or f"case:{complaint.case_id}"
    return Recognised(key, None, declared, None)


def ingest_profile(profile: ev.CustomerProfileUpdated, *, directory: CustomerDirectory) -> None:
    directory.ingest(profile)


def _items(classification: Classification) -> list[ev.ExplanationItem]:
    return [ev.ExplanationItem(step=i.step, rule=i.rule, detail=i.detail, weight=i.weight) for i in classification.explanation]


def route(
    event: ev.Event,
    recognised: Recognised,
    *,
    engine: RoutingEngine,
    history: list[OpenCase],
    now: datetime,
) -> tuple[ev.ComplaintRouted, OpenCase]:
    """The routing decision for one received complaint, and its entry for the customer's history."""
    complaint: ev.ComplaintReceived = event.data
    earlier = [case for case in history if case.case_id != complaint.case_id]  # a redelivery never matches itself
    classification = engine.classifier.classify(
        text=complaint.text, subject=complaint.subject, channel=complaint.channel.value,
        language=complaint.language.value if complaint.language else None,
        customer_tier=recognised.tier.value, product=complaint.product,
        earlier_categories={case.category for case in earlier if case.category},
    )
    # One analysis of the text serves both the verdict and the customer-history entry.
    verdict, open_case = engine.judge.judge_and_open_case(
        case_id=complaint.case_id, text=complaint.text, subject=complaint.subject, channel=complaint.channel.value,
        sender_email=complaint.customer.email, sender_phone=complaint.customer.phone,
        customer_key=recognised.customer_key, received_at=complaint.received_at,
        open_cases=[case for case in earlier if case.status == "open"],
        category=classification.category, product=complaint.product,
    )
    explanation = [
        ev.ExplanationItem(step="validity", rule=verdict.rule, detail=verdict.reason, weight=verdict.score),
        ev.ExplanationItem(
            step="customer", rule="customer-directory",
            detail=f"matched on {recognised.matched_on}, tier {recognised.tier.value}" if recognised.customer_id else "unknown customer",
        ),
        *_items(classification),
    ]
    deadlines = None
    if verdict.validity in (ev.Validity.VALID, ev.Validity.FOLLOW_UP):
        decision = engine.deadlines.decide(
            priority=classification.priority, category=classification.category, received_at=complaint.received_at,
            triage=classification.uncertain and classification.department == engine.classifier.rules.triage_department,
        )
        deadlines = decision.deadlines
        explanation.append(ev.ExplanationItem(step="deadline", rule="calendar", detail=decision.explanation))
    routed = ev.ComplaintRouted(
        case_id=complaint.case_id,
        received_event_id=event.id,
        validity=verdict.validity,
        related_case_id=verdict.related_case_id,
        category=classification.category,
        department=classification.department,  # uncertain ones go to the triage queue (rules.yaml triage.department)
        priority=ev.Priority(classification.priority),
        confidence=classification.confidence,
        uncertain=classification.uncertain,
        language=ev.Language(classification.language) if classification.language else None,
        customer_id=recognised.customer_id,
        customer_tier=recognised.tier,
        deadlines=deadlines,
        handling_hint=classification.handling_hint,
        motive=classification.motive,
        explanation=tuple(explanation),
        rules_version=classification.rules_version,
        model_version=classification.model_version,
        routed_at=now,
    )
    return routed, open_case


def remember(history: list[OpenCase], case: OpenCase, *, now: datetime) -> list[OpenCase]:
    """The customer's history with `case` added (or replaced) and old entries dropped."""
    kept = [c for c in history if c.case_id != case.case_id] + [case]
    return list(prune(kept, now, HISTORY_MAX_AGE, keep_statuses=("open", "closed"), limit=HISTORY_MAX_CASES))


def mark_status(history: list[OpenCase], case_id: str, status: str) -> list[OpenCase]:
    return [replace(c, status=status) if c.case_id == case_id else c for c in history]


def routed_event_id(received_event_id: str) -> str:
    """Routing a redelivered complaint publishes the same event id again; archive keeps one."""
    return ev.derived_id("routed", received_event_id)


async def route_complaint(
    event: ev.Event,
    recognised: Recognised,
    *,
    engine: RoutingEngine,
    histories: Histories,
    owners: CaseOwners,
    publish: Publish,
    clock: Clock,
) -> ev.ComplaintRouted:
    """Route one received complaint of a recognised customer: decide with the customer's history,
    publish the decision, then remember the case in the history and who owns it."""
    customer_key = recognised.customer_key
    stored = [OpenCase.from_json(c) for c in histories.get(customer_key) or []]
    routed, open_case = route(event, recognised, engine=engine, history=stored, now=clock())
    # Published before the history is written: after a crash the complaint is routed again with
    # the same derived event id (its own history entry is ignored), and consumers drop the copy.
    await publish(routed, routed_event_id(event.id))
    histories[customer_key] = [c.to_json() for c in remember(stored, open_case, now=clock())]
    owners[routed.case_id] = customer_key
    return routed


def follow_status(*, customer_key: str, case_id: str, status: str, histories: Histories) -> None:
    """A case of the customer was closed or reopened: its history entry follows."""
    stored = [OpenCase.from_json(c) for c in histories.get(customer_key) or []]
    histories[customer_key] = [c.to_json() for c in mark_status(stored, case_id, status)]
