"""Is a complaint valid, spam, a duplicate or follow-up of an open case, or invalid?

The judge looks at one complaint and the open cases the caller holds for the same customer and
answers with a `ValidityVerdict`: the outcome, the related case (duplicates and follow-ups),
the rule that decided, a reason fit for the explanation trail (no personal data) and a score.

Order of the checks (the first that applies wins):

1. INVALID  ``invalid.empty``        nothing but whitespace/punctuation.
2. SPAM     ``spam.blocked_sender`` / ``spam.blocked_domain`` / ``spam.links`` /
            ``spam.phrase.<group>``  configurable lists in config/validity.yaml.
3. INVALID  ``invalid.non_letters``, ``invalid.too_short``, ``invalid.repetition``,
            ``invalid.keyboard_mash``.
4. DUPLICATE ``duplicate.near_identical``: an open case of the same customer, received within
            72 h (configurable), whose content is near-identical (similarity >= 0.80), across
            channels. Different order numbers on both sides veto a duplicate.
5. FOLLOW_UP an open case of the same customer within 30 days (configurable) about the same
            matter: ``follow_up.case_reference`` (its case id cited, any age),
            ``follow_up.order_ref`` (a shared order number), ``follow_up.similar_content``
            (similarity >= 0.40), ``follow_up.same_category`` (same category or product *and*
            some overlap >= 0.20), ``follow_up.earlier_complaint_cue`` ("我之前投诉过", "still
            not", "다시" ... together with the same category/product, a little overlap, or it
            being the only open case). Same category alone is not the same matter: an unrelated
            second complaint of the same customer stays VALID.
6. VALID.

Text comparison works on *normalised* text: NFKC, Traditional -> Simplified Chinese (OpenCC
t2s, which also covers Cantonese written in Traditional characters), casefold. Similarity is
computed on character n-grams: 2-grams over the whole run of characters for Han/Hangul text
(Chinese has no word spaces, Korean words inflect), 4-grams inside words of three or more
letters otherwise. Each open case keeps a bottom-k sketch of its shingle hashes (`fingerprint`,
~700 characters, no readable text); from two sketches we estimate the Jaccard index and the
containment of the smaller text in the larger (a short SMS repeating part of a long e-mail).
The similarity is the larger of the two.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain
from operator import add
from pathlib import Path
from typing import Any

import numpy as np
import opencc
import yaml
from complaints_shared.events import Channel, CustomerContact, Validity

from .customers import _contacts_in, contact_keys, normalise_email, normalise_phone

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "Fingerprinter",
    "OpenCase",
    "ValidityJudge",
    "ValidityVerdict",
    "extract_order_refs",
    "mentions_earlier_complaint",
    "normalise_text",
    "prune",
]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "validity.yaml"

# --- text normalisation -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_text(text: str | None) -> str:
    """NFKC, Traditional -> Simplified Chinese, casefold, whitespace collapsed."""
    if not text:
        return ""
    return _normalise_folded(unicodedata.normalize("NFKC", text))


def _normalise_folded(folded: str) -> str:
    """`normalise_text` of text already folded with NFKC."""
    if not folded:
        return ""
    return " ".join(_t2s().convert(folded).casefold().split())


@lru_cache(maxsize=4096)
def _normalise_short(text: str | None) -> str:
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


_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![@a-z0-9.-])[a-z0-9-]+\.(?:com|cn|net|org|xyz|top|vip|cc|io|me|kr|hk|ly)(?:/\S*)?\b", re.I)

# Every match of _URL holds "://", "www." or ".<tld>": texts without one are not scanned with it.
_URL_HINT = re.compile(r"://|www\.|\.(?:com|cn|net|org|xyz|top|vip|cc|io|me|kr|hk|ly)", re.I)

_REPEATED_UNIT = re.compile(r"(.{1,8}?)\1{2,}.{0,8}")
_DIGIT_RUN = re.compile(r"\d[\d\-./:]*")

# --- fingerprints -------------------------------------------------------------------------


class _WordGrams(dict[str, tuple[str, ...]]):
    """word -> its shingles (n-grams of a word of three or more letters, see
    `Fingerprinter._shingles`), computed on first use: words recur from complaint to complaint.
    Starts afresh when full."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) >= _MAX_WORDS_KEPT:
            self.clear()
        n = self.n
        if len(word) < 3:
            grams: tuple[str, ...] = ()
        elif len(word) <= n:
            grams = (word,)
        else:
            grams = tuple(word[i : i + n] for i in range(len(word) - n + 1))
        self[word] = grams
        return grams


# words remembered by a `_WordGrams` (with their n-grams: a few hundred bytes each) or by a judge's
# implausible-word memo; either starts afresh beyond this
_MAX_WORDS_KEPT = 20_000


@lru_cache(maxsize=8)
def _word_grams(n: int) -> _WordGrams:
    return _WordGrams(n)


