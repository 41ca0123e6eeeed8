"""Waiting on a condition instead of sleeping and hoping: `wait_for` polls until the condition
holds and fails loudly, with a message that says what was awaited, when it never does."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class ConditionNotMet(AssertionError):
    """A condition a test waited on did not hold in time (an AssertionError: the test fails)."""


def _describe(message: str | Callable[[], str]) -> str:
    return message() if callable(message) else message


async def met(result: T | Awaitable[T]) -> T:
    """A condition's result, awaited when the condition is a coroutine function."""
    return await result if inspect.isawaitable(result) else result  # type: ignore[return-value]


def wait_for(
    condition: Callable[[], T], *, timeout: float, message: str | Callable[[], str], interval: float = 0.1
) -> T:
    """Poll `condition` until it returns something truthy and return that; after `timeout`
    seconds raise ConditionNotMet with `message` (a callable is asked only then, so it can
    carry the state at the moment of failure: counts, log tails)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise ConditionNotMet(f"after {timeout:g}s: {_describe(message)}")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


async def async_wait_for(
    condition: Callable[[], Awaitable[T]], *, timeout: float, message: str | Callable[[], str], interval: float = 0.1
) -> T:
    """`wait_for` for an asynchronous condition."""
    deadline = time.monotonic() + timeout
    while True:
        result = await condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise ConditionNotMet(f"after {timeout:g}s: {_describe(message)}")
        await asyncio.sleep(min(interval, max(0.0, deadline - time.monotonic())))


async def while_worker_runs(
    condition: Callable[[], object], *, step: Callable[[], Awaitable[None]], worker, what: str, seconds: float
) -> None:
    """Await `step` (read more records, say) until `condition` holds. Fails with the worker's log
    tail when the worker process (a tests/processes.py ServiceProcess) exits first, or when
    `seconds` pass."""
    deadline = time.monotonic() + seconds
    while not await met(condition()):
        if worker.process.poll() is not None:
            raise ConditionNotMet(f"{worker.name} exited with {worker.process.returncode} waiting for {what}:\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            raise ConditionNotMet(f"no {what} after {seconds:g}s:\n{worker.log_tail()}")
        await step()
