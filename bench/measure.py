"""What the worker benchmarks measure: records on a topic, and a worker's CPU time.

The broker, the load generator and the worker share this machine's cores, so wall-clock rates
understate what one worker does on a core of its own; `cpu_seconds` tells that part."""

from __future__ import annotations

import os
import time

from aiokafka import AIOKafkaConsumer


def cpu_seconds(pid: int) -> float:
    """CPU seconds the process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5); [1] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def count_records(bootstrap_servers: str, topic: str, n: int, timeout: float) -> int:
    """Records on `topic` from its start, read until there are `n` or `timeout` seconds passed."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap_servers, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    seen, started = 0, time.monotonic()
    try:
        while seen < n and time.monotonic() - started < timeout:
            seen += sum(len(batch) for batch in (await consumer.getmany(timeout_ms=500, max_records=5000)).values())
    finally:
        await consumer.stop()
    return seen
