"""Money amounts with their currency, from complaint text (normalised or raw)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A thousands-grouped number does not start with 0: in "订单MX0615-088，598元" normalisation has
# made the Chinese comma a "," and "088,598" is an order code's tail, then a price.
# Indian grouping (lakh): 3,40,000 and 11,50,000.
_NUM = r"((?:[1-9]\d{0,2}|0)(?:[,，]\d{3})+(?:\.\d+)?|[1-9]\d?(?:,\d{2})+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)"
_CN_MULT = {"万": 10_000, "萬": 10_000, "千": 1_000, "百": 100, "亿": 100_000_000, "億": 100_000_000}
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 0.5}

# prefix symbols / codes -> currency (None: decided by language)
_PREFIX = [
    (r"nt\$|ntd\s?|新台币|新台幣", "TWD"),
    (r"hk\$|hkd\s?|港币|港幣", "HKD"),
    (r"us\$|usd\s?", "USD"),
    (r"a\$|aud\s?", "AUD"),
    (r"c\$|cad\s?", "CAD"),
    (r"s\$|sgd\s?", "SGD"),
    (r"rmb\s?|cny\s?|¥|￥", "CNY"),
    (r"£|gbp\s?", "GBP"),
    (r"€|eur\s?", "EUR"),
    (r"₩|krw\s?", "KRW"),
    (r"₹|inr\s?|\brs\.?\s?", "INR"),
    # South African rand: "R26,000" (only with thousands grouping: "R2" is a road, "R&D" no amount)
    (r"(?<![a-z0-9])r(?=[1-9]\d{0,2}(?:,\d{3})+)", "ZAR"),
    (r"\$", None),
]
_SUFFIX = [
    (r"\s?(?:万|萬)?(?:人民币|人民幣|rmb|cny)", "CNY"),
    (r"\s?(?:万|萬)?(?:港元|港币|港幣|港纸|蚊)", "HKD"),
    (r"\s?(?:万|萬)?(?:新台币|新台幣|台币|台幣|ntd)", "TWD"),
    (r"\s?(?:만|천|백만|억)?\s?원", "KRW"),
    (r"\s?(?:万|萬|千)?(?:多|余|餘)?\s?(?:元|块|塊|圆|圓)", "YUAN"),
    (r"\s?(?:dollars|bucks|usd)", "USD"),
    (r"\s?(?:pounds|quid|gbp)", "GBP"),
    (r"\s?(?:euros?|eur)", "EUR"),
]

_PREFIX_RE = re.compile(r"(?=[nhuacsr¥￥£g€e₩k$新港₹i])(?:" + "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_PREFIX)) + r")\s?" + _NUM + r"(\s?(?:k\b|m\b|万|萬|千|million|thousand))?", re.I)
_SUFFIX_RE = re.compile(r"(?=\d)(?<![\d,.])" + _NUM + "(" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SUFFIX)) + ")", re.I)
# Chinese numerals: 五萬多塊, 快九千块钱, 两万元
_CN_RE = re.compile(r"(?=[一二两兩三四五六七八九十半])([一二两兩三四五六七八九十半]+)(万|萬|千|百)多?(?:块|塊|元|蚊|港元)")
_KO_MAN_RE = re.compile(r"(?=\d)(?<![\d,.])(\d+(?:\.\d+)?)\s?(만|백만|억)\s?원")


_PREFIX_MARK = re.compile(
    r"[$£€¥￥₩₹]|(?=[uncrgekai])\b(?:usd|ntd|hkd|aud|cad|sgd|rmb|cny|gbp|eur|krw|inr|rs)|(?<![A-Za-z0-9])[Rr](?=[1-9]\d{0,2},\d{3})|新台币|新台幣|港币|港幣"
)
_ANY_DIGIT = re.compile(r"[\d一二两兩三四五六七八九十]")


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str
    text: str


def _num(s: str) -> float:
    return float(s.replace(",", "").replace("，", ""))


def _cn_number(digits: str) -> float:
    total = 0.0
    for ch in digits:
        v = _CN_DIGIT.get(ch, 0)
        if v == 10:
            total = (total or 1) * 10
        else:
            total = total * 10 + v if total >= 1 and v >= 1 else total + v
    return total


def find_amounts(text: str, language: str | None, dollar_by_language: dict, yuan_by_language: dict) -> list[Amount]:
    out: list[Amount] = []
    if not _ANY_DIGIT.search(text):
        return out
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    # (the patterns that need a particular character are searched only when it occurs)
    for m in _KO_MAN_RE.finditer(text) if ("만" in text or "억" in text) else ():
        mult = {"만": 10_000, "백만": 1_000_000, "억": 100_000_000}[m.group(2)]
        out.append(Amount(_num(m.group(1)) * mult, "KRW", m.group(0)))
        taken.append(m.span())
    for m in _PREFIX_RE.finditer(text) if _PREFIX_MARK.search(text) else ():
        if not free(*m.span()):
            continue
        idx = next(i for i in range(len(_PREFIX)) if m.group(f"p{i}"))
        cur = _PREFIX[idx][1] or dollar_by_language.get(language or "", "USD")
        value = _num(m.group(len(_PREFIX) + 1))
        multiplier = (m.group(len(_PREFIX) + 2) or "").strip().lower()
        value *= {"k": 1e3, "m": 1e6, "万": 1e4, "萬": 1e4, "千": 1e3, "million": 1e6, "thousand": 1e3}.get(multiplier, 1)
        out.append(Amount(value, cur, m.group(0)))
        taken.append(m.span())
    for m in _SUFFIX_RE.finditer(text):
        if not free(*m.span()):
            continue
        idx = next(i for i in range(len(_SUFFIX)) if m.group(f"s{i}"))
        cur = _SUFFIX[idx][1]
        value = _num(m.group(1))
        unit = m.group(2)
        if cur == "YUAN":
            cur = yuan_by_language.get(language or "", "CNY")
        if "万" in unit or "萬" in unit:
            value *= 10_000
        elif "千" in unit or "천" in unit:
            value *= 1_000
        elif "백만" in unit:
            value *= 1_000_000
        elif "만" in unit:
            value *= 10_000
        elif "억" in unit:
            value *= 100_000_000
        out.append(Amount(value, cur, m.group(0)))
        taken.append(m.span())
    for m in _CN_RE.finditer(text) if any(unit in text for unit in "万萬千百") else ():
        if not free(*m.span()):
            continue
        value = _cn_number(m.group(1)) * _CN_MULT[m.group(2)]
        unit = m.group(0)
        cur = "HKD" if ("蚊" in unit or "港元" in unit) else yuan_by_language.get(language or "", "CNY")
        out.append(Amount(value, cur, unit))
    return out
