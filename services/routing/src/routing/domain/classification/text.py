"""Text normalisation, language detection and fast literal-term matching."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import ahocorasick_rs
import opencc

from ..normalise import HAN, HANGUL, _t2s

_DIGITS = re.compile(r"\d")

_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[A-Za-z]")
# Latin, Latin-1, Latin Extended-A/B, general punctuation and currency signs: no Han, no Hangul
_LATIN_ONLY = re.compile(r"[\x00-\u024f\u2000-\u20cf]*")
# Characters lingua never counts as (part of) a word: ASCII other than letters, general, CJK
# and full-width punctuation (checked one by one against lingua in the tests).
_NO_WORD = r"\x00-\x40\x5b-\x60\x7b-\x7f\u00a0\u00b7\u2000-\u206f\u3000-\u3004\u3008-\u3020\uff01-\uff20\uff3b-\uff40\uff5b-\uff65"
# Assigned CJK ideographs (to lingua: Chinese) and Hangul syllables (to lingua: Korean).
_IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9"
_SYLLABLES = r"\uac00-\ud7a3"
# Text whose letters are all ideographs (all Hangul syllables), one at least.
_IDEOGRAPHS_ONLY = re.compile(f"[{_NO_WORD}]*[{_IDEOGRAPHS}][{_IDEOGRAPHS}{_NO_WORD}]*")
_SYLLABLES_ONLY = re.compile(f"[{_NO_WORD}]*[{_SYLLABLES}][{_SYLLABLES}{_NO_WORD}]*")


def model_text(normalised: str) -> str:
    """Text the statistical model sees: digits folded to 0 (order numbers are noise)."""
    return _DIGITS.sub("0", normalised)


# --- language detection -------------------------------------------------------------------


class LanguageDetector:
    """lingua restricted to Chinese/Korean/English; OpenCC tells Hans from Hant."""

    def __init__(self) -> None:
        from lingua import Language, LanguageDetectorBuilder

        self._lingua = LanguageDetectorBuilder.from_languages(
            Language.CHINESE, Language.KOREAN, Language.ENGLISH
        ).build()
        self._map = {Language.CHINESE: "zh", Language.KOREAN: "ko", Language.ENGLISH: "en"}
        self._t2s = _t2s
        self._s2t = opencc.OpenCC("s2t")

    def detect(self, text: str) -> str:
        sample = text[:600]
        # Shortcuts where the script decides what lingua would answer (restricted to zh/ko/en):
        if _LATIN_ONLY.fullmatch(sample):
            # Only Latin-script letters (or none): among zh/ko/en lingua can only answer English
            # or abstain, and an abstention falls back on the script, which is "en" too.
            return "en"
        if _SYLLABLES_ONLY.fullmatch(sample):
            # every word lingua sees is Hangul, so its rules answer Korean
            return "ko"
        if _IDEOGRAPHS_ONLY.fullmatch(sample):
            # every word lingua sees is ideographs, so its rules answer Chinese
            return self.chinese_script(sample)
        found = self._lingua.detect_language_of(sample)
        code = self._map.get(found) if found is not None else None
        if code is None:
            # lingua abstains on very short or mixed text: fall back on the script
            if HANGUL.search(sample):
                code = "ko"
            elif HAN.search(sample):
                code = "zh"
            else:
                code = "en"
        if code != "zh":
            return code
        return self.chinese_script(sample)

    def chinese_script(self, text: str) -> str:
        """zh-Hant when converting to Simplified changes more characters than converting to Traditional."""
        han = _NOT_HAN.sub("", text)
        if not han:
            return "zh-Hans"
        simplified = self._t2s.convert(han)
        if simplified == han:
            return "zh-Hans"  # nothing to simplify: to_s > to_t cannot hold
        to_s = sum(map(str.__ne__, han, simplified))  # map stops at the shorter, like zip
        if not to_s:
            return "zh-Hans"  # to_s > to_t cannot hold
        to_t = sum(map(str.__ne__, han, self._s2t.convert(han)))
        return "zh-Hant" if to_s > to_t else "zh-Hans"


@lru_cache(maxsize=1)
def default_detector() -> LanguageDetector:
    return LanguageDetector()


# --- literal term matching ----------------------------------------------------------------

_BOUNDARY = "\x00b"  # token for \b inside the trie


def _tokens(term: str) -> list[str]:
    prefix = term.endswith("*")
    if prefix:
        term = term[:-1]
    toks = list(term)
    if term and (term[0].isascii() and term[0].isalnum()):
        toks.insert(0, _BOUNDARY)
    if term and not prefix and term[-1].isascii() and term[-1].isalnum():
        toks.append(_BOUNDARY)
    return toks


def _trie_regex(terms: list[str], buckets: int = 4) -> str:
    """The terms as one regex (a trie): the definition of what `TermMatcher.find` returns (the
    tests compare the two; `find` falls back on it for text a Rust string cannot hold)."""
    trie: dict = {}
    for term in terms:
        node = trie
        for tok in _tokens(term):
            node = node.setdefault(tok, {})
        node[""] = True

    def build(node: dict, root: bool = False) -> str:
        if root:
            # Dispatch on the first character: Python's re tries alternatives one by one, so
            # group the root's children behind a character-class lookahead per bucket.
            groups: dict[int, list[str]] = {}
            for tok in node:
                if tok:
                    groups.setdefault(hash(tok) % buckets if tok != _BOUNDARY else -1, []).append(tok)
            parts = []
            for key, toks in sorted(groups.items()):
                alts = [(r"\b" if t == _BOUNDARY else re.escape(t)) + build(node[t]) for t in sorted(toks)]
                if key == -1:
                    parts.append("(?:" + "|".join(alts) + ")")
                else:
                    cls = "".join(re.escape(t) for t in sorted(toks))
                    parts.append(f"(?=[{cls}])(?:" + "|".join(alts) + ")")
            return "|".join(parts)
        end = "" in node
        alts = []
        for tok in sorted((k for k in node if k), key=lambda k: (k == _BOUNDARY, k)):
            piece = r"\b" if tok == _BOUNDARY else re.escape(tok)
            alts.append(piece + build(node[tok]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(trie, root=True)


def _is_word_char(ch: str) -> bool:
    """What re's \\w matches in a str pattern."""
    return ch.isalnum() or ch == "_"


