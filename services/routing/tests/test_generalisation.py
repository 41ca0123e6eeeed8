"""Evidence that carries across industries (issue 12, third round, rules 2026.12.04-4).

`data/unseen_industries_blind3.jsonl` (40 complaints, 10 per language, from trades in no other
set: dry cleaning, opticians, bicycles, jewellery, fitters, pest control, florists, camping gear,
shoe repair, photo studios) was written and committed before any change of this round and scored
first with rules 2026.12.04-3: department 33/40, category 33/40, priority 38/40, P1 3/4, one false
P1. The lexicon terms added after it say what happened (came back shrunk, came off, nobody came,
waiting for a part, taken twice, pictured) rather than naming a trade, so the other checks here use
other trades' nouns; each of them was wrong with rules 2026.12.04-3 (seen failing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from routing.domain.classification import Classifier
from routing.evaluation.metrics import classify_record, read_jsonl

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.from_config()


def test_third_blind_set_of_unseen_industries(clf):
    records = read_jsonl([DATA / "unseen_industries_blind3.jsonl"])
    assert len(records) == 40 and {r["language"] for r in records} == {"en", "ko", "zh-Hans", "zh-Hant"}
    decisions = [(r, classify_record(clf, r)) for r in records]
    department = sum((c.best_guess_department or c.department) == r["expected"]["department"] for r, c in decisions)
    category = sum(c.category == r["expected"]["category"] for r, c in decisions)
    hazards = [(r, c) for r, c in decisions if r["expected"]["priority"] == "P1"]
    assert [r["id"] for r, c in hazards if c.priority != "P1"] == []
    assert [r["id"] for r, c in decisions if r["expected"]["priority"] != "P1" and c.priority == "P1"] == []
    assert all(c.motive == "safety_care" for _r, c in hazards)
    assert department >= 39 and category >= 39  # 40 and 40 with 2026.12.04-4 (33 and 33 at first run)


@pytest.mark.parametrize(
    ("language", "text", "department"),
    [
        # an installation visit that never happened is a delivery failure, not a repair
        ("en", "Your engineers were booked to fit our new boiler on the 12th. Nobody came and nobody rang.", "logistics"),
        # a part that came off, a zip fraying: a defect, whatever the product
        ("en", "The suitcase handle came off the first time I used it and the zip is already fraying.", "quality"),
        # `charge*` matched "charger": a phone that won't charge is not a billing complaint
        ("en", "My new phone won't charge at all and the charger gets no response.", "quality"),
        # what the page pictured against what came: a description that does not match
        ("en", "The sofa on your website was pictured in dark green velvet; what came was a pale grey fabric, nothing like the photo.", "marketing"),
        # came back shrunk and blotchy after a service: a quality complaint (Mandarin and Cantonese)
        ("zh-Hans", "送洗的羽绒服拿回来缩水了，还发花，送洗前是好好的。", "quality"),
        ("zh-Hant", "件大褸送去乾洗，攞返嚟縮到細咗一個碼，袖口仲甩咗線。", "quality"),
        # blind set 10 (rules 2026.12.06-4): an item posted back under a guarantee is a repair,
        # whatever the trade, and "the audiologist said it would…" promises no advertising
        ("en", "I posted it back under your lifetime workmanship guarantee on 16 April; it has now been seven weeks.", "after_sales"),
        ("en", "The audiologist said it would go off to the manufacturer. Is there a loaner she could use meanwhile?", "after_sales"),
        # a settlement for more than was measured is a billing complaint even where "the contract says" is quoted
        ("zh-Hans", "合同上写的是按实际面积结算，结算单却多算了14平，麻烦重新核算，把多收的钱退给我。", "billing"),
        # 大打折扣 ("much diminished") and 效果 are no promotion
        ("zh-Hant", "船上冷氣完全不涼，洗手間無法沖水，活動效果大打折扣。", "quality"),
        # how to look after it, not a defect
        ("zh-Hant", "刀面開始出現斑點，想請教保養方法，平常要怎麼保養？不是要退貨。", "customer_service"),
        # what staff said and wanting an apology: conduct
        ("ko", "상담 중에 작가님이 웃으면서 한 말이 계속 기분이 안 좋네요. 사과받고 싶습니다.", "customer_service"),
        # blind set 11 (rules 2026.12.06-6): what the cover claims; a bill against the quote; a
        # repair waiting for a part ordered in; made to the wrong size; a colour cast
        ("en", "The theory pack says 'fully updated for the latest Highway Code' on the cover, but the junction section is the old one.", "marketing"),
        ("zh-Hant", "簽訂報價單總價128,000元，請款時卻開出176,500元，另列追加項目，請退還追加款項並提供請款明細。", "billing"),
        ("zh-Hant", "週五送修換螢幕，店員說排線型號不對要調貨，隔天一定好，今天已經週一。", "after_sales"),
        ("zh-Hant", "訂製床墊尺寸做錯，放不進床架，請依訂單尺寸重做。", "quality"),
        ("zh-Hans", "换的屏幕整体偏黄一点，看白底网页比较明显。", "quality"),
        # blind set 12 (rules 2026.12.06-9): free rework put off; a part on order; badly packed
        ("zh-Hans", "擦的玻璃全是水印，说好7天内免费返工，我约了两次，师傅都临时改期。", "after_sales"),
        ("en", "Our engineer said the door operator board needs replacing and that the part was on order. He has rung three times.", "after_sales"),
        ("zh-Hant", "打開才發現盆子完全沒固定，整盆倒在箱子裡，花梗斷了兩根，應該是包裝本身就沒做好。", "quality"),
        # blind sets 14 and 15 (rules 2026.12.06-12, -13)
        ("ko", "시공 예정이라 연차 내고 기다렸는데 시공팀 안 옴. 이번 주 안으로 시공일 확정 요청.", "logistics"),
        ("ko", "시공 후 1년간 무상 보수를 약속받았습니다. 보수를 요청드렸는데 방문 일정 연락이 없습니다.", "after_sales"),
        ("en", "The back board is held in by little metal tabs and I can't shift them. There was no leaflet. Is there a knack to it?", "customer_service"),
        ("en", "Your fit checker gave a green tick - 'Guaranteed to fit' - but the kit is for a different model.", "marketing"),
        ("zh-Hant", "貴公司DM寫明單筆訂單滿三萬加贈碎紙機一台，但DM上完全沒有只限新客戶這個條件。", "marketing"),
        # blind set 19 (rules 2026.12.06-15)
        ("en", "Cancelled my Crunchbox sub in March, got the email confirming it. You've still taken £19.99 on 1 April and again 1 May.", "billing"),
        ("zh-Hans", "合同上写的是4月30日前交车，现在销售说车还在改装厂，我要一个确切的交车日期。", "logistics"),
        ("zh-Hant", "合約寫明30天內污漬復現免費回場重洗，業務說一週內排師傅，到今天快三週還是排程中。", "after_sales"),
    ],
)
def test_what_happened_decides_the_department_in_any_trade(clf, language, text, department):
    c = clf.classify(text=text, language=language, channel="web")
    assert (c.best_guess_department or c.department) == department


def test_a_bulging_gas_canister_by_a_child_is_p1(clf):
    c = clf.classify(text="露營用的卡式爐用到一半，瓦斯罐那邊變得非常燙，罐身還鼓了起來，旁邊就是小孩。", language="zh-Hant", channel="phone")
    assert c.priority == "P1" and c.motive == "safety_care"


def test_a_glasses_nose_pad_that_came_off_is_not_a_structural_failure(clf):
    c = clf.classify(text="안경 맞춘 지 열흘 만에 코받침이 떨어져 나가고 렌즈 가장자리에 금이 갔어요.", language="ko", channel="sms")
    assert c.priority != "P1"
