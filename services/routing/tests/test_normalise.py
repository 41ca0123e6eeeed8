"""Routing's one normaliser: as first written, and the same for classification and validity."""

import json
import random
import re
import unicodedata
from pathlib import Path

from routing.domain import normalise as normalise_module
from routing.domain.normalise import normalise, normalise_words
from routing.domain.validity import normalise_text

DATA = Path(__file__).parent / "data"


def _records():
    for path in sorted(DATA.glob("*.jsonl")):
        yield from (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _reference_normalise(text: str) -> str:
    """normalise() as first written: NFKC of the text as given, str.translate for the folds."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    if normalise_module.HAN.search(text):
        text = normalise_module._t2s.convert(text)
    fold = str.maketrans({"帐": "账", "著": "着", "裏": "里", "喫": "吃", "佈": "布", "\u3000": " "})
    return re.sub(r"[ \t\r\f\v]+", " ", text.translate(fold))


def test_normalise_matches_the_reference():
    rng = random.Random(2)
    tricky = ["，", "：", "？", "（", "）", "！", "；", "～", "\u0301", "e\u0301", "ｅ", "\u3000", "ﬁ", "Å", "가", "\u1100\u1161", "帐", "裏"]
    texts = [r["text"] for r in _records()]
    texts += ["".join(rng.choice(tricky + list("ab 漏电了")) for _ in range(rng.randrange(1, 20))) for _ in range(3000)]
    for t in texts:
        assert normalise(t) == _reference_normalise(t), t


def test_validity_compares_texts_in_the_normalised_form():
    """One normaliser: validity's compared form is the classifier's text with whitespace collapsed."""
    texts = [r["text"] for r in _records()] + ["  已經投訴過  ＡＢＣ\n", "帳單 著火 裏面\u3000喫飯 佈置", "a\tb\r\nc ", ""]
    for t in texts:
        assert normalise_text(t) == normalise_words(t) == " ".join(normalise(t).split()), t
    assert normalise_text("帳單 著火") == "账单 着火"
