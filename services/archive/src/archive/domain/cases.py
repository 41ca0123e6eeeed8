"""The case projection: a case is the fold of its events, along the shared lifecycle.

Every event of a case is kept as a timeline entry. The case document is recomputed from the
whole timeline in one canonical order (the complaint first, then routing's judgement, then
everything else by time), so the topics' arrival order does not matter: an acknowledgement
consumed before the routing decision it followed gives the same case as the reverse, a
redelivered event (same id) changes nothing, and a rebuild from the log reaches the same
documents. An update the status does not allow at its place is kept in the timeline and
flagged with the reason, never dropped, and has no other effect.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from complaints_shared import events as ev
from complaints_shared.lifecycle import ACTIONS, CaseStatus, TransitionRefused, after, status_after_judgement

RECEIVED_TYPE = ev.type_name(ev.ComplaintReceived)
ROUTED_TYPE = ev.type_name(ev.ComplaintRouted)
ESCALATED_TYPE = ev.type_name(ev.CaseEscalated)
NOTICE_TYPES = {ev.type_name(ev.NotificationSent): "sent", ev.type_name(ev.NotificationFailed): "failed"}
# CloudEvents type → lifecycle action ("org.complaints.case.acknowledged.v1" → "acknowledged").
ACTION_OF_TYPE: dict[str, str] = {ev.type_name(model): model.event_type.split(".", 1)[1] for model in ev.CASE_UPDATES}
assert set(ACTION_OF_TYPE.values()) <= set(ACTIONS), "every case update is a lifecycle action"

# The step each action stamps (the latest time it was taken).
STEP_TIMES = {
    "acknowledged": "acknowledged_at",
    "cause_found": "cause_found_at",
    "remedy_proposed": "remedy_proposed_at",
    "remedy_approved": "remedy_approved_at",
    "remedy_rejected": "remedy_rejected_at",
    "resolved": "resolved_at",
    "satisfaction_recorded": "evaluated_at",
    "closed": "closed_at",
    "reopened": "reopened_at",
    "merged": "merged_at",
}
# What the department does that answers the departmental reply deadline (as notification's
# escalation ladder counts it): a finding, a proposal or a note once the case is acknowledged.
REPLIES = frozenset({"cause_found", "remedy_proposed", "note_added"})
_ESCALATION_RUNGS = [level.value for level in ev.EscalationLevel]


def timeline_entry(event: ev.Event) -> dict[str, Any]:
    data = event.data.model_dump(mode="python", exclude={"case_id"}, exclude_none=True)
    return {"event_id": event.id, "type": event.type, "at": event.time, "source": event.source, "data": data}


def case_id_of(event: ev.Event) -> str | None:
    """The case an event belongs to (None: a customer profile, a dead letter, ...)."""
    return getattr(event.data, "case_id", None)


def _millis(at: datetime) -> datetime:
    # The store keeps milliseconds: order by what survives a round trip, so a case folded from
    # fresh events and the same case folded from its stored timeline agree.
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def canonical_order(entry: dict[str, Any]) -> tuple[int, datetime, str]:
    """The complaint, then routing's judgement, then the rest by time (ties by event id).

    Causality, not clocks, puts the first two first: routing judges a recorded complaint, and
    intake takes a case action only on a judged case.
    """
    phase = 0 if entry["type"] == RECEIVED_TYPE else 1 if entry["type"] == ROUTED_TYPE else 2
    return phase, _millis(entry["at"]), entry["event_id"]


def merge_timeline(stored: Iterable[dict[str, Any]], fresh: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The stored timeline plus the fresh entries not in it yet; and how many were new."""
    timeline = list(stored)
    known = {entry["event_id"] for entry in timeline}
    added = 0
    for entry in fresh:
        if entry["event_id"] not in known:
            known.add(entry["event_id"])
            timeline.append(entry)
            added += 1
    return timeline, added