@dataclass(frozen=True)
class Fingerprinter:
    """Character n-gram shingles and a bottom-k sketch of their 32-bit hashes.

    The sketch keeps the k smallest hash values; for texts with at most k distinct shingles it is
    the exact shingle set. Fingerprints carry their parameters, so sketches made with other
    settings are never compared (similarity 0).
    """

    shingle_cjk: int = 2
    shingle_other: int = 4
    sketch_size: int = 128
    min_shingles_containment: int = 8

    @property
    def tag(self) -> str:
        return f"b1.{self.shingle_cjk}.{self.shingle_other}.{self.sketch_size}"

    def shingles(self, text: str) -> set[str]:
        return self._shingles(_strip_urls(normalise_text(text))[1])

    def _shingles(self, text: str) -> set[str]:
        """The shingles of normalised text with its links already blanked out."""
        words = _WORD.findall(text)
        chars = "".join(words)
        if not chars:
            return set()
        cjk = _count(_CJK_ANY_RUN, chars)
        if cjk * 2 >= len(chars):
            # no word spaces: n-grams over the whole run of characters
            n = self.shingle_cjk
            if len(chars) <= n:
                return {chars}
            if n == 2:
                return set(map(add, chars, chars[1:]))
            return {chars[i : i + n] for i in range(len(chars) - n + 1)}
        # spaced scripts: n-grams inside words (inflections still overlap); words shorter than
        # three characters ("a", "to", "my") carry no topic and are left out
        out = set(chain.from_iterable(map(_word_grams(self.shingle_other).__getitem__, words)))
        return out or {chars}

    @staticmethod
    def _hash(shingle: str) -> int:
        return _shingle_hash(shingle)

    def sketch(self, text: str) -> tuple[int, ...]:
        return self._sketch(self.shingles(text))

    def _sketch(self, shingles: Collection[str]) -> tuple[int, ...]:
        """The k smallest distinct hashes of `shingles`, ascending."""
        n = len(shingles)
        if n < 32:
            return tuple(sorted(set(map(_shingle_hash, shingles)))[: self.sketch_size])
        # numpy sorts the (random) 32-bit hashes much faster than sorted(); same values, same order
        hashes = np.fromiter(map(_shingle_hash, shingles), dtype=np.uint32, count=n)
        hashes.sort()
        if (hashes[1:] == hashes[:-1]).any():  # two shingles with the same hash: keep one
            hashes = np.unique(hashes)
        return tuple(hashes[: self.sketch_size].tolist())

    def fingerprint(self, text: str) -> str:
        return self._encode(self.sketch(text))

    def _encode(self, values: Sequence[int]) -> str:
        packed = struct.pack(f">{len(values)}I", *values)
        return f"{self.tag}:{base64.b64encode(packed).decode('ascii')}"

    def decode(self, fingerprint: str) -> tuple[int, ...] | None:
        tag, _, body = fingerprint.partition(":")
        if tag != self.tag:
            return None
        return _decode_body(body)

    def similarity(self, a: str, b: str) -> float:
        """max(Jaccard, containment of the smaller in the larger) estimated from two sketches."""
        sa, sb = self._decoded(a), self._decoded(b)
        if sa is None or sb is None:
            return 0.0
        return self._similarity_of(sa, sb)

    def _decoded(self, fingerprint: str) -> _Sketch | None:
        """A fingerprint's hashes (None if empty or not ours), decoded once per fingerprint."""
        tag, sketch = _decoded_fingerprint(fingerprint)
        return sketch if tag == self.tag else None

    def _similarity(self, sa: Sequence[int], sb: Sequence[int]) -> float:
        return self._similarity_of(_Sketch.of(sa), _Sketch.of(sb))

    def _similarity_of(self, a: _Sketch, b: _Sketch) -> float:
        k = self.sketch_size
        set_a, set_b = a.values, b.values
        both = set_a & set_b
        n_both = len(both)
        n_union = len(set_a) + len(set_b) - n_both
        # Jaccard from bottom-k sketches: among the k smallest of the union, the share in both.
        if n_union <= k:
            jaccard = n_both / n_union
        elif not n_both:
            jaccard = 0 / k
        else:
            # d = how many values of both are among the k smallest of the union. A value x of the
            # union is among them iff at most k values of the union are <= x, and those number
            # (values of a <= x) + (values of b <= x) - (values of both <= x). That count grows
            # with x, so the values of both that are among them are the first d in ascending
            # order: find d by bisection (a few lookups in the sorted sketches, no merging).
            in_both = sorted(both)
            ordered_a, ordered_b = a.ordered, b.ordered
            d, beyond = 0, n_both  # in_both[:d] are among them, in_both[beyond:] are not
            while d < beyond:
                mid = (d + beyond) // 2
                x = in_both[mid]
                if bisect_right(ordered_a, x) + bisect_right(ordered_b, x) - (mid + 1) <= k:
                    d = mid + 1
                else:
                    beyond = mid
            jaccard = d / k
        # Containment of the smaller in the larger: of the smaller's hashes that fall in the range
        # the larger sketch covers, the share the larger one holds.
        small, large = (a, b) if len(set_a) <= len(set_b) else (b, a)
        if len(small.values) < self.min_shingles_containment:
            return jaccard
        if len(large.values) >= k:
            # covered: the smaller's hashes up to the larger's maximum (all of both is among them)
            n_covered = bisect_right(small.ordered, large.ordered[-1])
            if n_covered < self.min_shingles_containment:
                return jaccard
        else:
            n_covered = len(small.values)
        containment = n_both / n_covered
        return max(jaccard, containment)


