"""scripts/supervisor.py with real child processes and a fake clock: restarts, their backoff,
the reset after a long run, and a stop that ends restarting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from supervisor import Backoff, Supervised, stop_all

EXIT_1 = [sys.executable, "-c", "import sys; sys.exit(1)"]
SLEEP = [sys.executable, "-c", "import time; time.sleep(120)"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    def __init__(self, argv: list[str], *, backoff: Backoff = Backoff(), **popen) -> None:
        self.clock = FakeClock()
        self.lines: list[str] = []
        self.started: list[subprocess.Popen] = []
        self.argv = argv
        self.popen = popen
        self.supervised = Supervised("routing", self._start, backoff=backoff, clock=self.clock, announce=self.lines.append)

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen(self.argv, **self.popen)
        self.started.append(process)
        return process

    def wait_for_exit(self) -> None:
        self.started[-1].wait(30)
        self.supervised.poll()


def test_a_crashing_process_is_restarted_with_doubling_backoff_up_to_the_maximum():
    harness = Harness(EXIT_1)
    harness.supervised.start()
    delays = []
    for restart in range(1, 8):
        harness.wait_for_exit()
        assert harness.lines[-1].startswith("routing exited with 1; restarting in ")
        assert harness.lines[-1].endswith(f" s (restart {restart})")
        delay = float(harness.lines[-1].split("restarting in ")[1].split(" s")[0])
        delays.append(delay)
        harness.clock.now += delay - 0.01
        harness.supervised.poll()
        assert len(harness.started) == restart, "restarted before its backoff ran out"
        harness.clock.now += 0.01
        harness.supervised.poll()
        assert len(harness.started) == restart + 1
        assert harness.supervised.restarts == restart
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert harness.lines[0] == "routing exited with 1; restarting in 1 s (restart 1)"
    harness.supervised.stop()


def test_the_backoff_starts_afresh_after_a_run_of_a_minute():
    harness = Harness(EXIT_1)
    harness.supervised.start()
    for _ in range(3):  # 1 s, 2 s, 4 s
        harness.wait_for_exit()
        harness.clock.now += 4
        harness.supervised.poll()
    harness.clock.now += 60  # this run "lasted" a minute before it exited
    harness.wait_for_exit()
    assert harness.lines[-1] == "routing exited with 1; restarting in 1 s (restart 4)"


def test_a_process_that_keeps_running_is_left_alone():
    harness = Harness(SLEEP)
    harness.supervised.start()
    harness.clock.now += 3600
    harness.supervised.poll()
    assert harness.supervised.running and harness.lines == [] and len(harness.started) == 1
    assert harness.supervised.stop() == -15


def test_stop_ends_the_process_and_restarting():
    harness = Harness(SLEEP)
    harness.supervised.start()
    assert stop_all([harness.supervised]) == {"routing": -15}
    harness.clock.now += 3600
    harness.supervised.poll()
    assert harness.lines == [] and len(harness.started) == 1


def test_a_restart_that_is_due_after_stop_does_not_happen():
    harness = Harness(EXIT_1)
    harness.supervised.start()
    harness.wait_for_exit()
    assert len(harness.lines) == 1
    harness.supervised.stop()
    harness.clock.now += 60
    harness.supervised.poll()
    assert len(harness.started) == 1


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout():
    ignores = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(120)"]
    harness = Harness(ignores, stdout=subprocess.PIPE)
    harness.supervised.start()
    assert harness.started[-1].stdout.readline() == b"ready\n"  # its SIGTERM handler is in place
    assert harness.supervised.stop(timeout=0.2) == -9
