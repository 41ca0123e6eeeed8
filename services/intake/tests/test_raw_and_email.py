"""The raw topic's record formats and the real-world e-mail corpus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from complaints_shared import events as ev
from intake import handlers
from intake.domain.complaints import ReceivedAtWindow
from intake.domain.email_messages import UnreadableEmail, parse_email
from pydantic import ValidationError

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
WINDOW = ReceivedAtWindow(max_future=timedelta(minutes=5), max_age=timedelta(days=90))
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "email-corpus"


async def test_bare_raw_object_is_normalised_with_ids_from_its_origin(publisher):
    value = b'{"channel": "sms", "text": "parcel never arrived", "customer": {"phone": "+8613800000000"}}'
    first = await handlers.normalise_raw(value, origin="raw/0/5", publisher=publisher, now=NOW, window=WINDOW)
    again = await handlers.normalise_raw(value, origin="raw/0/5", publisher=publisher, now=NOW, window=WINDOW)
    assert first == again  # a redelivered record maps to the same case and event
    assert publisher.events[0].data.channel == ev.Channel.SMS


async def test_enveloped_raw_event_uses_the_envelope_id(publisher):
    raw = ev.RawComplaintSubmitted(channel=ev.Channel.WEB, text="app crashes on login")
    value = ev.encode(ev.envelope(raw, source="/adapters/web", event_id="adapter-evt-1"))
    recorded = await handlers.normalise_raw(value, origin="raw/1/1", publisher=publisher, now=NOW, window=WINDOW)
    again = await handlers.normalise_raw(value, origin="raw/2/7", publisher=publisher, now=NOW, window=WINDOW)
    assert again == recorded  # the envelope id decides, wherever the record sits
    # ...in a namespace of its own: an envelope id never lands on the case of an external id.
    assert recorded.case_id != ev.derived_id("case", "web", "adapter-evt-1")


@pytest.mark.parametrize(
    "value",
    [b"not json", b'{"channel": "sms"}', b'{"channel": "fax", "text": "x"}', b'{"specversion": "1.0", "type": "nope"}'],
)
async def test_bad_raw_records_raise_so_the_loop_dead_letters_them(publisher, value):
    with pytest.raises((ValueError, ValidationError)):
        await handlers.normalise_raw(value, origin="raw/0/1", publisher=publisher, now=NOW, window=WINDOW)
    assert publisher.events == []


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def test_corpus_is_there():
    assert len(corpus_files()) >= 30, f"expected the shared e-mail corpus at {CORPUS}"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_message_parses_or_is_refused_clearly(path):
    try:
        complaint = parse_email(path.read_bytes())
    except UnreadableEmail:
        return  # a clear refusal (422 at the webhook), not a crash
    assert complaint.text.strip()
    assert len(complaint.subject) <= ev.SUBJECT_MAX
    # It must also fit the event contract.
    ev.ComplaintReceived(case_id="c", channel=complaint.channel, text=complaint.text, subject=complaint.subject,
                         customer=complaint.customer, received_at=NOW)


def test_corpus_japanese_and_korean_charsets_decode():
    japanese = parse_email((CORPUS / "mikel-mail" / "japanese.eml").read_bytes())
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in japanese.subject + japanese.text)
    korean = parse_email((CORPUS / "mikel-mail" / "ks_c_5601-1987.eml").read_bytes())
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean.subject + korean.text)
