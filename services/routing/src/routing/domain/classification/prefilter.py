"""Literal prefilter for the hand-rule regexes: which patterns can match a text at all.

Most hand-rule patterns match nothing in most complaints, and Python's re has to try every
position of the text to find that out. Yet every match of such a pattern contains one of a
few literal strings that can be read off the pattern (`required_literals`: `着火|起火` needs
着火 or 起火; `\\bsmok(?:e|ing)` needs "smok"). One Aho-Corasick pass (ahocorasick-rs) over the
text finds which of those literals occur, and only the patterns with one of theirs present
are searched (`PatternScreen`). The screen never changes a result: a pattern it leaves out
could not have matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick_rs

from ..regex_tree import RegexReader, Unsupported

# Alternatives are multiplied out into literals up to this many strings.
_MAX_LITERALS = 64
# Zero-width items: no character of a match comes from them, and they do not separate the
# characters matched before and after them.
_ZERO_WIDTH = ("AT", "ASSERT")

Literals = frozenset[str]


def required_literals(pattern: re.Pattern) -> Literals | None:
    """Strings one of which every match of `pattern` contains; None when none can be told
    (case-insensitive or verbose patterns, a construct `RegexReader` does not know)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        found = _required(RegexReader(pattern.pattern).read())
    except (Unsupported, ValueError, IndexError):  # not read: no screening, same results
        return None
    return frozenset(found) if found else None


def _required(items: list) -> set[str] | None:
    """Literals one of which every match of the sequence `items` contains: the best of its
    runs of fixed-text items (multiplied out) and of what its other items require."""
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and "" not in candidate and (best is None or _quality(candidate) > _quality(best)):
            best = candidate

    run = {""}  # the texts the current run of fixed-text items can match
    for item in items:
        if item[0] in _ZERO_WIDTH:
            continue
        exact = _exact_item(item)
        if exact is not None:
            longer = {a + b for a in run for b in exact}
            if len(longer) <= _MAX_LITERALS:
                run = longer
                continue
            consider(run)
            run = exact
            continue
        consider(run)
        run = {""}
        consider(_required_item(item))
    consider(run)
    return best


def _quality(literals: set[str]) -> tuple[int, int]:
    """Long literals screen better; fewer of them too."""
    return min(map(len, literals)), -len(literals)


def _required_item(item: tuple) -> set[str] | None:
    op = item[0]
    if op == "GROUP":
        return None if item[2] else _required(item[1])
    if op == "ATOMIC":
        return _required(item[1])
    if op == "BRANCH":
        union: set[str] = set()
        for alternative in item[1]:
            required = _required(alternative)
            if required is None:
                return None
            union |= required
        return union
    if op == "REPEAT":
        return _required(item[3]) if item[1] >= 1 else None
    return None


def _exact(items: list) -> set[str] | None:
    """All the texts the sequence `items` can match, when they are few; else None."""
    texts = {""}
    for item in items:
        if item[0] in _ZERO_WIDTH:
            continue
        exact = _exact_item(item)
        if exact is None:
            return None
        texts = {a + b for a in texts for b in exact}
        if len(texts) > _MAX_LITERALS:
            return None
    return texts


def _exact_item(item: tuple) -> set[str] | None:
    op = item[0]
    if op == "LIT":
        return {item[1]}
    if op == "IN":
        return None if item[1] is None else set(item[1])
    if op == "GROUP":
        return None if item[2] else _exact(item[1])
    if op == "BRANCH":
        union: set[str] = set()
        for alternative in item[1]:
            texts = _exact(alternative)
            if texts is None:
                return None
            union |= texts
        return union if len(union) <= _MAX_LITERALS else None
    if op == "REPEAT":
        low, high, body = item[1], item[2], item[3]
        return _exact(list(body) * low) if low == high <= 4 else None
    return None


class PatternScreen:
    """The hand-rule patterns by the script of the text they are searched in, with their
    literals; `candidates` tells which of them may match a complaint.

    Patterns are told apart by their text (`re.Pattern.pattern`): hashing a compiled pattern
    hashes its whole compiled code, every time.
    """

    def __init__(self, patterns: Iterable[tuple[re.Pattern, str]]) -> None:
        """`patterns`: (pattern, script) with script 'latin' (searched in the Latin view of the
        text), 'zh' or 'ko' (searched in the normalised text)."""
        self.patterns: set[str] = set()
        self.unscreened: set[str] = set()  # no literal known: always a candidate
        needing: dict[str, dict[str, set[str]]] = {}  # script -> literal -> patterns
        for pattern, script in patterns:
            self.patterns.add(pattern.pattern)
            literals = required_literals(pattern)
            if literals is None:
                self.unscreened.add(pattern.pattern)
                continue
            for literal in literals:
                needing.setdefault(script, {}).setdefault(literal, set()).add(pattern.pattern)
        # per script: the automaton over the literals, and the patterns needing each literal
        self._screens: dict[str, tuple[ahocorasick_rs.AhoCorasick, list[frozenset[str]]]] = {
            script: (
                ahocorasick_rs.AhoCorasick(list(by_literal)),
                [frozenset(needers) for needers in by_literal.values()],
            )
            for script, by_literal in needing.items()
        }

    def candidates(self, views: dict[str, str], scripts: Iterable[str]) -> set[str]:
        """The patterns (their text) that may match: those of a script in `scripts` with one
        of their literals in `views[script]`, and the unscreened ones."""
        found = set(self.unscreened)
        for script in scripts:
            if script not in self._screens:
                continue
            automaton, needers = self._screens[script]
            try:
                matches = automaton.find_matches_as_indexes(views[script], overlapping=True)
            except UnicodeEncodeError:  # a lone surrogate, which a Rust string cannot hold
                return set(self.patterns)
            found.update(*{needers[index] for index, _start, _end in matches})
        return found
