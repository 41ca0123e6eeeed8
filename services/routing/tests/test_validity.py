import json
from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared.events import Channel, Validity
from routing.domain.validity import (
    Fingerprinter,
    OpenCase,
    ValidityJudge,
    extract_order_refs,
    mentions_earlier_complaint,
    normalise_text,
    prune,
)

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
KEY = "customer:C123"


@pytest.fixture(scope="module")
def judge() -> ValidityJudge:
    return ValidityJudge.from_config()


def judge_text(judge, text, *, open_cases=(), at=T0 + timedelta(hours=5), channel=Channel.EMAIL, **kw):
    kw.setdefault("customer_key", KEY)
    kw.setdefault("subject", "")
    return judge.judge(text=text, channel=channel, received_at=at, open_cases=open_cases, **kw)


def case(judge, text, *, case_id="case-1", at=T0, channel=Channel.EMAIL, category=None, **kw):
    kw.setdefault("customer_key", KEY)
    return judge.open_case(case_id=case_id, text=text, received_at=at, channel=channel, category=category, **kw)


# --- texts per language -------------------------------------------------------------------

LANGS = ["zh-Hans", "zh-Hant", "ko", "en"]

VALID = {
    "zh-Hans": "我在你们官网买的电饭煲用了两天就坏了，按键没有反应，请尽快处理退换。",
    "zh-Hant": "我上星期買嘅電飯煲用咗兩日就壞咗，按掣冇反應，請盡快處理。",
    "ko": "지난주에 구매한 믹서기가 이틀 만에 고장났습니다. 모터에서 타는 냄새가 나요. 교환해 주세요.",
    "en": "The blender I bought last week stopped working after two days and the motor smells burnt. Please replace it.",
}
# same matter told again a little differently (and via another channel)
DUPLICATE = {
    "zh-Hans": "电饭煲用了两天就坏了，按键没有反应，请尽快处理退换",
    "zh-Hant": "電飯煲用咗兩日就壞咗，按掣冇反應，請盡快處理！",
    "ko": "지난주에 구매한 믹서기가 이틀 만에 고장났습니다. 모터에서 타는 냄새가 나요. 교환 부탁드립니다.",
    "en": "the blender I bought last week stopped working after two days and the motor smells burnt. please replace it!!",
}
# "I complained before / still not fixed", new wording
FOLLOW_UP = {
    "zh-Hans": "我之前已经投诉过了，到现在还是没有人联系我，请给个说法。",
    "zh-Hant": "我已經投訴過，到而家仲未有人覆我，點解咁慢？",
    "ko": "이미 문의했는데 아직도 연락이 없습니다. 언제 처리되나요?",
    "en": "I already complained last week and I'm still waiting for someone to call me back.",
}
# a different matter by the same customer
UNRELATED = {
    "zh-Hans": "昨天门店的店员态度非常恶劣，对我大声吼叫，我要求道歉。",
    "zh-Hant": "你哋啲速遞員將包裹掟喺門口，淋晒雨，都冇人聽電話。",
    "ko": "매장 직원이 너무 불친절했어요. 사과를 요구합니다.",
    "en": "Your delivery driver left my parcel in the rain and the box was soaked. Nobody answered the hotline.",
}
SPAM = {
    "zh-Hans": "无抵押贷款，低息秒批，详情加微信 abc123",
    "zh-Hant": "私人貸款即批，免入息證明，WhatsApp 查詢",
    "ko": "[광고] 무담보 대출 당일 승인! 저금리 상담은 카톡 추가",
    "en": "Congratulations you have won our lottery! Claim your prize, click here now",
}
INVALID = {
    "zh-Hans": "啊啊啊啊啊啊啊啊啊啊",
    "zh-Hant": "。。。好",
    "ko": "ㅁㄴㅇㄹ ㅋㅋㅋㅋㅋ",
    "en": "asdfgh qwerty jkjkjk",
}


@pytest.mark.parametrize("lang", LANGS)
def test_valid(judge, lang):
    verdict = judge_text(judge, VALID[lang])
    assert verdict.validity is Validity.VALID
    assert verdict.related_case_id is None


