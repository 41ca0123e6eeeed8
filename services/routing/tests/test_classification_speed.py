"""The classifier's shortcuts give the answers of the plain computation they replace:
the literal screen of the hand-rule regexes, Aho-Corasick term matching, the script
shortcuts of language detection, the NFKC pre-mapping, the n-gram tables."""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import replace
from pathlib import Path

import opencc
import pytest
from routing.domain.classification import Classifier
from routing.domain.classification import text as text_module
from routing.domain.classification.config import _screened_patterns as screened_patterns
from routing.domain.classification.prefilter import PatternScreen, required_literals
from routing.domain.classification.text import TermMatcher, _is_word_char, _trie_regex, default_detector
from routing.domain.normalise import normalise

DATA = Path(__file__).parent / "data"


def _records() -> list[dict]:
    out = []
    for path in sorted(DATA.glob("*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.from_config()


def _mutations(texts: list[str], extras: list[str], n: int, seed: int) -> list[str]:
    """Texts cut, joined, case-flipped, converted to Traditional, or with extras put in."""
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    out = []
    for _ in range(n):
        t = rng.choice(texts)
        kind = rng.randrange(5)
        if kind == 0:
            a = rng.randrange(len(t) + 1)
            t = t[a : rng.randrange(a, len(t) + 1)]
        elif kind == 1:
            t = t + " " + rng.choice(texts)
        elif kind == 2:
            t = s2t.convert(t)
        elif kind == 3:
            t = t.swapcase()
        for _ in range(rng.randrange(0, 6)):
            i = rng.randrange(len(t) + 1)
            t = t[:i] + rng.choice(extras) + t[i:]
        out.append(t)
    return out


_EXTRAS = [
    "refund", "refunded", "bill", "billing", "Refund!!", "律师", "lawyer", "sue", "smoke", "冒烟", "연기가 나", "not",
    "没有", "if ", "如果", "！！", "??", "，", "。", "（", "）", "\u3000", "  ", "\n", "_", "ｆｉｒｅ", "ＡＢＣ", "々",
    "ß", "İ", "ﬁ", "①", "7", "e-mail", "don't", "burn", "blood", "12315", "消协", "小建议", "不用回复", "no need to reply",
    "just a suggestion", "please refund", "第二次投诉", "second time i", "이미 항의했", "电池鼓包", "swollen battery",
    "gas leak", "漏电", "shock", "화재", "发烫", "very hot", "$1,249", "5万元", "239만원", "账", "帐", "著",
]


# --- the literal screen of the hand-rule regexes -------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "pieces"),
    [
        (r"着火|起火|冒出.{0,4}烟", ["着", "火", "起", "冒出", "烟", "了", " "]),
        (r"\bsmok(?:e|ing|ed)\b|\bfire (?:broke|started)", ["smok", "e", "ing", "ed", "fire", " ", "broke", "x"]),
        (r"(?:电池|充电宝).{0,6}(?:鼓包|膨胀)|鼓包", ["电池", "充电宝", "鼓", "包", "膨胀", "了", "电"]),
        (r"(?<!\d)(?:12315|12345)(?!\d)|消协", ["123", "15", "45", "1", "消", "协", " "]),
        (r"\b(?:a|the|small) fire\b|flames?", ["a", "the", "small", " ", "fire", "flame", "s", "x"]),
        (r"ab{2,3}c|x(?:yz){2}|[pq]r", ["a", "b", "c", "x", "yz", "p", "q", "r"]),
        (r"(?:ab|cd)+ef|g?h", ["ab", "cd", "ef", "g", "h", "e"]),
        (r"a(?=b)bc|(?!q)de|(?>fg)h", ["a", "b", "c", "q", "d", "e", "fg", "h"]),
        (r"[a-c]x|[^a]y|\dz|.w", ["a", "b", "x", "y", "1", "z", "w"]),
    ],
)
def test_required_literals_are_in_every_match(pattern, pieces):
    compiled = re.compile(pattern)
    literals = required_literals(compiled)
    rng = random.Random(3)
    hits = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 10)))
        for m in compiled.finditer(text):
            hits += 1
            assert literals is None or any(lit in m.group(0) for lit in literals), (pattern, text, literals)
    assert hits > 20  # the random texts do exercise the pattern


