"""Complaint classification: category, department, priority, confidence and explanation.

    clf = Classifier.from_config()                    # shipped rules.yaml + category_model.json
    c = clf.classify(text=..., subject=..., channel="email", language=None,
                     customer_tier="standard", product=None, repeat_complaint=False)

Decision order (see docs/routing.md):
1. language: given, or lingua (zh/ko/en) + OpenCC (Hans/Hant);
2. text normalised (NFKC, casefold, OpenCC t2s);
3. legal hand rules -> category legal_regulatory (precedence over the model);
4. otherwise the category vote: logistic-regression model (char n-grams + lexicon
   features) blended with the generic keyword lexicons; confidence = blended probability;
5. priority: hazard rules (where none matched, the model's hazard detector) or legal -> P1;
   key account, repeat complaint (flag or text), large money amount -> P2; suggestion with
   no request -> P4; else P3 (highest wins);
6. department: routing rules (first match wins), else the category's default; an
   uncertain decision (confidence below the threshold) goes to triage.
Pure computation: files are read only in `from_config`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from ..normalise import normalise
from .config import DEFAULT_MODEL, DEFAULT_RULES, ConfigError, Motive, RuleSet, load_rules
from .model import NgramModel
from .signals import (
    RuleHit,
    category_evidence,
    large_amounts,
    latin_view,
    match_rules,
    mild_score,
    motive_of,
)
from .text import LanguageDetector, default_detector, model_text, scripts_in

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_RULES",
    "Classification",
    "Classifier",
    "ConfigError",
    "Explanation",
    "normalise",
]

PRIORITY_ORDER = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}
LANGUAGES = ("zh-Hans", "zh-Hant", "ko", "en")
LEGAL = "legal_regulatory"
MODEL_HAZARD = "model.hazard"  # the rule id of a hazard hit by the model's hazard detector
MODEL_PERSONAL_DATA = "model.personal_data"  # the explanation of a legal decision by the personal-data detector


@dataclass(frozen=True)
class Explanation:
    """One reason behind the decision; fields match complaints_shared.events.ExplanationItem."""

    step: str  # validity/category/department/priority/customer/deadline/triage
    rule: str
    detail: str = ""
    weight: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Classification:
    category: str
    department: str
    priority: str
    confidence: float
    uncertain: bool
    language: str
    handling_hint: str
    motive: str | None
    explanation: tuple[Explanation, ...] = field(default_factory=tuple)
    rules_version: str = ""
    model_version: str | None = None
    # The department the evidence points to; differs from `department` when the case waits in
    # the triage queue (uncertain), which reads it as a suggestion.
    best_guess_department: str = ""

    def as_dict(self) -> dict:
        d = asdict(self)
        d["explanation"] = [e.as_dict() for e in self.explanation]
        return d


def _softmax(scores: dict[str, float], temperature: float, prior: float) -> dict[str, float]:
    t = max(temperature, 1e-6)
    m = max(scores.values())
    ex = {k: math.exp((v - m) / t) for k, v in scores.items()}
    s = sum(ex.values())
    p = {k: v / s for k, v in ex.items()}
    if prior:
        n = len(p)
        total = sum(scores.values())
        # little evidence -> closer to flat
        strength = total / (total + prior * n) if total > 0 else 0.0
        p = {k: strength * v + (1 - strength) / n for k, v in p.items()}
    return p


@dataclass(frozen=True)
class _Text:
    """One complaint's text as every step reads it."""

    raw: str  # subject and text
    norm: str  # normalised
    language: str  # given or detected
    scripts: frozenset[str]
    latin: str  # the Latin view the English patterns are searched in
    possible: set[str]  # the hand-rule patterns that can match at all


