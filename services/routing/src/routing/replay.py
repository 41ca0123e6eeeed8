"""Commands that read the platform's history from Kafka or the archive.

shadow: replay the received-complaints topic through the running configuration and a
candidate one (new rules and/or model) and report how many decisions would change, by field,
without publishing anything. Each complaint is decided on its own (no customer history), so
validity is not compared, only category, department, priority and triage.

export-corrections: write the cases staff reassigned (read through archive's API, never its
database) as labelled JSONL in the dev-set format: the training data for `python -m routing train`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from complaints_shared import events as ev
from complaints_shared.topics import RECEIVED

from .adapters.archive_api import ArchiveCases
from .domain.classification import Classifier
from .evaluation.metrics import compare
from .settings import RoutingSettings


async def received_complaints(settings: RoutingSettings, *, limit: int | None = None) -> list[ev.ComplaintReceived]:
    """Every complaint on the received topic, from the beginning to the current end."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = settings.topic(RECEIVED.key)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or await _partitions(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        complaints: list[ev.ComplaintReceived] = []
        remaining = {tp for tp in partitions if end[tp] > 0}
        while remaining and (limit is None or len(complaints) < limit):
            batches = await consumer.getmany(timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    try:
                        complaints.append(ev.decode(record.value, expect=RECEIVED.carries).data)
                    except ev.EventDecodeError:
                        continue  # dead-lettered by the service; nothing to compare
                if records and records[-1].offset + 1 >= end[tp]:
                    remaining.discard(tp)
        return complaints[:limit] if limit else complaints
    finally:
        await consumer.stop()


async def _partitions(consumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public "refresh"
    return consumer.partitions_for_topic(topic) or set()


def _decisions(classifier: Classifier, complaints: list[ev.ComplaintReceived]) -> list[dict]:
    decisions = []
    for complaint in complaints:
        c = classifier.classify(
            text=complaint.text, subject=complaint.subject, channel=complaint.channel.value,
            language=complaint.language.value if complaint.language else None,
            customer_tier=(complaint.customer_tier or ev.CustomerTier.STANDARD).value, product=complaint.product,
        )
        decisions.append({"id": complaint.case_id, "department": c.department, "category": c.category,
                          "priority": c.priority, "uncertain": c.uncertain})
    return decisions


ARCHIVE_URL = "http://127.0.0.1:8004"  # archive's default port


def correction_record(case: dict) -> dict:
    """A reassigned case (as archive's API gives it) as a labelled record in the dev-set format."""
    return {
        "id": case["case_id"], "channel": case.get("channel") or "web", "language": case.get("language"),
        "customer_tier": case.get("customer_tier") or "standard", "subject": case.get("subject") or "",
        "text": case["text"],
        "expected": {"department": case["department"], "category": case.get("category"), "priority": case.get("priority")},
    }


async def export_corrections(archive: ArchiveCases, out: Path) -> int:
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        async for case in archive.corrected_cases():
            if not case.get("text"):
                continue  # a case archive knows only from its updates: nothing to learn from
            sink.write(json.dumps(correction_record(case), ensure_ascii=False) + "\n")
            written += 1
    return written


async def _export(settings: RoutingSettings, archive_url: str, out: Path) -> int:
    archive = ArchiveCases.connect(archive_url, settings.api_key_value())
    try:
        return await export_corrections(archive, out)
    finally:
        await archive.aclose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m routing")
    sub = parser.add_subparsers(dest="command", required=True)
    shadow = sub.add_parser("shadow", help="replay received complaints through a candidate configuration")
    shadow.add_argument("--rules", type=Path, default=None, help="candidate rules YAML")
    shadow.add_argument("--model", type=Path, default=None, help="candidate model JSON")
    shadow.add_argument("--limit", type=int, default=None)
    export = sub.add_parser("export-corrections", help="staff reassignments from the archive as labelled JSONL")
    export.add_argument("out", type=Path)
    export.add_argument("--archive-url", default=ARCHIVE_URL, help=f"archive's read API (default {ARCHIVE_URL})")
    args = parser.parse_args(argv)
    settings = RoutingSettings()
    if args.command == "export-corrections":
        written = asyncio.run(_export(settings, args.archive_url, args.out))
        print(f"wrote {written} corrected cases to {args.out}")
        return 0
    if args.rules is None and args.model is None:
        parser.error("shadow needs --rules and/or --model (the candidate configuration)")
    complaints = asyncio.run(received_complaints(settings, limit=args.limit))
    current = Classifier.from_config(settings.rules_path, settings.model_path)
    candidate = Classifier.from_config(args.rules or settings.rules_path, args.model or settings.model_path)
    report = compare(_decisions(current, complaints), _decisions(candidate, complaints))
    report["replayed"] = len(complaints)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
