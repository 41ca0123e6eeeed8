"""Compiling the rules (a `RulesConfig`, read from rules.yaml by the config adapter) once, at
construction: regexes, lexicon matcher, literal prefilter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..configuration import ConfigError, HandRuleConfig, RulesConfig
from ..normalise import HAN_RUN, normalise, simplified
from .prefilter import PatternScreen
from .text import TermMatcher, optimise_pattern, script_of

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
DEFAULT_RULES = CONFIG_DIR / "rules.yaml"
DEFAULT_MODEL = CONFIG_DIR / "category_model.json"


def _compile(pattern: str, where: str, *, on_normalised_text: bool = True) -> re.Pattern:
    """`pattern` compiled; one that searches normalised text must be written as normalise()
    leaves text: in Simplified Chinese and width-folded (NFKC). Traditional characters or
    full-width punctuation there could never match: "[^，。]" stops at no comma, since the text's
    commas are ","."""
    if on_normalised_text:
        for run in HAN_RUN.findall(pattern):
            if (written := simplified(run)) != run:
                raise ConfigError(f"{where}: {run!r} never matches: patterns see the text in Simplified Chinese, write {written!r}")
        for ch in dict.fromkeys(pattern):
            if (folded := unicodedata.normalize("NFKC", ch)) != ch:
                raise ConfigError(f"{where}: {ch!r} never matches: patterns see the text width-folded (NFKC), write {folded!r}")
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
    declinable: bool = False  # legal rules: a match the customer declines beside is dropped
    elsewhere_possible: bool = False  # body-harm rules: a harm told as coming from elsewhere is dropped
    evidence_for: str | None = None  # hazard rules: the category a match supports (None: the model's)


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
    hazard_cause_categories: frozenset[str]  # the model may name these as a hazard's cause
    hazard_cause_min_probability: float
    hazard_model_min_probability: float | None  # the model's hazard detector, where no rule matched
    personal_data_model_min_probability: float | None  # the model's personal-data detector, where no legal rule matched
    legal_disputed_below: float | None  # a legal rule's hit the model reads as legal below this...
    legal_disputed_confidence: float  # ...gets this confidence
    lexicon: Lexicon
    hazard_rules: list[HandRule]
    hazard_causes: list[HandRule]
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
    harm_over: re.Pattern  # a settled claim, a drill: the harm told beside it is over
    harm_past: re.Pattern  # last year, 上次: a harm in the past, over if the next sentence says so
    harm_false_alarm: re.Pattern  # 这个我认, "false alarm": the customer concedes the hazard before never was
    harm_elsewhere: re.Pattern  # 打球摔断了小腿, 'broke his ankle playing five-a-side': a harm from elsewhere
    harm_involved: re.Pattern  # 'your', 你们: the product or the business brought into that clause
    harm_elsewhere_gap: int
    harm_elsewhere_gap_zh: int
    declined: re.Pattern  # "no intention of taking this anywhere": a lawyer or court named, not gone to
    thresholds: dict[str, float]
    dollar_by_language: dict[str, str]
    yuan_by_language: dict[str, str]
    loss_categories: frozenset[str] | None  # where an amount counts as a loss (None: everywhere)
    no_loss: re.Pattern  # the customer says no money was lost
    mild_threshold: float
    mild_cues: list[tuple[float, re.Pattern, str]]
    demand: re.Pattern
    aside: re.Pattern  # main_cause: the customer sets the text before it aside
    aside_weight: float
    main: re.Pattern  # main_cause: the text after it is the main grievance
    main_weight: float
    motives: list[Motive]
    routing_rules: list[RoutingRule]
    config: RulesConfig | None = field(repr=False, default=None)  # what the rules were compiled from
    # the motive every safety (hazard) case gets instead of a cue-based one
    safety_motive: Motive | None = None
    @cached_property
    def screen(self) -> PatternScreen:
        """The hand-rule, mild-cue and motive-cue patterns with their literals. Derived from the
        patterns, so a copy (`dataclasses.replace`) builds its own."""
        return PatternScreen(_screened_patterns(self))

    @cached_property
    def main_cause_screen(self) -> PatternScreen:
        """`aside` and `main` are searched in the whole text of every complaint and match few:
        their literals tell in one pass when neither can match (a tenth of the time of the two
        searches)."""
        return PatternScreen([(self.aside, "text"), (self.main, "text")])

    @cached_property
    def hazard_evidence(self) -> dict[str, str]:
        """Hazard rule or cause id -> the category its match supports, for those that name one."""
        return {r.id: r.evidence_for for r in self.hazard_rules + self.hazard_causes if r.evidence_for}

    @property
    def departments(self) -> set[str]:
        return {c.department for c in self.categories.values()} | {self.triage_department}


def _hand_rules(items: list[HandRuleConfig], section: str) -> list[HandRule]:
    rules = []
    for i, item in enumerate(items):
        rid = item.id or f"{section}[{i}]"
        where = f"{section}.{rid}"
        rules.append(
            HandRule(
                id=rid,
                description=item.description,
                patterns=tuple(_compile(p, where) for p in item.patterns),
                scripts=tuple(script_of(p) for p in item.patterns),
                exclude=tuple(_compile(p, where) for p in item.exclude),
                negatable=item.negatable,
                hypothetical_needs=tuple(_compile(p, where) for p in item.hypothetical_needs),
                declinable=item.declinable,
                elsewhere_possible=item.elsewhere_possible,
                evidence_for=item.evidence_for,
            )
        )
    return rules


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules of a YAML file (default: the shipped rules.yaml), compiled."""
    from ...adapters.config_files import read_rules  # the file is read by the adapter

    return compile_rules(read_rules(path))


