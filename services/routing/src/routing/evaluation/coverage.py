"""Coverage at a precision target: the share of complaints that can be routed without triage
while at least `target` of those routed go to the right department.

Decisions are ranked by confidence; the lowest threshold whose routed set is still right at
least `target` of the time gives the coverage (the rest would go to triage).
"""

from __future__ import annotations


def coverage_at_precision(pairs: list[tuple[dict, dict]], target: float = 0.97, field: str = "department") -> dict:
    """pairs of (record with `expected`, decision with `confidence`) -> coverage, threshold, precision."""
    ranked = sorted(((dec["confidence"], dec[field] == rec["expected"][field]) for rec, dec in pairs), key=lambda x: -x[0])
    n = len(ranked)
    best = {"target": target, "coverage": 0.0, "threshold": None, "precision": None, "routed": 0, "n": n}
    right = 0
    for i, (confidence, ok) in enumerate(ranked, 1):
        right += ok
        # a threshold can only fall between different confidences
        if i < n and ranked[i][0] == confidence:
            continue
        if right / i >= target:
            best.update(coverage=round(i / n, 4), threshold=round(confidence, 4), precision=round(right / i, 4), routed=i)
    return best


def format_coverage(result: dict, title: str) -> str:
    if result["threshold"] is None:
        return f"{title}: no confidence threshold reaches {result['target']*100:.0f}% precision"
    return (
        f"{title}: coverage at {result['target']*100:.0f}% precision {result['coverage']*100:.1f}% "
        f"({result['routed']}/{result['n']} routed at confidence >= {result['threshold']:.2f}, "
        f"{result['precision']*100:.1f}% of them to the right department)"
    )