@pytest.mark.parametrize("lang", LANGS)
def test_spam_phrases(judge, lang):
    verdict = judge_text(judge, SPAM[lang], channel=Channel.SMS)
    assert verdict.validity is Validity.SPAM, verdict
    assert verdict.rule.startswith("spam.phrase.")
    assert verdict.score >= 1.0


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_unintelligible(judge, lang):
    verdict = judge_text(judge, INVALID[lang], channel=Channel.WEB)
    assert verdict.validity is Validity.INVALID, verdict
    assert verdict.rule.startswith("invalid.")
    assert verdict.reason


@pytest.mark.parametrize("lang", LANGS)
def test_duplicate_across_channels(judge, lang):
    first = case(judge, VALID[lang], channel=Channel.EMAIL)
    verdict = judge_text(judge, DUPLICATE[lang], open_cases=[first], channel=Channel.SMS, at=T0 + timedelta(hours=20))
    assert verdict.validity is Validity.DUPLICATE, verdict
    assert verdict.related_case_id == "case-1"
    assert verdict.rule == "duplicate.near_identical"
    assert "across channels: email -> sms" in verdict.reason
    assert verdict.score >= 0.8


@pytest.mark.parametrize("lang", LANGS)
def test_follow_up_with_cue(judge, lang):
    first = case(judge, VALID[lang], category="product_quality")
    verdict = judge_text(judge, FOLLOW_UP[lang], open_cases=[first], at=T0 + timedelta(days=6), category="product_quality")
    assert verdict.validity is Validity.FOLLOW_UP, verdict
    assert verdict.related_case_id == "case-1"
    assert verdict.rule in ("follow_up.earlier_complaint_cue", "follow_up.same_category")


@pytest.mark.parametrize("lang", LANGS)
def test_unrelated_second_complaint_stays_valid(judge, lang):
    first = case(judge, VALID[lang], category="product_quality")
    verdict = judge_text(judge, UNRELATED[lang], open_cases=[first], at=T0 + timedelta(days=1), category="service_attitude")
    assert verdict.validity is Validity.VALID, verdict
    # even without categories: no cue, no shared order, no overlap
    verdict = judge_text(judge, UNRELATED[lang], open_cases=[case(judge, VALID[lang])], at=T0 + timedelta(days=1))
    assert verdict.validity is Validity.VALID, verdict


# --- duplicates ---------------------------------------------------------------------------


def test_email_then_sms_same_matter_is_one_case(judge):
    email = case(
        judge,
        "您好，我3月1日在你们官网买的电饭煲，用了两天就坏了，按键没反应，订单号 20240301123，请尽快处理退换。谢谢！\n王先生",
        subject="投诉：电饭煲质量问题",
        channel=Channel.EMAIL,
        sender_email="wang@example.com",
    )
    sms = judge_text(
        judge, "电饭煲用了两天就坏了，按键没反应，订单号20240301123，请尽快处理退换", channel=Channel.SMS,
        sender_phone="+8618200005017", open_cases=[email], at=T0 + timedelta(hours=30),
    )
    assert (sms.validity, sms.related_case_id) == (Validity.DUPLICATE, "case-1")


def test_traditional_and_simplified_are_the_same_text(judge):
    first = case(judge, "我買的熱水器漏水，已經停用，請派師傅上門維修。")
    verdict = judge_text(judge, "我买的热水器漏水，已经停用，请派师傅上门维修。", channel=Channel.WEB, open_cases=[first])
    assert verdict.validity is Validity.DUPLICATE


def test_cross_channel_match_by_phone_written_in_email(judge):
    # no CRM: the email case is filed under the sender address and the phone written in it
    email = case(judge, "热水器漏水，请派师傅上门维修。我的电话182-0000-5017", customer_key="email:wang@example.com",
                 sender_email="wang@example.com")
    sms = judge.judge(text="热水器漏水，请派师傅上门维修。", channel=Channel.SMS, sender_phone="+8618200005017",
                      customer_key="phone:+8618200005017", received_at=T0 + timedelta(hours=2), open_cases=[email])
    assert sms.validity is Validity.DUPLICATE
    stranger = judge.judge(text="热水器漏水，请派师傅上门维修。", channel=Channel.SMS, sender_phone="+8613900001111",
                           customer_key="phone:+8613900001111", received_at=T0 + timedelta(hours=2), open_cases=[email])
    assert stranger.validity is Validity.VALID


