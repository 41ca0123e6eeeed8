"""Accuracy of decisions against labelled records, and shadow comparison of two runs."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

FIELDS = ("department", "category", "priority")


def read_jsonl(paths: Iterable[Path | str]) -> list[dict]:
    out: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
    return out


def labelled(records: list[dict]) -> list[dict]:
    """The records that carry an expected category: the ones a decision can be scored on."""
    return [r for r in records if isinstance(r.get("expected"), dict) and "category" in r["expected"]]


def classify_record(classifier, rec: dict):
    return classifier.classify(
        text=rec.get("text", ""),
        subject=rec.get("subject", "") or "",
        channel=rec.get("channel", "web"),
        language=rec.get("language"),
        customer_tier=rec.get("customer_tier") or "standard",
        product=rec.get("product"),
        repeat_complaint=bool(rec.get("repeat_complaint", False)),
    )


def decision_dict(d) -> dict:
    """The fields a decision is scored on. The department is the best guess: an uncertain
    decision waits in the triage queue, and what it is judged on is the department it suggests
    there (the triage share is counted apart, `triage`)."""
    return {"department": d.best_guess_department or d.department, "category": d.category, "priority": d.priority,
            "language": d.language, "confidence": d.confidence, "uncertain": d.uncertain}


def score(pairs: list[tuple[dict, dict]]) -> dict:
    """pairs of (record with `expected`, decision dict) -> metrics."""
    by_lang: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    p1: Counter = Counter()
    confusion: Counter = Counter()
    for rec, dec in pairs:
        exp = rec["expected"]
        lang = rec.get("language") or dec.get("language") or "?"
        for c in (by_lang[lang], total):
            c["n"] += 1
            for f in FIELDS:
                c[f] += int(dec[f] == exp[f])
            c["triage"] += bool(dec.get("uncertain"))
        gold1, pred1 = exp["priority"] == "P1", dec["priority"] == "P1"
        p1["tp"] += gold1 and pred1
        p1["fn"] += gold1 and not pred1
        p1["fp"] += pred1 and not gold1
        if dec["category"] != exp["category"]:
            confusion[(exp["category"], dec["category"])] += 1

    def pct(c: Counter) -> dict:
        n = c["n"] or 1
        return {"n": c["n"], **{f: round(c[f] / n, 4) for f in (*FIELDS, "triage")}}

    return {
        "overall": pct(total),
        "by_language": {k: pct(v) for k, v in sorted(by_lang.items())},
        "p1": {
            "recall": round(p1["tp"] / ((p1["tp"] + p1["fn"]) or 1), 4),
            "precision": round(p1["tp"] / ((p1["tp"] + p1["fp"]) or 1), 4),
            "tp": p1["tp"],
            "fn": p1["fn"],
            "fp": p1["fp"],
        },
        "category_confusions": [
            {"expected": a, "predicted": b, "count": n} for (a, b), n in confusion.most_common(10)
        ],
    }


def evaluate(classifier, records: list[dict]) -> dict:
    pairs = []
    for rec in records:
        if "expected" not in rec:
            continue
        d = classify_record(classifier, rec)
        pairs.append((rec, decision_dict(d)))
    return score(pairs)


def format_table(metrics: dict, title: str = "") -> str:
    lines = []
    if title:
        lines.append(title)
    lines.append(f"{'language':<10} {'n':>4} {'department':>11} {'category':>9} {'priority':>9} {'triage':>7}")
    rows = list(metrics["by_language"].items()) + [("overall", metrics["overall"])]
    for name, m in rows:
        lines.append(
            f"{name:<10} {m['n']:>4} {m['department']*100:>10.1f}% {m['category']*100:>8.1f}% {m['priority']*100:>8.1f}%"
            f" {m.get('triage', 0.0)*100:>6.1f}%"
        )
    lines.append("(department: the best guess, also for the cases the triage queue receives; triage: their share)")
    p1 = metrics["p1"]
    lines.append(
        f"P1 recall {p1['recall']*100:.1f}%  precision {p1['precision']*100:.1f}%  (tp {p1['tp']}, fn {p1['fn']}, fp {p1['fp']})"
    )
    if metrics.get("category_confusions"):
        lines.append("top category confusions (expected -> predicted): " + "; ".join(
            f"{c['expected']}->{c['predicted']} x{c['count']}" for c in metrics["category_confusions"][:6]
        ))
    return "\n".join(lines)


def compare(decisions_old: Iterable[dict], decisions_new: Iterable[dict], key: str = "id") -> dict:
    """Shadow comparison: how many decisions changed, by field.

    Both inputs are decision dicts (as written by `decide`, or ComplaintRouted payloads) with
    a common key (`id` or `case_id`). Returns counts per field plus the ids that changed.
    """
    def keyed(decs: Iterable[dict]) -> dict[str, dict]:
        out = {}
        for d in decs:
            k = d.get(key) or d.get("case_id")
            if k is not None:
                out[str(k)] = d
        return out

    old, new = keyed(decisions_old), keyed(decisions_new)
    common = sorted(set(old) & set(new))
    changed: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    transitions: dict[str, Counter] = defaultdict(Counter)
    any_changed = 0
    for k in common:
        diff = False
        for f in ("department", "category", "priority", "uncertain"):
            a, b = old[k].get(f), new[k].get(f)
            if a != b:
                changed[f] += 1
                diff = True
                transitions[f][f"{a}->{b}"] += 1
                if len(examples[f]) < 20:
                    examples[f].append(k)
        any_changed += diff
    return {
        "compared": len(common),
        "only_old": len(set(old) - set(new)),
        "only_new": len(set(new) - set(old)),
        "changed_any": any_changed,
        "changed": dict(changed),
        "transitions": {f: dict(c.most_common(10)) for f, c in transitions.items()},
        "examples": dict(examples),
    }
