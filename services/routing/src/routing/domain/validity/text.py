"""Text analysis for validity: the compared form of a text, its scripts, links, order numbers
and "I complained before" cues. Pure functions and compiled patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..normalise import normalise_words

__all__ = ["normalise_text"]


def normalise_text(text: str | None) -> str:
    """The form texts are compared in: routing's one normaliser (NFKC, casefold, Traditional ->
    Simplified Chinese, variant folds), whitespace collapsed."""
    return normalise_words(text)


@lru_cache(maxsize=4096)
def normalise_short(text: str | None) -> str:
    """`normalise_text` for short, recurring strings (products, case ids)."""
    return normalise_text(text)


def _is_cjk(ch: str) -> bool:
    """Han, Hangul syllables or jamo, Kana: scripts written without word spaces."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
        or 0xAC00 <= o <= 0xD7AF
        or 0x1100 <= o <= 0x11FF
        or 0x3130 <= o <= 0x318F
        or 0x3040 <= o <= 0x30FF
    )


def _is_jamo(ch: str) -> bool:
    o = ord(ch)
    return 0x3130 <= o <= 0x318F or 0x1100 <= o <= 0x11FF


# The same tests as compiled character classes, so that counting runs in the regex engine rather
# than a Python loop per character. `_CJK_RANGES` are exactly the ranges of `_is_cjk`; the
# `*_LETTERS` classes hold only the code points of their ranges for which `str.isalpha()` is true
# (enumerated once, with this interpreter's Unicode tables, so they agree with `isalpha`).
_CJK_RANGES = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
    (0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F), (0x3040, 0x30FF),
)
_JAMO_RANGES = ((0x3130, 0x318F), (0x1100, 0x11FF))
_SYLLABLE_RANGES = ((0xAC00, 0xD7AF),)


def _char_class(ranges: Iterable[tuple[int, int]], letters_only: bool) -> str:
    spans: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if not letters_only:
            spans.append((lo, hi))
            continue
        start = None
        for o in range(lo, hi + 2):
            inside = o <= hi and chr(o).isalpha()
            if inside and start is None:
                start = o
            elif not inside and start is not None:
                spans.append((start, o - 1))
                start = None
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in spans) + "]"


_CJK_ANY = re.compile(_char_class(_CJK_RANGES, False))  # search() is `any(_is_cjk(ch) ...)`
_HANGUL_ANY = re.compile(_char_class(_JAMO_RANGES + _SYLLABLE_RANGES, False))
_CJK_ANY_RUN = re.compile(_char_class(_CJK_RANGES, False) + "+")
_CJK_LETTER_RUN = re.compile(_char_class(_CJK_RANGES, True) + "+")
_JAMO_LETTER_RUN = re.compile(_char_class(_JAMO_RANGES, True) + "+")
_SYLLABLE_LETTER_RUN = re.compile(_char_class(_SYLLABLE_RANGES, True) + "+")
_ALNUM = re.compile(r"[^\W_]")  # exactly str.isalnum (both use Py_UNICODE_ISALNUM)
_NON_ALNUM = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_NON_VOWEL_RUN = re.compile(r"[^aeiouy]{5,}")


def _at_most_distinct(text: str, limit: int) -> bool:
    """len(set(text)) <= limit, without building the set."""
    if limit < 0:
        return False
    for _ in range(limit):
        if not text:
            return True
        text = text.replace(text[0], "")
    return not text


def _count(run: re.Pattern[str], text: str) -> int:
    """How many characters of `text` the character class of `run` (a ``[...]+`` pattern) matches."""
    return sum(map(len, run.findall(text)))


# --- links --------------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![@a-z0-9.-])[a-z0-9-]+\.(?:com|cn|net|org|xyz|top|vip|cc|io|me|kr|hk|ly)(?:/\S*)?\b", re.I)

