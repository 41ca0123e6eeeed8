"""Header look-ups that do not build the standard library's structured header objects.

policy.default parses a header into an object each time it is read (Content-Type alone ten
times a message: two thirds of reading a mail); the raw value is enough where only its first
word, or a plain flag, matters."""

from __future__ import annotations

from email.message import Message


def raw_header(message: Message, name: str) -> str:
    """The first `name` header as sent (encoded words and 8-bit bytes still in it), or ""."""
    name = name.lower()
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def content_type(part: Message) -> str:
    """The part's media type, lower case; as RFC 2045 says, the default type when the header
    is missing or names no valid type."""
    value = raw_header(part, "content-type").split(";", 1)[0].strip().lower()
    if value.count("/") == 1 and all(value.split("/")):
        return value
    return part.get_default_type()
