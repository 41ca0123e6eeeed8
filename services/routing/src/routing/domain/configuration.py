"""The configuration routing's domain is built from, as typed models: rules.yaml (`RulesConfig`),
validity.yaml (`ValidityConfig`) and calendar.yaml (`CalendarConfig`).

Each model names every key its file may hold, with its default; a key it does not name (a
misspelt one) is an error that says where it is. The files are read and validated by
`routing.adapters.config_files`; the domain compiles what it gets here (regexes, lexicons,
durations) and never sees a raw mapping.
"""

from __future__ import annotations

from typing import Any, TypeVar

from complaints_shared.business_calendar import CalendarFile
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .normalise import HAN, HANGUL, normalise

__all__ = ["CalendarConfig", "ConfigError", "RulesConfig", "ValidityConfig", "validated"]


class ConfigError(ValueError):
    """A configuration file or mapping routing cannot use; the message says where."""


class _Config(BaseModel):
    """Unknown keys are errors; numbers written where text is expected are read as text (a
    version 2026.1, a phone number); a key written with no value (null) counts as absent."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


_C = TypeVar("_C", bound=_Config)


def validated(model: type[_C], data: Any, where: str) -> _C:
    """`data` as `model`, or a ConfigError naming `where` and each bad key's place."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise ConfigError(f"{where}: {problems}") from exc


# --- rules.yaml ---------------------------------------------------------------------------


class CategoryConfig(_Config):
    department: str
    description: str = ""
    handling_hint: str = ""
    # tier (a key of lexicon_weights) -> terms; the shipped terms live in config/lexicon/
    lexicon: dict[str, list[str] | None] = Field(default_factory=dict)


class HandRuleConfig(_Config):
    id: str | None = None
    description: str = ""
    patterns: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    negatable: bool = False
    hypothetical_needs: list[str] = Field(default_factory=list)
    # legal rules: a match in a sentence where the customer says they will not go there
    # (`declined.markers`, in that sentence or the next) does not count
    declinable: bool = False
    # hazard rules of a harm to the body: a match told as coming from somewhere else
    # (`harm_elsewhere`) does not count
    elsewhere_possible: bool = False
    # hazard rules (optional) and hazard causes (required): the category a match is evidence of,
    # instead of model.hazard_category (a driver nodding off is a service failure, not a product's)
    evidence_for: str | None = None


class RoutingConditions(_Config):
    """`when` of a routing rule: every condition written must hold (a list: any of its values)."""

    category: str | list[str] | None = None
    channel: str | list[str] | None = None
    language: str | list[str] | None = None
    customer_tier: str | list[str] | None = None
    priority: str | list[str] | None = None
    uncertain: bool | list[bool] | None = None
    product: str | None = None  # a regex searched in the product name
    keywords: str | list[str] | None = None
    pattern: str | None = None  # a regex searched in the normalised text


class RoutingRuleConfig(_Config):
    id: str | None = None
    enabled: bool = True
    when: RoutingConditions = Field(default_factory=RoutingConditions)
    department: str | None = None
    category: str | None = None
    priority_at_least: str | None = None


class MotiveConfig(_Config):
    id: str
    label: str | None = None
    advice: str = ""
    min_score: int = 1
    cues: list[str] = Field(default_factory=list)


class SafetyMotiveConfig(_Config):
    id: str
    label: str | None = None
    advice: str = ""


class TriageConfig(_Config):
    department: str = "triage"
    confidence_threshold: float = 0.4