def test_duplicate_window(judge):
    first = case(judge, VALID["en"])
    late = judge_text(judge, DUPLICATE["en"], open_cases=[first], at=T0 + timedelta(hours=73))
    # too late for a duplicate, but the same matter: a follow-up
    assert (late.validity, late.rule) == (Validity.FOLLOW_UP, "follow_up.similar_content")
    too_late = judge_text(judge, DUPLICATE["en"], open_cases=[first], at=T0 + timedelta(days=31))
    assert too_late.validity is Validity.VALID


def test_different_orders_are_not_duplicates(judge):
    first = case(judge, "订单号 20240301123 还没有发货，已经一周了，请尽快发货。")
    verdict = judge_text(judge, "订单号 20240301999 还没有发货，已经一周了，请尽快发货。", open_cases=[first])
    assert verdict.validity is Validity.VALID


def test_closed_and_own_cases_are_ignored(judge):
    closed = OpenCase.from_json({**case(judge, VALID["en"]).to_json(), "status": "closed"})
    assert judge_text(judge, DUPLICATE["en"], open_cases=[closed]).validity is Validity.VALID
    own = case(judge, VALID["en"], case_id="me")
    assert judge_text(judge, VALID["en"], open_cases=[own], case_id="me").validity is Validity.VALID


def test_picks_the_matching_case_among_several(judge):
    cases = [
        case(judge, UNRELATED["en"], case_id="parcel", at=T0),
        case(judge, VALID["en"], case_id="blender", at=T0 + timedelta(hours=1)),
    ]
    verdict = judge_text(judge, DUPLICATE["en"], open_cases=cases)
    assert (verdict.validity, verdict.related_case_id) == (Validity.DUPLICATE, "blender")


# --- follow-ups ---------------------------------------------------------------------------


def test_follow_up_by_shared_order_number(judge):
    first = case(judge, "Order no. A1234567 arrived with a cracked screen.")
    verdict = judge_text(judge, "Any news about order A1234567? I would like a refund instead.", open_cases=[first], at=T0 + timedelta(days=3))
    assert (verdict.validity, verdict.rule, verdict.related_case_id) == (Validity.FOLLOW_UP, "follow_up.order_ref", "case-1")


def test_follow_up_by_korean_order_number(judge):
    first = case(judge, "주문번호: 2024-55512 상품이 파손되어 도착했습니다.")
    verdict = judge_text(judge, "주문번호 2024-55512 환불은 언제 되나요?", open_cases=[first], at=T0 + timedelta(days=2))
    assert verdict.rule == "follow_up.order_ref"


def test_follow_up_by_cited_case_number_any_age(judge):
    first = case(judge, VALID["zh-Hans"], case_id="7f3c9a2e-1111-4a4a-9b9b-123456789abc")
    verdict = judge_text(judge, "关于投诉单 7F3C9A2E-1111-4A4A-9B9B-123456789ABC，我想补充几张照片。",
                         open_cases=[first], at=T0 + timedelta(days=45))
    assert (verdict.validity, verdict.rule) == (Validity.FOLLOW_UP, "follow_up.case_reference")


def test_follow_up_by_human_reference(judge):
    first = case(judge, VALID["ko"], reference="CP-2026-000123")
    verdict = judge_text(judge, "접수번호 CP-2026-000123 관련해서 사진을 추가로 보냅니다.", open_cases=[first], at=T0 + timedelta(days=2))
    assert verdict.rule == "follow_up.case_reference"


def test_cue_needs_the_same_matter_when_categories_differ(judge):
    first = case(judge, VALID["en"], category="product_quality")
    verdict = judge_text(judge, "I already complained: my refund is still not in my account.", open_cases=[first],
                         at=T0 + timedelta(days=2), category="refund")
    assert verdict.validity is Validity.VALID


def test_cue_with_the_only_open_case_and_no_category(judge):
    first = case(judge, VALID["zh-Hans"])
    verdict = judge_text(judge, FOLLOW_UP["zh-Hans"], open_cases=[first], at=T0 + timedelta(days=2))
    assert verdict.validity is Validity.FOLLOW_UP


