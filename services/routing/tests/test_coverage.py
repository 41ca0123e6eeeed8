"""Coverage at 97 % precision (routing.evaluation.coverage) and `uncertain` in decide's output."""

from __future__ import annotations

import io
import json

from routing import cli
from routing.evaluation.coverage import coverage_at_precision


def pair(confidence: float, right: bool) -> tuple[dict, dict]:
    return {"expected": {"department": "quality"}}, {"department": "quality" if right else "billing", "confidence": confidence}


def test_coverage_is_the_largest_confident_share_still_right_97_in_100():
    pairs = [pair(0.9 - i / 1000, True) for i in range(97)] + [pair(0.5, False)] + [pair(0.3, True), pair(0.2, False)]
    result = coverage_at_precision(pairs, 0.97)
    # 97 right above 0.5; adding the 0.5 miss keeps 97/98 = 99 %, the 0.3 hit 98/99, the 0.2 miss 98/100 = 98 %
    assert result["coverage"] == 1.0 and result["threshold"] == 0.2
    strict = coverage_at_precision(pairs, 0.99)
    assert strict["routed"] == 97 and strict["threshold"] == 0.804
    assert coverage_at_precision([pair(0.9, False)], 0.97)["threshold"] is None


def test_ties_are_routed_together():
    pairs = [pair(0.8, True), pair(0.8, False), pair(0.9, True)]
    assert coverage_at_precision(pairs, 0.97)["routed"] == 1


def test_decide_says_uncertain_without_full(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"id": "u1", "channel": "web", "text": "Hello."}) + "\n"))
    assert cli.main(["decide"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["uncertain"] is True
