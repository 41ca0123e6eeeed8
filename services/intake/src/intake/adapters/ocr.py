"""OCR of letter scans with Tesseract (Debian's tesseract-ocr, packs chi_sim, chi_tra, kor, eng
and osd), through pytesseract. PDF pages are rendered with pypdfium2.

Per page: straighten a few degrees of skew (projection search), turn it upright (Tesseract's
orientation and script detection, OSD), pick the language packs and page segmentation from the
script OSD found (domain.letters.OCR_PLANS), read the words with their confidences. Han pages
are read with chi_sim first and again with chi_tra when the text turns out Traditional.

Blocking (Tesseract runs as a subprocess, about half a second a page): the worker calls
`read_scan` in a thread.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytesseract
from complaints_shared import events as ev
from PIL import Image, ImageFilter, ImageOps, ImageSequence

from ..domain.letters import OCR_PLANS, TRADITIONAL_PLAN, OcrPlan, OcrReading, Script
from ..domain.scripts import script_language

log = logging.getLogger(__name__)

# Tesseract's OpenMP threads (one per core by default) contend with each other and with intake
# on a busy machine: measured here with the load of other processes, one thread read a Han page
# in 1.0 s against 2.4 s with the default. The worker runs the two Chinese models side by side
# instead. pytesseract's subprocesses inherit the environment; an operator's own value stays.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Pages are read at about 200 dpi for an A4 sheet: what Tesseract's models want for body text
# (x-height of 20-30 px), and no slower than it must be.
PAGE_WIDTH_PX = 1700
MAX_PAGE_HEIGHT_PX = 8000
OSD_SCRIPTS = {"Han": Script.HAN, "Japanese": Script.HAN, "Korean": Script.HANGUL, "Hangul": Script.HANGUL, "Latin": Script.LATIN}
# Read with every pack when OSD cannot tell the script (too little text on the page).
UNKNOWN_SCRIPT_PLAN = OcrPlan("chi_sim+kor+eng", 6)
TRADITIONAL_MARGIN = 4.0  # confidence points chi_tra must lead chi_sim by (see read_page)


class TooManyPages(ValueError):
    pass


@dataclass(frozen=True)
class PageReading:
    text: str
    word_confidences: tuple[float, ...]
    language: ev.Language | None


def pages_of(data: bytes, content_type: str, *, max_pages: int) -> Iterator[Image.Image]:
    """The scan's pages as images (PDF pages rendered; every frame of a TIFF)."""
    if content_type == "application/pdf":
        pdf = pdfium.PdfDocument(data)
        try:
            if len(pdf) > max_pages:
                raise TooManyPages(f"{len(pdf)} pages, at most {max_pages}")
            for page in pdf:
                width_points, height_points = page.get_width() or 595, page.get_height() or 842
                scale = min(300 / 72, max(0.5, PAGE_WIDTH_PX / width_points))
                # A page drawn absurdly tall (a banner, a crafted file) renders no taller than this.
                scale = min(scale, MAX_PAGE_HEIGHT_PX / height_points)
                yield page.render(scale=scale, grayscale=True).to_pil()
        finally:
            pdf.close()
        return
    with Image.open(io.BytesIO(data)) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > max_pages:
            raise TooManyPages(f"{frames} pages, at most {max_pages}")
        for frame in ImageSequence.Iterator(image):
            yield frame.copy()


def _normalised(page: Image.Image) -> Image.Image:
    page = ImageOps.exif_transpose(page) or page
    page = page.convert("L")
    if page.width > PAGE_WIDTH_PX * 1.5 or page.width < PAGE_WIDTH_PX / 2:
        page = page.resize((PAGE_WIDTH_PX, max(1, round(page.height * PAGE_WIDTH_PX / page.width))), Image.Resampling.LANCZOS)
    # A 3x3 median removes salt-and-pepper noise (dust, a dirty scanner glass) and leaves
    # strokes of body text at this resolution intact.
    return page.filter(ImageFilter.MedianFilter(3))


