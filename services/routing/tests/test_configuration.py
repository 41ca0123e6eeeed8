"""rules.yaml, validity.yaml and calendar.yaml are read by the config adapter into typed models:
a misspelt key is an error that names it (before, each was silently ignored: the default applied)."""

from __future__ import annotations

import shutil

import pytest
import yaml
from routing.adapters.config_files import DEFAULT_CALENDAR, DEFAULT_RULES, DEFAULT_VALIDITY, read_calendar, read_rules, read_validity
from routing.domain.classification import Classifier
from routing.domain.configuration import CalendarConfig, ConfigError, RulesConfig, ValidityConfig, validated
from routing.domain.deadlines import DeadlinePolicy
from routing.domain.validity import ValidityJudge


def _write(tmp_path, source, change):
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_files_are_valid():
    assert isinstance(read_rules(), RulesConfig) and read_rules().categories
    assert isinstance(read_validity(), ValidityConfig) and read_validity().order_refs
    assert isinstance(read_calendar(), CalendarConfig) and set(read_calendar().sla) == {"P1", "P2", "P3", "P4"}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda raw: raw.update(hazard_rule=[]), "hazard_rule"),
        (lambda raw: raw["hazard_rules"][0].update(negatible=True), "hazard_rules.0.negatible"),
        (lambda raw: raw["model"].update(lexicon_wieght=0.5), "model.lexicon_wieght"),
        (lambda raw: raw["routing_rules"].append({"id": "z", "when": {"colour": "red"}}), "routing_rules.*when.colour"),
        (lambda raw: raw["categories"]["billing"].update(departement="x"), "categories.billing.departement"),
    ],
)
def test_a_misspelt_rules_key_is_an_error_naming_it(tmp_path, change, where):
    path = _write(tmp_path, DEFAULT_RULES, change)
    with pytest.raises(ConfigError, match=where.replace(".", r"\.").replace("*", r"\d+\.")):
        Classifier.from_config(path)


def test_financial_loss_names_only_known_categories(tmp_path):
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["financial_loss"].update(categories=["biling"]))
    with pytest.raises(ConfigError, match=r"financial_loss\.categories: \['biling'\]"):
        Classifier.from_config(path)


def test_hazard_cause_categories_name_only_known_categories(tmp_path):
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["model"].update(hazard_cause_categories=["service_atitude"]))
    with pytest.raises(ConfigError, match=r"model\.hazard_cause_categories: unknown categories \['service_atitude'\]"):
        Classifier.from_config(path)


def test_a_disputed_legal_confidence_below_the_triage_line_is_refused(tmp_path):
    """A legal hit the model disputes keeps its route; a confidence under the triage line would
    say "uncertain" of a decision that is not triaged."""
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["model"].update(legal_disputed_confidence=0.3))
    with pytest.raises(ConfigError, match=r"model\.legal_disputed_confidence: 0\.3 is below triage\.confidence_threshold 0\.4"):
        Classifier.from_config(path)


def test_a_pattern_in_traditional_characters_is_refused_naming_the_simplified_form(tmp_path):
    """Hand rules search the normalised text, which OpenCC has made Simplified: 唔使回覆 in a cue
    could never match (it reads 唔使回复 there), and sat unnoticed in the mild cues until rules
    2026.12.05-5."""
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["mild_rules"]["cues"].append({"weight": 2.0, "pattern": "唔使回覆"}))
    with pytest.raises(ConfigError, match=r"mild_rules: '唔使回覆' never matches.*'唔使回复'"):
        Classifier.from_config(path)


@pytest.mark.parametrize(("pattern", "written"), [("被[^，。]{0,6}烫到", "','"), ("ㅡㅡ", "'ᅳ'")])
def test_a_pattern_in_full_width_characters_is_refused_naming_the_folded_form(tmp_path, pattern, written):
    """normalise() width-folds the text (NFKC): its commas are ",", so "[^，。]" stops at no comma,
    and a bare jamo such as ㅡ is a conjoining one there. Until rules 2026.12.07-77 22 patterns
    held such characters, and a motive cue (ㅡㅡ) and a hypothetical marker (ㄹ까봐) never
    matched."""
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["hazard_rules"][0]["patterns"].append(pattern))
    with pytest.raises(ConfigError, match=rf"hazard_rules\.safety\.fire_smoke: .* never matches: .*width-folded.*write {written}"):
        Classifier.from_config(path)


def test_a_lexicon_tier_must_have_a_weight(tmp_path):
    path = _write(tmp_path, DEFAULT_RULES, lambda raw: raw["categories"]["billing"].update(lexicon={"strnog": ["invoice"]}))
    with pytest.raises(ConfigError, match="strnog"):
        read_rules(path)


def test_a_misspelt_validity_key_is_an_error_naming_it(tmp_path):
    path = _write(tmp_path, DEFAULT_VALIDITY, lambda raw: raw["similarity"].update(duplicate_treshold=0.5))
    with pytest.raises(ConfigError, match=r"similarity\.duplicate_treshold"):
        ValidityJudge.from_config(path)
    with pytest.raises(ConfigError, match="simlarity"):
        ValidityJudge.from_dict({"simlarity": {}})


