"""training.fit: what names a model (its version's digest)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from routing import training
from routing.domain.classification.config import load_rules
from routing.evaluation.metrics import read_jsonl

DATA = Path(__file__).parent / "data"


def _digest(artefact: dict) -> str:
    return artefact["version"].rsplit("-", 1)[1]


def test_the_version_names_the_rules_and_the_personal_data_labels(monkeypatch):
    """The same records trained under other rules, or with another rule defining personal data,
    train other weights; they must not share a version (one unshipped retrain once did)."""
    records = read_jsonl([DATA / "other_industries.jsonl", DATA / "other_industries_blind.jsonl"])
    rules = load_rules()
    shipped = _digest(training.fit(records, rules))
    assert _digest(training.fit(records, rules)) == shipped
    assert _digest(training.fit(records, dataclasses.replace(rules, version="other"))) != shipped
    monkeypatch.setattr(training, "PERSONAL_DATA_RULE", "legal.lawyer_court")
    assert _digest(training.fit(records, rules)) != shipped
