"""`python -m routing shadow` replays the received topic through a candidate configuration;
on the real broker (`export-corrections`, which reads archive's API: test_routing_export_corrections.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
import yaml
from complaints_shared import events as ev
from complaints_shared import kafka
from complaints_shared.settings import ServiceSettings
from routing import replay
from routing.domain.classification import DEFAULT_RULES

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COMPLAINTS = {
    "s-late": "My parcel is two weeks late and the courier never answers the phone.",
    "s-lost": "The delivery was marked as delivered but I never got the package.",
    "s-bill": "I was charged twice for the same order, please refund one payment.",
}


@pytest.fixture
def env(backend_env, monkeypatch) -> dict[str, str]:
    for name, value in backend_env.items():
        monkeypatch.setenv(name, value)
    return backend_env


def test_shadow_counts_what_a_new_rules_version_would_change(env, tmp_path, capsys):
    settings = ServiceSettings(**env)

    async def publish():
        await kafka.ensure_topics(settings)
        producer = kafka.make_producer(settings)
        await producer.start()
        publisher = kafka.EventPublisher(producer, topic_prefix=settings.topic_prefix, source="/test")
        for case_id, text in COMPLAINTS.items():
            await publisher.publish(ev.ComplaintReceived(case_id=case_id, channel=ev.Channel.WEB, text=text, received_at=NOW))
        await producer.stop()

    asyncio.run(publish())
    rules = yaml.safe_load(DEFAULT_RULES.read_text())
    rules["version"] = "candidate-1"
    rules["categories"]["delivery"]["department"] = "courier_desk"  # the company moved deliveries
    candidate = tmp_path / "rules.yaml"
    candidate.write_text(yaml.safe_dump(rules, allow_unicode=True))

    assert replay.main(["shadow", "--rules", str(candidate)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["replayed"] == 3
    assert report["changed"]["department"] == 2
    assert report["changed"].get("category", 0) == 0
