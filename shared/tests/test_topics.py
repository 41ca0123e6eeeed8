"""The topic registry's internal topics (names as Faust forms them, compaction, partitions) and
the Faust plumbing that uses them: the topics an app uses, the gate's registry check, and the
readiness of a worker (assignment and recovery)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import faust
import pytest
from complaints_shared import streams
from complaints_shared.settings import ServiceSettings
from complaints_shared.streams import TopicGate, app_topics, assignment_ready, make_app, recovery_ready, source_topics
from complaints_shared.topics import (
    ALL_TOPICS,
    RECEIVED,
    ROUTED,
    internal_topics,
    notification_internal_topics,
    routing_internal_topics,
)
from faust.types import TP

PREFIX = "staging."


def _app(tmp_path: Path, app_id: str) -> tuple[faust.App, ServiceSettings]:
    settings = ServiceSettings(topic_prefix=PREFIX)
    return make_app(settings, app_id=app_id, data_dir=tmp_path), settings


def _routing_like(tmp_path: Path, *, history_partitions: int = RECEIVED.partitions) -> tuple[faust.App, ServiceSettings]:
    """An app declaring routing's topics and tables the way routing's agents do."""
    app, settings = _app(tmp_path, "routing")
    received = app.topic(settings.topic("received"), value_type=bytes, key_type=bytes)
    by_customer = app.topic(f"{app.conf.id}-by-customer", internal=True, partitions=RECEIVED.partitions, value_type=bytes, key_type=bytes)
    app.GlobalTable("customer-directory", default=None)
    app.GlobalTable("case-owner", default=None)
    app.Table("customer-history", default=None, partitions=history_partitions)

    @app.agent(received, name="recognise")
    async def recognise(stream):
        async for _ in stream:
            yield

    @app.agent(by_customer, name="route")
    async def route(stream):
        async for _ in stream:
            yield

    return app, settings


def test_changelog_names_and_partitions_are_the_ones_faust_uses(tmp_path):
    app, _ = _app(tmp_path, "notification")
    table = app.Table("watched-cases", default=None, partitions=ROUTED.partitions)
    spec = notification_internal_topics()[0]
    assert spec.name(PREFIX) == table.changelog_topic.get_topic_name() == "staging.notification-watched-cases-changelog"
    assert spec.partitions == ROUTED.partitions
    assert spec.compacted and spec.broker_config()["cleanup.policy"] == "compact"


def test_routing_internal_topics():
    specs = {spec.base_name: spec for spec in routing_internal_topics()}
    assert set(specs) == {
        "routing-by-customer",
        "routing-customer-directory-changelog",
        "routing-case-owner-changelog",
        "routing-customer-history-changelog",
    }
    assert not specs["routing-by-customer"].compacted  # a repartition hop, read once
    assert all(spec.compacted for name, spec in specs.items() if name.endswith("-changelog"))
    # Co-partitioned with the received topic (key → partition must agree along the way).
    assert specs["routing-by-customer"].partitions == specs["routing-customer-history-changelog"].partitions == RECEIVED.partitions


def test_internal_names_follow_the_app_id_and_the_prefix():
    names = {spec.name("p.") for spec in internal_topics(routing_app_id="routing-eu", notification_app_id="notify-eu")}
    assert "p.routing-eu-by-customer" in names
    assert "p.notify-eu-watched-cases-changelog" in names
    assert all(name.startswith(("p.routing-eu-", "p.notify-eu-")) for name in names)


def test_internal_topics_are_apart_from_the_public_contracts():
    internal = internal_topics()
    names = [spec.base_name for spec in (*ALL_TOPICS, *internal)]
    keys = [spec.key for spec in (*ALL_TOPICS, *internal)]
    assert len(set(names)) == len(names) and len(set(keys)) == len(keys)
    assert all(spec.carries == () for spec in internal)


def test_app_topics_are_the_agents_sources_and_the_changelogs(tmp_path):
    app, settings = _routing_like(tmp_path)
    assert app_topics(app) == {
        settings.topic("received"): 6,
        "staging.routing-by-customer": 6,
        "staging.routing-customer-directory-changelog": 6,  # a GlobalTable: Faust's default partitions
        "staging.routing-case-owner-changelog": 6,
        "staging.routing-customer-history-changelog": 6,
    }
    assert source_topics(app) == {settings.topic("received"), "staging.routing-by-customer"}


def test_the_gate_finds_topics_the_registry_lacks_or_gets_wrong(tmp_path):
    app, settings = _routing_like(tmp_path)
    assert TopicGate(app, settings, (*ALL_TOPICS, *routing_internal_topics())).unregistered() == []
    without_history = [spec for spec in routing_internal_topics() if "history" not in spec.base_name]
    assert TopicGate(app, settings, (*ALL_TOPICS, *without_history)).unregistered() == ["staging.routing-customer-history-changelog"]

    app, settings = _routing_like(tmp_path / "other", history_partitions=3)
    assert TopicGate(app, settings, (*ALL_TOPICS, *routing_internal_topics())).unregistered() == ["staging.routing-customer-history-changelog"]


def _gate_waiting(tmp_path: Path, monkeypatch, *, create_topics: bool, polls_missing: int) -> TopicGate:
    """A gate whose broker lists the topics only after `polls_missing` polls."""
    app, _ = _routing_like(tmp_path)
    settings = ServiceSettings(topic_prefix=PREFIX, create_topics=create_topics)
    polls = []

    async def ensure_topics(*args, **kwargs) -> None:
        pass

    async def missing_topics(settings, names) -> list[str]:
        polls.append(1)
        return ["staging.complaint.received.v1"] if len(polls) <= polls_missing else []

    monkeypatch.setattr(streams, "ensure_topics", ensure_topics)
    monkeypatch.setattr(streams, "missing_topics", missing_topics)
    gate = TopicGate(app, settings, (*ALL_TOPICS, *routing_internal_topics()))
    gate.poll_seconds = 0.01
    return gate


def _waiting_levels(caplog) -> list[str]:
    return [record.levelname for record in caplog.records if record.getMessage() == "waiting for topics before joining the consumer group"]


async def test_a_gate_waiting_for_topics_it_just_created_says_so_quietly_and_warns_only_when_it_lasts(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="complaints_shared.streams")
    gate = _gate_waiting(tmp_path, monkeypatch, create_topics=True, polls_missing=3)
    await gate.on_start()
    # A first start: leaders for new topics take a moment; one INFO line, no warning.
    assert gate.passed and _waiting_levels(caplog) == ["INFO"]

    caplog.clear()
    gate = _gate_waiting(tmp_path / "slow", monkeypatch, create_topics=True, polls_missing=20)
    gate.warn_after_seconds = 0.05
    await gate.on_start()
    assert gate.passed and _waiting_levels(caplog) == ["INFO", "WARNING"]


async def test_a_gate_that_may_not_create_topics_warns_at_once(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="complaints_shared.streams")
    gate = _gate_waiting(tmp_path, monkeypatch, create_topics=False, polls_missing=2)
    await gate.on_start()
    assert gate.passed and _waiting_levels(caplog) == ["WARNING"]


class _Consumer:
    def __init__(self, assigned: set[TP] | None) -> None:
        self.assigned = assigned

    def assignment(self) -> set[TP]:
        if self.assigned is None:
            raise RuntimeError("consumer not started")
        return self.assigned


def _worker(assigned: set[TP] | None, *, rebalancing: bool = False) -> SimpleNamespace:
    agents = {"a": SimpleNamespace(channel=SimpleNamespace(topics=("in.a",))), "b": SimpleNamespace(channel=SimpleNamespace(topics=("in.b",)))}
    return SimpleNamespace(agents=agents, consumer=_Consumer(assigned), rebalancing=rebalancing)


@pytest.mark.parametrize(
    ("assigned", "rebalancing", "ready"),
    [
        (None, False, False),  # consumer not started
        (set(), False, False),  # joined, nothing assigned (a source topic was missing)
        ({TP("in.a", 0), TP("changelog", 0)}, False, False),  # one source topic without partitions
        ({TP("in.a", 0), TP("in.b", 3)}, True, False),  # a rebalance is running
        ({TP("in.a", 0), TP("in.b", 3)}, False, True),
    ],
)
def test_assignment_readiness(assigned, rebalancing, ready):
    assert assignment_ready(_worker(assigned, rebalancing=rebalancing)) is ready


@pytest.mark.parametrize(("completed", "in_recovery", "ready"), [(False, False, False), (True, True, False), (True, False, True)])
def test_recovery_readiness(completed, in_recovery, ready):
    event = SimpleNamespace(is_set=lambda: completed)
    app = SimpleNamespace(tables=SimpleNamespace(recovery=SimpleNamespace(completed=event, in_recovery=in_recovery)))
    assert recovery_ready(app) is ready

