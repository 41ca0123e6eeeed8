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
from re import _constants as sre  # type: ignore[attr-defined]  # the parse tree of Python's own regex parser
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick_rs

# Alternatives are multiplied out into literals up to this many strings.
_MAX_LITERALS = 64
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
# Zero-width items: no character of a match comes from them, and they do not separate the
# characters matched before and after them.
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)

Literals = frozenset[str]


def required_literals(pattern: re.Pattern) -> Literals | None:
    """Strings one of which every match of `pattern` contains; None when none can be told
    (case-insensitive patterns, a parse tree this reading does not know)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        found = _required(parsed.data)
    except Exception:  # re's private parse tree changed shape: no screening, same results
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
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        exact = _exact_item(op, av)
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
        consider(_required_item(op, av))
    consider(run)
    return best


def _quality(literals: set[str]) -> tuple[int, int]:
    """Long literals screen better; fewer of them too."""
    return min(map(len, literals)), -len(literals)


def _required_item(op, av) -> set[str] | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & sre.SRE_FLAG_IGNORECASE else _required(sub.data)
    if op is sre.ATOMIC_GROUP:
        return _required(av.data)
    if op is sre.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            required = _required(alternative.data)
            if required is None:
                return None
            union |= required
        return union
    if op in _REPEATS:
        low, _high, sub = av
        return _required(sub.data) if low >= 1 else None
    return None


def _exact(items: list) -> set[str] | None:
    """All the texts the sequence `items` can match, when they are few; else None."""
    texts = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        exact = _exact_item(op, av)
        if exact is None:
            return None
        texts = {a + b for a in texts for b in exact}
        if len(texts) > _MAX_LITERALS:
            return None
    return texts


def _exact_item(op, av) -> set[str] | None:
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        chars: set[str] = set()
        for item_op, item_av in av:
            if item_op is sre.LITERAL:
                chars.add(chr(item_av))
            elif item_op is sre.RANGE and item_av[1] - item_av[0] < 16:
                chars.update(map(chr, range(item_av[0], item_av[1] + 1)))
            else:  # negated set, category (\d, \w ...), wide range
                return None
        return chars
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & sre.SRE_FLAG_IGNORECASE else _exact(sub.data)
    if op is sre.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            texts = _exact(alternative.data)
            if texts is None:
                return None
            union |= texts
        return union if len(union) <= _MAX_LITERALS else None
    if op in _REPEATS:
        low, high, sub = av
        return _exact(list(sub.data) * low) if low == high <= 4 else None
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
