"""The shortcuts that make validity and customer recognition fast give what the plain definitions give."""

import random
import re
import sys
import unicodedata

import phonenumbers
import pytest
from routing.adapters.config_files import read_validity
from routing.domain import customers as customers_module
from routing.domain.customers import extract_contacts, extract_phones
from routing.domain.validity import Fingerprinter, ValidityJudge, normalise_text
from routing.domain.validity import spam as validity_spam
from routing.domain.validity import text as validity_text
from routing.domain.validity.intelligibility import implausible, implausible_letters
from routing.domain.validity.spam import phrase_needles, spam_verdict

TEXTS = [
    "", " ", "ㅋㅋㅋㅋㅋ", "哈哈哈哈哈哈", "asdfgh qwerty zxcvb", "the quick brown fox jumps over the lazy dog",
    "我的手机坏了，屏幕一直闪烁，已经联系过客服三次都没有解决。订单号 AB12345678",
    "我的手機壞了，螢幕一直閃爍，已經聯絡過客服三次都冇解決。", "배송이 아직도 안 왔어요. 주문번호 KR-20261102 카톡 추가",
    "恭喜您中奖 免费领取 加 微信 www.spam.com", "casino baccarat sports betting, you have won! click here", "cas ino clickhere",
    "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ １２３ e\u0301cole élève naïve", "二〇二四年十一月 〇〇 ⅻ ½ ² ①②③", "看见 ㅋ 한글 ひらがな 𠀀𪜀",
]


@pytest.fixture(scope="module")
def judge() -> ValidityJudge:
    return ValidityJudge.from_config()


# --- spam phrases -------------------------------------------------------------------------


def _reference_phrase_hits(judge, norm):
    compact = norm.replace(" ", "")
    hits = []
    for group in judge.phrase_groups:
        matched = [
            p for p in group.phrases
            if p in norm or (validity_text._CJK_ANY.search(p) and p.replace(" ", "") in compact)
        ]
        if matched:
            hits.append((group.name, matched))
    return hits


@pytest.mark.parametrize("text", TEXTS)
def test_phrase_needles_find_what_the_phrase_loop_finds(judge, text):
    norm = normalise_text(text)
    in_norm, in_compact = phrase_needles(judge.phrase_groups)
    quick = any(p in norm for p in in_norm) or in_compact.any_in(norm.replace(" ", ""))
    assert quick == bool(_reference_phrase_hits(judge, norm))


def _reference_spam(judge, norm):
    """ValidityJudge._spam (no sender) as it was, matching every phrase group against every text."""
    links = validity_text._URL.findall(norm)
    compact = norm.replace(" ", "")
    link_chars, compact_len = sum(map(len, links)), len(compact) or 1
    if links and (len(links) >= judge.max_links or link_chars / compact_len >= judge.max_link_share):
        return "spam.links", None
    score, hits = judge.link_weight * len(links), []
    for group in judge.phrase_groups:
        matched = [p for p in group.phrases if p in norm or (validity_text._CJK_ANY.search(p) and p.replace(" ", "") in compact)]
        if matched:
            score += group.weight
            hits.append((group.weight, group.name, matched))
    if hits and score >= judge.spam_threshold:
        hits.sort(key=lambda h: -h[0])
        return f"spam.phrase.{hits[0][1]}", round(score, 3)
    return None


def test_spam_verdicts_with_unusual_phrases(judge):
    groups = {
        "odd": {"weight": 1.0, "phrases": ["a-b]c", "^x$", "点 击", "\\d", "(?", "카 톡"]},
        "weak": {"weight": 0.6, "phrases": ["\u200b", "free", "免费"]},
        "weaker": {"weight": 0.5, "phrases": ["gift", "礼品"]},
    }
    odd = ValidityJudge.from_dict({**read_validity().model_dump(), "spam": {"phrases": groups}})
    texts = TEXTS + ["see a-b]c", "^x$", "点击这里", "点 击", "\\d", "(?", "카톡", "zero\u200bwidth", "free gift", "免费礼品 http://x.cn"]
    for j in (judge, odd):
        for text in texts:
            norm = normalise_text(text)
            verdict = spam_verdict(j, norm, None, None)
            assert (None if verdict is None else (verdict.rule, verdict.score if verdict.rule != "spam.links" else None)) == _reference_spam(j, norm), text
    assert validity_spam.Needles([""]).any_in("anything")
    assert not validity_spam.Needles([]).any_in("anything")


def test_needles_agree_with_substring_tests():
    rng = random.Random(3)
    alphabet = "ab]^-\\点击카톡 x"
    for _ in range(300):
        needles = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 4))) for _ in range(rng.randrange(0, 6))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert validity_spam.Needles(needles).any_in(text) == any(n in text for n in needles), (needles, text)


# --- keyboard mash ------------------------------------------------------------------------


def test_implausible_letters_is_the_sum_over_words(judge):
    words = "qwer asdf hello bcdfgh aaaaa xyzzy the plausible wrdsss qwer".split()
    assert implausible_letters(judge, words) == sum(len(w) for w in words if implausible(judge, w))
    other = ValidityJudge.from_config()
    other.keyboard_runs = ("hell",)  # another setting: the memo starts afresh
    assert implausible_letters(other, words) == sum(len(w) for w in words if implausible(other, w))