def skew_angle(page: Image.Image, *, limit: float = 8.0) -> float:
    """The small rotation (degrees, counter-clockwise) that makes the text lines horizontal:
    the angle whose row projection of the ink is sharpest (lines and gaps apart), searched in
    whole degrees and then tenths."""
    small = page.convert("L")
    small = small.resize((600, max(1, round(small.height * 600 / small.width))))
    ink = small.point(lambda value: 255 if value < 160 else 0)

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        rows = turned.resize((1, turned.height), Image.Resampling.BOX).tobytes()  # one byte (the row's mean) a row
        return float(sum((a - b) ** 2 for a, b in itertools.pairwise(rows)))

    best = max((float(a) for a in range(-round(limit), round(limit) + 1)), key=sharpness)
    return max((best + tenth / 10 for tenth in range(-9, 10)), key=sharpness)


def upright(page: Image.Image) -> tuple[Image.Image, Script | None]:
    """The page deskewed and turned upright, and its script (None when OSD cannot tell)."""
    angle = skew_angle(page)
    if abs(angle) >= 0.2:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    try:
        osd = pytesseract.image_to_osd(page, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # too few characters for OSD: keep the page as it is
        return page, None
    turn = int(osd.get("rotate", 0)) % 360
    if turn:
        # OSD's `rotate` is clockwise; Pillow turns counter-clockwise.
        page = page.rotate(-turn, expand=True, fillcolor=255)
        angle = skew_angle(page)
        if abs(angle) >= 0.2:
            page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return page, OSD_SCRIPTS.get(str(osd.get("script", "")))


def read_words(page: Image.Image, plan: OcrPlan) -> PageReading:
    """Tesseract's words with their confidences, put back into lines (CJK words are joined
    without the spaces Tesseract puts between them; Latin words with one)."""
    data = pytesseract.image_to_data(page, lang=plan.languages, config=f"--psm {plan.psm}", output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences = []
    for word, confidence, block, paragraph, line in zip(
        data["text"], data["conf"], data["block_num"], data["par_num"], data["line_num"], strict=True
    ):
        word = word.strip()
        if not word or float(confidence) < 0:
            continue
        lines.setdefault((block, paragraph, line), []).append(word)
        confidences.append(float(confidence))
    text = "\n".join(_join(words) for words in lines.values())
    return PageReading(text, tuple(confidences), script_language(text))


def _join(words: list[str]) -> str:
    joined = words[0]
    for word in words[1:]:
        cjk_meet = not joined[-1].isascii() and not word[0].isascii()
        joined += word if cjk_meet else " " + word
    return joined


def read_page(page: Image.Image) -> PageReading:
    page, script = upright(_normalised(page))
    if script is None:
        first = read_words(page, UNKNOWN_SCRIPT_PLAN)
        if not first.text or first.language is None:
            return first
        script = {ev.Language.KO: Script.HANGUL, ev.Language.EN: Script.LATIN}.get(first.language, Script.HAN)
    if script is Script.HAN:
        # Each Chinese model writes its own character set whatever the page's is, so the text
        # cannot tell Simplified from Traditional; the models' confidence can. Measured on the
        # same letter: a Simplified page 89 (chi_sim) vs 88 (chi_tra); a Traditional one 77 vs
        # 93. Traditional must win clearly. Both run at once (two single-threaded Tesseracts).
        with ThreadPoolExecutor(2) as pool:
            simplified = pool.submit(read_words, page, OCR_PLANS[script])
            traditional = pool.submit(read_words, page, TRADITIONAL_PLAN).result()
            reading = simplified.result()
        if _mean(traditional.word_confidences) > _mean(reading.word_confidences) + TRADITIONAL_MARGIN:
            return PageReading(traditional.text, traditional.word_confidences, ev.Language.ZH_HANT)
        return PageReading(reading.text, reading.word_confidences, ev.Language.ZH_HANS)
    return read_words(page, OCR_PLANS[script])


def _mean(values: tuple[float, ...]) -> float:
    return sum(values) / len(values) if values else 0.0


def read_scan(data: bytes, content_type: str, *, max_pages: int) -> OcrReading:
    """The whole scan read: pages' text one after the other, the mean word confidence, and
    the language most of the text is in."""
    readings = [read_page(page) for page in pages_of(data, content_type, max_pages=max_pages)]
    confidences = [c for reading in readings for c in reading.word_confidences]
    weight: Counter[ev.Language] = Counter()
    for reading in readings:
        if reading.language is not None:
            weight[reading.language] += len(reading.text)
    return OcrReading(
        text="\n\n".join(reading.text for reading in readings if reading.text).strip(),
        confidence=sum(confidences) / len(confidences) if confidences else None,
        pages=max(1, len(readings)),
        language=weight.most_common(1)[0][0] if weight else None,
    )
