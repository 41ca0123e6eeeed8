"""Letter pages OCR'd per second, as intake's worker reads them (one page at a time: one
Tesseract run per page and script, `adapters.ocr.read_scan`), per language.

Pages are A4 at 200 dpi rendered with Noto Sans CJK (tests/integration/test_intake_letter_ocr.py's
texts), a third of them rotated 3° and a third noisy; each language's pages go as one PDF, as a
mailroom scans a letter. Prints wall-clock pages/s, CPU seconds a page (this process and its
Tesseract children) and the similarity to the source.

Han pages are read twice (chi_sim and chi_tra, the more confident wins: adapters/ocr.py), so
they take about twice as long as Korean or English ones.

Usage: python bench/letter_ocr.py [PAGES_PER_LANGUAGE=6]
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from intake.adapters.ocr import read_scan
from test_intake_letter_ocr import PAGES, encoded, render, similarity


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(per_language: int) -> None:
    print(f"{os.cpu_count()} cores; {per_language} pages a language, one PDF each, read one page at a time")
    total_pages, total_seconds = 0, 0.0
    for language, paragraphs in PAGES.items():
        texts = [paragraphs[i % len(paragraphs)] for i in range(per_language)]
        pages = [render(text, language, angle=3.0 if i % 3 == 1 else 0.0, noise=0.02 if i % 3 == 2 else 0.0, seed=i)
                 for i, text in enumerate(texts)]
        scan = encoded(pages, "pdf")
        cpu_before, started = cpu_seconds(), time.perf_counter()
        reading = read_scan(scan, "application/pdf", max_pages=100)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
        ratio = similarity("\n".join(texts), reading.text, language)
        total_pages, total_seconds = total_pages + reading.pages, total_seconds + seconds
        print(f"{language:8} {reading.pages} pages in {seconds:5.1f} s = {reading.pages / seconds:4.2f} pages/s "
              f"({seconds / reading.pages:.2f} s, {cpu / reading.pages:.2f} CPU s a page); similarity {ratio:.3f}, "
              f"confidence {reading.confidence:.1f}, language {reading.language}")
    print(f"all      {total_pages} pages in {total_seconds:.1f} s = {total_pages / total_seconds:.2f} pages/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
