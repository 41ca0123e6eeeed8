"""Which language a text is written in, told by its script (enough for the four languages
the channels receive: Simplified and Traditional Chinese, Korean and English)."""

from __future__ import annotations

import functools

from complaints_shared import events as ev


def script_language(text: str) -> ev.Language | None:
    """The language a short text is written in, by its script: Hangul is Korean; Han is
    Chinese, Traditional when more of its characters exist only in Big5 than only in GB2312
    (the simplified national set); Latin letters alone, English."""
    hangul = han = latin = simplified = traditional = 0
    for char in text:
        if "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f":
            hangul += 1
        elif "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
            han += 1
            variant = _han_variant(char)
            simplified += variant < 0
            traditional += variant > 0
        elif char.isascii() and char.isalpha():
            latin += 1
    if hangul and hangul >= han:
        return ev.Language.KO
    if han:
        return ev.Language.ZH_HANT if traditional > simplified else ev.Language.ZH_HANS
    if latin:
        return ev.Language.EN
    return None


@functools.lru_cache(maxsize=32768)  # about every Han character in use; two encode attempts each otherwise
def _han_variant(char: str) -> int:
    """-1: only in GB2312 (simplified); 1: only in Big5 (traditional); 0: both or neither."""
    in_gb, in_big5 = _encodes(char, "gb2312"), _encodes(char, "big5")
    return (in_big5 and not in_gb) - (in_gb and not in_big5)


def _encodes(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