def test_same_category_alone_is_not_a_follow_up(judge):
    first = case(judge, "快递三天了还没送到，物流一直不更新。", category="delivery")
    verdict = judge_text(judge, "送货师傅把冰箱外壳刮花了，要求赔偿。", open_cases=[first], at=T0 + timedelta(days=2), category="delivery")
    assert verdict.validity is Validity.VALID


def test_same_category_with_overlap_is_a_follow_up(judge):
    first = case(judge, "快递三天了还没送到，物流信息一直不更新，请尽快处理。", category="delivery")
    verdict = judge_text(judge, "物流信息还是没有更新，快递到底什么时候送到？", open_cases=[first],
                         at=T0 + timedelta(days=4), category="delivery")
    assert verdict.validity is Validity.FOLLOW_UP


def test_no_customer_key_no_dedup_except_case_reference(judge):
    first = case(judge, VALID["en"])
    verdict = judge_text(judge, DUPLICATE["en"], open_cases=[first], customer_key=None)
    assert verdict.validity is Validity.VALID


# --- spam ---------------------------------------------------------------------------------


def test_blocked_sender_and_domain(tmp_path):
    cfg = tmp_path / "v.yaml"
    cfg.write_text(
        "spam:\n  blocked_senders: ['Spammer@Example.com', '+86 139 0000 1111']\n  blocked_domains: [bulk.example]\n",
        encoding="utf-8",
    )
    j = ValidityJudge.from_config(cfg)
    text = VALID["en"]
    assert j.judge(text=text, channel=Channel.EMAIL, sender_email="spammer@example.com", customer_key=None,
                   received_at=T0, open_cases=()).rule == "spam.blocked_sender"
    assert j.judge(text=text, channel=Channel.SMS, sender_phone="13900001111", customer_key=None,
                   received_at=T0, open_cases=()).rule == "spam.blocked_sender"
    verdict = j.judge(text=text, channel=Channel.EMAIL, sender_email="x@mail.bulk.example", customer_key=None,
                      received_at=T0, open_cases=())
    assert (verdict.validity, verdict.rule) == (Validity.SPAM, "spam.blocked_domain")


def test_spaced_korean_phrase_matches_without_space(judge):
    verdict = judge_text(judge, "저금리대출 상담은 카톡추가 해주세요")
    assert verdict.validity is Validity.SPAM


def test_word_that_equals_a_case_id_is_not_a_citation(judge):
    first = case(judge, UNRELATED["en"], case_id="blender")
    assert judge_text(judge, VALID["en"], open_cases=[first]).validity is Validity.VALID


def test_judge_helpers(judge):
    assert judge.mentions_earlier_complaint("又係呢個問題")
    assert judge.extract_order_refs("订单号 A1234567") == ["a1234567"]


def test_link_heavy(judge):
    verdict = judge_text(judge, "看这里 http://a.xyz/1 http://b.top/2 www.c.vip/3")
    assert (verdict.validity, verdict.rule) == (Validity.SPAM, "spam.links")
    assert judge_text(judge, "https://bit.ly/3xYz").rule == "spam.links"


def test_one_link_in_a_real_complaint_is_fine(judge):
    text = "The product page https://shop.example.com/p/123 says waterproof but my watch died in the shower. I want a refund."
    assert judge_text(judge, text).validity is Validity.VALID


def test_email_address_is_not_a_link(judge):
    assert judge_text(judge, "请回复到 wang@example.com，我的洗衣机漏水了").validity is Validity.VALID


@pytest.mark.parametrize(
    "text",
    [
        "网上娱乐城，真人荷官在线发牌",
        "Best online casino bonus",
        "카지노 첫충 100%",
        "六合彩貼士",  # Traditional, matched after t2s
    ],
)
def test_strong_spam_groups_alone(judge, text):
    assert judge_text(judge, text).validity is Validity.SPAM


@pytest.mark.parametrize(
    "text",
    [
        "客服让我加微信处理退款，加了以后一直没人回复，太不专业了。",  # one weak cue in a real complaint
        "我参加你们的抽奖活动中奖了，但奖品一直没有发货。",
        "My loan application on your app was rejected without any reason and support never answered.",
        "대출 상담 전화가 너무 자주 와서 불편합니다. 제 번호를 삭제해 주세요.",
    ],
)
def test_single_weak_phrase_is_not_spam(judge, text):
    assert judge_text(judge, text).validity is Validity.VALID