def test_required_literals_of_unusual_patterns():
    # none when unsure: case-insensitive, nothing required, no literal
    assert required_literals(re.compile("(?i)fire")) is None
    assert required_literals(re.compile("a?b*")) is None
    assert required_literals(re.compile(r"\w+")) is None
    assert required_literals(re.compile("x|a*")) is None
    assert required_literals(re.compile(r"(a)\1")) == {"a"}


def test_required_literals_are_those_read_with_the_private_parser():
    """The literals of every pattern of rules.yaml (and of the unusual ones above), as they were
    when read from CPython's private parse tree (re._parser), recorded in
    data/required_literals.json: the public reading gives the same on each."""
    recorded = json.loads((DATA / "required_literals.json").read_text(encoding="utf-8"))
    for pattern, (flags, literals) in recorded.items():
        found = required_literals(re.compile(pattern, flags))
        assert (None if found is None else sorted(found)) == literals, pattern


def test_the_screened_patterns_of_the_rules_are_recorded(clf):
    """The record covers today's hand-rule patterns (a new one is still checked by the property
    test above; record it in data/required_literals.json to pin it)."""
    recorded = json.loads((DATA / "required_literals.json").read_text(encoding="utf-8"))
    assert all(p.pattern in recorded for p, _script in screened_patterns(clf.rules))


def test_no_private_regex_internals():
    src = Path(__file__).parents[1] / "src"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import _parser" not in text and "sre_parse" not in text and "sre_constants" not in text, path


def test_screen_keeps_every_pattern_that_matches(clf):
    """Every hand-rule, mild and motive pattern that matches a text is among the screen's
    candidates for it."""
    rs = clf.rules
    texts = [normalise(f"{r.get('subject', '')}\n{r['text']}") for r in _records()]
    texts += [normalise(t) for t in _mutations([r["text"] for r in _records()], _EXTRAS, 1500, seed=11)]
    screened = list(screened_patterns(rs))
    for norm in texts:
        scripts = text_module.scripts_in(norm)
        latin = text_module.latin_part(norm) if ("zh" in scripts or "ko" in scripts) else norm
        views = {"latin": latin, "zh": norm, "ko": norm}
        candidates = rs.screen.candidates(views, scripts)
        for pattern, script in screened:
            if script in scripts and pattern.search(views[script]):
                assert pattern.pattern in candidates, (pattern.pattern[:60], norm)


def test_screen_lets_everything_through_on_a_lone_surrogate():
    screen = PatternScreen([(re.compile("fire|smoke"), "latin")])
    assert screen.candidates({"latin": "no match here"}, {"latin"}) == set()
    assert screen.candidates({"latin": "fire \ud800"}, {"latin"}) == {"fire|smoke"}


def test_decisions_do_not_depend_on_the_screen(clf):
    """The screen only skips searches that could not match: with every pattern a candidate,
    the decisions are the same."""

    class NoScreen:
        @staticmethod
        def candidates(views, scripts):
            return {p.pattern for p, _ in screened_patterns(clf.rules)}

    plain = Classifier(replace(clf.rules), clf.model)
    plain.rules.screen = NoScreen()
    texts = _mutations([r["text"] for r in _records()], _EXTRAS, 600, seed=5)
    for i, t in enumerate(texts):
        kw = dict(text=t, channel="web", language=("en", "zh-Hans", "zh-Hant", "ko")[i % 4])
        assert clf.classify(**kw) == plain.classify(**kw), t


# --- Aho-Corasick term matching --------------------------------------------------------------


def test_is_word_char_is_re_word_character():
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert _is_word_char(ch) == bool(word.match(ch)), hex(code)


def test_term_matcher_finds_what_the_regex_finds(clf):
    matcher = clf.rules.lexicon.matcher
    regex = re.compile(_trie_regex(matcher.terms))
    texts = [normalise(r["text"]) for r in _records()]
    texts += [normalise(t) for t in _mutations([r["text"] for r in _records()], _EXTRAS, 1500, seed=7)]
    for t in texts:
        assert matcher.find(t) == [m.group(0) for m in regex.finditer(t) if m.group(0)], t


def test_term_matcher_boundaries_and_prefixes():
    matcher = TermMatcher(["bill", "bill*", "billing", "ab", "abc*", "b_c", "退款", "款项"])
    regex = re.compile(_trie_regex(matcher.terms))
    rng = random.Random(1)
    pieces = ["bill", "ing", "ab", "c", "b_c", "_", " ", "退款项", "款", "é", "1", "-"]
    for _ in range(3000):
        t = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
        assert matcher.find(t) == [m.group(0) for m in regex.finditer(t) if m.group(0)], t


