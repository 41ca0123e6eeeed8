"""The statistical category model: multinomial logistic regression over character n-grams,
Latin words and the keyword-lexicon scores.

Training uses scikit-learn (see training.py); the artefact is plain JSON (vocabulary, idf,
weights), so inference here needs only numpy and never unpickles anything.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_WORD = re.compile(r"[a-z][a-z'’]+")
_WS = re.compile(r"\s+")

ARTEFACT_FORMAT = "routing-ngram-logreg/1"
MAX_CHARS = 6000  # the model reads at most this many characters of a complaint


def ngram_counts(text: str, n_min: int = 1, n_max: int = 3) -> Counter:
    """Character n-grams (whitespace collapsed) and Latin words of already-normalised text."""
    t = _WS.sub(" ", text).strip()
    counts: Counter = Counter()
    n = len(t)
    for k in range(n_min, n_max + 1):
        counts.update(t[i : i + k] for i in range(n - k + 1))
    counts.pop(" ", None)
    counts.update("w:" + w for w in _WORD.findall(t))
    return counts


def _gram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | (ord(ch) + 1)
    return key


@dataclass(frozen=True)
class Contribution:
    feature: str
    weight: float


class NgramModel:
    """Inference side of the model, loaded from the JSON artefact."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != ARTEFACT_FORMAT:
            raise ValueError(f"unknown model artefact format {data.get('format')!r}")
        self.version: str = data["version"]
        self.classes: list[str] = list(data["classes"])
        self.lexicon_features: list[str] = list(data["lexicon_features"])
        self.lexicon_scale: float = float(data["lexicon_scale"])
        self.n_min, self.n_max = data["ngram_range"]
        vocab = data["vocabulary"]
        self.features: list[str] = list(vocab)
        self.index = {f: i for i, f in enumerate(self.features)}
        self.idf = np.array([vocab[f][0] for f in self.features], dtype=np.float64)
        self.coef = np.array([vocab[f][1:] for f in self.features], dtype=np.float64).reshape(
            len(self.features), len(self.classes)
        )
        self.lex_coef = np.array(data["lexicon_coef"], dtype=np.float64).reshape(
            len(self.lexicon_features), len(self.classes)
        )
        self.intercept = np.array(data["intercept"], dtype=np.float64)
        self.metrics: dict = data.get("metrics", {})
        # precomputed slices for n-gram extraction (texts are cut at MAX_CHARS for the model)
        self._slices = {k: [slice(i, i + k) for i in range(MAX_CHARS)] for k in range(self.n_min, self.n_max + 1)}
        # Fast path: character n-grams (n <= 3) as integer keys (code point + 1, 21 bits each),
        # looked up in one sorted array. Same features, same counts as the string lookups.
        self._fast = 1 <= self.n_min <= self.n_max <= 3 and any(self.n_min <= len(f) <= self.n_max for f in self.features)
        if self._fast:
            pairs = sorted(
                (_gram_key(f), i) for i, f in enumerate(self.features) if self.n_min <= len(f) <= self.n_max
            )
            self._gram_keys = np.array([k for k, _ in pairs], dtype=np.int64)
            self._gram_cols = np.array([i for _, i in pairs], dtype=np.int64)
            self._words = {f: i for i, f in enumerate(self.features) if f.startswith("w:") and len(f) > self.n_max}
        # per-feature mean of the class weights (used for the contributions); the same values
        # as taking the mean of the selected rows
        self._coef_mean = self.coef.mean(axis=1)
        self._lex_coef_mean = self.lex_coef.mean(axis=1)

    @classmethod
    def load(cls, path: Path) -> "NgramModel":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def _feature_indices(self, t: str) -> np.ndarray:
        """Column indices of every feature occurrence in `t` (whitespace-collapsed, cut)."""
        n = len(t)
        if not self._fast:
            grams: list[str] = []
            for k in range(self.n_min, self.n_max + 1):
                grams += map(t.__getitem__, self._slices[k][: max(0, n - k + 1)])
            grams += ["w:" + w for w in _WORD.findall(t)]
            return np.array([i for i in map(self.index.get, grams) if i is not None], dtype=np.int64)
        parts: list[np.ndarray] = []
        if n:
            c = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
            c += 1
            for k in range(self.n_min, min(self.n_max, n) + 1):
                if k == 1:
                    keys = c
                elif k == 2:
                    keys = (c[:-1] << 21) | c[1:]
                else:
                    keys = (c[:-2] << 42) | (c[1:-1] << 21) | c[2:]
                parts.append(keys)
            keys = np.sort(np.concatenate(parts) if len(parts) > 1 else parts[0])  # sorted: faster search
            pos = np.searchsorted(self._gram_keys, keys)
            np.minimum(pos, len(self._gram_keys) - 1, out=pos)
            pos = pos[self._gram_keys[pos] == keys]
            parts = [self._gram_cols[pos]]
        words = self._words
        if words:
            wi = [i for i in map(words.get, ["w:" + w for w in _WORD.findall(t)]) if i is not None]
            if wi:
                parts.append(np.array(wi, dtype=np.int64))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        t = _WS.sub(" ", text).strip()
        n = len(t)
        if n > len(self._slices[self.n_max]):
            t, n = t[: len(self._slices[self.n_max])], len(self._slices[self.n_max])
        idx = self._feature_indices(t)
        if not len(idx):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        counts = np.bincount(idx, minlength=0)
        ia = counts.nonzero()[0]
        va = (1.0 + np.log(counts[ia])) * self.idf[ia]
        norm = float(np.sqrt(va @ va))
        if norm > 0:
            va = va / norm
        return ia, va

    def lexicon_vector(self, lexicon_scores: dict[str, float]) -> np.ndarray:
        return np.array([lexicon_scores.get(c, 0.0) for c in self.lexicon_features]) * self.lexicon_scale

    def predict(self, text: str, lexicon_scores: dict[str, float], top: int = 0):
        """Returns (probabilities by class, top contributions toward the winning class)."""
        ia, va = self.vectorise(text)
        lv = self.lexicon_vector(lexicon_scores)
        logits = self.intercept.copy()
        if len(ia):
            rows = self.coef[ia]
            logits += va @ rows
        logits += lv @ self.lex_coef
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        probs = dict(zip(self.classes, p.tolist()))
        contributions: list[Contribution] = []
        if top:
            k = int(p.argmax())
            items: list[tuple[str, float]] = []
            if len(ia):
                w = va * (rows[:, k] - self._coef_mean[ia])
                order = np.argsort(-w)[:top].tolist()
                wl = w.tolist()
                features = self.features
                cols = ia.tolist()
                items += [(features[cols[j]], wl[j]) for j in order if wl[j] > 0]
            lw = (lv * (self.lex_coef[:, k] - self._lex_coef_mean)).tolist()
            items += [(f"lexicon:{f}", x) for f, x in zip(self.lexicon_features, lw) if x > 0]
            items.sort(key=lambda x: -x[1])
            contributions = [Contribution(f, round(w, 4)) for f, w in items[:top]]
        return probs, contributions