# --- invalid ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "invalid.empty"),
        ("   \n ", "invalid.empty"),
        ("？？？！！！。。。", "invalid.empty"),
        ("1111111 ???? !!!! 2222", "invalid.non_letters"),
        ("ok", "invalid.too_short"),
        ("好", "invalid.too_short"),
        ("aaaaaaaaaaaa", "invalid.repetition"),
        ("哈哈哈哈哈哈哈哈哈", "invalid.repetition"),
        ("xkcd qwrtp zxcvbn", "invalid.keyboard_mash"),
        ("ㅋㅋㅋㅋㅋㅋ", "invalid.keyboard_mash"),
    ],
)
def test_invalid_rules(judge, text, rule):
    verdict = judge_text(judge, text)
    assert (verdict.validity, verdict.rule) == (Validity.INVALID, rule)


@pytest.mark.parametrize(
    "text",
    [
        "订单号202403011234567，电话18200005017，没收到货",  # numbers don't make it unintelligible
        "Refund please",
        "退款",
        "환불",
        "My TV's HDMI port broke",
    ],
)
def test_short_but_meaningful(judge, text):
    assert judge_text(judge, text).validity is Validity.VALID


def test_subject_counts(judge):
    verdict = judge.judge(text="见附件", subject="电视机屏幕碎了要求换货", channel=Channel.EMAIL, customer_key=None,
                          received_at=T0, open_cases=())
    assert verdict.validity is Validity.VALID


# --- helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "这是我第二次投诉了",
        "热水器又坏了",
        "再次反映这个问题",
        "我上个月已经反映过",
        "上次投诉到现在没人理",
        "我已經投訴過好多次",
        "之前投訴過，又係咁",
        "仲未有人覆我",
        "두 번째 문의입니다",
        "이미 문의했는데 답이 없어요",
        "다시 연락드립니다",
        "This is the second time I write to you",
        "I already complained about this",
        "The heater is still not fixed",
        "It broke again",
        "as I mentioned in my previous complaint",
    ],
)
def test_mentions_earlier_complaint(text):
    assert mentions_earlier_complaint(text)


@pytest.mark.parametrize(
    "text",
    [
        "热水器漏水，请派人维修",
        "電視機冇聲",
        "배송이 늦어요",
        "The heater leaks, please send someone",
        "又脏又破的包装",
    ],
)
def test_no_earlier_complaint(text):
    assert not mentions_earlier_complaint(text)


def test_normalise_text():
    assert normalise_text("  已經投訴過  ＡＢＣ\n") == "已经投诉过 abc"


def test_extract_order_refs():
    assert extract_order_refs("订单号：20240301123，運單號 SF1234567890") == ["20240301123", "sf1234567890"]
    assert extract_order_refs("Order #A1234567 and tracking number 1Z999AA10123456784") == ["a1234567", "1z999aa10123456784"]
    assert extract_order_refs("주문번호: 2024-55512") == ["2024-55512"]
    assert extract_order_refs("order something else") == []


def test_open_case_json_round_trip_and_compact(judge):
    long_text = VALID["zh-Hans"] * 40
    c = case(judge, long_text + " 订单号 20240301123", category="product_quality", sender_email="a@b.com", product="电饭煲")
    data = c.to_json()
    encoded = json.dumps(data, ensure_ascii=False)
    assert len(encoded) < 1200
    assert long_text[:10] not in encoded  # no readable text in the fingerprint
    back = OpenCase.from_json(encoded)
    assert back == c
    assert back.order_refs == ("20240301123",)
    assert "email:a@b.com" in back.customer_keys and KEY in back.customer_keys


def test_fingerprints_of_other_settings_are_not_compared():
    a = Fingerprinter(shingle_cjk=2).fingerprint("热水器漏水")
    b = Fingerprinter(shingle_cjk=3).fingerprint("热水器漏水")
    assert Fingerprinter(shingle_cjk=2).similarity(a, b) == 0.0
    assert Fingerprinter(shingle_cjk=2).similarity(a, a) == 1.0
    assert Fingerprinter().similarity(a, "garbage") == 0.0


def test_large_texts_use_the_sketch():
    fp = Fingerprinter(sketch_size=32)
    text = " ".join(f"word{i} alpha beta gamma" for i in range(200))
    assert fp.similarity(fp.fingerprint(text), fp.fingerprint(text + " tail")) > 0.9
    assert fp.similarity(fp.fingerprint(text), fp.fingerprint("completely different delivery problem here")) < 0.2


