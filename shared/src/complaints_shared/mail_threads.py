"""How a message the platform sends names its case, so that the customer's reply comes back
to the same case: notification writes these, intake reads them (e-mail threading).

- Message-ID of every mail notification sends about a case:
  `<case.{case_id}.{notice_id}@{mail_domain}>`; a reply's In-Reply-To / References name it.
- A tag in the subject, for mail clients that drop those headers: `[Case {case_id}]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .events import CASE_ID_PATTERN

_CASE_ID = CASE_ID_PATTERN.strip("^$")
_MESSAGE_ID = re.compile(rf"<case\.({_CASE_ID})\.[A-Za-z0-9-]+@[^>\s]+>")
_SUBJECT_TAG = re.compile(rf"\[Case ({_CASE_ID})\]", re.IGNORECASE)


def case_message_id(case_id: str, notice_id: str, *, mail_domain: str) -> str:
    return f"<case.{case_id}.{notice_id}@{mail_domain}>"


def subject_with_tag(case_id: str, subject: str) -> str:
    tag = f"[Case {case_id}]"
    return subject if tag.lower() in subject.lower() else f"{subject} {tag}".strip()


def case_id_from_message_ids(message_ids: Iterable[str], *, mail_domain: str | None = None) -> str | None:
    """The case named by the first of our own Message-IDs among `message_ids` (In-Reply-To first,
    then References from newest to oldest); with `mail_domain`, only ids of that domain count."""
    for message_id in message_ids:
        found = _MESSAGE_ID.search(message_id or "")
        if found and (mail_domain is None or found.group(0).rstrip(">").endswith(f"@{mail_domain}")):
            return found.group(1)
    return None


def case_id_from_subject(subject: str) -> str | None:
    found = _SUBJECT_TAG.search(subject or "")
    return found.group(1) if found else None
