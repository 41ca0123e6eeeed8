"""Classifications per second on the other-industries test set (five passes, one core).

A number to compare between commits on the same machine, not a pass/fail check: it used to
be a unit test asserting > 200/s, which failed on a loaded machine and said nothing about a
slow one. bench/routing_throughput.py measures the whole decision on the dev set.
"""

from __future__ import annotations

import time
from pathlib import Path

from routing.domain.classification import Classifier
from routing.evaluation.metrics import read_jsonl

DATA = Path(__file__).resolve().parents[1] / "services" / "routing" / "tests" / "data"
PASSES = 5


def main() -> None:
    classifier = Classifier.from_config()
    texts = [record["text"] for record in read_jsonl([DATA / "other_industries.jsonl"])]
    classifier.classify(text=texts[0], channel="web", language="en")  # warm the lazy caches outside the clock
    started = time.perf_counter()
    for text in texts * PASSES:
        classifier.classify(text=text, channel="web", language="en")
    elapsed = time.perf_counter() - started
    print(f"classifier: {len(texts) * PASSES} classifications in {elapsed:.2f} s = {len(texts) * PASSES / elapsed:.0f}/s")


if __name__ == "__main__":
    main()