def project(case_id: str, timeline: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The case document (without the roll-up bookkeeping) that its timeline folds to."""
    case: dict[str, Any] = {
        "_id": case_id,
        "status": CaseStatus.RECEIVED.value,
        "escalations": 0,
        "escalation_history": [],
        "notices": [],
        "corrections": [],
        "reopened": 0,
        "flagged": 0,
    }
    entries = []
    for stored in sorted(timeline, key=canonical_order):
        entry = {k: v for k, v in stored.items() if k != "flagged"}
        refused = _apply(case, entry)
        if refused:
            entry["flagged"] = refused
            case["flagged"] += 1
        entries.append(entry)
    case["timeline"] = entries
    case["version"] = len(entries)  # +1 per event applied (a flagged one included: the case changed)
    _derive_lookups(case, entries)
    return case


def normalise_text(text: str) -> str:
    """What text search compares: NFKC (full-width forms, compatibility ideographs) and case-folded,
    whitespace runs as one space. CJK text has no word boundaries, so search is a substring match
    on this form, never a word index."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def customer_key(identifier: str) -> str:
    """How a customer id, an E.164 phone or an e-mail address is compared (addresses case-blind)."""
    identifier = identifier.strip()
    return identifier.casefold() if "@" in identifier else identifier


def _derive_lookups(case: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """Fields only the list queries use: who the case's customer is, the searchable text, and the
    time the case lists by (its reception; until the complaint is archived, its first event)."""
    contact = case.get("contact") or {}
    identifiers = (contact.get("customer_id"), case.get("customer_id"), contact.get("phone"), contact.get("email"))
    case["customer_keys"] = sorted({customer_key(value) for value in identifiers if value})
    case["search_text"] = normalise_text(f"{case.get('subject') or ''} {case.get('text') or ''}")
    case["listed_at"] = case.get("received_at") or min((_millis(entry["at"]) for entry in entries), default=None)


def _apply(case: dict[str, Any], entry: dict[str, Any]) -> str | None:
    """Apply one entry to `case`; answer the reason when the lifecycle refuses it."""
    kind, data = entry["type"], entry["data"]
    if kind == RECEIVED_TYPE:
        _received(case, data)
    elif kind == ROUTED_TYPE:
        _routed(case, data)
    elif kind in ACTION_OF_TYPE:
        return _action(case, ACTION_OF_TYPE[kind], data)
    elif kind == ESCALATED_TYPE:
        case["escalations"] += 1
        case["escalation_history"].append({k: data[k] for k in ("level", "deadline", "due_at", "department", "escalated_at")})
        levels = [_ESCALATION_RUNGS.index(e["level"]) for e in case["escalation_history"]]
        case["escalation_level"] = _ESCALATION_RUNGS[max(levels)]
    elif kind in NOTICE_TYPES:
        # The notice's outcome, never its error text (it may quote an address).
        case["notices"].append({
            "outcome": NOTICE_TYPES[kind], "medium": data["medium"], "recipient_role": data["recipient_role"],
            "template": data["template"], "trigger_event_id": data["trigger_event_id"],
            "at": data.get("sent_at") or data.get("failed_at"),
        })
    return None


def _received(case: dict[str, Any], data: dict[str, Any]) -> None:
    # An erased complaint keeps no text and no contact (see erasure.py).
    case.update(
        channel=data["channel"], subject=data.get("subject", ""), text=data.get("text", ""), received_at=data["received_at"],
        external_id=data.get("external_id"), product=data.get("product"), contact=data.get("customer", {}),
    )
    case.setdefault("language", data.get("language"))
    if data.get("customer_tier"):
        case.setdefault("customer_tier", data["customer_tier"])


_ROUTED_FIELDS = ("validity", "related_case_id", "category", "department", "priority", "confidence", "uncertain",
                  "customer_id", "customer_tier", "handling_hint", "routed_at", "deadlines")


def _routed(case: dict[str, Any], data: dict[str, Any]) -> None:
    case.update({name: data.get(name) for name in _ROUTED_FIELDS})
    if data.get("language"):
        case["language"] = data["language"]
    # The judgement moves only a case still waiting for it; a later re-judgement refreshes the
    # routing fields but never pulls a case staff already work on back to step 3.
    if case["status"] == CaseStatus.RECEIVED.value:
        case["status"] = status_after_judgement(data["validity"]).value


def _action(case: dict[str, Any], action: str, data: dict[str, Any]) -> str | None:
    before = CaseStatus(case["status"])
    try:
        case["status"] = after(before, action).value
    except TransitionRefused as refused:
        return str(refused)
    at = data["at"]
    if action in STEP_TIMES:
        case[STEP_TIMES[action]] = at
    if action in REPLIES and before not in (CaseStatus.RECEIVED, CaseStatus.ASSIGNED) and "replied_at" not in case:
        case["replied_at"] = at
    if action == "cause_found":
        case["cause"] = data["cause"]
    elif action == "remedy_proposed":
        case["remedy"] = data["remedy"]
    elif action == "resolved":
        case["resolution"] = data["resolution"]
    elif action == "satisfaction_recorded":
        case["satisfaction"] = data["score"]
    elif action == "reopened":
        case["reopened"] += 1
    elif action == "merged":
        case["merged_into"] = data["into_case_id"]
    elif action == "reassigned":
        _reassigned(case, data)
    elif action == "customer_info_requested":
        _awaiting_customer(case, at)
    elif action in RESUMES and case.get("awaiting_customer"):
        _customer_answered(case, at)
    return None


# What ends the wait on the customer (the clocks' pause, as notification counts it).
RESUMES = frozenset({"customer_followed_up", "customer_info_received"})


def _awaiting_customer(case: dict[str, Any], at: datetime) -> None:
    if not case.get("awaiting_customer"):
        case.update(awaiting_customer=True, awaiting_customer_since=at)


def _customer_answered(case: dict[str, Any], at: datetime) -> None:
    waited = max((at - case["awaiting_customer_since"]).total_seconds(), 0.0)
    case.update(awaiting_customer=False, awaiting_customer_since=None,
                awaited_customer_seconds=case.get("awaited_customer_seconds", 0.0) + waited)


def _reassigned(case: dict[str, Any], data: dict[str, Any]) -> None:
    moved = {name: data[name] for name in ("department", "category", "priority") if data.get(name)}
    case["corrections"].append({
        "at": data["at"], "actor": data["actor"], "reason": data.get("reason", ""),
        "from": {name: case.get(name) for name in moved}, "to": moved,
    })
    case.update(moved)
    case["corrected"] = True
