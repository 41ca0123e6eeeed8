"""What the judge reads from one complaint, each part computed at most once, and the verdict it
gives."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from complaints_shared.events import Channel, CustomerContact, Validity

from ..customers import _contacts_in, contact_keys
from .caches import computed_once
from .fingerprints import Sketch
from .text import _strip_urls, cue_gated, normalise_text, order_refs_gated

if TYPE_CHECKING:
    from .rules import ValidityRules

__all__ = ["Analysis", "Complaint", "ValidityVerdict", "keys_of", "sender_keys"]


@dataclass(frozen=True)
class ValidityVerdict:
    validity: Validity
    related_case_id: str | None
    reason: str
    rule: str
    score: float = 0.0


class Analysis:
    """The per-complaint work shared by `judge()` and `open_case()`: normalised text, links,
    shingle sketch, order numbers, cue, contact keys written in the text. Each part is computed
    on first use, at most once. Built for one judge's settings (see `ValidityJudge._analyse`)."""

    def __init__(self, body: str, judge: ValidityRules) -> None:
        self.body = body
        self.fingerprinter = judge.fingerprinter
        self.order_ref_patterns = judge.order_ref_patterns
        self.cue_patterns = judge.cue_patterns
        self.default_region = judge.default_region
        self._gated_refs, self._gated_cues = judge._gated_patterns()
        # NFKC alone for the contacts written in the text (phone numbers, e-mails)
        self.folded = unicodedata.normalize("NFKC", body) if body else ""
        self.norm = normalise_text(body)

    def matches(self, judge: ValidityRules) -> bool:
        return (
            self.fingerprinter is judge.fingerprinter
            and self.order_ref_patterns is judge.order_ref_patterns
            and self.cue_patterns is judge.cue_patterns
            and self.default_region == judge.default_region
        )

    @computed_once
    def compact(self) -> str:
        return self.norm.replace(" ", "")

    @computed_once
    def _links(self) -> tuple[list[str], str]:
        return _strip_urls(self.norm)

    @property
    def links(self) -> list[str]:
        return self._links[0]

    @property
    def without_links(self) -> str:
        return self._links[1]

    @computed_once
    def sketch(self) -> tuple[int, ...]:
        fp = self.fingerprinter
        return fp._sketch(fp._shingles(self.without_links))

    @computed_once
    def sketch_set(self) -> Sketch | None:
        return Sketch(frozenset(self.sketch), self.sketch) if self.sketch else None

    @computed_once
    def fingerprint(self) -> str:
        return self.fingerprinter._encode(self.sketch)

    @computed_once
    def order_refs(self) -> tuple[str, ...]:
        return tuple(order_refs_gated(self.norm, self._gated_refs))

    @computed_once
    def cue(self) -> bool:
        return cue_gated(self.norm, self._gated_cues)

    @computed_once
    def text_keys(self) -> tuple[str, ...]:
        return tuple(_contacts_in(self.folded, self.default_region).keys())


@dataclass(frozen=True)
class Complaint:
    """One complaint as the judge sees it: its analysed text and what came with it."""

    analysis: Analysis
    channel: Channel
    received_at: datetime
    sender_email: str | None = None
    sender_phone: str | None = None
    customer_key: str | None = None
    category: str | None = None
    product: str | None = None
    case_id: str | None = None


def keys_of(complaint: Complaint, region: str) -> list[str]:
    """Every key the complaint's customer may be filed under: the resolved customer's, the
    sender's contacts, the contacts written in the text."""
    keys: list[str] = [complaint.customer_key] if complaint.customer_key else []
    keys += sender_keys(complaint.sender_email, complaint.sender_phone, region)
    keys += complaint.analysis.text_keys
    return list(dict.fromkeys(keys))


@lru_cache(maxsize=1024)
def sender_keys(email: str | None, phone: str | None, region: str) -> tuple[str, ...]:
    return tuple(contact_keys(CustomerContact(email=email, phone=phone), region))
