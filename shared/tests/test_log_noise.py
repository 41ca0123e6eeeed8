"""Client-library noise: a reconnect error repeated for a whole outage is one line per 30 s and a
count (RepeatLimiter); a known transient error of a normal start is logged at INFO."""

from __future__ import annotations

import io
import json
import logging

import pytest
from complaints_shared.logging import KnownTransientToInfo, RepeatLimiter, configure_logging


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def captured():
    clock = FakeClock()
    emitted: list[logging.LogRecord] = []
    logger = logging.getLogger("aiokafka.test_log_repeats")
    handler = logging.Handler()
    handler.emit = emitted.append
    limiter = RepeatLimiter(emit=handler.handle, clock=clock)
    handler.addFilter(limiter)
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, clock, emitted
    logger.removeHandler(handler)
    logger.propagate = True


def messages(records):
    return [record.getMessage() for record in records]


def test_repeats_within_the_window_are_dropped_and_counted_once_it_ends(captured):
    logger, clock, emitted = captured
    for attempt in range(500):
        clock.now = attempt * 0.05  # 500 attempts in 25 s
        logger.error("Unable connect to node with id %s: %s", 1, f"attempt {attempt}")
    assert messages(emitted) == ["Unable connect to node with id 1: attempt 0"]
    clock.now = 30.0
    logger.error("Unable connect to node with id %s: %s", 1, "attempt 500")
    assert messages(emitted) == [
        "Unable connect to node with id 1: attempt 0",
        "Unable connect to node with id 1: attempt 0 (repeated 499 times in the last 30 s)",
        "Unable connect to node with id 1: attempt 500",
    ]
    assert [record.levelno for record in emitted] == [logging.ERROR] * 3
    assert all(record.name == "aiokafka.test_log_repeats" for record in emitted)


def test_the_count_comes_out_with_the_next_line_of_any_logger_once_the_repeats_stop(captured):
    logger, clock, emitted = captured
    for _ in range(3):
        logger.error("Unable to update metadata from %s", [1])
    clock.now = 31.0
    logger.warning("Heartbeat failed for group %s", "routing")
    assert messages(emitted) == [
        "Unable to update metadata from [1]",
        "Unable to update metadata from [1] (repeated 2 times in the last 30 s)",
        "Heartbeat failed for group routing",
    ]


def test_a_line_that_does_not_repeat_gets_no_summary_and_is_let_through_again_later(captured):
    logger, clock, emitted = captured
    logger.error("Group Coordinator Request failed: %s", "[Error 15]")
    clock.now = 45.0
    logger.error("Group Coordinator Request failed: %s", "[Error 15]")
    assert messages(emitted) == ["Group Coordinator Request failed: [Error 15]"] * 2


def test_different_templates_and_levels_are_limited_apart(captured):
    logger, _clock, emitted = captured
    for _ in range(3):
        logger.error("Unable to update metadata from %s", [1])
        logger.warning("Unable to update metadata from %s", [1])
        logger.error("Failed fetch messages from %s: %s", 1, "closed")
    assert len(emitted) == 3


def test_info_lines_and_our_own_loggers_are_not_limited():
    clock = FakeClock()
    limiter = RepeatLimiter(emit=lambda record: None, clock=clock)

    def record(name, level):
        return logging.makeLogRecord({"name": name, "levelno": level, "msg": "same %s", "args": ("x",)})

    assert all(limiter.filter(record("complaints_shared.kafka", logging.WARNING)) for _ in range(5))
    assert all(limiter.filter(record("aiokafka", logging.INFO)) for _ in range(5))
    assert all(limiter.filter(record("aiokafkaesque", logging.ERROR)) for _ in range(5))
    assert limiter.filter(record("aiokafka.conn", logging.ERROR))
    assert not limiter.filter(record("aiokafka.conn", logging.ERROR))


def json_log_lines(monkeypatch, emit, *, service="test") -> list[dict]:
    """The JSON lines `configure_logging` writes while `emit()` logs; the root logger restored after."""
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(service=service, fmt="json")
        emit()
        return [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def test_configure_logging_limits_the_client_libraries_in_the_json_log(monkeypatch):
    def emit():
        for _ in range(100):
            logging.getLogger("aiokafka").error("Unable connect to node with id %s: %s", 1, "[Errno 111] Connection refused")

    lines = json_log_lines(monkeypatch, emit)
    assert [line["message"] for line in lines] == ["Unable connect to node with id 1: [Errno 111] Connection refused"]


def test_a_refused_offset_lookup_on_a_new_topic_is_logged_at_info_and_other_errors_stay_errors():
    def record(msg, *args, name="aiokafka.consumer.fetcher"):
        return logging.makeLogRecord({"name": name, "levelno": logging.ERROR, "levelname": "ERROR", "msg": msg, "args": args})

    transient = record("Failed fetch offsets from %s: %s", 1, "[Error 6] NotLeaderForPartitionError: TopicPartition(topic='x', partition=0)")
    other_error = record("Failed fetch offsets from %s: %s", 1, "[Error 29] TopicAuthorizationFailedError")
    other_message = record("Failed fetch messages from %s: %s", 1, "[Error 6] NotLeaderForPartitionError")
    other_logger = record("Failed fetch offsets from %s: %s", 1, "NotLeaderForPartitionError", name="complaints_shared.kafka")
    demote = KnownTransientToInfo()
    assert all(demote.filter(r) for r in (transient, other_error, other_message, other_logger))
    assert (transient.levelno, transient.levelname) == (logging.INFO, "INFO")
    assert {r.levelname for r in (other_error, other_message, other_logger)} == {"ERROR"}


def test_forgetting_the_group_coordinator_is_info_and_a_refused_heartbeat_stays_a_warning():
    def record(msg, *args):
        return logging.makeLogRecord(
            {"name": "aiokafka.consumer.group_coordinator", "levelno": logging.WARNING, "levelname": "WARNING", "msg": msg, "args": args}
        )

    forgotten = record("Marking the coordinator dead (node %s)for group %s.", 1, "archive")
    heartbeat = record("Heartbeat failed for group %s: coordinator (node %s) is either not started or not valid", "archive", 1)
    demote = KnownTransientToInfo()
    assert demote.filter(forgotten) and demote.filter(heartbeat)
    assert (forgotten.levelname, heartbeat.levelname) == ("INFO", "WARNING")


def test_configure_logging_keeps_the_transient_error_in_the_log_at_info(monkeypatch):
    lines = json_log_lines(monkeypatch, lambda: logging.getLogger("aiokafka.consumer.fetcher").error(
        "Failed fetch offsets from %s: %s", 1, "[Error 6] NotLeaderForPartitionError: x"))
    assert [(line["level"], line["message"]) for line in lines] == [("INFO", "Failed fetch offsets from 1: [Error 6] NotLeaderForPartitionError: x")]


def test_an_extra_field_named_like_the_lines_own_fields_does_not_replace_them(monkeypatch):
    [line] = json_log_lines(monkeypatch, lambda: logging.getLogger("notification.notices").info(
        "notice", extra={"level": "manager", "service": "x"}), service="notification")
    assert (line["level"], line["service"], line["level_field"], line["service_field"]) == ("INFO", "notification", "manager", "x")