def test_term_matcher_handles_a_lone_surrogate():
    matcher = TermMatcher(["refund*", "bill", "退款"])
    assert matcher.find("refunded the bill \ud800 退款") == ["refund", "bill", "退款"]


# --- normalisation and the n-gram model ------------------------------------------------------


def test_whitespace_split_is_re_whitespace():
    """vectorise() collapses whitespace with str.split(), training with re's \\s+."""
    space = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert ch.isspace() == bool(space.match(ch)), hex(code)


# --- language detection ----------------------------------------------------------------------


def _lingua_answer(text: str) -> str:
    """LanguageDetector.detect without its script shortcuts."""
    detector = default_detector()
    sample = text[:600]
    found = detector._lingua.detect_language_of(sample)
    code = detector._map.get(found) if found is not None else None
    if code is None:
        if text_module.HANGUL.search(sample):
            code = "ko"
        elif text_module.HAN.search(sample):
            code = "zh"
        else:
            code = "en"
    return detector.chinese_script(sample) if code == "zh" else code


def _ranges(spec: str) -> list[str]:
    """The characters of a regex character-class body like text._IDEOGRAPHS."""
    out = []
    for m in re.finditer(r"(.)(?:-(.))?", spec.encode().decode("unicode_escape"), re.DOTALL):
        out += [chr(c) for c in range(ord(m.group(1)), ord(m.group(2) or m.group(1)) + 1)]
    return out


def test_no_word_characters_are_never_part_of_a_word_to_lingua():
    lingua = default_detector()._lingua
    values = lambda s: [(v.language, v.value) for v in lingua.compute_language_confidence_values(s)]  # noqa: E731
    bases = ["好 abc", "가 abc", "好가", "abc def"]
    expected = {b: values(b) for b in bases}
    for ch in _ranges(text_module._NO_WORD):
        for base in bases:
            # 130 more characters would change lingua's n-gram lengths if they were letters
            assert values(base + ch * 130) == expected[base], hex(ord(ch))


def test_ideographs_are_chinese_and_syllables_korean_to_lingua():
    lingua = default_detector()._lingua
    by_code = {v: k for k, v in default_detector()._map.items()}
    for ch in _ranges(text_module._IDEOGRAPHS):
        assert lingua.detect_language_of(f"{ch} {ch} {ch} abc") == by_code["zh"], hex(ord(ch))
    for ch in _ranges(text_module._SYLLABLES):
        assert lingua.detect_language_of(f"{ch} {ch} {ch} abc") == by_code["ko"], hex(ord(ch))


def test_script_shortcuts_answer_as_lingua():
    detector = default_detector()
    rng = random.Random(4)
    ideographs = _ranges(text_module._IDEOGRAPHS)
    syllables = _ranges(text_module._SYLLABLES)
    no_word = _ranges(text_module._NO_WORD)
    samples = [r["text"] for r in _records()]
    for _ in range(1500):
        letters = rng.choice([ideographs, syllables])
        samples.append("".join(rng.choice(letters if rng.random() < 0.6 else no_word) for _ in range(rng.randrange(1, 40))))
    for s in samples:
        assert detector.detect(s) == _lingua_answer(s), s


def test_min_width_is_the_fewest_characters_of_a_match():
    """The phone recogniser's bound (customers) reads its metadata patterns with the same reader."""
    from routing.domain.regex_tree import min_width

    cases = {r"\d{9,11}": 9, r"1[3-9]\d{9}|[2-9]\d{7}": 8, "(?:ab|c)?d+": 1, r"\b(?=x)x{2}": 2, r"(a)\1": 1, "": 0}
    for pattern, width in cases.items():
        assert min_width(pattern) == width, pattern
    rng = random.Random(8)
    for _ in range(500):
        pattern = "".join(rng.choice(["a", r"\d", "[0-9]", "(?:", ")", "|", "?", "{2,3}", "*", "+", "(", "x"]) for _ in range(8))
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue
        for text in ("", "a", "aa", "x1", "12345678", "axxa0"):
            for m in compiled.finditer(text):
                assert len(m.group(0)) >= min_width(pattern), (pattern, text)