def test_a_misspelt_calendar_key_is_an_error_naming_it(tmp_path):
    path = _write(tmp_path, DEFAULT_CALENDAR, lambda raw: raw.update(working_hour={"start": "08:00"}))
    with pytest.raises(ConfigError, match="working_hour"):
        DeadlinePolicy.from_config(path)
    with pytest.raises(ConfigError, match=r"sla\.P1\.acknowlege"):
        DeadlinePolicy.from_dict({"sla": {"P1": {"acknowlege": "1h", "resolve": "1d"}}})


def test_not_yaml_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules\.yaml"):
        read_rules(path)


# --- lexicon files ------------------------------------------------------------------------


def _config_copy(tmp_path):
    """The shipped rules.yaml with its lexicon folder, in tmp_path."""
    shutil.copytree(DEFAULT_RULES.parent / "lexicon", tmp_path / "lexicon")
    shutil.copy(DEFAULT_RULES, tmp_path / "rules.yaml")
    return tmp_path / "rules.yaml"


def _append(file, tier, term):
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data.setdefault(tier, []).append(term)
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_lexicon_is_read_from_one_file_per_language_and_category():
    folder = DEFAULT_RULES.parent / "lexicon"
    assert sorted(p.name for p in folder.iterdir()) == ["en", "ko", "zh"]
    rules = read_rules()
    assert rules.lexicon_dir is None  # merged: the domain gets the terms, not a folder
    in_files = sum(len(terms or []) for f in folder.glob("*/*.yaml") for terms in yaml.safe_load(f.read_text(encoding="utf-8")).values())
    assert in_files == sum(len(terms or []) for c in rules.categories.values() for terms in c.lexicon.values()) == 3494
    assert "质量问题" in rules.categories["product_quality"].lexicon["key"]


def test_a_term_twice_in_a_category_is_refused(tmp_path):
    path = _config_copy(tmp_path)
    _append(tmp_path / "lexicon" / "zh" / "product_quality.yaml", "weak", "質量問題")  # = 质量问题 once normalised
    with pytest.raises(ConfigError, match=r"质量问题|質量問題") as info:
        read_rules(path)
    assert "zh/product_quality.yaml" in str(info.value) and "once per category" in str(info.value)


def test_the_same_term_in_two_categories_is_allowed(tmp_path):
    path = _config_copy(tmp_path)
    _append(tmp_path / "lexicon" / "en" / "billing.yaml", "weak", "wrong item")  # also a delivery term
    assert "wrong item" in read_rules(path).categories["billing"].lexicon["weak"]


def test_a_term_in_another_languages_file_is_refused(tmp_path):
    path = _config_copy(tmp_path)
    _append(tmp_path / "lexicon" / "en" / "billing.yaml", "weak", "환불")
    with pytest.raises(ConfigError, match="not a en term"):
        read_rules(path)


def test_a_lexicon_file_of_an_unknown_category_is_refused(tmp_path):
    path = _config_copy(tmp_path)
    (tmp_path / "lexicon" / "en" / "biling.yaml").write_text("weak: [invoice]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no category 'biling'"):
        read_rules(path)


def test_an_inline_duplicate_is_refused_too():
    raw = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    del raw["lexicon_dir"]
    raw["categories"]["billing"]["lexicon"] = {"key": ["refund"], "weak": ["Refund"]}
    with pytest.raises(ConfigError, match="once per category"):
        validated(RulesConfig, raw, "rules")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["hazard_rules"][0].update(evidence_for="servce_attitude"), r"hazard_rules\.safety\.fire_smoke\.evidence_for: 'servce_attitude' is not a category"),
        (lambda raw: raw["legal_rules"][0].update(evidence_for="billing"), r"legal_rules\.legal\.lawyer_court\.evidence_for: only hazard rules and hazard causes"),
        (lambda raw: raw["hazard_causes"][0].pop("evidence_for"), r"hazard_causes\.cause\.staff_conduct\.evidence_for: a hazard cause names the category"),
        # a pattern is searched only in texts of its script: an English alternative in a Chinese
        # pattern, or Korean in a Chinese one, would never run (rules 2026.12.06-35)
        (lambda raw: raw["hazard_causes"][0]["patterns"].append("司机打瞌睡|\\bdozed off\\b"), r"hazard_causes\.cause\.staff_conduct\.patterns: a pattern mixes scripts"),
        (lambda raw: raw["legal_rules"][0]["patterns"].append("律师|변호사"), r"legal_rules\.legal\.lawyer_court\.patterns: a pattern mixes scripts"),
    ],
)
def test_hazard_evidence_names_a_known_category_and_only_hazards_carry_it(tmp_path, change, message):
    path = _write(tmp_path, DEFAULT_RULES, change)
    with pytest.raises(ConfigError, match=message):
        Classifier.from_config(path)
