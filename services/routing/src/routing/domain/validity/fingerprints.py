"""Fingerprints of complaint text: character n-gram shingles and a bottom-k sketch of their
32-bit hashes, from which the similarity of two texts is estimated without keeping either."""

from __future__ import annotations

import base64
import hashlib
import struct
from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import add

import numpy as np

from .caches import FreshWhenFull
from .text import _CJK_ANY_RUN, _WORD, _count, _strip_urls, normalise_text

__all__ = ["Fingerprinter", "Sketch"]

# words remembered with their n-grams (a few hundred bytes each), or by a judge's
# implausible-word memo; either starts afresh beyond this
MAX_WORDS_KEPT = 20_000


def _grams_of_word(n: int):
    def grams(word: str) -> tuple[str, ...]:
        """A word's shingles (see `Fingerprinter._shingles`): none below three letters."""
        if len(word) < 3:
            return ()
        if len(word) <= n:
            return (word,)
        return tuple(word[i : i + n] for i in range(len(word) - n + 1))

    return grams


@lru_cache(maxsize=8)
def _word_grams(n: int) -> FreshWhenFull[str, tuple[str, ...]]:
    """word -> its n-gram shingles, computed on first use: words recur from complaint to complaint."""
    return FreshWhenFull(_grams_of_word(n), MAX_WORDS_KEPT)


def _blake2b_32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")


# _shingle_hash(shingle) -> int: the 32-bit blake2b of a shingle, remembered (shingles recur)
_shingle_hash = FreshWhenFull(_blake2b_32, 1 << 16).__getitem__


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

    def _decoded(self, fingerprint: str) -> Sketch | None:
        """A fingerprint's hashes (None if empty or not ours), decoded once per fingerprint."""
        tag, sketch = _decoded_fingerprint(fingerprint)
        return sketch if tag == self.tag else None

    def _similarity(self, sa: Sequence[int], sb: Sequence[int]) -> float:
        return self._similarity_of(Sketch.of(sa), Sketch.of(sb))

    def _similarity_of(self, a: Sketch, b: Sketch) -> float:
        both = a.values & b.values
        jaccard = self._jaccard(a, b, both)
        # Containment of the smaller in the larger: of the smaller's hashes that fall in the range
        # the larger sketch covers, the share the larger one holds.
        small, large = (a, b) if len(a.values) <= len(b.values) else (b, a)
        if len(small.values) < self.min_shingles_containment:
            return jaccard
        if len(large.values) >= self.sketch_size:
            # covered: the smaller's hashes up to the larger's maximum (all of both is among them)
            n_covered = bisect_right(small.ordered, large.ordered[-1])
            if n_covered < self.min_shingles_containment:
                return jaccard
        else:
            n_covered = len(small.values)
        containment = len(both) / n_covered
        return max(jaccard, containment)

    def _jaccard(self, a: Sketch, b: Sketch, both: frozenset[int]) -> float:
        """Jaccard from bottom-k sketches: among the k smallest of the union, the share in both."""
        k = self.sketch_size
        n_both = len(both)
        n_union = len(a.values) + len(b.values) - n_both
        if n_union <= k:
            return n_both / n_union
        if not n_both:
            return 0 / k
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
        return d / k


@dataclass(frozen=True)
class Sketch:
    """A sketch's distinct hash values, as a set and in ascending order."""

    values: frozenset[int]
    ordered: tuple[int, ...]

    @classmethod
    def of(cls, values: Iterable[int]) -> Sketch:
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
def _decoded_fingerprint(fingerprint: str) -> tuple[str, Sketch | None]:
    """(tag, hashes) of a stored fingerprint. Cached: a customer's open cases are compared again
    with each new complaint, and keyed by the string alone (its tag says which settings made it)."""
    tag, _, body = fingerprint.partition(":")
    values = _decode_body(body)
    return tag, Sketch.of(values) if values else None