class ModelBlendConfig(_Config):
    weight: float = 0.5
    lexicon_weight: float = 0.5
    lexicon_temperature: float = 1.0
    lexicon_prior: float = 0.0
    legal_requires_rule: bool = True
    hazard_category: str | None = None
    hazard_bonus: float = 0.0
    # When no hazard rule or cause names what caused a hazard, the model's hazard-cause part
    # may: if its most likely cause is one of these categories, with at least this probability,
    # the bonus goes there (staff who caused harm in words no cause rule holds). Empty, or a
    # model without that part: the bonus always goes to hazard_category.
    hazard_cause_categories: list[str] = Field(default_factory=list)
    hazard_cause_min_probability: float = 1.0
    # When no hazard rule matched, the model's hazard detector may still find a safety case told
    # in words no rule holds: at this probability or more it counts as a hazard hit (P1, the
    # hazard bonus, the safety motive). None, or a model without a detector: rules alone.
    hazard_model_min_probability: float | None = None
    # When no legal rule matched, the model's personal-data detector may still find personal
    # data leaked or misused, told in words no rule holds: at this probability or more the
    # complaint is legal_regulatory (P1, the legal department). None, or a model without that
    # detector: legal rules alone.
    personal_data_model_min_probability: float | None = None
    # A legal hand rule decides the category at confidence 0.95, unless the model reads the
    # complaint as legal with less than this probability: then the two disagree and the decision
    # gets legal_disputed_confidence instead (same category, department and priority). None:
    # the rule's confidence always.
    legal_disputed_below: float | None = None
    legal_disputed_confidence: float = 0.5


class NegationConfig(_Config):
    before_zh: str = "(?!)"
    before_en: str = "(?!)"
    after_ko: str = "(?!)"
    window_before: int = 6
    window_before_words: int = 4
    window_after: int = 8


class HypotheticalConfig(_Config):
    markers: str = "(?!)"
    window_before: int = 14


class HarmOverConfig(_Config):
    # a hazard told in a sentence with one of these markers is over or never was; so is one told
    # in a sentence in the past (`past`) just before a sentence with a marker, and one the customer
    # concedes in one of the next two sentences was a false alarm (`false_alarm`), whatever its tense
    markers: str = "(?!)"
    past: str = "(?!)"
    false_alarm: str = "(?!)"


class HarmElsewhereConfig(_Config):
    # an injury or illness that came from somewhere else (a sport, a trip, work, the commute, a
    # meal out) and is told as the reason for a request: one of `activities` next to the match in
    # its clause, at most `gap` characters between them (`gap_zh` in Chinese, where no body part
    # or particle stands between: 打球摔断了; 爬山时鞋底脱落摔伤 is the product's), and none of
    # `involved` (the product or the business brought in: "playing football with your ball") in
    # that clause
    activities: str = "(?!)"
    involved: str = "(?!)"
    gap: int = 12
    gap_zh: int = 3


class DeclinedConfig(_Config):
    # the customer says they will not take it to a lawyer, court or regulator ("no intention of
    # taking this anywhere", 无意将事情闹大): a declinable legal rule's match beside one is no case
    markers: str = "(?!)"


class FinancialLossConfig(_Config):
    thresholds: dict[str, float] = Field(default_factory=dict)
    dollar_by_language: dict[str, str] = Field(default_factory=dict)
    yuan_by_language: dict[str, str] = Field(default_factory=dict)
    # The categories in which a large amount is money the customer lost; elsewhere (a question,
    # a conduct complaint, an advertising claim) it is the price of what they bought. None: all.
    categories: list[str] | None = None
    # The customer says no money was lost: then no amount counts.
    no_loss_pattern: str = "(?!)"


class MildCueConfig(_Config):
    pattern: str
    weight: float = 1.0


class MildRulesConfig(_Config):
    threshold: float = 2.0
    cues: list[MildCueConfig] = Field(default_factory=list)
    demand_pattern: str = "(?!)"


class MainCauseConfig(_Config):
    """Two grievances, one main cause: what the customer sets aside weighs less in the lexicon
    vote, what they call the main one more. A term counts with the highest weight of its
    occurrences; the statistical model still reads the whole text."""

    # "but that's not the issue", 倒是其次, 그건 넘어가: the text before it, back to the start of
    # its sentence (of the sentence before, when the marker opens a sentence of its own)
    aside_pattern: str = "(?!)"
    aside_weight: float = 1.0
    # "the main reason", 主要是, 중요한 건: the text after it, to the end of its sentence
    main_pattern: str = "(?!)"
    main_weight: float = 1.0


