"""Is a complaint valid, spam, a duplicate or follow-up of an open case, or invalid?

The judge looks at one complaint and the open cases the caller holds for the same customer and
answers with a `ValidityVerdict`: the outcome, the related case (duplicates and follow-ups),
the rule that decided, a reason fit for the explanation trail (no personal data) and a score.

Order of the checks (the first that applies wins):

1. INVALID  ``invalid.empty``        nothing but whitespace/punctuation.
2. SPAM     ``spam.blocked_sender`` / ``spam.blocked_domain`` / ``spam.links`` /
            ``spam.phrase.<group>``  configurable lists in config/validity.yaml.
3. INVALID  ``invalid.non_letters``, ``invalid.too_short``, ``invalid.repetition``,
            ``invalid.keyboard_mash``.
4. DUPLICATE ``duplicate.near_identical``: an open case of the same customer, received within
            72 h (configurable), whose content is near-identical (similarity >= 0.80), across
            channels. Different order numbers on both sides veto a duplicate.
5. FOLLOW_UP an open case of the same customer within 30 days (configurable) about the same
            matter: ``follow_up.case_reference`` (its case id cited, any age),
            ``follow_up.order_ref`` (a shared order number), ``follow_up.similar_content``
            (similarity >= 0.40), ``follow_up.same_category`` (same category or product *and*
            some overlap >= 0.20), ``follow_up.earlier_complaint_cue`` ("我之前投诉过", "still
            not", "다시" ... together with the same category/product, a little overlap, or it
            being the only open case). Same category alone is not the same matter: an unrelated
            second complaint of the same customer stays VALID.
6. VALID.

Text comparison works on *normalised* text: NFKC, Traditional -> Simplified Chinese (OpenCC
t2s, which also covers Cantonese written in Traditional characters), casefold. Similarity is
computed on character n-grams: 2-grams over the whole run of characters for Han/Hangul text
(Chinese has no word spaces, Korean words inflect), 4-grams inside words of three or more
letters otherwise. Each open case keeps a bottom-k sketch of its shingle hashes (`fingerprint`,
~700 characters, no readable text); from two sketches we estimate the Jaccard index and the
containment of the smaller text in the larger (a short SMS repeating part of a long e-mail).
The similarity is the larger of the two.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import opencc
import yaml

from complaints_shared.events import Channel, CustomerContact, Validity

from .customers import contact_keys, extract_contacts, normalise_email, normalise_phone

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "Fingerprinter",
    "OpenCase",
    "ValidityJudge",
    "ValidityVerdict",
    "extract_order_refs",
    "mentions_earlier_complaint",
    "normalise_text",
    "prune",
]

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "validity.yaml"

# --- text normalisation -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_text(text: str | None) -> str:
    """NFKC, Traditional -> Simplified Chinese, casefold, whitespace collapsed."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    folded = _t2s().convert(folded)
    folded = folded.casefold()
    return " ".join(folded.split())


