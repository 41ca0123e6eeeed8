r"""A reading of the regular expressions routing analyses, without CPython's private parser.

Python's own parse tree (re's `_parser`) is private to CPython, so the patterns are read here.
The tree has the shape of that parser's (which the literal extraction of `classification.prefilter` was first written
against) for what decides the literals: groups, alternatives with their common first items
moved out and single characters merged into a set, repeats, sets, zero-width items. Items:
  ("LIT", ch)                 one character
  ("IN", chars | None, key)   a set of characters (None: too many to list: \d, [^a], [a-z]);
                              key tells sets apart the way the parser's tree does
  ("ANY",) ("REF", n) ("AT", what)        any character, a back-reference, an anchor
  ("ASSERT", token)           a lookaround (zero-width)
  ("GROUP", seq, ignorecase, token)       a group (a plain (?:...) is spliced into its
                              sequence, as the parser does); ("ATOMIC", seq, token)
  ("BRANCH", [seq, ...])      alternatives
  ("REPEAT", low, high, seq, token)
  ("OPAQUE", token)           anything else (a conditional group)
Tokens are fresh objects, so those items are never equal to another (the parser's are not).
"""

from __future__ import annotations

import re

__all__ = ["RegexReader", "Unsupported", "min_width"]

_MAXREPEAT = 1 << 32
_CATEGORIES = frozenset("dDsSwW")
_ANCHORS = {"A": "begin_string", "Z": "end_string", "b": "boundary", "B": "non_boundary"}
_SIMPLE_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


def _negated(item: tuple) -> bool:
    """A set item written [^...]."""
    return item[2][0] == "set" and item[2][1].startswith("[^")


class Unsupported(ValueError):
    """A construct this reading does not know: the pattern is left unscreened."""


