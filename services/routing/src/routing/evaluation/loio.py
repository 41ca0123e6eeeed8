"""Leave-one-industry-out evaluation: for each industry, retrain the category model without its
records and score the full decision (rules + retrained model) on them.

With `folds`, the industries are dealt into that many groups and each group is held out at once
(grouped k-fold): with thousands of industries one model per industry takes days, ten take
minutes, and every record is still scored by a model and lexicon that never saw its industry.

The lexicons and hand rules cannot be un-tuned: they were written by people who had read every
labelled set, so these figures are still optimistic for an industry nobody has seen.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from routing.domain.classification import Classifier
from routing.domain.classification.config import RuleSet, compile_rules
from routing.domain.classification.signals import lexicon_scores
from routing.domain.configuration import RulesConfig
from routing.domain.normalise import normalise
from routing.evaluation.metrics import classify_record, decision_dict, score
from routing.training import fit, load_model

DEFAULT_INDUSTRIES = Path(__file__).resolve().parents[3] / "tests" / "data" / "industries.json"
CAVEAT = (
    "model retrained without each held-out industry; lexicons and hand rules were tuned on all "
    "labelled sets and cannot be un-tuned, so these figures are optimistic for an unseen industry"
)
CAVEAT_HELD_OUT_LEXICON = (
    "model retrained and lexicon terms that only the held-out industry's records contain removed, "
    "for each held-out industry (the lexicon as if its authors had never read that industry); "
    "hand rules (hazards, legal, routing rules) kept as they are"
)


def _record_text(rec: dict) -> str:
    subject = rec.get("subject") or ""
    return normalise(f"{subject}\n{rec.get('text', '')}" if subject else rec.get("text", ""))


def terms_by_industry(records: list[dict], industries: Mapping[str, str], rules: RuleSet) -> dict[str, set[str]]:
    """lexicon term (as matched) -> the industries whose labelled records contain it."""
    seen: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        industry = industries.get(str(rec.get("id")))
        if industry is None:
            continue
        _scores, matched = lexicon_scores(rules, _record_text(rec))
        for terms in matched.values():
            for term in terms:
                seen[term].add(industry)
    return seen


def terms_only_in(seen: Mapping[str, set[str]], held_out: set[str]) -> set[str]:
    """The lexicon terms that no labelled record outside the `held_out` industries contains."""
    return {term for term, where in seen.items() if where <= held_out}


def industry_groups(industries: Iterable[str], folds: int | None = None) -> dict[str, list[str]]:
    """held-out group name -> its industries: each industry alone, or with `folds`, the industries
    dealt into that many groups in the order of a hash of their names, so that the groups are the
    same on every run and machine and do not follow the alphabet (sets name trades alike)."""
    names = sorted(set(industries))
    if not folds:
        return {name: [name] for name in names}
    if folds < 2:
        raise ValueError("--industry-folds needs at least 2 groups")
    by_hash = sorted(names, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    dealt = [sorted(by_hash[i::folds]) for i in range(min(folds, len(names)))]
    return {f"fold {i + 1} of {len(dealt)} ({len(group)})": group for i, group in enumerate(dealt)}


def without_terms(config: RulesConfig, drop: set[str]) -> RulesConfig:
    """`config` with the lexicon terms in `drop` (as matched: normalised, without `*`) left out."""
    categories = {}
    for name, spec in config.categories.items():
        lexicon = {
            tier: [w for w in words or [] if normalise(str(w)).strip().rstrip("*") not in drop]
            for tier, words in spec.lexicon.items()
        }
        categories[name] = spec.model_copy(update={"lexicon": lexicon})
    return config.model_copy(update={"categories": categories})


def read_industries(path: Path | str = DEFAULT_INDUSTRIES) -> dict[str, str]:
    """record id -> industry, from the sidecar file (see its `about`)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, dict):
        raise ValueError(f"{path}: needs a `records` object of record id -> industry")
    return {str(k): str(v) for k, v in records.items()}


def industries_for(records: list[dict], sidecar: Mapping[str, str]) -> dict[str, str]:
    """record id -> industry: the sidecar's, else the record's own `industry` field (the blind
    sets of unseen trades carry theirs), so each of those trades is held out in turn too."""
    own = {str(r["id"]): str(r["industry"]) for r in records if r.get("industry")}
    return own | dict(sidecar)