def _is_cjk(ch: str) -> bool:
    """Han, Hangul syllables or jamo, Kana: scripts written without word spaces."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
        or 0xAC00 <= o <= 0xD7AF
        or 0x1100 <= o <= 0x11FF
        or 0x3130 <= o <= 0x318F
        or 0x3040 <= o <= 0x30FF
    )


def _is_jamo(ch: str) -> bool:
    o = ord(ch)
    return 0x3130 <= o <= 0x318F or 0x1100 <= o <= 0x11FF


_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![@a-z0-9.-])[a-z0-9-]+\.(?:com|cn|net|org|xyz|top|vip|cc|io|me|kr|hk|ly)(?:/\S*)?\b", re.I)

_REPEATED_UNIT = re.compile(r"(.{1,8}?)\1{2,}.{0,8}")
_DIGIT_RUN = re.compile(r"\d[\d\-./:]*")

# --- fingerprints -------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprinter:
    """Character n-gram shingles and a bottom-k sketch of their 32-bit hashes.

    The sketch keeps the k smallest hash values; for texts with at most k distinct shingles it is
    the exact shingle set. Fingerprints carry their parameters, so sketches made with other
    settings are never compared (similarity 0).
    """

    shingle_cjk: int = 2
    shingle_other: int = 4
    sketch_size: int = 128
    min_shingles_containment: int = 8

    @property
    def tag(self) -> str:
        return f"b1.{self.shingle_cjk}.{self.shingle_other}.{self.sketch_size}"

    def shingles(self, text: str) -> set[str]:
        norm = normalise_text(text)
        norm = _URL.sub(" ", norm)
        words = re.findall(r"\w+", norm)
        chars = "".join(words)
        if not chars:
            return set()
        cjk = sum(1 for ch in chars if _is_cjk(ch))
        if cjk * 2 >= len(chars):
            # no word spaces: n-grams over the whole run of characters
            n = self.shingle_cjk
            if len(chars) <= n:
                return {chars}
            return {chars[i : i + n] for i in range(len(chars) - n + 1)}
        # spaced scripts: n-grams inside words (inflections still overlap); words shorter than
        # three characters ("a", "to", "my") carry no topic and are left out
        n = self.shingle_other
        out: set[str] = set()
        for word in words:
            if len(word) < 3:
                continue
            if len(word) <= n:
                out.add(word)
            else:
                out.update(word[i : i + n] for i in range(len(word) - n + 1))
        return out or {chars}

    @staticmethod
    def _hash(shingle: str) -> int:
        return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")

    def sketch(self, text: str) -> tuple[int, ...]:
        return tuple(sorted({self._hash(s) for s in self.shingles(text)})[: self.sketch_size])

    def fingerprint(self, text: str) -> str:
        values = self.sketch(text)
        packed = struct.pack(f">{len(values)}I", *values)
        return f"{self.tag}:{base64.b64encode(packed).decode('ascii')}"

    def decode(self, fingerprint: str) -> tuple[int, ...] | None:
        tag, _, body = fingerprint.partition(":")
        if tag != self.tag:
            return None
        try:
            raw = base64.b64decode(body, validate=True)
        except (ValueError, TypeError):
            return None
        if len(raw) % 4:
            return None
        return struct.unpack(f">{len(raw) // 4}I", raw)

    def similarity(self, a: str, b: str) -> float:
        """max(Jaccard, containment of the smaller in the larger) estimated from two sketches."""
        sa, sb = self.decode(a), self.decode(b)
        if not sa or not sb:
            return 0.0
        return self._similarity(sa, sb)

    def _similarity(self, sa: Sequence[int], sb: Sequence[int]) -> float:
        k = self.sketch_size
        set_a, set_b = set(sa), set(sb)
        # Jaccard from bottom-k sketches: among the k smallest of the union, the share in both.
        union = sorted(set_a | set_b)[:k]
        jaccard = sum(1 for h in union if h in set_a and h in set_b) / len(union)
        # Containment of the smaller in the larger: of the smaller's hashes that fall in the range
        # the larger sketch covers, the share the larger one holds.
        small, large = (set_a, set_b) if len(set_a) <= len(set_b) else (set_b, set_a)
        if len(small) < self.min_shingles_containment:
            return jaccard
        tau = max(large) if len(large) >= k else None
        covered = [h for h in small if tau is None or h <= tau]
        if len(covered) < self.min_shingles_containment:
            return jaccard
        containment = sum(1 for h in covered if h in large) / len(covered)
        return max(jaccard, containment)


# --- open cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCase:
    """What routing remembers of a customer's case to spot duplicates and follow-ups.

    JSON-serialisable via `to_json()` (a dict) / `from_json()`. `fingerprint` is a sketch of
    shingle hashes, not text. `customer_keys` are the contact keys the case was filed under
    (customer id, sender phone/e-mail, contacts written in the text); empty means "trust the
    caller's grouping".
    """

    case_id: str
    received_at: datetime
    channel: Channel
    fingerprint: str
    category: str | None = None
    order_refs: tuple[str, ...] = ()
    status: str = "open"
    customer_keys: tuple[str, ...] = ()
    product: str | None = None
    reference: str | None = None  # a human-readable case number, if the company uses one

    @classmethod
    def from_complaint(
        cls,
        *,
        case_id: str,
        text: str,
        received_at: datetime,
        channel: Channel | str,
        subject: str = "",
        category: str | None = None,
        product: str | None = None,
        customer_keys: Iterable[str] = (),
        status: str = "open",
        reference: str | None = None,
        fingerprinter: Fingerprinter | None = None,
        order_ref_patterns: Sequence[re.Pattern[str]] | None = None,
    ) -> OpenCase:
        fp = fingerprinter or Fingerprinter()
        body = f"{subject}\n{text}" if subject else text
        return cls(
            case_id=case_id,
            received_at=received_at,
            channel=Channel(channel),
            fingerprint=fp.fingerprint(body),
            category=category,
            order_refs=tuple(extract_order_refs(body, order_ref_patterns)),
            status=status,
            customer_keys=tuple(dict.fromkeys(customer_keys)),
            product=product,
            reference=reference,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        data["channel"] = self.channel.value
        data["order_refs"] = list(self.order_refs)
        data["customer_keys"] = list(self.customer_keys)
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str | bytes) -> OpenCase:
        obj = json.loads(data) if isinstance(data, (str, bytes)) else dict(data)
        return cls(
            case_id=obj["case_id"],
            received_at=datetime.fromisoformat(obj["received_at"]),
            channel=Channel(obj["channel"]),
            fingerprint=obj["fingerprint"],
            category=obj.get("category"),
            order_refs=tuple(obj.get("order_refs", ())),
            status=obj.get("status", "open"),
            customer_keys=tuple(obj.get("customer_keys", ())),
            product=obj.get("product"),
            reference=obj.get("reference"),
        )


def prune(
    open_cases: Iterable[OpenCase],
    now: datetime,
    max_age: timedelta = timedelta(days=30),
    *,
    keep_statuses: Iterable[str] = ("open",),
    limit: int | None = None,
) -> list[OpenCase]:
    """The cases still worth keeping: in `keep_statuses`, received within `max_age` of `now`,
    newest first, at most `limit`."""
    statuses = set(keep_statuses)
    kept = [c for c in open_cases if c.status in statuses and now - c.received_at <= max_age]
    kept.sort(key=lambda c: c.received_at, reverse=True)
    return kept[:limit] if limit is not None else kept


# --- order numbers and "I complained before" ----------------------------------------------


def _compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=1)
def _default_config() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def extract_order_refs(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> list[str]:
    """Order / tracking numbers written in `text` (normalised: casefolded), in order, no repeats."""
    if patterns is None:
        patterns = _default_judge().order_ref_patterns
    norm = normalise_text(text)
    found: list[str] = []
    for pattern in patterns:
        for m in pattern.finditer(norm):
            ref = m.group(1).strip("-")
            if any(ch.isdigit() for ch in ref):
                found.append(ref)
    return list(dict.fromkeys(found))


def mentions_earlier_complaint(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> bool:
    """True if the text says the customer complained about this before ("我之前投诉过",
    "已經投訴過", "又係", "두 번째", "이미 문의했", "again", "still not fixed", ...)."""
    if patterns is None:
        patterns = _default_judge().cue_patterns
    norm = normalise_text(text)
    return any(p.search(norm) for p in patterns)


# --- verdicts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidityVerdict:
    validity: Validity
    related_case_id: str | None
    reason: str
    rule: str
    score: float = 0.0


@dataclass(frozen=True)
class _Candidate:
    case: OpenCase
    rule: str
    strength: int
    similarity: float
    detail: str


@dataclass(frozen=True)
class _PhraseGroup:
    name: str
    weight: float
    phrases: tuple[str, ...]


@dataclass
class ValidityJudge:
    """Judges one complaint against configurable rules and the customer's open cases."""

    version: str = "default"
    default_region: str = "CN"
    duplicate_window: timedelta = timedelta(hours=72)
    follow_up_window: timedelta = timedelta(days=30)
    consider_statuses: frozenset[str] = frozenset({"open"})
    fingerprinter: Fingerprinter = field(default_factory=Fingerprinter)
    duplicate_threshold: float = 0.80
    follow_up_threshold: float = 0.40
    related_threshold: float = 0.20
    cue_threshold: float = 0.12
    spam_threshold: float = 1.0
    link_weight: float = 0.3
    max_links: int = 3
    max_link_share: float = 0.5
    blocked_senders: frozenset[str] = frozenset()
    blocked_domains: tuple[str, ...] = ()
    phrase_groups: tuple[_PhraseGroup, ...] = ()
    min_letter_share: float = 0.4
    min_cjk_chars: int = 2
    min_latin_letters: int = 4
    max_distinct_chars: int = 2
    min_repetition_length: int = 6
    mash_share: float = 0.6
    jamo_share: float = 0.6
    keyboard_runs: tuple[str, ...] = ()
    order_ref_patterns: tuple[re.Pattern[str], ...] = ()
    cue_patterns: tuple[re.Pattern[str], ...] = ()

    # -- construction --

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> ValidityJudge:
        """Build from a YAML file (default: routing/config/validity.yaml)."""
        if path is None:
            return cls.from_dict(_default_config())
        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, cfg: Mapping[str, Any]) -> ValidityJudge:
        region = str(cfg.get("default_region", "CN"))
        win = cfg.get("windows", {}) or {}
        sim = cfg.get("similarity", {}) or {}
        spam = cfg.get("spam", {}) or {}
        inv = cfg.get("invalid", {}) or {}
        blocked: set[str] = set()
        for raw in spam.get("blocked_senders", []) or []:
            if (email := normalise_email(str(raw))) is not None:
                blocked.add(f"email:{email}")
            elif (phone := normalise_phone(str(raw), region)) is not None:
                blocked.add(f"phone:{phone}")
            else:
                raise ValueError(f"validity config: blocked sender {raw!r} is neither an e-mail nor a phone number")
        groups = tuple(
            _PhraseGroup(
                name=str(name),
                weight=float(group.get("weight", 1.0)),
                phrases=tuple(dict.fromkeys(normalise_text(str(p)) for p in group.get("phrases", []) if str(p).strip())),
            )
            for name, group in (spam.get("phrases", {}) or {}).items()
        )
        return cls(
            version=str(cfg.get("version", "unversioned")),
            default_region=region,
            duplicate_window=timedelta(hours=float(win.get("duplicate_hours", 72))),
            follow_up_window=timedelta(days=float(win.get("follow_up_days", 30))),
            consider_statuses=frozenset(win.get("consider_statuses", ["open"])),
            fingerprinter=Fingerprinter(
                shingle_cjk=int(sim.get("shingle_cjk", 2)),
                shingle_other=int(sim.get("shingle_other", 4)),
                sketch_size=int(sim.get("sketch_size", 128)),
                min_shingles_containment=int(sim.get("min_shingles_containment", 8)),
            ),
            duplicate_threshold=float(sim.get("duplicate_threshold", 0.8)),
            follow_up_threshold=float(sim.get("follow_up_threshold", 0.4)),
            related_threshold=float(sim.get("related_threshold", 0.20)),
            cue_threshold=float(sim.get("cue_threshold", 0.12)),
            spam_threshold=float(spam.get("threshold", 1.0)),
            link_weight=float(spam.get("link_weight", 0.3)),
            max_links=int(spam.get("max_links", 3)),
            max_link_share=float(spam.get("max_link_share", 0.5)),
            blocked_senders=frozenset(blocked),
            blocked_domains=tuple(str(d).casefold().strip(".") for d in spam.get("blocked_domains", []) or []),
            phrase_groups=groups,
            min_letter_share=float(inv.get("min_letter_share", 0.4)),
            min_cjk_chars=int(inv.get("min_cjk_chars", 2)),
            min_latin_letters=int(inv.get("min_latin_letters", 4)),
            max_distinct_chars=int(inv.get("max_distinct_chars", 2)),
            min_repetition_length=int(inv.get("min_repetition_length", 6)),
            mash_share=float(inv.get("mash_share", 0.6)),
            jamo_share=float(inv.get("jamo_share", 0.6)),
            keyboard_runs=tuple(str(r).casefold() for r in inv.get("keyboard_runs", []) or []),
            order_ref_patterns=_compile_all(cfg.get("order_refs", []) or []),
            cue_patterns=_compile_all(cfg.get("earlier_complaint_cues", []) or []),
        )

    # -- helpers for the caller --

    def open_case(
        self,
        *,
        case_id: str,
        text: str,
        received_at: datetime,
        channel: Channel | str,
        subject: str = "",
        category: str | None = None,
        product: str | None = None,
        customer_key: str | None = None,
        sender_email: str | None = None,
        sender_phone: str | None = None,
        reference: str | None = None,
    ) -> OpenCase:
        """An `OpenCase` for a complaint that became a case, fingerprinted with this judge's
        settings and filed under every contact key known for it."""
        keys = self._customer_keys(customer_key, sender_email, sender_phone, f"{subject}\n{text}")
        return OpenCase.from_complaint(
            case_id=case_id,
            text=text,
            subject=subject,
            received_at=received_at,
            channel=channel,
            category=category,
            product=product,
            customer_keys=keys,
            reference=reference,
            fingerprinter=self.fingerprinter,
            order_ref_patterns=self.order_ref_patterns,
        )

    def mentions_earlier_complaint(self, text: str) -> bool:
        return mentions_earlier_complaint(text, self.cue_patterns)

    def extract_order_refs(self, text: str) -> list[str]:
        return extract_order_refs(text, self.order_ref_patterns)

    def _customer_keys(
        self, customer_key: str | None, sender_email: str | None, sender_phone: str | None, text: str
    ) -> list[str]:
        keys: list[str] = [customer_key] if customer_key else []
        keys += contact_keys(CustomerContact(email=sender_email, phone=sender_phone), self.default_region)
        keys += extract_contacts(text, self.default_region).keys()
        return list(dict.fromkeys(keys))

    # -- the judgement --

    def judge(
        self,
        *,
        text: str,
        subject: str = "",
        channel: Channel | str,
        sender_email: str | None = None,
        sender_phone: str | None = None,
        customer_key: str | None = None,
        received_at: datetime,
        open_cases: Sequence[OpenCase] = (),
        category: str | None = None,
        product: str | None = None,
        case_id: str | None = None,
    ) -> ValidityVerdict:
        """Judge one complaint.

        `customer_key` is the resolved customer's key ("customer:123") or the best contact key;
        `open_cases` the cases the caller holds for this customer (any may be skipped when its
        recorded contact keys share nothing with this complaint's). `category` / `product`, when
        known, help recognise follow-ups. `case_id` (this complaint's own case) is never matched.
        """
        body = f"{subject}\n{text}" if subject else (text or "")
        norm = normalise_text(body)
        if not any(ch.isalnum() for ch in norm):
            return ValidityVerdict(Validity.INVALID, None, "no letters or digits in the complaint", "invalid.empty", 1.0)

        verdict = self._spam(norm, sender_email, sender_phone)
        if verdict is None:
            verdict = self._unintelligible(norm)
        if verdict is not None:
            return verdict

        candidates = self._related(
            body, norm, channel, sender_email, sender_phone, customer_key, received_at, open_cases, category, product, case_id
        )
        if candidates:
            best = max(candidates, key=lambda c: (c.strength, c.similarity, c.case.received_at))
            validity = Validity.DUPLICATE if best.rule.startswith("duplicate.") else Validity.FOLLOW_UP
            return ValidityVerdict(validity, best.case.case_id, best.detail, best.rule, round(best.similarity, 3))
        return ValidityVerdict(Validity.VALID, None, "no spam, intelligible, no related open case", "valid", 0.0)

    # spam

    def _spam(self, norm: str, sender_email: str | None, sender_phone: str | None) -> ValidityVerdict | None:
        sender_keys = contact_keys(CustomerContact(email=sender_email, phone=sender_phone), self.default_region)
        for key in sender_keys:
            if key in self.blocked_senders:
                return ValidityVerdict(Validity.SPAM, None, f"sender is blocked ({key.split(':')[0]})", "spam.blocked_sender", 1.0)
        email = normalise_email(sender_email)
        if email is not None:
            domain = email.rsplit("@", 1)[1]
            for blocked in self.blocked_domains:
                if domain == blocked or domain.endswith("." + blocked):
                    return ValidityVerdict(Validity.SPAM, None, f"sender domain {blocked} is blocked", "spam.blocked_domain", 1.0)

        links = _URL.findall(norm)
        link_chars = sum(len(link) for link in links)
        compact_len = len(norm.replace(" ", "")) or 1
        if links and (len(links) >= self.max_links or link_chars / compact_len >= self.max_link_share):
            return ValidityVerdict(
                Validity.SPAM,
                None,
                f"link-heavy: {len(links)} link(s), {link_chars / compact_len:.0%} of the text",
                "spam.links",
                1.0,
            )

        score = self.link_weight * len(links)
        compact = norm.replace(" ", "")
        hits: list[tuple[float, str, list[str]]] = []
        for group in self.phrase_groups:
            # phrases in Chinese/Korean also match without their spaces ("카톡추가" = "카톡 추가")
            matched = [
                p for p in group.phrases
                if p in norm or (any(_is_cjk(ch) for ch in p) and p.replace(" ", "") in compact)
            ]
            if matched:
                score += group.weight
                hits.append((group.weight, group.name, matched))
        if hits and score >= self.spam_threshold:
            hits.sort(key=lambda h: -h[0])
            detail = "; ".join(f"{name}: {', '.join(m[:3])}" for _, name, m in hits)
            if links:
                detail += f"; {len(links)} link(s)"
            return ValidityVerdict(
                Validity.SPAM, None, f"spam phrases ({detail}), score {score:.2f}", f"spam.phrase.{hits[0][1]}", round(score, 3)
            )
        return None

    # invalid

    def _unintelligible(self, norm: str) -> ValidityVerdict | None:
        text = _URL.sub(" ", norm)
        # A number (order, phone, amount) counts as one character, however long it is.
        chars = [ch for ch in _DIGIT_RUN.sub("0", text) if not ch.isspace()]
        letters = [ch for ch in chars if ch.isalpha()]
        share = len(letters) / len(chars) if chars else 0.0
        if share < self.min_letter_share:
            return ValidityVerdict(
                Validity.INVALID, None, f"mostly non-letters ({share:.0%} letters)", "invalid.non_letters", round(1 - share, 3)
            )
        cjk = [ch for ch in letters if _is_cjk(ch)]
        latin = [ch for ch in letters if not _is_cjk(ch)]
        if cjk:
            jamo = sum(1 for ch in cjk if _is_jamo(ch))
            korean = sum(1 for ch in cjk if 0xAC00 <= ord(ch) <= 0xD7AF) + jamo
            if korean and jamo / korean >= self.jamo_share and len(cjk) - jamo < self.min_cjk_chars:
                return ValidityVerdict(
                    Validity.INVALID, None, "bare Hangul jamo, no syllables (ㅋㅋㅋ, ㅁㄴㅇㄹ)", "invalid.keyboard_mash", 1.0
                )
            if len(cjk) - jamo < self.min_cjk_chars and len(latin) < self.min_latin_letters:
                return ValidityVerdict(Validity.INVALID, None, f"too short ({len(cjk)} character(s))", "invalid.too_short", 1.0)
        elif len(latin) < self.min_latin_letters:
            return ValidityVerdict(Validity.INVALID, None, f"too short ({len(latin)} letter(s))", "invalid.too_short", 1.0)

        alnum = "".join(ch for ch in chars if ch.isalnum())
        if len(alnum) >= self.min_repetition_length and (
            len(set(alnum)) <= self.max_distinct_chars or _REPEATED_UNIT.fullmatch(alnum)
        ):
            return ValidityVerdict(
                Validity.INVALID, None, f"repetition ({len(set(alnum))} distinct character(s))", "invalid.repetition", 1.0
            )

        if latin and len(latin) >= len(cjk):
            words = re.findall(r"[^\W\d_]+", text)
            latin_words = [w for w in words if not any(_is_cjk(ch) for ch in w)]
            total = sum(len(w) for w in latin_words) or 1
            bad = sum(len(w) for w in latin_words if self._implausible(w))
            if bad / total >= self.mash_share:
                return ValidityVerdict(
                    Validity.INVALID, None, f"keyboard mash ({bad / total:.0%} of letters in implausible words)", "invalid.keyboard_mash", round(bad / total, 3)
                )
        return None

    _VOWELS = frozenset("aeiouyàáâãäåèéêëìíîïòóôõöùúûüý")

    def _implausible(self, word: str) -> bool:
        if len(word) < 4:
            return False
        if not any(ch in self._VOWELS for ch in word):
            return True
        if re.search(r"[^aeiouy]{5,}", word):
            return True
        if any(run in word for run in self.keyboard_runs):
            return True
        return len(set(word)) <= 2 and len(word) >= 5

    # duplicates and follow-ups

    def _related(
        self,
        body: str,
        norm: str,
        channel: Channel | str,
        sender_email: str | None,
        sender_phone: str | None,
        customer_key: str | None,
        received_at: datetime,
        open_cases: Sequence[OpenCase],
        category: str | None,
        product: str | None,
        case_id: str | None,
    ) -> list[_Candidate]:
        if not open_cases:
            return []
        my_keys = set(self._customer_keys(customer_key, sender_email, sender_phone, body))
        fingerprint = self.fingerprinter.fingerprint(body)
        refs = set(extract_order_refs(body, self.order_ref_patterns))
        cue = mentions_earlier_complaint(body, self.cue_patterns)
        compact = norm.replace(" ", "")

        eligible: list[OpenCase] = []
        for case in open_cases:
            if case.case_id == case_id or case.status not in self.consider_statuses:
                continue
            if case.customer_keys and not (my_keys & set(case.customer_keys)):
                continue
            eligible.append(case)
        in_window = [c for c in eligible if abs(received_at - c.received_at) <= self.follow_up_window]

        out: list[_Candidate] = []
        for case in eligible:
            age = received_at - case.received_at
            cited = _cites(compact, case.case_id) or (case.reference is not None and _cites(compact, case.reference))
            if cited:
                out.append(_Candidate(case, "follow_up.case_reference", 6, 1.0, "cites the case number of an open case"))
                continue
            if abs(age) > self.follow_up_window:
                continue
            sim = self.fingerprinter.similarity(fingerprint, case.fingerprint)
            case_refs = set(case.order_refs)
            shared = refs & case_refs
            conflict = bool(refs and case_refs and not shared)
            same_cat = bool(category and case.category and category == case.category)
            same_product = bool(product and case.product and normalise_text(product) == normalise_text(case.product))
            cat_conflict = bool(category and case.category and category != case.category)
            across = "" if Channel(channel) == case.channel else f" (across channels: {case.channel.value} -> {Channel(channel).value})"
            if abs(age) <= self.duplicate_window and sim >= self.duplicate_threshold and not conflict:
                hours = abs(age).total_seconds() / 3600
                out.append(
                    _Candidate(case, "duplicate.near_identical", 7, sim, f"near-identical to an open case received {hours:.0f} h earlier, similarity {sim:.2f}{across}")
                )
                continue
            if shared:
                out.append(_Candidate(case, "follow_up.order_ref", 5, sim, f"same order number as an open case{across}"))
            elif conflict:
                continue  # about another order: not the same matter
            elif sim >= self.follow_up_threshold:
                out.append(_Candidate(case, "follow_up.similar_content", 4, sim, f"strong topical overlap with an open case, similarity {sim:.2f}{across}"))
            elif (same_cat or same_product) and sim >= self.related_threshold:
                what = "category" if same_cat else "product"
                out.append(_Candidate(case, "follow_up.same_category", 3, sim, f"same {what} and overlapping content (similarity {sim:.2f}){across}"))
            elif cue and not cat_conflict and (same_cat or same_product or sim >= self.cue_threshold or len(in_window) == 1):
                why = "same category" if same_cat else "same product" if same_product else f"similarity {sim:.2f}" if sim >= self.cue_threshold else "the only open case"
                out.append(_Candidate(case, "follow_up.earlier_complaint_cue", 2, sim, f"says it complained before; {why}{across}"))
        return out


def _cites(compact_text: str, identifier: str) -> bool:
    """The text quotes this case id / reference: at least 6 characters with a digit, not inside
    a longer run of letters and digits (so a case called "blender" is not cited by the word)."""
    ident = normalise_text(identifier).replace(" ", "")
    if len(ident) < 6 or not any(ch.isdigit() for ch in ident):
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(ident)}(?![a-z0-9])", compact_text) is not None


@lru_cache(maxsize=1)
def _default_judge() -> ValidityJudge:
    return ValidityJudge.from_config()
