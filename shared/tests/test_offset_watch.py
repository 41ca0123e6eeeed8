"""OffsetWatch: a stream that skips offsets of a partition it kept is noticed (metric + warning)."""

from __future__ import annotations

from types import SimpleNamespace

import faust
from complaints_shared.streams import OffsetWatch
from faust.types import TP
from prometheus_client import REGISTRY


def record(offset: int, *, partition: int = 3, topic: str = "watch.received"):
    return SimpleNamespace(topic=topic, partition=partition, offset=offset)


def gaps(topic: str = "watch.received") -> float:
    return REGISTRY.get_sample_value("stream_offset_gaps_total", {"topic": topic}) or 0.0


def test_skipped_offsets_are_counted_and_redelivery_is_not():
    watch = OffsetWatch(faust.App("offset-watch-test"))
    before = gaps()
    for offset in (7, 8, 12, 5, 6):  # 9-11 skipped; back to 5 is a redelivery
        watch.seen(record(offset))
    watch.seen(record(0, partition=4))
    assert gaps() == before + 3


async def test_a_revoked_partition_is_forgotten():
    app = faust.App("offset-watch-revoke-test")
    watch = OffsetWatch(app)
    before = gaps()
    watch.seen(record(7))
    await app.on_partitions_revoked.send({TP("watch.received", 3)})
    watch.seen(record(40))  # another worker had the partition meanwhile
    assert gaps() == before


def test_the_first_record_after_an_assignment_is_compared_with_the_committed_offset():
    app = faust.App("offset-watch-committed-test")
    watch = OffsetWatch(app)
    app.consumer._committed_offset[TP("watch.fresh", 2)] = 4  # records up to 3 handled
    assert watch.seen(record(4, partition=2, topic="watch.fresh")) is None
    app.consumer._committed_offset[TP("watch.fresh", 1)] = 4
    assert watch.seen(record(6, partition=1, topic="watch.fresh")) == range(4, 6)
    assert watch.seen(record(0, partition=0, topic="watch.fresh")) is None  # nothing committed yet