def test_prune():
    fp = Fingerprinter().fingerprint("x")
    cases = [
        OpenCase("old", T0 - timedelta(days=40), Channel.EMAIL, fp),
        OpenCase("closed", T0 - timedelta(days=1), Channel.EMAIL, fp, status="closed"),
        OpenCase("a", T0 - timedelta(days=2), Channel.SMS, fp),
        OpenCase("b", T0 - timedelta(hours=1), Channel.WEB, fp),
    ]
    assert [c.case_id for c in prune(cases, T0, timedelta(days=30))] == ["b", "a"]
    assert [c.case_id for c in prune(cases, T0, timedelta(days=30), limit=1)] == ["b"]
    assert [c.case_id for c in prune(cases, T0, timedelta(days=30), keep_statuses=("open", "closed"))] == ["b", "closed", "a"]


def test_config_values_loaded(judge):
    assert judge.duplicate_window == timedelta(hours=72)
    assert judge.follow_up_window == timedelta(days=30)
    assert judge.version.startswith("validity-")
    assert judge.phrase_groups and judge.cue_patterns and judge.order_ref_patterns


# --- the fast paths agree with the plain definitions --------------------------------------

import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402

from routing.adapters.config_files import read_validity  # noqa: E402
from routing.domain.validity import fingerprints as validity_fingerprints  # noqa: E402
from routing.domain.validity import text as validity_text  # noqa: E402
from routing.domain.validity.intelligibility import implausible, unintelligible_verdict  # noqa: E402

TRICKY_TEXTS = [
    "", " ", "!!!", "ㅋㅋㅋㅋㅋ", "ㅁㄴㅇㄹ ㅋㅋ", "哈哈哈哈哈哈", "jkjkjkjk", "asdfgh qwerty zxcvb", "aaaaaa", "ababab", "12345678",
    "二〇二四年十一月 〇〇", "ⅻ ½ ² ①②③ 五六七", "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ １２３", "看见 ㅋ 한글 ひらがな カタカナ ・ー 𠀀𪜀",
    "e\u0301cole élève naïve café résumé", "www.spam.com click here 贷款 低息", "http://a.com http://b.cn http://c.xyz",
    "see example.com/path and test.io, WWW.X.ORG", "订单号 AB12345678 已经投诉过了 again", "전화 010-1234-5678 로 연락주세요 다시 문의합니다",
    "call me +86 182 0000 5017 or (010) 6552-9988", "the quick brown fox jumps over the lazy dog", "bcdfg hjklm nprst",
    "我的手机坏了，屏幕一直闪烁，已经联系过客服三次都没有解决。", "我的手機壞了，螢幕一直閃爍，已經聯絡過客服三次都冇解決。",
    "배송이 아직도 안 왔어요. 주문번호 KR-20261102 확인 부탁드립니다.", "x" * 7, "ab" * 9 + "c", "٣٤٥٦٧٨ ۱۲۳",
]


