"""Keep one child process running for `make run`: when it exits on its own, say so and start it
again after an exponential backoff (1 s doubling to 30 s; back to 1 s once a run lasted a minute).

`Supervised.poll()` never blocks: the caller's loop calls it every fraction of a second, and the
clock is injected, so tests drive restarts and backoff with real processes and a fake clock.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    initial: float = 1.0
    maximum: float = 30.0
    # A run at least this long was healthy: the next crash starts the backoff afresh.
    reset_after: float = 60.0

    def delay(self, consecutive_failures: int) -> float:
        return min(self.maximum, self.initial * 2 ** max(0, consecutive_failures - 1))


class Supervised:
    """One named child process, restarted with backoff until `stop()`."""

    def __init__(
        self,
        name: str,
        start: Callable[[], subprocess.Popen],
        *,
        backoff: Backoff = Backoff(),
        clock: Callable[[], float] = time.monotonic,
        announce: Callable[[str], None] = print,
    ) -> None:
        self.name = name
        self._start = start
        self._backoff = backoff
        self._clock = clock
        self._announce = announce
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._consecutive_failures = 0
        self._started_at = 0.0
        self._restart_at: float | None = None
        self._stopped = False

    def start(self) -> None:
        self.process = self._start()
        self._started_at = self._clock()
        self._restart_at = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def poll(self) -> None:
        """Notice an exit (announce it, schedule the restart) or carry out a restart that is due."""
        if self._stopped or self.process is None:
            return
        if self._restart_at is not None:
            if self._clock() >= self._restart_at:
                self.restarts += 1
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        now = self._clock()
        if now - self._started_at >= self._backoff.reset_after:
            self._consecutive_failures = 0
        self._consecutive_failures += 1
        delay = self._backoff.delay(self._consecutive_failures)
        self._restart_at = now + delay
        self._announce(f"{self.name} exited with {code}; restarting in {delay:g} s (restart {self.restarts + 1})")

    def terminate(self) -> None:
        """No more restarts; SIGTERM the process if it runs."""
        self._stopped = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 30) -> int | None:
        """`terminate()`, then wait for the process (SIGKILL after `timeout`); its exit code."""
        self.terminate()
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode


def stop_all(supervised: list[Supervised], timeout: float = 30) -> dict[str, int | None]:
    """Stop every process together: all get SIGTERM first, then each is waited for."""
    for one in supervised:
        one.terminate()
    return {one.name: one.stop(timeout) for one in supervised}
