"""CPU seconds a worker process has used so far (Linux /proc), for the worker benchmarks:
the broker, the load generator and the worker share this machine's cores, so wall-clock rates
understate what one worker does on a core of its own."""

from __future__ import annotations

import os


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5); [1] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
