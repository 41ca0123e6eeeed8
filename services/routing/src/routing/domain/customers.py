"""Recognising one customer across channels.

A complaint arrives with whatever contact details its channel saw (`CustomerContact`): an
e-mail address, a phone number, sometimes the company's own customer number, and often a
phone number or address written in the text itself ("客户电话182-0000-5017"). CRM adapters
publish `CustomerProfileUpdated` with every phone and e-mail a customer is known by.

Everything is reduced to *contact keys*, plain strings that are equal when the contact is the
same:

    customer:<customer id>     the company's customer number, verbatim (stripped)
    phone:<E.164>              parsed and validated by `phonenumbers`
    email:<address>            syntax-checked by `email-validator` (no DNS), lower-cased

`CustomerDirectory` keeps two kinds of entries in one string-keyed mapping, so the caller can
back it by a Faust table (or a dict in tests); every value is JSON-serialisable:

    "phone:+8618200005017"  -> "C123"               (contact key -> customer id)
    "profile:C123"          -> {"customer_id": ..., "tier": ..., "phones": [...], ...}

The directory performs no I/O by itself: `index_profile` *computes* the writes, `ingest`
applies them to the mapping it was given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

import phonenumbers
from complaints_shared.events import CustomerContact, CustomerProfileUpdated, CustomerTier
from email_validator import EmailNotValidError, validate_email

from .regex_tree import min_width

__all__ = [
    "CUSTOMER_PREFIX",
    "EMAIL_PREFIX",
    "PHONE_PREFIX",
    "PROFILE_PREFIX",
    "CustomerDirectory",
    "ExtractedContacts",
    "ResolvedCustomer",
    "contact_keys",
    "customer_key",
    "extract_contacts",
    "extract_emails",
    "extract_phones",
    "normalise_email",
    "normalise_phone",
    "text_contact_keys",
]

CUSTOMER_PREFIX = "customer:"
PHONE_PREFIX = "phone:"
EMAIL_PREFIX = "email:"
PROFILE_PREFIX = "profile:"

# Candidates only: every candidate is validated by email-validator before it is used.
_EMAIL_CANDIDATE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# --- skipping hopeless candidates in `phonenumbers.PhoneNumberMatcher` ---------------------
#
# The matcher finds candidate strings with a regular expression (digit blocks, punctuation, an
# extension) and parses every one, most of them amounts, dates and counts ("64元", "2 items") that
# cannot be a valid phone number. Parsing is what costs. A number the matcher accepts (leniency
# VALID) is a valid number, and every digit of its country code and national number comes from a
# character of the candidate (a digit, or a letter read on the phone keypad), except the few
# digits a region's national-prefix transform rule adds. So a candidate with fewer such
# characters than the shortest valid number can yield no match, whole or inner, and is skipped
# without parsing: `_MIN_INTERNATIONAL_DIGITS` for numbers written with a country code (checked
# against the library's metadata by the tests), the default region's own bound otherwise.
# The matches found, their order and the numbers are those of the plain matcher.

_MIN_INTERNATIONAL_DIGITS = 5
_NUMBER_TYPES = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip", "pager", "uan",
    "voicemail",
)
_KEYPAD_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_TRIES = 65535  # PhoneNumberMatcher's default

# phonenumbers compiles its metadata patterns with re.compile on every use unless asked to keep
# them; keeping them (a bounded set: the metadata's) only saves time.
if callable(_enable_pattern_cache := getattr(getattr(phonenumbers, "re_util", None), "enable_pattern_cache", None)):
    _enable_pattern_cache()


def _min_national_digits(metadata: Any) -> int:
    """The fewest digits of a valid national number of a region (0 if unknown: no bound)."""
    best = None
    for name in _NUMBER_TYPES:
        desc = getattr(metadata, name, None)
        if desc is None or desc.national_number_pattern is None:
            continue
        lengths = [n for n in (desc.possible_length or ()) if n > 0]
        bound = min(lengths) if lengths else min_width(desc.national_number_pattern)
        best = bound if best is None else min(best, bound)
    return best or 0


def _min_written_digits(metadata: Any, with_country_code: bool) -> int:
    """The fewest digits/letters a valid number of this region can be written with."""
    rule = metadata.national_prefix_transform_rule or ""
    added = len(re.findall(r"\d", re.sub(r"[\\$]\d", "", rule)))  # digits a transform rule writes in
    national = max(0, _min_national_digits(metadata) - added)
    return (len(str(metadata.country_code)) if with_country_code else 0) + national


@lru_cache(maxsize=16)
def _min_candidate_chars(default_region: str) -> int:
    try:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(default_region)
        national = _min_written_digits(metadata, False) if metadata is not None else 0
    except Exception:  # pragma: no cover - be safe: no bound
        national = 0
    return min(_MIN_INTERNATIONAL_DIGITS, national)


# The characters whose upper case is one of `_KEYPAD_LETTERS`: ASCII letters, dotless i and long s
# (the tests check this against every code point).
_KEYPAD_LETTER = re.compile("[A-Za-z\u0131\u017f]")


def _keypad_chars(candidate: str) -> int:
    """Characters of `candidate` that parsing may turn into digits: digits, and letters read on
    the phone keypad (`ch.isdigit() or ch.upper() in _KEYPAD_LETTERS`, counted without a Python
    step per character)."""
    return sum(map(str.isdigit, candidate)) + len(_KEYPAD_LETTER.findall(candidate))


class _Matcher(phonenumbers.PhoneNumberMatcher):
    """`PhoneNumberMatcher` (leniency VALID) that does not parse candidates too short to be valid."""

    def __init__(self, text: str, region: str, min_chars: int) -> None:
        super().__init__(text, region, leniency=phonenumbers.Leniency.VALID)
        self._min_chars = min_chars

    def _extract_match(self, candidate, offset):
        if _keypad_chars(candidate) < self._min_chars:
            return None  # neither the candidate nor any part of it parses to a valid number
        return super()._extract_match(candidate, offset)

    def _parse_and_verify(self, candidate, offset):
        # also the parts of a long candidate the matcher tries when the whole is not a number
        # ("inner matches": "0615-2278 010-0000-3075" -> "0615", "2278", ...)
        if _keypad_chars(candidate) < self._min_chars:
            return None
        return super()._parse_and_verify(candidate, offset)


# The plain matcher counts every failed parse against max_tries; skipping them can only matter once
# those could run out, which takes texts of thousands of characters (at most 13 tries per character).
_FAST_MATCHER = callable(getattr(phonenumbers.PhoneNumberMatcher, "_extract_match", None))
_FAST_MATCHER_MAX_LENGTH = _MAX_TRIES // 13


# Every candidate the matcher considers holds a decimal digit (its pattern requires a run of
# `\d`), so a text without one holds no phone number.
_DECIMAL_DIGIT = re.compile(r"\d")

# --- normalisation ------------------------------------------------------------------------


# Cached (both are pure): a sender's phone and e-mail are normalised by recognition and again by
# the validity judge, and the same senders come back with follow-ups.
@lru_cache(maxsize=4096)
def normalise_phone(raw: str | None, default_region: str = "CN") -> str | None:
    """E.164 form of a phone number, or None if it is not a valid number.

    Numbers without a country code are read as numbers of `default_region` (ISO 3166 alpha-2).
    Full-width digits are folded with NFKC first.
    """
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def normalise_email(raw: str | None) -> str | None:
    """A syntactically valid address, lower-cased, or None. Accepts "Name <a@b.com>"; no DNS."""
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    _, address = parseaddr(text)
    address = address or text
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.casefold()


def customer_key(customer_id: str) -> str:
    return f"{CUSTOMER_PREFIX}{customer_id.strip()}"


def _phone_key(e164: str) -> str:
    return f"{PHONE_PREFIX}{e164}"


def _email_key(address: str) -> str:
    return f"{EMAIL_PREFIX}{address}"


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def contact_keys(
    contact: CustomerContact | CustomerProfileUpdated | None, default_region: str = "CN"
) -> list[str]:
    """Contact keys of a channel contact or a CRM profile: customer id first, then phones, e-mails.

    Details that do not parse are left out (never guessed).
    """
    if contact is None:
        return []
    keys: list[str] = []
    if contact.customer_id and contact.customer_id.strip():
        keys.append(customer_key(contact.customer_id))
    if isinstance(contact, CustomerProfileUpdated):
        phones: Iterable[str | None] = contact.phones
        emails: Iterable[str | None] = contact.emails
    else:
        phones, emails = (contact.phone,), (contact.email,)
    for raw in phones:
        if (e164 := normalise_phone(raw, default_region)) is not None:
            keys.append(_phone_key(e164))
    for raw in emails:
        if (address := normalise_email(raw)) is not None:
            keys.append(_email_key(address))
    return _dedupe(keys)


# --- contact details in free text ---------------------------------------------------------


@dataclass(frozen=True)
class ExtractedContacts:
    phones: tuple[str, ...] = ()  # E.164
    emails: tuple[str, ...] = ()  # normalised

    def keys(self) -> list[str]:
        return [_phone_key(p) for p in self.phones] + [_email_key(e) for e in self.emails]


def _phones_in(folded: str, default_region: str) -> list[str]:
    """`extract_phones` of text already folded with NFKC."""
    if not folded or _DECIMAL_DIGIT.search(folded) is None:
        return []
    if _FAST_MATCHER and len(folded) < _FAST_MATCHER_MAX_LENGTH:
        matcher: phonenumbers.PhoneNumberMatcher = _Matcher(folded, default_region, _min_candidate_chars(default_region))
    else:
        matcher = phonenumbers.PhoneNumberMatcher(folded, default_region, leniency=phonenumbers.Leniency.VALID)
    return _dedupe(phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164) for m in matcher)


def _emails_in(folded: str) -> list[str]:
    """`extract_emails` of text already folded with NFKC."""
    if "@" not in folded:  # every candidate has one
        return []
    found = (normalise_email(m.group(0).rstrip(".")) for m in _EMAIL_CANDIDATE.finditer(folded))
    return _dedupe(a for a in found if a is not None)


def extract_phones(text: str, default_region: str = "CN") -> list[str]:
    """Valid phone numbers written in `text`, as E.164, in order of appearance, without repeats."""
    if not text:
        return []
    return _phones_in(unicodedata.normalize("NFKC", text), default_region)


def extract_emails(text: str) -> list[str]:
    """Valid e-mail addresses written in `text`, normalised, in order of appearance."""
    if not text:
        return []
    return _emails_in(unicodedata.normalize("NFKC", text))


# Recognising a customer reads the contacts written in a complaint up to three times (`resolve`, then
# `best_key` for an unknown customer) and the validity judge once more, for the same text; finding
# phone numbers is costly (every number-like string is parsed). The result is immutable, so the
# last complaints' are kept. Sized for the complaints in flight between recognition and routing,
# not to hold a whole workload.
@lru_cache(maxsize=128)
def _contacts_in(folded: str, default_region: str = "CN") -> ExtractedContacts:
    """`extract_contacts` of text already folded with NFKC."""
    if not folded:
        return ExtractedContacts()
    return ExtractedContacts(phones=tuple(_phones_in(folded, default_region)), emails=tuple(_emails_in(folded)))


@lru_cache(maxsize=128)  # recognition asks up to three times for the same text (see `_contacts_in`)
def extract_contacts(text: str, default_region: str = "CN") -> ExtractedContacts:
    if not text:
        return ExtractedContacts()
    return _contacts_in(unicodedata.normalize("NFKC", text), default_region)


def text_contact_keys(text: str, default_region: str = "CN") -> list[str]:
    """Contact keys for the phone numbers and addresses written in `text`."""
    return extract_contacts(text, default_region).keys()


# --- the directory ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedCustomer:
    customer_id: str
    tier: CustomerTier
    matched_on: str  # "customer_id", "phone", "email", "text_phone" or "text_email"
    key: str = field(default="", compare=False)  # the contact key that matched (personal data: don't log)
    known: bool = True  # False: a customer number we have no profile for

    @property
    def customer_key(self) -> str:
        return customer_key(self.customer_id)


def _profile_to_json(profile: CustomerProfileUpdated, keys: list[str]) -> dict[str, Any]:
    return {
        "customer_id": profile.customer_id,
        "tier": profile.tier.value,
        "phones": list(profile.phones),
        "emails": list(profile.emails),
        "name": profile.name,
        "updated_at": profile.updated_at.isoformat(),
        "keys": keys,
    }


class CustomerDirectory:
    """Contact key -> customer id, customer id -> profile, in one string-keyed mapping.

    `table` may be any object with `get(key)`, `__setitem__` and `__delitem__` (a dict, a Faust
    table). Values written are `str` (customer ids) and `dict` (profiles), both JSON-safe.
    """

    def __init__(self, table: MutableMapping[str, Any] | None = None, *, default_region: str = "CN") -> None:
        self.table: MutableMapping[str, Any] = {} if table is None else table
        self.default_region = default_region

    # -- writing --

    @staticmethod
    def profile_key(customer_id: str) -> str:
        return f"{PROFILE_PREFIX}{customer_id.strip()}"

    def index_profile(self, profile: CustomerProfileUpdated) -> dict[str, Any]:
        """The entries to write for `profile`: each contact key -> customer id, and the profile.

        Pure: nothing is written. A contact shared by two customers (a family phone) belongs to
        whichever profile was indexed last.
        """
        keys = contact_keys(profile, self.default_region)
        writes: dict[str, Any] = {key: profile.customer_id for key in keys}
        writes[self.profile_key(profile.customer_id)] = _profile_to_json(profile, keys)
        return writes

    def stale_keys(self, profile: CustomerProfileUpdated) -> list[str]:
        """Contact keys the previous version of this profile had, that the new one dropped and
        that still point at this customer: the entries to delete."""
        previous = self.table.get(self.profile_key(profile.customer_id))
        if not isinstance(previous, Mapping):
            return []
        current = set(contact_keys(profile, self.default_region))
        return [
            key
            for key in previous.get("keys", [])
            if key not in current and self.table.get(key) == profile.customer_id
        ]

    def ingest(self, profile: CustomerProfileUpdated) -> dict[str, Any]:
        """Apply a profile to the table (deletes stale keys, writes new ones). Returns the writes.

        An older profile than the stored one (by `updated_at`) is ignored and returns {}.
        """
        previous = self.table.get(self.profile_key(profile.customer_id))
        if isinstance(previous, Mapping) and previous.get("updated_at"):
            try:
                if datetime.fromisoformat(previous["updated_at"]) > profile.updated_at:
                    return {}
            except (TypeError, ValueError):
                pass  # unreadable or naive/aware mix: the newer event wins
        for key in self.stale_keys(profile):
            del self.table[key]
        writes = self.index_profile(profile)
        for key, value in writes.items():
            self.table[key] = value
        return writes

    # -- reading --

    def profile(self, customer_id: str) -> dict[str, Any] | None:
        value = self.table.get(self.profile_key(customer_id))
        return dict(value) if isinstance(value, Mapping) else None

    def _resolved(self, customer_id: str, matched_on: str, key: str) -> ResolvedCustomer:
        stored = self.profile(customer_id)
        tier = CustomerTier.STANDARD
        if stored is not None:
            try:
                tier = CustomerTier(stored.get("tier", CustomerTier.STANDARD))
            except ValueError:
                tier = CustomerTier.STANDARD
        return ResolvedCustomer(customer_id, tier, matched_on, key, known=stored is not None)

    def lookup(self, key: str) -> str | None:
        """The customer id a contact key belongs to, if any."""
        value = self.table.get(key)
        return value if isinstance(value, str) else None

    def resolve(
        self, contact: CustomerContact | None, text: str | None = None
    ) -> ResolvedCustomer | None:
        """Who this is: by customer number, then the channel's phone and e-mail, then the phone
        numbers and e-mail addresses written in `text`. None if nothing is known.

        A customer number given by the channel is trusted even without a stored profile
        (`known=False`, standard tier).
        """
        if contact is not None and contact.customer_id and contact.customer_id.strip():
            cid = contact.customer_id.strip()
            return self._resolved(cid, "customer_id", customer_key(cid))
        for key in contact_keys(contact, self.default_region):
            if (known := self.lookup(key)) is not None:
                return self._resolved(known, key.split(":", 1)[0], key)
        if text:
            for key in text_contact_keys(text, self.default_region):
                if (known := self.lookup(key)) is not None:
                    return self._resolved(known, "text_" + key.split(":", 1)[0], key)
        return None

    def best_key(self, contact: CustomerContact | None, text: str | None = None) -> str | None:
        """The key to file this complaint under: the resolved customer's key, else the first
        contact key of the channel, else the first one found in the text, else None."""
        resolved = self.resolve(contact, text)
        if resolved is not None:
            return resolved.customer_key
        keys = contact_keys(contact, self.default_region)
        if not keys and text:
            keys = text_contact_keys(text, self.default_region)
        return keys[0] if keys else None
