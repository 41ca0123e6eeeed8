"""Letter channel: the upload is stored with a pending OCR job before the 202; the worker reads
the job and publishes the complaint (once, whatever happens between). OCR itself is tested on
real Tesseract in tests/integration/test_intake_letter_ocr.py; here the reading is given."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import pytest
from complaints_shared import events as ev
from intake.adapters.attachments_memory import InMemoryAttachments
from intake.adapters.letter_jobs import InMemoryLetterJobs, LetterWorker
from intake.adapters.ocr import MAX_PAGE_HEIGHT_PX, PAGE_WIDTH_PX, TooManyPages, pages_of, skew_angle
from intake.bootstrap import bootstrap
from intake.domain.letters import LetterJob, OcrReading, letter_event_id, scan_content_type
from intake.settings import IntakeSettings
from PIL import Image, ImageDraw, ImageFont

from .conftest import API_KEY, NOW

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
FORM = {"sender_name": "王芳", "postal_address": "北京市朝阳区建国路 88 号", "received_on": "2026-11-23"}


class Store:
    def __init__(self) -> None:
        self.jobs = InMemoryLetterJobs()
        self.attachments = InMemoryAttachments()


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
async def http(publisher, store):
    app = bootstrap(
        IntakeSettings(COMPLAINTS_API_KEY=API_KEY, max_scan_bytes=4096), publisher=publisher, clock=lambda: NOW,
        letter_jobs=store.jobs, attachments=store.attachments,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as client:
        yield client


def worker(store: Store, publisher, read) -> LetterWorker:
    return LetterWorker(store.jobs, read=read, publisher=publisher, clock=lambda: NOW, review_below=70.0, lease=timedelta(seconds=60))


async def upload(http, scan: bytes = PNG, *, filename: str = "letter.png", form: dict | None = None, **headers) -> httpx.Response:
    return await http.post("/v1/complaints/letter", files={"scan": (filename, scan, "image/png")}, data=form or FORM, headers=headers)


async def test_the_upload_is_stored_and_answered_before_any_ocr(http, publisher, store):
    response = await upload(http)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["ocr"] == "pending" and body["event_id"] == letter_event_id(body["case_id"])
    assert publisher.events == []  # nothing published until the letter is read
    document = store.jobs.documents[body["case_id"]]
    assert document["state"] == "pending"
    assert store.attachments.blobs[document["scan"]["sha256"]] == PNG
    assert document["scan"]["content_type"] == "image/png"


async def test_the_worker_publishes_the_read_letter_once_even_when_a_job_is_read_twice(http, publisher, store):
    case_id = (await upload(http)).json()["case_id"]
    reading = OcrReading(text="热水壶漏水，要求退款。", confidence=91.26, pages=3, language=ev.Language.ZH_HANS)

    async def read(job: LetterJob) -> OcrReading:
        assert await store.attachments.get(job.scan.reference) == PNG
        return reading

    job = await store.jobs.take(now=NOW, lease=timedelta(seconds=60))
    assert job is not None and job.case_id == case_id
    assert await worker(store, publisher, read).process(job)
    [event] = publisher.events
    complaint = event.data
    assert isinstance(complaint, ev.ComplaintReceived)
    assert event.id == letter_event_id(case_id)
    assert (complaint.case_id, complaint.channel, complaint.text, complaint.language) == (case_id, ev.Channel.LETTER, reading.text, ev.Language.ZH_HANS)
    assert complaint.customer.name == "王芳"
    letter = complaint.letter
    assert letter is not None
    assert (letter.pages, letter.ocr_confidence, letter.needs_review) == (3, 91.3, False)
    assert (str(letter.received_on), letter.postal_address) == ("2026-11-23", FORM["postal_address"])
    assert complaint.attachments == (letter.scan,)
    assert store.jobs.documents[case_id]["state"] == "done"
    # A process that died after publishing, before marking the job done, leaves it to be read
    # again: the same event id, which the consumers keep once.
    store.jobs.documents[case_id]["state"] = "pending"
    again = await store.jobs.take(now=NOW + timedelta(minutes=2), lease=timedelta(seconds=60))
    assert again is not None
    await worker(store, publisher, read).process(again)
    assert [e.id for e in publisher.events] == [event.id, event.id]


async def test_a_taken_job_is_not_taken_again_until_its_lease_runs_out(http, store):
    await upload(http)
    assert await store.jobs.take(now=NOW, lease=timedelta(seconds=60)) is not None
    assert await store.jobs.take(now=NOW + timedelta(seconds=59), lease=timedelta(seconds=60)) is None
    assert await store.jobs.take(now=NOW + timedelta(seconds=61), lease=timedelta(seconds=60)) is not None


async def test_low_confidence_or_an_unreadable_scan_is_flagged_for_review(http, publisher, store):
    await upload(http)
    job = await store.jobs.take(now=NOW, lease=timedelta(seconds=60))
    assert job is not None

    async def unsure(_job):
        return OcrReading(text="?? kettle ??", confidence=41.0, pages=1, language=ev.Language.EN)

    await worker(store, publisher, unsure).process(job)
    assert publisher.events[-1].data.letter.needs_review is True

    async def broken(_job):
        raise OSError("image file is truncated")

    second = (await upload(http, PNG + b"other")).json()["case_id"]
    broken_worker = worker(store, publisher, broken)
    for attempt in range(1, 4):
        job = await store.jobs.take(now=NOW + timedelta(hours=attempt), lease=timedelta(seconds=60))
        assert job is not None and job.case_id == second and job.attempts == attempt
        done = await broken_worker.process(job)
        assert done is (attempt == 3)  # retried twice, then given to a person
    complaint = publisher.events[-1].data
    assert complaint.case_id == second and complaint.letter.needs_review is True


async def test_typed_text_from_the_mailroom_is_used_instead_of_ocr(http, publisher, store):
    await upload(http, form=FORM | {"text": "전기주전자에서 물이 샙니다."})
    job = await store.jobs.take(now=NOW, lease=timedelta(seconds=60))

    async def read(_job):
        return OcrReading(text="OCR text", confidence=88.0, pages=1, language=ev.Language.EN)

    await worker(store, publisher, read).process(job)
    complaint = publisher.events[-1].data
    assert (complaint.text, complaint.language, complaint.letter.needs_review) == ("전기주전자에서 물이 샙니다.", ev.Language.KO, False)


async def test_a_retried_upload_with_its_idempotency_key_is_the_same_case(http, store):
    first = await upload(http, **{"Idempotency-Key": "mailroom-2026-11-23-0042"})
    again = await upload(http, **{"Idempotency-Key": "mailroom-2026-11-23-0042"})
    other = await upload(http, PNG + b"another letter", **{"Idempotency-Key": "mailroom-2026-11-23-0042"})
    assert first.status_code == again.status_code == 202
    assert first.json()["case_id"] == again.json()["case_id"]
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "header.idempotency-key"
    assert len(store.jobs.documents) == 1


@pytest.mark.parametrize(
    ("scan", "form", "status", "field"),
    [
        (b"GIF89a....", FORM, 422, "scan"),  # not a format Tesseract is given
        (b"<html>not an image</html>", FORM, 422, "scan"),
        (PNG, FORM | {"received_on": "23/11/2026"}, 422, "received_on"),
        (PNG, FORM | {"unknown": "x"}, 422, "unknown"),
        (PNG + b"\x00" * 5000, FORM, 413, None),  # over max_scan_bytes (4096 here)
    ],
)
async def test_bad_uploads_are_refused_naming_the_field(http, store, scan, form, status, field):
    response = await upload(http, scan, form=form)
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]
    assert store.jobs.documents == {}


async def test_an_upload_without_a_scan_or_not_multipart_is_refused(http, store):
    no_scan = await http.post("/v1/complaints/letter", files={"other": ("x.png", PNG, "image/png")}, data=FORM)
    as_json = await http.post("/v1/complaints/letter", json=FORM)
    assert no_scan.status_code == 422 and no_scan.json()["errors"][0]["field"] == "scan"
    assert as_json.status_code == 415
    assert store.jobs.documents == {}


def test_scans_are_judged_by_their_magic_bytes():
    assert scan_content_type(PNG) == "image/png"
    assert scan_content_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert scan_content_type(b"II*\x00rest") == scan_content_type(b"MM\x00*rest") == "image/tiff"
    assert scan_content_type(PDF) == "application/pdf"


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.0, 2.5, 5.0])
def test_the_skew_of_a_rotated_page_is_found(angle):
    page = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 34)
    for line in range(14):
        draw.text((100, 120 + line * 70), "The kettle leaks from its base after two weeks 热水壶漏水", font=font, fill=0)
    rotated = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    # Rotating back by the found angle straightens the page: it is minus the rotation applied.
    assert skew_angle(rotated) == pytest.approx(-angle, abs=0.3)


def _pdf(pages: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def test_pdf_pages_are_rendered_at_reading_size_and_bounded_in_number_and_height():
    a4 = Image.new("L", (1654, 2339), 255)
    pages = list(pages_of(_pdf([a4, a4, a4]), "application/pdf", max_pages=5))
    assert [page.width for page in pages] == [PAGE_WIDTH_PX] * 3
    with pytest.raises(TooManyPages):
        list(pages_of(_pdf([a4, a4, a4]), "application/pdf", max_pages=2))
    banner = Image.new("L", (200, 20000), 255)  # drawn absurdly tall
    [page] = pages_of(_pdf([banner]), "application/pdf", max_pages=5)
    assert page.height <= MAX_PAGE_HEIGHT_PX
