"""Hand-rule signals on normalised text: hazards, legal, repeat, money, mildness, motive, lexicon.

The functions taking `possible` search only the patterns in it, when it is given: the texts
(`re.Pattern.pattern`) of the patterns the rule set's literal screen (`RuleSet.screen`) left
as candidates for this text, the only ones that can match it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from .amounts import Amount, find_amounts
from .config import HandRule, RuleSet
from .text import latin_part, scripts_in

_CLAUSE_END = re.compile(r"[,.!?;:。！？；，、\n]| [-–—] ")
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class RuleHit:
    rule: str
    text: str


def _clause_before(text: str, start: int, width: int) -> str:
    window = text[max(0, start - width) : start]
    parts = _CLAUSE_END.split(window)
    return parts[-1] if parts else ""


def _clause_after(text: str, end: int, width: int) -> str:
    window = text[end : end + width]
    return _CLAUSE_END.split(window)[0]


def _exclude_context(text: str, start: int, end: int, width: int = 24) -> str:
    """What a rule's excludes are searched in: `width` characters each side of a match, within
    its sentence ("I will sue. Thanks, Sue": the name in the next sentence excuses no threat)."""
    begin = max(0, start - width)
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, begin, start)), default=begin)
    stop = _SENTENCE_END.search(text, end, end + width)
    return text[begin : stop.start() if stop else end + width]


def _sentences_from(text: str, start: int, end: int, count: int) -> tuple[int, list[int]]:
    """Where the sentence of text[start:end] begins, and where it and the next sentences end
    (up to `count` ends; fewer where the text stops without a sentence mark)."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    ends = [m.end() for m, _ in zip(_SENTENCE_END.finditer(text, end), range(count), strict=False)]
    return begin, ends


def _harm_over(rs: RuleSet, text: str, start: int, end: int) -> bool:
    """Whether the harm told at text[start:end] is over: its sentence says so, or it is told in
    the past and the next sentence says so ("Last year my son fell. You dealt with it fairly."),
    or in one of the next two sentences the customer concedes it was nothing ("…一股焦糊味。…说是
    路边在烧秸秆，这个我认。")."""
    begin, ends = _sentences_from(text, start, end, 3)
    ends = ends or [len(text)]
    sentence = text[begin : ends[0]]
    if rs.harm_over.search(sentence):
        return True
    if len(ends) < 2:
        return False
    # a false alarm is often told after what was done about it, so two sentences on
    if rs.harm_false_alarm.search(text, ends[0], ends[-1]):
        return True
    return rs.harm_past.search(sentence) is not None and rs.harm_over.search(text[ends[0] : ends[1]]) is not None


def _harm_elsewhere(rs: RuleSet, text: str, start: int, end: int) -> bool:
    """Whether the injury or illness at text[start:end] came from somewhere else and is told as
    the reason for a request ("he broke his ankle playing five-a-side, so he sat on the step for
    two hours", 打球摔断了小腿，露营去不成了): an activity away from the business next to it in
    its clause, and nothing in that clause that brings the product or the business in."""
    gap = rs.harm_elsewhere_gap_zh if _HAN.match(text, start) else rs.harm_elsewhere_gap
    before = _clause_before(text, start, 40)
    after = _clause_after(text, end, 40)
    if rs.harm_involved.search(before) or rs.harm_involved.search(after):
        return False
    return any(len(before) - m.end() <= gap for m in rs.harm_elsewhere.finditer(before)) or any(
        m.start() <= gap for m in rs.harm_elsewhere.finditer(after)
    )


def _declined(rs: RuleSet, text: str, start: int, end: int) -> bool:
    """Whether the customer says, in the sentence of text[start:end] or the next, that they will
    not go to the lawyer, court or regulator named there ("your T&Cs say disputes go to the county
    court – I honestly don't want anything like that")."""
    begin, ends = _sentences_from(text, start, end, 2)
    return rs.declined.search(text, begin, ends[1] if len(ends) == 2 else len(text)) is not None


def _negated(rs: RuleSet, text: str, start: int, end: int) -> bool:
    before = _clause_before(text, start, rs.neg_window_before)
    if rs.neg_before_zh.search(before):
        return True
    # English: a few words before, same clause
    wide = _clause_before(text, start, 40)
    words = wide.split()[-rs.neg_window_words :]
    if rs.neg_before_en.search(" ".join(words) + " "):
        return True
    after = _clause_after(text, end, rs.neg_window_after)
    if rs.neg_after_ko.search(after):
        return True
    return False


