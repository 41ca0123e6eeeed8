"""Leave-one-industry-out evaluation (routing.evaluation.loio) and its industry sidecar."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from routing import cli
from routing.domain.classification import Classifier
from routing.evaluation import loio
from routing.evaluation.metrics import read_jsonl

DATA = Path(__file__).parent / "data"
DEV = Path(__file__).resolve().parents[3].parent / "shared" / "routing-eval" / "dev.jsonl"
SETS = sorted(DATA.glob("other_industries*.jsonl"))


def test_every_labelled_record_has_an_industry():
    industries = loio.read_industries()
    files = SETS + ([DEV] if DEV.exists() else [])
    ids = [str(r["id"]) for r in read_jsonl(files)]
    assert [i for i in ids if i not in industries] == []
    assert len(set(industries.values())) >= 8
    about = json.loads(loio.DEFAULT_INDUSTRIES.read_text(encoding="utf-8"))["about"]
    assert "assigned" in about


def _record_training_sets(monkeypatch) -> list[set[str]]:
    """The record ids each `loio.fit` call trains on, in call order (one call per industry)."""
    trained_on: list[set[str]] = []
    real_fit = loio.fit

    def spy(train, rules, **kw):
        trained_on.append({str(r["id"]) for r in train})
        return real_fit(train, rules, **kw)

    monkeypatch.setattr(loio, "fit", spy)
    return trained_on


def test_the_held_out_industry_is_never_in_the_training_data(monkeypatch):
    records = read_jsonl([DATA / "other_industries.jsonl", DATA / "other_industries_blind.jsonl"])
    industries = {str(r["id"]): loio.read_industries()[str(r["id"])] for r in records}
    trained_on = _record_training_sets(monkeypatch)
    result = loio.leave_one_industry_out(records, industries, Classifier.from_config().rules)
    names = sorted({industries[str(r["id"])] for r in records})
    assert list(result["industries"]) == names
    for name, train_ids in zip(names, trained_on, strict=True):
        held_out = {i for i, industry in industries.items() if industry == name}
        assert not (held_out & train_ids)
        assert train_ids | held_out == set(industries)
    assert result["overall"]["overall"]["n"] == len(records)
    assert set(result["overall"]["p1_by_language"]) == {"zh-Hans", "zh-Hant", "ko", "en", "overall"}


def test_a_record_that_names_its_industry_is_held_out_with_it(monkeypatch):
    """The blind sets of unseen trades carry their trade in an `industry` field: each trade is
    held out in turn beside the sidecar's industries, and the sidecar wins where both speak."""
    records = read_jsonl([DATA / "other_industries.jsonl", DATA / "unseen_industries_blind5.jsonl"])
    sidecar = loio.read_industries()
    industries = loio.industries_for(records, sidecar)
    own = {str(r["id"]): r["industry"] for r in records if r.get("industry")}
    assert own and all(industries[i] == trade for i, trade in own.items())
    assert all(industries[i] == sidecar[i] for i in industries if i in sidecar)
    assert loio.industries_for([{"id": "x", "industry": "mine"}], {"x": "sidecar's"}) == {"x": "sidecar's"}
    trained_on = _record_training_sets(monkeypatch)
    result = loio.leave_one_industry_out(records, industries, Classifier.from_config().rules)
    assert set(own.values()) <= set(result["industries"])
    assert result["without_industry"] == []
    for name, train_ids in zip(result["industries"], trained_on, strict=True):
        assert not {i for i, industry in industries.items() if industry == name} & train_ids


def test_evaluate_prints_leave_one_industry_out_per_language(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    files = [str(DATA / "other_industries.jsonl"), str(DATA / "other_industries_blind.jsonl")]
    code = cli.main(["evaluate", *files, "--leave-one-industry-out"])
    out = capsys.readouterr().out
    assert code == 0
    assert "leave-one-industry-out" in out and "cannot be un-tuned" in out
    for word in ("zh-Hans", "zh-Hant", "ko", "en", "P1 recall", "P1 prec."):
        assert word in out


@pytest.mark.parametrize("bad", ['{"records": []}', "[]"])
def test_a_malformed_sidecar_is_refused(tmp_path, bad):
    path = tmp_path / "industries.json"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match="records"):
        loio.read_industries(path)


