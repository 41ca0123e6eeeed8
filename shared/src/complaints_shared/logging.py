"""JSON logs that carry the case id and never personal data.

The case id travels in a context variable (`case_context`), so handlers don't pass it around.
`RedactingFilter` is the safety net: e-mail addresses and phone-like digit runs that slip into
a message are masked before any handler sees them.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import sys
from collections.abc import Iterator

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
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "pymongo", "faust", "mode", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
