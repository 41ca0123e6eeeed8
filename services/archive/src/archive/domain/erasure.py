"""Erasure (PIPL art. 47, GDPR art. 17): what of a case is the customer's, and goes.

Goes: the contact (name, e-mail, phone, customer number), everything the customer wrote (the
complaint's subject and text, the remedy they asked for, quoted mail, follow-ups, the comment of
the satisfaction call-back), and what the channels knew about them (addresses, numbers, message
ids, call recordings, attachment names), in the case and in each timeline entry. The bytes of the
files they sent (attachments, letter scans) are deleted from the store by the repository; their
references stay in the timeline marked erased, with the type and size only: a file name often
names its sender ("li-wei-receipt.pdf") and the SHA-256 would confirm who sent a given file.

Stays: what the statistics are made of and what staff recorded about the handling: the channel,
times, routing's judgement (validity, category, department, priority, deadlines, related case),
each step's time, the cause, the remedy and resolution staff wrote, scores, escalations and
notices. So the case still folds to the same status and the same roll-up contribution: erasing
changes no indicator.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from complaints_shared import events as ev

from .cases import ACTION_OF_TYPE, NOTICE_TYPES, RECEIVED_TYPE, ROUTED_TYPE

# What a complaint's timeline entry keeps.
RECEIVED_KEPT = frozenset({"channel", "received_at", "language", "customer_tier", "product"})
# Routing's explanation quotes matched words; its motive reads the text; customer_id names them.
ROUTED_ERASED = frozenset({"customer_id", "explanation", "motive", "handling_hint"})
# Case actions: the customer's own words.
ACTION_ERASED = {"customer_followed_up": frozenset({"text", "received_event_id"}), "satisfaction_recorded": frozenset({"comment"})}
# What an erased attachment reference keeps (the bytes it named are deleted).
ATTACHMENT_KEPT = frozenset({"reference", "content_type", "size"})
# What a letter's details keep: how it was read, not where it came from.
LETTER_KEPT = frozenset({"pages", "received_on", "ocr_confidence", "needs_review"})
NOTICE_ERASED = frozenset({"error"})  # a failure's error text may quote an address
CASE_ERASED: dict[str, Any] = {"contact": {}, "text": "", "subject": "", "search_text": "", "customer_keys": [], "customer_id": None,
               "external_id": None}


def erase_attachment(attachment: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in attachment.items() if name in ATTACHMENT_KEPT} | {"erased": True}


def attachment_references(entry: Mapping[str, Any]) -> set[str]:
    """The stored files a timeline entry refers to (attachments, a letter's scan)."""
    data = entry.get("data", {})
    found = {attachment["reference"] for attachment in data.get("attachments", ())}
    if (scan := data.get("letter", {}).get("scan")) is not None:
        found.add(scan["reference"])
    return found


def erase_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A timeline entry without the customer's data (the same entry when it holds none)."""
    kind, data = entry["type"], entry["data"]
    if kind == RECEIVED_TYPE:
        kept = {name: value for name, value in data.items() if name in RECEIVED_KEPT}
        if (letter := data.get("letter")) is not None:
            kept["letter"] = {name: value for name, value in letter.items() if name in LETTER_KEPT} | \
                {"scan": erase_attachment(letter["scan"])}
    elif kind == ROUTED_TYPE:
        kept = {name: value for name, value in data.items() if name not in ROUTED_ERASED}
    elif kind in NOTICE_TYPES:
        kept = {name: value for name, value in data.items() if name not in NOTICE_ERASED}
    elif kind in ACTION_OF_TYPE:
        erased = ACTION_ERASED.get(ACTION_OF_TYPE[kind], frozenset())
        kept = {name: value for name, value in data.items() if name not in erased}
    else:
        kept = dict(data)
    if attachments := data.get("attachments"):
        kept["attachments"] = [erase_attachment(attachment) for attachment in attachments]
    return dict(entry) | {"data": kept}


def erase_case(case: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    """The case without its customer's data; everything the roll-ups count is left as it was.
    The version moves on, so a writer holding the case as it was read cannot write it back."""
    erased = dict(case) | CASE_ERASED
    erased["timeline"] = [erase_entry(entry) for entry in case.get("timeline", ())]
    erased["erased_at"] = at
    erased["version"] = int(case.get("version", 0)) + 1
    return erased


# The fields of an erasure's record (the `erasures` collection) the event carries under other names.
RECORD_TO_EVENT = {"_id": "erasure_id", "at": "erased_at"}


def erasure_event(record: Mapping[str, Any]) -> ev.CustomerErased:
    """The erasure as the event kept forever on the erasures topic: the record's ids and counts."""
    return ev.CustomerErased.model_validate({RECORD_TO_EVENT.get(name, name): value for name, value in record.items()})


def erasure_record(event: ev.CustomerErased) -> dict[str, Any]:
    """The record an erasure event stands for (what `plan_erasure` answered when it was made)."""
    event_to_record = {field: name for name, field in RECORD_TO_EVENT.items()}
    return {event_to_record.get(name, name): list(value) if isinstance(value, tuple) else value
            for name, value in event.model_dump(mode="python").items()}
