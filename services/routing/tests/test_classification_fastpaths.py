"""The fast paths of the classifier give the same answers as the straightforward ones."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest
from routing.domain.classification import Classifier
from routing.domain.classification.model import NgramModel
from routing.domain.classification.text import default_detector, model_text
from routing.domain.normalise import normalise

DATA = Path(__file__).parent / "data"


def _texts() -> list[str]:
    out = []
    for name in ("other_industries.jsonl", "other_industries_blind.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append(f"{r.get('subject', '')}\n{r['text']}")
    return out


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.from_config()


def test_integer_ngram_lookup_matches_string_lookup(clf):
    texts = [model_text(normalise(t)) for t in _texts()]
    texts += ["", " ", "a", "ab", "w:x 漏电 \x00 \ud800 \U0010ffff " * 3, "咖啡 kettle " * 1000]
    assert clf.model is not None
    _assert_fast_lookup_matches_string_lookup(clf.model, texts)


def _assert_fast_lookup_matches_string_lookup(model: NgramModel, texts: list[str]) -> None:
    assert model._fast
    slow = NgramModel.__new__(NgramModel)
    slow.__dict__.update(model.__dict__)
    slow._fast = False
    for mt in texts:
        ia, va = model.vectorise(mt)
        ib, vb = slow.vectorise(mt)
        assert np.array_equal(ia, ib) and np.array_equal(va, vb)


def test_a_vocabulary_of_many_characters_keeps_the_fast_lookup():
    """5,000 characters, more than a table with a cell per pair of them would hold in reason:
    the bigrams are found by key, with the same features and counts as the string lookups."""
    chars = [chr(0x4E00 + i) for i in range(5000)]
    grams = chars + [a + b for a, b in itertools.pairwise(chars)] + ["w:kettle", "ke", "et"]
    artefact = {
        "format": "routing-ngram-logreg/1", "version": "test", "classes": ["a", "b", "c"],
        "lexicon_features": [], "lexicon_scale": 1.0, "ngram_range": [1, 2], "lexicon_coef": [],
        "intercept": [0.0, 0.0, 0.0], "vocabulary": {f: [1.0 + i % 7, 0.1, -0.1, 0.0] for i, f in enumerate(grams)},
    }
    model = NgramModel(artefact)
    rng = random.Random(3)
    texts = ["".join(rng.choice(chars[:60] + [" ", "k", "e", "t", "\u4e00\u4e01"]) for _ in range(rng.randrange(0, 200))) for _ in range(200)]
    texts += ["kettle " + "".join(chars[4990:]), chars[-1] + chars[0], ""]
    _assert_fast_lookup_matches_string_lookup(model, texts)
    assert len(model.vectorise(chars[10] + chars[11])[0]) == 3  # two unigrams and their bigram


def test_latin_only_text_is_english_as_lingua_says():
    detector = default_detector()
    rng = random.Random(5)
    pool = [chr(c) for c in range(0x20, 0x250)] + [chr(c) for c in range(0x2000, 0x20D0)] + ["\n"]
    samples = ["", "1234 !!", "The kettle caught fire.", "Café naïve résumé — “quoted” ’s"]
    samples += ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 30))) for _ in range(300)]
    for s in samples:
        assert detector.detect(s) == "en"
        found = detector._lingua.detect_language_of(s)
        assert found is None or detector._map[found] == "en", s


def test_chinese_script_shortcut():
    detector = default_detector()
    assert detector.chinese_script("我的咖啡机漏电了") == "zh-Hans"
    assert detector.chinese_script("我的咖啡機漏電了") == "zh-Hant"


def test_term_matcher_guard_finds_the_same_terms(clf):
    import re

    from routing.domain.classification.text import TermMatcher, _trie_regex

    terms = clf.rules.lexicon.matcher.terms + ["**", "ab*", "a-b", "x"]
    matcher = TermMatcher(terms)
    plain = re.compile(_trie_regex(matcher.terms))
    rng = random.Random(9)
    texts = [normalise(t) for t in _texts()] + ["a ** ab abc x a-b"]
    alphabet = "".join(sorted(set("".join(texts))))
    texts += ["".join(rng.choice(alphabet) for _ in range(200)) for _ in range(50)]
    for t in texts:
        assert matcher.find(t) == [m.group(0) for m in plain.finditer(t) if m.group(0)]
