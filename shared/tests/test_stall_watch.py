"""StallWatch: an agent's stream that waits while its partitions hold records is sought back to
the committed offsets and resumed. Faust's consumer is a stand-in here; the real worker is in
tests/integration/test_stream_stall.py."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import faust
from aiokafka.errors import KafkaConnectionError
from complaints_shared.streams import OffsetWatch, StallWatch
from faust.types import TP

TOPIC = "t.complaints.received.v1"
P0, P1 = TP(TOPIC, 0), TP(TOPIC, 1)


class FakeConsumer:
    """What StallWatch reads and calls of Faust's consumer."""

    def __init__(self, ends: dict[TP, int]) -> None:
        self.ends = ends
        self._committed_offset: dict[TP, int] = {}
        self.broker_committed: dict[TP, int] = {}
        self.starts: dict[TP, int] = {}
        self._paused_partitions: set[TP] = {P1}  # left paused: the stall
        self._buffered_partitions: set[TP] = set()
        self.flow_active = True
        self.calls: list[tuple[str, object]] = []

    def assignment(self) -> set[TP]:
        return set(self.ends)

    def _get_active_partitions(self) -> set[TP]:
        return set(self.ends) - self._paused_partitions

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.starts.get(tp, 0) for tp in tps}

    async def group_committed(self, tps: list[TP]) -> dict[TP, int]:
        """The group's commits on the broker: the worker's own view unless a test sets them."""
        return {tp: self.broker_committed.get(tp, self._committed_offset.get(tp, -1)) for tp in tps}

    async def perform_seek(self) -> None:
        self.calls.append(("seek", None))

    async def seek(self, tp: TP, offset: int) -> None:
        self.calls.append(("seek_to", (tp, offset)))

    def resume_partitions(self, tps) -> None:
        self.calls.append(("resume", sorted(tps)))

    def resume_flow(self) -> None:
        self.calls.append(("resume_flow", None))


def record(tp: TP, offset: int) -> SimpleNamespace:
    return SimpleNamespace(topic=tp.topic, partition=tp.partition, offset=offset)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def watch_over(consumer: FakeConsumer, *, rebalancing: bool = False, recovered: bool = True, unwatched: frozenset[str] = frozenset()):
    app = faust.App("stall-watch-test", broker="kafka://127.0.0.1:1")
    clock = Clock()
    offsets = OffsetWatch(app)
    watch = StallWatch(app, offsets, stalled_after=60, clock=clock, committed=consumer.group_committed, unwatched=unwatched)
    resumed: list[bool] = []
    recovery = SimpleNamespace(completed=SimpleNamespace(is_set=lambda: recovered), in_recovery=not recovered)
    watch.app = SimpleNamespace(rebalancing=rebalancing, consumer=consumer, tables=SimpleNamespace(recovery=recovery),
                                flow_control=SimpleNamespace(resume=lambda: resumed.append(True)))
    offsets.committed = lambda topic, partition: consumer._committed_offset.get(TP(topic, partition))  # type: ignore[method-assign]
    return watch, offsets, clock, resumed


async def test_a_stream_waiting_while_its_partition_holds_records_is_sought_back_and_resumed():
    consumer = FakeConsumer({P0: 10, P1: 25})
    watch, offsets, clock, resumed = watch_over(consumer)
    offsets.last[(TOPIC, 0)] = 9  # every record of partition 0 handed over
    offsets.last[(TOPIC, 1)] = 4  # partition 1 holds 5..24, none come
    consumer._committed_offset[P1] = 5
    watch.waiting([TOPIC])
    assert await watch.check() == []  # the watch starts counting when it first finds the worker ready
    clock.now += 59
    assert await watch.check() == []
    clock.now += 1
    assert await watch.check() == [P1]
    assert consumer.calls == [("seek", None), ("resume", [P1]), ("resume_flow", None)] and resumed == [True]
    assert (TOPIC, 1) not in offsets.last  # the stream starts again at the committed offset
    assert await watch.check() == []  # the clock starts again after a remedy


async def test_a_partition_the_group_never_committed_is_sought_to_its_first_offset():
    # Faust's seek to the committed offsets leaves it where its fetch position stands, which
    # was past records never handed over (tests/integration/test_stream_stall.py).
    consumer = FakeConsumer({P0: 40, P1: 25})
    consumer.broker_committed = {P0: 0}  # a commit at 0 is no seek for aiokafka either
    consumer.starts = {P0: 3}  # records 0..2 are gone (retention)
    watch, _offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check()
    clock.now += 60
    assert await watch.check() == [P0, P1]
    assert consumer.calls == [("seek", None), ("seek_to", (P0, 3)), ("seek_to", (P1, 0)), ("resume", [P0, P1]), ("resume_flow", None)]


async def test_an_idle_stream_with_nothing_to_read_is_not_stalled():
    consumer = FakeConsumer({P0: 10, P1: 0})
    consumer._committed_offset[P0] = 10  # nothing handed over since the assignment: the committed offset counts
    watch, _offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check()
    clock.now += 600
    assert await watch.check() == [] and consumer.calls == []


