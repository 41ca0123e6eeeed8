"""Loading and compiling rules.yaml (once, at construction)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..normalise import normalise
from .prefilter import PatternScreen
from .text import TermMatcher, optimise_pattern, script_of

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
DEFAULT_RULES = CONFIG_DIR / "rules.yaml"
DEFAULT_MODEL = CONFIG_DIR / "category_model.json"


class ConfigError(ValueError):
    pass


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        re.compile(pattern)
        return re.compile(optimise_pattern(pattern))
    except re.error as exc:
        raise ConfigError(f"{where}: bad regex {pattern!r}: {exc}") from exc


@dataclass(frozen=True)
class Category:
    name: str
    department: str
    description: str
    handling_hint: str


@dataclass(frozen=True)
class HandRule:
    id: str
    description: str
    patterns: tuple[re.Pattern, ...]
    scripts: tuple[str, ...]
    exclude: tuple[re.Pattern, ...] = ()
    negatable: bool = False
    hypothetical_needs: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class RoutingRule:
    id: str
    when: dict[str, Any]
    department: str | None
    category: str | None
    priority_at_least: str | None
    keywords: TermMatcher | None
    pattern: re.Pattern | None
    product: re.Pattern | None


@dataclass(frozen=True)
class Motive:
    id: str
    label: str
    advice: str
    min_score: int
    cues: tuple[re.Pattern, ...]
    scripts: tuple[str, ...]


@dataclass
class Lexicon:
    matcher: TermMatcher
    weights: dict[str, list[tuple[str, float]]]  # term -> [(category, weight)]


@dataclass
class RuleSet:
    version: str
    categories: dict[str, Category]
    triage_department: str
    confidence_threshold: float
    model_weight: float
    lexicon_weight: float
    lexicon_temperature: float
    lexicon_prior: float
    legal_requires_rule: bool
    hazard_category: str | None
    hazard_bonus: float
    lexicon: Lexicon
    hazard_rules: list[HandRule]
    legal_rules: list[HandRule]
    repeat_rules: list[HandRule]
    neg_before_zh: re.Pattern
    neg_before_en: re.Pattern
    neg_after_ko: re.Pattern
    neg_window_before: int
    neg_window_words: int
    neg_window_after: int
    hypothetical: re.Pattern
    hypothetical_window: int
    thresholds: dict[str, float]
    dollar_by_language: dict[str, str]
    yuan_by_language: dict[str, str]
    mild_threshold: float
    mild_cues: list[tuple[float, re.Pattern, str]]
    demand: re.Pattern
    motives: list[Motive]
    routing_rules: list[RoutingRule]
    raw: dict = field(repr=False, default_factory=dict)
    # the motive every safety (hazard) case gets instead of a cue-based one
    safety_motive: Motive | None = None
    # the hand-rule, mild-cue and motive-cue patterns with their literals (set by load_rules)
    screen: PatternScreen = field(init=False, repr=False)

    @property
    def departments(self) -> set[str]:
        return {c.department for c in self.categories.values()} | {self.triage_department}


def _hand_rules(items: list[dict] | None, section: str) -> list[HandRule]:
    rules = []
    for i, item in enumerate(items or []):
        rid = item.get("id") or f"{section}[{i}]"
        where = f"{section}.{rid}"
        rules.append(
            HandRule(
                id=rid,
                description=item.get("description", ""),
                patterns=tuple(_compile(p, where) for p in item.get("patterns", [])),
                scripts=tuple(script_of(p) for p in item.get("patterns", [])),
                exclude=tuple(_compile(p, where) for p in item.get("exclude", [])),
                negatable=bool(item.get("negatable", False)),
                hypothetical_needs=tuple(_compile(p, where) for p in item.get("hypothetical_needs", [])),
            )
        )
    return rules


def load_rules(path: Path | None = None) -> RuleSet:
    path = Path(path) if path else DEFAULT_RULES
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict) or "version" not in raw or "categories" not in raw:
        raise ConfigError(f"{path}: needs at least `version` and `categories`")

    categories: dict[str, Category] = {}
    terms: dict[str, list[tuple[str, float]]] = {}
    lex_weights = raw.get("lexicon_weights", {"strong": 2.0, "weak": 1.0})
    for name, spec in raw["categories"].items():
        if not spec or "department" not in spec:
            raise ConfigError(f"category {name}: needs a department")
        categories[name] = Category(
            name=name,
            department=spec["department"],
            description=spec.get("description", ""),
            handling_hint=" ".join(str(spec.get("handling_hint", "")).split()),
        )
        for tier, words in (spec.get("lexicon") or {}).items():
            w = float(lex_weights.get(tier, 1.0))
            for word in words or []:
                key = normalise(str(word)).strip()
                if not key:
                    continue
                bucket = terms.setdefault(key, [])
                if all(c != name for c, _ in bucket):
                    bucket.append((name, w))
    matcher = TermMatcher(list(terms))
    # the matcher reports the matched text; map it back to the term (strip '*')
    weights = {k.rstrip("*"): v for k, v in terms.items()}

    triage = raw.get("triage", {})
    model = raw.get("model", {})
    neg = raw.get("negation", {})
    hyp = raw.get("hypothetical", {})
    fin = raw.get("financial_loss", {})
    mild = raw.get("mild_rules", {})

    routing_rules = []
    for i, item in enumerate(raw.get("routing_rules") or []):
        if item.get("enabled", True) is False:
            continue
        rid = item.get("id") or f"routing_rules[{i}]"
        when = dict(item.get("when") or {})
        for key in when:
            if key not in {"category", "channel", "language", "customer_tier", "priority", "product", "keywords", "pattern", "uncertain"}:
                raise ConfigError(f"routing rule {rid}: unknown condition {key!r}")
        kw = when.get("keywords")
        if isinstance(kw, str):
            kw = [kw]
        routing_rules.append(
            RoutingRule(
                id=rid,
                when=when,
                department=item.get("department"),
                category=item.get("category"),
                priority_at_least=item.get("priority_at_least"),
                keywords=TermMatcher([normalise(k).strip() for k in kw]) if kw else None,
                pattern=_compile(when["pattern"], rid) if when.get("pattern") else None,
                product=_compile(when["product"], rid) if when.get("product") else None,
            )
        )
        if item.get("category") and item["category"] not in categories:
            raise ConfigError(f"routing rule {rid}: unknown category {item['category']!r}")

    motives = [
        Motive(
            id=m["id"],
            label=m.get("label", m["id"]),
            advice=" ".join(str(m.get("advice", "")).split()),
            min_score=int(m.get("min_score", 1)),
            cues=tuple(_compile(p, f"motives.{m['id']}") for p in m.get("cues", [])),
            scripts=tuple(script_of(p) for p in m.get("cues", [])),
        )
        for m in raw.get("motives") or []
    ]

    safety = raw.get("safety_motive")
    safety_motive = (
        Motive(
            id=safety["id"], label=safety.get("label", safety["id"]),
            advice=" ".join(str(safety.get("advice", "")).split()), min_score=0, cues=(), scripts=(),
        )
        if safety
        else None
    )

    rules = RuleSet(
        version=str(raw["version"]),
        categories=categories,
        triage_department=triage.get("department", "customer_service"),
        confidence_threshold=float(triage.get("confidence_threshold", 0.4)),
        model_weight=float(model.get("weight", 0.5)),
        lexicon_weight=float(model.get("lexicon_weight", 0.5)),
        lexicon_temperature=float(model.get("lexicon_temperature", 1.0)),
        lexicon_prior=float(model.get("lexicon_prior", 0.0)),
        legal_requires_rule=bool(model.get("legal_requires_rule", True)),
        hazard_category=model.get("hazard_category"),
        hazard_bonus=float(model.get("hazard_bonus", 0.0)),
        lexicon=Lexicon(matcher, weights),
        hazard_rules=_hand_rules(raw.get("hazard_rules"), "hazard_rules"),
        legal_rules=_hand_rules(raw.get("legal_rules"), "legal_rules"),
        repeat_rules=_hand_rules(raw.get("repeat_rules"), "repeat_rules"),
        neg_before_zh=_compile(neg.get("before_zh", "(?!)"), "negation"),
        neg_before_en=_compile(neg.get("before_en", "(?!)"), "negation"),
        neg_after_ko=_compile(neg.get("after_ko", "(?!)"), "negation"),
        neg_window_before=int(neg.get("window_before", 6)),
        neg_window_words=int(neg.get("window_before_words", 4)),
        neg_window_after=int(neg.get("window_after", 8)),
        hypothetical=_compile(hyp.get("markers", "(?!)"), "hypothetical"),
        hypothetical_window=int(hyp.get("window_before", 14)),
        thresholds={k.upper(): float(v) for k, v in (fin.get("thresholds") or {}).items()},
        dollar_by_language=dict(fin.get("dollar_by_language") or {}),
        yuan_by_language=dict(fin.get("yuan_by_language") or {}),
        mild_threshold=float(mild.get("threshold", 2.0)),
        mild_cues=[
            (float(c.get("weight", 1.0)), _compile(c["pattern"], "mild_rules"), script_of(c["pattern"]))
            for c in mild.get("cues") or []
        ],
        demand=_compile(mild.get("demand_pattern", "(?!)"), "mild_rules.demand_pattern"),
        motives=motives,
        routing_rules=routing_rules,
        raw=raw,
        safety_motive=safety_motive,
    )
    rules.screen = PatternScreen(_screened_patterns(rules))
    return rules


def _screened_patterns(rules: RuleSet):
    """(pattern, script) of every pattern that is searched only in a text of its script."""
    for rule in rules.hazard_rules + rules.legal_rules + rules.repeat_rules:
        yield from zip(rule.patterns, rule.scripts, strict=True)
    for _weight, pattern, script in rules.mild_cues:
        yield pattern, script
    for motive in rules.motives:
        yield from zip(motive.cues, motive.scripts, strict=True)
