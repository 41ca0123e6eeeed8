"""Complaints by letter: a scan from the mailroom, read by OCR off the request path.

The request stores the scan and a pending OCR job and answers 202 with the case id; a worker
takes the job, reads the scan and publishes the `ComplaintReceived`. What is pure lives here:
which scans are accepted (by their magic bytes, not the client's content type), which
Tesseract language packs and page segmentation a script needs, when a reading needs a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Protocol

from complaints_shared import events as ev
from pydantic import BaseModel, ConfigDict, Field

from .scripts import script_language

# Magic bytes of the scan formats accepted, and the content type each is stored under.
SCAN_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
)


class InvalidScan(ValueError):
    """The `scan` part is not a PNG, JPEG, TIFF or PDF."""


def scan_content_type(data: bytes) -> str:
    """The content type `data` really has (its first bytes say), whatever the client claimed."""
    for magic, content_type in SCAN_TYPES:
        if data.startswith(magic):
            return content_type
    raise InvalidScan("not a PNG, JPEG, TIFF or PDF (judged by the file's first bytes)")


class LetterForm(BaseModel):
    """The form fields of `POST /v1/complaints/letter`, beside the `scan` file part."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sender_name: Annotated[str | None, Field(max_length=200, description="The sender as the letter names them")] = None
    postal_address: Annotated[str | None, Field(max_length=1000)] = None
    received_on: date | None = Field(default=None, description="The day the mailroom received the letter")
    text: Annotated[str | None, Field(max_length=ev.TEXT_MAX, description="The letter typed by the mailroom: used instead of OCR")] = None


class Script(StrEnum):
    HAN = "Han"
    HANGUL = "Hangul"
    LATIN = "Latin"


@dataclass(frozen=True)
class OcrPlan:
    """How Tesseract reads a page of one script. Korean needs a uniform block (`--psm 6`): with
    the default automatic segmentation Tesseract 5.3 returned 0.19-0.70 of the source text,
    with 6 all of it. Han reads as well with 6 and a little faster; Latin letters keep the
    automatic segmentation (address blocks, columns)."""

    languages: str
    psm: int


OCR_PLANS = {
    Script.HAN: OcrPlan("chi_sim", 6),  # and chi_tra: the more confident reading wins (adapters/ocr.py)
    Script.HANGUL: OcrPlan("kor", 6),
    Script.LATIN: OcrPlan("eng", 3),
}
TRADITIONAL_PLAN = OcrPlan("chi_tra", 6)


@dataclass(frozen=True)
class OcrReading:
    """What OCR made of a whole scan."""

    text: str
    confidence: float | None  # mean word confidence over the pages, 0-100
    pages: int
    language: ev.Language | None


@dataclass(frozen=True)
class LetterJob:
    """A letter waiting for (or done with) OCR: everything needed to publish its complaint."""

    case_id: str
    scan: ev.Attachment
    form: LetterForm
    received_at: datetime
    fingerprint: str  # of the scan and form: the same Idempotency-Key with another letter is a conflict
    attempts: int = 0


class LetterJobs(Protocol):
    async def add(self, job: LetterJob, *, now: datetime) -> LetterJob:
        """Stores a pending job; returns the job already stored under its case id, if any."""
        ...

    async def take(self, *, now: datetime, lease: timedelta) -> LetterJob | None: ...

    async def extend(self, case_id: str, *, until: datetime) -> None: ...

    async def retry_at(self, case_id: str, when: datetime) -> None: ...

    async def finish(self, case_id: str, *, now: datetime) -> None: ...


def letter_complaint(job: LetterJob, reading: OcrReading | None, *, review_below: float) -> ev.ComplaintReceived:
    """The complaint of a letter once read. Typed text from the mailroom wins over OCR (the
    reading still gives the pages, language and confidence of the scan); an OCR reading below
    `review_below` confidence, or one that found no text, is flagged for a person to check."""
    typed = (job.form.text or "").strip()
    ocr_text = reading.text.strip() if reading else ""
    confidence = reading.confidence if reading else None
    needs_review = not typed and (not ocr_text or confidence is None or confidence < review_below)
    text = typed or ocr_text or "(no text could be read from the scan: see the attached scan)"
    language = script_language(typed) if typed else reading.language if reading else None
    return ev.ComplaintReceived(
        case_id=job.case_id,
        channel=ev.Channel.LETTER,
        text=text[: ev.TEXT_MAX],
        language=language,
        customer=ev.CustomerContact(name=job.form.sender_name),
        received_at=job.received_at,
        attachments=(job.scan,),
        letter=ev.LetterDetails(
            scan=job.scan,
            pages=max(1, reading.pages if reading else 1),
            received_on=job.form.received_on,
            postal_address=job.form.postal_address,
            ocr_confidence=None if confidence is None else round(max(0.0, min(100.0, confidence)), 1),
            needs_review=needs_review,
        ),
    )


def letter_event_id(case_id: str) -> str:
    """The complaint's event id, derived from the case: a job re-run after a crash publishes
    the same event again, which the consumers keep once."""
    return ev.derived_id("received", "letter", case_id)