def _reference_unintelligible(judge, norm):
    """The original per-character implementation of ValidityJudge._unintelligible."""
    is_cjk, is_jamo = validity_text._is_cjk, validity_text._is_jamo
    text = validity_text._URL.sub(" ", norm)
    chars = [ch for ch in validity_text._DIGIT_RUN.sub("0", text) if not ch.isspace()]
    letters = [ch for ch in chars if ch.isalpha()]
    share = len(letters) / len(chars) if chars else 0.0
    if share < judge.min_letter_share:
        return ("invalid.non_letters", f"mostly non-letters ({share:.0%} letters)", round(1 - share, 3))
    cjk = [ch for ch in letters if is_cjk(ch)]
    latin = [ch for ch in letters if not is_cjk(ch)]
    if cjk:
        jamo = sum(1 for ch in cjk if is_jamo(ch))
        korean = sum(1 for ch in cjk if 0xAC00 <= ord(ch) <= 0xD7AF) + jamo
        if korean and jamo / korean >= judge.jamo_share and len(cjk) - jamo < judge.min_cjk_chars:
            return ("invalid.keyboard_mash", "bare Hangul jamo, no syllables (ㅋㅋㅋ, ㅁㄴㅇㄹ)", 1.0)
        if len(cjk) - jamo < judge.min_cjk_chars and len(latin) < judge.min_latin_letters:
            return ("invalid.too_short", f"too short ({len(cjk)} character(s))", 1.0)
    elif len(latin) < judge.min_latin_letters:
        return ("invalid.too_short", f"too short ({len(latin)} letter(s))", 1.0)
    alnum = "".join(ch for ch in chars if ch.isalnum())
    if len(alnum) >= judge.min_repetition_length and (
        len(set(alnum)) <= judge.max_distinct_chars or validity_text._REPEATED_UNIT.fullmatch(alnum)
    ):
        return ("invalid.repetition", f"repetition ({len(set(alnum))} distinct character(s))", 1.0)
    if latin and len(latin) >= len(cjk):
        words = re.findall(r"[^\W\d_]+", text)
        latin_words = [w for w in words if not any(is_cjk(ch) for ch in w)]
        total = sum(len(w) for w in latin_words) or 1
        bad = sum(len(w) for w in latin_words if implausible(judge, w))
        if bad / total >= judge.mash_share:
            return ("invalid.keyboard_mash", f"keyboard mash ({bad / total:.0%} of letters in implausible words)", round(bad / total, 3))
    return None


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_unintelligible_matches_the_per_character_definition(judge, text):
    norm = normalise_text(text)
    got = unintelligible_verdict(judge, norm)
    expected = _reference_unintelligible(judge, norm)
    assert (None if got is None else (got.rule, got.reason, got.score)) == expected


def test_character_classes_match_the_predicates():
    ranges = validity_text._CJK_RANGES + ((0x0000, 0x2FFF), (0xFB00, 0xFFFF))
    for lo, hi in ranges:
        for o in range(lo, hi + 1):
            ch = chr(o)
            assert bool(validity_text._CJK_ANY.match(ch)) == validity_text._is_cjk(ch), hex(o)
            letter = ch.isalpha()
            assert bool(validity_text._CJK_LETTER_RUN.match(ch)) == (letter and validity_text._is_cjk(ch)), hex(o)
            assert bool(validity_text._JAMO_LETTER_RUN.match(ch)) == (letter and validity_text._is_jamo(ch)), hex(o)
            assert bool(validity_text._SYLLABLE_LETTER_RUN.match(ch)) == (letter and 0xAC00 <= o <= 0xD7AF), hex(o)
    for o in range(sys.maxunicode + 1):
        ch = chr(o)
        assert bool(validity_text._ALNUM.match(ch)) == ch.isalnum(), hex(o)


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_strip_urls_is_findall_and_sub(text):
    norm = normalise_text(text)
    assert validity_text._strip_urls(norm) == (validity_text._URL.findall(norm), validity_text._URL.sub(" ", norm))


def test_at_most_distinct():
    for text in ["", "a", "aa", "ab", "aab", "abc", "哈哈哈", "哈哈嘿", "abcabc"]:
        for limit in range(-1, 5):
            assert validity_text._at_most_distinct(text, limit) == (len(set(text)) <= limit)


def _reference_similarity(fp, sa, sb):
    k = fp.sketch_size
    set_a, set_b = set(sa), set(sb)
    union = sorted(set_a | set_b)[:k]
    jaccard = sum(1 for h in union if h in set_a and h in set_b) / len(union)
    small, large = (set_a, set_b) if len(set_a) <= len(set_b) else (set_b, set_a)
    if len(small) < fp.min_shingles_containment:
        return jaccard
    tau = max(large) if len(large) >= k else None
    covered = [h for h in small if tau is None or h <= tau]
    if len(covered) < fp.min_shingles_containment:
        return jaccard
    return max(jaccard, sum(1 for h in covered if h in large) / len(covered))


@pytest.mark.parametrize("sketch_size", [4, 16, 128])
def test_similarity_matches_the_sorted_union_definition(sketch_size):
    fp = Fingerprinter(sketch_size=sketch_size, min_shingles_containment=3)
    rng = random.Random(sketch_size)
    for _ in range(400):
        pool = [rng.randrange(1 << 32) for _ in range(rng.randrange(1, 3 * sketch_size))]
        a = sorted(set(rng.sample(pool, rng.randrange(1, len(pool) + 1))))[:sketch_size]
        b = sorted(set(rng.sample(pool, rng.randrange(1, len(pool) + 1))))[:sketch_size]
        expected = _reference_similarity(fp, a, b)
        assert fp._similarity(a, b) == expected
        assert fp.similarity(fp._encode(a), fp._encode(b)) == expected


