"""The event contracts: envelope, wire format, decoding errors, ids."""

from datetime import UTC, datetime

import pytest
from complaints_shared import events as ev
from complaints_shared.logging import redact
from complaints_shared.topics import ALL_TOPICS, topic_of
from pydantic import ValidationError

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def received() -> ev.ComplaintReceived:
    return ev.ComplaintReceived(case_id="c-1", channel=ev.Channel.SMS, text="牛奶结块", received_at=NOW)


def test_envelope_is_cloudevents_with_case_id_as_subject():
    event = ev.envelope(received(), source="/services/intake")
    assert (event.specversion, event.subject, event.datacontenttype) == ("1.0", "c-1", "application/json")
    assert event.type == "org.complaints.complaint.received.v1"


def test_wire_format_is_plain_json_and_round_trips():
    event = ev.envelope(received(), source="/s", event_id="e-1")
    raw = ev.encode(event)
    assert b"__faust" not in raw
    assert ev.decode(raw) == event


def test_models_are_frozen():
    with pytest.raises(ValidationError, match="frozen"):
        received().text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{oops", "not JSON"),
        (b"[1]", "not a JSON object"),
        (b'{"type": "org.complaints.nope.v1"}', "type: unknown event type"),
        (
            b'{"specversion": "1.0", "id": "x", "source": "/s", "type": "org.complaints.complaint.received.v1",'
            b' "time": "2026-11-24T09:00:00Z", "data": {"case_id": "c", "channel": "fax", "text": "t", "received_at": "2026-11-24T09:00:00Z"}}',
            "data.channel:",
        ),
    ],
)
def test_decode_errors_name_what_is_wrong(raw, reason):
    with pytest.raises(ev.EventDecodeError, match=reason):
        ev.decode(raw)


def test_decode_refuses_an_event_on_the_wrong_topic():
    raw = ev.encode(ev.envelope(received(), source="/s"))
    with pytest.raises(ev.EventDecodeError, match="does not belong"):
        ev.decode(raw, expect=(ev.ComplaintRouted,))


def test_derived_ids_are_stable_and_distinct():
    assert ev.derived_id("routed", "a") == ev.derived_id("routed", "a")
    assert ev.derived_id("routed", "a") != ev.derived_id("routed", "b")
    assert ev.derived_id("a", "bc") != ev.derived_id("ab", "c")


def test_every_event_has_exactly_one_topic():
    for model in ev.ALL_EVENTS:
        assert sum(model in spec.carries for spec in ALL_TOPICS) == 1, model
        assert topic_of(model)


def test_customer_profiles_topic_is_compacted_and_keyed_by_customer():
    spec = topic_of(ev.CustomerProfileUpdated)
    assert spec.broker_config()["cleanup.policy"] == "compact"
    profile = ev.CustomerProfileUpdated(customer_id="K-1", tier=ev.CustomerTier.KEY_ACCOUNT, updated_at=NOW)
    assert ev.envelope(profile, source="/crm").subject == "K-1"


def test_log_redaction_masks_emails_and_phone_numbers():
    text = redact("from ann.lee@example.com, tel +86 182-0000-5017 or (020) 7946 0000, order 2026")
    assert "example.com" not in text and "5017" not in text and "7946" not in text
    assert "order 2026" in text
    assert redact("listening on http://127.0.0.1:8001") == "listening on http://127.0.0.1:8001"


def test_log_records_are_redacted_in_extras_and_tracebacks():
    import io
    import logging

    from complaints_shared.logging import case_context, configure_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(service="t", level="INFO", fmt="json")
    root.handlers[0].setStream(stream)
    try:
        with case_context("case-7"):
            try:
                raise ValueError("input_value='call me on +44 20 7946 0018 or ann@example.com'")
            except ValueError:
                logging.getLogger("t").exception("failed", extra={"reason": "from bob@example.org"})
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    line = stream.getvalue()
    assert "7946" not in line and "example.com" not in line and "example.org" not in line
    assert '"case_id": "case-7"' in line and "ValueError" in line
