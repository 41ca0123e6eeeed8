"""The statistical category model: multinomial logistic regression over character n-grams,
Latin words and the keyword-lexicon scores.

Training uses scikit-learn (see training.py); the artefact is plain JSON (vocabulary, idf,
weights), so inference here needs only numpy and never unpickles anything.
"""

from __future__ import annotations

import json
import math
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


def _dense_weights(weights: dict, index: dict[str, int], classes: int | None = None) -> np.ndarray:
    """An artefact's sparse {feature: weight, or a weight per class} as an array with a row per
    vocabulary feature, 0 where the artefact has none (only the features a part uses are stored)."""
    dense = np.zeros(len(index) if classes is None else (len(index), classes))
    for f, w in weights.items():
        i = index.get(f)
        if i is not None:
            dense[i] = w
    return dense


@dataclass(frozen=True)
class _Detector:
    """A binary logistic regression over the model's text features (training.fit_detector)."""

    intercept: float
    coef: np.ndarray  # a weight per feature of the vocabulary, 0 where the artefact has none

    @classmethod
    def of(cls, data: dict | None, index: dict[str, int]) -> _Detector | None:
        if data is None:
            return None
        return cls(float(data["intercept"]), _dense_weights(data["weights"], index))

    def probability(self, vector: tuple[np.ndarray, np.ndarray]) -> float:
        ia, va = vector
        logit = self.intercept + (float(va @ self.coef[ia]) if len(ia) else 0.0)
        return 1.0 / (1.0 + math.exp(-logit))


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
        # the hazard-cause model (training.fit_hazard_cause), absent from artefacts without one
        cause = data.get("hazard_cause")
        self.cause_classes: list[str] = list(cause["classes"]) if cause else []
        self.cause_intercept = np.array(cause["intercept"] if cause else [], dtype=np.float64)
        self.cause_coef = _dense_weights(cause["weights"] if cause else {}, self.index, len(self.cause_classes))
        # the hazard detector (training.fit_detector), absent from artefacts without one
        self.hazard_detector = _Detector.of(data.get("hazard_detector"), self.index)
        # the personal-data detector (training.fit), absent from artefacts without one
        self.personal_data_detector = _Detector.of(data.get("personal_data_detector"), self.index)
        # precomputed slices for n-gram extraction (texts are cut at MAX_CHARS for the model)
        self._slices = {k: [slice(i, i + k) for i in range(MAX_CHARS)] for k in range(self.n_min, self.n_max + 1)}
        # Fast path for character uni- and bigrams: every character of the vocabulary gets a
        # small id (0: any other character), a unigram's column is _unigram_col[id]; a bigram's
        # key is id1 * stride + id2, found in the sorted _bigram_keys (its column at the same
        # place in _bigram_cols). Looked up for the whole text at once; same features, same
        # counts as the string lookups. (Until model 31079102 a table held a cell per pair of
        # characters, 64 MB at its limit of 4,096; that model's vocabulary has 4,109 and fell
        # back to the string lookups.)
        grams = [(f, i) for i, f in enumerate(self.features) if self.n_min <= len(f) <= self.n_max]
        chars = sorted({ch for f, _ in grams for ch in f})
        self._fast = 1 <= self.n_min <= self.n_max <= 2 and bool(grams)
        if self._fast:
            # one entry past the highest code point: every character beyond it has id 0 too
            self._char_id = np.zeros(max(map(ord, chars)) + 2, dtype=np.int64)
            self._char_id[[ord(ch) for ch in chars]] = np.arange(1, len(chars) + 1)
            self._unigram_col = np.full(len(chars) + 1, -1, dtype=np.int64)
            self._stride = len(chars) + 1
            bigrams: list[tuple[int, int]] = []
            for f, i in grams:
                if len(f) == 1:
                    self._unigram_col[self._char_id[ord(f)]] = i
                else:
                    bigrams.append((int(self._char_id[ord(f[0])]) * self._stride + int(self._char_id[ord(f[1])]), i))
            bigrams.sort()
            self._bigram_keys = np.array([k for k, _ in bigrams], dtype=np.int64)
            self._bigram_cols = np.array([i for _, i in bigrams], dtype=np.int64)
            self._words = {f: i for i, f in enumerate(self.features) if f.startswith("w:") and len(f) > self.n_max}
        # per-feature mean of the class weights (used for the contributions); the same values
        # as taking the mean of the selected rows
        self._coef_mean = self.coef.mean(axis=1)
        self._lex_coef_mean = self.lex_coef.mean(axis=1)

    @classmethod
    def load(cls, path: Path) -> NgramModel:
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
            codes = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype="<u4")
            ids = self._char_id.take(codes, mode="clip")  # beyond the table: its last entry, 0
            if self.n_min == 1:
                parts.append(self._unigram_col.take(ids))
            if self.n_max == 2 and n > 1 and len(self._bigram_keys):
                keys = ids[:-1] * self._stride + ids[1:]
                at = np.minimum(np.searchsorted(self._bigram_keys, keys), len(self._bigram_keys) - 1)
                parts.append(np.where(self._bigram_keys[at] == keys, self._bigram_cols[at], -1))
            if parts:
                cols = np.concatenate(parts) if len(parts) > 1 else parts[0]
                parts = [cols[cols >= 0]]
        words = self._words
        if words:
            wi = [i for i in map(words.get, ["w:" + w for w in _WORD.findall(t)]) if i is not None]
            if wi:
                parts.append(np.array(wi, dtype=np.int64))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        t = " ".join(text.split())[:MAX_CHARS]  # as _WS.sub(" ", text).strip(): same whitespace
        idx = self._feature_indices(t)
        if not len(idx):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        # the distinct columns in increasing order and their counts: runs of the sorted indices
        idx = np.sort(idx)
        run_starts = np.empty(len(idx) + 1, dtype=bool)
        run_starts[0] = run_starts[-1] = True
        np.not_equal(idx[1:], idx[:-1], out=run_starts[1:-1])
        bounds = run_starts.nonzero()[0]
        ia, counts = idx[bounds[:-1]], bounds[1:] - bounds[:-1]
        va = (1.0 + np.log(counts)) * self.idf[ia]
        norm = float(np.sqrt(va @ va))
        if norm > 0:
            va = va / norm
        return ia, va

    def lexicon_vector(self, lexicon_scores: dict[str, float]) -> np.ndarray:
        return np.array([lexicon_scores.get(c, 0.0) for c in self.lexicon_features]) * self.lexicon_scale

    def predict_cause(self, vector: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
        """What caused a hazard told in this text, by probability; empty without a hazard-cause
        model."""
        if not self.cause_classes:
            return {}
        ia, va = vector
        logits = self.cause_intercept + (va @ self.cause_coef[ia] if len(ia) else 0.0)
        p = np.exp(logits - logits.max())
        return dict(zip(self.cause_classes, (p / p.sum()).tolist(), strict=True))

    def predict_hazard(self, vector: tuple[np.ndarray, np.ndarray]) -> float | None:
        """Probability that this text tells of a safety case; None without a hazard detector."""
        return self.hazard_detector.probability(vector) if self.hazard_detector else None

    def predict_personal_data(self, vector: tuple[np.ndarray, np.ndarray]) -> float | None:
        """Probability that this text tells of personal data leaked or misused; None without
        a personal-data detector."""
        return self.personal_data_detector.probability(vector) if self.personal_data_detector else None

    def predict(self, text: str, lexicon_scores: dict[str, float], top: int = 0):
        """Returns (probabilities by class, top contributions toward the winning class)."""
        return self.predict_vector(self.vectorise(text), lexicon_scores, top)

    def predict_vector(self, vector: tuple[np.ndarray, np.ndarray], lexicon_scores: dict[str, float], top: int = 0):
        """`predict` on a text already vectorised (`vectorise`): one text asked twice, with two
        lexicon score sets, is read once."""
        ia, va = vector
        lv = self.lexicon_vector(lexicon_scores)
        logits = self.intercept.copy()
        if len(ia):
            rows = self.coef[ia]
            logits += va @ rows
        logits += lv @ self.lex_coef
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        probs = dict(zip(self.classes, p.tolist(), strict=True))
        contributions: list[Contribution] = []
        if top:
            k = int(p.argmax())
            items: list[tuple[str, float]] = []
            if len(ia):
                w = va * (rows[:, k] - self._coef_mean[ia])
                order = np.argsort(-w)[:top]
                features = self.features
                items += [(features[col], x) for col, x in zip(ia[order].tolist(), w[order].tolist(), strict=True) if x > 0]
            lw = (lv * (self.lex_coef[:, k] - self._lex_coef_mean)).tolist()
            items += [(f"lexicon:{f}", x) for f, x in zip(self.lexicon_features, lw, strict=True) if x > 0]
            items.sort(key=lambda x: -x[1])
            contributions = [Contribution(f, round(w, 4)) for f, w in items[:top]]
        return probs, contributions