class TermMatcher:
    """Finds every occurrence of a set of literal terms: leftmost-longest, non-overlapping.

    A term that starts (ends) with an ASCII letter or digit must start (end) at a word
    boundary, unless it ends with `*` (prefix match: no boundary at its end). `find` returns
    the matched term keys (the term without the trailing `*`), as `_trie_regex` would.

    One Aho-Corasick pass (ahocorasick-rs) finds all occurrences, overlapping ones included;
    those at a wrong boundary are dropped, then the leftmost-longest are kept.
    """

    def __init__(self, terms: list[str]) -> None:
        cleaned = sorted({t for t in terms if t and t != "*"})
        self.terms = cleaned
        # key -> (must start at a word boundary, must end at a word boundary)
        boundaries: dict[str, tuple[bool, bool]] = {}
        for term in cleaned:
            prefix = term.endswith("*")
            key = term[:-1] if prefix else term
            at_start = key[0].isascii() and key[0].isalnum()
            at_end = not prefix and key[-1].isascii() and key[-1].isalnum()
            if key in boundaries:  # "refund" and "refund*": either one may match
                at_end = at_end and boundaries[key][1]
            boundaries[key] = (at_start, at_end)
        self._keys = list(boundaries)
        self._boundaries = list(boundaries.values())
        self._automaton = ahocorasick_rs.AhoCorasick(self._keys) if self._keys else None
        self._regex: re.Pattern | None = None  # compiled when first needed, see find

    def find(self, text: str) -> list[str]:
        return [key for key, _start in self.find_with_starts(text)]

    def find_with_starts(self, text: str) -> list[tuple[str, int]]:
        """(matched term key, where it starts) of every occurrence `find` returns."""
        if self._automaton is None:
            return []
        try:
            matches = self._automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate, which a Rust string cannot hold
            if self._regex is None:
                self._regex = re.compile(_trie_regex(self.terms))
            return [(m.group(0), m.start()) for m in self._regex.finditer(text) if m.group(0)]
        size = len(text)
        occurrences = []  # (start, -end, key index): sorted, the leftmost-longest come first
        for index, start, end in matches:
            at_start, at_end = self._boundaries[index]
            if at_start and start and _is_word_char(text[start - 1]):
                continue
            if at_end and end < size and _is_word_char(text[end]):
                continue
            occurrences.append((start, -end, index))
        occurrences.sort()
        found: list[tuple[str, int]] = []
        free_from = 0
        for start, neg_end, index in occurrences:
            if start >= free_from:
                found.append((self._keys[index], start))
                free_from = -neg_end
        return found


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) of each `(`, `)` and `|` of a regex from `start` on that is neither
    escaped nor inside a character class: the characters that give the pattern its shape."""
    i, in_class = start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            yield i, ch
        i += 1


def split_alternatives(pattern: str) -> list[str]:
    """Top-level `|` alternatives of a regex (respects groups, classes and escapes)."""
    cuts, depth = [], 0
    for i, ch in _structure(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            cuts.append(i)
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[lo + 1 : hi] for lo, hi in itertools.pairwise(bounds)]


def optimise_pattern(pattern: str) -> str:
    """Same language, faster search: alternatives that start with \\b are grouped behind one
    \\b, and a leading lookahead of first characters is added where they are plain literals
    (Python's re can then skip positions quickly)."""
    alts = split_alternatives(pattern)
    if len(alts) < 2:
        return pattern
    bounded = [a[2:] for a in alts if a.startswith("\\b")]
    other = [a for a in alts if not a.startswith("\\b")]
    pieces = []
    if bounded:
        firsts_b = _first_chars_of_all(bounded)
        look = ""
        if firsts_b:
            look = "(?=[" + "".join(re.escape(c) for c in sorted(firsts_b)) + "])"
        pieces.append("\\b" + look + "(?:" + "|".join(bounded) + ")")
    if other:
        firsts = _first_chars_of_all(other)
        body = "|".join(other)
        if firsts:
            cls = "".join(re.escape(c) for c in sorted(firsts))
            pieces.append(f"(?=[{cls}])(?:{body})")
        else:
            pieces.append(f"(?:{body})")
    return "|".join(pieces)


def script_of(pattern: str) -> str:
    """'zh', 'ko' or 'latin': which script a pattern needs in the text to match at all."""
    if HANGUL.search(pattern):
        return "ko"
    if HAN.search(pattern):
        return "zh"
    return "latin"


_LATIN_WORD = re.compile(r"[a-z]{2}")


def scripts_in(text: str) -> frozenset[str]:
    found = set()
    if _LATIN_WORD.search(text):
        found.add("latin")
    if HAN.search(text):
        found.add("zh")
    if HANGUL.search(text):
        found.add("ko")
    return frozenset(found)


def _group_end(p: str, start: int) -> int:
    """Index just past the parenthesised group that opens at `start`."""
    depth = 0
    for i, ch in _structure(p, start):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _first_chars_of_all(alternatives: list[str]) -> set[str] | None:
    """Characters one of which must start a match of any of `alternatives`; None when unknown."""
    firsts: set[str] = set()
    for alt in alternatives:
        found = _first_chars(alt)
        if found is None:
            return None
        firsts |= found
    return firsts


def _first_chars(alt: str) -> set[str] | None:
    """Characters one of which must start any match of `alt`; None when unknown."""
    while alt.startswith(("(?<!", "(?<=", "(?=", "(?!")):
        end = _group_end(alt, 0)
        if end < 0:
            return None
        alt = alt[end:]
    if not alt:
        return None
    if alt.startswith("(?:") or (alt.startswith("(") and not alt.startswith("(?")):
        end = _group_end(alt, 0)
        if end < 0 or alt[end : end + 1] in ("?", "*", "{"):
            return None
        inner = alt[3 : end - 1] if alt.startswith("(?:") else alt[1 : end - 1]
        out: set[str] = set()
        for a in split_alternatives(inner):
            f = _first_chars(a)
            if f is None:
                return None
            out |= f
        return out
    c = alt[0]
    if c in "\\.[](){}*+?^$|" or alt[1:2] in ("?", "*", "{"):
        return None
    return {c}


_LATIN_RUN = re.compile(r"[a-z0-9&$£€][a-z0-9'&$£€.,!? -]*[a-z0-9.!?]|[a-z]")


def latin_part(text: str) -> str:
    """The Latin-script runs of a mostly CJK text, one per line (for English patterns)."""
    return "\n".join(_LATIN_RUN.findall(text))
