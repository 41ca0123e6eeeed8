"""The one text normaliser of routing: classification, validity and the lexicons all read text
through it, so a rule, a phrase and a fingerprint see the same characters."""

from __future__ import annotations

import re
import unicodedata

import opencc

__all__ = ["HAN", "HAN_RUN", "normalise", "normalise_words", "simplified"]

# Variant folds applied after OpenCC t2s (t2s keeps these as they are).
_FOLDS = (("帐", "账"), ("著", "着"), ("裏", "里"), ("喫", "吃"), ("佈", "布"), ("\u3000", " "))
# The full-width punctuation of Chinese text, with its NFKC form (the ASCII character).
_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，：？（）！；～")
_SPACES = re.compile(r"[ \t\r\f\v]+")

_t2s = opencc.OpenCC("t2s")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(HAN.pattern + "+")
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def normalise(text: str | None) -> str:
    """NFKC width folding, casefold, Traditional -> Simplified (OpenCC t2s), variant folds.

    Keeps the length roughly but not exactly, and keeps line breaks (runs of other blanks become
    one space); used for all matching and model features.
    """
    if not text:
        return ""
    # CPython's NFKC is slow on text it cannot prove normalised at a glance, which Chinese
    # full-width punctuation prevents. Replacing those characters by their NFKC form first
    # gives the same result (same decomposition) and usually lets the quick check pass.
    for full_width, ascii_form in _FULL_WIDTH:
        if full_width in text:
            text = text.replace(full_width, ascii_form)
    text = unicodedata.normalize("NFKC", text).casefold()
    if HAN.search(text):
        text = _t2s.convert(text)
    # str.replace per fold: str.translate looks every character up in a dict, ~30x slower here
    for variant, folded in _FOLDS:
        text = text.replace(variant, folded)
    return _SPACES.sub(" ", text)


def normalise_words(text: str | None) -> str:
    """`normalise`, with every run of whitespace (line breaks too) one space and none at the
    ends: the form texts are compared in (fingerprints, phrases, order numbers)."""
    return " ".join(normalise(text).split())


def simplified(text: str) -> str:
    """`text` with Traditional Chinese characters made Simplified, as normalise() does."""
    return _t2s.convert(text)
