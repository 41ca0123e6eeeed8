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

    @classmethod
    def load(cls, path: Path) -> "NgramModel":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        t = _WS.sub(" ", text).strip()
        n = len(t)
        if n > len(self._slices[self.n_max]):
            t, n = t[: len(self._slices[self.n_max])], len(self._slices[self.n_max])
        grams: list[str] = []
        for k in range(self.n_min, self.n_max + 1):
            grams += map(t.__getitem__, self._slices[k][: max(0, n - k + 1)])
        grams += ["w:" + w for w in _WORD.findall(t)]
        idx = [i for i in map(self.index.get, grams) if i is not None]
        if not idx:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        counts = np.bincount(np.array(idx, dtype=np.int64), minlength=0)
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
        probs = {c: float(p[k]) for k, c in enumerate(self.classes)}
        contributions: list[Contribution] = []
        if top:
            k = int(p.argmax())
            items: list[tuple[str, float]] = []
            if len(ia):
                w = va * (rows[:, k] - rows.mean(axis=1))
                order = np.argsort(-w)[:top]
                items += [(self.features[ia[j]], float(w[j])) for j in order if w[j] > 0]
            lw = lv * (self.lex_coef[:, k] - self.lex_coef.mean(axis=1))
            items += [(f"lexicon:{self.lexicon_features[j]}", float(lw[j])) for j in range(len(lw)) if lw[j] > 0]
            items.sort(key=lambda x: -x[1])
            contributions = [Contribution(f, round(w, 4)) for f, w in items[:top]]
        return probs, contributions