@dataclass(frozen=True)
class _Sketch:
    """A sketch's distinct hash values, as a set and in ascending order."""

    values: frozenset[int]
    ordered: tuple[int, ...]

    @classmethod
    def of(cls, values: Iterable[int]) -> _Sketch:
        distinct = frozenset(values)
        return cls(distinct, tuple(sorted(distinct)))


def _decode_body(body: str) -> tuple[int, ...] | None:
    """The hashes of a fingerprint without its tag, or None if it is not well-formed."""
    try:
        raw = base64.b64decode(body, validate=True)
    except (ValueError, TypeError):
        return None
    if len(raw) % 4:
        return None
    return struct.unpack(f">{len(raw) // 4}I", raw)


@lru_cache(maxsize=4096)
def _decoded_fingerprint(fingerprint: str) -> tuple[str, _Sketch | None]:
    """(tag, hashes) of a stored fingerprint. Cached: a customer's open cases are compared again
    with each new complaint, and keyed by the string alone (its tag says which settings made it)."""
    tag, _, body = fingerprint.partition(":")
    values = _decode_body(body)
    return tag, _Sketch.of(values) if values else None


class _ShingleHashes(dict[str, int]):
    """shingle -> its 32-bit blake2b, computed on first use: shingles recur across complaints.

    A plain dict rather than an LRU cache: looking a hit up (`map(table.__getitem__, shingles)`)
    calls no Python code and, unlike an LRU cache, does not reorder entries. Starts afresh when full.
    """

    def __missing__(self, shingle: str) -> int:
        if len(self) >= _MAX_SHINGLE_HASHES:
            self.clear()
        value = self[shingle] = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")
        return value


_MAX_SHINGLE_HASHES = 1 << 16

# _shingle_hash(shingle) -> int: 32-bit blake2b of a shingle (cached)
_shingle_hash = _ShingleHashes().__getitem__




# --- open cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCase:
    """What routing remembers of a customer's case to spot duplicates and follow-ups.

    JSON-serialisable via `to_json()` (a dict) / `from_json()`. `fingerprint` is a sketch of
    shingle hashes, not text. `customer_keys` are the contact keys the case was filed under
    (customer id, sender phone/e-mail, contacts written in the text); empty means "trust the
    caller's grouping".
    """

    case_id: str
    received_at: datetime
    channel: Channel
    fingerprint: str
    category: str | None = None
    order_refs: tuple[str, ...] = ()
    status: str = "open"
    customer_keys: tuple[str, ...] = ()
    product: str | None = None
    reference: str | None = None  # a human-readable case number, if the company uses one

    @classmethod
    def from_complaint(
        cls,
        *,
        case_id: str,
        text: str,
        received_at: datetime,
        channel: Channel | str,
        subject: str = "",
        category: str | None = None,
        product: str | None = None,
        customer_keys: Iterable[str] = (),
        status: str = "open",
        reference: str | None = None,
        fingerprinter: Fingerprinter | None = None,
        order_ref_patterns: Sequence[re.Pattern[str]] | None = None,
    ) -> OpenCase:
        fp = fingerprinter or Fingerprinter()
        body = f"{subject}\n{text}" if subject else text
        return cls(
            case_id=case_id,
            received_at=received_at,
            channel=Channel(channel),
            fingerprint=fp.fingerprint(body),
            category=category,
            order_refs=tuple(extract_order_refs(body, order_ref_patterns)),
            status=status,
            customer_keys=tuple(dict.fromkeys(customer_keys)),
            product=product,
            reference=reference,
        )

    def to_json(self) -> dict[str, Any]:
        # Field by field, not asdict(), which deep-copies: the route agent stores a customer's
        # whole history again after every complaint.
        data = {f.name: getattr(self, f.name) for f in _OPEN_CASE_FIELDS}
        data["received_at"] = self.received_at.isoformat()
        data["channel"] = self.channel.value
        data["order_refs"] = list(self.order_refs)
        data["customer_keys"] = list(self.customer_keys)
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | bytes) -> OpenCase:
        obj = json.loads(data) if isinstance(data, (str, bytes)) else dict(data)
        return cls(
            case_id=obj["case_id"],
            received_at=datetime.fromisoformat(obj["received_at"]),
            channel=Channel(obj["channel"]),
            fingerprint=obj["fingerprint"],
            category=obj.get("category"),
            order_refs=tuple(obj.get("order_refs", ())),
            status=obj.get("status", "open"),
            customer_keys=tuple(obj.get("customer_keys", ())),
            product=obj.get("product"),
            reference=obj.get("reference"),
        )


_OPEN_CASE_FIELDS = fields(OpenCase)


def prune(
    open_cases: Iterable[OpenCase],
    now: datetime,
    max_age: timedelta = timedelta(days=30),
    *,
    keep_statuses: Iterable[str] = ("open",),
    limit: int | None = None,
) -> list[OpenCase]:
    """The cases still worth keeping: in `keep_statuses`, received within `max_age` of `now`,
    newest first, at most `limit`."""
    statuses = set(keep_statuses)
    kept = [c for c in open_cases if c.status in statuses and now - c.received_at <= max_age]
    kept.sort(key=lambda c: c.received_at, reverse=True)
    return kept[:limit] if limit is not None else kept