def test_sketch_of_long_text_and_hash_collisions(judge, monkeypatch):
    fp = judge.fingerprinter
    han = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(600))
    rng = random.Random(7)
    latin = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(200))
    for text in [han, latin, " ".join(TRICKY_TEXTS), "短文本", "abcd efgh"]:
        shingles = fp.shingles(text)
        assert fp.sketch(text) == tuple(sorted({fp._hash(s) for s in shingles})[: fp.sketch_size])
    assert len(fp.shingles(han)) > fp.sketch_size and len(fp.shingles(latin)) > fp.sketch_size
    shingles = fp.shingles(han)
    monkeypatch.setattr(validity_fingerprints, "_shingle_hash", lambda s: len(s) % 3)
    assert fp._sketch(shingles) == tuple(sorted({len(s) % 3 for s in shingles}))


def _complaint_variants():
    return [
        dict(text="我的手机坏了，屏幕一直闪烁。订单号 AB12345678。客户电话182-0000-5017", subject=""),
        dict(text="My order 99887766 still not delivered, please call +1 415 555 2671", subject="Complaint again"),
        dict(text="배송이 아직도 안 왔어요. 주문번호 KR-20261102", subject="배송", sender_email="kim@example.kr"),
        dict(text="恭喜您中奖 免费领取 加微信", subject="", sender_phone="138 0013 8000"),
        dict(text="ㅋㅋㅋㅋ", subject=""),
    ]


@pytest.mark.parametrize("variant", range(5))
def test_judge_and_open_case_equals_judge_then_open_case(variant):
    texts = _complaint_variants()
    complaint = texts[variant]
    at = T0 + timedelta(hours=3)
    for open_cases_from in range(len(texts)):
        history_judge = ValidityJudge.from_config()
        history = [
            history_judge.open_case(case_id=f"old-{i}", received_at=T0, channel=Channel.WEB, category="billing", customer_key=KEY, **texts[i])
            for i in range(open_cases_from, len(texts))
        ]
        kwargs = dict(channel=Channel.EMAIL, customer_key=KEY, received_at=at, category="billing", product="Phone X", **complaint)
        separate, combined = ValidityJudge.from_config(), ValidityJudge.from_config()
        verdict = separate.judge(open_cases=history, case_id="new-1", **kwargs)
        opened = separate.open_case(case_id="new-1", **kwargs)
        assert combined.judge_and_open_case(open_cases=history, case_id="new-1", **kwargs) == (verdict, opened)
        # the analysis shared between the two calls does not leak into another judge's settings
        other = ValidityJudge.from_dict({**read_validity().model_dump(), "similarity": {"sketch_size": 16}})
        assert other.open_case(case_id="new-1", **kwargs).fingerprint.startswith("b1.2.4.16:")


CUE_TEXTS = TRICKY_TEXTS + [
    "This is the second time I write, still not fixed. Order no: AB-123456, tracking number 9988776655.",
    "as i mentioned in my previous complaint, follow-up please; order #ZX99887766 again",
    "againagain x-again again! stillnot still waiting. waybill 1234567",
]


@pytest.mark.parametrize("text", CUE_TEXTS)
def test_gated_patterns_find_what_the_patterns_find(judge, text):
    norm = normalise_text(text)
    assert validity_text._cue_in(norm, judge.cue_patterns) == any(p.search(norm) for p in judge.cue_patterns)
    plain = []
    for pattern in judge.order_ref_patterns:
        for m in pattern.finditer(norm):
            ref = m.group(1).strip("-")
            if any(ch.isdigit() for ch in ref):
                plain.append(ref)
    assert validity_text._order_refs_in(norm, judge.order_ref_patterns) == list(dict.fromkeys(plain))
    patterns = (re.compile(r"\bfoo"), re.compile(r"\b|x"), re.compile(r"\w+\b"))
    assert validity_text._cue_in(norm, patterns) == any(p.search(norm) for p in patterns)