def _lexicon(cfg: RulesConfig) -> Lexicon:
    terms: dict[str, list[tuple[str, float]]] = {}
    for name, spec in cfg.categories.items():
        for tier, words in spec.lexicon.items():
            w = float(cfg.lexicon_weights[tier])
            for word in words or []:
                key = normalise(str(word)).strip()
                if not key:
                    continue
                bucket = terms.setdefault(key, [])
                if all(c != name for c, _ in bucket):
                    bucket.append((name, w))
    matcher = TermMatcher(list(terms))
    # the matcher reports the matched text; map it back to the term (strip '*')
    return Lexicon(matcher, {k.rstrip("*"): v for k, v in terms.items()})


def _routing_rules(cfg: RulesConfig) -> list[RoutingRule]:
    routing_rules = []
    for i, item in enumerate(cfg.routing_rules):
        if not item.enabled:
            continue
        rid = item.id or f"routing_rules[{i}]"
        when = item.when.model_dump(exclude_unset=True)
        kw = [when["keywords"]] if isinstance(when.get("keywords"), str) else when.get("keywords")
        routing_rules.append(
            RoutingRule(
                id=rid,
                when=when,
                department=item.department,
                category=item.category,
                priority_at_least=item.priority_at_least,
                keywords=TermMatcher([normalise(k).strip() for k in kw]) if kw else None,
                pattern=_compile(when["pattern"], rid) if when.get("pattern") else None,
                product=_compile(when["product"], rid, on_normalised_text=False) if when.get("product") else None,
            )
        )
        if item.category and item.category not in cfg.categories:
            raise ConfigError(f"routing rule {rid}: unknown category {item.category!r}")
    return routing_rules


def _motive(m, *, cues: bool = True) -> Motive:
    return Motive(
        id=m.id,
        label=m.label or m.id,
        advice=" ".join(m.advice.split()),
        min_score=m.min_score if cues else 0,
        cues=tuple(_compile(p, f"motives.{m.id}") for p in m.cues) if cues else (),
        scripts=tuple(script_of(p) for p in m.cues) if cues else (),
    )


