"""A raw-topic record that fails validation is logged and dead-lettered without the input it
carried: no customer name, no complaint text, in JSON logs (issue 8, defect 7)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from complaints_shared import kafka
from complaints_shared.logging import configure_logging
from complaints_shared.topics import DEAD_LETTER, RAW
from fastapi import FastAPI
from intake.bootstrap import Intake
from intake.settings import IntakeSettings

pytestmark = pytest.mark.integration

NAME = "Zebediah Quillfeather"
TEXT_START = "Quillfeather household: our kettle caught fire"


@pytest.fixture
def json_log():
    """Intake's logging as configured in production (LOG_FORMAT=json), written to a buffer."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    settings = IntakeSettings(LOG_FORMAT="json")
    assert settings.log_format == "json"
    configure_logging(service="intake", level="INFO", fmt=settings.log_format)
    buffer = io.StringIO()
    [handler] = root.handlers
    handler.setStream(buffer)
    try:
        yield buffer
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


async def test_invalid_raw_record_is_logged_and_dead_lettered_without_its_input(backend_env, json_log):
    settings = IntakeSettings(**backend_env, COMPLAINTS_API_KEY="k", LOG_FORMAT="json")
    intake = Intake(settings)
    await kafka.ensure_topics(settings)
    # Both fields fail validation (too long), and pydantic's message would quote both.
    record = {
        "channel": "sms",
        "text": TEXT_START + " " + "and smoke filled the kitchen. " * 700,
        "customer": {"name": (NAME + " ") * 12, "phone": "+8613800000001"},
    }
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic(RAW.key), json.dumps(record).encode(), key=b"k")
    finally:
        await producer.stop()

    consumer = kafka.make_consumer(settings, DEAD_LETTER.name(settings.topic_prefix), group_id=None)
    await consumer.start()
    try:
        async with intake.lifespan(FastAPI()):
            # The dead letter arriving is the condition waited on (the raw loop sends it).
            batches = await consumer.getmany(timeout_ms=60_000)
            [letter] = [r for records in batches.values() for r in records]
    finally:
        await consumer.stop()
    assert (intake.raw_loop.processed, intake.raw_loop.dead_lettered) == (0, 1)
    reason = json.loads(letter.value)["data"]["reason"]
    assert "Quillfeather" not in reason and "input_value" not in reason

    output = json_log.getvalue()
    assert "input_value" not in output
    assert NAME not in output and "Quillfeather" not in output
    assert TEXT_START[:20] not in output
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    [dead] = [line for line in lines if line["message"] == "record dead-lettered"]
    assert "text" in dead["reason"] and "customer.name" in dead["reason"]  # it still says why
