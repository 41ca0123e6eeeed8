"""Spam: blocked senders and domains, link-heavy text, weighted spam phrases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from complaints_shared.events import Validity

from ..customers import normalise_email
from .analysis import Analysis, ValidityVerdict, sender_keys
from .rules import PhraseGroup
from .text import _CJK_ANY, _strip_urls

if TYPE_CHECKING:
    from .rules import ValidityRules

__all__ = ["spam_verdict"]


PhraseTable = tuple[tuple[PhraseGroup, tuple[tuple[str, str | None], ...]], ...]


def spam_verdict(
    judge: ValidityRules, norm: str, sender_email: str | None, sender_phone: str | None, analysis: Analysis | None = None
) -> ValidityVerdict | None:
    """SPAM with the rule that says why, or None. `norm` is the normalised text."""
    return (
        _blocked(judge, sender_email, sender_phone)
        or _link_heavy(judge, norm, analysis)
        or _phrases(judge, norm, analysis)
    )


def _blocked(judge: ValidityRules, sender_email: str | None, sender_phone: str | None) -> ValidityVerdict | None:
    if sender_email or sender_phone:
        for key in sender_keys(sender_email, sender_phone, judge.default_region):
            if key in judge.blocked_senders:
                return ValidityVerdict(Validity.SPAM, None, f"sender is blocked ({key.split(':')[0]})", "spam.blocked_sender", 1.0)
    if sender_email and judge.blocked_domains:
        email = _sender_email(sender_email)
        if email is not None:
            domain = email.rsplit("@", 1)[1]
            for blocked in judge.blocked_domains:
                if domain == blocked or domain.endswith("." + blocked):
                    return ValidityVerdict(Validity.SPAM, None, f"sender domain {blocked} is blocked", "spam.blocked_domain", 1.0)
    return None


def _links_and_compact(norm: str, analysis: Analysis | None) -> tuple[list[str], str]:
    if analysis is not None:
        return analysis.links, analysis.compact
    return _strip_urls(norm)[0], norm.replace(" ", "")


def _link_heavy(judge: ValidityRules, norm: str, analysis: Analysis | None) -> ValidityVerdict | None:
    links, compact = _links_and_compact(norm, analysis)
    link_chars = sum(map(len, links))
    compact_len = len(compact) or 1
    if links and (len(links) >= judge.max_links or link_chars / compact_len >= judge.max_link_share):
        return ValidityVerdict(
            Validity.SPAM,
            None,
            f"link-heavy: {len(links)} link(s), {link_chars / compact_len:.0%} of the text",
            "spam.links",
            1.0,
        )
    return None


def _phrases(judge: ValidityRules, norm: str, analysis: Analysis | None) -> ValidityVerdict | None:
    links, compact = _links_and_compact(norm, analysis)
    score = judge.link_weight * len(links)
    hits: list[tuple[float, str, list[str]]] = []
    # Most texts hold no phrase at all: a quick test for any phrase (`phrase_needles`) says
    # so, and only a text that holds one is matched group by group.
    in_norm, in_compact = judge._derived.get("needles", (judge.phrase_groups,), phrase_needles)
    if any(map(norm.__contains__, in_norm)) or in_compact.any_in(compact):
        for group, phrases in judge._derived.get("phrases", (judge.phrase_groups,), phrase_table):
            # phrases in Chinese/Korean also match without their spaces ("카톡추가" = "카톡 추가")
            matched = [p for p, spaceless in phrases if p in norm or (spaceless is not None and spaceless in compact)]
            if matched:
                score += group.weight
                hits.append((group.weight, group.name, matched))
    if hits and score >= judge.spam_threshold:
        hits.sort(key=lambda h: -h[0])
        detail = "; ".join(f"{name}: {', '.join(m[:3])}" for _, name, m in hits)
        if links:
            detail += f"; {len(links)} link(s)"
        return ValidityVerdict(
            Validity.SPAM, None, f"spam phrases ({detail}), score {score:.2f}", f"spam.phrase.{hits[0][1]}", round(score, 3)
        )
    return None


@lru_cache(maxsize=1024)
def _sender_email(raw: str | None) -> str | None:
    return normalise_email(raw)


@lru_cache(maxsize=64)
def phrase_table(groups: tuple[PhraseGroup, ...]) -> PhraseTable:
    """Per group: (phrase, the phrase without spaces if it is Chinese/Korean, else None)."""
    return tuple(
        (group, tuple((p, p.replace(" ", "") if _CJK_ANY.search(p) else None) for p in group.phrases))
        for group in groups
    )


class Needles:
    """Whether a text holds any of some strings, without testing each of them against it: one
    scan of the text for the strings' first characters, then substring tests for only the strings
    that start with a character found there. Pays off for Chinese/Korean strings, whose first
    characters are rare in any one text (Latin letters are in every English text)."""

    def __init__(self, needles: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = {}
        self.always = False  # "" is in every text
        for needle in dict.fromkeys(needles):
            if needle:
                by_first.setdefault(needle[0], []).append(needle)
            else:
                self.always = True
        self.by_first = {ch: tuple(found) for ch, found in by_first.items()}
        self.first_chars = re.compile("[" + "".join(map(re.escape, by_first)) + "]") if by_first else None

    def any_in(self, text: str) -> bool:
        if self.always:
            return True
        if self.first_chars is None:
            return False
        return any(any(map(text.__contains__, self.by_first[ch])) for ch in set(self.first_chars.findall(text)))


@lru_cache(maxsize=64)
def phrase_needles(groups: tuple[PhraseGroup, ...]) -> tuple[tuple[str, ...], Needles]:
    """(needles to look for in the normalised text, needles to look for in it without spaces).

    A phrase of `groups` matches (see `_phrases`) exactly when its needle is found: a
    Chinese/Korean phrase when it is in the text or its spaceless form is in the spaceless text,
    which comes to the latter (the spaceless text holds the spaceless form of anything the text
    holds); any other phrase when it is in the text.
    """
    in_norm: list[str] = []
    in_compact: list[str] = []
    for _, phrases in phrase_table(groups):
        for phrase, spaceless in phrases:
            if spaceless is None:
                in_norm.append(phrase)
            else:
                in_compact.append(spaceless)
    return tuple(dict.fromkeys(in_norm)), Needles(in_compact)
