"""The shared e-mail corpus (../shared/email-corpus: real MIME messages from public parsers' test
suites, SOURCES.md names them) for the tests that feed it to intake."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "email-corpus"
CJK = (("\u4e00", "\u9fff"), ("\uac00", "\ud7a3"), ("\u3040", "\u30ff"))


def corpus_files() -> list[Path]:
    """Every message of the corpus; in CI a missing corpus fails, elsewhere it skips."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the shared e-mail corpus is missing at {CORPUS}")
        pytest.skip(f"the shared e-mail corpus is not on this machine ({CORPUS})")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert len(files) >= 60, f"expected the 68 messages of the shared e-mail corpus at {CORPUS}, found {len(files)}"
    return files


def has_cjk(text: str) -> bool:
    return any(low <= char <= high for char in text for low, high in CJK)