# Every match of _URL holds "://", "www." or ".<tld>": texts without one are not scanned with it.
_URL_HINT = re.compile(r"://|www\.|\.(?:com|cn|net|org|xyz|top|vip|cc|io|me|kr|hk|ly)", re.I)


def _strip_urls(norm: str) -> tuple[list[str], str]:
    """(`_URL.findall(norm)`, `_URL.sub(" ", norm)`) in one pass."""
    if _URL_HINT.search(norm) is None:
        return [], norm
    links: list[str] = []
    parts: list[str] = []
    pos = 0
    for m in _URL.finditer(norm):
        links.append(m.group(0))
        parts.append(norm[pos : m.start()])
        parts.append(" ")
        pos = m.end()
    if not links:
        return links, norm
    parts.append(norm[pos:])
    return links, "".join(parts)


_REPEATED_UNIT = re.compile(r"(.{1,8}?)\1{2,}.{0,8}")
_DIGIT_RUN = re.compile(r"\d[\d\-./:]*")


# --- order numbers and "I complained before" ----------------------------------------------

GatedPatterns = tuple[tuple[re.Pattern[str], "re.Pattern[str] | None"], ...]


def compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _order_refs_in(norm: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """Order / tracking numbers in normalised text, in order, no repeats."""
    return order_refs_gated(norm, gated(tuple(patterns)))


def order_refs_gated(norm: str, gated_patterns: GatedPatterns) -> list[str]:
    found: list[str] = []
    for pattern, gate in gated_patterns:
        if gate is not None and gate.search(norm) is None:
            continue  # the pattern cannot match either
        for m in pattern.finditer(norm):
            ref = m.group(1).strip("-")
            if any(ch.isdigit() for ch in ref):
                found.append(ref)
    return list(dict.fromkeys(found))


def _cue_in(norm: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    """Whether normalised text says the customer complained about this before."""
    return cue_gated(norm, gated(tuple(patterns)))


def cue_gated(norm: str, gated_patterns: GatedPatterns) -> bool:
    return any((gate is None or gate.search(norm)) and p.search(norm) for p, gate in gated_patterns)


@lru_cache(maxsize=64)
def gated(patterns: tuple[re.Pattern[str], ...]) -> GatedPatterns:
    """Each pattern with a cheaper necessary condition, or None.

    A pattern that starts with ``\\b`` scans the text position by position; the same pattern
    without it matches wherever the pattern does (and more), and starts with a literal or a set
    of literals the regex engine skips ahead to. If it finds nothing, neither does the pattern.
    """
    out: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = []
    for p in patterns:
        gate = None
        if p.pattern.startswith("\\b") and p.pattern[2:3] not in ("*", "+", "?", "{"):
            try:
                gate = re.compile(p.pattern[2:], p.flags)
            except re.error:
                gate = None
        out.append((p, gate))
    return tuple(out)


# --- case numbers cited in the text -------------------------------------------------------


def cites(compact_text: str, identifier: str) -> bool:
    """The text quotes this case id / reference: at least 6 characters with a digit, not inside
    a longer run of letters and digits (so a case called "blender" is not cited by the word).

    The same as searching for ``(?<![a-z0-9])<id>(?![a-z0-9])``, without compiling a regular
    expression for every case id: each occurrence of the id is checked on both sides.
    """
    ident = _citable(identifier)
    if ident is None:
        return False
    start = compact_text.find(ident)
    while start >= 0:
        end = start + len(ident)
        if (start == 0 or compact_text[start - 1] not in _ID_CHARS) and (
            end == len(compact_text) or compact_text[end] not in _ID_CHARS
        ):
            return True
        start = compact_text.find(ident, start + 1)
    return False


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=4096)
def _citable(identifier: str) -> str | None:
    """The case id / reference as it would appear in compact text, or None if too weak to cite."""
    ident = normalise_text(identifier).replace(" ", "")
    if len(ident) < 6 or not any(ch.isdigit() for ch in ident):
        return None
    return ident