class RulesConfig(_Config):
    version: str
    categories: dict[str, CategoryConfig]
    lexicon_weights: dict[str, float] = Field(default_factory=lambda: {"strong": 2.0, "weak": 1.0})
    # folder of lexicon/<en|ko|zh>/<category>.yaml files, merged into the categories' lexicons
    # by the config adapter (the model it hands over holds them inline and no folder)
    lexicon_dir: str | None = None
    triage: TriageConfig = Field(default_factory=TriageConfig)
    model: ModelBlendConfig = Field(default_factory=ModelBlendConfig)
    negation: NegationConfig = Field(default_factory=NegationConfig)
    hypothetical: HypotheticalConfig = Field(default_factory=HypotheticalConfig)
    harm_over: HarmOverConfig = Field(default_factory=HarmOverConfig)
    harm_elsewhere: HarmElsewhereConfig = Field(default_factory=HarmElsewhereConfig)
    declined: DeclinedConfig = Field(default_factory=DeclinedConfig)
    financial_loss: FinancialLossConfig = Field(default_factory=FinancialLossConfig)
    mild_rules: MildRulesConfig = Field(default_factory=MildRulesConfig)
    main_cause: MainCauseConfig = Field(default_factory=MainCauseConfig)
    motives: list[MotiveConfig] = Field(default_factory=list)
    safety_motive: SafetyMotiveConfig | None = None
    hazard_rules: list[HandRuleConfig] = Field(default_factory=list)
    # what caused a hazard another rule found (a marshal looking at his phone): no hazard alone
    hazard_causes: list[HandRuleConfig] = Field(default_factory=list)
    legal_rules: list[HandRuleConfig] = Field(default_factory=list)
    repeat_rules: list[HandRuleConfig] = Field(default_factory=list)
    routing_rules: list[RoutingRuleConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_tiers_and_single_terms(self) -> RulesConfig:
        for name, category in self.categories.items():
            seen: dict[str, str] = {}
            for tier, terms in category.lexicon.items():
                if tier not in self.lexicon_weights:
                    raise ValueError(f"categories.{name}.lexicon: tier {tier!r} is not one of lexicon_weights {sorted(self.lexicon_weights)}")
                for term in terms or []:
                    key = normalise(term).strip()
                    if key and key in seen:
                        raise ValueError(f"categories.{name}.lexicon.{tier}: {term!r} is already in {seen[key]}; a term may appear once per category")
                    seen.setdefault(key, tier)
        if self.model.legal_disputed_below is not None and self.model.legal_disputed_confidence < self.triage.confidence_threshold:
            # a disputed legal hit keeps its route (never triaged): below the triage line its
            # confidence would say "uncertain" while the decision is not
            raise ValueError(
                f"model.legal_disputed_confidence: {self.model.legal_disputed_confidence} is below "
                f"triage.confidence_threshold {self.triage.confidence_threshold}"
            )
        unknown = sorted(set(self.financial_loss.categories or ()) - set(self.categories))
        if unknown:
            raise ValueError(f"financial_loss.categories: {unknown} are not categories {sorted(self.categories)}")
        sections = {"hazard_rules": self.hazard_rules, "hazard_causes": self.hazard_causes, "legal_rules": self.legal_rules, "repeat_rules": self.repeat_rules}
        for section, rules in sections.items():
            for i, rule in enumerate(rules):
                for pattern in rule.patterns:
                    _one_script(pattern, f"{section}.{rule.id or i}.patterns")
                where = f"{section}.{rule.id or i}.evidence_for"
                if rule.evidence_for is None:
                    if section == "hazard_causes":
                        raise ValueError(f"{where}: a hazard cause names the category it is evidence of")
                    continue
                if section not in ("hazard_rules", "hazard_causes"):
                    raise ValueError(f"{where}: only hazard rules and hazard causes add category evidence")
                if rule.evidence_for not in self.categories:
                    raise ValueError(f"{where}: {rule.evidence_for!r} is not a category {sorted(self.categories)}")
        return self


def _one_script(pattern: str, where: str) -> None:
    """A hand-rule pattern is searched only in texts of its script (one with Han in it only in
    Chinese texts, one with Hangul only in Korean ones): an English or Korean alternative written
    into a Chinese pattern would never run where it is meant to."""
    han, hangul = HAN.search(pattern) is not None, HANGUL.search(pattern) is not None
    if (han and hangul) or ((han or hangul) and "\\b" in pattern):
        raise ValueError(f"{where}: a pattern mixes scripts; write one pattern per script: {pattern[:60]!r}")


# --- validity.yaml ------------------------------------------------------------------------


class WindowsConfig(_Config):
    duplicate_hours: float = 72
    follow_up_days: float = 30
    consider_statuses: list[str] = Field(default_factory=lambda: ["open"])


class SimilarityConfig(_Config):
    shingle_cjk: int = 2
    shingle_other: int = 4
    sketch_size: int = 128
    min_shingles_containment: int = 8
    duplicate_threshold: float = 0.8
    follow_up_threshold: float = 0.4
    related_threshold: float = 0.20
    cue_threshold: float = 0.12


class PhraseGroupConfig(_Config):
    weight: float = 1.0
    phrases: list[str] = Field(default_factory=list)


class SpamConfig(_Config):
    threshold: float = 1.0
    link_weight: float = 0.3
    max_links: int = 3
    max_link_share: float = 0.5
    blocked_senders: list[str] = Field(default_factory=list)
    blocked_domains: list[str] = Field(default_factory=list)
    phrases: dict[str, PhraseGroupConfig] = Field(default_factory=dict)


class InvalidConfig(_Config):
    min_letter_share: float = 0.4
    min_cjk_chars: int = 2
    min_latin_letters: int = 4
    max_distinct_chars: int = 2
    min_repetition_length: int = 6
    mash_share: float = 0.6
    jamo_share: float = 0.6
    keyboard_runs: list[str] = Field(default_factory=list)


class ValidityConfig(_Config):
    version: str = "unversioned"
    windows: WindowsConfig = Field(default_factory=WindowsConfig)
    similarity: SimilarityConfig = Field(default_factory=SimilarityConfig)
    spam: SpamConfig = Field(default_factory=SpamConfig)
    invalid: InvalidConfig = Field(default_factory=InvalidConfig)
    order_refs: list[str] = Field(default_factory=list)
    earlier_complaint_cues: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _no_region_of_its_own(cls, data: Any) -> Any:
        if isinstance(data, dict) and "default_region" in data:
            # a second place for the region would let the judge and the directory disagree
            raise ValueError(
                "default_region is not a validity setting; set the service's "
                "default_phone_region (ROUTING_DEFAULT_PHONE_REGION) instead"
            )
        return data


# --- calendar.yaml ------------------------------------------------------------------------

# A duration: "30m", "4h", "2d"; or {duration: "2d", clock: calendar} to run on another clock.
Duration = str | dict[str, str]


class SlaConfig(_Config):
    clock: str = "business"
    acknowledge: Duration
    resolve: Duration


class CategoryDeadlinesConfig(_Config):
    parent: str | None = None
    acknowledge: Duration | None = None
    resolve: Duration | None = None
    department_reply: Duration | None = None


class TriageDeadlinesConfig(_Config):
    # How soon the triage queue must read an uncertain case and hand it to a department: its
    # acknowledge deadline (only ever brought forward: a P1 keeps its own, shorter one).
    acknowledge: Duration = "2h"


class CalendarConfig(CalendarFile, _Config):
    """The shared calendar keys (complaints_shared.business_calendar) plus routing's deadlines;
    unknown keys are errors here, as in the rest of routing's configuration."""

    version: str = "unversioned"
    sla: dict[str, SlaConfig] = Field(default_factory=dict)
    categories: dict[str, CategoryDeadlinesConfig] = Field(default_factory=dict)
    triage: TriageDeadlinesConfig = Field(default_factory=TriageDeadlinesConfig)