class RegexReader:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.groups = 0
        self.names: dict[str, int] = {}

    def read(self) -> list:
        seq = self._alternatives()
        if self.i != len(self.p):
            raise Unsupported(f"unbalanced ')' at {self.i}")
        return seq

    def _alternatives(self) -> list:
        """A sequence of items; several alternatives become one BRANCH (or one set)."""
        alternatives = [self._sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            alternatives.append(self._sequence())
        if len(alternatives) == 1:
            return alternatives[0]
        out: list = []
        while all(alternatives) and all(a[0] == alternatives[0][0] for a in alternatives):
            out.append(alternatives[0][0])  # a first item common to all: before the branch
            alternatives = [a[1:] for a in alternatives]
        chars: list[str] | None = []
        for a in alternatives:
            if len(a) != 1 or not (a[0][0] == "LIT" or (a[0][0] == "IN" and not _negated(a[0]))):
                break
            chars = None if chars is None or a[0][1] is None else chars + list(a[0][1])
        else:  # single characters (or sets) only: one set
            key = ("branch", tuple(map(repr, alternatives)))
            out.append(("IN", None if chars is None else frozenset(chars), key))
            return out
        out.append(("BRANCH", alternatives))
        return out

    def _sequence(self) -> list:
        seq: list = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            item = self._atom()
            if item is None:
                continue
            seq.append(self._quantified(item))
        # a non-capturing group without flags is no item of its own: its items join the sequence
        out: list = []
        for item in seq:
            if item[0] == "GROUP" and item[3][1] == "plain":
                out.extend(item[1])
            else:
                out.append(item)
        return out

    def _quantified(self, item: tuple) -> tuple:
        p = self.p
        if self.i >= len(p):
            return item
        ch = p[self.i]
        if ch in "*+?":
            low, high = {"*": (0, _MAXREPEAT), "+": (1, _MAXREPEAT), "?": (0, 1)}[ch]
            self.i += 1
        elif ch == "{" and (m := _QUANTIFIER.match(p, self.i)) and (m.group(1) or m.group(2)):
            low = int(m.group(1) or 0)
            high = low if not m.group(2) else (int(m.group(3)) if m.group(3) else _MAXREPEAT)
            self.i = m.end()
        else:
            return item
        if item[0] == "AT":
            raise Unsupported("nothing to repeat")
        if self.i < len(p) and p[self.i] in "?+":  # lazy or possessive: the same characters
            self.i += 1
        if item[0] == "GROUP" and item[3][1] == "plain":
            body = item[1]  # a non-capturing group without flags: its items are what repeats
        else:
            body = [item]
        return ("REPEAT", low, high, body, object())

    def _atom(self) -> tuple | None:
        p = self.p
        ch = p[self.i]
        self.i += 1
        if ch == "(":
            return self._group()
        if ch == "[":
            return self._set()
        if ch == ".":
            return ("ANY",)
        if ch == "^":
            return ("AT", "beginning")
        if ch == "$":
            return ("AT", "end")
        if ch == "\\":
            return self._escape()
        if ch in "*+?" or (ch == "{" and (m := _QUANTIFIER.match(p, self.i - 1)) and (m.group(1) or m.group(2))):
            raise Unsupported("nothing to repeat")
        return ("LIT", ch)

    def _escape(self) -> tuple:
        p = self.p
        if self.i >= len(p):
            raise Unsupported("trailing backslash")
        ch = p[self.i]
        self.i += 1
        if ch in _ANCHORS:
            return ("AT", _ANCHORS[ch])
        if ch in _CATEGORIES:
            return ("IN", None, ("category", ch))
        if ch.isdigit():
            octal = "01234567"
            if ch == "0":  # \0, \01, \012: a character by its octal code
                digits = ch
                while self.i < len(p) and p[self.i] in octal and len(digits) < 3:
                    digits += p[self.i]
                    self.i += 1
                return ("LIT", chr(int(digits, 8)))
            if ch in octal and p[self.i : self.i + 2].isdigit() and all(d in octal for d in p[self.i : self.i + 2]):
                self.i += 2
                return ("LIT", chr(int(ch + p[self.i - 2 : self.i], 8)))
            if self.i < len(p) and p[self.i].isdigit():
                self.i += 1
                return ("REF", int(ch + p[self.i - 1]))
            return ("REF", int(ch))
        return ("LIT", self._literal_escape(ch))

    def _literal_escape(self, ch: str) -> str:
        p = self.p
        if ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        width = {"x": 2, "u": 4, "U": 8}.get(ch)
        if width is not None:
            digits = p[self.i : self.i + width]
            self.i += width
            return chr(int(digits, 16))
        if ch.isascii() and ch.isalnum():
            raise Unsupported(f"escape \\{ch}")  # \N{...} and the like
        return ch

    def _set(self) -> tuple:
        p, start = self.p, self.i - 1
        negate = p.startswith("^", self.i)
        if negate:
            self.i += 1
        items: list = []  # ("LIT", ch) | ("RANGE", lo, hi) | ("CATEGORY", c)
        first = True
        while True:
            if self.i >= len(p):
                raise Unsupported("unterminated set")
            ch = p[self.i]
            self.i += 1
            if ch == "]" and not first:
                break
            first = False
            if ch == "\\":
                esc = p[self.i]
                self.i += 1
                if esc in _CATEGORIES:
                    items.append(("CATEGORY", esc))
                    continue
                lo = "\b" if esc == "b" else self._class_literal(esc)
            else:
                lo = ch
            if p.startswith("-", self.i) and self.i + 1 < len(p) and p[self.i + 1] != "]":
                self.i += 1
                hi_ch = p[self.i]
                self.i += 1
                hi = self._class_literal(self._next_escape()) if hi_ch == "\\" else hi_ch
                items.append(("RANGE", ord(lo), ord(hi)))
            else:
                items.append(("LIT", lo))
        if len(items) == 1 and items[0][0] == "LIT":
            if negate:
                return ("IN", None, ("set", p[start : self.i]))
            return ("LIT", items[0][1])
        key = ("set", p[start : self.i])
        chars: set[str] = set()
        for item in items:
            if negate or item[0] == "CATEGORY" or (item[0] == "RANGE" and item[2] - item[1] >= 16):
                return ("IN", None, key)  # too many characters to list
            if item[0] == "LIT":
                chars.add(item[1])
            else:
                chars.update(map(chr, range(item[1], item[2] + 1)))
        return ("IN", frozenset(chars), key)

    def _next_escape(self) -> str:
        ch = self.p[self.i]
        self.i += 1
        return ch

    def _class_literal(self, esc: str) -> str:
        if esc.isdigit():
            digits = esc
            while self.i < len(self.p) and self.p[self.i] in "01234567" and len(digits) < 3:
                digits += self.p[self.i]
                self.i += 1
            return chr(int(digits, 8))
        return self._literal_escape(esc)

    def _group(self) -> tuple | None:
        p = self.p
        kind, ignorecase = "capture", False
        if p.startswith("?", self.i):
            self.i += 1
            ch = p[self.i]
            self.i += 1
            if ch == ":":
                kind = "plain"
            elif ch == "#":
                self.i = p.index(")", self.i) + 1
                return None
            elif ch == ">":
                kind = "atomic"
            elif ch in "=!":
                kind = "assert"
            elif ch == "<" and p[self.i] in "=!":
                self.i += 1
                kind = "assert"
            elif (ch == "P" and p[self.i] == "<") or ch == "<":
                if ch == "P":
                    self.i += 1
                end = p.index(">", self.i)
                self.groups += 1
                self.names[p[self.i : end]] = self.groups
                self.i = end + 1
            elif ch == "P" and p[self.i] == "=":
                end = p.index(")", self.i)
                name = p[self.i + 1 : end]
                self.i = end + 1
                return ("REF", self.names[name])
            elif ch == "(":
                raise Unsupported("conditional group")
            else:  # flags: (?i:...), (?s-i:...), or global ones at the start, (?i)
                end = self._flags_end(self.i - 1)
                flags = p[self.i - 1 : end]
                self.i = end + 1
                if p[end] == ")":
                    return None  # global flags: they are in the compiled pattern's flags
                added = flags.split("-")[0]
                ignorecase = "i" in added
                kind = "plain" if flags == "" else "flagged"
        else:
            self.groups += 1
        seq = self._alternatives()
        if not p.startswith(")", self.i):
            raise Unsupported("missing ')'")
        self.i += 1
        if kind == "assert":
            return ("ASSERT", object())
        if kind == "atomic":
            return ("ATOMIC", seq, object())
        return ("GROUP", seq, ignorecase, (object(), kind))

    def _flags_end(self, start: int) -> int:
        end = start
        while end < len(self.p) and self.p[end] not in ":)":
            if self.p[end] not in "aiLmsux-":
                raise Unsupported("unknown flag")
            end += 1
        return end


def min_width(pattern: str) -> int:
    """The fewest characters a match of `pattern` has (a lower bound: 0 for what is not read)."""
    try:
        return _min_width(RegexReader(pattern).read())
    except (Unsupported, ValueError, IndexError):
        return 0


def _min_width(seq: list) -> int:
    total = 0
    for item in seq:
        op = item[0]
        if op in ("LIT", "IN", "ANY"):
            total += 1
        elif op in ("GROUP", "ATOMIC"):
            total += _min_width(item[1])
        elif op == "BRANCH":
            total += min(map(_min_width, item[1]))
        elif op == "REPEAT":
            total += item[1] * _min_width(item[3])
        # AT, ASSERT, REF, OPAQUE: no character counted (a lower bound)
    return total
