"""Command line of the routing classifier: decide, evaluate, train, compare.

    python -m routing decide   < complaints.jsonl > decisions.jsonl
    python -m routing evaluate labelled.jsonl [--json] [--cv 10]
    python -m routing train    labelled.jsonl [more.jsonl ...] [--oversampled safety.jsonl ...] [--out PATH] [--folds 10]
    python -m routing compare  old_decisions.jsonl new_decisions.jsonl

Same code and default configuration as the service (rules.yaml + category_model.json
shipped in routing/config). `main(argv)` returns the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from routing.domain.classification import DEFAULT_MODEL, Classifier, ConfigError
from routing.evaluation.metrics import classify_record, compare, evaluate, format_table, labelled, read_jsonl

__all__ = ["compare", "decide", "main"]

CHANNELS = {"phone", "letter", "email", "sms", "web"}
LANGUAGES = {"zh-Hans", "zh-Hant", "ko", "en"}
TIERS = {"standard", "key_account"}


def _check_record(rec: object) -> str | None:
    """Why a decide input record is unusable, or None."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        return "text: missing or empty"
    if rec.get("channel") not in CHANNELS:
        return f"channel: must be one of {sorted(CHANNELS)}"
    lang = rec.get("language")
    if lang is not None and lang not in LANGUAGES:
        return f"language: must be one of {sorted(LANGUAGES)} or absent"
    tier = rec.get("customer_tier")
    if tier is not None and tier not in TIERS:
        return f"customer_tier: must be one of {sorted(TIERS)}"
    subject = rec.get("subject")
    if subject is not None and not isinstance(subject, str):
        return "subject: must be a string"
    return None


def decide(classifier: Classifier, stream_in: TextIO, stream_out: TextIO, stream_err: TextIO, *, full: bool = False) -> int:
    errors = 0
    for n, line in enumerate(stream_in, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            print(f"line {n}: not JSON: {exc}", file=stream_err)
            errors += 1
            continue
        problem = _check_record(rec)
        if problem:
            print(f"line {n}: {problem}", file=stream_err)
            errors += 1
            continue
        try:
            d = classify_record(classifier, rec)
        except Exception as exc:  # one bad record must not stop the others
            print(f"line {n}: could not classify: {exc}", file=stream_err)
            errors += 1
            continue
        out = {
            "id": rec.get("id"),
            # the decision keeps its best guess and says whether it is sure of it; `queue` is where
            # the service sends the case (the triage queue when uncertain, else the department)
            "department": d.best_guess_department or d.department,
            "category": d.category,
            "priority": d.priority,
            "confidence": d.confidence,
            "uncertain": d.uncertain,
            "queue": d.department,
            "best_guess_department": d.best_guess_department,  # kept for readers of the old output (= department)
            "explanation": [e.as_dict() for e in d.explanation],
        }
        if full:
            out.update(
                language=d.language,
                motive=d.motive,
                handling_hint=d.handling_hint,
                rules_version=d.rules_version,
                model_version=d.model_version,
            )
        stream_out.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if errors else 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m routing", description="Complaint classification and routing")
    sub = p.add_subparsers(dest="command", required=True)

    def config_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--rules", type=Path, default=None, help="rules YAML (default: the shipped rules.yaml)")
        sp.add_argument("--model", type=Path, default=None, help="model JSON (default: the shipped model)")

    sp = sub.add_parser("decide", help="classify JSONL complaints from stdin, one decision per line to stdout")
    config_args(sp)
    sp.add_argument("--full", action="store_true", help="also print uncertain, language, motive, hint, versions")

    sp = sub.add_parser("evaluate", help="accuracy of department, category, priority on labelled JSONL")
    config_args(sp)
    sp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.add_argument("--cv", type=int, default=0, metavar="K", help="also k-fold cross-validate the model on the files")
    sp.add_argument(
        "--leave-one-industry-out", action="store_true",
        help="also retrain the model without each industry and score it on that industry (per language)",
    )
    sp.add_argument(
        "--hold-out-lexicon", action="store_true",
        help="with --leave-one-industry-out: also remove the lexicon terms only the held-out industry's records contain",
    )
    sp.add_argument(
        "--industry-folds", type=int, default=None, metavar="K",
        help="leave-one-industry-out with the industries held out in K groups (one model per group, not per industry)",
    )
    sp.add_argument("--industries", type=Path, default=None,
                    help="record id -> industry sidecar (default: services/routing/tests/data/industries.json)")

    sp = sub.add_parser("train", help="retrain the category model from labelled JSONL files")
    config_args(sp)
    sp.add_argument("files", type=Path, nargs="+")
    sp.add_argument(
        "--oversampled", type=Path, nargs="+", default=[], metavar="FILE",
        help="more labelled files that over-represent some categories (the safety sets: 70 %% hazards): "
        "trained on, but the model's class prior comes from FILES only",
    )
    sp.add_argument("--out", type=Path, default=None, help="where to write the model (default: the shipped model)")
    sp.add_argument("--folds", type=int, default=10)
    sp.add_argument("--version", default=None, help="model version label (default: date + data hash)")
    sp.add_argument("--json", action="store_true")

    sp = sub.add_parser("compare", help="compare two decision files (old vs new) and count changes by field")
    sp.add_argument("old", type=Path)
    sp.add_argument("new", type=Path)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "compare":
            result = compare(read_jsonl([args.old]), read_jsonl([args.new]))
            print(json.dumps(result, ensure_ascii=False, indent=2))
            return 0
        classifier = Classifier.from_config(args.rules, args.model)
        if args.command == "decide":
            return decide(classifier, sys.stdin, sys.stdout, sys.stderr, full=args.full)
        if args.command == "evaluate":
            return _evaluate(classifier, args)
        if args.command == "train":
            return _train(classifier, args)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 2


def _evaluate(classifier: Classifier, args) -> int:
    records = labelled(read_jsonl(args.files))
    if not records:
        print("error: no labelled records (with `expected`)", file=sys.stderr)
        return 2
    files = [str(f) for f in args.files]
    result: dict[str, Any] = {"file": files[0] if len(files) == 1 else files, "rules_version": classifier.rules.version,
              "model_version": classifier.model.version if classifier.model else None,
              "shipped": evaluate(classifier, records)}
    from routing.evaluation.coverage import coverage_at_precision, format_coverage
    from routing.evaluation.loio import decision_of

    result["coverage"] = coverage_at_precision([(r, decision_of(classifier, r)) for r in records])
    if args.cv:
        from routing.training import cross_validate

        result["cross_validated"] = cross_validate(records, classifier.rules, k=args.cv)
    if args.leave_one_industry_out or args.industry_folds:
        from routing.evaluation.loio import DEFAULT_INDUSTRIES, industries_for, leave_one_industry_out, read_industries

        rules_config = None
        if args.hold_out_lexicon:
            from routing.adapters.config_files import read_rules

            rules_config = read_rules(args.rules)
        loio = leave_one_industry_out(
            records, industries_for(records, read_industries(args.industries or DEFAULT_INDUSTRIES)), classifier.rules,
            rules_config=rules_config, folds=args.industry_folds,
        )
        result["leave_one_industry_out_coverage"] = coverage_at_precision(loio.pop("pairs"))
        result["leave_one_industry_out"] = loio
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"rules {result['rules_version']}, model {result['model_version']}, {len(records)} records")
        print(format_table(result["shipped"], "shipped configuration:"))
        print(format_coverage(result["coverage"], "shipped configuration"))
        if args.cv:
            print()
            print(format_table(result["cross_validated"], f"{args.cv}-fold cross-validation (model retrained per fold):"))
        if "leave_one_industry_out" in result:
            from routing.evaluation.loio import format_loio

            print()
            print(format_loio(result["leave_one_industry_out"]))
            print(format_coverage(result["leave_one_industry_out_coverage"], "leave-one-industry-out"))
    return 0