def p1_by_language(pairs: list[tuple[dict, dict]]) -> dict[str, dict]:
    """P1 recall and precision per language and overall."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for rec, dec in pairs:
        gold, pred = rec["expected"]["priority"] == "P1", dec["priority"] == "P1"
        for key in (rec.get("language") or dec.get("language") or "?", "overall"):
            counts[key]["tp"] += gold and pred
            counts[key]["fn"] += gold and not pred
            counts[key]["fp"] += pred and not gold
    out = {}
    for key, c in sorted(counts.items(), key=lambda kv: (kv[0] == "overall", kv[0])):
        out[key] = {
            "recall": round(c["tp"] / ((c["tp"] + c["fn"]) or 1), 4),
            "precision": round(c["tp"] / ((c["tp"] + c["fp"]) or 1), 4),
            "tp": c["tp"], "fn": c["fn"], "fp": c["fp"],
        }
    return out


def decision_of(classifier: Classifier, rec: dict) -> dict:
    return decision_dict(classify_record(classifier, rec))


def leave_one_industry_out(
    records: list[dict],
    industries: Mapping[str, str],
    rules: RuleSet,
    *,
    rules_config: RulesConfig | None = None,
    folds: int | None = None,
    **fit_kw,
) -> dict:
    """Per held-out industry (or group of industries, with `folds`) and overall: department/
    category/priority accuracy by language and P1 recall/precision by language. Records without
    an industry are reported, not scored.

    With `rules_config` (the configuration `rules` was compiled from), the lexicon is held out
    too: the terms that only the held-out industries' records contain are removed before the
    model is trained and the industries scored, which is what its authors would have written
    without reading them. Terms no labelled record contains stay (written from general knowledge)."""
    by_industry: dict[str, list[dict]] = defaultdict(list)
    missing = []
    for rec in records:
        industry = industries.get(str(rec.get("id")))
        if industry is None:
            missing.append(rec.get("id"))
        else:
            by_industry[industry].append(rec)
    all_pairs: list[tuple[dict, dict]] = []
    per_industry = {}
    seen = terms_by_industry(records, industries, rules) if rules_config is not None else {}
    for name, group in industry_groups(by_industry, folds).items():
        group_set = set(group)
        held_out = [r for industry in group for r in by_industry[industry]]
        train = [r for other, recs in by_industry.items() if other not in group_set for r in recs]
        industry_rules, dropped = rules, 0
        if rules_config is not None:
            drop = terms_only_in(seen, group_set)
            industry_rules, dropped = compile_rules(without_terms(rules_config, drop)), len(drop)
        classifier = Classifier(industry_rules, load_model(fit(train, industry_rules, **fit_kw)))
        pairs = [(rec, decision_of(classifier, rec)) for rec in held_out]
        all_pairs += pairs
        per_industry[name] = {**score(pairs), "p1_by_language": p1_by_language(pairs), "trained_on": len(train),
                              "industries_held_out": len(group), "lexicon_terms_held_out": dropped}
    caveat = CAVEAT_HELD_OUT_LEXICON if rules_config is not None else CAVEAT
    if folds:
        caveat += f"; the {len(by_industry)} industries held out in {len(per_industry)} groups, not one at a time"
    return {
        "caveat": caveat,
        "industries": per_industry,
        "overall": {**score(all_pairs), "p1_by_language": p1_by_language(all_pairs)},
        "without_industry": missing,
        "pairs": all_pairs,
    }


def format_loio(result: dict) -> str:
    lines = ["leave-one-industry-out (" + result["caveat"] + ")"]
    lines.append(f"{'held out':<20} {'n':>4} {'department':>11} {'category':>9} {'priority':>9} {'P1 recall':>10} {'P1 prec.':>9}")
    for name, m in result["industries"].items():
        o, p1 = m["overall"], m["p1"]
        lines.append(
            f"{name:<20} {o['n']:>4} {o['department']*100:>10.1f}% {o['category']*100:>8.1f}% {o['priority']*100:>8.1f}%"
            f" {p1['recall']*100:>9.1f}% {p1['precision']*100:>8.1f}%"
        )
    overall = result["overall"]
    lines.append("by language, all held-out industries together:")
    lines.append(f"{'language':<20} {'n':>4} {'department':>11} {'category':>9} {'priority':>9} {'P1 recall':>10} {'P1 prec.':>9} {'triage':>7}")
    rows = list(overall["by_language"].items()) + [("overall", overall["overall"])]
    for name, m in rows:
        p1 = overall["p1_by_language"].get(name, {"recall": 0.0, "precision": 0.0})
        lines.append(
            f"{name:<20} {m['n']:>4} {m['department']*100:>10.1f}% {m['category']*100:>8.1f}% {m['priority']*100:>8.1f}%"
            f" {p1['recall']*100:>9.1f}% {p1['precision']*100:>8.1f}% {m.get('triage', 0.0)*100:>6.1f}%"
        )
    if result["without_industry"]:
        lines.append(f"not scored (no industry in the sidecar or the record): {len(result['without_industry'])} records")
    return "\n".join(lines)
