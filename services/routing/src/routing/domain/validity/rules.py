"""The validity judge's settings (validity.yaml, compiled), which every check reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .caches import DerivedFromSettings
from .fingerprints import Fingerprinter
from .text import gated

__all__ = ["PhraseGroup", "ValidityRules"]


@dataclass(frozen=True)
class PhraseGroup:
    name: str
    weight: float
    phrases: tuple[str, ...]


@dataclass
class ValidityRules:
    """What the checks read: the settings of validity.yaml, compiled, and what is derived from them.
    `ValidityJudge` adds the judgement."""

    version: str = "default"
    default_region: str = "CN"
    duplicate_window: timedelta = timedelta(hours=72)
    follow_up_window: timedelta = timedelta(days=30)
    consider_statuses: frozenset[str] = frozenset({"open"})
    fingerprinter: Fingerprinter = field(default_factory=Fingerprinter)
    duplicate_threshold: float = 0.80
    follow_up_threshold: float = 0.40
    related_threshold: float = 0.20
    cue_threshold: float = 0.12
    spam_threshold: float = 1.0
    link_weight: float = 0.3
    max_links: int = 3
    max_link_share: float = 0.5
    blocked_senders: frozenset[str] = frozenset()
    blocked_domains: tuple[str, ...] = ()
    phrase_groups: tuple[PhraseGroup, ...] = ()
    min_letter_share: float = 0.4
    min_cjk_chars: int = 2
    min_latin_letters: int = 4
    max_distinct_chars: int = 2
    min_repetition_length: int = 6
    mash_share: float = 0.6
    jamo_share: float = 0.6
    keyboard_runs: tuple[str, ...] = ()
    order_ref_patterns: tuple[re.Pattern[str], ...] = ()
    cue_patterns: tuple[re.Pattern[str], ...] = ()
    # values derived from the settings (phrase tables, gated patterns, ...); not settings
    _derived: DerivedFromSettings = field(default_factory=DerivedFromSettings, init=False, repr=False, compare=False)

    def _gated_patterns(self) -> tuple[Any, Any]:
        """(order-number patterns, cue patterns), each with its `gated` necessary condition."""
        return self._derived.get(
            "gated", (self.order_ref_patterns, self.cue_patterns), lambda refs, cues: (gated(tuple(refs)), gated(tuple(cues)))
        )