# --- order numbers and "I complained before" ----------------------------------------------


def _compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=1)
def _default_config() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def extract_order_refs(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[str]:
    """Order / tracking numbers written in `text` (normalised: casefolded), in order, no repeats."""
    if patterns is None:
        patterns = _default_judge().order_ref_patterns
    return _order_refs_in(normalise_text(text), patterns)


def _order_refs_in(norm: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    return _order_refs_gated(norm, _gated(tuple(patterns)))


def _order_refs_gated(norm: str, gated: Sequence[tuple[re.Pattern[str], re.Pattern[str] | None]]) -> list[str]:
    found: list[str] = []
    for pattern, gate in gated:
        if gate is not None and gate.search(norm) is None:
            continue  # the pattern cannot match either
        for m in pattern.finditer(norm):
            ref = m.group(1).strip("-")
            if any(ch.isdigit() for ch in ref):
                found.append(ref)
    return list(dict.fromkeys(found))


def mentions_earlier_complaint(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> bool:
    """True if the text says the customer complained about this before ("我之前投诉过",
    "已經投訴過", "又係", "두 번째", "이미 문의했", "again", "still not fixed", ...)."""
    if patterns is None:
        patterns = _default_judge().cue_patterns
    return _cue_in(normalise_text(text), patterns)


def _cue_in(norm: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    return _cue_gated(norm, _gated(tuple(patterns)))


def _cue_gated(norm: str, gated: Sequence[tuple[re.Pattern[str], re.Pattern[str] | None]]) -> bool:
    return any((gate is None or gate.search(norm)) and p.search(norm) for p, gate in gated)


@lru_cache(maxsize=64)
def _gated(patterns: tuple[re.Pattern[str], ...]) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
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


# --- what the judge reads from one complaint, computed once ---------------------------------


class _computed_once:
    """A lazily computed attribute, like `functools.cached_property` without its lock (Python 3.11
    takes a lock on every first access, which costs more than most of the values here): the value
    is stored in the instance dict, where later reads find it without calling anything."""

    def __init__(self, compute: Any) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


class _Analysis:
    """The per-complaint work shared by `judge()` and `open_case()`: normalised text, links,
    shingle sketch, order numbers, cue, contact keys written in the text. Each part is computed
    on first use, at most once. Built for one judge's settings (see `ValidityJudge._analyse`)."""

    def __init__(self, body: str, judge: ValidityJudge) -> None:
        self.body = body
        self.fingerprinter = judge.fingerprinter
        self.order_ref_patterns = judge.order_ref_patterns
        self.cue_patterns = judge.cue_patterns
        self.default_region = judge.default_region
        self._gated_refs, self._gated_cues = judge._gated_patterns()
        self.folded = unicodedata.normalize("NFKC", body) if body else ""
        self.norm = _normalise_folded(self.folded)

    def matches(self, judge: ValidityJudge) -> bool:
        return (
            self.fingerprinter is judge.fingerprinter
            and self.order_ref_patterns is judge.order_ref_patterns
            and self.cue_patterns is judge.cue_patterns
            and self.default_region == judge.default_region
        )

    @_computed_once
    def compact(self) -> str:
        return self.norm.replace(" ", "")

    @_computed_once
    def _links(self) -> tuple[list[str], str]:
        return _strip_urls(self.norm)

    @property
    def links(self) -> list[str]:
        return self._links[0]

    @property
    def without_links(self) -> str:
        return self._links[1]

    @_computed_once
    def sketch(self) -> tuple[int, ...]:
        fp = self.fingerprinter
        return fp._sketch(fp._shingles(self.without_links))

    @_computed_once
    def sketch_set(self) -> _Sketch | None:
        return _Sketch(frozenset(self.sketch), self.sketch) if self.sketch else None

    @_computed_once
    def fingerprint(self) -> str:
        return self.fingerprinter._encode(self.sketch)

    @_computed_once
    def order_refs(self) -> tuple[str, ...]:
        return tuple(_order_refs_gated(self.norm, self._gated_refs))

    @_computed_once
    def cue(self) -> bool:
        return _cue_gated(self.norm, self._gated_cues)

    @_computed_once
    def text_keys(self) -> tuple[str, ...]:
        return tuple(_contacts_in(self.folded, self.default_region).keys())


@lru_cache(maxsize=1024)
def _sender_keys(email: str | None, phone: str | None, region: str) -> tuple[str, ...]:
    return tuple(contact_keys(CustomerContact(email=email, phone=phone), region))


@lru_cache(maxsize=1024)
def _sender_email(raw: str | None) -> str | None:
    return normalise_email(raw)


@lru_cache(maxsize=64)
def _phrase_table(groups: tuple[_PhraseGroup, ...]) -> tuple[tuple[_PhraseGroup, tuple[tuple[str, str | None], ...]], ...]:
    """Per group: (phrase, the phrase without spaces if it is Chinese/Korean, else None)."""
    return tuple(
        (group, tuple((p, p.replace(" ", "") if _CJK_ANY.search(p) else None) for p in group.phrases))
        for group in groups
    )


class _Needles:
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
def _phrase_needles(groups: tuple[_PhraseGroup, ...]) -> tuple[tuple[str, ...], _Needles]:
    """(needles to look for in the normalised text, needles to look for in it without spaces).

    A phrase of `groups` matches (see `ValidityJudge._spam`) exactly when its needle is found: a
    Chinese/Korean phrase when it is in the text or its spaceless form is in the spaceless text,
    which comes to the latter (the spaceless text holds the spaceless form of anything the text
    holds); any other phrase when it is in the text.
    """
    in_norm: list[str] = []
    in_compact: list[str] = []
    for _, phrases in _phrase_table(groups):
        for phrase, spaceless in phrases:
            if spaceless is None:
                in_norm.append(phrase)
            else:
                in_compact.append(spaceless)
    return tuple(dict.fromkeys(in_norm)), _Needles(in_compact)


@lru_cache(maxsize=64)
def _runs_pattern(runs: tuple[str, ...]) -> re.Pattern[str] | None:
    """search() is `any(run in word for run in runs)`."""
    if not runs:
        return None
    return re.compile("|".join(re.escape(r) for r in sorted(set(runs), key=len)))


# --- verdicts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidityVerdict:
    validity: Validity
    related_case_id: str | None
    reason: str
    rule: str
    score: float = 0.0


@dataclass(frozen=True)
class _Complaint:
    """One complaint as the judge sees it: its analysed text and what came with it."""

    analysis: _Analysis
    channel: Channel
    received_at: datetime
    sender_email: str | None = None
    sender_phone: str | None = None
    customer_key: str | None = None
    category: str | None = None
    product: str | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class _Candidate:
    case: OpenCase
    rule: str
    strength: int
    similarity: float
    detail: str


@dataclass(frozen=True)
class _PhraseGroup:
    name: str
    weight: float
    phrases: tuple[str, ...]


@dataclass
class ValidityJudge:
    """Judges one complaint against configurable rules and the customer's open cases."""

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
    phrase_groups: tuple[_PhraseGroup, ...] = ()
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
    # analyses of the last few complaints (judge() then open_case() of the same text) and values
    # derived from the settings; not settings themselves
    _memo: dict[str, _Analysis] = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- construction --

    @classmethod
    def from_config(cls, path: str | Path | None = None, *, default_region: str = "CN") -> ValidityJudge:
        """Build from a YAML file (default: routing/config/validity.yaml). `default_region` (for
        phone numbers without a country code) comes from the service settings, the same value the
        customer directory gets, so one number is never filed under two keys."""
        if path is None:
            return cls.from_dict(_default_config(), default_region=default_region)
        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")), default_region=default_region)

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any], *, default_region: str = "CN") -> ValidityJudge:
        if "default_region" in cfg:
            # a second place for the region would let the judge and the directory disagree
            raise ValueError(
                "validity config: default_region is not a validity setting; set the service's "
                "default_phone_region (ROUTING_DEFAULT_PHONE_REGION) instead"
            )
        region = default_region
        win = cfg.get("windows", {}) or {}
        sim = cfg.get("similarity", {}) or {}
        spam = cfg.get("spam", {}) or {}
        inv = cfg.get("invalid", {}) or {}
        blocked: set[str] = set()
        for raw in spam.get("blocked_senders", []) or []:
            if (email := normalise_email(str(raw))) is not None:
                blocked.add(f"email:{email}")
            elif (phone := normalise_phone(str(raw), region)) is not None:
                blocked.add(f"phone:{phone}")
            else:
                raise ValueError(f"validity config: blocked sender {raw!r} is neither an e-mail nor a phone number")
        groups = tuple(
            _PhraseGroup(
                name=str(name),
                weight=float(group.get("weight", 1.0)),
                phrases=tuple(dict.fromkeys(normalise_text(str(p)) for p in group.get("phrases", []) if str(p).strip())),
            )
            for name, group in (spam.get("phrases", {}) or {}).items()
        )
        return cls(
            version=str(cfg.get("version", "unversioned")),
            default_region=region,
            duplicate_window=timedelta(hours=float(win.get("duplicate_hours", 72))),
            follow_up_window=timedelta(days=float(win.get("follow_up_days", 30))),
            consider_statuses=frozenset(win.get("consider_statuses", ["open"])),
            fingerprinter=Fingerprinter(
                shingle_cjk=int(sim.get("shingle_cjk", 2)),
                shingle_other=int(sim.get("shingle_other", 4)),
                sketch_size=int(sim.get("sketch_size", 128)),
                min_shingles_containment=int(sim.get("min_shingles_containment", 8)),
            ),
            duplicate_threshold=float(sim.get("duplicate_threshold", 0.8)),
            follow_up_threshold=float(sim.get("follow_up_threshold", 0.4)),
            related_threshold=float(sim.get("related_threshold", 0.20)),
            cue_threshold=float(sim.get("cue_threshold", 0.12)),
            spam_threshold=float(spam.get("threshold", 1.0)),
            link_weight=float(spam.get("link_weight", 0.3)),
            max_links=int(spam.get("max_links", 3)),
            max_link_share=float(spam.get("max_link_share", 0.5)),
            blocked_senders=frozenset(blocked),
            blocked_domains=tuple(str(d).casefold().strip(".") for d in spam.get("blocked_domains", []) or []),
            phrase_groups=groups,
            min_letter_share=float(inv.get("min_letter_share", 0.4)),
            min_cjk_chars=int(inv.get("min_cjk_chars", 2)),
            min_latin_letters=int(inv.get("min_latin_letters", 4)),
            max_distinct_chars=int(inv.get("max_distinct_chars", 2)),
            min_repetition_length=int(inv.get("min_repetition_length", 6)),
            mash_share=float(inv.get("mash_share", 0.6)),
            jamo_share=float(inv.get("jamo_share", 0.6)),
            keyboard_runs=tuple(str(r).casefold() for r in inv.get("keyboard_runs", []) or []),
            order_ref_patterns=_compile_all(cfg.get("order_refs", []) or []),
            cue_patterns=_compile_all(cfg.get("earlier_complaint_cues", []) or []),
        )

    # -- helpers for the caller --

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
        complaint = _Complaint(
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
        complaint = _Complaint(
            self._analyse(text, subject), Channel(channel), received_at, sender_email, sender_phone, customer_key,
            category, product, case_id,
        )
        return self._judge(complaint, open_cases), self._open_case(complaint, reference=reference)

    def _open_case(self, complaint: _Complaint, *, reference: str | None) -> OpenCase:
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

    def mentions_earlier_complaint(self, text: str) -> bool:
        return mentions_earlier_complaint(text, self.cue_patterns)

    def extract_order_refs(self, text: str) -> list[str]:
        return extract_order_refs(text, self.order_ref_patterns)

    def _keys_of(self, complaint: _Complaint) -> list[str]:
        """Every key the complaint's customer may be filed under: the resolved customer's, the
        sender's contacts, the contacts written in the text."""
        keys: list[str] = [complaint.customer_key] if complaint.customer_key else []
        keys += _sender_keys(complaint.sender_email, complaint.sender_phone, self.default_region)
        keys += complaint.analysis.text_keys
        return list(dict.fromkeys(keys))

    def _analyse(self, text: str | None, subject: str = "") -> _Analysis:
        """The analysis of this complaint's text, shared by `judge()` and `open_case()` of the same
        complaint (a few recent ones are kept)."""
        body = f"{subject}\n{text}" if subject else (text or "")
        memo = self._memo
        analysis = memo.get(body)
        if analysis is not None and analysis.matches(self):
            return analysis
        analysis = _Analysis(body, self)
        if len(memo) >= 8:
            memo.clear()
        memo[body] = analysis
        return analysis

    def _phrases(self) -> tuple[tuple[_PhraseGroup, tuple[tuple[str, str | None], ...]], ...]:
        cached = self._derived.get("phrases")
        if cached is None or cached[0] is not self.phrase_groups:
            cached = (self.phrase_groups, _phrase_table(self.phrase_groups))
            self._derived["phrases"] = cached
        return cached[1]

    def _gated_patterns(self) -> tuple[Any, Any]:
        """(order-number patterns, cue patterns), each with its `_gated` necessary condition."""
        cached = self._derived.get("gated")
        if cached is None or cached[0] is not self.order_ref_patterns or cached[1] is not self.cue_patterns:
            gated = (_gated(tuple(self.order_ref_patterns)), _gated(tuple(self.cue_patterns)))
            cached = (self.order_ref_patterns, self.cue_patterns, gated)
            self._derived["gated"] = cached
        return cached[2]

    def _phrase_needles(self) -> tuple[tuple[str, ...], _Needles]:
        cached = self._derived.get("needles")
        if cached is None or cached[0] is not self.phrase_groups:
            cached = (self.phrase_groups, _phrase_needles(self.phrase_groups))
            self._derived["needles"] = cached
        return cached[1]

    def _keyboard_runs(self) -> re.Pattern[str] | None:
        cached = self._derived.get("runs")
        if cached is None or cached[0] is not self.keyboard_runs:
            cached = (self.keyboard_runs, _runs_pattern(self.keyboard_runs))
            self._derived["runs"] = cached
        return cached[1]

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
        complaint = _Complaint(
            self._analyse(text, subject), Channel(channel), received_at, sender_email, sender_phone, customer_key,
            category, product, case_id,
        )
        return self._judge(complaint, open_cases)

    def _judge(self, complaint: _Complaint, open_cases: Sequence[OpenCase]) -> ValidityVerdict:
        analysis = complaint.analysis
        norm = analysis.norm
        if _ALNUM.search(norm) is None:
            return ValidityVerdict(Validity.INVALID, None, "no letters or digits in the complaint", "invalid.empty", 1.0)

        verdict = self._spam(norm, complaint.sender_email, complaint.sender_phone, analysis)
        if verdict is None:
            verdict = self._unintelligible(norm, analysis)
        if verdict is not None:
            return verdict

        candidates = self._related(complaint, open_cases)
        if candidates:
            best = max(candidates, key=lambda c: (c.strength, c.similarity, c.case.received_at))
            validity = Validity.DUPLICATE if best.rule.startswith("duplicate.") else Validity.FOLLOW_UP
            return ValidityVerdict(validity, best.case.case_id, best.detail, best.rule, round(best.similarity, 3))
        return ValidityVerdict(Validity.VALID, None, "no spam, intelligible, no related open case", "valid", 0.0)

    # spam

    def _spam(
        self, norm: str, sender_email: str | None, sender_phone: str | None, analysis: _Analysis | None = None
    ) -> ValidityVerdict | None:
        if sender_email or sender_phone:
            for key in _sender_keys(sender_email, sender_phone, self.default_region):
                if key in self.blocked_senders:
                    return ValidityVerdict(Validity.SPAM, None, f"sender is blocked ({key.split(':')[0]})", "spam.blocked_sender", 1.0)
        if sender_email and self.blocked_domains:
            email = _sender_email(sender_email)
            if email is not None:
                domain = email.rsplit("@", 1)[1]
                for blocked in self.blocked_domains:
                    if domain == blocked or domain.endswith("." + blocked):
                        return ValidityVerdict(Validity.SPAM, None, f"sender domain {blocked} is blocked", "spam.blocked_domain", 1.0)

        links = analysis.links if analysis is not None else _strip_urls(norm)[0]
        compact = analysis.compact if analysis is not None else norm.replace(" ", "")
        link_chars = sum(map(len, links))
        compact_len = len(compact) or 1
        if links and (len(links) >= self.max_links or link_chars / compact_len >= self.max_link_share):
            return ValidityVerdict(
                Validity.SPAM,
                None,
                f"link-heavy: {len(links)} link(s), {link_chars / compact_len:.0%} of the text",
                "spam.links",
                1.0,
            )

        score = self.link_weight * len(links)
        hits: list[tuple[float, str, list[str]]] = []
        # Most texts hold no phrase at all: a quick test for any phrase (`_phrase_needles`) says
        # so, and only a text that holds one is matched group by group.
        in_norm, in_compact = self._phrase_needles()
        if any(map(norm.__contains__, in_norm)) or in_compact.any_in(compact):
            for group, phrases in self._phrases():
                # phrases in Chinese/Korean also match without their spaces ("카톡추가" = "카톡 추가")
                matched = [p for p, spaceless in phrases if p in norm or (spaceless is not None and spaceless in compact)]
                if matched:
                    score += group.weight
                    hits.append((group.weight, group.name, matched))
        if hits and score >= self.spam_threshold:
            hits.sort(key=lambda h: -h[0])
            detail = "; ".join(f"{name}: {', '.join(m[:3])}" for _, name, m in hits)
            if links:
                detail += f"; {len(links)} link(s)"
            return ValidityVerdict(
                Validity.SPAM, None, f"spam phrases ({detail}), score {score:.2f}", f"spam.phrase.{hits[0][1]}", round(score, 3)
            )
        return None

    # invalid

    def _unintelligible(self, norm: str, analysis: _Analysis | None = None) -> ValidityVerdict | None:
        text = analysis.without_links if analysis is not None else _strip_urls(norm)[1]
        # A number (order, phone, amount) counts as one character, however long it is.
        chars = "".join(_DIGIT_RUN.sub("0", text).split())  # str.split(): the characters str.isspace() finds
        n_letters = sum(map(str.isalpha, chars))
        share = n_letters / len(chars) if chars else 0.0
        if share < self.min_letter_share:
            return ValidityVerdict(
                Validity.INVALID, None, f"mostly non-letters ({share:.0%} letters)", "invalid.non_letters", round(1 - share, 3)
            )
        n_cjk = _count(_CJK_LETTER_RUN, chars) if _CJK_ANY.search(chars) else 0  # letters in CJK scripts
        n_latin = n_letters - n_cjk  # letters in other scripts
        if n_cjk:
            if _HANGUL_ANY.search(chars) is None:  # Chinese or Japanese: no Korean letters to count
                jamo = korean = 0
            else:
                jamo = _count(_JAMO_LETTER_RUN, chars)
                korean = _count(_SYLLABLE_LETTER_RUN, chars) + jamo
            if korean and jamo / korean >= self.jamo_share and n_cjk - jamo < self.min_cjk_chars:
                return ValidityVerdict(
                    Validity.INVALID, None, "bare Hangul jamo, no syllables (ㅋㅋㅋ, ㅁㄴㅇㄹ)", "invalid.keyboard_mash", 1.0
                )
            if n_cjk - jamo < self.min_cjk_chars and n_latin < self.min_latin_letters:
                return ValidityVerdict(Validity.INVALID, None, f"too short ({n_cjk} character(s))", "invalid.too_short", 1.0)
        elif n_latin < self.min_latin_letters:
            return ValidityVerdict(Validity.INVALID, None, f"too short ({n_latin} letter(s))", "invalid.too_short", 1.0)

        alnum = _NON_ALNUM.sub("", chars)
        if len(alnum) >= self.min_repetition_length and (
            _at_most_distinct(alnum, self.max_distinct_chars) or _REPEATED_UNIT.fullmatch(alnum)
        ):
            return ValidityVerdict(
                Validity.INVALID, None, f"repetition ({len(set(alnum))} distinct character(s))", "invalid.repetition", 1.0
            )

        if n_latin and n_latin >= n_cjk:
            words = _LETTER_WORD.findall(text)
            latin_words = [w for w in words if _CJK_ANY.search(w) is None] if n_cjk or _CJK_ANY.search(text) else words
            total = sum(map(len, latin_words)) or 1
            bad = self._implausible_letters(latin_words)
            if bad / total >= self.mash_share:
                return ValidityVerdict(
                    Validity.INVALID, None, f"keyboard mash ({bad / total:.0%} of letters in implausible words)", "invalid.keyboard_mash", round(bad / total, 3)
                )
        return None

    _VOWELS = frozenset("aeiouyàáâãäåèéêëìíîïòóôõöùúûüý")

    def _implausible_letters(self, words: list[str]) -> int:
        """sum(len(w) for w in words if self._implausible(w)), judging each distinct word once per
        judge: the same words recur in complaint after complaint."""
        cached = self._derived.get("implausible")
        if cached is None or cached[0] is not self.keyboard_runs or len(cached[1]) > _MAX_WORDS_KEPT:
            cached = (self.keyboard_runs, {})  # (the settings `_implausible` reads, word -> letters counted)
            self._derived["implausible"] = cached
        counted: dict[str, int] = cached[1]
        for word in set(words).difference(counted):
            counted[word] = len(word) if self._implausible(word) else 0
        return sum(map(counted.__getitem__, words))

    def _implausible(self, word: str) -> bool:
        if len(word) < 4:
            return False
        if self._VOWELS.isdisjoint(word):
            return True
        if _NON_VOWEL_RUN.search(word):
            return True
        runs = self._keyboard_runs()
        if runs is not None and runs.search(word):
            return True
        return len(set(word)) <= 2 and len(word) >= 5

    # duplicates and follow-ups

    def _related(self, complaint: _Complaint, open_cases: Sequence[OpenCase]) -> list[_Candidate]:
        if not open_cases:
            return []
        analysis, received_at, category, case_id = complaint.analysis, complaint.received_at, complaint.category, complaint.case_id
        my_keys = set(self._keys_of(complaint))
        mine = analysis.sketch_set
        refs = set(analysis.order_refs)
        cue = analysis.cue
        compact = analysis.compact
        fingerprinter = self.fingerprinter
        my_channel = complaint.channel
        my_product = _normalise_short(complaint.product) if complaint.product else None

        eligible: list[OpenCase] = []
        for case in open_cases:
            if case.case_id == case_id or case.status not in self.consider_statuses:
                continue
            if case.customer_keys and my_keys.isdisjoint(case.customer_keys):
                continue
            eligible.append(case)
        in_window = [c for c in eligible if abs(received_at - c.received_at) <= self.follow_up_window]

        def across(case: OpenCase) -> str:
            return "" if my_channel == case.channel else f" (across channels: {case.channel.value} -> {my_channel.value})"

        out: list[_Candidate] = []
        for case in eligible:
            age = received_at - case.received_at
            cited = _cites(compact, case.case_id) or (case.reference is not None and _cites(compact, case.reference))
            if cited:
                out.append(_Candidate(case, "follow_up.case_reference", 6, 1.0, "cites the case number of an open case"))
                continue
            if abs(age) > self.follow_up_window:
                continue
            theirs = fingerprinter._decoded(case.fingerprint)
            sim = 0.0 if mine is None or theirs is None else fingerprinter._similarity_of(mine, theirs)
            if refs and case.order_refs:
                shared = not refs.isdisjoint(case.order_refs)
                conflict = not shared
            else:
                shared = conflict = False
            same_cat = bool(category and case.category and category == case.category)
            same_product = bool(my_product is not None and case.product and my_product == _normalise_short(case.product))
            cat_conflict = bool(category and case.category and category != case.category)
            if abs(age) <= self.duplicate_window and sim >= self.duplicate_threshold and not conflict:
                hours = abs(age).total_seconds() / 3600
                out.append(
                    _Candidate(case, "duplicate.near_identical", 7, sim, f"near-identical to an open case received {hours:.0f} h earlier, similarity {sim:.2f}{across(case)}")
                )
                continue
            if shared:
                out.append(_Candidate(case, "follow_up.order_ref", 5, sim, f"same order number as an open case{across(case)}"))
            elif conflict:
                continue  # about another order: not the same matter
            elif sim >= self.follow_up_threshold:
                out.append(_Candidate(case, "follow_up.similar_content", 4, sim, f"strong topical overlap with an open case, similarity {sim:.2f}{across(case)}"))
            elif (same_cat or same_product) and sim >= self.related_threshold:
                what = "category" if same_cat else "product"
                out.append(_Candidate(case, "follow_up.same_category", 3, sim, f"same {what} and overlapping content (similarity {sim:.2f}){across(case)}"))
            elif cue and not cat_conflict and (same_cat or same_product or sim >= self.cue_threshold or len(in_window) == 1):
                why = "same category" if same_cat else "same product" if same_product else f"similarity {sim:.2f}" if sim >= self.cue_threshold else "the only open case"
                out.append(_Candidate(case, "follow_up.earlier_complaint_cue", 2, sim, f"says it complained before; {why}{across(case)}"))
        return out


def _cites(compact_text: str, identifier: str) -> bool:
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


@lru_cache(maxsize=1)
def _default_judge() -> ValidityJudge:
    return ValidityJudge.from_config()