def _train(classifier: Classifier, args) -> int:
    from routing.training import cross_validate, fit, load_model, save_artefact

    oversampled = labelled(read_jsonl(args.oversampled))
    oversampled_ids = frozenset(str(r["id"]) for r in oversampled if r.get("id"))
    records = labelled(read_jsonl(args.files)) + oversampled
    # later files win: a staff correction overrides an earlier label of the same id
    by_id: dict[str, dict] = {}
    anonymous: list[dict] = []
    for r in records:
        if r.get("id"):
            by_id[str(r["id"])] = r
        else:
            anonymous.append(r)
    records = list(by_id.values()) + anonymous
    if len({r["expected"]["category"] for r in records}) < 3:
        print("error: need labelled records of at least three categories", file=sys.stderr)
        return 2
    rules = classifier.rules
    before = evaluate(classifier, records)
    cv = cross_validate(records, rules, k=max(2, min(args.folds, len(records))), oversampled_ids=oversampled_ids)
    artefact = fit(records, rules, version=args.version, oversampled_ids=oversampled_ids)
    after = evaluate(Classifier(rules, load_model(artefact)), records)
    artefact["metrics"] = {"cross_validated": cv["overall"], "cv_p1": cv["p1"], "in_sample": after["overall"]}
    out = args.out or DEFAULT_MODEL
    save_artefact(artefact, out)
    if args.json:
        print(json.dumps({"before": before, "after_cv": cv, "after_in_sample": after, "model": str(out),
                          "version": artefact["version"]}, ensure_ascii=False, indent=2))
        return 0
    print(f"trained {artefact['version']} on {len(records)} records -> {out}")
    print(f"{'':<46} {'department':>11} {'category':>9} {'priority':>9}")
    rows = [
        (f"before (current model {classifier.model.version if classifier.model else 'none'})", before["overall"]),
        (f"after, {args.folds}-fold cross-validated", cv["overall"]),
        ("after, in-sample (optimistic)", after["overall"]),
    ]
    for name, m in rows:
        print(f"{name[:46]:<46} {m['department']*100:>10.1f}% {m['category']*100:>8.1f}% {m['priority']*100:>8.1f}%")
    d = cv["overall"]["category"] - before["overall"]["category"]
    print(f"category change (CV after - before): {d*100:+.1f} points")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
