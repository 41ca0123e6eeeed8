"""A Faust stream that skips records of a partition it kept (seen after a broker outage and a
rejoin, docs/reliability.md): the skipped records are fetched from the broker and handed to
the agent first, in order, then acknowledged to Faust's consumer. Real broker; the Faust
stream is a stand-in that delivers offsets 0, 1 and then 5 of the partition."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import faust
import pytest
from aiokafka import AIOKafkaProducer
from complaints_shared.settings import ServiceSettings
from complaints_shared.streams import Publisher, records_of
from topic_records import create_topic

pytestmark = pytest.mark.integration


class SkippingStream:
    """Hands over records 0, 1 and 5 of one partition, as Faust's stream did after the rejoin."""

    def __init__(self, topic: str, offsets: tuple[int, ...]) -> None:
        self.topic, self.offsets = topic, offsets

    async def events(self):
        for offset in self.offsets:
            message = SimpleNamespace(topic=self.topic, partition=0, offset=offset, key=b"k", value=f"record {offset}".encode(), headers=[])
            yield SimpleNamespace(message=message)


async def _topic_with_records(settings: ServiceSettings, name: str, count: int) -> str:
    topic = f"{settings.topic_prefix}{name}"
    await create_topic(settings.kafka_bootstrap_servers, topic)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        for offset in range(count):
            await producer.send_and_wait(topic, f"record {offset}".encode(), key=b"k", partition=0)
    finally:
        await producer.stop()
    return topic


def _publisher(settings: ServiceSettings, app_name: str, acknowledged: list[tuple[str, int, list[int]]]) -> Publisher:
    app = faust.App(f"{settings.topic_prefix}{app_name}", broker=f"kafka://{settings.kafka_bootstrap_servers}")
    publisher = Publisher(app, settings, source="/test")
    publisher.acknowledge = lambda topic, partition, offsets: acknowledged.append((topic, partition, list(offsets)))  # type: ignore[method-assign]
    return publisher


async def test_skipped_records_are_fetched_handled_in_order_and_acknowledged(backend_env):
    settings = ServiceSettings(**{k: v for k, v in backend_env.items() if k != "MONGODB_DATABASE"}, service_name="test")
    topic = await _topic_with_records(settings, "skips", 6)
    acknowledged: list[tuple[str, int, list[int]]] = []
    publisher = _publisher(settings, "skips-app", acknowledged)

    handled = [(message.offset, message.value) async for message in records_of(SkippingStream(topic, (0, 1, 5)), publisher=publisher)]

    assert handled == [(offset, f"record {offset}".encode()) for offset in range(6)]
    assert acknowledged == [(topic, 0, [2, 3, 4])]


async def test_records_skipped_before_the_first_of_a_partition_the_group_never_committed_are_fetched(backend_env):
    # Faust's gap check needs a committed offset: with none, it would commit past 0-2 unseen.
    settings = ServiceSettings(**{k: v for k, v in backend_env.items() if k != "MONGODB_DATABASE"}, service_name="test")
    topic = await _topic_with_records(settings, "fresh-skips", 6)
    acknowledged: list[tuple[str, int, list[int]]] = []
    publisher = _publisher(settings, "fresh-skips-app", acknowledged)
    publisher.offset_watch.holds = lambda topic, partition: True  # type: ignore[method-assign]  # as the worker holding it would

    handled = [message.offset async for message in records_of(SkippingStream(topic, (3, 4, 5)), publisher=publisher)]

    assert handled == list(range(6))
    assert acknowledged == [(topic, 0, [0, 1, 2])]


def test_acknowledged_offsets_let_fausts_commit_move_past_them():
    # Faust commits up to the first offset it was not told is done: with 2-4 acknowledged after
    # 0, 1 and 5 were, the partition's next commit is 6, not stuck at 2.
    app = faust.App("skips-ack-test", broker="kafka://127.0.0.1:1")
    publisher = Publisher(app, ServiceSettings(service_name="test"), source="/test")
    consumer: Any = app.consumer  # Faust's bookkeeping of acknowledged offsets is not in its public types
    topic = "skips-ack"
    app.topics.acking_topics.add(topic)
    publisher.acknowledge(topic, 0, [0, 1, 5])
    tp = next(iter(consumer._acked))
    assert consumer._new_offset(tp) == 2  # stops before the gap
    publisher.acknowledge(topic, 0, [2, 3, 4])
    assert consumer._new_offset(tp) == 6
