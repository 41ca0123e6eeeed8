"""Intelligibility: mostly non-letters, too short, repetition, keyboard mash."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from complaints_shared.events import Validity

from .analysis import Analysis, ValidityVerdict
from .fingerprints import MAX_WORDS_KEPT
from .text import (
    _CJK_ANY,
    _CJK_LETTER_RUN,
    _DIGIT_RUN,
    _HANGUL_ANY,
    _JAMO_LETTER_RUN,
    _LETTER_WORD,
    _NON_ALNUM,
    _NON_VOWEL_RUN,
    _REPEATED_UNIT,
    _SYLLABLE_LETTER_RUN,
    _at_most_distinct,
    _count,
    _strip_urls,
)

if TYPE_CHECKING:
    from .rules import ValidityRules

__all__ = ["implausible", "implausible_letters", "unintelligible_verdict"]

_VOWELS = frozenset("aeiouyàáâãäåèéêëìíîïòóôõöùúûüý")


def unintelligible_verdict(judge: ValidityRules, norm: str, analysis: Analysis | None = None) -> ValidityVerdict | None:
    """INVALID with the rule that says why, or None. `norm` is the normalised text."""
    text = analysis.without_links if analysis is not None else _strip_urls(norm)[1]
    # A number (order, phone, amount) counts as one character, however long it is.
    chars = "".join(_DIGIT_RUN.sub("0", text).split())  # str.split(): the characters str.isspace() finds
    n_letters = sum(map(str.isalpha, chars))
    share = n_letters / len(chars) if chars else 0.0
    if share < judge.min_letter_share:
        return ValidityVerdict(
            Validity.INVALID, None, f"mostly non-letters ({share:.0%} letters)", "invalid.non_letters", round(1 - share, 3)
        )
    n_cjk = _count(_CJK_LETTER_RUN, chars) if _CJK_ANY.search(chars) else 0  # letters in CJK scripts
    n_latin = n_letters - n_cjk  # letters in other scripts
    return (
        _too_short(judge, chars, n_cjk, n_latin)
        or _repetition(judge, chars)
        or (_keyboard_mash(judge, text, n_cjk) if n_latin and n_latin >= n_cjk else None)
    )


def _too_short(judge: ValidityRules, chars: str, n_cjk: int, n_latin: int) -> ValidityVerdict | None:
    if not n_cjk:
        if n_latin < judge.min_latin_letters:
            return ValidityVerdict(Validity.INVALID, None, f"too short ({n_latin} letter(s))", "invalid.too_short", 1.0)
        return None
    if _HANGUL_ANY.search(chars) is None:  # Chinese or Japanese: no Korean letters to count
        jamo = korean = 0
    else:
        jamo = _count(_JAMO_LETTER_RUN, chars)
        korean = _count(_SYLLABLE_LETTER_RUN, chars) + jamo
    if korean and jamo / korean >= judge.jamo_share and n_cjk - jamo < judge.min_cjk_chars:
        return ValidityVerdict(
            Validity.INVALID, None, "bare Hangul jamo, no syllables (ㅋㅋㅋ, ㅁㄴㅇㄹ)", "invalid.keyboard_mash", 1.0
        )
    if n_cjk - jamo < judge.min_cjk_chars and n_latin < judge.min_latin_letters:
        return ValidityVerdict(Validity.INVALID, None, f"too short ({n_cjk} character(s))", "invalid.too_short", 1.0)
    return None


def _repetition(judge: ValidityRules, chars: str) -> ValidityVerdict | None:
    alnum = _NON_ALNUM.sub("", chars)
    if len(alnum) >= judge.min_repetition_length and (
        _at_most_distinct(alnum, judge.max_distinct_chars) or _REPEATED_UNIT.fullmatch(alnum)
    ):
        return ValidityVerdict(
            Validity.INVALID, None, f"repetition ({len(set(alnum))} distinct character(s))", "invalid.repetition", 1.0
        )
    return None


def _keyboard_mash(judge: ValidityRules, text: str, n_cjk: int) -> ValidityVerdict | None:
    words = _LETTER_WORD.findall(text)
    latin_words = [w for w in words if _CJK_ANY.search(w) is None] if n_cjk or _CJK_ANY.search(text) else words
    total = sum(map(len, latin_words)) or 1
    bad = implausible_letters(judge, latin_words)
    if bad / total >= judge.mash_share:
        return ValidityVerdict(
            Validity.INVALID, None, f"keyboard mash ({bad / total:.0%} of letters in implausible words)", "invalid.keyboard_mash", round(bad / total, 3)
        )
    return None


def implausible_letters(judge: ValidityRules, words: list[str]) -> int:
    """sum(len(w) for w in words if implausible(judge, w)), judging each distinct word once per
    judge: the same words recur in complaint after complaint."""
    counted: dict[str, int] = judge._derived.get("implausible", (judge.keyboard_runs,), lambda _runs: {})
    if len(counted) > MAX_WORDS_KEPT:
        counted.clear()
    for word in set(words).difference(counted):
        counted[word] = len(word) if implausible(judge, word) else 0
    return sum(map(counted.__getitem__, words))


def implausible(judge: ValidityRules, word: str) -> bool:
    """A word no language of ours writes: no vowel, five consonants in a row, a keyboard run, or
    at most two letters repeated."""
    if len(word) < 4:
        return False
    if _VOWELS.isdisjoint(word):
        return True
    if _NON_VOWEL_RUN.search(word):
        return True
    runs = judge._derived.get("runs", (judge.keyboard_runs,), _runs_pattern)
    if runs is not None and runs.search(word):
        return True
    return len(set(word)) <= 2 and len(word) >= 5


@lru_cache(maxsize=64)
def _runs_pattern(runs: tuple[str, ...]) -> re.Pattern[str] | None:
    """search() is `any(run in word for run in runs)`."""
    if not runs:
        return None
    return re.compile("|".join(re.escape(r) for r in sorted(set(runs), key=len)))
