"""The fast paths of the classifier give the same answers as the straightforward ones."""

from __future__ import annotations

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
    model = clf.model
    assert model is not None and model._fast
    slow = NgramModel.__new__(NgramModel)
    slow.__dict__.update(model.__dict__)
    slow._fast = False
    texts = [model_text(normalise(t)) for t in _texts()]
    texts += ["", " ", "a", "ab", "w:x 漏电 \x00 \ud800 \U0010ffff " * 3, "咖啡 kettle " * 1000]
    for mt in texts:
        ia, va = model.vectorise(mt)
        ib, vb = slow.vectorise(mt)
        assert np.array_equal(ia, ib) and np.array_equal(va, vb)


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