async def test_a_partition_just_given_whose_group_commit_is_at_its_end_is_not_stalled():
    # Seen in the two-worker notification test: after the rebalance the worker knew neither a
    # last record nor a committed offset of a partition it took over (next offset 0).
    consumer = FakeConsumer({P0: 12, P1: 7})
    consumer.broker_committed = {P0: 12, P1: 3}
    watch, _offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check()
    clock.now += 60
    assert await watch.check() == [P1]  # only the partition whose commit stays behind its end


async def test_a_stream_that_takes_records_is_not_stalled_however_far_behind():
    consumer = FakeConsumer({P0: 100_000})
    watch, offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check()
    for offset in range(10):
        clock.now += 30
        watch.delivered([TOPIC], record(P0, offset))  # a record came: the agent is busy, not waiting
        offsets.last[(TOPIC, 0)] = offset
        watch.waiting([TOPIC])
        assert await watch.check() == []
    assert consumer.calls == []


async def test_no_remedy_while_rebalancing_or_recovering_and_waiting_counts_from_ready():
    for busy in (dict(rebalancing=True), dict(recovered=False)):
        consumer = FakeConsumer({P0: 10})
        watch, _offsets, clock, _resumed = watch_over(consumer, **busy)
        watch.waiting([TOPIC])
        clock.now += 600
        assert await watch.check() == [] and consumer.calls == []
        watch.app.rebalancing = False
        watch.app.tables.recovery = SimpleNamespace(completed=SimpleNamespace(is_set=lambda: True), in_recovery=False)
        assert await watch.check() == []  # ready only now: 600 s of recovery do not count
        clock.now += 60
        assert await watch.check() == [P0]


async def test_a_compacted_topic_is_not_watched():
    # Compaction may remove records up to the end of a partition: there, records past the last
    # one handed over can be gone for good.
    consumer = FakeConsumer({P0: 10})
    watch, _offsets, clock, _resumed = watch_over(consumer, unwatched=frozenset({TOPIC}))
    watch.waiting([TOPIC])
    await watch.check()
    clock.now += 600
    assert await watch.check() == [] and consumer.calls == []


async def test_a_broker_that_does_not_answer_skips_the_check_and_never_takes_the_worker_down(caplog):
    class Unanswered(FakeConsumer):
        error: Exception | None = None

        async def highwaters(self, *tps: TP) -> dict[TP, int]:
            if self.error is not None:
                raise self.error
            return await super().highwaters(*tps)

    caplog.set_level(logging.INFO, logger="complaints_shared.streams")
    consumer = Unanswered({P0: 10})
    watch, _offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check_safely()
    clock.now += 60
    for consumer.error in (KafkaConnectionError("down"), RuntimeError("a bug")):
        await watch.check_safely()  # returns: Faust's timer goes on
    assert consumer.calls == []
    assert [r.levelname for r in caplog.records if r.name == "complaints_shared.streams"] == ["INFO", "ERROR"]


async def test_a_partition_left_out_while_the_others_keep_delivering_is_sought_back_and_resumed():
    # The stream never waits 60 s (partition 0 keeps delivering), yet partition 1 hands nothing
    # over while it holds records: a stall the per-stream wait alone did not see.
    consumer = FakeConsumer({P0: 1_000, P1: 25})
    watch, offsets, clock, _resumed = watch_over(consumer)
    offsets.last[(TOPIC, 1)] = 4  # partition 1 holds 5..24, none come
    consumer._committed_offset[P1] = 5
    watch.waiting([TOPIC])
    assert await watch.check() == []
    for offset in range(11):
        clock.now += 5
        watch.delivered([TOPIC], record(P0, offset))
        offsets.last[(TOPIC, 0)] = offset
        watch.waiting([TOPIC])
        assert await watch.check() == []
    clock.now += 5  # 60 s since partition 1 was found holding records
    watch.delivered([TOPIC], record(P0, 11))
    offsets.last[(TOPIC, 0)] = 11
    assert await watch.check() == [P1]
    assert consumer.calls == [("seek", None), ("resume", [P1]), ("resume_flow", None)]


async def test_a_partition_that_hands_records_over_is_not_stalled_and_a_busy_agent_is_left_alone():
    consumer = FakeConsumer({P0: 1_000, P1: 1_000})
    watch, offsets, clock, _resumed = watch_over(consumer)
    watch.waiting([TOPIC])
    await watch.check()
    for offset in range(20):  # both partitions far behind, both handing records over
        clock.now += 10
        for tp in (P0, P1):
            watch.delivered([TOPIC], record(tp, offset))
            offsets.last[(tp.topic, tp.partition)] = offset
        assert await watch.check() == []
    # The agent then spends 10 minutes on one record: not waiting, not moving; no seek.
    watch.delivered([TOPIC], record(P0, 20))
    clock.now += 600
    assert await watch.check() == [] and consumer.calls == []
