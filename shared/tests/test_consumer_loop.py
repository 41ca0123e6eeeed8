"""ConsumerLoop with a fake consumer: commit after handling, rebalance-safe, stoppable."""

import asyncio

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError
from complaints_shared.kafka import ConsumerLoop, EventPublisher

TP = TopicPartition("t", 0)


class Record:
    def __init__(self, offset: int, value: bytes = b"{}"):
        self.topic, self.partition, self.offset, self.key, self.value = "t", 0, offset, b"k", value


class FakeConsumer:
    def __init__(self, batches, fail_commits: int = 0):
        self.batches, self.fail_commits, self.commits = list(batches), fail_commits, []

    async def getmany(self, timeout_ms, max_records):
        if self.batches:
            return {TP: self.batches.pop(0)}
        await asyncio.sleep(0.01)
        return {}

    async def commit(self, offsets):
        if self.fail_commits:
            self.fail_commits -= 1
            raise CommitFailedError("rebalanced")
        self.commits.append(offsets[TP])


class FakeProducer:
    def __init__(self):
        self.sent = []

    async def send_and_wait(self, topic, value, key=None, **_):
        self.sent.append((topic, value))


async def run_until(loop: ConsumerLoop, condition, timeout=2.0):
    loop.start()
    for _ in range(int(timeout / 0.01)):
        if condition():
            break
        await asyncio.sleep(0.01)
    await loop.stop_and_wait()


async def test_commits_after_each_batch_and_survives_a_failed_commit():
    consumer = FakeConsumer([[Record(0), Record(1)], [Record(2)]], fail_commits=1)
    handled = []

    async def handle(record):
        handled.append(record.offset)

    loop = ConsumerLoop(consumer, handle, EventPublisher(FakeProducer(), source="/t"), name="t")
    await run_until(loop, lambda: len(handled) == 3)
    assert handled == [0, 1, 2]
    assert consumer.commits == [3]  # the first commit hit a rebalance; the loop went on
    assert not loop.alive


async def test_a_bad_record_is_dead_lettered_and_committed():
    consumer = FakeConsumer([[Record(0), Record(1)]])
    producer = FakeProducer()

    async def handle(record):
        if record.offset == 0:
            raise ValueError("data.text: field required")

    loop = ConsumerLoop(consumer, handle, EventPublisher(producer, source="/t"), name="t")
    await run_until(loop, lambda: consumer.commits)
    assert (loop.processed, loop.dead_lettered) == (1, 1)
    assert consumer.commits == [2]
    [(topic, value)] = producer.sent
    assert topic == "complaints.deadletter.v1" and b"field required" in value


async def test_stop_mid_batch_commits_only_what_was_handled():
    consumer = FakeConsumer([[Record(0), Record(1), Record(2)]])
    loop = ConsumerLoop(consumer, None, EventPublisher(FakeProducer(), source="/t"), name="t")

    async def handle(record):
        if record.offset == 1:
            loop.stop()

    loop.handle = handle
    loop.start()
    await asyncio.wait_for(loop._task, 2)
    assert consumer.commits == [2]  # offsets 0 and 1 handled; 2 is read again next time


async def test_a_crashed_loop_is_not_alive():
    class Broken(FakeConsumer):
        async def getmany(self, timeout_ms, max_records):
            raise RuntimeError("boom")

    loop = ConsumerLoop(Broken([]), None, EventPublisher(FakeProducer(), source="/t"), name="t")
    task = loop.start()
    await asyncio.wait([task])
    assert not loop.alive