def test_held_out_lexicon_drops_the_terms_only_the_held_out_industry_holds():
    """--hold-out-lexicon: a term found only in the held-out industry's records is removed; one
    that another industry's records hold too, or that no record holds, stays."""
    from routing.adapters.config_files import read_rules
    from routing.domain.classification.config import compile_rules

    config = read_rules(None)
    rules = compile_rules(config)
    records = [
        {"id": "a", "text": "The courier never turned up and the parcel is lost."},
        {"id": "b", "text": "The removal van never turned up."},
        {"id": "c", "text": "I was charged twice on my card."},
    ]
    seen = loio.terms_by_industry(records, {"a": "parcels", "b": "removals", "c": "banking"}, rules)
    assert seen["never turned up"] == {"parcels", "removals"} and seen["courier"] == {"parcels"}
    only_parcels = {t for t, where in seen.items() if where == {"parcels"}}
    held_out = compile_rules(loio.without_terms(config, only_parcels))
    assert "courier" not in held_out.lexicon.weights and "never turned up" in held_out.lexicon.weights
    assert "refund" in held_out.lexicon.weights  # in no record: kept (general knowledge)
    assert len(held_out.lexicon.weights) == len(rules.lexicon.weights) - len(only_parcels)


def test_industry_folds_deal_every_industry_into_one_group_the_same_way_each_time():
    names = [f"trade_{i:03d}" for i in range(50)]
    groups = loio.industry_groups(reversed(names), 4)
    assert list(groups) == [f"fold {i} of 4 ({len(g)})" for i, g in enumerate(groups.values(), 1)]
    dealt = [name for group in groups.values() for name in group]
    assert sorted(dealt) == names  # each industry in exactly one group
    assert {len(g) for g in groups.values()} <= {12, 13}
    assert groups == loio.industry_groups(names, 4)
    assert groups["fold 1 of 4 (13)"] != names[:13]  # dealt by hash, not alphabet
    few = loio.industry_groups(["a", "b"], 5)  # fewer industries than folds: no empty group
    assert list(few) == ["fold 1 of 2 (1)", "fold 2 of 2 (1)"] and sorted(few["fold 1 of 2 (1)"] + few["fold 2 of 2 (1)"]) == ["a", "b"]
    assert loio.industry_groups(["a", "b"]) == {"a": ["a"], "b": ["b"]}
    with pytest.raises(ValueError, match="at least 2"):
        loio.industry_groups(names, 1)


def test_a_held_out_group_is_never_in_the_training_data_nor_its_own_terms_in_the_lexicon(monkeypatch):
    records = read_jsonl([DATA / "other_industries.jsonl", DATA / "unseen_industries_blind5.jsonl"])
    ids = {str(r["id"]) for r in records}
    industries = {i: trade for i, trade in loio.industries_for(records, loio.read_industries()).items() if i in ids}
    from routing.adapters.config_files import read_rules

    rules = Classifier.from_config().rules
    seen = loio.terms_by_industry(records, industries, rules)
    trained_on = _record_training_sets(monkeypatch)
    result = loio.leave_one_industry_out(records, industries, rules, rules_config=read_rules(None), folds=3)
    groups = loio.industry_groups(set(industries.values()), 3)
    assert list(result["industries"]) == list(groups)
    for (name, group), train_ids in zip(groups.items(), trained_on, strict=True):
        held_out = {i for i, industry in industries.items() if industry in group}
        assert held_out and not held_out & train_ids
        assert train_ids | held_out == ids
        assert result["industries"][name]["overall"]["n"] == len(held_out)
        assert result["industries"][name]["lexicon_terms_held_out"] == len(loio.terms_only_in(seen, set(group))) > 0
    assert result["overall"]["overall"]["n"] == len(records)
    assert "3 groups" in result["caveat"]


def test_a_term_two_held_out_industries_share_is_held_out_with_them():
    seen = {"courier": {"parcels"}, "van": {"parcels", "removals"}, "charged twice": {"parcels", "banking"}}
    assert loio.terms_only_in(seen, {"parcels"}) == {"courier"}
    assert loio.terms_only_in(seen, {"parcels", "removals"}) == {"courier", "van"}


def test_evaluate_prints_grouped_leave_one_industry_out(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    files = [str(DATA / "other_industries.jsonl"), str(DATA / "other_industries_blind.jsonl")]
    assert cli.main(["evaluate", *files, "--industry-folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "fold 1 of 2" in out and "fold 2 of 2" in out and "in 2 groups" in out
    assert cli.main(["evaluate", *files, "--industry-folds", "1"]) == 2
    assert "at least 2" in capsys.readouterr().err