def match_rules(
    rs: RuleSet,
    rules: list[HandRule],
    text: str,
    *,
    use_negation: bool = True,
    scripts: frozenset[str] | None = None,
    latin: str | None = None,
    possible: Collection[str] | None = None,
    drop_harm_over: bool = False,
) -> list[RuleHit]:
    """`scripts`, `latin`: scripts_in(text) and its Latin view, when already known.
    `drop_harm_over`: drop a match told beside a marker that the harm is over (hazards)."""
    if scripts is None:
        scripts = scripts_in(text)
        latin = None
    hits: list[RuleHit] = []
    if latin is not None:
        latin_text = latin
    else:
        latin_text = latin_part(text) if ("zh" in scripts or "ko" in scripts) else text
    for rule in rules:
        found: str | None = None
        for pattern, script in zip(rule.patterns, rule.scripts, strict=True):
            if script not in scripts or (possible is not None and pattern.pattern not in possible):
                continue
            subject = latin_text if script == "latin" else text
            if pattern.search(subject) is None:
                continue
            text_ = subject
            for m in pattern.finditer(subject):
                s, e = m.span()
                if rule.exclude:
                    ctx = _exclude_context(text_, s, e)
                    if any(x.search(ctx) for x in rule.exclude):
                        continue
                if use_negation and rule.negatable and _negated(rs, text_, s, e):
                    continue
                if rule.declinable and _declined(rs, text_, s, e):
                    continue
                if drop_harm_over and _harm_over(rs, text_, s, e):
                    continue
                if rule.elsewhere_possible and _harm_elsewhere(rs, text_, s, e):
                    continue
                if rule.hypothetical_needs:
                    before = _clause_before(text_, s, rs.hypothetical_window)
                    if rs.hypothetical.search(before) and not any(p.search(text) for p in rule.hypothetical_needs):
                        continue
                found = m.group(0)
                break
            if found:
                break
        if found:
            hits.append(RuleHit(rule.id, found))
    return hits


def large_amounts(rs: RuleSet, raw_text: str, language: str | None) -> list[Amount]:
    amounts = find_amounts(raw_text, language, rs.dollar_by_language, rs.yuan_by_language)
    return [a for a in amounts if a.currency in rs.thresholds and a.value >= rs.thresholds[a.currency]]


def latin_view(text: str, scripts: frozenset[str]) -> str:
    """What Latin-script patterns are matched against."""
    return latin_part(text) if ("zh" in scripts or "ko" in scripts) else text


def _views(text: str, scripts: frozenset[str] | None, latin: str | None = None) -> tuple[frozenset[str], dict[str, str]]:
    if scripts is None:
        scripts = scripts_in(text)
        latin = None
    if latin is None:
        latin = latin_view(text, scripts)
    return scripts, {"latin": latin, "zh": text, "ko": text}


def mild_score(
    rs: RuleSet,
    text: str,
    scripts: frozenset[str] | None = None,
    latin: str | None = None,
    possible: Collection[str] | None = None,
) -> tuple[float, list[str], str | None]:
    """Mildness score, its cues, and the demand that rules P4 out: the demand is looked for
    only when the score reaches the P4 threshold (None below it)."""
    scripts, views = _views(text, scripts, latin)
    score = 0.0
    cues: list[str] = []
    rest = text
    for weight, pattern, script in rs.mild_cues:
        if script not in scripts or (possible is not None and pattern.pattern not in possible):
            continue
        m = pattern.search(views[script])
        if m:
            score += weight
            cues.append(m.group(0))
            if weight >= 2:  # "no other request" must not read as a request
                rest = pattern.sub(" ", rest)
    if score < rs.mild_threshold:
        return score, cues, None
    demand = rs.demand.search(rest)
    return score, cues, demand.group(0) if demand else None


def motive_of(
    rs: RuleSet,
    text: str,
    raw_text: str,
    scripts: frozenset[str] | None = None,
    latin: str | None = None,
    possible: Collection[str] | None = None,
):
    scripts, views = _views(text, scripts, latin)
    for motive in rs.motives:
        found: list[str] = []
        for pattern, script in zip(motive.cues, motive.scripts, strict=True):
            if script not in scripts or (possible is not None and pattern.pattern not in possible):
                continue
            view = views[script]
            if pattern.search(view) is not None:
                found += pattern.findall(view)[:3]
        score = len(found)
        if motive.id == "angry":
            score += min(2, raw_text.count("!!") + raw_text.count("！！") + raw_text.count("??") + raw_text.count("？？"))
        if score >= motive.min_score:
            return motive, found
    return None, []


