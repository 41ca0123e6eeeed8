"""A raw record's validation error names fields, never the input (issue 8, defect 7)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from complaints_shared import events as ev
from intake.entrypoints.raw_topic import UnreadableRecord, raw_record_handler
from intake.settings import IntakeSettings


async def test_the_raised_reason_names_fields_and_quotes_no_input(publisher):
    handle = raw_record_handler(publisher=publisher, clock=ev.utcnow, window=IntakeSettings().received_at_window())
    value = json.dumps({"channel": "fax", "text": "Mrs Wilhelmina Ashdown says", "customer": {"name": "W" * 300}}).encode()
    with pytest.raises(UnreadableRecord) as raised:
        await handle(SimpleNamespace(topic="raw", partition=0, offset=3, value=value))
    reason = str(raised.value)
    assert "channel" in reason and "customer.name" in reason
    assert "Wilhelmina" not in reason and "WWW" not in reason and "fax" not in reason
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert publisher.events == []