def test_hangul_class_is_the_hangul_ranges():
    for o in range(0x10000):
        inside = any(lo <= o <= hi for lo, hi in validity_text._JAMO_RANGES + validity_text._SYLLABLE_RANGES)
        assert bool(validity_text._HANGUL_ANY.match(chr(o))) == inside, hex(o)


# --- shingles and fingerprints ------------------------------------------------------------


def _reference_shingles(fp, text):
    words = re.findall(r"\w+", text)
    chars = "".join(words)
    if not chars:
        return set()
    if sum(1 for ch in chars if validity_text._is_cjk(ch)) * 2 >= len(chars):
        n = fp.shingle_cjk
        return {chars} if len(chars) <= n else {chars[i : i + n] for i in range(len(chars) - n + 1)}
    n = fp.shingle_other
    out = set()
    for word in words:
        if len(word) >= 3:
            out.update([word] if len(word) <= n else (word[i : i + n] for i in range(len(word) - n + 1)))
    return out or {chars}


@pytest.mark.parametrize("shingle_other", [3, 4, 5])
def test_shingles_match_the_plain_definition(shingle_other):
    fp = Fingerprinter(shingle_other=shingle_other)
    rng = random.Random(shingle_other)
    texts = [normalise_text(t) for t in TEXTS]
    texts += [" ".join("".join(rng.choice("abcdeé") for _ in range(rng.randrange(1, 9))) for _ in range(20)) for _ in range(20)]
    for text in texts:
        assert fp._shingles(text) == _reference_shingles(fp, text), text


def test_fingerprints_of_other_settings_are_not_compared():
    mine, other = Fingerprinter(), Fingerprinter(sketch_size=16)
    text = "我的手机坏了，屏幕一直闪烁，已经联系过客服三次都没有解决。"
    assert mine.similarity(mine.fingerprint(text), mine.fingerprint(text)) == 1.0
    assert mine.similarity(mine.fingerprint(text), other.fingerprint(text)) == 0.0
    assert mine._decoded(other.fingerprint(text)) is None and other._decoded(other.fingerprint(text)) is not None
    assert mine._decoded("b1.2.4.128:not base64!") is None and mine._decoded("b1.2.4.128:") is None


# --- case numbers cited -------------------------------------------------------------------


def _reference_cites(compact, identifier):
    ident = normalise_text(identifier).replace(" ", "")
    if len(ident) < 6 or not any(ch.isdigit() for ch in ident):
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(ident)}(?![a-z0-9])", compact) is not None


def test_cites_matches_the_regular_expression():
    rng = random.Random(11)
    identifiers = ["CASE-2026-000123", "case-000123", "000123", "ab12cd", "blender", "a1b2c3", "工单123456", "x.y+z1234"]
    pieces = ["case-000123", "CASE-2026-000123", "000123", "1", "a", "-", "号", " ", "ab12cd", "x.y+z1234", "工单123456"]
    for _ in range(2000):
        compact = normalise_text("".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))).replace(" ", "")
        for identifier in identifiers:
            assert validity_text.cites(compact, identifier) == _reference_cites(compact, identifier), (compact, identifier)


# --- phone numbers ------------------------------------------------------------------------


def test_keypad_letters_are_the_letters_read_on_the_keypad():
    letters = customers_module._KEYPAD_LETTERS
    for o in range(sys.maxunicode + 1):
        ch = chr(o)
        assert bool(customers_module._KEYPAD_LETTER.match(ch)) == (ch.upper() in letters), hex(o)
    for text in ["", "12x34", "+86 (010) 6552-9988 ext. 12", "１２３ıſ", "٣٤٥ abc", "²③"]:
        assert customers_module._keypad_chars(text) == sum(1 for ch in text if ch.isdigit() or ch.upper() in letters)


def _plain_phones(text, region):
    folded = unicodedata.normalize("NFKC", text)
    return list(dict.fromkeys(
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(folded, region, leniency=phonenumbers.Leniency.VALID)
    ))


@pytest.mark.parametrize("region", ["CN", "US", "KR", "GB", "HK"])
def test_extract_phones_matches_the_plain_matcher_on_random_numbers(region):
    rng = random.Random(region)
    parts = ["+", "00", "0", "86", "1", "44", "82", "852", "(", ")", "-", " ", ".", "/", "x", "ext ", "#", "电话", "号码", "元", ",", "；"]
    for _ in range(150):
        text = "".join(rng.choice(parts) if rng.random() < 0.35 else str(rng.randrange(10 ** rng.randrange(1, 9)))
                       for _ in range(rng.randrange(1, 12)))
        assert extract_phones(text, region) == _plain_phones(text, region), text


def test_contacts_of_a_text_are_the_same_when_asked_again():
    text = "客户电话182-0000-5017，邮箱 Wang.Li@Example.COM，又一次投诉"
    first = extract_contacts(text)
    assert extract_contacts(text) == first and first.phones == ("+8618200005017",) and first.emails == ("wang.li@example.com",)
    assert extract_contacts("没有任何数字的投诉") == extract_contacts("") == customers_module.ExtractedContacts()
