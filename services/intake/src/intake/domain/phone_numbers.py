"""Telephone numbers as the channels give them, normalised to E.164 (phonenumbers)."""

from __future__ import annotations

import phonenumbers


def e164(number: str | None, *, default_region: str) -> str | None:
    """`number` in E.164 (`+8613800138000`), read in `default_region` when it has no country
    code; None when blank. A number that cannot be read is kept as given (stripped): the
    contact stays what the customer gave, it just cannot be normalised."""
    if number is None or not number.strip():
        return None
    given = number.strip()
    try:
        parsed = phonenumbers.parse(given, default_region)
    except phonenumbers.NumberParseException:
        return given[:40]
    if not phonenumbers.is_possible_number(parsed):
        return given[:40]
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
