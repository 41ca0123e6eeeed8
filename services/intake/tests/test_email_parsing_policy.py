"""Mail is parsed under compat32 and then given policy.default (domain/email_messages._parse),
which is quicker: each corpus message must read exactly as policy.default's own parser reads it."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from intake.domain import email_messages
from intake.domain.email_messages import UnreadableEmail, read_email

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "email-corpus"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md") if CORPUS.is_dir() else []


def reading(raw: bytes):
    try:
        return read_email(raw)
    except UnreadableEmail as exc:
        return ("unreadable", str(exc))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_message_reads_as_under_the_default_policys_parser(path, monkeypatch):
    raw = path.read_bytes()
    quick = reading(raw)
    monkeypatch.setattr(email_messages, "_parse", lambda data: email.message_from_bytes(data, policy=email.policy.default))
    assert quick == reading(raw)
