"""Routing throughput on one core.

1. decisions/s of the whole decision (customer history, validity, classification, priority,
   deadlines) as the route agent makes it, without Kafka: the ceiling of one worker;
2. classifications/s of the classifier alone;
3. records/s of `python -m routing decide` on the dev set (process start included).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from complaints_shared import events as ev
from routing import handlers
from routing.bootstrap import build_engine
from routing.settings import RoutingSettings

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "routing-eval" / "dev.jsonl"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def main() -> None:
    records = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    engine = build_engine(RoutingSettings())
    events = [
        ev.envelope(ev.ComplaintReceived(case_id=f"b{i}", channel=r["channel"], text=r["text"], subject=r.get("subject", ""),
                                         received_at=NOW), source="/bench", event_id=f"e{i}")
        for i, r in enumerate(records)
    ]
    recognised = handlers.Recognised("customer:bench", None, ev.CustomerTier.STANDARD, None)
    rounds = 10
    history: list = []
    started = time.perf_counter()
    for _ in range(rounds):
        for event in events:
            _routed, case = handlers.route(event, recognised, engine=engine, history=history[-5:], now=NOW)
            history = handlers.remember(history[-5:], case, now=NOW)
    elapsed = time.perf_counter() - started
    decisions = rounds * len(events)
    print(f"route handler: {decisions} decisions in {elapsed:.2f} s = {decisions / elapsed:,.0f} decisions/s (one core, 5 open cases per customer)")

    started = time.perf_counter()
    for _ in range(rounds):
        for r in records:
            engine.classifier.classify(text=r["text"], subject=r.get("subject", ""), channel=r["channel"], language=None,
                                       customer_tier=r.get("customer_tier", "standard"))
    elapsed = time.perf_counter() - started
    print(f"classifier alone: {rounds * len(records) / elapsed:,.0f} classifications/s (language detected, not given)")

    copies = 25
    payload = "\n".join(line for _ in range(copies) for line in DEV.read_text().splitlines() if line.strip()) + "\n"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "routing", "decide"], input=payload.encode(), capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    lines = result.stdout.count(b"\n")
    print(f"decide command: {lines} records in {elapsed:.2f} s = {lines / elapsed:,.0f} records/s (including start-up)")


if __name__ == "__main__":
    main()
