"""The validity judge: its settings, how it is built from configuration, and the order of the
checks (empty, spam, unintelligible, related case, valid)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from complaints_shared.events import Channel, Validity

from ..configuration import ConfigError, ValidityConfig, validated
from ..customers import normalise_email, normalise_phone
from .analysis import Analysis, Complaint, ValidityVerdict, keys_of
from .cases import OpenCase
from .fingerprints import Fingerprinter
from .intelligibility import unintelligible_verdict
from .related import related_candidates
from .rules import PhraseGroup, ValidityRules
from .spam import spam_verdict
from .text import _ALNUM, _cue_in, _order_refs_in, compile_all, normalise_text

__all__ = ["DEFAULT_CONFIG_PATH", "ValidityJudge", "default_judge", "extract_order_refs", "mentions_earlier_complaint"]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "config" / "validity.yaml"

# analyses of this many recent complaints are kept (judge() then open_case() of the same text)
_RECENT_ANALYSES = 8


@dataclass
class ValidityJudge(ValidityRules):
    """Judges one complaint against configurable rules and the customer's open cases."""

    # analyses of the last few complaints (judge() then open_case() of the same text)
    _memo: dict[str, Analysis] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- construction --

    @classmethod
    def from_config(cls, path: str | Path | None = None, *, default_region: str = "CN") -> ValidityJudge:
        """Build from a YAML file (default: routing/config/validity.yaml), read by the config
        adapter. `default_region` (for phone numbers without a country code) comes from the
        service settings, the same value the customer directory gets, so one number is never
        filed under two keys."""
        from ...adapters.config_files import read_validity  # the file is read by the adapter

        return cls.from_settings(read_validity(path), default_region=default_region)

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any], *, default_region: str = "CN") -> ValidityJudge:
        """Build from a mapping shaped like validity.yaml (validated: unknown keys are errors)."""
        return cls.from_settings(validated(ValidityConfig, cfg, "validity config"), default_region=default_region)

    @classmethod
    def from_settings(cls, cfg: ValidityConfig, *, default_region: str = "CN") -> ValidityJudge:
        region = default_region
        win, sim, spam, inv = cfg.windows, cfg.similarity, cfg.spam, cfg.invalid
        blocked: set[str] = set()
        for raw in spam.blocked_senders:
            if (email := normalise_email(raw)) is not None:
                blocked.add(f"email:{email}")
            elif (phone := normalise_phone(raw, region)) is not None:
                blocked.add(f"phone:{phone}")
            else:
                raise ConfigError(f"validity config: blocked sender {raw!r} is neither an e-mail nor a phone number")
        groups = tuple(
            PhraseGroup(
                name=name,
                weight=group.weight,
                phrases=tuple(dict.fromkeys(normalise_text(p) for p in group.phrases if p.strip())),
            )
            for name, group in spam.phrases.items()
        )
        return cls(
            version=cfg.version,
            default_region=region,
            duplicate_window=timedelta(hours=win.duplicate_hours),
            follow_up_window=timedelta(days=win.follow_up_days),
            consider_statuses=frozenset(win.consider_statuses),
            fingerprinter=Fingerprinter(
                shingle_cjk=sim.shingle_cjk,
                shingle_other=sim.shingle_other,
                sketch_size=sim.sketch_size,
                min_shingles_containment=sim.min_shingles_containment,
            ),
            duplicate_threshold=sim.duplicate_threshold,
            follow_up_threshold=sim.follow_up_threshold,
            related_threshold=sim.related_threshold,
            cue_threshold=sim.cue_threshold,
            spam_threshold=spam.threshold,
            link_weight=spam.link_weight,
            max_links=spam.max_links,
            max_link_share=spam.max_link_share,
            blocked_senders=frozenset(blocked),
            blocked_domains=tuple(d.casefold().strip(".") for d in spam.blocked_domains),
            phrase_groups=groups,
            min_letter_share=inv.min_letter_share,
            min_cjk_chars=inv.min_cjk_chars,
            min_latin_letters=inv.min_latin_letters,
            max_distinct_chars=inv.max_distinct_chars,
            min_repetition_length=inv.min_repetition_length,
            mash_share=inv.mash_share,
            jamo_share=inv.jamo_share,
            keyboard_runs=tuple(r.casefold() for r in inv.keyboard_runs),
            order_ref_patterns=compile_all(cfg.order_refs),
            cue_patterns=compile_all(cfg.earlier_complaint_cues),
        )

    # -- the judgement --

    def judge(
        self,
        *,
        text: str,
        subject: str = "",
        channel: Channel | str,
        sender_email: str | None = None,
        sender_phone: str | None = None,
        customer_key: str | None = None,
        received_at: datetime,
        open_cases: Sequence[OpenCase] = (),
        category: str | None = None,
        product: str | None = None,
        case_id: str | None = None,
    ) -> ValidityVerdict:
        """Judge one complaint.

        `customer_key` is the resolved customer's key ("customer:123") or the best contact key;
        `open_cases` the cases the caller holds for this customer (any may be skipped when its
        recorded contact keys share nothing with this complaint's). `category` / `product`, when
        known, help recognise follow-ups. `case_id` (this complaint's own case) is never matched.
        """
        complaint = Complaint(
            self._analyse(text, subject), Channel(channel), received_at, sender_email, sender_phone, customer_key,
            category, product, case_id,
        )
        return self._judge(complaint, open_cases)

    def open_case(
        self,
        *,
        case_id: str,
        text: str,
        received_at: datetime,
        channel: Channel | str,
        subject: str = "",
        category: str | None = None,
        product: str | None = None,
        customer_key: str | None = None,
        sender_email: str | None = None,
        sender_phone: str | None = None,
        reference: str | None = None,
    ) -> OpenCase:
        """An `OpenCase` for a complaint that became a case, fingerprinted with this judge's
        settings and filed under every contact key known for it."""
        complaint = Complaint(
            self._analyse(text, subject), Channel(channel), received_at, sender_email, sender_phone, customer_key,
            category, product, case_id,
        )
        return self._open_case(complaint, reference=reference)

    def judge_and_open_case(
        self,
        *,
        case_id: str,
        text: str,
        subject: str = "",
        channel: Channel | str,
        sender_email: str | None = None,
        sender_phone: str | None = None,
        customer_key: str | None = None,
        received_at: datetime,
        open_cases: Sequence[OpenCase] = (),
        category: str | None = None,
        product: str | None = None,
        reference: str | None = None,
    ) -> tuple[ValidityVerdict, OpenCase]:
        """`judge(...)` and `open_case(...)` of one complaint (same `case_id`, category, product,
        contacts), analysing its text once. Equal to calling the two separately."""
        complaint = Complaint(
            self._analyse(text, subject), Channel(channel), received_at, sender_email, sender_phone, customer_key,
            category, product, case_id,
        )
        return self._judge(complaint, open_cases), self._open_case(complaint, reference=reference)

    def _judge(self, complaint: Complaint, open_cases: Sequence[OpenCase]) -> ValidityVerdict:
        analysis = complaint.analysis
        norm = analysis.norm
        if _ALNUM.search(norm) is None:
            return ValidityVerdict(Validity.INVALID, None, "no letters or digits in the complaint", "invalid.empty", 1.0)
        verdict = spam_verdict(self, norm, complaint.sender_email, complaint.sender_phone, analysis)
        if verdict is None:
            verdict = unintelligible_verdict(self, norm, analysis)
        if verdict is not None:
            return verdict
        candidates = related_candidates(self, complaint, open_cases)
        if candidates:
            best = max(candidates, key=lambda c: (c.strength, c.similarity, c.case.received_at))
            validity = Validity.DUPLICATE if best.rule.startswith("duplicate.") else Validity.FOLLOW_UP
            return ValidityVerdict(validity, best.case.case_id, best.detail, best.rule, round(best.similarity, 3))
        return ValidityVerdict(Validity.VALID, None, "no spam, intelligible, no related open case", "valid", 0.0)

    def _open_case(self, complaint: Complaint, *, reference: str | None) -> OpenCase:
        # as OpenCase.from_complaint(body, fingerprinter=self.fingerprinter, order_ref_patterns=...)
        return OpenCase(
            case_id=complaint.case_id,  # type: ignore[arg-type]  # open_case always gives one
            received_at=complaint.received_at,
            channel=complaint.channel,
            fingerprint=complaint.analysis.fingerprint,
            category=complaint.category,
            order_refs=complaint.analysis.order_refs,
            status="open",
            customer_keys=tuple(self._keys_of(complaint)),
            product=complaint.product,
            reference=reference,
        )

    # -- helpers for the caller --

    def mentions_earlier_complaint(self, text: str) -> bool:
        return mentions_earlier_complaint(text, self.cue_patterns)

    def extract_order_refs(self, text: str) -> list[str]:
        return extract_order_refs(text, self.order_ref_patterns)

    # -- what the checks share --

    def _keys_of(self, complaint: Complaint) -> list[str]:
        return keys_of(complaint, self.default_region)

    def _analyse(self, text: str | None, subject: str = "") -> Analysis:
        """The analysis of this complaint's text, shared by `judge()` and `open_case()` of the same
        complaint (a few recent ones are kept)."""
        body = f"{subject}\n{text}" if subject else (text or "")
        memo = self._memo
        analysis = memo.get(body)
        if analysis is not None and analysis.matches(self):
            return analysis
        analysis = Analysis(body, self)
        if len(memo) >= _RECENT_ANALYSES:
            memo.clear()
        memo[body] = analysis
        return analysis



def extract_order_refs(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[str]:
    """Order / tracking numbers written in `text` (normalised: casefolded), in order, no repeats."""
    if patterns is None:
        patterns = default_judge().order_ref_patterns
    return _order_refs_in(normalise_text(text), patterns)


def mentions_earlier_complaint(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> bool:
    """True if the text says the customer complained about this before ("我之前投诉过",
    "已經投訴過", "又係", "두 번째", "이미 문의했", "again", "still not fixed", ...)."""
    if patterns is None:
        patterns = default_judge().cue_patterns
    return _cue_in(normalise_text(text), patterns)


@lru_cache(maxsize=1)
def default_judge() -> ValidityJudge:
    """A judge with the shipped settings (and the default phone region)."""
    return ValidityJudge.from_config()