def compile_rules(cfg: RulesConfig) -> RuleSet:
    """The rule set of a validated configuration: every regex compiled, the lexicon matcher and
    the literal prefilter built. A bad regex is a ConfigError naming its rule."""
    model, neg, hyp, fin, mild = cfg.model, cfg.negation, cfg.hypothetical, cfg.financial_loss, cfg.mild_rules
    unknown = set(model.hazard_cause_categories) - set(cfg.categories)
    if unknown:
        raise ConfigError(f"model.hazard_cause_categories: unknown categories {sorted(unknown)}")
    rules = RuleSet(
        version=cfg.version,
        categories={
            name: Category(name, spec.department, spec.description, " ".join(spec.handling_hint.split()))
            for name, spec in cfg.categories.items()
        },
        triage_department=cfg.triage.department,
        confidence_threshold=cfg.triage.confidence_threshold,
        model_weight=model.weight,
        lexicon_weight=model.lexicon_weight,
        lexicon_temperature=model.lexicon_temperature,
        lexicon_prior=model.lexicon_prior,
        legal_requires_rule=model.legal_requires_rule,
        hazard_category=model.hazard_category,
        hazard_bonus=model.hazard_bonus,
        hazard_cause_categories=frozenset(model.hazard_cause_categories),
        hazard_cause_min_probability=model.hazard_cause_min_probability,
        hazard_model_min_probability=model.hazard_model_min_probability,
        personal_data_model_min_probability=model.personal_data_model_min_probability,
        legal_disputed_below=model.legal_disputed_below,
        legal_disputed_confidence=model.legal_disputed_confidence,
        lexicon=_lexicon(cfg),
        hazard_rules=_hand_rules(cfg.hazard_rules, "hazard_rules"),
        hazard_causes=_hand_rules(cfg.hazard_causes, "hazard_causes"),
        legal_rules=_hand_rules(cfg.legal_rules, "legal_rules"),
        repeat_rules=_hand_rules(cfg.repeat_rules, "repeat_rules"),
        neg_before_zh=_compile(neg.before_zh, "negation"),
        neg_before_en=_compile(neg.before_en, "negation"),
        neg_after_ko=_compile(neg.after_ko, "negation"),
        neg_window_before=neg.window_before,
        neg_window_words=neg.window_before_words,
        neg_window_after=neg.window_after,
        hypothetical=_compile(hyp.markers, "hypothetical"),
        hypothetical_window=hyp.window_before,
        harm_over=_compile(cfg.harm_over.markers, "harm_over.markers"),
        harm_past=_compile(cfg.harm_over.past, "harm_over.past"),
        harm_false_alarm=_compile(cfg.harm_over.false_alarm, "harm_over.false_alarm"),
        harm_elsewhere=_compile(cfg.harm_elsewhere.activities, "harm_elsewhere.activities"),
        harm_involved=_compile(cfg.harm_elsewhere.involved, "harm_elsewhere.involved"),
        harm_elsewhere_gap=cfg.harm_elsewhere.gap,
        harm_elsewhere_gap_zh=cfg.harm_elsewhere.gap_zh,
        declined=_compile(cfg.declined.markers, "declined.markers"),
        thresholds={k.upper(): v for k, v in fin.thresholds.items()},
        dollar_by_language=dict(fin.dollar_by_language),
        yuan_by_language=dict(fin.yuan_by_language),
        loss_categories=frozenset(fin.categories) if fin.categories is not None else None,
        no_loss=_compile(fin.no_loss_pattern, "financial_loss.no_loss_pattern"),
        mild_threshold=mild.threshold,
        mild_cues=[(c.weight, _compile(c.pattern, "mild_rules"), script_of(c.pattern)) for c in mild.cues],
        demand=_compile(mild.demand_pattern, "mild_rules.demand_pattern"),
        aside=_compile(cfg.main_cause.aside_pattern, "main_cause.aside_pattern"),
        aside_weight=cfg.main_cause.aside_weight,
        main=_compile(cfg.main_cause.main_pattern, "main_cause.main_pattern"),
        main_weight=cfg.main_cause.main_weight,
        motives=[_motive(m) for m in cfg.motives],
        routing_rules=_routing_rules(cfg),
        config=cfg,
        safety_motive=_motive(cfg.safety_motive, cues=False) if cfg.safety_motive else None,
    )
    rules.screen, rules.main_cause_screen  # noqa: B018 -- built at load, not on the first complaint
    return rules


def _screened_patterns(rules: RuleSet):
    """(pattern, script) of every pattern that is searched only in a text of its script."""
    for rule in rules.hazard_rules + rules.hazard_causes + rules.legal_rules + rules.repeat_rules:
        yield from zip(rule.patterns, rule.scripts, strict=True)
    for _weight, pattern, script in rules.mild_cues:
        yield pattern, script
    for motive in rules.motives:
        yield from zip(motive.cues, motive.scripts, strict=True)
