"""A raw-topic record carrying an e-mail (`mime`) takes the way of `POST /v1/complaints/email`:
auto-replies and bounces ignored (counted, not dead-lettered), EmailDetails filled, replies
threaded onto their case, attachments stored (fake broker, in-memory stores, fake archive)."""

from __future__ import annotations

import base64
import functools
from datetime import timedelta

import pytest
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus
from intake import handlers
from intake.adapters.attachments_memory import InMemoryAttachments
from intake.adapters.idempotency import InMemoryIdempotencyStore
from intake.domain.case_states import RecentUpdates
from intake.domain.complaints import ReceivedAtWindow
from intake.entrypoints.raw_topic import DependencyAway, raw_record_handler
from intake.handlers import EMAIL_IGNORED

from .conftest import NOW

WINDOW = ReceivedAtWindow(max_future=timedelta(minutes=5), max_age=timedelta(days=90))
AUTO_REPLY = ("From: agent@example.org\r\nTo: complaints@example.com\r\nSubject: Automatic reply: your case\r\n"
              "Auto-Submitted: auto-replied\r\nMessage-ID: <oof.raw@example.org>\r\n\r\nI am out of the office until Monday.\r\n")


def mail(text: str, *, message_id: str, subject: str = "Kettle leaks", extra: str = "") -> str:
    return (f"From: Wang Fang <wang.fang@example.cn>\r\nTo: complaints@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")


def raw_value(mime: str, **fields) -> bytes:
    return ev.RawComplaintSubmitted(channel=ev.Channel.EMAIL, mime=mime, **fields).model_dump_json().encode()


@pytest.fixture
def attachments() -> InMemoryAttachments:
    return InMemoryAttachments()


@pytest.fixture
def normalise(publisher, archive, attachments):
    """normalise_raw wired as intake's raw consumer is: with the e-mail path's stores."""
    receive = functools.partial(
        handlers.receive_email, publisher=publisher, store=InMemoryIdempotencyStore(), attachments=attachments,
        case_states=archive.client(), recent=RecentUpdates(timedelta(seconds=30)), clock=lambda: NOW, window=WINDOW, patience=1,
    )

    async def email_receiver(raw: bytes, key_scope: tuple[str, ...], *, given=None) -> handlers.EmailOutcome:
        return await receive(raw, key_scope=key_scope, given=given)

    async def normalise(value: bytes, origin: str = "raw/0/1") -> handlers.Recorded | None:
        return await handlers.normalise_raw(value, origin=origin, publisher=publisher, now=NOW, window=WINDOW, receive_email=email_receiver)

    normalise.receiver = email_receiver  # type: ignore[attr-defined]
    return normalise


async def test_a_raw_email_becomes_a_complaint_with_its_email_details(normalise, publisher):
    recorded = await normalise(raw_value(mail("The hinge snapped after two days.", message_id="<m1@x>")))
    [event] = publisher.events
    data = event.data
    assert isinstance(data, ev.ComplaintReceived)
    assert (data.text, data.customer.email, data.external_id) == ("The hinge snapped after two days.", "wang.fang@example.cn", "<m1@x>")
    assert data.email is not None and data.email.message_id == "<m1@x>"
    assert recorded is not None and recorded.case_id == data.case_id


async def test_the_raw_records_own_fields_win_over_the_mails(normalise, publisher):
    await normalise(raw_value(mail("The hinge snapped.", message_id="<m2@x>"), product="kettle-k2", language=ev.Language.EN))
    data = publisher.events[0].data
    assert (data.product, data.language) == ("kettle-k2", ev.Language.EN)


async def test_a_raw_email_without_a_declared_language_keeps_the_detected_one(normalise, publisher):
    mime = "From: b@example.com\nSubject: =?UTF-8?B?7KO87KCE7J6QIOuIhOyImA==?=\nMessage-ID: <raw-ko@x>\n\n주전자에서 물이 샙니다."
    await normalise(raw_value(mime))
    assert publisher.events[0].data.language == ev.Language.KO


async def test_a_raw_auto_reply_is_ignored_and_counted_not_an_error(normalise, publisher):
    before = EMAIL_IGNORED.labels("auto_reply")._value.get()
    assert await normalise(raw_value(AUTO_REPLY)) is None
    assert publisher.events == []
    assert EMAIL_IGNORED.labels("auto_reply")._value.get() == before + 1


async def test_a_raw_reply_is_a_follow_up_on_its_case(normalise, publisher, archive):
    first = await normalise(raw_value(mail("The kettle leaks.", message_id="<first-raw@example.cn>")))
    assert first is not None
    archive.add(first.case_id, CaseStatus.ACKNOWLEDGED)
    reply = mail("Still leaking.", message_id="<second-raw@example.cn>", subject="Re: Kettle leaks",
                 extra="In-Reply-To: <first-raw@example.cn>\r\n")
    answer = await normalise(raw_value(reply), origin="raw/0/2")
    assert answer is not None and answer.case_id == first.case_id
    follow_up = publisher.events[-1].data
    assert isinstance(follow_up, ev.CustomerFollowedUp)
    assert (follow_up.case_id, follow_up.text) == (first.case_id, "Still leaking.")


async def test_a_raw_emails_attachments_are_stored_and_referenced(normalise, publisher, attachments):
    mime = (
        "From: customer@example.cn\r\nTo: complaints@example.com\r\nSubject: cracked\r\n"
        "Message-ID: <photo-raw@example.cn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        "--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere is a photo of the crack.\r\n"
        "--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=crack.png\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"\x89PNG crack").decode() + "\r\n--x--\r\n"
    )
    await normalise(raw_value(mime))
    [attachment] = publisher.events[0].data.attachments
    assert attachment.filename == "crack.png"
    assert await attachments.get(attachment.reference) == b"\x89PNG crack"


async def test_the_store_or_archive_away_is_waited_out_not_dead_lettered(publisher):
    async def away(raw: bytes, key_scope: tuple[str, ...], *, given=None) -> handlers.EmailOutcome:
        from intake.domain.idempotency import StoreUnavailable

        raise StoreUnavailable("ServerSelectionTimeoutError")

    handle = raw_record_handler(publisher=publisher, clock=lambda: NOW, window=WINDOW, receive_email=away)

    class Record:
        topic, partition, offset, value = "raw", 0, 3, raw_value(mail("x", message_id="<away@x>"))

    with pytest.raises(DependencyAway) as caught:
        await handle(Record())  # type: ignore[arg-type]
    assert isinstance(caught.value, ConnectionError)  # transient to the consumer loop: retried, not dead-lettered