class Classifier:
    def __init__(self, rules: RuleSet, model: NgramModel | None, detector: LanguageDetector | None = None) -> None:
        self.rules = rules
        self.model = model
        self._detector = detector
        if model is not None:
            unknown = set(model.classes) - set(rules.categories)
            if unknown:
                raise ConfigError(f"model classes not in the taxonomy: {sorted(unknown)}")

    @classmethod
    def from_config(cls, rules_path: Path | None = None, model_path: Path | None = None) -> Classifier:
        rules = load_rules(rules_path)
        mpath = Path(model_path) if model_path else DEFAULT_MODEL
        model = NgramModel.load(mpath) if mpath.exists() else None
        return cls(rules, model)

    @property
    def detector(self) -> LanguageDetector:
        if self._detector is None:
            self._detector = default_detector()
        return self._detector

    def detect_language(self, text: str) -> str:
        return self.detector.detect(text)

    # -- the decision ----------------------------------------------------------------

    def category_vote(
        self,
        norm: str,
        scripts: frozenset[str] | None = None,
        latin: str | None = None,
        possible: Collection[str] | None = None,
        *,
        vector: tuple[np.ndarray, np.ndarray] | None,
    ) -> tuple[dict[str, float], dict, list, list]:
        """Blended category probabilities, lexicon matches, model contributions, hazard hits.
        `vector`: the text as the model reads it (NgramModel.vectorise); None without a model."""
        rs = self.rules
        cause_of_harm = None
        if vector is not None and rs.hazard_cause_categories and rs.hazard_category is not None:
            cause_of_harm = partial(self._cause_of_harm, vector)
        hazard_told = None
        if vector is not None and rs.hazard_model_min_probability is not None:
            hazard_told = partial(self._hazard_told, vector)
        lex, matched, hazards = category_evidence(
            rs, norm, scripts, latin, possible, cause_of_harm=cause_of_harm, hazard_told=hazard_told
        )
        p_lex = _softmax(lex, rs.lexicon_temperature, rs.lexicon_prior)
        contributions: list = []
        if self.model is not None and vector is not None:
            p_model, contributions = self.model.predict_vector(vector, lex, top=6)
            wm, wl = rs.model_weight, rs.lexicon_weight
            s = (wm + wl) or 1.0
            probs = {c: (wm * p_model.get(c, 0.0) + wl * p_lex[c]) / s for c in rs.categories}
        else:
            probs = p_lex
        return probs, {"scores": lex, "terms": matched}, contributions, hazards

    def _hazard_told(self, vector) -> RuleHit | None:
        """Where no hazard rule matched, the model's hazard detector (trained on every labelled
        record, look-alikes included) may read a safety case told in words no rule holds yet:
        a hit of its own, `model.hazard`, at hazard_model_min_probability or more."""
        rs = self.rules
        assert self.model is not None and rs.hazard_model_min_probability is not None
        p = self.model.predict_hazard(vector)
        if p is None or p < rs.hazard_model_min_probability:
            return None
        return RuleHit(MODEL_HAZARD, f"{p:.2f}")

    def _personal_data_told(self, vector) -> float | None:
        """Where no legal rule matched, the model's personal-data detector (training.fit, trained
        on the legal records that no lawyer or regulator rule alone holds, against every other
        record) may read a leak or misuse told in words no rule holds yet: its probability, at
        personal_data_model_min_probability or more; else None."""
        rs = self.rules
        if vector is None or rs.personal_data_model_min_probability is None:
            return None
        assert self.model is not None  # a vector is the model's reading
        p = self.model.predict_personal_data(vector)
        if p is None or p < rs.personal_data_model_min_probability:
            return None
        return round(p, 4)

    def _cause_of_harm(self, vector) -> tuple[str, float] | None:
        """Where no rule named a hazard's cause its bonus would go to hazard_category (a product);
        the model's hazard-cause part, trained on hazards alone, may name a cause instead: a
        repair visit, a delivery crew or staff, told in words no cause rule holds (rules.yaml
        has what it measured)."""
        rs = self.rules
        assert self.model is not None  # only asked when there is a model
        p_cause = self.model.predict_cause(vector)
        if not p_cause:
            return None
        cause = max(sorted(p_cause), key=p_cause.__getitem__)
        if cause not in rs.hazard_cause_categories or p_cause[cause] < rs.hazard_cause_min_probability:
            return None
        return cause, p_cause[cause]

    def classify(
        self,
        *,
        text: str,
        subject: str = "",
        channel: str,
        language: str | None,
        customer_tier: str = "standard",
        product: str | None = None,
        repeat_complaint: bool = False,
        earlier_categories: Collection[str] = (),
    ) -> Classification:
        """`earlier_categories`: categories of the customer's earlier complaints (from their
        history); one of them equal to this complaint's category makes it a repeat (P2).

        The steps, in order, each adding its lines to the explanation: read the text, category
        (hand rules, then the vote), priority, department (routing rules, triage), handling."""
        expl: list[Explanation] = []
        t = self._read(text, subject, language, expl)
        category, confidence, uncertain, hazard_hits = self._category(t, expl)
        priority = self._priority(t, category, customer_tier, repeat_complaint or category in earlier_categories, hazard_hits, expl)
        category, department, best_guess, priority = self._department(
            t, category, priority, confidence, uncertain, channel, customer_tier, product, expl
        )
        motive, hint = self._handling(t, category, hazard_hits)
        return Classification(
            category=category,
            department=department,
            priority=priority,
            confidence=confidence,
            uncertain=uncertain,
            language=t.language,
            handling_hint=hint,
            motive=motive.id if motive else None,
            explanation=tuple(expl),
            rules_version=self.rules.version,
            model_version=self.model.version if self.model else None,
            best_guess_department=best_guess,
        )

    def _read(self, text: str, subject: str, language: str | None, expl: list[Explanation]) -> _Text:
        raw = f"{subject}\n{text}" if subject else text
        if language not in LANGUAGES:
            language = self.detect_language(raw)
            expl.append(Explanation("category", "language.detect", f"detected {language}"))
        norm = normalise(raw)
        scripts = scripts_in(norm)
        latin = latin_view(norm, scripts)
        # the hand-rule patterns that can match this text at all (one pass over it)
        possible = self.rules.screen.candidates({"latin": latin, "zh": norm, "ko": norm}, scripts)
        return _Text(raw, norm, language, scripts, latin, possible)

    def _category(self, t: _Text, expl: list[Explanation]) -> tuple[str, float, bool, list]:
        """(category, confidence, uncertain, hazard hits): a legal hand rule decides, else the vote."""
        rs = self.rules
        legal_hits = match_rules(
            rs, rs.legal_rules, t.norm, use_negation=False, scripts=t.scripts, latin=t.latin, possible=t.possible
        )
        vector = self.model.vectorise(model_text(t.norm)) if self.model is not None else None
        probs, lex, contributions, hazard_hits = self.category_vote(t.norm, t.scripts, t.latin, t.possible, vector=vector)
        if legal_hits:
            expl += [Explanation("category", h.rule, f"matched {h.text!r}", 1.0) for h in legal_hits]
            return LEGAL, self._legal_confidence(probs.get(LEGAL, 0.0), expl), False, hazard_hits
        p_personal_data = self._personal_data_told(vector)
        if p_personal_data is not None:
            expl.append(
                Explanation("category", MODEL_PERSONAL_DATA, f"personal data misused, read at {p_personal_data:.2f}", p_personal_data)
            )
            return LEGAL, p_personal_data, p_personal_data < rs.confidence_threshold, hazard_hits
        ranked = sorted(probs.items(), key=lambda kv: -kv[1])
        if rs.legal_requires_rule:
            # legal_regulatory is defined by its hand rules (lawyer, regulator, data leak);
            # a statistical guess of it without one is not trusted.
            ranked = [kv for kv in ranked if kv[0] != LEGAL]
            rest = sum(p for _, p in ranked) or 1.0
            ranked = [(c, p / rest) for c, p in ranked]
        category, confidence = ranked[0]
        runner = ranked[1]
        model_name = f"model:{self.model.version}" if self.model else "lexicon"
        expl.append(
            Explanation("category", model_name, f"{category} {confidence:.2f} (next {runner[0]} {runner[1]:.2f})", round(confidence, 4))
        )
        terms = lex["terms"].get(category) or []
        if terms:
            expl.append(Explanation("category", "lexicon", ", ".join(terms[:8]), round(lex["scores"][category], 2)))
        expl += [Explanation("category", "model.feature", c.feature, c.weight) for c in contributions]
        confidence = round(float(confidence), 4)
        return category, confidence, confidence < rs.confidence_threshold, hazard_hits

    def _legal_confidence(self, p_legal: float, expl: list[Explanation]) -> float:
        """A legal hand rule's decision is confident, unless the model reads the complaint as
        legal with less than legal_disputed_below: on first runs of blind sets such hits were
        mostly wrong (a civil aviation licence in a course advert, "I thought I'd been hacked"),
        and at 0.95 they were the confident mistakes that decide coverage at 97 % precision."""
        rs = self.rules
        if self.model is not None and rs.legal_disputed_below is not None and p_legal < rs.legal_disputed_below:
            confidence = rs.legal_disputed_confidence
            expl.append(
                Explanation("category", "model.disputes_legal", f"the model reads legal_regulatory at {p_legal:.2f}", confidence)
            )
            return confidence
        return round(float(max(0.95, p_legal)), 4)

    def _priority(
        self, t: _Text, category: str, customer_tier: str, repeat: bool, hazard_hits: list, expl: list[Explanation]
    ) -> str:
        """P1 (hazard, legal), else P2 (key account, repeat, large amount), else P4 (mild), else P3."""
        reasons = [
            Explanation("priority", h.rule, f"P1: a safety case by the model ({h.text})", float(h.text))
            if h.rule == MODEL_HAZARD
            else Explanation("priority", h.rule, f"P1: matched {h.text!r}", 1.0)
            for h in hazard_hits
        ]
        if category == LEGAL:
            reasons.append(Explanation("priority", "priority.legal", "P1: legal/regulatory complaint", 1.0))
        priority = "P1" if reasons else self._p2_or_lower(t, category, customer_tier, repeat, reasons)
        expl += reasons or [Explanation("priority", "priority.default", "P3: ordinary complaint")]
        return priority

    def _p2_or_lower(self, t: _Text, category: str, customer_tier: str, repeat: bool, reasons: list[Explanation]) -> str:
        rs = self.rules
        p2: list[Explanation] = []
        if customer_tier == "key_account":
            p2.append(Explanation("customer", "priority.key_account", "P2: key-account customer", 1.0))
        if repeat:
            p2.append(Explanation("customer", "priority.repeat_history", "P2: earlier complaint on the same category", 1.0))
        repeat_hits = match_rules(
            rs, rs.repeat_rules, t.norm, use_negation=False, scripts=t.scripts, latin=t.latin, possible=t.possible
        )
        p2 += [Explanation("priority", h.rule, f"P2: matched {h.text!r}", 1.0) for h in repeat_hits]
        in_a_loss_category = not p2 and (rs.loss_categories is None or category in rs.loss_categories)
        amounts = large_amounts(rs, t.norm, t.language)[:2] if in_a_loss_category else []
        if amounts and rs.no_loss.search(t.norm):  # looked for only where an amount would count
            amounts = []
        for a in amounts:
            p2.append(Explanation("priority", "priority.financial_loss", f"P2: {a.text.strip()} = {a.value:,.0f} {a.currency}", 1.0))
        if p2:
            reasons += p2
            return "P2"
        score, cues, demand = mild_score(rs, t.norm, t.scripts, t.latin, t.possible)
        if score >= rs.mild_threshold and not demand:
            reasons.append(Explanation("priority", "priority.mild", f"P4: {', '.join(cues)}", round(score, 2)))
            return "P4"
        return "P3"

    def _department(
        self, t: _Text, category: str, priority: str, confidence: float, uncertain: bool,
        channel: str, customer_tier: str, product: str | None, expl: list[Explanation],
    ) -> tuple[str, str, str, str]:
        """(category, department, best-guess department, priority) after the routing rules (first
        match wins; it may set the category and raise the priority), else the category's
        department, or the triage queue with the category's department as its best guess."""
        rs = self.rules
        department = rs.categories[category].department
        for rule in rs.routing_rules:
            if self._rule_applies(rule, t.norm, category, channel, t.language, customer_tier, priority, product, uncertain):
                if rule.category:
                    category = rule.category
                    department = rs.categories[category].department
                if rule.priority_at_least and PRIORITY_ORDER[rule.priority_at_least] < PRIORITY_ORDER[priority]:
                    priority = rule.priority_at_least
                    expl.append(Explanation("priority", rule.id, f"raised to {priority}"))
                if rule.department:
                    department = rule.department
                expl.append(Explanation("department", rule.id, f"{category} -> {department}"))
                return category, department, department, priority
        if uncertain:
            expl.append(
                Explanation(
                    "triage", "triage.low_confidence",
                    f"confidence {confidence:.2f} < {rs.confidence_threshold:.2f}; best guess {category} -> {department}; "
                    f"waits in the {rs.triage_department} queue", confidence,
                )
            )
            return category, rs.triage_department, department, priority
        expl.append(Explanation("department", "taxonomy", f"{category} -> {department}"))
        return category, department, department, priority

    def _handling(self, t: _Text, category: str, hazard_hits: list) -> tuple[Motive | None, str]:
        """The customer's motive and the handling hint; a safety case gets the safety motive."""
        rs = self.rules
        if hazard_hits and rs.safety_motive is not None:
            # someone hurt or put at risk is cared for first, never read as a claimant
            motive: Motive | None = rs.safety_motive
        else:
            motive, _motive_cues = motive_of(rs, t.norm, t.raw, t.scripts, t.latin, t.possible)
        hint = rs.categories[category].handling_hint
        if motive is not None and motive is rs.safety_motive:
            hint = f"Safety first, someone was {motive.label}: {motive.advice} {hint}"
        elif motive is not None:
            hint = f"{hint} Customer seems {motive.label}: {motive.advice}"
        return motive, hint

    @staticmethod
    def _rule_applies(rule, norm, category, channel, language, tier, priority, product, uncertain) -> bool:
        w = rule.when

        def ok(key: str, value) -> bool:
            if key not in w:
                return True
            want = w[key]
            return value in want if isinstance(want, list) else value == want

        if not (
            ok("category", category)
            and ok("channel", channel)
            and ok("language", language)
            and ok("customer_tier", tier)
            and ok("priority", priority)
            and ok("uncertain", uncertain)
        ):
            return False
        if rule.product is not None and not (product and rule.product.search(product)):
            return False
        if rule.keywords is not None and not rule.keywords.find(norm):
            return False
        if rule.pattern is not None and not rule.pattern.search(norm):
            return False
        return True
