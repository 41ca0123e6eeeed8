"""Fakes for notification's unit tests."""

from __future__ import annotations

import contextlib
from collections import UserDict
from collections.abc import Iterator

import pytest
from faust.streams import current_event


class StreamOnlyTable(UserDict):
    """The watch as a Faust table behaves for the handlers: readable anywhere, writable only
    inside stream iteration. Faust's Table raises this TypeError when `current_event()` is
    None (an app.timer, a task, a web view); a plain dict would hide that (issue 8).

    A handler the agents run is called inside `stream_iteration()` (or a real Faust stream);
    anything the timer runs is called outside it.
    """

    def __init__(self) -> None:
        self._streams = 0
        super().__init__()

    @contextlib.contextmanager
    def stream_iteration(self) -> Iterator[None]:
        self._streams += 1
        try:
            yield
        finally:
            self._streams -= 1

    def _refuse_outside_stream(self) -> None:
        if not self._streams and current_event() is None:
            raise TypeError("Cannot modify table key from outside of stream iteration")

    def __setitem__(self, key, value) -> None:
        self._refuse_outside_stream()
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self._refuse_outside_stream()
        super().__delitem__(key)


@pytest.fixture
def watch() -> StreamOnlyTable:
    return StreamOnlyTable()
