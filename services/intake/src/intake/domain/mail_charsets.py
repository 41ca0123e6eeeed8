"""Turning the bytes of real mail into text: the charset a message declares is often not the
one it uses, or there is none.

Rules (what mail clients in China, Taiwan, Hong Kong, Korea and Japan actually send):
- a GB2312 label is read as GB18030 (GBK mail is routinely labelled GB2312; GB18030 is the
  superset of both);
- Big5 as cp950 (Microsoft's Big5, what Windows clients write), then Big5-HKSCS when cp950
  cannot read it (Hong Kong characters);
- EUC-KR and its Microsoft alias ks_c_5601-1987 as cp949 (Unified Hangul Code, the superset);
- ISO-2022-JP with its extensions, Shift_JIS as cp932, Latin-1 as windows-1252 (as browsers do);
- text that is valid UTF-8 is UTF-8 whatever the label says (a declared legacy charset over
  UTF-8 bytes is a common lie; the reverse, legacy CJK bytes that happen to be valid UTF-8,
  is vanishingly rare);
- undeclared, unknown or unreadable 8-bit text is guessed with charset-normalizer rather
  than decoded with replacement characters.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from charset_normalizer import from_bytes

# A declared label → the codecs tried in order (the first that decodes the bytes strictly wins).
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "cp936": ("gb18030",),
    "euc-cn": ("gb18030",),
    "x-gbk": ("gb18030",),
    "chinese": ("gb18030",),
    "csgb2312": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "x-big5": ("cp950", "big5hkscs"),
    "cn-big5": ("cp950", "big5hkscs"),
    "csbig5": ("cp950", "big5hkscs"),
    "big5-hkscs": ("big5hkscs", "cp950"),
    "euc-kr": ("cp949",),
    "ks_c_5601-1987": ("cp949",),
    "ks_c_5601": ("cp949",),
    "ksc5601": ("cp949",),
    "korean": ("cp949",),
    "x-windows-949": ("cp949",),
    "windows-949": ("cp949",),
    "uhc": ("cp949",),
    "iso-2022-jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_3"),
    "csiso2022jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_3"),
    "shift_jis": ("cp932", "shift_jis_2004"),
    "shift-jis": ("cp932", "shift_jis_2004"),
    "sjis": ("cp932", "shift_jis_2004"),
    "x-sjis": ("cp932", "shift_jis_2004"),
    "iso-8859-1": ("cp1252",),
    "latin1": ("cp1252",),
    "us-ascii": ("cp1252",),  # 8-bit bytes under an ASCII label: UTF-8 and a guess come first
    "ascii": ("cp1252",),
    "x-mac-cyrillic": ("mac_cyrillic",),
}
# Labels that say nothing about the bytes.
_NO_LABEL = {"", "unknown", "unknown-8bit", "x-unknown", "none", "default", "charset", "8bit", "x-user-defined"}


def codecs_for(label: str | None) -> tuple[str, ...]:
    """The codecs a declared charset label is read with ((): no usable label)."""
    name = (label or "").strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*en
    if name in _NO_LABEL:
        return ()
    if name in _SUPERSETS:
        return _SUPERSETS[name]
    try:
        return (codecs.lookup(name).name,)
    except (LookupError, ValueError, UnicodeError):  # unknown, or not a name at all (NUL, 8-bit bytes)
        return ()


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def guess(data: bytes) -> str:
    """Text of undeclared 8-bit bytes: UTF-8 if valid, else charset-normalizer's best guess."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    if sum(byte > 0x7F for byte in data) < 4:
        return data.decode("cp1252", errors="replace")  # too little to guess from: Western mail's usual
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


_C1_CONTROLS = re.compile("[\u0080-\u009f]")
_MULTIBYTE = {"gb18030", "cp950", "big5hkscs", "cp949", "cp932", "shift_jis_2004", "euc_jp", "big5", "euc_kr", "gbk"}


def _is_double_encoded(text: str) -> bool:
    """Only Latin-1 characters outside ASCII, several of them: what legacy CJK bytes look like
    once a gateway took them for Latin-1 and re-encoded them as UTF-8."""
    high = [char for char in text if not char.isascii()]
    return len(high) >= 2 and all(char <= "\u00ff" for char in high)


def decode(data: bytes, label: str | None) -> str:
    """The text of `data`, which declares the charset `label` (perhaps wrongly, perhaps none)."""
    if data.isascii():
        # 7-bit: ASCII, unless it is an ISO-2022 escape-sequence encoding (JIS, ISO-2022-KR/CN).
        chain = codecs_for(label)
        if chain and chain[0].startswith("iso2022") and b"\x1b" in data:
            for codec in chain:
                if (text := _strict(data, codec)) is not None:
                    return text
        return data.decode("ascii")
    chain = codecs_for(label)
    as_utf8 = _strict(data, "utf-8")
    if as_utf8 is not None:
        if _is_double_encoded(as_utf8):
            for codec in chain:
                if codec in _MULTIBYTE and (text := _strict(as_utf8.encode("latin-1"), codec)) is not None:
                    return text  # legacy bytes once read as Latin-1 and re-encoded as UTF-8
        if not _C1_CONTROLS.search(as_utf8):
            return as_utf8
    for codec in chain:
        if (text := _strict(data, codec)) is not None:
            return text
    return guess(data)


# --- RFC 2047 encoded words, and raw 8-bit headers ---------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding.upper() == "B":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", errors="replace")
    return binascii.a2b_qp(payload.encode("ascii", errors="replace"), header=True)


def _raw_bytes(text: str) -> bytes:
    """A header's unencoded text back to its bytes (the parser keeps 8-bit bytes as surrogates)."""
    return text.encode("utf-8", errors="surrogateescape")


def decode_header(value: str, hint: str | None = None) -> str:
    """A header's text: encoded words decoded by the rules above (adjacent words of one charset
    are joined as bytes first: a character may be split between two words), raw 8-bit text
    read with `hint` (the charset of the message's text, if any) or guessed, runs of white
    space between encoded words dropped (RFC 2047 §6.2)."""
    pieces: list[str] = []
    pending: bytes = b""
    pending_label: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_label
        if pending:
            pieces.append(decode(pending, pending_label))
        pending, pending_label = b"", None

    for match in _ENCODED_WORD.finditer(value):
        between = value[position:match.start()]
        if between and not (between.isspace() and position > 0):
            flush()
            pieces.append(decode(_raw_bytes(between), hint))
        label = match.group(1)
        data = _word_bytes(match.group(2), match.group(3))
        if pending and label.lower() != (pending_label or "").lower():
            flush()
        pending_label = label
        pending += data
        position = match.end()
    flush()
    rest = value[position:]
    if rest:
        pieces.append(decode(_raw_bytes(rest), hint))
    return " ".join("".join(pieces).split())