# what may open a sentence before an aside marker and still leave it "a sentence of its own"
_ONLY_FILLER = re.compile(r"(?:\W|\b(?:but|though|although|honestly|to be fair|tbh|and|however|still|anyway)\b|不过|但是|但|可是|其实|하지만|그런데|근데)*")


def main_cause_spans(rs: RuleSet, text: str) -> list[tuple[int, int, float]]:
    """(start, end, weight) of the text the customer sets aside or calls the main grievance
    (rules.yaml `main_cause`); empty for most complaints."""
    spans: list[tuple[int, int, float]] = []
    possible = rs.main_cause_screen.candidates({"text": text}, ("text",))
    if rs.aside_weight != 1.0 and rs.aside.pattern in possible:
        for m in rs.aside.finditer(text):
            ends = [0] + [e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())]
            start = ends[-1]
            if _ONLY_FILLER.fullmatch(text[start : m.start()]) and len(ends) > 1:
                start = ends[-2]  # "…late. But that's not the point." sets the sentence before aside
            spans.append((start, m.start(), rs.aside_weight))
    if rs.main_weight != 1.0 and rs.main.pattern in possible:
        for m in rs.main.finditer(text):
            end = _SENTENCE_END.search(text, m.end())
            spans.append((m.end(), end.start() if end else len(text), rs.main_weight))
    return spans


def lexicon_scores(rs: RuleSet, text: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    scores: dict[str, float] = {c: 0.0 for c in rs.categories}
    matched: dict[str, list[str]] = {c: [] for c in rs.categories}
    weights = rs.lexicon.weights
    spans = main_cause_spans(rs, text)
    factor: dict[str, float] = {}  # term -> the highest weight of its occurrences
    for term, start in rs.lexicon.matcher.find_with_starts(text):
        # where an aside and a main span overlap, the aside (the lower weight) wins
        here = min((w for s, e, w in spans if s <= start < e), default=1.0)
        factor[term] = max(factor.get(term, 0.0), here)
    for term, f in factor.items():
        for cat, w in weights.get(term, ()):
            scores[cat] += w * f
            matched[cat].append(term)
    return scores, matched


def category_evidence(
    rs: RuleSet,
    text: str,
    scripts: frozenset[str] | None = None,
    latin: str | None = None,
    possible: Collection[str] | None = None,
    cause_of_harm: Callable[[], tuple[str, float] | None] | None = None,
    hazard_told: Callable[[], RuleHit | None] | None = None,
) -> tuple[dict[str, float], dict[str, list[str]], list[RuleHit]]:
    """Lexicon scores plus the hazard bonus; also returns the hazard hits (reused for P1).
    `hazard_told`, asked when no hazard rule matched, may still find one (the model's hazard
    detector). `cause_of_harm`, asked when no rule named a hazard's cause, may name one
    (category, probability) instead of model.hazard_category."""
    scores, matched = lexicon_scores(rs, text)
    hazards = match_rules(rs, rs.hazard_rules, text, scripts=scripts, latin=latin, possible=possible, drop_harm_over=True)
    if not hazards and hazard_told is not None:
        told = hazard_told()
        hazards = [told] if told else []
    if hazards and rs.hazard_bonus:
        # A rule that names its category says what caused the harm (a driver nodding off); the
        # other hazard rules only say that someone was hurt, so they add nothing beside it.
        causes = match_rules(rs, rs.hazard_causes, text, scripts=scripts, latin=latin, possible=possible)
        named: dict[str, list[str]] = {}
        for hit in hazards + causes:
            if hit.rule in rs.hazard_evidence:
                named.setdefault(rs.hazard_evidence[hit.rule], []).append(hit.rule)
        cause = cause_of_harm() if cause_of_harm and not named and rs.hazard_category in scores else None
        if named:
            supported = {category: f"<safety hazard: {', '.join(ids)}>" for category, ids in named.items()}
        elif cause:
            supported = {cause[0]: f"<safety hazard: cause {cause[0]} {cause[1]:.2f} by the model>"}
        else:
            supported = {rs.hazard_category: "<safety hazard>"} if rs.hazard_category else {}
        for category, label in sorted(supported.items()):
            if category in scores:
                scores[category] += rs.hazard_bonus
                matched[category].append(label)
    return scores, matched, hazards
