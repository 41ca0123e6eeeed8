"""JSON logs that carry the case id and never personal data.

The case id travels in a context variable (`case_context`), so handlers don't pass it around.
`RedactingFilter` is the safety net: e-mail addresses and phone-like digit runs that slip into
a message are masked before any handler sees them.
`RepeatLimiter` keeps a broker outage from flooding the log: the client libraries log every
failed reconnect (about 20,000 ERROR lines per service in two minutes); each kind of line now
appears once per 30 s, followed by a count of its repeats.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pythonjsonlogger.json import JsonFormatter

current_case_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("case_id", default=None)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Dots are not phone separators here, so addresses like 127.0.0.1:8001 stay readable.
_PHONE = re.compile(r"(?<![\w.-])\+?\d[\d \-()]{6,}\d(?![\w.-])")


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


_STANDARD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_TRUSTED_FIELDS = {"case_id", "service", "topic", "topics", "consumer", "template", "recipient_role"}


class RedactingFilter(logging.Filter):
    """Masks e-mail addresses and phone numbers in the message, in extra fields and in
    tracebacks (a validation error quotes the input it refused)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_FIELDS and key not in _TRUSTED_FIELDS and isinstance(value, str):
                record.__dict__[key] = redact(value)
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None  # formatters fall back on the redacted exc_text
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI copy of the message
        case_id = current_case_id.get()
        if case_id and not hasattr(record, "case_id"):
            record.case_id = case_id
        return True


# The client libraries whose connection errors repeat for as long as an outage lasts. Our own
# loggers are not limited: their warnings name a record or a case each time (a dead-lettered
# event is worth a line every time), and the few that repeat are rate-limited where they're logged.
NOISY_LOGGERS = ("aiokafka", "kafka", "faust", "mode", "pymongo")


@dataclass
class _Window:
    first: logging.LogRecord
    ends: float
    suppressed: int = 0


class RepeatLimiter(logging.Filter):
    """Lets the first record of each (logger, level, message template) through, drops its repeats
    for `window` seconds, then emits one summary: "<first message> (repeated N times in the last
    30 s)". The summary goes out through `emit` with the first record seen after the window ends
    (by any logger), so a line that stopped repeating is still counted. Only records of `loggers`
    (and their children) at `level` or above are limited."""

    def __init__(
        self,
        *,
        emit: Callable[[logging.LogRecord], object],
        window: float = 30.0,
        loggers: tuple[str, ...] = NOISY_LOGGERS,
        level: int = logging.WARNING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._emit = emit
        self._window = window
        self._loggers = loggers
        self._level = level
        self._clock = clock
        self._windows: dict[tuple[str, int, str], _Window] = {}
        self._lock = threading.Lock()

    def _limited(self, record: logging.LogRecord) -> bool:
        return (
            record.levelno >= self._level
            and not getattr(record, "repeat_summary", False)
            and any(record.name == name or record.name.startswith(name + ".") for name in self._loggers)
        )

    def filter(self, record: logging.LogRecord) -> bool:
        now = self._clock()
        with self._lock:
            summaries = self._close_windows(now)
            passes = True
            if self._limited(record):
                key = (record.name, record.levelno, str(record.msg))
                window = self._windows.get(key)
                if window is None:
                    self._windows[key] = _Window(first=record, ends=now + self._window)
                else:
                    window.suppressed += 1
                    passes = False
        for summary in summaries:
            self._emit(summary)
        return passes

    def _close_windows(self, now: float) -> list[logging.LogRecord]:
        summaries = []
        for key, window in list(self._windows.items()):
            if now < window.ends:
                continue
            del self._windows[key]
            if window.suppressed:
                summaries.append(self._summary(window))
        return summaries

    def _summary(self, window: _Window) -> logging.LogRecord:
        first = window.first
        summary = logging.makeLogRecord(
            {
                "name": first.name, "levelno": first.levelno, "levelname": first.levelname,
                "pathname": first.pathname, "lineno": first.lineno, "funcName": first.funcName,
                "msg": f"{first.getMessage()} (repeated {window.suppressed} times in the last {self._window:g} s)",
                "repeat_summary": True,
            }
        )
        return summary


# (logger, message template, text of the error) of client-library errors that are known to be
# transient and retried by the library itself. They are logged at INFO, not dropped.
KNOWN_TRANSIENT = (
    # A topic created a moment ago has a leader in the broker's metadata before the broker has
    # made the partition its own, so the first offset lookup of a consumer that starts with it
    # can be refused; aiokafka refreshes its metadata and asks again 100 ms later. Seen at every
    # few starts of the four services together (tests/e2e/test_clean_start.py).
    ("aiokafka.consumer.fetcher", "Failed fetch offsets from %s: %s", "NotLeaderForPartitionError"),
    # On a broker's very first consumer group the broker creates __consumer_offsets first and
    # answers "coordinator not available" meanwhile; aiokafka asks again. Seen on the first start
    # of a new installation (tests/e2e/test_clean_start.py on a fresh test broker). During a real
    # outage the connection errors around it stay at ERROR (rate-limited).
    ("aiokafka.consumer.group_coordinator", "Group Coordinator Request failed: %s", "GroupCoordinatorNotAvailableError"),
    # While the broker loads the group's partition of __consumer_offsets (a first start, or a
    # start under load), a join, sync, offset fetch or commit can be answered "not coordinator";
    # aiokafka logs that at DEBUG/INFO, forgets the coordinator with this WARNING and finds it
    # again. Seen once in a newcomer's first `make run` under load (group archive). The paths
    # where the coordinator is really gone log their own ERROR first (a failed send, an expired
    # heartbeat session), and a heartbeat refused the same way keeps its own WARNING.
    ("aiokafka.consumer.group_coordinator", "Marking the coordinator dead (node %s)for group %s.", ""),
)


class KnownTransientToInfo(logging.Filter):
    """Logs the KNOWN_TRANSIENT errors at INFO: they are part of a normal start, not a problem."""

    def __init__(self, known: tuple[tuple[str, str, str], ...] = KNOWN_TRANSIENT) -> None:
        super().__init__()
        self._known = known

    def filter(self, record: logging.LogRecord) -> bool:
        for name, template, error in self._known:
            if record.name == name and record.msg == template and error in record.getMessage():
                record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


class ReservedNamesKept(logging.Filter):
    """An `extra` field named like a field of the JSON line itself (`level`, `time`, `logger`,
    `service`) would overwrite it — a notice's escalation `level: manager` became the line's
    level, which no log reader would take for INFO. Such a field is renamed `<name>_field`."""

    RESERVED = ("level", "time", "logger", "service")

    def filter(self, record: logging.LogRecord) -> bool:
        for name in self.RESERVED:
            if name in record.__dict__:
                record.__dict__[f"{name}_field"] = record.__dict__.pop(name)
        return True


@contextlib.contextmanager
def case_context(case_id: str | None) -> Iterator[None]:
    token = current_case_id.set(case_id)
    try:
        yield
    finally:
        current_case_id.reset(token)


def configure_logging(*, service: str, level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(name)s %(message)s"))
    # These two first: they look at the message template, which RedactingFilter formats away.
    handler.addFilter(RepeatLimiter(emit=handler.handle))
    handler.addFilter(KnownTransientToInfo())
    handler.addFilter(RedactingFilter())
    handler.addFilter(ReservedNamesKept())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "pymongo", "faust", "mode", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
