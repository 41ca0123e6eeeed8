"""Safety first: hazards described rather than named are P1 in every language and channel,
and a person hurt by a product gets care, never a claimant's motive hint.

`data/safety_described.jsonl` (35 hazards, 10 look-alikes) was written for rules
2026.12.01-1 and the hazard rules were tuned on it; `data/safety_described_blind.jsonl`
(20 hazards, 4 look-alikes) was written afterwards and scored first before any further
change (9/20 P1 then; the two generic rules `safety.body_harm_described` and
`safety.sensation_described` were added after that run). Neither file is model training data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from routing.domain.classification import Classifier
from routing.evaluation.metrics import classify_record, read_jsonl

DATA = Path(__file__).parent / "data"
LANGUAGES = {"zh-Hans", "zh-Hant", "ko", "en"}


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.from_config()


def p1_misses(clf: Classifier, name: str) -> tuple[list[str], list[str]]:
    """A labelled set's (missed P1s, false P1s), by record id."""
    records = read_jsonl([DATA / name])
    decisions = {r["id"]: classify_record(clf, r) for r in records}
    missed = [r["id"] for r in records if r["expected"]["priority"] == "P1" and decisions[r["id"]].priority != "P1"]
    false_p1 = [r["id"] for r in records if r["expected"]["priority"] != "P1" and decisions[r["id"]].priority == "P1"]
    return missed, false_p1


@pytest.mark.parametrize("name", ["safety_described.jsonl", "safety_described_blind.jsonl"])
def test_described_hazards_are_p1_in_every_language_and_channel(clf, name):
    records = read_jsonl([DATA / name])
    hazards = [r for r in records if r["expected_priority"] == "P1"]
    lookalikes = [r for r in records if r["expected_priority"] != "P1"]
    assert {r["language"] for r in hazards} == LANGUAGES
    assert {"phone", "letter", "email"} <= {r["channel"] for r in hazards}
    missed = [r["id"] for r in hazards if classify_record(clf, r).priority != "P1"]
    false_p1 = [r["id"] for r in lookalikes if classify_record(clf, r).priority == "P1"]
    assert missed == []
    assert false_p1 == []


def test_described_set_has_several_cases_per_language(clf):
    per_language = Counter(r["language"] for r in read_jsonl([DATA / "safety_described.jsonl"]) if r["expected_priority"] == "P1")
    assert min(per_language.values()) >= 8


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Customer reports the cot's side rail is cracked and the frame flexes when her baby stands up."),
        ("en", "Caller states the bar stool gave way under her father and he landed on the kitchen tiles."),
        ("zh-Hans", "客户来电称儿童床护栏断裂，孩子半夜从床上摔下来。"),
        ("zh-Hant", "張椅嘅椅腳斷咗，我阿媽成個跌坐地上。"),
        ("ko", "상담 메모: 고객님 말씀으로는 의자 다리가 부러져서 어머니가 넘어지셨다고 함."),
    ],
)
def test_structural_failure_and_call_notes_in_third_person(clf, language, text):
    c = clf.classify(text=text, channel="phone", language=language)
    assert c.priority == "P1"
    assert any(e.rule.startswith("safety.") for e in c.explanation if e.step == "priority")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The electric kettle gave my little boy an electric shock when he touched the base. I expect compensation for this."),
        ("zh-Hans", "电热水壶把我孩子电了一下，你们必须赔偿！太过分了！！"),
        ("zh-Hant", "個電熱水煲整到我個仔觸電，你哋要賠償！"),
        ("ko", "전기 주전자에 아이가 감전됐어요. 보상해 주세요. 정말 화가 납니다."),
    ],
)
def test_a_person_hurt_by_a_product_is_cared_for_not_treated_as_a_claimant(clf, language, text):
    """User report: an electric kettle that shocked a child got "angling for compensation"."""
    c = clf.classify(text=text, channel="email", language=language)
    assert c.priority == "P1"
    assert c.motive == "safety_care"
    assert c.handling_hint.startswith("Safety first")
    assert "angling" not in c.handling_hint and "haggle" not in c.handling_hint
    assert "vent" not in c.handling_hint


def test_compensation_motive_still_read_when_nobody_is_at_risk(clf):
    c = clf.classify(text="The fridge stopped cooling after a week. I expect compensation for the spoiled food.", channel="email", language="en")
    assert c.priority != "P1"
    assert c.motive == "wants_compensation"


def test_call_notes_and_letters_blind_set(clf):
    """`data/safety_calls_letters_blind.jsonl` (15 hazards in call notes and letters, 5
    look-alikes) was written before rules 2026.12.04-2 and scored first: 12/15 P1, no false P1
    (missed: a charger too hot to hold with bubbling plastic, a night of being sick after a
    juice, an extension lead crackling with a black mark by a socket). Several hold compensation
    demands: the hurt person is cared for first all the same."""
    records = read_jsonl([DATA / "safety_calls_letters_blind.jsonl"])
    hazards = [r for r in records if r["expected_priority"] == "P1"]
    assert {r["language"] for r in hazards} == LANGUAGES and {r["channel"] for r in hazards} == {"phone", "letter"}
    decisions = {r["id"]: classify_record(clf, r) for r in records}
    assert [r["id"] for r in hazards if decisions[r["id"]].priority != "P1"] == []
    assert [r["id"] for r in records if r["expected_priority"] != "P1" and decisions[r["id"]].priority == "P1"] == []
    for r in hazards:
        c = decisions[r["id"]]
        assert c.motive == "safety_care" and c.handling_hint.startswith("Safety first"), r["id"]
        assert "haggle" not in c.handling_hint and "angling" not in c.handling_hint, r["id"]  # no claimant advice


def test_complaints_from_industries_in_no_labelled_set(clf):
    """`data/unseen_industries_blind.jsonl`: 40 complaints (16 en, 8 each ko, zh-Hans, zh-Hant)
    from trades none of the sets hold, written before rules 2026.12.04-2. First run: department
    39/40, category 38/40, and two described P1s missed (scored with four usage questions then
    mislabelled P4; the taxonomy makes a request for help P3)."""
    records = read_jsonl([DATA / "unseen_industries_blind.jsonl"])
    decisions = [(r["expected"], classify_record(clf, r)) for r in records]
    department = sum((c.best_guess_department or c.department) == e["department"] for e, c in decisions)
    category = sum(c.category == e["category"] for e, c in decisions)
    missed_p1 = [e for e, c in decisions if e["priority"] == "P1" and c.priority != "P1"]
    assert (department, missed_p1) == (40, [])
    assert category >= 39


def test_a_structural_defect_in_a_childs_product_is_p1_before_anyone_is_hurt(clf):
    """`data/safety_child_products_blind.jsonl` (8 defects in cots, bunks, high chairs, car seats
    in four languages; 3 look-alikes) was written before `safety.child_product_structural_defect`
    and scored first: 3/8 P1, no false P1."""
    records = read_jsonl([DATA / "safety_child_products_blind.jsonl"])
    decisions = {r["id"]: classify_record(clf, r) for r in records}
    hazards = [r for r in records if r["expected_priority"] == "P1"]
    assert {r["language"] for r in hazards} == LANGUAGES
    assert [r["id"] for r in hazards if decisions[r["id"]].priority != "P1"] == []
    assert [r["id"] for r in records if r["expected_priority"] != "P1" and decisions[r["id"]].priority == "P1"] == []
    assert all(decisions[r["id"]].motive == "safety_care" for r in hazards)


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        ("en", "Caller says her dog started twitching after the flea treatment at your grooming salon; the emergency vet kept him in overnight.",
         "safety.poisoning_illness"),
        ("zh-Hans", "在你们店做完驱虫药浴，我家狗回家就抽搐、口吐白沫，连夜送动物医院急诊。", "safety.poisoning_illness"),
        ("zh-Hant", "本人已向新北市政府消費者服務中心提出消費申訴，請貴公司於協商前提出合理之退費方案。", "legal.regulator"),
        ("ko", "미용 후 강아지가 경련을 일으켜서 동물병원 응급실에 갔습니다.", "safety.poisoning_illness"),
    ],
)
def test_a_pet_harmed_after_a_treatment_and_a_letter_to_the_consumer_centre_are_p1(clf, language, text, rule):
    """Blind set 4's two missed P1s (rules 2026.12.04-4), in every language: a dog that collapsed
    after a flea treatment (P1: a safety hazard; fits, collapse and the emergency vet were no
    cues) and a Taipei letter that had gone to the city's consumer service centre (P1:
    legal_regulatory; 消費者服務中心 / 消費申訴 were no cues)."""
    c = clf.classify(text=text, channel="letter", language=language)
    assert c.priority == "P1"
    assert rule in {e.rule for e in c.explanation}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The deal you promised collapsed and the price on the invoice is wrong."),
        ("en", "Your app's search has collapsed categories I cannot open."),
        ("en", "The engineer was fitting the new boiler when he said the flue was the wrong size."),
        ("en", "Customs seizure of my parcel was your courier's fault; the screen kept twitching too."),
        ("zh-Hans", "我想咨询一下宠物医院的营业时间和洗澡的价格。"),
        ("zh-Hant", "實木餐桌用了三週，桌面中央就出現一條約40公分長的裂縫，請協助更換桌板。"),
        ("ko", "5월 20일에 안경 오른쪽 다리 경첩 부분이 부러져서 매장에 맡겼는데 3주째 소식이 없어요."),
        ("en", "The oak table top cracked down the middle after three weeks; please replace the top."),
    ],
)
def test_collapse_and_vet_words_without_harm_are_not_p1(clf, language, text):
    assert clf.classify(text=text, channel="email", language=language).priority != "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "餐桌的桌腿断了，整张桌子倒下来，差点砸到孩子。"),
        ("ko", "의자 다리가 부러져서 아버지가 바닥으로 넘어지셨어요."),
        ("en", "The table leg snapped and the whole thing came crashing down next to my son."),
    ],
)
def test_furniture_that_gives_way_stays_p1_beside_the_crack_exclusions(clf, language, text):
    assert clf.classify(text=text, channel="email", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Could someone explain in plain English how to unlock the hob? Thanks, Sue"),
        ("en", "Hi, this is Sue from flat 4: the new lock sticks when it rains."),
        ("en", "Regards - Sue. PS the invoice still shows the old address."),
        ("zh-Hans", "采样管上写唾液要到刻度线，我吐了十几分钟泡沫很多，泡沫算不算？"),
        ("zh-Hant", "採樣時要把口水吐到刻度線，我吐了很久還是不夠，請問可以分兩次嗎？"),
    ],
)
def test_sue_the_name_and_spitting_into_a_sample_tube_are_not_p1(clf, language, text):
    """Blind set 6's two false P1s (rules 2026.12.05-2): a web form signed "Thanks, Sue" read as
    a threat to sue, and saliva spat into a DNA kit's tube (吐了) read as vomiting."""
    assert clf.classify(text=text, channel="web", language=language).priority != "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "If the lock is not replaced this week I will sue. Thanks, Sue"),
        ("en", "My solicitor says we can sue you for the damage."),
        ("zh-Hans", "孩子喝了一口就吐了，还拉肚子，已经送医。"),
        ("zh-Hans", "吃完你们的蛋糕全家都吐了，我们已经去医院挂水。"),
    ],
)
def test_a_threat_to_sue_and_real_vomiting_stay_p1(clf, language, text):
    assert clf.classify(text=text, channel="web", language=language).priority == "P1"


def test_blind_set_6_p1s(clf):
    """`data/unseen_industries_blind6.jsonl` (48 complaints, six trades in no other set) was scored
    first with rules 2026.12.05-2: department 87.5 %, P1 9/9, two false P1s (the tests above).
    Rules 2026.12.05-3 exclude both."""
    assert p1_misses(clf, "unseen_industries_blind6.jsonl") == ([], [])
    assert sum(r["expected"]["priority"] == "P1" for r in read_jsonl([DATA / "unseen_industries_blind6.jsonl"])) == 9


@pytest.mark.parametrize(
    "text",
    [
        "I've now lodged a complaint with NSW Fair Trading (ref FT-0592281) about the damaged chest.",
        "I'm preparing an application to NCAT if this is not sorted by Friday.",
        "I will take this to the consumer forum if the refund is not made.",
    ],
)
def test_fair_trading_offices_civil_tribunals_and_consumer_forums_are_legal_p1(clf, text):
    """Blind set 7's missed P1 (rules 2026.12.05-3): a removals customer who had gone to NSW Fair
    Trading and was preparing a case for NCAT, its state civil tribunal."""
    c = clf.classify(text=text, channel="email", language="en")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_blind_set_7_p1s(clf):
    """`data/unseen_industries_blind7.jsonl` (48 complaints, 18 of them English, six trades in no
    other set) was scored first with rules 2026.12.05-3: department 79.2 %, P1 8/9, one false
    P1. The missed one is fixed (the test above). The false one stays: the caller works at a
    law firm ("Calder & Webb Solicitors"), and telling a firm's name from instructing one
    ("I have instructed Hollings & Reed Solicitors", blind set 4) needs more than the words
    around "solicitors"."""
    assert p1_misses(clf, "unseen_industries_blind7.jsonl") == ([], ["blind7-en-02"])


@pytest.mark.parametrize(
    "text",
    [
        "He felt a sharp buzz right up his forearm every time he gripped the metal gear housing.",
        "When he had a look afterwards his hand was tingling for about an hour.",
        "I felt a jolt through my wrist when I touched the casing of the drill.",
    ],
)
def test_a_buzz_up_the_forearm_and_a_tingling_hand_are_a_shock_described(clf, text):
    """Blind set 8's missed P1 (rules 2026.12.05-4): a hired angle grinder with a taped-up cord
    that gave "a sharp buzz right up his forearm" and left "his hand tingling"."""
    c = clf.classify(text=text, channel="phone", language="en")
    assert c.priority == "P1" and "safety.shock_described" in {e.rule for e in c.explanation}


@pytest.mark.parametrize(
    "text",
    [
        "The phone buzzes in my hand when a message comes in, which is fine.",
        "My arms were tired after carrying the boxes up three floors.",
    ],
)
def test_a_buzzing_phone_and_tired_arms_are_no_shock(clf, text):
    assert clf.classify(text=text, channel="email", language="en").priority != "P1"


def test_blind_set_8_p1s(clf):
    """`data/unseen_industries_blind8.jsonl` (48 complaints: 16 English, 16 Traditional Chinese,
    half of them Cantonese, six trades in no other set) was scored first with rules 2026.12.05-4
    and the model retrained on 888 records: department 85.4 %, P1 8/9, no false P1."""
    assert p1_misses(clf, "unseen_industries_blind8.jsonl") == ([], [])


def test_numb_hands_a_little_further_from_the_touch_are_a_shock_described(clf):
    """Blind set 9's missed P1 (rules 2026.12.05-5): children who touched a new pool's steel
    handrail, 手會「麻麻刺刺的」, sixteen characters after the touch (the rule reached ten)."""
    text = "兩個孩子說摸到池邊不鏽鋼扶手時手會「麻麻刺刺的」，燈座周圍還一直冒出細小氣泡。"
    c = clf.classify(text=text, channel="phone", language="zh-Hant")
    assert c.priority == "P1" and "safety.shock_described" in {e.rule for e in c.explanation}


def test_blind_set_9_p1s(clf):
    """`data/unseen_industries_blind9.jsonl` (48 complaints, 12 a language, six trades in no other
    set, a third of them naming two causes) was scored first with rules 2026.12.05-5 and the model
    retrained on 936 records: department 87.5 %, priority 81.2 % (five order totals, prices and
    contract values read as losses above the P2 threshold), P1 7/8, no false P1."""
    assert p1_misses(clf, "unseen_industries_blind9.jsonl") == ([], [])


def test_blind_set_5_p1s(clf):
    """`data/unseen_industries_blind5.jsonl` (48 complaints, six trades in no other set) was scored
    first with rules 2026.12.05-1: department 85.4 %, P1 8/8 and two false P1s, a table top's
    crack and the snapped arm (다리, "leg") of a pair of glasses read as furniture giving way.
    Rules 2026.12.05-2 exclude both (see the tests above)."""
    assert p1_misses(clf, "unseen_industries_blind5.jsonl") == ([], [])


def test_blind_set_4_p1s(clf):
    """`data/unseen_industries_blind4.jsonl` (80 complaints, ten trades in no other set) was scored
    first with rules 2026.12.04-4: department 87.5 %, P1 6/8, one false P1 (a vet's bill for
    tests not done, the cat brought in for vomiting). Rules 2026.12.05-1 added the two missed
    cues (see the test above); the false P1 stays: the visit's reason reads as harm."""
    assert p1_misses(clf, "unseen_industries_blind4.jsonl") == ([], ["blind4-zh-Hans-01"])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hant", "點火後，煙一直從煙管接頭飄出來，整個客廳霧霧的，眼睛刺痛。"),
        ("zh-Hans", "壁炉一点火，满屋子都是烟，老人被烟呛得直咳嗽。"),
    ],
)
def test_smoke_coming_into_the_room_is_p1(clf, language, text):
    """Blind set 10's missed P1 (rules 2026.12.06-1): a wood stove whose flue joint let smoke
    into a cabin's living room, an elderly mother coughing; the rule knew 冒烟 and 浓烟 but not
    smoke drifting out of a pipe (烟…飘出来)."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The invoice adds a 'smoke draw test' at £45 that was never done."),
        ("ko", "거실 바닥에 비닐도 안 깔고 작업해서 소파랑 러그에 그을음이 다 묻었어요."),
        ("zh-Hans", "师傅在阳台抽烟，烟味飘进客厅，态度也很差。"),
    ],
)
def test_a_billed_smoke_test_soot_on_a_sofa_and_a_cigarette_are_not_p1(clf, language, text):
    """Blind set 10's two false P1s (rules 2026.12.06-1): a chimney sweep's invoice for a "smoke
    draw test" and soot (그을음) left on a sofa."""
    assert clf.classify(text=text, channel="email", language=language).priority != "P1"


def test_blind_set_10_p1s(clf):
    """`data/unseen_industries_blind10.jsonl` (48 complaints, 12 a language, six trades in no other
    set) was scored first with rules 2026.12.05-6: department 75.0 %, priority 79.2 % (four
    prices read as losses), P1 9/12, two false P1s."""
    missed, false_p1 = p1_misses(clf, "unseen_industries_blind10.jsonl")
    assert false_p1 == []
    assert missed == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Photo of me on your Instagram - I never agreed. I want it taken down today."),
        ("en", "You posted pictures of my daughter's piercing on Facebook without our consent."),
        ("zh-Hans", "登记了姓名、手机号和检查结果，请你们说明这些信息是怎么流出去的。"),
        ("zh-Hans", "未经我同意就把我纹身的照片发到网上。"),
        ("ko", "동의 없이 제 시술 사진을 인스타그램에 올렸어요."),
    ],
)
def test_a_photo_posted_without_consent_and_details_that_got_out_are_personal_data_misuse(clf, language, text):
    """Blind set 10's two missed legal P1s (rules 2026.12.06-2): a tattoo studio that posted a
    client's photo on Instagram although she had refused, and a hearing clinic whose test results
    reached telemarketers (信息是怎么流出去的)."""
    c = clf.classify(text=text, channel="web", language=language)
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_photos_of_a_fault_are_no_privacy_case(clf):
    text = "I sent photos of the cracked tiles on Monday and nobody asked for more before closing the ticket."
    assert clf.classify(text=text, channel="email", language="en").category != "legal_regulatory"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The evening pods have two of the small round white tablets instead of one; he is drowsy and slurring."),
        ("en", "Since Monday he has been unsteady on his feet and she has rung 111."),
        ("zh-Hans", "配送员把别人的药袋给了我们，孩子吃错药了，现在在观察。"),
        ("zh-Hant", "換完電池部機脹咗又好燙，後蓋俾啲嘢頂起咗。"),
        ("ko", "라돈 측정기로 재 봤더니 권고기준의 몇 배가 나왔어요. 임신 중이라 불안합니다."),
        ("ko", "약 봉투에 다른 환자 약이 들어 있었어요."),
    ],
)
def test_a_wrong_medicine_its_signs_a_swollen_phone_and_radon_are_p1(clf, language, text):
    """Blind set 11's missed P1s (rules 2026.12.06-4): a pharmacy tray with a double dose, told
    only by an 84-year-old's drowsiness and slurred speech; the wrong medicine given to a child;
    a phone swollen and hot after a battery swap (部機脹咗); radon measured on a mattress."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I want to know who else went through my phone. I never gave him my Instagram."),
        ("en", "He has also texted me twice on the number from the repair form."),
        ("zh-Hans", "这些信息除了医院就只有你们有。请查清楚是谁把我的信息给出去的。"),
        ("zh-Hant", "未經同意把我和狗狗的資料貼上粉專，我從來沒同意過讓你們拿去宣傳。"),
    ],
)
def test_staff_going_through_a_phone_and_details_posted_or_passed_on_are_personal_data_misuse(clf, language, text):
    """Blind set 11's missed legal P1s (rules 2026.12.06-4)."""
    c = clf.classify(text=text, channel="email", language=language)
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The pharmacy sent the right tablets but the box was crushed."),
        ("en", "She was unsure which of the two tablets to take first, so please add a leaflet."),
        ("zh-Hans", "桌子有点晃，放东西的时候要小心。"),
        ("ko", "약 배송이 하루 늦었어요."),
    ],
)
def test_a_late_or_crushed_medicine_parcel_is_not_p1(clf, language, text):
    assert clf.classify(text=text, channel="web", language=language).priority != "P1"


def test_blind_set_11_p1s(clf):
    """`data/unseen_industries_blind11.jsonl` (48 complaints, 12 a language, six trades in no other
    set, among them home pharmacy delivery) was scored first with rules 2026.12.06-4, after the
    changes blind set 10 led to: department 72.9 %, priority 79.2 %, P1 6/12 (a double dose told by
    its symptoms, radon, a swollen phone and three privacy cases missed), no false P1."""
    assert p1_misses(clf, "unseen_industries_blind11.jsonl") == ([], [])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I heard a hissing noise from the battery pack and one side of the casing had bulged out."),
        ("en", "I found her on the floor beside her bed; her call-bell cord was out of her reach."),
        ("zh-Hans", "小腿被铁边划开一道口子，血一直止不住，去医院缝了7针。"),
        ("zh-Hans", "头钻进了绳圈里，绳子就勒在了脖子上，小脸憋得通红，哭都哭不出声。"),
        ("zh-Hans", "下坡前后刹车都捏到底了车还在往下冲，差一点被渣土车撞上。"),
        ("zh-Hans", "宠物医院抽血说肾脏指标高得吓人，现在在输液。"),
        ("ko", "입천장이랑 잇몸이 찢어져 피가 계속 나서 치과에 다녀왔습니다."),
    ],
)
def test_hazards_of_the_safety_blind_set_13_described_in_other_words_are_p1(clf, language, text):
    """`data/safety_blind13.jsonl` (28 hazards, 12 look-alikes) was scored first with rules
    2026.12.06-7: P1 recall 21/28 and 7 false P1s. These are the words it found missing."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Sat right by the fire at the Red Lion, lovely and cosy, but the salmon was bland."),
        ("en", "On Tuesday it died halfway through a pitch and I nearly died of embarrassment."),
        ("zh-Hans", "一家人等了快两个小时，气得肺都要炸了。"),
        ("zh-Hans", "看到账单那一刻我真是气得头顶冒烟。"),
        ("zh-Hant", "同事外出簡報時電腦當場掛掉，大家都快氣炸了。"),
        ("zh-Hant", "服務生直接翻白眼走掉，被這樣回話心裡很受傷。"),
        ("ko", "창립 행사의 불꽃놀이 연출이 6분 만에 끝났습니다."),
    ],
)
def test_a_pub_fire_anger_idioms_hurt_feelings_and_fireworks_are_not_p1(clf, language, text):
    assert clf.classify(text=text, channel="email", language=language).priority != "P1"


def test_safety_blind_set_13(clf):
    """First run (rules 2026.12.06-7): P1 recall 75 % (21/28), precision 75 %. Its department
    labels differ from every earlier set on one point, left as it is: harm from a careless worker
    (a care home, a dog walker, a swimming coach) is `service_attitude` there, while the 112 safety
    P1s labelled before are all `product_quality`."""
    assert p1_misses(clf, "safety_blind13.jsonl") == ([], [])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Our 8-year-old climbed the ladder, the foot slid and he came down with it; he's bruised all down one side with a grazed arm and chin."),
        ("en", "Lift 2 dropped suddenly between floors. Mrs Walsh (84) was thrown against the handrail and has a badly bruised hip."),
    ],
)
def test_a_child_fallen_from_a_ladder_and_a_lift_that_dropped_are_p1(clf, language, text):
    """Blind set 12's missed P1 (rules 2026.12.06-8): a window cleaner's ladder left up overnight
    that an 8-year-old climbed; a lift drop, once a building name stopped reading as a court."""
    assert clf.classify(text=text, channel="email", language=language).priority == "P1"


@pytest.mark.parametrize(
    "text",
    [
        "We are the managing agents for Wharfside Court, Salford; the lift has been out of service since Monday.",
        "The food court was closed and the tennis court had no nets.",
    ],
)
def test_a_building_called_court_is_no_court_of_law(clf, text):
    assert clf.classify(text=text, channel="letter", language="en").category != "legal_regulatory"


@pytest.mark.parametrize(
    "text",
    [
        "If this is not fixed I will take you to court.",
        "I have started a small claims court claim.",
        "The county court has given me a hearing date.",
    ],
)
def test_a_court_of_law_stays_legal(clf, text):
    assert clf.classify(text=text, channel="email", language="en").category == "legal_regulatory"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ko", "구청 위생과에 식중독으로 신고했습니다. 보상 방안을 알려 주세요."),
        ("ko", "군청 보건과에 이미 민원 넣었어요."),
        ("ko", "보건소에 이미 신고했습니다. 답변 주세요."),
        # blind set 257 (-84): a county agricultural enforcement team, an animal health supervision office
        ("zh-Hans", "我已经向县农业综合行政执法大队举报了，等通知。"),
        ("zh-Hans", "这件事我已经反映到区卫生监督所，他们说会来查。"),
        # round 49 (rules 2026.12.08-98): public bodies by the endings their names share (국립…원, …관리원, …공단)
        ("ko", "국립수산물품질관리원에 원산지 표시 위반으로 신고했습니다."),
        ("ko", "도로교통공단에 민원을 넣었어요. 환불해 주세요."),
    ],
)
def test_a_report_to_a_city_halls_hygiene_section_is_legal(clf, language, text):
    """Safety set 240 (rules 2026.12.07-80): food poisoning reported to 양주시청 위생과; safety set
    252 (-83): a fumigant reported to 환경부, and a public health centre (보건소)."""
    c = clf.classify(text=text, channel="phone", language=language)
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_a_report_to_the_lift_safety_agency_and_the_district_office_is_legal(clf):
    text = "어제 한국승강기안전공단에 신고했고 구청에도 민원을 넣었다고 하심."
    c = clf.classify(text=text, channel="phone", language="ko")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_blind_set_12_p1s(clf):
    """`data/unseen_industries_blind12.jsonl` (48 complaints, six trades in no other set, three of
    them about lifts, ladders and chemicals) was scored first with rules 2026.12.06-8: department
    83.3 %, priority 95.8 %, P1 11/12, no false P1."""
    assert p1_misses(clf, "unseen_industries_blind12.jsonl") == ([], [])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "One side wall buckled and the roof sank down onto about eight children; one girl had a nosebleed."),
        ("en", "The driver locked the vehicle without checking the seats; Oliver was found an hour later banging on the window."),
        ("en", "His foot got dragged under the edge of the platform; his ankle is swollen and scraped raw."),
        ("en", "The wire pulled out, the frame slid down the wall and landed on the crib rail."),
        ("zh-Hans", "门突然滑下来一大截，离他头盔就差一点。"),
        ("zh-Hans", "开关关了还烫得不行，把床单烙出一块焦黄的印子，猫的前爪肉垫红肿。"),
        ("zh-Hans", "左前轮胎侧面鼓出一个鸡蛋大的包，车上还有老婆和两个孩子，想想都后怕。"),
        ("zh-Hans", "池底排水口的盖板不见了，孩子一只脚一下被吸住，脚踝一圈全是淤青。"),
        ("zh-Hant", "電線跟機身接的地方啪一聲閃了一下，我整隻手麻到手肘。"),
        ("ko", "아이가 떨어지면서 팔꿈치 뼈에 금이 감(깁스 4주)."),
        ("ko", "달리는 중에 옆 슬라이딩 문이 스르륵 열렸대요. 우리 애가 바로 문 옆자리였어요."),
        ("ko", "타이어 바닥 고무가 손바닥만 하게 들떠서 차가 좌우로 흔들렸어요."),
        ("ko", "조리실에 들어가면 계란 썩은 듯한 냄새가 나고 조리사 선생님이 머리가 아프다고 함."),
        ("ko", "브레이크를 밟았더니 차가 평소보다 한참 밀려 앞차 바로 뒤에서 겨우 섰다고 함."),
        ("ko", "정수리에서 누런 진물이 나고 피부과에서 연고 처방받음."),
    ],
)
def test_hazards_of_the_safety_blind_set_16_described_in_other_words_are_p1(clf, language, text):
    """`data/safety_blind16.jsonl` (28 hazards, 12 look-alikes) was scored first with rules
    2026.12.06-10: P1 recall 16/28, 4 false P1s; blind sets 14 and 15 (rules -11 and -12) missed
    the crib, the brake pads and the bleached scalp."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The poster promised fire-breathers and smoke cannons; there were no smoke effects at all."),
        ("zh-Hans", "页面到现在还挂着火龙浴的图片，请按宣传兑现。"),
        ("zh-Hant", "同一張單扣咗我兩次錢，激到我爆炸，快啲退返。"),
        ("ko", "연기나라 전자담배 매장에서 샀는데 카드 결제가 두 번 됐어요."),
        ("zh-Hans", "窗台下面的乳胶漆已经鼓包发黄，窗外一圈胶断开了。"),
        ("ko", "안경 코받침이 떨어지고 렌즈 가장자리에 금이 갔어요."),
    ],
)
def test_smoke_cannons_a_fire_dragon_bath_an_angry_explosion_smoke_land_and_blistered_paint_are_not_p1(clf, language, text):
    assert clf.classify(text=text, channel="web", language=language).priority != "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This morning our Invoices tab listed about thirty invoices belonging to a dental practice in Dayton."),
        ("zh-Hant", "沒經過我同意就把我的照片貼上IG和臉書，我從來沒答應讓你們拿去宣傳。"),
        ("zh-Hant", "從頭到尾沒有人問過我能不能拍、能不能放上網。"),
    ],
)
def test_another_firms_invoices_and_photos_posted_without_asking_are_personal_data_misuse(clf, language, text):
    """Blind sets 14 and 15's missed legal P1s (rules 2026.12.06-11 and -12)."""
    c = clf.classify(text=text, channel="email", language=language)
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_safety_blind_set_16_and_blind_sets_14_and_15(clf):
    """First runs: safety set 16 (rules 2026.12.06-10) P1 recall 57 % (16/28), precision 80 %;
    blind set 15 (rules -11) department 79.2 %, P1 7/11, two false P1s; blind set 14 (rules -12)
    department 81.2 %, P1 8/11, no false P1. One false P1 of set 15 stays: a sofa whose frame
    cracked with a bang as the customer sat down (架裂开), labelled P3 there; furniture giving way
    under a person is P1 in the earlier sets."""
    assert p1_misses(clf, "safety_blind16.jsonl") == ([], [])
    assert p1_misses(clf, "unseen_industries_blind14.jsonl") == ([], [])
    assert p1_misses(clf, "unseen_industries_blind15.jsonl") == ([], ["blind15-zht-03"])


def test_someone_elses_order_in_my_bag_is_a_delivery_not_a_privacy_case(clf):
    text = "Delivery app order arrived 75 min late and half the bag was someone else's order. Please sort it."
    assert clf.classify(text=text, channel="sms", language="en").category == "delivery"


# Every blind set scored once on arrival, then fixed (docs/routing.md has each first run: the rules
# and model of the moment, department by language, P1 recall, false P1). First runs, P1 recall and
# false P1: safety 18 21/28, 4; safety 21 21/28, 1; blind 20 10/11, 1 (rules 2026.12.06-15);
# blind 22 12/12, 2; blind 23 11/11, 0; safety 24 26/28, 1; safety 25 27/28, 1 (-15/-16);
# blind 26 10/12, 1; blind 27 7/10, 0; safety 28 22/28, 3; safety 29 21/28, 1 (-16);
# blind 30 10/11, 1; blind 31 12/12, 0; safety 32 26/28, 0; safety 33 25/28, 2 (-17);
# blind 34 10/11, 2; blind 35 9/11, 0; safety 36 27/28, 1; safety 37 27/28, 2 (-18);
# blind 38 8/11, 0; blind 39 10/12, 0; safety 40 25/28, 0; safety 41 27/28, 0 (-19);
# blind 42 11/11, 0; blind 43 10/11, 0; safety 44 26/28, 1; safety 45 27/28, 1 (-20);
# blind 46 10/11, 0; safety 47 24/28, 0 (-21);
# blind 48 5/6, 2; blind 49 6/7, 3; safety 50 24/28, 6; safety 51 25/28, 5 (-22);
# blind 53 7/7, 0; safety 54 26/28, 3; safety 55 27/28, 4 (-23); blind 52 5/7, 1 (-24);
# safety 59 25/28, 1 (-25); blind 56 7/7, 0 (-26); safety 58 27/28, 4 (-27); blind 57 6/7, 0 (-28);
# blind 61 6/7, 0 (-29); safety 63 26/28, 0 (-30); safety 62 28/28, 3 (-31); blind 60 7/7, 0 (-32);
# blind 65 6/6, 1 (-33); blind 64 6/6, 3; safety 66 23/28, 3; safety 67 26/28, 0 (-34);
# safety 69 26/28, 1 (-37); blind 68 7/7, 1 (-38);
# blind 70 6/6, 1; blind 71 4/6, 0; blind 72 7/7, 0; blind 73 7/7, 3; safety 74 27/28, 1; safety 75 27/28, 2 (-39);
# blind 76 6/6, 0; blind 77 7/7, 1; blind 78 6/7, 0; blind 79 6/7, 0; safety 80 26/28, 4; safety 81 25/28, 1 (-41);
# blind 82 6/7, 0; blind 83 7/7, 2; blind 84 7/7, 1; blind 85 7/7, 4; safety 86 22/28, 3; safety 87 25/28, 3 (-42);
# blind 88 5/6, 0; blind 89 7/7, 1; blind 90 7/7, 3; blind 91 6/7, 2; safety 92 27/28, 1; safety 93 27/28, 4 (-43);
# blind 94 7/7, 0; blind 95 7/7, 1; blind 96 7/7, 0; blind 97 7/7, 1; safety 98 27/28, 2; safety 99 28/28, 3 (-44);
# blind 100 7/7, 1; blind 101 5/7, 0; blind 102 7/7, 1; blind 103 6/7, 1; safety 104 28/28, 1; safety 105 27/28, 1 (-45);
# blind 106 7/7, 2; blind 107 7/7, 0; blind 108 6/6, 0; blind 109 7/7, 0; safety 110 28/28, 0; safety 111 22/28, 2 (-46);
# blind 112 6/7, 2; blind 113 6/6, 3; blind 114 6/6, 2; blind 115 6/7, 2; safety 116 27/28, 2; safety 117 27/28, 2 (-47);
# blind 118 6/7, 2; blind 119 7/7, 1; blind 120 7/7, 0; blind 121 7/7, 1; safety 122 24/28, 2; safety 123 26/28, 3 (-48);
# blind 124 7/7, 0; blind 125 6/7, 0; blind 126 6/7, 2; blind 127 6/6, 1; safety 128 24/28, 1; safety 129 27/28, 1 (-50);
# blind 130 7/7, 0; blind 131 6/7, 2; blind 133 6/7, 1; safety 134 24/28, 5; safety 135 25/28, 1 (-51);
# blind 136 6/7, 1; blind 137 7/7, 2; safety 138 26/28, 0 (-52); safety 139 24/28, 2 (-53); blind 132 7/7, 2 (-54);
# blind 140 7/7, 2; blind 141 5/7, 2; blind 142 7/7, 0; blind 143 7/7, 0; safety 144 22/28, 2; safety 145 28/28, 2 (-55);
# blind 146 6/7, 0; blind 147 7/7, 0; blind 148 6/7, 0; blind 149 7/7, 2; safety 150 24/28, 2; safety 151 25/28, 1 (-56);
# blind 152 7/7, 2; blind 153 7/7, 0; blind 154 7/7, 2; blind 155 4/6, 0; safety 156 21/28, 1; safety 157 26/28, 0 (-57);
# blind 158 6/7, 1; blind 159 3/7, 0; blind 160 7/7, 1; blind 161 7/7, 1; safety 162 28/28, 1; safety 163 27/28, 3 (-58);
# blind 164 6/7, 0; blind 165 7/7, 1; blind 166 6/7, 1; blind 167 6/7, 0; safety 168 24/28, 1; safety 169 26/28, 3 (-59);
# blind 170 10/11, 5; blind 171 9/11, 1; safety 172 25/28, 4; safety 173 26/28, 1; blind 174 11/11, 2; blind 175 11/12, 2 (-60);
# blind 176 12/13, 1; blind 177 10/11, 3; blind 178 9/11, 2; safety 179 24/28, 1; safety 180 27/28, 5; blind 181 11/12, 2 (-61);
# blind 182 10/12, 3; blind 183 9/10, 1; blind 184 11/11, 1; blind 185 10/12, 1; safety 186 26/28, 0; safety 187 25/28, 1 (-62);
# blind 188 9/12, 2; blind 189 11/11, 1; blind 190 9/11, 5; blind 191 11/11, 1; safety 192 23/28, 2; safety 193 28/28, 3 (-64);
# blind 194 9/12, 2; blind 195 13/13, 2; blind 196 11/12, 1; blind 197 12/12, 1; safety 198 27/28, 2; safety 199 26/28, 0 (-66).
# blind 200 9/11, 0; blind 201 8/11, 1; blind 202 11/11, 1; blind 203 10/12, 3; blind 204 11/11, 1; safety 205 25/28, 1 (-68).
# blind 206 10/11, 0; blind 207 11/11, 2; blind 208 10/12, 2; blind 209 11/12, 3; safety 210 23/28, 1; safety 211 26/28, 1 (-69).
# blind 212 12/12, 2; blind 213 12/12, 4; safety 214 24/28, 1; safety 215 24/28, 2; blind 216 11/11, 1; blind 217 11/11, 4 (-71).
# blind 218 10/11, 2; blind 219 9/12, 2; safety 220 27/28, 4; safety 221 25/28, 3; safety 222 27/28, 1; blind 223 11/12, 4 (-72).
# blind 224 11/11, 1; blind 225 8/12, 0; blind 226 11/11, 3; blind 227 11/12, 2; safety 228 26/28, 2; safety 229 28/28, 2 (-73).
# blind 230 13/13, 4; blind 231 12/12, 3; blind 232 11/11, 1; blind 233 12/12, 3; safety 234 26/28, 3; safety 235 28/28, 0 (-74, the hazard detector on).
# blind 236 11/12, 1; blind 237 11/11, 1; blind 238 8/11, 2; blind 239 10/12, 3; safety 240 28/28, 1; safety 241 28/28, 2 (-77).
# blind 242 12/12, 1; blind 243 11/11, 2; blind 244 9/11, 1; blind 245 11/11, 0; safety 246 28/28, 1; safety 247 28/28, 2 (-81, model 9d7e0420).
# blind 248 10/11, 7; blind 249 9/12, 0; blind 250 11/12, 1; blind 251 10/11, 0; safety 252 27/28, 1; safety 253 27/28, 3 (-82, model 192567ee).
# blind 254 12/13, 1; blind 255 11/12, 2; blind 256 8/14, 4; blind 257 10/12, 1; safety 258 28/28, 1; safety 259 27/28, 4 (-83, model 192567ee).
# blind 260 10/12, 0; blind 261 9/10, 1; blind 262 8/10, 2; blind 263 10/11, 4; safety 264 27/28, 2; safety 265 27/28, 2 (-84, model 192567ee).
# Earlier: safety 17 15/28, 1 (-13); blind 19 9/11, 0 (-14).
# What is left is pinned here; when a fix lands the list shrinks, it is never widened.
SETS_SCORED_ON_ARRIVAL = {
    "safety_blind17.jsonl": ([], []),
    "unseen_industries_blind19.jsonl": ([], []),
    "safety_blind18.jsonl": ([], []),
    "safety_blind21.jsonl": ([], []),
    "unseen_industries_blind20.jsonl": ([], []),
    "unseen_industries_blind22.jsonl": ([], []),
    "unseen_industries_blind23.jsonl": ([], []),
    "safety_blind24.jsonl": ([], []),
    "safety_blind25.jsonl": ([], []),
    "unseen_industries_blind26.jsonl": ([], []),
    "unseen_industries_blind27.jsonl": ([], []),
    "safety_blind28.jsonl": ([], []),
    "safety_blind29.jsonl": ([], []),
    "unseen_industries_blind30.jsonl": ([], []),
    "unseen_industries_blind31.jsonl": ([], []),
    "safety_blind32.jsonl": ([], []),
    "safety_blind33.jsonl": ([], []),
    "unseen_industries_blind34.jsonl": ([], []),
    "unseen_industries_blind35.jsonl": ([], []),
    "safety_blind36.jsonl": ([], []),
    "safety_blind37.jsonl": ([], []),
    "unseen_industries_blind38.jsonl": ([], []),
    "unseen_industries_blind39.jsonl": ([], []),
    "safety_blind40.jsonl": ([], []),
    "safety_blind41.jsonl": ([], []),
    "unseen_industries_blind42.jsonl": ([], []),
    "unseen_industries_blind43.jsonl": ([], []),
    "safety_blind44.jsonl": ([], []),
    "safety_blind45.jsonl": ([], []),
    "unseen_industries_blind46.jsonl": ([], []),
    "safety_blind47.jsonl": ([], []),
    "unseen_industries_blind48.jsonl": ([], []),
    "unseen_industries_blind49.jsonl": ([], []),
    # a mother's fall last month, told as why a wheelchair or a lift chair was ordered (look-alikes)
    "safety_blind50.jsonl": ([], ["safety50-zh-Hans-10", "safety50-zh-Hant-10"]),
    "safety_blind51.jsonl": ([], []),
    "unseen_industries_blind52.jsonl": ([], []),
    "unseen_industries_blind53.jsonl": ([], []),
    "safety_blind54.jsonl": ([], []),
    # a venue fire the customer heard of, told as why a show was cancelled (a look-alike)
    "safety_blind55.jsonl": ([], ["safety55-zh-Hans-08"]),
    "unseen_industries_blind56.jsonl": ([], []),
    "unseen_industries_blind57.jsonl": ([], []),
    "safety_blind58.jsonl": ([], []),
    "safety_blind59.jsonl": ([], []),
    "unseen_industries_blind60.jsonl": ([], []),
    "unseen_industries_blind61.jsonl": ([], []),
    # a tyre that blew out on the motorway, told as why a breakdown truck was called (a look-alike)
    "unseen_industries_blind65.jsonl": ([], ["blind65-zh-Hans-05"]),
    "safety_blind62.jsonl": ([], []),
    "safety_blind63.jsonl": ([], []),
    "unseen_industries_blind64.jsonl": ([], []),
    "safety_blind66.jsonl": ([], []),
    "safety_blind67.jsonl": ([], []),
    "unseen_industries_blind68.jsonl": ([], []),
    "safety_blind69.jsonl": ([], []),
    "unseen_industries_blind70.jsonl": ([], []),
    "unseen_industries_blind71.jsonl": ([], []),
    "unseen_industries_blind72.jsonl": ([], []),
    "unseen_industries_blind73.jsonl": ([], []),
    "safety_blind74.jsonl": ([], []),
    "safety_blind75.jsonl": ([], []),
    "unseen_industries_blind76.jsonl": ([], []),
    "unseen_industries_blind77.jsonl": ([], []),
    "unseen_industries_blind78.jsonl": ([], []),
    "unseen_industries_blind79.jsonl": ([], []),
    "safety_blind80.jsonl": ([], []),
    "safety_blind81.jsonl": ([], []),
    "unseen_industries_blind82.jsonl": ([], []),
    "unseen_industries_blind83.jsonl": ([], []),
    "unseen_industries_blind84.jsonl": ([], []),
    "unseen_industries_blind85.jsonl": ([], []),
    # a leg broken at five-a-side, told in the subject line as why a gym membership should be frozen
    "safety_blind86.jsonl": ([], ["safety86-en-39"]),
    # a knee ligament torn at basketball, told as why a knee brace was ordered
    "safety_blind87.jsonl": ([], ["safety87-zh-Hans-10"]),
    "unseen_industries_blind88.jsonl": ([], []),
    "unseen_industries_blind89.jsonl": ([], []),
    "unseen_industries_blind90.jsonl": ([], []),
    "unseen_industries_blind91.jsonl": ([], []),
    "safety_blind92.jsonl": ([], []),
    "safety_blind93.jsonl": ([], []),
    "unseen_industries_blind94.jsonl": ([], []),
    "unseen_industries_blind95.jsonl": ([], []),
    "unseen_industries_blind96.jsonl": ([], []),
    "unseen_industries_blind97.jsonl": ([], []),
    # a burning smell in the subject line that the customer concedes, three sentences on, was a field fire
    "safety_blind98.jsonl": ([], ["safety98-zh-Hans-08"]),
    "safety_blind99.jsonl": ([], []),
    "unseen_industries_blind100.jsonl": ([], []),
    "unseen_industries_blind101.jsonl": ([], []),
    # a neighbour's soaked ceiling that came down in part, a water-damage claim (P2 for the loss)
    "unseen_industries_blind102.jsonl": ([], ["blind102-zh-Hans-08"]),
    "unseen_industries_blind103.jsonl": ([], []),
    "safety_blind104.jsonl": ([], []),
    "safety_blind105.jsonl": ([], []),
    "unseen_industries_blind106.jsonl": ([], []),
    "unseen_industries_blind107.jsonl": ([], []),
    "unseen_industries_blind108.jsonl": ([], []),
    "unseen_industries_blind109.jsonl": ([], []),
    "safety_blind110.jsonl": ([], []),
    "safety_blind111.jsonl": ([], []),
    "unseen_industries_blind112.jsonl": ([], []),
    "unseen_industries_blind113.jsonl": ([], []),
    "unseen_industries_blind114.jsonl": ([], []),
    "unseen_industries_blind115.jsonl": ([], []),
    "safety_blind116.jsonl": ([], []),
    "safety_blind117.jsonl": ([], []),
    "unseen_industries_blind118.jsonl": ([], []),
    "unseen_industries_blind119.jsonl": ([], []),
    "unseen_industries_blind120.jsonl": ([], []),
    "unseen_industries_blind121.jsonl": ([], []),
    "safety_blind122.jsonl": ([], []),
    "safety_blind123.jsonl": ([], []),
    "unseen_industries_blind124.jsonl": ([], []),
    "unseen_industries_blind125.jsonl": ([], []),
    "unseen_industries_blind126.jsonl": ([], []),
    # a key account's rented chairs whose legs came loose (椅脚松脱), reported for repair with nobody hurt
    "unseen_industries_blind127.jsonl": ([], ["blind127-zh-Hant-05"]),
    "safety_blind128.jsonl": ([], []),
    # a foyer that smelled of burning, which staff put down to a burnt batch of popcorn and the customer accepts
    "safety_blind129.jsonl": ([], ["safety129-en-09"]),
    "unseen_industries_blind130.jsonl": ([], []),
    "unseen_industries_blind131.jsonl": ([], []),
    "unseen_industries_blind133.jsonl": ([], []),
    "safety_blind134.jsonl": ([], []),
    "safety_blind135.jsonl": ([], []),
    # a warranty claim for chair slats that split, nobody hurt
    "unseen_industries_blind136.jsonl": ([], ["blind136-en-27"]),
    "unseen_industries_blind137.jsonl": ([], []),
    "safety_blind138.jsonl": ([], []),
    "safety_blind139.jsonl": ([], []),
    "unseen_industries_blind132.jsonl": ([], []),
    # a fence rail that 'dropped again' after a botched repair
    "unseen_industries_blind140.jsonl": ([], ["blind140-en-45"]),
    "unseen_industries_blind141.jsonl": ([], []),
    "unseen_industries_blind142.jsonl": ([], []),
    "unseen_industries_blind143.jsonl": ([], []),
    "safety_blind144.jsonl": ([], []),
    "safety_blind145.jsonl": ([], []),
    "unseen_industries_blind146.jsonl": ([], []),
    "unseen_industries_blind147.jsonl": ([], []),
    "unseen_industries_blind148.jsonl": ([], []),
    "unseen_industries_blind149.jsonl": ([], []),
    "safety_blind150.jsonl": ([], []),
    "safety_blind151.jsonl": ([], []),
    "unseen_industries_blind152.jsonl": ([], []),
    "unseen_industries_blind153.jsonl": ([], []),
    "unseen_industries_blind154.jsonl": ([], []),
    "unseen_industries_blind155.jsonl": ([], []),
    "safety_blind156.jsonl": ([], []),
    "safety_blind157.jsonl": ([], []),
    # an egg-and-cress sandwich that 'smelled off' and went in the bin: the hazard detector of af03532d reads it at 0.67,
    # over the line of 0.50 since rules 2026.12.08-98 (see rules.yaml, hazard_model_min_probability)
    "unseen_industries_blind158.jsonl": ([], ["blind158-en-45"]),
    "unseen_industries_blind159.jsonl": ([], []),
    "unseen_industries_blind160.jsonl": ([], []),
    "unseen_industries_blind161.jsonl": ([], []),
    "safety_blind162.jsonl": ([], []),
    # "the queue at the ticket office … nearly killed me", too far from the queue for an exclude to see
    "safety_blind163.jsonl": ([], ["safety163-en-08"]),
    "unseen_industries_blind164.jsonl": ([], []),
    "unseen_industries_blind165.jsonl": ([], []),
    "unseen_industries_blind166.jsonl": ([], []),
    "unseen_industries_blind167.jsonl": ([], []),
    "safety_blind168.jsonl": ([], []),
    "safety_blind169.jsonl": ([], []),
    # the packing slip of another customer's order in a key account's box, read as personal data
    # shown to a stranger (labelled a delivery complaint; a reader may fairly see it either way)
    "unseen_industries_blind170.jsonl": ([], ["blind170-en-02"]),
    "unseen_industries_blind171.jsonl": ([], []),
    # a head torch's battery that bulged in March, replaced since; only the return postage is asked back
    "safety_blind172.jsonl": ([], ["safety172-en-12"]),
    "safety_blind173.jsonl": ([], []),
    "unseen_industries_blind174.jsonl": ([], []),
    "unseen_industries_blind175.jsonl": ([], []),
    "unseen_industries_blind176.jsonl": ([], []),
    "unseen_industries_blind177.jsonl": ([], []),
    "unseen_industries_blind178.jsonl": ([], []),
    "safety_blind179.jsonl": ([], []),
    "safety_blind180.jsonl": ([], []),
    "unseen_industries_blind181.jsonl": ([], []),
    "unseen_industries_blind182.jsonl": ([], []),
    "unseen_industries_blind183.jsonl": ([], []),
    "unseen_industries_blind184.jsonl": ([], []),
    "unseen_industries_blind185.jsonl": ([], []),
    "safety_blind186.jsonl": ([], []),
    # a button battery a two-year-old reached for and never touched ("想想还是有点后怕" in a sentence of its
    # own: a sentence-level exclude cannot see the "孩子没碰到" before it); a reader may fairly call it a near miss
    "safety_blind187.jsonl": ([], ["safety187-zh-Hans-12"]),
    "unseen_industries_blind188.jsonl": ([], []),
    "unseen_industries_blind189.jsonl": ([], []),
    "unseen_industries_blind190.jsonl": ([], []),
    "unseen_industries_blind191.jsonl": ([], []),
    "safety_blind192.jsonl": ([], []),
    "safety_blind193.jsonl": ([], []),
    "unseen_industries_blind194.jsonl": ([], []),
    # an insurer's claimant asking which papers to send for a father's road accident (车祸入院): the harm is
    # real and past, and not the company's; a reader may fairly call it either way
    "unseen_industries_blind195.jsonl": ([], ["blind195-zh-Hant-34"]),
    "unseen_industries_blind196.jsonl": ([], []),
    "unseen_industries_blind197.jsonl": ([], []),
    # a scorched socket an electrician found and switched off at once; the complaint is the missing quote
    "safety_blind198.jsonl": ([], ["safety198-en-24"]),
    "safety_blind199.jsonl": ([], []),
    "unseen_industries_blind200.jsonl": ([], []),
    "unseen_industries_blind201.jsonl": ([], []),
    "unseen_industries_blind202.jsonl": ([], []),
    # an auction house's flat with a fire two years before: the walls are still scorched (검게 그을려 있고), a
    # trace of the past fire, read as a fire now; a sentence-level exclude cannot see the earlier sentence
    "unseen_industries_blind203.jsonl": ([], ["blind203-ko-41"]),
    "unseen_industries_blind204.jsonl": ([], []),
    "safety_blind205.jsonl": ([], []),
    "unseen_industries_blind206.jsonl": ([], []),
    "unseen_industries_blind207.jsonl": ([], []),
    # a photo booth's fog effect: the subject line alone, "연기 나와서 놀랐어요", says smoke came out; that it was
    # the booth's effect is in the body, which a subject line's exclude cannot see
    "unseen_industries_blind208.jsonl": ([], ["blind208-ko-12"]),
    "unseen_industries_blind209.jsonl": ([], []),
    "safety_blind210.jsonl": ([], []),
    "safety_blind211.jsonl": ([], []),
    "unseen_industries_blind212.jsonl": ([], []),
    "unseen_industries_blind213.jsonl": ([], []),
    "safety_blind214.jsonl": ([], []),
    "safety_blind215.jsonl": ([], []),
    "unseen_industries_blind216.jsonl": ([], []),
    "unseen_industries_blind217.jsonl": ([], []),
    "unseen_industries_blind218.jsonl": ([], []),
    "unseen_industries_blind219.jsonl": ([], []),
    "safety_blind220.jsonl": ([], []),
    # a freight firm's letter about a physiotherapy plan its warehouse staff use for strains from lifting (扭親、腰骨痛):
    # the harm is the staff's own and the complaint a billing count; a reader may fairly call it either way
    "safety_blind221.jsonl": ([], ["safety221-zh-Hant-05"]),
    "safety_blind222.jsonl": ([], []),
    "unseen_industries_blind223.jsonl": ([], []),
    "unseen_industries_blind224.jsonl": ([], []),
    "unseen_industries_blind225.jsonl": ([], []),
    "unseen_industries_blind226.jsonl": ([], []),
    "unseen_industries_blind227.jsonl": ([], []),
    "safety_blind228.jsonl": ([], []),
    "safety_blind229.jsonl": ([], []),
    "unseen_industries_blind230.jsonl": ([], []),
    "unseen_industries_blind231.jsonl": ([], []),
    "unseen_industries_blind232.jsonl": ([], []),
    "unseen_industries_blind233.jsonl": ([], []),
    "safety_blind234.jsonl": ([], []),
    "safety_blind235.jsonl": ([], []),
    "unseen_industries_blind236.jsonl": ([], []),
    "unseen_industries_blind237.jsonl": ([], []),
    "unseen_industries_blind238.jsonl": ([], []),
    "unseen_industries_blind239.jsonl": ([], []),
    "safety_blind240.jsonl": ([], []),
    # a jar of jam whose lid had bulged, not opened: labelled a look-alike, read as a hazard on purpose (a swollen lid is how spoiled food and botulism show)
    "safety_blind241.jsonl": ([], ["safety241-zh-Hant-40"]),
    "unseen_industries_blind242.jsonl": ([], []),
    "unseen_industries_blind243.jsonl": ([], []),
    # rolls of receipt paper gone dark in storage: the subject line reads as heat damage, the body says there was no fire
    "unseen_industries_blind244.jsonl": ([], ["blind244-ko-02"]),
    "unseen_industries_blind245.jsonl": ([], []),
    "safety_blind246.jsonl": ([], []),
    # a battery that swelled last month, replaced, nobody hurt (也没人出事), only a boat fare asked back: no harm-over marker holds
    # 没人出事 yet, and one that did would also drop "it smoked, luckily nobody was hurt"
    "safety_blind247.jsonl": ([], ["safety247-zh-Hans-29"]),
    "unseen_industries_blind248.jsonl": ([], []),
    "unseen_industries_blind249.jsonl": ([], []),
    # a chef who "smoked right next to the serving table", his name far from the verb
    "unseen_industries_blind250.jsonl": ([], ["blind250-en-02"]),
    "unseen_industries_blind251.jsonl": ([], []),
    # a takoyaki pan's scorched plug, replaced last month, fine since (지금은 아무 문제 없이), only a fee asked back
    "safety_blind252.jsonl": ([], ["safety252-ko-18"]),
    # a finger nicked on a slicer in May, guard replaced under warranty, a call-out fee billed; a caller "nervous about a fire starting" with nothing happened
    "safety_blind253.jsonl": ([], ["safety253-en-01", "safety253-en-35"]),
    # a wedding venue damaged in a fire two weeks before the date, nobody hurt, only the claim asked about: "damaged in a fire"
    # also opens real reports of a product that set a kitchen alight, so no exclude holds it
    "unseen_industries_blind254.jsonl": ([], ["blind254-en-21"]),
    "unseen_industries_blind255.jsonl": ([], []),
    # an app that crashed before a photo of a child's hives (두드러기 사진) could be sent: a photo of a rash is also how real
    # reactions are reported
    "unseen_industries_blind256.jsonl": ([], ["blind256-ko-34"]),
    "unseen_industries_blind257.jsonl": ([], []),
    "safety_blind258.jsonl": ([], []),
    "safety_blind259.jsonl": ([], []),
    "unseen_industries_blind260.jsonl": ([], []),
    "unseen_industries_blind261.jsonl": ([], []),
    # a flooded flat whose ceiling came down while the family was away (吊顶也塌了), only the loss asked about; an installer
    # who smoked on the balcony and swore at the dog: "smoked" is told the way a smouldering device is
    "unseen_industries_blind262.jsonl": ([], ["blind262-zh-Hans-17", "blind262-zh-Hans-35"]),
    "unseen_industries_blind263.jsonl": ([], []),
    # a parent asking whether finger paint is safe for a toddler who puts everything "in her mouth": a question, told as a hazard
    "safety_blind264.jsonl": ([], ["safety264-en-04"]),
    # a breaker that trips with a heater and a kettle on, "no burning smell, heat or soot at all" (타는 냄새나 열감, 그을음은
    # 전혀 없고): the negation is further from the smell than the window that reads it
    "safety_blind265.jsonl": ([], ["safety265-ko-26"]),
    # round 42 (rules 2026.12.07-86). Personal data told without its nouns, which no rule holds: strangers' photos in a
    # family's cloud photo frame, a rented cloud phone still logged into the last renter's chats, meeting recordings open to
    # anyone with the link. The personal-data detector found two on the first run of model 8e1a936b, and all three since
    # model 11b77432 is trained on them.
    "unseen_industries_blind266.jsonl": ([], []),
    # a pulse oximeter that read 86 %, a night at A&E, and nothing wrong: 急诊 with no harm, told before the all-clear
    "unseen_industries_blind267.jsonl": ([], ["blind267-zh-Hant-43"]),
    # post redirected and a card applied for in a customer's name: identity fraud, told without a data noun (the
    # personal-data detector read 0.19 before model 11b77432 was trained on it)
    "unseen_industries_blind268.jsonl": ([], []),
    "unseen_industries_blind269.jsonl": ([], []),
    # a question before buying a bathroom mirror: "would splashes get in and leak current?" (会唔会…漏电); the electric-shock
    # rule reads no hypothesis
    "safety_blind270.jsonl": ([], ["safety270-zh-Hant-07"]),
    # a ride's burning smell on a bank holiday, fixed and "running fine" in the next sentence: the holiday is not read as past
    "safety_blind271.jsonl": ([], ["safety271-en-04"]),
    # round 43 (rules 2026.12.07-88). A law firm that is itself the customer: its name is the legal hit, which the model
    # disputes. (A teenager's medical alert printed on an envelope, and a fire alarm set off by burnt toast, are no longer
    # missed or raised since model 11b77432 is trained on them.)
    "unseen_industries_blind272.jsonl": ([], ["blind272-en-22"]),
    "unseen_industries_blind273.jsonl": ([], []),
    # a carer booked for a wife already in hospital, who 入院 elsewhere in the letter; a carer's 1 a.m. "come quick, something
    # has happened" that was a full urine bag (往医院赶, told before the all-clear)
    "unseen_industries_blind274.jsonl": ([], ["blind274-zh-Hans-26", "blind274-zh-Hans-38"]),
    "unseen_industries_blind275.jsonl": ([], []),
    "safety_blind276.jsonl": ([], []),
    "safety_blind277.jsonl": ([], []),
    # round 44 (rules 2026.12.07-89). A cousin who is a lawyer and said the double charge was unfair, "but I don't want to make
    # a big thing of it" (表哥是做律师的, 没想闹那么大): the writer's look-alike, though a lawyer consulted reads as one gone to;
    # a leg broken cycling last month, told as why the technician's lateness mattered; a mother admitted to hospital, the
    # reason a canoe trip must move; a leg broken hiking and two weeks in hospital, the reason a repair visit was missed.
    # An injury told as the reason for a change is told the way one caused by the service is.
    "unseen_industries_blind278.jsonl": ([], []),
    "unseen_industries_blind279.jsonl": ([], []),
    "unseen_industries_blind280.jsonl": ([], ["blind280-zh-Hans-32"]),
    "unseen_industries_blind281.jsonl": ([], ["blind281-zh-Hant-36"]),
    "safety_blind282.jsonl": ([], ["safety282-en-16"]),
    "safety_blind283.jsonl": ([], ["safety283-zh-Hant-22"]),
    # round 45 (rules 2026.12.07-90). An injury or a hospital stay told as the reason for a change: a wrist sprained at
    # football and a cast (깁스), a leg broken on the stairs and two weeks in hospital, a mother in intensive care. Questions
    # told with harm words: whether a metal card could heat up and catch fire (会不会发烫烧起来, with 发烫 the hypothesis
    # is not read), whether a ladder at 3 m is dangerous for a heavy man ("I don't want to get hurt", 다치기 싫어서), a
    # child's chair that "looks dangerous" (위험해 보여서), nobody hurt yet.
    "unseen_industries_blind284.jsonl": ([], []),
    "unseen_industries_blind285.jsonl": ([], ["blind285-ko-04"]),
    "unseen_industries_blind286.jsonl": ([], []),
    "unseen_industries_blind287.jsonl": ([], ["blind287-zh-Hant-21"]),
    "safety_blind288.jsonl": ([], ["safety288-ko-30", "safety288-ko-31", "safety288-ko-33", "safety288-ko-36"]),
    "safety_blind289.jsonl": ([], []),
    # round 46 (rules 2026.12.07-93): every miss and false P1 of the first run is mended (see docs/routing.md)
    "unseen_industries_blind290.jsonl": ([], []),
    "unseen_industries_blind291.jsonl": ([], []),
    "unseen_industries_blind292.jsonl": ([], []),
    "unseen_industries_blind293.jsonl": ([], []),
    "safety_blind294.jsonl": ([], []),
    "safety_blind295.jsonl": ([], []),
    # round 47 (rules 2026.12.07-94). A leg broken playing ball, told as why a parcel had to wait at a pick-up point: pinned
    # until rules 2026.12.08-98, whose harm_elsewhere reads it
    "unseen_industries_blind296.jsonl": ([], []),
    "unseen_industries_blind297.jsonl": ([], []),
    "unseen_industries_blind298.jsonl": ([], []),
    "unseen_industries_blind299.jsonl": ([], []),
    "safety_blind300.jsonl": ([], []),
    "safety_blind301.jsonl": ([], []),
    # round 48 (rules 2026.12.07-96), the first run of the retrained model af03532d; what is left is pinned, not mended:
    # injuries and hospital stays told as the reason for a change (a five-a-side ankle and a late locksmith, a husband's
    # cast and a parcel to find, a son's cast and a ticket to move, a motorcycle collarbone and a return, a sprain on the
    # stairs home and an exchange window, a mother in hospital and a delivery address, a child's weekend fall and a snack
    # bill); legal words the model disputes (a lawyer, 小额钱债 and 消委会 named without going); questions whether something
    # is dangerous or could infect; a roof membrane 'blistering'; goggles whose lens cracked; 'a danger to my eyeballs'
    # of a bright colour; 'poisonous' and 'injury' in a return and a lost order. Since rules 2026.12.08-98 harm_elsewhere
    # reads five of the injuries (the ankle, the cast, the son's cast, the collarbone, the sprain) and the declined list
    # the three legal words
    "unseen_industries_blind302.jsonl": ([], ["blind302-en-25"]),
    "unseen_industries_blind303.jsonl": ([], []),
    "unseen_industries_blind304.jsonl": ([], ["blind304-ko-13"]),
    "unseen_industries_blind305.jsonl": ([], ["blind305-zh-Hant-42"]),
    "safety_blind306.jsonl": ([], ["safety306-en-01", "safety306-en-17", "safety306-en-19", "safety306-en-27", "safety306-en-31"]),
    "safety_blind307.jsonl": ([], ["safety307-ko-32", "safety307-ko-37"]),
    # round 49 (rules 2026.12.08-98): every miss and false P1 of the first run is mended (see docs/routing.md)
    "unseen_industries_blind308.jsonl": ([], []),
    "unseen_industries_blind309.jsonl": ([], []),
    "unseen_industries_blind310.jsonl": ([], []),
    "unseen_industries_blind311.jsonl": ([], []),
    "safety_blind312.jsonl": ([], []),
    "safety_blind313.jsonl": ([], []),
    # round 50, the first run of rules 2026.12.08-98 (three of its six sets were written in time). Its four misses (an
    # overheating power bank and a rain cover that left a toddler red and breathing fast, told without the words; a
    # signature posted in a shop's gallery; a drill bit left in a ball pit) are mended in -99; the false P1s are pinned
    # as they came: a husband's 'get a lawyer on
    # them lol, not doing that', a fiancé's 'find a lawyer' that 'we won't do', a consumer council named by a rude clerk, a question whether a tray may go on a hob
    # (明火), a near-choke told as a suggestion, 'I nearly had a heart attack thinking the nursery was on fire', a wrist
    # broken falling off a ladder while clearing the gutters (an activity harm_elsewhere does not hold), a fire officer's
    # inspection, a play tunnel 'exploding out of my hands'
    "unseen_industries_blind314.jsonl": ([], ["blind314-en-04"]),
    "unseen_industries_blind317.jsonl": ([], ["blind317-zh-Hant-11", "blind317-zh-Hant-27", "blind317-zh-Hant-28", "blind317-zh-Hant-43"]),
    "safety_blind318.jsonl": ([], ["safety318-en-30", "safety318-en-33", "safety318-en-34", "safety318-en-37"]),
}



@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "爬山时鞋底突然整块脱落，我摔伤了膝盖，缝了五针。"),
        ("en", "My son broke his arm playing football when your goal post fell on him."),
        ("ko", "등산화 밑창이 떨어져서 넘어졌고 손목이 골절됐어요."),
        ("zh-Hans", "因为吃了你们的外卖住院两天，要求退款并赔偿医药费。"),
    ],
)
def test_a_harm_the_product_or_the_business_is_brought_into_stays_p1_beside_an_activity(clf, language, text):
    """harm_elsewhere (rules 2026.12.08-98) drops an injury from a sport, a trip or the commute
    only when the activity is right next to it and nothing in its clause brings the product or
    the business in: a sole that came away on a hike, 'your goal post', food of yours. (Until
    -98 the injury rule's own excludes dropped 'broke his arm playing football' whatever came
    after it.)"""
    c = clf.classify(text=text, channel="web", language=language)
    assert c.priority == "P1"


def test_a_threat_in_the_sentence_after_a_declined_lawyer_stays_legal(clf):
    text = "我不想找律师。但如果下周还不退款，我会直接去法院起诉你们。"
    c = clf.classify(text=text, channel="web", language="zh-Hans")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


@pytest.mark.parametrize("name", sorted(SETS_SCORED_ON_ARRIVAL))
def test_what_is_left_of_each_blind_sets_first_run_is_pinned(clf, name):
    """(missed P1s, false P1s) of each set scored on arrival, as they stand now."""
    assert p1_misses(clf, name) == SETS_SCORED_ON_ARRIVAL[name]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # safety set 17 (first run with rules 2026.12.06-13: P1 15/28, one false P1, 口碑炸裂)
        ("en", "His wellie got pulled into the gap between the moving step and the side panel; his ankle is grazed and badly swollen."),
        ("en", "10 min after eating it his lips went huge and he was wheezing, had to use his EpiPen."),
        ("en", "I squeezed the brake lever and it went all the way to the handlebar with nothing happening. I took the skin off both palms."),
        ("en", "The cord caught on the top bar of the slide; it pulled tight round her neck."),
        ("zh-Hans", "车架啪地一下合上，把孩子右手食指夹在折叠关节里，拍了片末节指骨有裂缝。"),
        ("zh-Hans", "保洁阿姨把84消毒液和洁厕灵倒在一起刷马桶，我胸口发闷、一直咳。"),
        ("zh-Hans", "牙套崩掉一小块，她没发现直接咽下去了，咽口水都难受，我们正往医院赶。"),
        ("zh-Hans", "第一个大下坡，我儿子那一侧的压杠突然往上弹开了将近一拳宽。"),
        ("zh-Hant", "浴室突然嘭一聲，成塊玻璃碎晒落地，啲碎片彈到出走廊。"),
        ("zh-Hant", "扶手帶突然停咗，佢阿爸成個人向前仆，碌咗落幾級，額頭腫起、手腕扭親。"),
        ("zh-Hant", "控制器插頭熱到不能摸，還有一股塑膠融化的味道。"),
        ("zh-Hant", "今朝見到我個仔（11個月）含住粒鈕喺口度。"),
        ("ko", "공중에서 돌던 중 딸 좌석의 버클이 풀렸다고 합니다. 손바닥이 다 까지고 한참을 떨었습니다."),
        # safety sets 18, 21, 24 and 25 (rules 2026.12.06-16)
        ("en", "The gas fire's flame has gone orange and floppy and there's soot marks above it. My husband and I both wake up with headaches."),
        ("en", "Since the colour treatment her scalp has been weeping and crusting and her hair is coming out in her hands."),
        ("en", "On the way down the hill the brake pedal sank almost to the floor and we only just stopped."),
        ("en", "My son went under at the deep end and another swimmer had to pull him out, coughing up water."),
        ("en", "The seat tipped over and the baby went face down in the water before I grabbed her."),
        ("en", "The cutting disc shattered and a fragment flew past my face into the wall."),
        ("zh-Hans", "电暖器的风扇叶片突然甩了出去，打在墙上留了个坑。"),
        ("zh-Hans", "孩子的手指被卷进去了，好不容易才拔出来，现在又红又肿。"),
        ("zh-Hans", "我家宝宝最近夜里气促，医生说跟家里潮湿发霉有关系。"),
        ("zh-Hans", "链条断了之后打中他的小腿，造成撕裂伤，在医院缝合了。"),
        ("zh-Hant", "隻貓食咗啲嘢之後不停流口水，而家喺獸醫度吊緊鹽水。"),
        ("zh-Hant", "阿公跌了一下，膝蓋破皮，一直喊痛。"),
        ("ko", "창문 닫을 때 아이 손가락이 사이에 끼었고 퍼렇게 멍들어서 정형외과에 갔습니다."),
        ("ko", "충전기 줄이 아기 목에 두 바퀴 감겨 있어서 너무 놀랐어요."),
        ("ko", "20층 베란다에서 화분이 떨어져서 주차장 차 앞유리가 깨졌어요."),
        ("ko", "주유기가 안 멈춰서 기름이 튀었는데 눈에 들어가서 따갑고 충혈돼서 안과 다녀왔어요."),
        # blind sets 26 and 27, safety sets 28 and 29 (rules 2026.12.06-17)
        ("en", "Put my hand on the metal casing of the pump and got a buzzing feeling up to my elbow."),
        ("en", "After the first night with the strips my gums went white and raw."),
        ("en", "By bedtime his arms came up in red blotches and he needed antihistamines."),
        ("en", "The mist left a white film everywhere and my daughter has developed a wheeze at night."),
        ("en", "His knee popped out of its socket on the second run and we drove him to hospital."),
        ("en", "The trolley jack slipped with nobody touching it and the car came down."),
        ("en", "Bit into the burger and cracked a molar on something hard."),
        ("en", "The step bowed under him and he has a sprained ankle."),
        ("zh-Hans", "我一碰水龙头整条胳膊就一下子发麻。"),
        ("zh-Hans", "洗完澡孩子身上起了很多小红疙瘩，医院说是接触性皮炎。"),
        ("zh-Hans", "装修完以后我们眼睛发红发痒，孩子晚上一直干咳。"),
        ("zh-Hant", "碰到麥克風嘴唇好似有電流咁，麻到手腕。"),
        ("zh-Hant", "用咗兩晚牙肉變晒白色，食嘢都痛。"),
        ("ko", "잇몸이 하얗게 변하고 따가워서 아무것도 못 먹어요."),
        ("ko", "갈비탕에서 뼛조각이 나와서 어금니가 깨졌어요."),
        ("ko", "체험 중에 어깨가 빠져서 병원에 갔습니다."),
        # blind sets 30 and 31, safety sets 32 and 33 (rules 2026.12.06-18)
        ("en", "The glove kept getting hotter, smelt like singed hair, and left a red raw stripe across my palm."),
        ("en", "Two of the fixings are coming out of the brickwork and the unit is leaning out over the path."),
        ("en", "The dog at the cafe bit my son and he needed a tetanus jab."),
        ("zh-Hans", "热水袋砰一声裂了，开水全泼到我腿上，红了一大片还起泡。"),
        ("zh-Hans", "猫把孩子手背抓了三道口子，流了不少血。"),
        ("zh-Hant", "燃油暖爐點著時火焰偏黃，全家頭痛、噁心想吐，女兒早上叫不太醒。"),
        ("ko", "렌즈가 깨지면서 파편에 눈 밑이 찢어져 5바늘 꿰맴."),
        # blind sets 34 and 35, safety sets 36 and 37 (rules 2026.12.06-19)
        ("en", "Since the replacement arrived it gets so hot on charge that I can't hold it, and the back has lifted away from the frame."),
        ("en", "The toy car kept going after he pressed stop; my son hit his face on the wheel and has a split lip."),
        ("en", "Our results were sent to the wrong patient, who rang us to say so."),
        ("en", "We ticked no to photos on the form, yet pictures of our daughter were posted on your Instagram."),
        ("ko", "튜브 마개가 빠지면서 아이가 그대로 가라앉아 물을 잔뜩 먹었어요."),
        ("zh-Hans", "美睫师说忍一下就好了，胶水流进眼睛，现在眼睛一直红肿。"),
        # blind sets 38 and 39, safety sets 40 and 41 (rules 2026.12.06-20)
        ("en", "The curler's barrel cracked, you can see the wires, and it sparked when I plugged it in."),
        ("en", "Since the hearing test my ear drum hurts and there's a ringing in my ears."),
        ("en", "We were stuck on the chairlift for an hour and two of the children were treated for frostbite."),
        ("en", "I pressed the emergency stop but the rollers kept turning."),
        ("zh-Hant", "踩煞車要踩到底才有反應，差點追撞前車。"),
        ("zh-Hans", "耳机里突然一声尖响，老人一直耳鸣，医生说鼓膜充血。"),
        ("ko", "비상정지 버튼을 눌렀는데 칼날이 멈추지 않고 계속 돌았어요."),
        ("ko", "약품이 새서 아이 손이 따갑고 빨개졌어요."),
        # blind sets 42 and 43, safety sets 44 and 45 (rules 2026.12.06-21)
        ("en", "Petrol was dripping onto the muffler and a small flame came up round the exhaust."),
        ("en", "The spare pack was hissing and the case had gone bulgy."),
        ("en", "They dropped the wardrobe on the stairs and it pinned my father against the wall; his leg is badly cut."),
        ("en", "You emailed my daughter's details to every member of the club."),
        # blind set 46, safety set 47 (rules 2026.12.06-22)
        ("en", "The rail slid out and in the morning her head was wedged in the gap by the mattress."),
        ("en", "A sharp piece of plastic in the soup cut the inside of his mouth and it bled for ages."),
        ("en", "The safety catch slipped and the car dropped a few inches while he was underneath."),
        ("zh-Hans", "喝完回家全家开始吐，孩子发烧，医生说是急性胃肠炎。"),
        ("ko", "리프트 안전 걸쇠가 빠지면서 차가 한쪽으로 기울었어요."),
        # blind sets 48 and 49, safety sets 50 and 51 (rules 2026.12.06-23)
        ("en", "Two of the metal letters off the shop sign came loose and fell onto the pavement outside the entrance."),
        ("en", "A passer-by found him on the bypass at midnight; the home hadn't even noticed he was gone."),
        ("zh-Hans", "医生从她喉咙里取出一小片碎骨头。"),
        ("zh-Hans", "刹车踩下去软绵绵的，车一直往前溜，最后撞上了前车。"),
        ("zh-Hant", "熱湯瀉落佢隻腳，腳背即刻起泡。"),
        ("zh-Hant", "一粒珠仔卡喺佢喉嚨度，佢一直咳。"),
        ("ko", "아이가 미끄럼틀에서 떨어져서 다리가 부러졌어요."),
        # safety sets 54 and 55 (rules 2026.12.06-24)
        ("en", "The fitters left the old gas pipe uncapped and by evening the whole flat stank of gas."),
        ("en", "The lift doors shut on my father's walking frame and dragged him along; he has a grazed shin."),
        ("zh-Hant", "抹地時碰到條電線，成個人彈開。"),
        ("zh-Hans", "墙边的电线被剪断了，铜线露在外面。"),
        # safety set 59 (rules 2026.12.06-26)
        ("en", "On the motorway the roof box tore away from the car and the van behind had to brake hard."),
        ("zh-Hans", "车子溜下坡把老人撞倒了，现在走不了路。"),
        ("zh-Hant", "佢喺水中掙扎咗成分鐘，嗆咗好多海水。"),
        # safety set 58 (rules 2026.12.06-28)
        ("en", "Halfway through the sandwich he couldn't get his breath and I had to thump his back until it came out."),
        # safety set 63 (rules 2026.12.06-31)
        ("en", "The battery door popped open and the X-ray showed a coin cell in her stomach."),
        ("zh-Hans", "孩子吃了之后一直呕吐，这不是开玩笑，请马上处理。"),
        # safety set 69 (rules 2026.12.06-38)
        ("en", "The clapper came free and landed about a metre from one of our ringers."),
        ("zh-Hant", "個仔俾水流帶咗出去，飲咗好多水。"),
        # safety sets 66 and 67 (rules 2026.12.06-35)
        ("en", "Half the racking bay folded over into the aisle overnight; it could easily have killed one of my pickers."),
        ("zh-Hans", "钢丝绳突然断了，模具掉下来，离工人的脚也就半米。"),
        ("zh-Hans", "司机倒车把我七十八岁的老父亲撞倒了，腿被车轮压了一下。"),
        ("zh-Hant", "吊船打斜，兩個工人靠安全帶吊喺半空。"),
        ("zh-Hans", "用了护理液眼睛火辣辣地疼，医生说是角膜损伤。"),
        ("ko", "레미콘 기사님이 후진하다가 인부 발을 바퀴로 밟고 지나갔어요."),
        ("zh-Hant", "個手推車撞跌我阿爸，佢手腕腫晒。"),
        # safety sets 74 and 75, blind set 71 (rules 2026.12.06-40): a broken wrist from a fall, a box that
        # fell on a head, a bead hooked out of a toddler's mouth
        ("zh-Hant", "阿爸跳車時摔斷咗左手腕。"),
        ("zh-Hans", "纸箱倒下来砸在孩子头上，起了好大一个包。"),
        ("en", "Beads spilled out of the rattle and I hooked one out of the toddler's mouth."),
        # blind sets 78 and 79, safety sets 80 and 81 (rules 2026.12.06-42): ink sprayed into an eye, a broken
        # wrist, salmonella, a knee torn open, a cut needing stitches, a stack that fell on a child, a child
        # left behind alone
        ("zh-Hans", "墨水囊一插就爆开，墨水溅进右眼，下午去了眼科。"),
        ("en", "The stem slipped on landing and my son broke his right wrist."),
        ("en", "Two of our guests tested positive for salmonella after the buffet."),
        ("ko", "배달 오토바이가 인도로 들어와 아버지를 치고 가서 무릎이 찢어지고 못 일어나셨어요."),
        ("zh-Hans", "孩子拿着地上的刀玩，手心划了个大口子，缝完三针。"),
        ("zh-Hant", "紙箱疊得好高，冧落嚟壓到個女，腳背腫一大包。"),
        ("ko", "휴게소에서 출발하면서 아이가 혼자 남겨졌습니다."),
        # blind set 82, safety sets 86 and 87 (rules 2026.12.06-43): a jolt off a connector, two fingers broken,
        # a windscreen that lifted at speed, a child found alone by a road, a toddler at the pool edge, one
        # clip on at height, a trailer that came apart, an old woman knocked over by a delivery man
        ("en", "Got a proper jolt off the plug when I unplugged it, and the GP sent me in for an ECG."),
        ("en", "The wardrobe slipped on the stairs and two of my fingers were broken."),
        ("en", "On the motorway the top of the glass lifted and started flapping."),
        ("en", "A neighbour found him on his own at the gate onto the main road."),
        ("en", "The gate stuck open and I found my 2 year old at the pool edge."),
        ("en", "Halfway along the bridge only one of her two clips was on the wire."),
        ("ko", "주행 중에 트레일러가 차에서 분리되면서 옆 차로로 넘어갔습니다."),
        ("zh-Hant", "送貨員推住大箱衝入嚟，撞跌咗隔籬屋嘅婆婆。"),
        # safety sets 92 and 93 (rules 2026.12.06-44): deep cuts to two fingers, a chipped tooth and a wire in a pie
        ("en", "The blade kept spinning and he has deep cuts to two fingers."),
        ("en", "There was a piece of wire in the sausage roll and my daughter chipped a front tooth."),
        # safety set 98 (rules 2026.12.06-45): a passer-by cut and taken to hospital
        ("en", "The cabinet tipped over and a woman standing by was cut on the leg; she was taken to hospital."),
        # blind sets 101 and 103, safety set 105 (rules 2026.12.06-46): a broken big toe, a tablet that got hot
        # while charging and bulged, steering that went light at speed
        ("en", "The ramp came down on his foot; he has a broken big toe and is in a boot for six weeks."),
        ("en", "The tablet got very hot while charging and the back bulged out and split at the seam."),
        ("zh-Hant", "高速上方向盤突然變得空空的，怎麼轉車子都往左飄。"),
        # safety set 111 (rules 2026.12.06-47): a child at a window, heading for the road, in a pram that rolled,
        # alone in the bath; lips and throat swollen, an adrenaline pen; a child found alone that staff had not missed
        ("en", "My toddler was halfway out of the bedroom window before I caught her ankle; the restrictor had never held."),
        ("en", "The gate was left open and our three-year-old was heading for the main road when a neighbour stopped him."),
        ("en", "The brake did not hold and the pushchair rolled off the platform edge with my son in it."),
        ("en", "She found the baby alone in the bath, coughing and spluttering, with water coming out of his nose."),
        ("en", "Within minutes his lips and throat had swollen and we used his adrenaline pen."),
        ("en", "A stranger found Maya alone on the pavement outside the park; the staff hadn't even noticed she'd gone."),
        # safety sets 116 and 117, blind sets 113 and 117 (rules 2026.12.06-48): fingers broken told with a count, a belt
        # off a light post, staff who went dizzy; a colleague's toe, a dad's arm, two cracked ribs
        ("ko", "선반 문이 튀면서 남편 손이 문과 기둥 사이에 끼었고 손가락 두 개가 부러졌어요."),
        ("en", "Since your lads replaced the light fitting, anyone touching the metal post gets a belt off it, and my daughter's arm went numb."),
        ("en", "After the new extraction unit went in, two of our staff went dizzy in the paint room."),
        ("en", "One upright fell and broke my colleague's toe."),
        ("en", "A glass panel slid out and cut my dad's arm."),
        ("en", "The cover gave way and he cracked two ribs."),
        # safety sets 122 and 123 (rules 2026.12.06-49): a thrown tread, a lift door open between floors, a bonnet that
        # flew up, a wheel that overtook its car; a spray breathed in, a toddler out onto the road
        ("en", "On the motorway the trailer tyre threw its entire tread and it hit the car behind."),
        ("en", "The lift stopped between floors, the door slid open and it carried on up with the door still open."),
        ("en", "The bonnet flew up at 50 mph and smashed the windscreen."),
        ("en", "She saw her own wheel overtake her on the dual carriageway."),
        ("ko", "매장 시연 스프레이를 아이가 들이마셔서 기침이 멈추질 않았고 기관지염 진단을 받았어요."),
        ("ko", "기사님이 문을 열어 둔 채 하차해서 원아 한 명이 도로로 나갔습니다."),
        # safety sets 128 and 129 (rules 2026.12.06-51): a baby wedged face-down, found on the nursery floor, a toddler out
        # through a gate onto the road, rolled off a changing table; 流晒血
        ("en", "The travel cot's side folded in at the hinge and we found our baby wedged face-down against the mattress."),
        ("en", "We found Noah on the nursery floor crying; he had climbed straight over the side of the cot."),
        ("en", "Our 3-year-old son got out through the open gate and was found on the main road."),
        ("en", "The baby rolled right off the changing table while the assistant was away."),
        ("zh-Hant", "送貨員部車撞到我個女隻腳，腳趾甲甩咗，流晒血。"),
        # blind set 133, safety sets 134 and 135 (rules 2026.12.06-52): whiplash, a throttle stuck open, a torn ligament, a
        # back end stepping out; an arm gone numb, a machine that throws a hand off, a child found on the street
        ("en", "My neck and back have been killing me since the jump; the GP says it's whiplash."),
        ("en", "The throttle stuck wide open and I couldn't stop it before the jetty; my friend has cracked ribs."),
        ("en", "The binding never released; an MRI showed a torn ligament in my knee."),
        ("en", "There was a loud bang on the motorway and the back end started stepping out across the lane."),
        ("zh-Hant", "師傅按到我成條手臂麻晒，冇知覺。"),
        ("zh-Hant", "洗衣機整完之後，一掂到個金屬面就好似俾針拮，成隻手彈開。"),
        ("zh-Hant", "老師讓五歲女兒自己下樓，最後在大樓外的馬路上找到她。"),
        # safety set 138 (rules 2026.12.06-53): a cut above the eye that needed glue, a child who choked on pool water
        ("en", "The chair rolled off the side of the ramp and tipped; he has a cut above his eye that needed glue."),
        ("zh-Hant", "泳圈接縫裂開漏氣，我兒子滑下去嗆到水，救生員把他拉上來。"),
        # safety set 139 (rules 2026.12.06-54): a leg pinned against a truck, eyes irrigated, 'got strong current shock', a fingertip stitched
        ("en", "The cabinet rolled and pinned his leg against the truck; the ER did x-rays."),
        ("en", "Paint hit my son in the face and his eyes were irrigated at the eye department."),
        ("en", "When I touched the terminal I got strong current shock."),
        ("en", "The blades turned over and the tip of his finger was stitched at the hospital."),
        # safety set 144 (rules 2026.12.06-56): ended up in hospital after a ' - ', checked over by the paramedics, the nurse looked at the mark, coughed up water, a bag over her head, walking home alone along a main road, milk way too hot, keep an eye on him overnight
        ("en", "My aunt's home oxygen order never arrived - she ended up in hospital that night."),
        ("en", "Dad was checked over by the paramedics after the hoist let him down onto the floor."),
        ("en", "The nurse looked at the mark on his lip and said to keep it clean."),
        ("en", "My daughter slipped down in the bath at your respite home and coughed up water."),
        ("en", "By the time I got there my toddler had pulled a carrier bag over her head."),
        ("en", "The club shut early and my seven-year-old ended up walking home alone along the dual carriageway."),
        ("en", "The bottle from your prep machine was way too hot and he screamed."),
        ("en", "The nurse at the club told us to keep an eye on him overnight."),
        # safety sets 150 and 151 (rules 2026.12.06-57): could not feel his hands, toppled onto, embers onto the deck, came up coughing, half her body out of the window, 쇄골에 금이 갔다, a cabinet that came off the wall
        ("en", "He was in the lake for ten minutes and afterwards couldn't feel his hands."),
        ("en", "The weight stack toppled onto my little boy; he can't walk on it now."),
        ("en", "The bowl split and embers fell onto the deck boards."),
        ("en", "She slipped out of the armbands in the deep end and came up coughing."),
        ("zh-Hans", "我五岁的儿子爬上了窗台，半个身子已经探出窗外，幸好被邻居看见喊住。"),
        ("ko", "검사해 보니 쇄골에 금이 갔다고 합니다. 차고 문이 내려오다 멈추지 않았어요."),
        ("ko", "설치 한 달 만에 욕실 수납장이 통째로 떨어졌어요."),
        # blind set 155, safety sets 156 and 157 (rules 2026.12.06-58): a vehicle that rolled, a wheel that came off, steering that went loose, over the bars, a broken right ankle, a head that hit the floor, an isofix base that let go, a child walking along a dual carriageway, a jolt up both legs, ringing in one ear, 血压飙到
        ("en", "The trailer rolled down the yard and into the lane while the kids were outside."),
        ("en", "Halfway home the front wheel came clean off."),
        ("en", "The steering went loose and we mounted the kerb."),
        ("en", "The stem gave and he went over the bars."),
        ("en", "She came home with a broken right ankle."),
        ("en", "Her head hit the floor when the chair tipped backwards in the van."),
        ("en", "The isofix base let go when I braked."),
        ("en", "My twelve-year-old had to walk along the edge of the dual carriageway in the dark."),
        ("en", "She felt a sharp jolt go up both legs in the foot spa."),
        ("en", "Ringing in his right ear ever since the speaker blasted."),
        ("zh-Hans", "吃了你们的保健品，我妈血压飙到190，医生让马上停。"),
        # safety sets 156, 159, 163 (rules 2026.12.06-59): taking her to the GP now, x-rays at, smoking while filling a tank, lights green at both ends, a gas bottle's valve left loose, dizzy and sitting on the ground
        ("en", "She's screaming but seems ok, taking her to the GP now."),
        ("en", "He had x-rays at the Royal last night."),
        ("en", "The driver was smoking a cigarette while filling the tank at our farm."),
        ("en", "The portable lights were showing green at both ends this morning."),
        ("zh-Hans", "液化气罐的阀门没拧紧，整栋楼都闻到气味。"),
        ("zh-Hans", "闻到气味后，我婆婆头晕坐在地上起不来。"),
        # blind set 167, safety sets 168 and 169 (rules 2026.12.06-60): a machine that rolled, a floor that sagged, a mast that let go, a car that dropped off a hoist arm, 봉합, 까지고, 넘어짐, a child sent out alone to the crossing
        ("ko", "트럭이 후진하다 자전거 타던 아이를 쳐서 팔꿈치가 다 까지고 넘어짐."),
        ("ko", "원에서 일곱 살 아이를 혼자 내보내셨더라고요. 큰길 횡단보도 앞에 혼자 서 있었어요."),
        ("en", "The forklift was left on the ramp and rolled down the yard into the gate."),
        ("en", "By the afternoon the mezzanine floor had a visible sag and two props had bowed."),
        ("en", "The mast just let go and the pallet landed where he had been standing."),
        ("en", "The car dropped about a foot before it caught, his hand was right there."),
        ("en", "The telehandler rolled down the haul road into the site office."),
        ("ko", "작업하던 선원이 오늘 얼굴 봉합 수술을 받았습니다. 납품받은 줄이 원인입니다."),
        # blind sets 170 and 171, safety sets 172 and 173 (rules 2026.12.06-61): an arm in a cast, flung forward and a tooth chipped, an eyebrow glued, a speaker down half a metre from a child, pure luck nobody was there, the runs, a spray in the eye, landed on my chin, 전기 와요
        ("en", "She came off at the first corner and her arm is in a cast now, six weeks they said."),
        ("en", "The board stopped dead and flung him forward, his front tooth chipped on the kerb."),
        ("en", "His eyebrow was glued at the practice the same afternoon."),
        ("en", "A speaker came off its bracket and crashed down half a metre from where my son was sitting."),
        ("en", "Pure luck nobody was standing there when the mirror came off the wall."),
        ("en", "Your chicken wrap gave me the runs all night, the pharmacist said rehydration sachets."),
        ("en", "The cleaning spray squirted him in the right eye and he was at the eye clinic till midnight."),
        ("en", "The board shot out from under me and I landed on my chin in the car park."),
        ("ko", "아이가 그네 손잡이를 잡자마자 전기 와요 하면서 울었어요."),
        # safety sets 179 and 180 (rules 2026.12.06-62): boards down a metre from an electrician, a grinder that started with the switch off, the pharmacist who sent him to the GP, a lost fingernail, 수액 맞았어요
        ("en", "The bundle of scaffold boards slid off the forks and came down about a metre from an electrician."),
        ("en", "The grinder started spinning as soon as it was plugged in even with the switch off; his hand was only inches away."),
        ("en", "After using the render the pharmacist took one look at his hands and sent him to the GP."),
        ("en", "The hoist let the load go and he has lost a fingernail, his fingers are taped together."),
        ("ko", "저녁 먹고 온 가족이 배가 뒤틀리고 아이는 병원에서 수액 맞았어요."),
        # blind set 185, safety sets 186 and 187 (rules 2026.12.06-64): kept in hospital overnight, friction burns, a knock to the head, shaking and sweating, paramedics met the coach, a pallet off the flatbed, brakes that would not hold (踩不住), a driver who jumped clear (跳车), a doctor who judged it an allergy, an ambulance (叫白车), kept in (留院观察)
        ("en", "She was kept in hospital overnight after the fall from the platform."),
        ("en", "He came off on the bend and has friction burns down his leg and shoulder."),
        ("en", "My husband took a nasty knock to the head when the barrier swung back."),
        ("en", "By the time we landed my father was shaking and sweating and could not get his words out."),
        ("en", "Paramedics met the coach at the services and took my mother off on a stretcher."),
        ("en", "The pallet slid off the flatbed at the lights, inches from a cyclist."),
        ("zh-Hant", "下坡時煞車完全踩不住，整台車一路往下衝。"),
        ("zh-Hans", "挖掘机突然自己往前冲，司机跳车才躲开。"),
        ("zh-Hans", "洗完头皮一直痒，医生判断是过敏，开了抗过敏药。"),
        ("zh-Hant", "阿婆食咗之後一直嘔，屋企人即刻叫白車。"),
        ("zh-Hant", "個仔飲完之後要留院觀察。"),
        # blind set 188, safety set 192 (rules 2026.12.06-66): a nasty zap, a hand that jumped back, copper showing, ridden up over her nose and mouth, darted into the road and a car that slammed its brakes on, wrapped twice round her wrist, legs over the edge, found on the kerb of the main road
        ("en", "The adaptor gave my husband a nasty zap when he unplugged it."),
        ("en", "When he touched the casing his hand jumped back, and there's copper showing through the flex."),
        ("en", "When I checked on her the hood of the sleeping bag had ridden up over her nose and mouth."),
        ("en", "The clasp on the harness came undone and my son darted into the road; a car had to slam its brakes on."),
        ("en", "The cord from the blind was wrapped twice round her wrist and her hand was dusky."),
        ("en", "When I turned round his legs were already over the edge of the balcony."),
        ("en", "A neighbour found him standing on the kerb of the main road."),
        # blind set 194, safety sets 198 and 199 (rules 2026.12.06-67): a post come away from its footing and the lot could come down, a lump of render that came off, steri-strips, a torn ligament and crutches (韧带撕裂, 拐杖), a broken front tooth and a mouth full of blood (앞니가 깨지고, 피범벅)
        ("en", "The carport post has come away from its footing and my husband thinks the lot could come down on the car."),
        ("en", "A lump of render came off the chimney and crashed onto the path where we had been standing."),
        ("en", "They put steri-strips on his forehead and sent him home."),
        ("zh-Hans", "上课时教练硬压，我的韧带撕裂了，现在要拐杖走路。"),
        ("ko", "손잡이가 튕겨서 앞니가 깨지고 입안이 피범벅이 됐어요."),
        # blind sets 200, 201 and 203, safety set 205 (rules 2026.12.07-69): magnets swallowed (two of the round magnets), a fire exit locked or piled up (비상구, 消防通道), dressings on raw patches, skin taken off (蹭破, 撕掉一块皮), a car door that swung open on the move
        ("en", "Our son swallowed two of the round magnets from the building set."),
        ("en", "The fire exit at the back of the hall was padlocked all evening during the concert."),
        ("ko", "지하 노래방 비상구 문이 잠겨 있어서 손님들이 항의했어요."),
        ("zh-Hans", "商场三楼的消防通道堆满了纸箱，根本过不去。"),
        ("en", "The practice nurse put dressings on the two raw patches on his back."),
        ("zh-Hans", "地板太滑，我膝盖全蹭破了。"),
        ("zh-Hans", "睡衣下摆靠近暖气片化了，粘在腿上，撕掉一块皮。"),
        ("en", "The passenger door swung open as we were merging onto the highway."),
        # blind sets 206, 208 and 209, safety sets 210 and 211 (rules 2026.12.07-70): a van reversed into a parent, palms dressed, a harness that came undone, a chain still spinning by the fingers, a cutter that came off and went through a door, a lamp post leaning over a footpath, a blister the size of an egg (起了一个…泡), a deep second-degree burn (深二度), watch his breathing tonight (留意佢呼吸), a needle stuck in a finger (바늘이 … 박혔어요)
        ("en", "The delivery driver reversed his van into my father on the drive."),
        ("en", "The nurse dressed both palms and sent him home."),
        ("en", "The five-point harness on the pushchair came undone by itself while we were walking."),
        ("en", "The chain kept spinning right next to his fingers after he let go of the trigger."),
        ("en", "The cutter came off the grinder and went through the shed door."),
        ("en", "The lamp post is leaning over the footpath outside the school."),
        ("zh-Hans", "手臂上起了一个鸡蛋大的泡。"),
        ("zh-Hans", "诊断是深二度。"),
        ("zh-Hant", "醫生叫我哋今晚留意佢呼吸。"),
        ("ko", "바늘이 손가락에 박혔어요."),
        # safety sets 214 and 215 (rules 2026.12.07-72): knocked off a bike, the walk in centre, a cut closed with stitches (no case "closed"), a finger pricked on a needle, a baby gone still and a mother monitored overnight, cleaner in a child's eyes and a damaged cornea, another patient's injection, a racing heart watched for an hour, headaches and nausea from fumes
        ("en", "The courier's van clipped my son and knocked him off his bike; we spent the evening at the walk in centre."),
        ("en", "The broken shelf left a cut on her arm, which was closed with stitches."),
        ("en", "Our toddler pricked his finger on the needle they left in the bin bag."),
        ("en", "After the fumes my wife felt the baby go still and she was monitored overnight."),
        ("ko", "직원이 뿌린 세제가 아이 눈에 그대로 튀었어요."),
        ("ko", "안과에서 각막이 손상됐다고 했어요."),
        ("ko", "어머니가 다른 환자 주사를 맞으셨어요."),
        ("ko", "아이 심장이 너무 빨리 뛰어서 한 시간 동안 지켜봤어요."),
        ("ko", "아이들 셋이 머리가 아프고 메슥거린다고 했어요."),
        # round 34 (rules 2026.12.07-73): a forearm that is broken, left by ambulance, heatstroke and a drip, scalded by hot water (被热水烫到), a case that shocks (外壳电人), 48 hours' observation, diarrhoea five times (屙咗五次), a chipped front tooth, water rising in a boat, no life jacket, soon after (冇耐, no negation)
        ("en", "His left forearm is broken."),
        ("en", "She left the leisure centre by ambulance."),
        ("zh-Hans", "孩子在车里中暑了。"),
        ("zh-Hans", "在医院挂了一晚上的吊瓶。"),
        ("zh-Hant", "我個女隻手被熱水燙到。"),
        ("zh-Hans", "插上电以后外壳电人。"),
        ("zh-Hans", "医生让我们观察48小时。"),
        ("zh-Hant", "食完之後屙咗五次。"),
        ("zh-Hant", "門牙直接崩一角。"),
        ("ko", "보트 바닥에서 물이 차올라 무서웠어요."),
        ("ko", "구명조끼가 없었어요."),
        ("zh-Hant", "個仔食完冇耐就話肚痛。"),
        # round 35 (rules 2026.12.07-74): a power line or cable come down, a fever of 39 and mastitis, an abscess, arms black and blue (青一块紫一块)
        ("en", "The overhead power line has fallen across the lane by the school."),
        ("en", "An electric cable has come down across our drive after the storm."),
        ("zh-Hans", "按摩完第二天发烧到39度，医生说是乳腺炎。"),
        ("zh-Hans", "腿上后来长了个脓肿。"),
        ("zh-Hans", "做完以后胳膊青一块紫一块的。"),
        # round 36 (rules 2026.12.07-75): red and swollen (又红又肿), an antihistamine from the pharmacy, a driver reeking of drink (满身酒气, 一身酒气)
        ("zh-Hans", "涂完以后脸又红又肿，痒得睡不着。"),
        ("zh-Hans", "药店的人让我先吃一粒氯雷他定再观察。"),
        ("zh-Hans", "代驾司机满身酒气，一路开得歪歪扭扭。"),
        # what the hazard detector alone found in round 37 (rules 2026.12.07-81): stomach pain and watery diarrhoea (腹痛, 水泻), fever then vomiting (發燒、嘔), moved to a hospital (转送…医院)
        ("zh-Hans", "吃完以后全家都腹痛，孩子一直水泻。"),
        ("zh-Hant", "個仔食完之後發燒、嘔咗兩次。"),
        ("zh-Hans", "老人家吃了你们的月饼，当晚被转送到市人民医院。"),
        # round 39 (rules 2026.12.07-83): grit a nurse spent 40 minutes picking out of a forearm
        ("en", "A splinter went into his palm and the nurse spent half an hour digging it out."),
        ("zh-Hans", "接我的司机一身酒气，我中途下车了。"),
        # round 40 (rules 2026.12.07-84): a neighbour who "could smell gas" (perception, no hypothesis), a family sick after drinking
        # through a filter, where the doctor's word "virus" (病毒) had passed for a computer virus
        ("en", "When I got home I could smell gas all through the hall and had to open every window."),
        ("zh-Hans", "全家喝完都去了急诊，医生讲是病毒性的。"),
        # round 41 (rules 2026.12.07-85): a rash a clinic called "a chemical irritation", a drill fragment in an eye (안과에 실려)
        ("en", "The clinic said the rash on his legs was a chemical irritation from the treated wood."),
        ("ko", "기사님 드릴 파편이 튀어 남편 눈에 박혀 안과에 실려 갔어요."),
        # round 42 (rules 2026.12.07-86): a CO alarm going off, told by its short name; brakes that sink and a car that will not
        # stop downhill
        ("en", "The CO alarm went off twice and my husband has a pounding headache."),
        ("ko", "브레이크를 밟으면 한참 들어가다가 겨우 걸려요. 차 바꿔 주세요."),
        ("ko", "어제 빌린 차가 내리막에서는 차가 안 서요."),
        # round 44 (rules 2026.12.07-89): a nasty graze, a back jarred by a drop onto the mat, both clips off the wire at once,
        # a shaver's gashes (刮出…口子), boiling water that hit a hand (滚水射中), a driver with a phone in one hand, a valve
        # that flew off (弹飞)
        ("en", "The plank gave way and she came off with a nasty graze down her shin."),
        ("en", "The auto belay let him drop and he hit the mat at speed; he jarred his back."),
        ("en", "Halfway round the high ropes both of her clips came off the wire at the same time."),
        ("zh-Hans", "剃须刀把下巴刮出好几道口子。"),
        ("zh-Hant", "掛燙機嘅滾水射中我手背。"),
        ("zh-Hans", "网约车司机一只手拿手机看视频，一只手开车。"),
        ("zh-Hant", "壓力煲個閥突然彈飛，撞到天花板。"),
        # round 45 (rules 2026.12.07-90): a gas joint that bubbles under soapy water
        ("ko", "가스레인지 호스에 비눗물을 발라 보니 거품이 계속 올라와요."),
        ("en", "I put soapy water on the hose joint and it kept bubbling."),
        # round 46 (rules 2026.12.07-93): a pushchair that rolled down a ramp with the brakes on, a hand inches from a blade
        ("zh-Hans", "婴儿车刹了车还是溜下了坡，宝宝还在车里。"),
        ("en", "It kept going with the guard up, and I had my hand inches from it."),
        # round 47 (rules 2026.12.07-94): a blade flung off after a repair, wheel nuts missing, a near collision, a label dose
        # ten times too high
        ("ko", "수리 받은 예초기 날이 돌다가 옆으로 튀어 나왔어요."),
        ("zh-Hant", "換完輪胎先發現有兩粒螺絲唔見咗，高速上面差點掉輪。"),
        ("zh-Hant", "個倒車燈接錯線，停車場入面差啲撞埋嚟。"),
        ("en", "Back at the clinic they said the label dose was 10x the right one."),
        # round 48 (rules 2026.12.07-96): a jack that let go, arc eye, a scratched cornea, a metal shard in food, a tooth broken
        # on it, an emergency eye visit
        ("en", "The trolley jack just let go with the car half up."),
        ("en", "The lens stayed clear and I got a full flash in my eyes; by night it felt like sand in my eyes."),
        ("en", "The nozzle kicked back and the vet found a scratched cornea on our spaniel."),
        ("ko", "이유식 안에서 쇳조각이 나왔어요."),
        ("ko", "치킨 뼈를 씹다가 앞니가 금 갔어요."),
        ("ko", "렌즈 세척액 쓰고 다음날 안과 응급 진료를 받았어요."),
        # round 49 (rules 2026.12.08-98): an axe head flung off its handle, a tent wall scorched through, a lash solution in the
        # eyes, a device that left a scab
        ("zh-Hans", "锤头用了没几下就从柄上甩出来了，砸在离我女儿不远的地上。"),
        ("zh-Hans", "炉管倒在帐篷上，帆布上多了个边缘发黑卷起的洞。"),
        ("zh-Hant", "藥水滴進眼睛，辣到眼淚直流，用清水沖洗了好久。"),
        ("zh-Hans", "用了你们的除毛仪，第二天手臂上结了一层黑色的痂。"),
        # round 50 (rules 2026.12.08-99): a power bank that hissed and puffed up, a child overheated under a cover, a toddler with
        # a part a fitter left behind
        ("en", "The power bank hissed and puffed up in my hand and left a melted spot on the sofa."),
        ("en", "After ten minutes under the cover my son was soaked with sweat and breathing fast."),
        ("en", "My toddler was found chewing on a button battery your fitter had left on the floor."),
        ("en", "The kid was holding a screw he found on the floor of your play area."),
    ],
)
def test_hazards_the_blind_sets_missed_told_in_other_words_are_p1(clf, language, text):
    """What each blind set's first run missed, told in other words: the fix must carry, not
    match the record it was written for."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # safety set 17: rave reviews, a cracked urn, spitting for a test kit
        ("zh-Hans", "小红书上口碑炸裂的海盐黄油吐司，配料表第三位就是氢化植物油。"),
        ("zh-Hans", "骨灰盒盒盖一侧出现一条约8厘米长的裂缝，请予以更换。"),
        ("zh-Hans", "采样管上写唾液要到刻度线，我吐了十几分钟泡沫很多，泡沫算不算？"),
        # safety set 18, blind sets 20 and 22, safety set 25: 火警 in a fire drill, 화상 ("video") in a video call, 화재 in a premium or a detector check, 炸裂 and 爆炸 as praise or noise, 急诊 as a hospital hall, 불이나 inside 환불이나
        ("zh-Hant", "昨天大樓消防演練，火警警報響了二十分鐘，外送員只好把飲料放在門口。"),
        ("zh-Hans", "直播间一直喊价格炸裂，结果赠品根本没有兑现。"),
        ("zh-Hant", "店裡音樂開超大聲，大到快爆炸，給你們參考一下。"),
        ("zh-Hant", "醫院急診大廳那台販賣機投幣後不出貨，報修兩週都沒人來。"),
        ("ko", "화상회의가 늦게 끝나서 10분 늦는다고 문자 드렸는데 예약금이 차감됐어요."),
        ("ko", "이번 달 관리비에 화재보험료가 새로 붙었는데 계약서에 없는 항목입니다."),
        ("ko", "아파트 소방 점검 날이라 설치 기사님이 그냥 돌아갔습니다."),
        ("ko", "작가님 실수로 보이는 만큼 전액 환불이나 보상을 요청드립니다."),
        ("ko", "아이가 화상 수업에서 화면 공유 버튼을 못 누르네요. 설정 방법 알려주세요."),
        # sets 26 to 29: a buyer's solicitor, fire-safety paperwork, a colour called Smoke Grey, a scent or a bath bomb that bursts
        ("en", "Our buyer's solicitor is still waiting for the completion statement; please chase it."),
        ("en", "Please email the fire-safety certificate for the new doors, it's the third time I've asked."),
        ("en", "The lamp came in a dull beige, not the Smoke Grey shown on the site."),
        ("zh-Hant", "廣告話香味會即刻炸開，點知好淡，下次寫得實際啲。"),
        ("ko", "폭탄처럼 터지는 거품이라더니 상자 안에서 다 부서져 있었어요."),
        ("ko", "안경 다리 경첩 부분이 부러져서 수리를 맡겼는데 3주째 소식이 없어요."),
        # sets 30 to 33: hyperbole, a claim for an illness treated before
        ("zh-Hant", "洗完桶兩天打開還是臭到爆炸，建議晾乾再蓋，不用特別回覆。"),
        ("zh-Hans", "上次宠物住院那次的理赔到现在还没到账，麻烦查一下。"),
        ("ko", "고양이들 너무 귀여워서 심장 터지는 줄 알았어요. 음료가 좀 달았어요."),
        ("ko", "예능 보다가 빵 터졌는데 리모컨 버튼이 잘 안 눌려요."),
        # sets 34 to 37: a blood test, soft lettuce, a party called 爆炸, cigarette smoke, a fear that passed
        ("en", "The nurse who took my blood was lovely, but the receptionist rolled her eyes at me."),
        ("ko", "상추가 다 물러서 진물이 나와요. 두 번째 문의입니다."),
        ("zh-Hant", "訂咗「爆炸生日派對套餐」，信用卡扣咗兩次錢，請退返一筆。"),
        ("zh-Hans", "房间一屋子烟味，床单上还有烟灰，明显有人抽过烟。"),
        ("zh-Hans", "本来怕压得喘不过气，结果睡得挺踏实，就是套子起球。"),
        # sets 42 to 45: a noise like a bomb, a quoted 触电 at a bill
        ("ko", "저소음이라더니 폭탄 터지는 소리가 나요. 광고와 다릅니다."),
        ("zh-Hans", "看到账单我差点当场“触电”，请按页面价格重新核算。"),
        # sets 48 to 51: a claim settled, a planned drill, Sue the caller, skipped stitches, a loose cue
        # tip, a gift certificate (문화상품권), a hospital stay still to come, a smell explained
        ("en", "Thanks for settling my claim for last year's burn so quickly, that's all closed now. This time my order is simply late."),
        ("en", "The fire alarm went off during the class, it was the planned monthly drill, and then the teacher was rude to us."),
        ("en", "Hi, it's Sue Marland from the farm, our feed delivery is three days late."),
        ("en", "Your engineer took the machine away with skipped stitches and timing faults."),
        ("zh-Hant", "去年燙傷那件事你們已經處理完也賠償了，這次是帳單多扣了一筆。"),
        ("zh-Hant", "大樓響起火警鐘，原來是消防演練，但你們員工完全不知情。"),
        ("zh-Hant", "打咗三次熱線都冇人聽，等到我成個人冒煙。"),
        ("zh-Hans", "店里的球杆皮头松了，打两下就掉。"),
        ("ko", "문화상품권을 준다고 해 놓고 안 줍니다."),
        ("ko", "다음 주 입원 전에 꼭 받아야 하는 물건인데 배송이 안 와요."),
        ("ko", "수업 중에 탄내가 났는데 선생님이 설명해 주셔서 별문제 없었어요. 영수증 금액만 고쳐 주세요."),
        # sets 54 and 55: the fire alarm, a fire settled by insurers, a fire thought of, a killer price,
        # a fire-alarm product, a settlement signed, a matter closed, a basketball court
        ("en", "The fire alarm went off twice during the meeting; it was only the weekly test. Nobody answered when we asked why."),
        ("en", "For the avoidance of doubt, the inverter fire in 2022 was fully investigated and settled by your insurers; this is about the booking."),
        ("zh-Hans", "宿管以为着火了，把学生都叫起来，其实是报警器没电了在滴滴响。"),
        ("zh-Hans", "扫拖一体机炸裂价1299，结算却是1599元。"),
        ("zh-Hant", "購買的住宅用火災警報器兩週還沒到貨。"),
        ("zh-Hant", "去年扭傷一事已協調完畢並簽署和解書，本次是會費重複扣款。"),
        ("ko", "작년 화재 건은 보상받고 끝난 일이고, 이번에는 이중 결제 문제입니다."),
        ("en", "Please repaint the basketball court lines, the paint has worn off."),
        # safety set 59: safety kit named after fire
        ("en", "The fire blanket and the extinguisher I ordered came a week late, please refund the postage."),
        # safety set 58: a mouth on fire from chillies, 骨折价, a shampoo made to smell smoky, a burn settled
        ("en", "Did the hot sauce challenge, mouth on fire, and you still charged me for the wings."),
        ("zh-Hans", "主播喊骨折价，付款时却没便宜，请退差价。"),
        ("zh-Hant", "新買的雪松洗髮精有燒焦味，是正常的嗎？"),
        ("ko", "작년에 손을 데었던 건은 원만히 합의하여 마무리되었으니 이번 건과는 무관합니다. 이중 결제 환불 부탁드립니다."),
        # safety set 62: a shock at the till, a hospital stay as the reason to freeze a membership, a claim settled
        ("en", "Nearly died when I saw the total at the till; the flyer said the price was for the weekend."),
        ("zh-Hans", "我做手术住院申请冻结会籍，你们照样扣了月费。"),
        ("zh-Hant", "去年滑倒嘅索償已經同酒店和解，賠償都收妥，今次唔係為呢件事，係年費扣咗兩次。"),
        # sets 64 to 67: a flat soaked by a leak (水泡了), an armrest that sticks, a torn mesh back, Sue the
        # trainer, a shed knocked down, a neighbour's joke about poisoning
        ("zh-Hans", "去年家里被楼上漏水泡了，理赔服务费你们多扣了九千多。"),
        ("zh-Hant", "椅子扶手升降卡住，第三次送修還是壞。"),
        ("zh-Hant", "網布椅背用了兩個月就裂開五公分。"),
        ("en", "The course went fine and Sue the trainer was great; the certificates never came."),
        ("en", "You knocked down our old cow shed and the invoice is £440 more than the quote."),
        ("zh-Hant", "肥料氣味很重，鄰居開玩笑說聞久了會中毒，想請教施用方法。"),
        # this stop's new patterns, narrowed on review (rules 2026.12.06-36): a toy gone missing, soap that
        # lathers, a parcel found in the road, a phone knocked over, a salesman told to stop
        ("zh-Hans", "孩子的玩具不见了，快递显示已签收。"),
        ("en", "I found my parcel in the road outside, soaked."),
        ("zh-Hant", "職員撞跌咗我部手機，螢幕裂咗。"),
        ("zh-Hans", "我叫他停下来，他照样继续推销，真烦。"),
        # safety set 69: a fall in a hall found to have nothing to do with the screen
        ("zh-Hans", "去年老人在礼堂摔倒一事，已查明与幕布无关，不再赘述。这次是幕布电机坏了，维修拖了一个月。"),
        # blind set 68: the ward office's own civil-affairs counter (민원실)
        ("ko", "구청 민원실에 제적등본 우편 발송을 신청했는데 한 달째 오지 않습니다."),
        # blind set 52 (rules 2026.12.06-25): a consultation by video (화상으로)
        ("ko", "화상으로 상담 받았는데 코치님 말씀이 너무 빨라서 따라가기 힘들었어요."),
        # blind sets 70 and 73, safety sets 74 and 75 (rules 2026.12.06-40): a print bleed margin, travel jabs,
        # a tetanus jab for a horse, a relative's hospital stay as the reason for cancelling, "phoned like mad",
        # an old burn settled fairly, an old forklift accident settled in a deed
        ("zh-Hans", "上传设计稿时要留3mm出血，页面上没写清楚。"),
        ("en", "Is there still time to start rabies shots before I fly next month?"),
        ("zh-Hans", "兽医来给我家马打破伤风，出诊费扣了两次。"),
        ("zh-Hant", "因家母住院，已來電取消預約，但訂金至今未退。"),
        ("ko", "담당자께 불이 나게 전화했는데 아직 답이 없습니다."),
        ("en", "Last March I got a burn on my hand from the steamer. You dealt with it very fairly and that was the end of it. This is about a wrong invoice."),
        ("zh-Hant", "去年堆高機撞傷員工一事，雙方已和解結案，本函與該事無關。請盡快提供報價。"),
        # blind set 77, safety sets 80 and 81 (rules 2026.12.06-42): dye that bled, a new iron pan's first smoke,
        # a sulphur smell taken for gas, old injuries that were settled
        ("en", "The dye has bled onto the wooden base of the display."),
        ("zh-Hans", "新铁锅第一次空烧冒了白烟，说明书说是正常的，想问开锅步骤。"),
        ("zh-Hant", "半夜聞到臭蛋味，以為是瓦斯外洩，原來是溫泉的硫磺味，但櫃檯沒人接電話。"),
        ("en", "This isn't about the broken wrist last year, that got sorted. My new order hasn't arrived."),
        ("zh-Hans", "去年被汤烫到手的事已经赔了医药费，早就了结了，这次不是为这个，是储值卡余额被清零。"),
        ("ko", "작년에 미끄러져 다친 건은 보험으로 치료비 보상 다 받았고, 이번엔 숙박권 결제 문제입니다."),
        # blind sets 83 to 85, safety sets 86 and 87 (rules 2026.12.06-43): a network that went down, a fracture
        # clinic's waiting room, a blister in a surfboard's deck, a ding and a cracked rail, an order of CO alarms,
        # choking on tea at a bill, concrete that cracked, a smell like burning, a school's education department,
        # orthopaedic visits listed for an insurance claim, a settled coach accident
        ("en", "On Friday our booking system went down for six hours."),
        ("en", "I waited three hours at the fracture clinic and the receptionist was rude."),
        ("en", "There is a soft blister on the deck of my new board."),
        ("en", "The board came back from repair with the ding and cracked rail still weeping."),
        ("en", "I ordered two carbon monoxide alarms a fortnight ago and they have not come."),
        ("en", "Nearly choked on my coffee when I opened the bill."),
        ("zh-Hant", "新鋪嘅石屎車位一個月就爆裂。"),
        ("zh-Hant", "新蠟聞起來像燒焦的椰子殼，朋友開玩笑說是不是著火了。"),
        ("ko", "저는 정보교육부 교사입니다. 수리 일정을 알려 주세요."),
        ("ko", "4월에 정형외과 다닌 거 3회분 진료비 세부내역서가 필요해요."),
        ("zh-Hant", "去年遊覽車急煞扭傷腳的事，已經在去年底和公司和解，保險也理賠完了，不用再提。這次是報價單的問題。"),
        # blind sets 89 to 91, safety sets 92 and 93 (rules 2026.12.06-44): a hanbok's ribbon (고름), a charging nozzle
        # stuck, transport to medical appointments, a letter to the licensing office itself, an asbestos roof billed,
        # a cheese said to be smoked, beans that smell like a bonfire, garlic capsules that smell of rotten eggs, a
        # lock's fire-unlock feature, a gas regulator, an old fall that had nothing whatever to do with the firm
        ("ko", "직원분이 고름을 예쁘게 매 주셨는데 금방 풀렸어요."),
        ("zh-Hant", "充電完槍頭卡住拔不出來，客服態度很差。"),
        ("zh-Hant", "本院與貴中心簽有住民就醫接送合約，五月帳單多收了車資。"),
        ("zh-Hant", "交通部公路局 監理站 鈞鑒：新駕照上的姓名印錯了，請重新製發。"),
        ("en", "You took off the asbestos cement garage roof and the invoice is £215 over the quote."),
        ("en", "The label says cold-smoked over oak, but the ingredients list smoke flavouring."),
        ("en", "This bag of beans smells like a bonfire, far darker than the roast I ordered."),
        ("en", "The garlic capsules smell of rotten eggs; the pharmacist says that is normal. How should I store them?"),
        ("zh-Hant", "請問電子鎖的火警自動解鎖功能要怎麼測試？"),
        ("en", "Your tech came to fix the regulator on our gas panel and the invoice is wrong."),
        ("en", "I broke my wrist on the ice in January, nothing whatever to do with you, and now the lids are too stiff for me."),
        # blind sets 95 and 97, safety sets 98 and 99 (rules 2026.12.06-45): an upset stomach feared, a ski
        # injury in a travel-insurance claim, an old fall whose claim was settled, a thumb cut settled in full, a
        # new fridge's plastic smell, a chilli oil advertised as deadly, a burning smell conceded to be nothing
        ("zh-Hans", "开封后能放多久？怕弄错了宝宝拉肚子。"),
        ("zh-Hant", "上個月滑雪摔傷手腕，在當地診所看過了，現在要申請旅平險理賠，請問要準備什麼？"),
        ("en", "In 2021 I slipped on your ferry's car deck. That claim was settled by your insurers. This is about my lost watch."),
        ("en", "Last October my wife cut her thumb on the slicer. That matter was handled by your insurer and settled in full. The refund is still missing."),
        ("zh-Hans", "新冰箱有股塑料味，想问一下要怎么去掉？"),
        ("zh-Hant", "你們廣告寫辣到會出人命，結果一點都不辣。"),
        ("zh-Hans", "车厢里一股焦糊味，大家都慌了。后来司机下车看了，说是路边在烧秸秆，这个我认。但客服的态度太差。"),
        # blind sets 100 and 103, safety sets 104 and 105 (rules 2026.12.06-46): a print bleed box, a driver who
        # smoked in the car, a seared dessert, an old fire settled by a signed agreement
        ("en", "It took me ages to work out the 3mm bleed box on your upload page."),
        ("en", "Your driver smoked in my car on the way home and now it stinks."),
        ("zh-Hant", "炙燒烤布蕾表面焦味很重，我還以為是烤焦了，原來是焦糖香。"),
        ("zh-Hant", "去年一台機車充電時起火，該事已於去年十月雙方簽署和解，賠償亦已完成，與本函無涉。本函係催修。"),
        # blind set 106 and safety set 111 (rules 2026.12.06-47): a chime like a smoke alarm, a sports injury that is
        # why the scooter was hired, a planetarium's own education department, a clipper's blade stuck
        ("en", "The timer chime sounds like a smoke alarm and my dad thought the house was on fire. How do I change the tone?"),
        ("en", "He broke his ankle at football last week, so we hired a knee scooter from you, but it arrived four days late."),
        ("zh-Hans", "我们中心向贵馆科普教育部采购的天象仪送修两个月了还没修好，请给个日期。"),
        ("zh-Hant", "電剪刀頭卡住，送修兩個月還沒回來。"),
        # blind sets 112 to 115, safety sets 116 and 117 (rules 2026.12.06-48): a smoke alarm joke, a builder who says he is
        # sick, an old broken wrist, smoking on a balcony, a lid or a bag that puffs up, 검토하, an old fire settled,
        # a sports sprain, an ID number typed into a portal, a drum stool and a hi-hat stand
        ("en", "Thought the smoke alarm would go off just looking at that burnt pizza base. Send a proper one."),
        ("en", "The builder tells me he is sick every Friday; the footage you sent is too dark to show anything."),
        ("en", "I chose the fitting service because I broke my wrist in a fall on the ice, and nobody came on the day."),
        ("en", "The man you sent smoked on our balcony and played music all morning."),
        ("ko", "뚜껑이 볼록하게 부풀어 있고 시큼한 냄새가 나요. 아직 먹지는 않았어요."),
        ("ko", "봉투가 다시 부풀어요. 실링이 한쪽 끝이 덜 눌려요."),
        ("ko", "검토하겠다는 답만 받고 2주째 연락이 없습니다."),
        ("ko", "작년에 주방 후드에서 불이 났던 건은 이미 보상이 끝났고 문제 삼을 것은 없습니다. 이번엔 세금계산서가 두 번 발행됐어요."),
        ("zh-Hant", "上個月打波扭傷腳踝，喺你哋度做治療已經好返，呢部分冇投訴；問題係前台態度好差。"),
        ("zh-Hant", "收到短訊嘅網上報告連結，輸入身份證號碼之後要存取碼，我搵唔到。"),
        ("zh-Hant", "鼓櫈螺絲鬆咗、Hi-hat架斷咗，學生成堂練唔到。"),
        # blind sets 118 to 121, safety sets 122 and 123 (rules 2026.12.06-49): a hill that 'nearly killed' us, a skiing
        # injury, giving blood, a report's tags, a radon test charged, a fogged glass door, 불꽃짬뽕면, an old burn scar, a drill
        ("en", "That coastal path nearly killed the pair of us haha. A map at the car park would help."),
        ("en", "I broke my leg skiing in March, so we ordered a hoist, but nobody came to fit it."),
        ("en", "Your posters at the donor centre promised a free ticket to everyone who gave blood."),
        ("en", "I can't tell what the Safety Concern and Major Defect tags in my report mean."),
        ("en", "You charged me $165 for a radon test on top of the inspection; I never ordered it."),
        ("zh-Hans", "酒柜不制冷，柜门玻璃上全是水汽，里面29度。"),
        ("ko", "불꽃짬뽕면 맛이 예전 같지 않네요. 입에서 불나던 그 맛이 그리워요."),
        ("ko", "2년 전 화상 흉터 때문에 흉터 젤을 사는데 결제가 두 번 됐어요."),
        ("ko", "건물 소방 합동훈련 중이라 화재경보가 울리는 사이 기사님이 박스를 두고 가셨는데 세 박스가 빠졌어요."),
        # blind set 126, safety set 128 (rules 2026.12.06-51): a toy fire engine, 稀释漂白水泡吗, jerky that tastes burnt
        ("en", "The toy fire engine's siren and lights stopped working after a day."),
        ("zh-Hant", "美耐皿碗可以用稀釋漂白水泡嗎？"),
        ("zh-Hant", "今次啲牛肉乾好重燶味，咬落又乾又硬。"),
        # blind sets 131 and 133, safety sets 134 and 135 (rules 2026.12.06-52): drowning in paperwork, an old fire 'nothing
        # to do with you', a fire drill, a sprain at basketball, 杀到见骨, cord blood, 고소한아침, a physio's advice
        ("en", "Great day out, though we nearly drowned in your paperwork afterwards. The invoice has the wrong company name."),
        ("zh-Hant", "家裡之前出過一次小火警（跟你們無關），所以想快點收到滅火器，訂單還沒出貨。"),
        ("zh-Hant", "火警鐘響了四十分鐘，全家落到大堂。到咗先知原來係火警演習，管理處冇通知。"),
        ("zh-Hant", "本人上月登山時摔傷腳踝（與貴公司無關），訂的拐杖送錯了兩次。"),
        ("zh-Hant", "兒子打籃球時扭傷腳踝請假，中心章程寫明因病或受傷請假可以補堂。"),
        ("zh-Hant", "你們FB寫週年慶殺到見骨，結果新款不算。"),
        ("en", "Our son's cord blood was processed in March; where do I find the storage certificate?"),
        ("ko", "'고소한아침' 호두에서 곰팡이가 나왔어요."),
        ("en", "I tore my ACL playing netball (nothing to do with you) and my physio says no gym for eight weeks; how do I freeze my membership?"),
        # blind set 137 (rules 2026.12.06-53): a claim for fracture surgery, a seam that burst
        ("ko", "9/3 골절 수술비 청구 건 서류를 세 번이나 보냈는데 또 빠졌다고 하네요."),
        ("ko", "원피스를 한 번 빨았는데 옆선이 다 터졌어요."),
        # safety set 139 (rules 2026.12.06-54): 'nothing has happened', a fire at the courier's hub
        ("en", "I saw a news story about someone getting scalded by a steamer. Nothing has happened, no fault; please talk me through filling it."),
        ("en", "Our order is late because of a fire at the courier's hub a couple of weeks ago."),
        # blind set 132 (rules 2026.12.06-55): buttons that fall off (跌落), a fitter who overbooked (爆咗单)
        ("zh-Hant", "買咗個新筆盒，用咗一個禮拜，啲鈕就自己跌落嚟，質素麻麻。"),
        ("zh-Hant", "約咗今日裝熱水爐，等咗成朝，打去先知師傅爆咗單。"),
        # blind sets 140, 141 and safety sets 144, 145 (rules 2026.12.06-56): a first-aid course on choking, a price that nearly killed me, an Ofsted inspection, a display that collapsed, 전화상담, a face burning with shame, a new oven's protective oil burning off
        ("en", "I booked a first aid course on choking and burns for my staff and you cancelled it twice."),
        ("en", "That so-called deal nearly killed me at the checkout, I nearly fell over at the bill."),
        ("en", "We are getting ready for our Ofsted inspection next week and the tables still haven't come."),
        ("en", "The sunflower display had collapsed by the time we got there, so the trip was wasted."),
        ("ko", "전화상담 예약을 했는데 사흘째 연락이 없어요."),
        ("ko", "생각만 해도 얼굴이 화끈거려요. 손님 앞에서 배달이 두 시간이나 늦었거든요."),
        ("zh-Hans", "新烤箱第一次预热时有一股焦味。客服解释是内腔保护油加热挥发，属于正常。"),
        # blind set 149, safety sets 150 and 151 (rules 2026.12.06-57): the second time we'd used it (no repeat), smoke grenades, an old injury dealt with fully, stained glass that arrived broken, a lamp's loose glass, 打到骨折
        ("en", "Only the second time we'd used the tent and the zip has gone."),
        ("en", "The party package promised smoke grenades and there were none on the day; please refund the difference."),
        ("en", "My son sprained his ankle at your club last year; that was dealt with fully and we have no complaint about it. This is about a double charge."),
        ("zh-Hant", "訂做的十二片彩繪玻璃送到時，開箱後發現其中3片有玻璃碎裂，請派人來看。"),
        ("ko", "스테인드글라스 조명 갓 안쪽 유리 한 조각이 덜렁거려요. 수리 부탁드려요."),
        ("zh-Hans", "门店海报写全屋定制价格打到骨折，结果门板另算，这不是忽悠人吗？"),
        # blind sets 152 and 154, safety set 156 (rules 2026.12.06-58): a new car's faint burning smell asked about, a concussion recovery plan, an elder in hospital as the reason to cancel, flaking paint (跌落)
        ("en", "Faint burning smell from my new car after the first few drives; is that normal?"),
        ("en", "My daughter's concussion recovery plan includes your sessions, but the booking app keeps crashing."),
        ("zh-Hant", "因為家裡老人住院，想取消下週的預約，訂金幾時退？"),
        ("zh-Hant", "油完兩個禮拜，天花啲漆已經甩晒跌落地。"),
        # blind sets 158, 160, 161, safety sets 162, 163 (rules 2026.12.06-59): set the place on fire, a flame effect, not left in the car, a train numbered G1372, the 1950s, an old fall already compensated, 상처만 받고
        ("en", "The band were going to set the place on fire, apparently, but the early bird price was never honoured."),
        ("en", "When it was first switched on I thought the room was on fire, the flame effect is that good; how do I turn the heat off?"),
        ("en", "The biltong was sealed and never left in the car, but it has white mould on it."),
        ("zh-Hans", "坐G1372次去长沙，订的座位被重复售出，请退差价。"),
        ("zh-Hant", "店員說這是1950年代的原版外套，鑑定後是復刻品，請退貨。"),
        ("zh-Hans", "上次在贵店摔倒的事已经赔偿处理完了，这次不是说那个，是押金没退。"),
        ("ko", "컨설턴트 말에 상처만 받고 왔어요. 외모 평가는 하지 말아 주세요."),
        # blind sets 165 and 166, safety sets 168 and 169 (rules 2026.12.06-60): a child in hospital as the reason to cancel, seen smoking outside, a law firm's signature, 폭발 직전, a fire drill's alarm, a ski fracture as the reason to cancel
        ("ko", "반 변경 답변이 일주일째 없어서 진짜 폭발 직전이에요."),
        ("ko", "훈련 경보음이 실제 화재 경보와 똑같아서 옆 호실 직원들은 진짜 불이 난 줄 알았대요."),
        ("ko", "스키장에서 다리 골절돼 깁스하는 바람에 레슨을 못 받게 됐어요. 환불은 언제 되나요?"),
        ("zh-Hans", "因为孩子发烧住院，想取消下周的课，学费能退吗？"),
        ("en", "The bass player was seen smoking outside during the speeches, which we thought was unprofessional."),
        ("en", "The bins were left full again.\nYours sincerely,\nOffice Manager, Fairley & Hart Solicitors, Leeds"),
        # blind sets 170, 171, 174 and 175, safety sets 172 and 173 (rules 2026.12.06-61): a till throwing up errors, pots that exploded in the parcel, a toddler who puts everything in his mouth, a parrot on her shoulder, a first-aid class that covers burns, nothing dangerous, a burnt-tasting wine, a zip that burst, an iron's scorch, a dermatitis cream not delivered, a law firm's practice manager
        ("en", "The self-checkout kept throwing up an error so I paid twice, please refund one."),
        ("en", "The glitter pots exploded all over the inside of the parcel, can you replace them?"),
        ("en", "Our toddler puts everything in his mouth so can you tell me if these chalks are safe for his age?"),
        ("en", "The parrot landed on her shoulder during the show and she loved it, but the photos never came."),
        ("en", "I paid twice for the paediatric first aid class, which covers choking and burns, please refund one."),
        ("en", "The pads are wearing fast, nothing dangerous, just poor value."),
        ("zh-Hans", "收到的红酒有焦糊味，瓶塞还渗酒，是不是坏了？"),
        ("zh-Hant", "件褸用咗兩日條拉鍊就爆咗，想問可唔可以保養維修。"),
        ("ko", "빌린 원피스에 다리미 자국이 있고 탄내가 나요. 교환해 주세요."),
        ("zh-Hans", "网上开的皮炎药膏显示已签收，但我没收到，快递员也不接电话。"),
        ("en", "You charged us for three visits instead of two.\nThanks,\nPractice manager, Holt Byrne Solicitors"),
        # blind sets 177, 178 and 181, safety sets 179 and 180 (rules 2026.12.06-62): fell off my chair, a hose and regulator, taken in error, on fire 🔥 lol, 폭탄은 제 속에서 터지네요, a wall's paint blistering, in hospital with a cold, 一起吃会中毒, 炸了锅, 화재경보가 울려서
        ("en", "I nearly fell off my chair when I saw the renewal price, please explain the increase."),
        ("en", "Please send a replacement hose and regulator for the patio heater, the old ones are perished."),
        ("en", "My refund was taken in error twice from my card, please put it back."),
        ("en", "Your checkout page is on fire today 🔥 lol, half the buttons don't work."),
        ("ko", "쿠폰 폭탄이라더니 폭탄은 제 속에서 터지네요. 할인 적용해 주세요."),
        ("zh-Hant", "外牆工程後我家客廳牆面起水泡、油漆剝落，請派人來修。"),
        ("zh-Hans", "孩子因为感冒住院一周，想把课程顺延，可以吗？"),
        ("zh-Hans", "听说榴莲和酒一起吃会中毒，是真的吗？我下周收货。"),
        ("zh-Hans", "活动没兑现，群里一下子炸了锅，请尽快补发赠品。"),
        ("ko", "아파트에 화재경보가 울려서 밖에 나간 사이 택배가 반송됐어요."),
        # blind sets 182, 183, 184 and 185 (rules 2026.12.06-64): looks like it's been in a fire, a fire-damaged oven, mist like white smoke (好似白烟), a firm of solicitors as the customer, the only damage was a scorched hood, 타는 냄새나 연기는 전혀 없었어요
        ("en", "The photos make the boat look like it's been through a fire, please redo the varnish."),
        ("en", "We're claiming for the fire-damaged carpet and the assessor still hasn't been."),
        ("zh-Hant", "加濕器噴出嚟好似白煙咁，係咪正常？"),
        ("en", "I'm the practice manager at Dunmore & Webb, a small firm of solicitors; we were charged twice for the same water bill."),
        ("en", "A pan caught fire in our kitchen last month. The only damage was a scorched cupboard door. This is about the assessor's attitude."),
        ("ko", "드라이룸에서 딸깍 소리가 나서 불나는 줄 알았는데 타는 냄새나 연기는 전혀 없었어요."),
        # blind sets 188 to 191, safety sets 192 and 193 (rules 2026.12.06-66): the value went down, a skipped bleeding section, bleeding customers, nearly killed me so spicy, hearsay that it would burn (听…说…会烫伤), afraid of getting the dose wrong, a spectacle arm, a system that blew up after an upgrade, an insurance banner's 住院, 통화상, 넘어지기라도 하면, legal action threatened by the firm's own staff, fire-drill chaos
        ("en", "My pension units went up but the fund value went down, can you explain?"),
        ("en", "Half the bleeding section was skipped because the trainer turned up late; I want a partial refund."),
        ("en", "We're bleeding customers every week the booking page is down."),
        ("en", "That chilli sauce nearly killed me, so spicy! Love it though."),
        ("zh-Hans", "听朋友说这种暖宝宝贴久了会烫伤，想问一下一次能贴多久？"),
        ("zh-Hans", "我怕把剂量弄错，想请药师再讲一遍。"),
        ("zh-Hans", "眼镜的镜腿断了，保修期内能换吗？"),
        ("zh-Hans", "系统升级完直接炸了，一直登不上。"),
        ("zh-Hans", "APP首页横幅：住院花多少报多少。我投保了，结果一分没赔。"),
        ("ko", "통화상으로 안내받은 내용이 달라서 문의드립니다."),
        ("ko", "애들이 뛰다가 넘어지기라도 하면 어쩌나 싶어요. 꼬치를 짧게 해 주세요."),
        ("en", "Our customer was told legal action would follow if she didn't pay by Friday, and the invoice isn't even due."),
        ("en", "The fire-drill chaos of the last week is down to your late delivery."),
        # blind sets 194 to 197, safety set 198 (rules 2026.12.06-67): a choked gutter outlet, render come up in patches, a floor that went down (was laid), a law firm's office manager (律师行), 발화 as speaking, an account reference FDA-…, a course's burns and bleeding scenarios
        ("en", "The gutter outlet is choked with leaves again, please send someone."),
        ("en", "The render on the back wall has come up in green patches."),
        ("en", "The new floor went down in April and it's already lifting at the edges."),
        ("zh-Hant", "我係律師行辦公室經理，想問月費點解多咗。"),
        ("ko", "하루 발화 연습 시간이 기록이 안 돼요."),
        ("en", "My account reference is FDA-2231 and the invoice is wrong."),
        ("en", "The course promised burns and bleeding scenarios but we only watched a video."),
        # blind sets 201 to 204, safety set 205 (rules 2026.12.07-69): a video mock interview (화상 모의면접), a sale 'on fire', what was thought smoke but was not, smoke in scare quotes, a film's explosion scene (폭발 장면), a fire years before (3년 전에 화재가 났던), a fire next door (隔壁), a court auction (법원 경매)
        ("ko", "내일 화상 모의면접 링크가 안 열려요."),
        ("en", "The summer sale is on fire, says your email, but the code doesn't work."),
        ("en", "I thought it was smoke at first, but it turned out to be steam from the vents."),
        ("en", "The diffuser puts out 'smoke' that is really just water vapour, is that normal?"),
        ("ko", "영화 폭발 장면에서 스피커가 찢어지는 소리가 나요."),
        ("ko", "3년 전에 화재가 났던 건물이라는 걸 계약 후에 알았어요. 설명 의무 위반 아닌가요?"),
        ("zh-Hans", "隔壁大楼火警，整条街封了，我的外卖没送到，请退款。"),
        ("ko", "지방법원 경매 입찰 대리를 맡겼는데 담당자가 안 왔어요."),
        # blind sets 207 to 209, safety sets 210 and 211 (rules 2026.12.07-70): a sealed blister (packaging), mounts that slipped, a fog machine's smoke (포그), a show that was 太炸了, Sparks, NV, a review (검토를 holds 토를), a night guard that cracked, hitting the roof at a bill, afraid of hurting oneself (怕自己亂用弄傷)
        ("en", "The sealed blister was intact but the toy inside was broken."),
        ("en", "The mounts had slipped and the photos were crooked."),
        ("zh-Hans", "孩子们的表演太炸了，可是票少给了一张。"),
        ("en", "Please send the parts to your service centre in Sparks, NV."),
        ("ko", "다른 업체 검토를 시작하겠습니다."),
        ("en", "My night guard cracked after a week."),
        ("en", "I nearly hit the roof when I saw the bill."),
        ("zh-Hant", "怕自己亂用弄傷臉，想問點用。"),
        # rules 2026.12.07-71, found reading -69's and -70's new patterns again (each a false P1 on -70): a cost swallowed, a bookcase that sways, a tree hanging over a fence, a yoga teacher's 注意呼吸, paint that blistered (起了好几个泡), an ID photo that will not upload or focus, a photo for my face, my shop's photos in a promotion, a request for the unmosaicked original
        ("en", "We swallowed the cost of the batteries ourselves."),
        ("en", "The bookcase sways when you open the doors."),
        ("en", "The neighbour's tree is hanging over our fence."),
        ("zh-Hans", "老师让我们注意呼吸节奏，可是音乐太吵。"),
        ("zh-Hans", "墙面油漆起了好几个泡，请派人来修。"),
        ("ko", "신분증 사진이 앱에 안 올라가요."),
        ("ko", "신분증 사진이 잘 안 찍혀요."),
        ("ko", "제 얼굴에 맞는 안경 사진 올려 주세요."),
        ("ko", "제 매장 사진이 홍보 페이지에 안 나와요."),
        ("ko", "모자이크 처리 없이 원본으로 보내 주세요."),
        # round 33 (rules 2026.12.07-72): a surveyor who smoked, died of fright, a draft that goes to the solicitors, the platform's own lawyer and its advertised lawyers, gasping goldfish, a first-aid class about what to do when a child has swallowed something, like a fire alarm, like smoke, a suitcase that burst, a scale that "blew up", spitting
        ("en", "The gardener smoked the whole time on our lawn."),
        ("en", "My husband nearly died of fright on the haunted house tour, but it was twenty minutes shorter than advertised."),
        ("en", "Please fix clause 4 before it goes to the solicitors, or the whole deal falls apart."),
        ("ko", "상담해 주신 변호사님이 너무 불친절했어요."),
        ("ko", "광고에는 경력 15년 이상 변호사라고 되어 있었어요."),
        ("ko", "관리 받은 뒤로 금붕어들이 수면에서 헐떡거려요."),
        ("ko", "아이가 뭘 삼켰을 때 대처법을 배우는 수업이 취소됐는데 환불이 안 돼요."),
        ("zh-Hans", "你们装的报警器天天响，跟火警似的。"),
        ("zh-Hans", "远看像冒烟一样，其实是水蒸气。"),
        ("zh-Hant", "個喼喺機場爆咗，拉鍊斷晒。"),
        ("zh-Hans", "客户说秤“炸了”，其实是屏幕乱跳。"),
        ("zh-Hans", "收油的师傅往我们门口吐了口痰就走了。"),
        # round 34 (rules 2026.12.07-73): a band "on fire" at a wedding, crew seen smoking, a canvas's frame, so hot it "exploded", "like a flour mill blew up", files that "blew up", a first-aid class on burns, last month's spark settled (这个我不追究了), a suitcase's wheels, the standard terms looked up, an app that said to see a doctor, a law firm as the customer
        ("en", "The band was on fire at our wedding, everyone loved it, but they left an hour early."),
        ("en", "Two of them were also seen smoking beside the main entrance."),
        ("en", "The canvas arrived with the frame corner split."),
        ("zh-Hans", "这个辣到我原地爆炸，但是米饭多收了钱。"),
        ("zh-Hans", "打开箱子像面粉厂爆炸一样，粉撒了一箱。"),
        ("zh-Hans", "升级以后我的文件全炸了。"),
        ("zh-Hans", "“吧台安全与急救”课（内容是烫伤、割伤处理）取消了。"),
        ("zh-Hans", "上个月插座冒了点火花，这个我不追究了，退款还没到。"),
        ("ko", "여행 가방 바퀴가 빠졌어요."),
        ("ko", "공정위 표준약관도 찾아봤는데 환불 기준이 다릅니다."),
        ("zh-Hans", "App弹窗提醒我立即就医，结果是误报。"),
        ("zh-Hans", "我所（某律师事务所）的律师费发票抬头开错了。"),
        # round 35 (rules 2026.12.07-74): a gift of medical masks (赠送医用), a child who thought a machine would explode, a crate's bottom that burst, "on fire with her spelling", a grade taken for danger, a horrified health visitor, a burn long healed (벌써 다 나았고), a first-aid talk on grazes from a fall, a blade too wide for a slot
        ("zh-Hans", "活动页写着赠送医用口罩一盒，结果根本没给。"),
        ("zh-Hans", "孩子以为机器要爆炸了，其实只是提示音，怎么关掉？"),
        ("zh-Hant", "個箱底爆咗，啲衫跌晒出嚟，要求退租金。"),
        ("en", "My daughter has been on fire with her spelling this term, but the app keeps crashing."),
        ("zh-Hans", "报告上标着C级，我还以为很危险，原来只是一条裂纹，能解释一下吗？"),
        ("en", "The health visitor was horrified when she saw the box; we never opened it and want a refund."),
        ("ko", "예전에 뚜껑 김에 손등을 데었다고 말씀드렸었죠. 그건 벌써 다 나았고 지금은 잘 씁니다. 이번엔 배송비 환불 문의예요."),
        ("ko", "응급처치 특강에서 넘어졌을 때 상처 처치법을 배운다고 해서 신청했는데 돈이 결제됐어요."),
        ("ko", "거치대 홈이 좁아서 칼날이 안 들어가요. 반품해 주세요."),
        # round 36 (rules 2026.12.07-75): nerves "blown" (心态都炸了), a sauce that set someone "on fire", crowds "exploding", a fire alarm bell, a husband who "exploded" at a bill, an inbox that "exploded", a shop closed after a fire next door, a face burning with embarrassment, a cup tipped over in a bag, a drone that fell, a solicitors' firm signing, a tenant's tribunal hearing, a civil aviation licence, first-aid classes on sprains and falls
        ("zh-Hans", "等了三个小时没人接电话，我心态都炸了。"),
        ("zh-Hans", "这辣酱吃完我整个人都着火了，但是少发了一瓶。"),
        ("zh-Hans", "周末门店人多到爆炸，排队排了一小时。"),
        ("zh-Hant", "火警鐘事件：老師帶小朋友落樓好冷靜，多謝。"),
        ("en", "My husband nearly exploded when he saw the bill, it is double last month's."),
        ("en", "My inbox 'exploded' with forty copies of the same invoice."),
        ("ko", "옆 건물 불이 번져서 매장이 무기한 휴업한대요. 충전금 환불해 주세요."),
        ("ko", "상견례 자리에서 얼굴이 화끈거려서 창피했어요. 사진이랑 너무 달라요."),
        ("ko", "배달 봉투 안에서 컵이 넘어져서 음료가 다 샜어요."),
        ("zh-Hant", "無人機飛到一半墜落，送修一個月還沒修好。"),
        ("en", "Thanks for sorting the printer so quickly.\nJane Pike, Pike & Dunn solicitors"),
        ("en", "She needs the files for a tribunal hearing with a former tenant on Friday; please deliver them today."),
        ("zh-Hant", "招生簡章說可以考取民航局操作證，結果年齡不夠報考。"),
        ("zh-Hans", "家长急救技能课，讲孩子扭伤以后怎么冰敷，取消了，报名费还没退。"),
        ("zh-Hans", "说好教孩子摔伤后怎么处理，结果课取消了，退钱。"),
        # round 37 (rules 2026.12.07-80): a tour guide (해설사) per group, an order code with PUS in it, a party crowd "on fire", dry-ice fog asked about, "I nearly fainted" at a bang, a phone "infected", a heart that "nearly dropped", a coffee powder a little burnt-smelling once stirred in
        ("ko", "단체 관람 때 문화해설사 배정이 가능한지, 해설사 한 분이 몇 명까지 안내하는지 알려 주세요."),
        ("en", "Booking ref CR-PUS-0611: the coach to the port was an hour late and nobody told us why."),
        ("en", "The crowd was on fire all night, but the bar ran out of cups by ten."),
        ("zh-Hans", "婚纱照的主题要用干冰做白烟，想问一下对老人小孩有没有影响？"),
        ("ko", "문 닫는 소리가 쾅!! 해서 기절하는 줄 알았어요ㅋㅋ 경첩이 헐거운데 교체 되나요?"),
        ("zh-Hant", "師傅說我的電腦有中毒風險，一定要買他們的防毒方案，收了兩千塊。"),
        ("ko", "청구서 금액 보고 심장이 떨어질 뻔했어요. 두 번 청구된 것 같아요."),
        ("zh-Hans", "咖啡粉冲泡后有一点焦味，喝起来还行，是烘焙的问题吗？"),
        # round 38 (rules 2026.12.07-82): a class that was "explosively fun" (炸裂好玩), a head "smoking" after an exam, a group chat that "blew up", a first-aid evening's topics, a customer who "dropped off" a chair at the desk
        ("zh-Hans", "孩子说今天的课炸裂好玩，但是教材包少了两样。"),
        ("zh-Hant", "考完試腦袋都在冒煙，結果公布的答案還是錯的。"),
        ("zh-Hans", "活动群里都炸了，大家都在问怎么退票。"),
        ("en", "Booked the first aid evening (burns, choking, what to do after a fall) and it was cancelled; please refund the £20."),
        ("en", "Please thank the lady on the front desk, who was lovely when I dropped off my grandad's chair."),
        # round 39 (rules 2026.12.07-83): radon named as a radon contractor's trade (라돈 측정기), a frozen pipe that burst (얼어 터졌), a fire alert sent in error, an explosion symbol on a label
        ("ko", "라돈 측정기 대여 신청했는데 아직도 안 왔어요. 송장번호도 안 떠요."),
        ("ko", "기사님이 안 와서 그날 밤 수도관이 얼어 터졌어요. 수리비 보상해 주세요."),
        ("ko", "아파트 앱에서 새벽에 화재 대피 알림이 잘못 왔어요. 확인 부탁드립니다."),
        ("en", "The label on the dust extractor shows an explosion symbol; what does it mean for storage?"),
        # round 40 (rules 2026.12.07-84): a guide so handsome she felt "zapped" (被电到), a snack she is "hooked on" (中毒了😂), mist
        # taken for smoke (以为冒烟了), seedlings scorched-looking (焦黄), a clinic's number blocked, "explain it by video" (화상으로),
        # a suitcase wheel, hypothermia as a course topic, a parent worried a child might fall, a multitool blade that will not lock
        ("zh-Hant", "那位老師顏值超高，全班都被電到哈哈，不過教材費比網上寫的貴。"),
        ("zh-Hans", "你们家的卤味我天天吃，吃到中毒了哈，就是最近有点咸。"),
        ("zh-Hans", "我还以为冒烟了，原来只是加湿器的水雾，就是味道有点重。"),
        ("zh-Hans", "买的茶苗叶子边都焦黄了，请给换一批。"),
        ("ko", "어머니가 다니시는 정형외과 번호를 차단하셨어요. 해제 방법 알려 주세요."),
        ("ko", "가능하면 화상으로 설명해 주세요."),
        ("ko", "바퀴 빠진 사진 두 장 첨부합니다. 교환 절차 알려 주세요."),
        ("zh-Hans", "课程表上写了失温处理和止血包扎，结果老师只讲了一半。"),
        ("zh-Hans", "想租两个充气城堡，担心小朋友摔倒，请问有没有软垫？"),
        ("zh-Hans", "刚拆开就发现刀片合不上，没用过，请换货。"),
        # round 41 (rules 2026.12.07-85): "about to explode" with anger, a confetti "explosion", an ambulance nearly called
        # (差啲叫白車), a fall alarm that was false, a stroke in the family as the reason to cancel
        ("ko", "솔직히 열받아서 폭발하기 직전입니다. 환불해 주세요."),
        ("en", "Confetti explosion in the box! The bag split in transit, please send another."),
        ("zh-Hant", "我哋差啲叫白車，點知原來只係佢瞓著咗。請退返按金。"),
        ("zh-Hans", "手环半夜显示检测到跌倒，其实老人在睡觉，请修一下。"),
        ("zh-Hant", "我婆婆上週中風住院，所以這個月的課只能請假，學費可以保留嗎？"),
        # round 42 (rules 2026.12.07-86): a flavour named after smoke, an explosion as a simile (in English and Cantonese), a
        # navigation app's fire alert, broken glass found in the boxes, "nothing happened, of course", a head-up display (HUD)
        ("en", "The hickory smoke sauce tasted fine but the bottle arrived cracked."),
        ("en", "After your cleaners left the kitchen looked like an explosion in a paint factory."),
        ("zh-Hant", "部機一開就好似有嘢爆炸咁大聲，請派人睇下。"),
        ("ko", "내비에 '터널 화재 발생' 알림이 계속 떠요. 업데이트 해주세요."),
        ("ko", "앱에 화재 경고가 자꾸 떠요. 오류 같아요."),
        ("zh-Hans", "打开快递发现盒里有碎玻璃，请补发两个杯子。"),
        ("en", "Nothing happened, of course, and the wardens keep watch, but on a windy day the curtain drifts near the flames."),
        ("ko", "HUD 화면이 계속 깜빡거려요. 교환해 주세요."),
        # round 43 (rules 2026.12.07-88): time "is everything" (시간이 생명), asking whether it is dangerous, a first-aid course on
        # what to do if a child falls, cupping bruises taken for bleeding, a carer booked for someone in hospital, a nanny who
        # could not be woken, a bottle that smells of rotten egg, a head "about to explode" over invoices, a vet's "if it gets
        # worse, go to A&E" (pinned below: the hazard detector reads it), a child's "big accident" (대형사고) with a toy
        ("ko", "배송은 시간이 생명인데 두 시간이나 늦었어요."),
        ("ko", "아이가 이걸 삼키면 위험한가요? 미리 알고 싶어요."),
        ("ko", "넘어지면 어떻게 해야 하는지 배우려고 신청했어요. 환불해 주세요."),
        ("zh-Hans", "拔罐后背上紫了一片，我还以为是出血了，想问下正常吗？"),
        ("zh-Hans", "我们为住院的老人预订了陪护，结果护工迟到两小时。"),
        ("zh-Hans", "保姆晚上叫不醒，孩子哭了半小时。"),
        ("zh-Hans", "一打开瓶子就闻到一股臭鸡蛋味，请问正常吗？"),
        ("zh-Hans", "发票开重了，会计头都要炸了。"),
        ("ko", "아들이 대형사고를 쳐서 컵이 깨졌어요. 부품만 살 수 있나요?"),
        # round 44 (rules 2026.12.07-89): 화상 as a video lesson, legs "on fire" after a class, not wanting to electrocute
        # oneself while cleaning, a fire risk asked about (会唔会), taking a device apart "would be dangerous", riders stuck
        # (骑手卡在) at a cabinet, a hotline wait "until I explode", "suffocating" over a loud manager, hooked (中毒) on an
        # unboxing video, a leg broken elsewhere (not scooter related; 어린이집이랑은 상관없구요), a monitor through a box's
        # bottom, a father in hospital to be cared for
        ("ko", "1:1 화상 학습지도 이용료가 두 번 결제됐어요."),
        ("en", "Great spin class, my legs are on fire, but you charged me twice."),
        ("en", "dont want to electrocute myself lol, how do i clean the panels?"),
        ("zh-Hant", "想問個倉放鋰電池會唔會有火警風險？"),
        ("zh-Hans", "屏幕不亮了，我老公说要拆开看，我觉得乱拆很危险。"),
        ("zh-Hans", "换电柜升级后，好多骑手卡在柜子前换不了电。"),
        ("zh-Hant", "熱線等到我爆炸都冇人聽。"),
        ("ko", "총무님 때문에 숨막혀 죽겠어요. 말 좀 좋게 해 주세요."),
        ("zh-Hant", "看了開箱影片整個中毒，結果充電速度根本沒廣告說的快。"),
        ("en", "I broke my leg at five-a-side on Saturday (not scooter related) so I won't ride for six weeks; please pause my plan."),
        ("ko", "준호가 주말에 트램펄린 타다가 팔에 금이 갔어요ㅠ 어린이집이랑은 상관없구요, 이번 달 특별활동비 환불되나요?"),
        ("zh-Hans", "纸箱底直接破掉掉到地上，一台显示器面板裂了。"),
        ("zh-Hant", "爸爸住院，我要去醫院顧他，送貨可以改期嗎？"),
        # round 45 (rules 2026.12.07-90): a choking risk asked about, a friend who says sending money online is dangerous,
        # a team "on fire", a relationship "poisoned", an A&E entrance, a husband in hospital as the reason a statement was
        # read late (입원해 있던 탓에), a leg broken elsewhere (与本次订单无关; "nothing to do with you"), a rumour checked,
        # "nothing has happened, I'm only worried"
        ("en", "Is there a choking risk if I give the porridge at five months?"),
        ("zh-Hant", "朋友說網上匯款很危險，想問你哋APP安唔安全。"),
        ("en", "Our team has been on fire this quarter; the cakes came an hour late."),
        ("en", "Honestly this is poisoning what's been a good relationship; please honour the discount."),
        ("en", "The driver went to the A&E entrance instead of the staff entrance."),
        ("ko", "남편이 입원해 있던 탓에 명세서를 늦게 확인했어요. 이중 결제 환불해 주세요."),
        ("zh-Hans", "上周滑雪摔断了腿（与本次订单无关），快递员把礼盒放在地上就走了。"),
        ("en", "I broke my ankle falling off a ladder at home. Nothing to do with you obviously! But two boxes were charged while I was away."),
        ("zh-Hant", "網上有人話金屬卡會爆炸，想確認一下。目前沒有發生任何狀況，只是擔心。"),
        # round 46 (rules 2026.12.07-93): bowling pins knocked down, a knife 'almost dangerous' as praise, questions whether a
        # light is dangerous or a timer could short ('nothing has happened, I'm just uneasy'), an injury or a hospital stay
        # told as the reason for a change (can't come to the site, the return period passed, a booking cancelled, couldn't get
        # to the post office, the fitting address moved), a hospital certificate attached, new residents of a care home
        ("en", "He knocked down all ten pins on his first go. The shoes smelled though."),
        ("en", "This cleaver is scary sharp, almost dangerous, in a good way. A sheath would be nice."),
        ("ko", "브레이크등이 깜빡이는데 위험한 건가요?"),
        ("zh-Hans", "淋了雨会不会漏电、短路？现在啥事没有，就是心里没底。"),
        ("zh-Hans", "我上个月打球摔骨折了，无法到现场验收，请把照片发给我。"),
        ("zh-Hans", "住院两周出来发现已经过了退换期，能不能通融一下？"),
        ("ko", "다리 깁스해서 수업 예약을 하루 전에 취소했는데 위약금이 나갔어요."),
        ("en", "I fell down the stairs at home and broke my arm, so I couldn't get to the post office in time."),
        ("zh-Hant", "奶奶入院，我要去醫院陪佢，安裝地址改到我媽媽屋企。"),
        ("zh-Hans", "请帮我延长保修期。住院证明复印件随信附上。"),
        ("zh-Hant", "下個月有三位新入住院友，要加租兩部機。"),
        # round 47 (rules 2026.12.07-94): a question whether it could shock, a split seam, a massage chair's airbag, a computer
        # that 'burned its life', a question 'nothing's happened, just nervous', injuries told as why the customer ordered or
        # needs a call, 'scared I'll hurt' a pet, a question whether an airbag could hurt a baby, a friend who says it is
        # dangerous, 'so angry I nearly needed a hospital', a courier's injury as the reason for a delay
        ("ko", "욕실에서 쓰면 감전될까 봐 걱정이에요. 사용법 알려 주세요."),
        ("ko", "소파 옆면 봉제선도 10cm 정도 터졌어요. 교환해 주세요."),
        ("ko", "안마의자 어깨 에어백이 안 부풀어요."),
        ("zh-Hans", "这台旧电脑燃烧生命陪了我八年，这次想换新款，问下以旧换新怎么算。"),
        ("en", "quick q - are these chews ok for a puppy, nothing's happened, just nervous after reading about choking."),
        ("en", "Broke my arm at work so I can't drive, that's why I paid for delivery, and it still came late."),
        ("zh-Hans", "我妈上个月摔伤了腿，所以才订你们的送餐，结果连着两天送错。"),
        ("zh-Hant", "我老公喺屋企跌親入咗醫院，所以好需要送貨前一日打電話確認。"),
        ("en", "I'm scared I'll hurt his mouth trying to open it."),
        ("zh-Hant", "想問安全座椅裝喺前座，萬一氣袋彈出會唔會傷到BB？"),
        ("zh-Hant", "我朋友話呢種嬰兒床墊好危險，想問下有冇認證。"),
        ("zh-Hans", "排了三个钟头的队，气得差点要送医院，服务太差了。"),
        ("ko", "택배 기사님 부상으로 인한 지연이라고 문자가 왔는데 언제 오나요?"),
        ("ko", "배송 기사님이 다치신 건 안타깝지만 일정은 알려 주셔야죠."),
        # round 48 (rules 2026.12.07-96): 'nothing has happened, I am only worried' in the same sentence, 속터지게 (frustrating),
        # 'a dangerous shop' to walk past, drinks dropped on a floor
        ("zh-Hant", "想問下水上樂園有冇救生員，目前沒有發生任何事只是擔心細路會唔會遇溺。"),
        ("ko", "속터지게 배송이 느려요. 언제 오나요?"),
        ("ko", "지나갈 때마다 들르게 되는 위험한 가게예요ㅋㅋ 크루아상은 좀 눅눅했어요."),
        ("zh-Hant", "退房時有啲飲品跌咗落地，職員就話要扣晒按金。"),
        # round 49 (rules 2026.12.08-98): injuries from somewhere else told as the reason for a request (harm_elsewhere),
        # 'waiting till I nearly exploded', a box 'as if run over', a warning sticker's words, a burn in the news, a hospital
        # stay that is why a booking was cancelled, nobody hurt beside 'I thought I would collapse'
        ("en", "My daughter broke her leg playing hockey on Saturday, so can we move her swimming lessons to next month?"),
        ("zh-Hans", "我上周打羽毛球摔断了手腕，下个月的课能不能帮我顺延？"),
        ("zh-Hant", "我阿媽上個月行山跌斷咗腳骨，啲會籍可唔可以暫停三個月？"),
        ("ko", "남편이 야구하다가 손가락이 부러져서 이번 주 레슨은 취소할게요."),
        ("en", "I came off my bike and broke my arm last week, which is why I could not collect the parcel in time."),
        ("zh-Hans", "等了半个月还没发货，我等到快要爆炸了。"),
        ("zh-Hant", "箱子寄到時像被車壓過，扁到不行，不過裡面東西沒壞。"),
        ("zh-Hans", "熨斗上那个“小心烫伤”贴纸太丑了，能不能做小一点？"),
        ("zh-Hans", "前几天看到新闻说有人用卷发棒烫伤了，你们这款有防烫设计吗？"),
        ("zh-Hans", "因老爸住院，10号打电话取消了预约，定金还没退。"),
        ("ko", "땡볕에 쓰러져 죽는 줄 알았어요, 다치거나 아픈 사람은 없었지만 직원 응대는 사과받고 싶어요."),
        # review of -98 (rules 2026.12.08-99): spicy food that made the eyes water, a question whether a scab after laser is normal
        ("zh-Hans", "吃了一口，眼睛都辣出眼泪了，太辣了。"),
        ("zh-Hans", "激光后结痂是正常现象吗？"),
    ],
)
def test_look_alikes_the_blind_sets_raised_are_not_p1(clf, language, text):
    """The false P1s of the blind sets' first runs, told in other words: hazard words used in
    another sense."""
    assert clf.classify(text=text, channel="web", language=language).priority != "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # blind set 19 (rules 2026.12.06-14): someone else's footage, a child's photo used without signed consent
        ("en", "The weekly email from the Homewatch app had someone else's footage in it: their hallway, their kitchen, their door code."),
        ("en", "I keep getting someone else's camera clips in my app."),
        ("zh-Hans", "推广文章里有她女儿的正脸照片，客户说报名时从来没签过同意拍照宣传的东西。"),
        # sets 26 to 29: details sent to a stranger, left out, or used privately by staff
        ("en", "I received an email with another woman's personal details: her date of birth, phone number and messages."),
        ("en", "The sign-in sheets with our names and numbers were left on the counter for anyone to see."),
        ("zh-Hans", "那个店员用我登记的电话号码私下加我微信约我吃饭。"),
        ("ko", "승객 신고서를 누구나 볼 수 있게 창구 옆에 놓아 두었습니다."),
        ("ko", "수선 맡긴 직원이 제 번호로 사적인 연락을 해 옵니다."),
        # sets 38 to 41: results shown to an employer, documents sent to a stranger, photos used without consent, 依法追究
        ("en", "My manager had a copy of my test results; I never agreed to them being shared with anyone."),
        ("en", "Your caseworker sent my passport scan and bank statements to someone else."),
        ("zh-Hans", "贵司擅自使用我校学生的照片做宣传，否则我们将依法追究责任。"),
        # blind set 49: names, numbers and home addresses posted in a group chat
        ("zh-Hans", "家长群里有人发了一张表格截图，上面有几十位读者的姓名、手机号和家庭住址。"),
        # blind set 52 (rules 2026.12.06-25): photos of a home posted unasked, a client's files in another's folder
        ("en", "Nobody asked us whether photos of the kids' rooms could be posted on your page, and now they are."),
        ("en", "My tax forms were sitting in another client's portal folder for anyone with his login to read."),
        # blind set 57 (rules 2026.12.06-29): travel records handed to an agent, the data protection acts
        ("zh-Hans", "你们把我的出行记录给了房产中介，他们连我几点进站都知道。"),
        ("en", "Under the Data Protection Act I want to know what you shared about me."),
        ("ko", "개인정보 보호법 위반 아닌가요? 제 이용 내역이 광고 문자로 돌아옵니다."),
        # blind set 61 (rules 2026.12.06-30): a member list passed to partners without consent
        ("ko", "동의도 없이 회원 명단을 제휴 여행사에 넘긴 것 같습니다. 어디에 제공했는지 알려 주세요."),
        # blind set 101 (rules 2026.12.06-46): details handed to an insurer
        ("en", "I want to know who you have passed my details to: an insurer rang me quoting my cat's chip number."),
        # blind set 71 (rules 2026.12.06-40): a transcript with an ID number sent to a stranger
        ("zh-Hans", "我的成绩单连同身份证号被发给了一个陌生人。"),
        # blind set 112 (rules 2026.12.06-48): a photo and profile in an advert without consent
        ("ko", "탈퇴한 회원인데 제 얼굴 사진과 프로필이 동의 없이 인스타 광고에 쓰였습니다."),
        # blind set 118 (rules 2026.12.06-49): a customer's house posted on Facebook
        ("en", "Your technician put my house on Facebook with my house number showing, and I never agreed to it."),
        # blind sets 125 and 126 (rules 2026.12.06-51): a name and phone posted on a fan page, browsing data sold
        ("zh-Hant", "你們在粉專公開了我的姓名和電話，請立即刪除。"),
        ("en", "Your extension has been sending every URL we visit to an advertising firm."),
        # blind set 131 (rules 2026.12.06-52): a late mother's illness in a fundraising letter
        ("en", "Please explain the use of my late father's details in your fundraising letters to our neighbours."),
        # blind set 141 (rules 2026.12.06-56): a consultation posted on Instagram, 개인정보 침해
        ("ko", "제 상담 내용이 가게 인스타에 그대로 올라왔습니다. 개인정보 침해로 보고 조치를 요구합니다."),
        # blind sets 146 and 148 (rules 2026.12.06-57): children's photos used in an ad, a member list posted on a blog
        ("en", "I never agreed to our daughters being used to advertise your carriage rides; take the post down."),
        ("ko", "회원 명단이 블로그에 그대로 올라가 있어요. 전화번호까지 다 보입니다."),
        # blind set 155 (rules 2026.12.06-58): contacts uploaded to analytics servers
        ("en", "Your app has been uploading my contacts to third-party analytics servers without asking."),
        # blind sets 158 and 159 (rules 2026.12.06-59): the Privacy Commissioner, a statement emailed to another customer, staff photos posted without permission, a number taken from the booking system
        ("en", "If this isn't sorted I will complain to the Privacy Commissioner."),
        ("en", "Your accounts team emailed another customer my statement with my bank details on it."),
        ("en", "Photos of our staff were posted on your Facebook page without permission."),
        ("en", "One of your waiters got my number from the booking system and keeps texting me."),
        # blind sets 164 and 166 (rules 2026.12.06-60): a phone not wiped and someone posing as its owner, a son's photo posted without asking
        ("zh-Hans", "回收的旧手机没清数据，有人冒充我向朋友借钱。"),
        ("en", "You posted my daughter's photo on your page without asking us."),
        # blind sets 171 and 175 (rules 2026.12.06-61): a child's photo posted with no consent form signed, a phone number sold to a partner firm
        ("ko", "저희 아이 사진을 학원 블로그에 올리셨는데 게시 동의서 쓴 적 없습니다. 내려 주세요."),
        ("zh-Hans", "我们的电话是不是被你们卖给了合作的装修公司？每天都有推销。"),
        # blind sets 178 and 181 (rules 2026.12.06-62): how my details got out, a phone and address written in a review reply, strangers who recite ID numbers
        ("en", "A text arrived quoting my name and order number; I want to know how my details got out."),
        ("ko", "판매자가 후기 답글에 제 전화번호랑 주소를 다 적어 놨어요."),
        ("zh-Hans", "陌生人能准确报出我的身份证号和住址，怀疑你们内部泄露。"),
        # blind sets 182 and 183 (rules 2026.12.06-64): someone else's passport number in my letter, a spreadsheet showing every member's contact details, bank details passed on without agreeing, my results sent to someone else
        ("en", "The letter you posted to me contained someone else's passport number and date of birth."),
        ("en", "The spreadsheet showing every member's email and phone number went round the whole club."),
        ("en", "I did not agree to my bank details being passed on to the landlord."),
        ("ko", "제 검사 결과가 다른 사람한테 갔다는 게 말이 됩니까?"),
        # blind sets 188 and 190 (rules 2026.12.06-66): a dispute referred to a board, our advocates' letter of demand, a route made public without asking (擅自公开), a prescription with name and diagnosis on show
        ("en", "I have referred the matter to the Energy Appeals Board."),
        ("en", "Our advocates have served you with a letter of demand."),
        ("zh-Hans", "平台擅自公开了我的行程轨迹，陌生人都能看到。"),
        ("zh-Hans", "我的处方单被拍下来，姓名和诊断全露着。"),
        # blind sets 194 and 196 (rules 2026.12.06-67): photos of our home published without asking, contact details shown to everyone (연락처가 전체 공개돼)
        ("en", "You published photos of our home on your website without asking."),
        ("ko", "판매글마다 제 연락처가 전체 공개돼 있었어요. 동의한 적 없습니다."),
        # rules 2026.12.06-68: "never agreed" to our numbers being shown (round 28's pattern read "agree" + "ed")
        ("en", "We never agreed to our phone numbers being shown to the other tenants."),
        # blind sets 200, 201 and 203 (rules 2026.12.07-69): counsel retained, a suit filed in a Superior Court, a consumers' association, a list of names, addresses and numbers sent out, my photos in a promotion (제 … 사진이 … 홍보)
        ("en", "We have retained counsel over the deposit."),
        ("en", "I am filing suit in Superior Court next week."),
        ("en", "I have taken this to the Consumers' Association."),
        ("en", "The email went out with all our names, addresses and phone numbers visible."),
        ("ko", "제 시술 사진이 허락도 없이 병원 홍보 게시물에 쓰였어요."),
        # blind set 208 (rules 2026.12.07-70): a face posted without a mosaic (모자이크도 없이 제 얼굴), an ID card left visible in a photo (신분증 앞면이 그대로)
        ("ko", "매장 게시판에 모자이크도 없이 제 얼굴 사진이 붙어 있었어요."),
        ("ko", "택배 사진에 제 신분증 앞면이 그대로 보였습니다."),
        # blind sets 218 and 219 (rules 2026.12.07-73): scans shown to other customers, personal data used "so freely" (이렇게 함부로), other people's numbers showing on a lookup page
        ("en", "My scanned photos were shown to other customers in their galleries."),
        ("ko", "개인정보를 이렇게 함부로 쓰셔도 됩니까?"),
        ("ko", "다른 사람 전화번호가 다 보여요."),
        # blind set 225 (rules 2026.12.07-74): a house number clearly visible in a fitter's post, "name and shame", personal information passed on without consent, details shown to a stranger
        ("en", "A photo of our porch with the house number clearly visible was posted by your fitter."),
        ("en", "Your driver shared it with the caption 'name and shame'."),
        ("en", "I never consented to my personal information being passed to your partners."),
        ("en", "My personal details were shown to the man at the next desk."),
        # found probing what the legal detector of round 36 was meant to catch (rules 2026.12.07-76): photos put online "without asking me", account details read out to an ex-husband, a phone number told to another customer (다른 고객에게 알려줬습니다)
        ("en", "The engineer took photos inside my flat and your company put them on its Instagram page without asking me."),
        ("en", "Your call centre read out my account details to my ex-husband when he rang pretending to be me."),
        ("en", "The shop assistant told my phone number to another customer who wanted to call me."),
        ("ko", "당신네 직원이 제 주소와 전화번호를 다른 고객에게 알려줬습니다."),
        ("ko", "기사님이 제 휴대폰 번호를 다른 손님한테 알려줬대요."),
        # round 37 (rules 2026.12.07-80): ID photos, then loans applied for in my name ("who has my data now"), another guest's passport number on my receipt, a stranger's medical records in my download, papers faxed to the wrong firm, photos in an advert never authorised, a name and room number readable in a video
        ("zh-Hans", "身份证照片只发给过你们，现在有人用我的名字办了信用卡，我要知道是谁拿了我的资料。"),
        ("ko", "영수증에 다른 사람 이름이랑 여권번호가 그대로 찍혀 나왔어요."),
        ("ko", "받은 파일에 모르는 분의 진단서가 스캔돼 있었어요."),
        ("ko", "제가 보낸 서류가 다른 회사로 잘못 전송됐다고 연락이 왔어요."),
        ("zh-Hans", "我们从来没有授权过你们把照片用于广告，请马上下架。"),
        ("zh-Hans", "视频里我的名字和房间号看得清清楚楚，请马上删除。"),
        # round 38 (rules 2026.12.07-82): another firm's staff faces on an admin screen, a customer list used for another business's adverts
        ("ko", "관리자 화면에 다른 회사 직원들 얼굴 사진이랑 연락처가 떠 있어요."),
        ("ko", "저희 고객 연락처를 다른 업체 광고에 쓴 거 맞죠?"),
        # round 39 (rules 2026.12.07-83): test results "leaked to" an insurer, data "sold to" a training firm, a stranger's order under "my account", other people's addresses in an app, a checkout list of other customers' names, other flats' car numbers (다른 집 차량번호)
        ("zh-Hans", "我的体检结果被泄露给了保险公司，请解释。"),
        ("zh-Hans", "你们是不是把我的资料卖给了培训机构？"),
        ("zh-Hans", "点进我的账户，看到的却是别人的订单，姓名电话都有。"),
        ("zh-Hant", "APP裡可以看到別人的住址和電話。"),
        ("en", "The dropdown at checkout listed other customers' full names and addresses."),
        ("ko", "앱에서 다른 집 차량번호랑 전화번호가 다 보여요."),
        # round 40 (rules 2026.12.07-84): information shown that "I never agreed to", a referee called where "I did not allow", a
        # passport number "in a stranger's hands", an ID-card photo among files sent to a stranger, answers "for statistics only"
        # sold on, a child's allergy shown to other parents, a passenger list "seen in full by strangers" (被陌生人看光)
        ("ko", "제가 동의한 적도 없는 정보가 앱에 그대로 떠요."),
        ("ko", "제가 허락하지 않은 회사에 제 연봉을 알려 줬답니다."),
        ("ko", "주민등록번호가 모르는 사람 손에 넘어갔을까 봐 잠을 못 잡니다."),
        ("ko", "돌려받은 외장하드에 남의 자료랑 제 신분증 사진까지 들어 있었어요."),
        ("ko", "연구 목적으로만 쓴다더니 보험 광고 전화가 와요."),
        ("ko", "아이 병력까지 다른 학부모들한테 다 보였대요."),
        ("zh-Hant", "名單上有我的地址和電話，整個群組的陌生人都看光了。"),
        # round 41 (rules 2026.12.07-85): a claim "issued through Money Claim Online" (an exclude for "issued a" had eaten it),
        # an address "anyone can see", a privacy problem (隐私问题), footage used "without my authorisation", an ID card
        # "taken by whom", photos gone "to a stranger", a leak (유출 사실) asked about
        ("en", "I have issued a claim through Money Claim Online for the refund and the court fee."),
        ("en", "Why is our address online for everyone? Anyone can see it on your map."),
        ("zh-Hant", "這已經是很嚴重的隱私問題了，請說明。"),
        ("zh-Hans", "我从来没授权你们用我的照片做宣传。"),
        ("zh-Hans", "我的身份证复印件到底被谁拿走了？"),
        ("ko", "제 사진이 엉뚱한 사람한테 전달됐다고 합니다."),
        ("ko", "이번 유출 사실을 관계 기관에 신고했는지 알려 주세요."),
        # round 43 (rules 2026.12.07-88): a nanny's videos of a child posted on social media, "I never agreed"
        ("zh-Hans", "保姆把我家孩子的视频发到了小红书上，我从来没同意过。"),
        # round 44 (rules 2026.12.07-89): a pupil's answer sheet on an academy's blog, never asked; boxes of client files left
        # where anyone could read them
        ("ko", "학원이 아이 답안지를 블로그에 올렸는데, 올려도 되냐고 물어본 적이 없어요."),
        ("zh-Hant", "搬家公司把我們的客戶資料箱丟在樓下，任何人都能翻閱。"),
        # round 45 (rules 2026.12.07-90): a body-composition sheet posted in a group chat, "never agreed"; a passport posted
        # with name and address visible; a caller who knew a customer's name, number and hospital stay
        ("ko", "트레이너가 제 인바디 결과지를 단톡방에 올렸어요. 동의한 적 없어요."),
        ("zh-Hant", "店員把我的護照拍照放上網，名字同住址全部看得到。"),
        ("en", "The caller knew my name, my mobile number and that I had been in hospital."),
        # round 46 (rules 2026.12.07-93): a clip of a customer's children posted without asking, a customer's photos passed
        # round among staff, another customer's receipt with his name and phone in my bag
        ("en", "The venue posted a clip of my twins dancing on its page, without asking."),
        ("ko", "수리 맡긴 노트북 사진을 직원들끼리 돌려 봤다고 하네요."),
        ("zh-Hant", "袋入面有張唔係我嘅收據，上面有另一位客人嘅姓名同電話。"),
        # round 47 (rules 2026.12.07-94): a number sold or passed on, strangers who called the customer by her full name
        ("ko", "제 번호를 누가 팔았는지 광고 문자가 계속 와요."),
        ("zh-Hans", "刚办完会员，就有卖保险的打电话来，说得出我的全名。"),
        ("zh-Hant", "你哋係咪把我號碼給了別人？點解有人打嚟推銷？"),
        # round 48 (rules 2026.12.07-96): a face posted unblurred, another guest's order confirmation sent to me, a diagnosis
        # read out loud in a pharmacy
        ("zh-Hans", "你们店的宣传海报用了我的照片，脸都没打码。"),
        ("zh-Hant", "你哋寄咗另一位客人嘅訂單確認俾我，上面有佢全名同電話。"),
        ("ko", "약사님이 제 병명을 큰 소리로 말씀하셔서 다른 손님들이 다 들었어요."),
        # round 50 (rules 2026.12.08-99): a signature shown in a shop's online gallery
        ("en", "Your website shows my handwritten signature next to the product photos, and nobody asked me."),
    ],
)
def test_personal_data_misuse_the_blind_sets_raised_is_legal(clf, language, text):
    """The personal-data cases the blind sets' first runs missed, told in other words."""
    c = clf.classify(text=text, channel="email", language=language)
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The driver was texting the whole way down the motorway and nearly went into the back of a van; my daughter hit her face on the seat."),
        ("en", "The instructor was chatting and waved him off without checking his harness; he fell and has two stitches in his chin."),
        ("zh-Hans", "司机一路打哈欠，车往护栏那边飘了好几次，我吓得一直叫他。"),
        ("zh-Hans", "安全员一直低头看手机，前面的车撞墙了也没有叫停，我儿子追尾撞到下巴流血。"),
        ("ko", "직원한테 바닥에 쏟은 음료 닦아 달라고 했는데 안 왔고, 그 사이 아이가 미끄러져 다쳤어요."),
        # safety sets 50 and 51 (rules 2026.12.06-23): a driver who moved off too soon, a person left alone
        ("en", "The bus driver pulled away before my mother had sat down; she fell into the aisle and fractured her wrist."),
        ("zh-Hans", "潜水教练把我妻子一个人留在水下，她慌了往上冲，耳朵流血。"),
        ("zh-Hant", "未坐低司機已經開車，阿婆跌倒，手腕骨折。"),
        # safety sets 54 and 55 (rules 2026.12.06-24): staff who put a customer by a forklift, said it was
        # fine, left a tool plugged in, knew of an allergy, locked a child in a van
        ("en", "The yard operative told my father to stand next to the stack while he lowered the forks, and a block fractured his toe."),
        ("en", "His allergy is on his registration form, yet a member of staff gave him a peanut biscuit and his lips swelled."),
        ("zh-Hans", "工人说没事，您坐着就行，结果砖块飞出来砸中我母亲，锁骨骨折。"),
        ("ko", "인부가 그라인더를 꽂아 둔 채 두고 담배를 피우러 나갔고, 아이 손가락이 베였어요."),
        ("ko", "사범님이 차 문을 잠그고 가 버려서 아이가 차 안에 한 시간 갇혀 있었어요."),
        # safety set 59 (rules 2026.12.06-26): a driver who had been drinking, a brazier carried into a tent
        ("zh-Hans", "中午看见司机喝了半瓶白酒，下午车就翻了，我妈锁骨骨折。"),
        ("ko", "직원분이 숯불 화로를 텐트 안에 넣어 주고 가셨는데 새벽에 일산화탄소 중독으로 병원에 실려 갔어요."),
        # safety set 58 (rules 2026.12.06-28): a waiter who never asked the kitchen, a server on his phone
        ("en", "The waiter said it had no nuts but never actually asked the kitchen; my daughter's lips swelled and she was wheezing."),
        ("zh-Hant", "伙記望住電話倒滾水，淋落我個仔隻手，即刻起水泡。"),
        # safety set 63 (rules 2026.12.06-31): a demonstration flight in an aisle, a trolley pushed into a customer
        ("zh-Hans", "店员在通道里演示遥控飞机，飞机冲下来打在我儿子眼角，缝了三针。"),
        ("zh-Hant", "職員推住手推車衝埋嚟，撞跌我阿媽，佢手腕腫晒要去急症。"),
        # safety set 62 (rules 2026.12.06-32): a guard on his phone, disinfectant poured into a pool in use,
        # a waiter told of an allergy who said it was fine, a trainer who kept the burpees coming
        ("zh-Hans", "保安站在扶梯口低头看手机，孩子的脚被夹出一道口子，缝了三针。"),
        ("zh-Hans", "工作人员直接往泳池里倒消毒粉，没有清场，孩子喘不上气送了医院。"),
        ("zh-Hant", "已經講明個仔對花生敏感，侍應仲話冇問題，食完嘴唇腫埋要去急症室。"),
        ("ko", "가슴이 조인다고 했는데 트레이너가 엄살 부리지 말라며 계속 시켰고, 결국 쓰러져 119로 이송됐습니다."),
        # safety sets 66 and 67 (rules 2026.12.06-35): an operator who sprayed on, a driver on the phone,
        # a barber on his phone, a nurse who sent a patient down alone, a known condition waved off
        ("en", "The operator kept spraying right up to the rows even after the supervisor waved at him to stop; two pickers were sick."),
        ("en", "The barber was on his phone with the razor in his hand and cut my ear; it bled through two towels."),
        ("zh-Hans", "升降机司机一边打电话一边操作，笼子猛地往下冲，工人摔倒骨折。"),
        ("ko", "간호사가 혼자 내려가시라고 해서 어머니가 계단에서 넘어지셨어요, 손목 골절입니다."),
        ("ko", "당뇨가 있다고 분명히 말했는데 뒤꿈치를 깊게 깎아서 피가 났고 결국 입원했어요."),
        # safety set 69 (rules 2026.12.06-38): a dog treatment used on a cat, a bucket of pool chemicals left out,
        # children sent into the water without life jackets
        ("en", "Your staff put a dog flea treatment on our cat and now he is twitching and on a drip."),
        ("ko", "직원분이 소독약 탄 양동이를 마당에 그냥 두셔서 강아지가 마시고 밤새 토했어요."),
        ("zh-Hant", "職員叫班細路喺船尾跳落水，救生衣都冇叫佢哋著，個仔飲咗好多水。"),
        # safety sets 74 and 75 (rules 2026.12.06-40): sparring without a helmet, a staff member who walked off,
        # "써도 돼요" about a machine marked out of order, the wrong medicine handed over unchecked
        ("zh-Hans", "教练让我儿子跟成年人对打，连头盔都没戴，被踢到头，吐了两次。"),
        ("zh-Hant", "職員幫阿爺開咗部跑步機就走開咗，阿爺跌落嚟撞到額頭要縫針。"),
        ("ko", "직원이 점검중 표시가 붙은 기구를 써도 된다고 해서 썼는데 발판이 내려앉아 무릎 인대를 다쳤습니다."),
        ("zh-Hans", "店员没核对就给了另一种降糖药，我母亲吃了两天晕倒送医。"),
        # safety sets 29 and 51, which a retrained model stopped getting right (rules 2026.12.06-41): staff who
        # dropped, spilled or tipped something hot onto a customer
        ("en", "The waiter tipped a pot of boiling tea over my son and his arm blistered."),
        ("zh-Hans", "服务员把一锅热汤打翻在我女儿手上，起了水泡。"),
        ("ko", "직원분이 뜨거운 숯을 들고 지나가다가 아이 팔에 떨어뜨렸고 2도 화상 진단을 받았습니다."),
        # safety set 81 and 80 (rules 2026.12.06-42): an instructor on his phone far off, a hairdresser chatting,
        # a waiter asked not to who did it anyway, a camp leader who led children into a rising stream
        ("en", "The instructor, by every parent's account, sat at the far end of the jetty on his phone while my son capsized and swallowed water."),
        ("zh-Hant", "髮型師一路同同事傾偈，電剪鏟落個仔耳仔，割開一條口，血流不止。"),
        ("zh-Hant", "叫咗伙記唔好放熱水壺喺BB凳隔籬，佢照樣放，個仔隻手燙傷。"),
        ("zh-Hant", "溪水變急，輔導員仍要求孩子涉水，小孩被沖走撞傷縫針。"),
        ("ko", "인솔교사가 인원 확인 없이 출발해서 아이가 휴게소에 혼자 남겨졌습니다."),
        # safety sets 86 and 87 (rules 2026.12.06-43): a cab driver on a video call, a coach driver watching videos,
        # a bus driver who closed the door on an arm, a play scheme whose staff never noticed a child was gone
        ("en", "The driver was on a video call the whole way and I was thrown against the seat when he braked; I had a lump on my head."),
        ("zh-Hans", "司机一边开车一边用手机看视频，车子一甩我从上铺摔下来，肩膀脱臼。"),
        ("ko", "기사님이 어머니가 내리시는 중에 문을 닫으셨고 어머니가 넘어지셔서 손목이 부러졌습니다."),
        ("en", "A stranger brought my son back from the road; none of the staff had noticed he was missing."),
        # safety sets 92 and 93 (rules 2026.12.06-44): a server asked to keep a skillet away, an assistant who
        # told an old man to lift slabs himself and walked away, 店员倒车, 직원 시연
        ("en", "I asked our waiter to put the hot plate on my side; he set it in front of my son, who burned his hand."),
        ("en", "The assistant said grab them yourself and walked off; the slab landed on my father's foot and broke two toes."),
        ("zh-Hans", "店员开叉车倒车不看后面，把我女儿撞倒，脚背被压伤。"),
        ("ko", "직원분이 찜기 시연을 하다가 뚜껑을 여셔서 아이 얼굴에 화상을 입었습니다."),
        # safety sets 98 and 99 (rules 2026.12.06-45): staff who insisted, hurried passengers off, set off without
        # checking, waved a car on into a person, stood a customer under a ladder, ignored an allergy
        ("zh-Hans", "工作人员非让我妈拉着小推车坐扶梯，结果连人带车滚下去，头上起了个大包。"),
        ("zh-Hant", "船員船都未泊好就大叫我哋快啲落船，個仔一腳踩空，小腿刮到出血要縫針。"),
        ("ko", "기사님이 확인도 안 하고 바로 출발해서 어머니가 통로에 넘어지셨고 갈비뼈에 금이 갔어요."),
        ("ko", "선원이 계속 손짓을 해서 앞으로 갔는데 아내 다리가 범퍼 사이에 끼어 인대를 다쳤습니다."),
        # safety sets 104 and 105 (rules 2026.12.06-46): alcohol poured on a lit burner, a wet floor without a sign,
        # a designated driver asked to slow down
        ("zh-Hans", "服务员往烧着的炉子里倒酒精，火一下窜起来，我老公手臂烧伤。"),
        ("zh-Hant", "職員拖地唔擺告示，我阿媽跣低跌斷腳骨。"),
        ("ko", "천천히 가 달라고 두 번이나 말했는데 대리기사님이 급정거를 해서 아이가 이마를 박고 혹이 났어요."),
        ("zh-Hans", "导购员让我母亲站在梯子底下帮忙接灯，灯滑下来把她手臂划开，缝了五针。"),
        ("zh-Hant", "店員不顧我說會過敏，硬幫我擦精華，第二天臉部化學性灼傷。"),
        ("zh-Hant", "已經同店員講明個女對花生敏感，佢話冇，食完嘴唇腫起要打腎上腺素筆。"),
        # safety sets 110 and 111 (rules 2026.12.06-47): a carer who logged out early, a host who locked the door,
        # a marshal who waved people onto the ice, kit left lying across the mats
        ("en", "The carer left my father on the toilet and logged out after 8 minutes; he fell trying to stand and broke his wrist."),
        ("zh-Hans", "主持人把密室的门从外面反锁了，烟雾机一直开着，我儿子哮喘发作喘不上气。"),
        ("ko", "안전요원이 들어가도 된다고 해서 들어갔는데 얼음이 깨져 아버지가 물에 빠지셨고 저체온으로 입원하셨습니다."),
        ("en", "Staff had left a ladder and tools lying across the crash mats and my daughter landed on them and broke her arm."),
        # safety sets 116 and 117 (rules 2026.12.06-48): a trainee who went to the back room, a forklift turned without a word,
        # a guard who waved the train off, a coach who told a client to stop being soft
        ("en", "The trainee left my mother under the hood dryer and went to the back room; her ears blistered."),
        ("ko", "직원이 지게차로 팔레트를 옮기면서 비키라는 말 한마디 없이 돌려서 포대가 떨어져 아버지 쇄골이 부러졌습니다."),
        ("en", "The guard blew the whistle while my son's leg was stuck in the gap and the train moved; his ankle is swollen."),
        ("en", "Coach Dan told her in front of everyone to stop being soft, and she collapsed and cut her eyebrow."),
        # safety sets 122 and 123, blind set 121 (rules 2026.12.06-49): a driver smelling of liquor, a cab that pulled away,
        # an instructor who insisted, doors shut on a child, a display dragged through a crowd, a donor left on his own
        ("en", "The driver was smelling of liquor and the rickshaw tipped over; my mother fractured her collarbone."),
        ("en", "Dad was still getting out with his stick when the cab pulled away, and he fell and cut his head."),
        ("en", "My instructor insisted I ride on the dual carriageway in the rain; I came off and fractured my wrist."),
        ("en", "The driver shut the doors on my son's arm and started to move; he was dragged a few steps."),
        ("ko", "진행요원이 붐비는 통로에서 진열대를 끌어서 옮기다가 유모차가 떨어져 아이 머리를 꿰맸어요."),
        ("en", "He said he felt faint twice and was left on his own while the staff dealt with the queue; he blacked out and hit his head."),
        # safety sets 128 and 129 (rules 2026.12.06-51): a magician among the children, a wheelchair without its brakes,
        # a hot plate passed over a child, a platform guard, a bus that left before the passenger sat, no sign out
        ("en", "The magician walked in right among the children with a flame on his hand and a girl's hair caught fire."),
        ("en", "The driver left my father's wheelchair on the ramp without putting the brakes on; it rolled and he hit his head."),
        ("zh-Hans", "服务员端着烧红的铁板从孩子头顶递过去，铁板掉在孩子胳膊上，起了水泡。"),
        ("zh-Hans", "站台工作人员挥旗示意关门，把我父亲夹倒在站台上，后脑着地。"),
        ("zh-Hant", "司機很急地開車，我媽媽還沒坐好就跌倒，額頭撞到扶手流血。"),
        ("ko", "직원이 바닥에 세정제를 뿌려 놓고 안내판도 없이 물청소를 해서 아버지가 미끄러져 골절되셨습니다."),
        # safety sets 134 and 135 (rules 2026.12.06-52): a guard's whistle, a kids' club that never noticed, a bus driver who
        # pulled off, a cleaner with no sign out, a waiter who reached over a child, a masseur who kept pressing
        ("en", "The guard blew his whistle while my mother was stepping down and she fell between the train and the platform; her wrist is fractured."),
        ("en", "Nobody in the kids club had even noticed he was gone; a cleaner found him alone at the edge of the pool."),
        ("zh-Hant", "車長未等我媽媽坐穩就大力開車，佢跌倒撞到頭。"),
        ("zh-Hant", "清潔姐姐射水之後冇擺牌，我阿媽行過跌低，而家照緊X光。"),
        ("zh-Hant", "服務員加湯時從小孩後面伸手越過去倒，湯潑到孩子手臂起水泡。"),
        ("zh-Hant", "叫咗師傅停手佢都照揿，而家成隻手麻。"),
        # safety set 138 (rules 2026.12.06-53): a wheelchair without its brakes, a stylist out smoking, a hose with no warning,
        # a stylist chatting while cutting
        ("en", "The driver didn't put the brakes on the wheelchair and went off to look at his phone; Dad rolled off the ramp and cut his head."),
        ("zh-Hans", "上完药水套上加热帽以后理发师就跑到门口抽烟，我喊太烫也没人来，后脑勺起了水泡。"),
        ("zh-Hant", "職員拿水喉沖地又冇叫佢行開，我媽媽一轉身滑倒，髖骨撞地。"),
        ("ko", "디자이너가 옆 직원이랑 수다 떨면서 자르다가 아이 귀를 베어서 피가 났어요."),
        # safety set 139 (rules 2026.12.06-54): a chat agent who said switching off was not required, a demonstrator's sprayer
        ("en", "Your chat agent replied that switching off the mains was not required, you can proceed; when I opened the panel I got a shock and burned my hand."),
        ("en", "The demonstrator kept swinging the sprayer gun towards the crowd and paint hit my son in both eyes; the hospital irrigated his eyes."),
        # blind set 132 (rules 2026.12.06-55): a coach who was not watching (教练冇睇住)
        ("zh-Hant", "上堂嗰陣教練冇睇住，個仔俾大人推跌撞到木樁，手腕骨裂。"),
        # safety sets 144 and 145 (rules 2026.12.06-56): a lifeguard who turned his back to chat, pills given twice, a waiter hurrying with boiling soup, a server who did not look up
        ("en", "The lifeguard turned his back to chat with a friend and my son went under; he coughed up water."),
        ("en", "The care worker gave Mum her tablets twice this morning and she collapsed in the kitchen."),
        ("zh-Hant", "啲夥計捧住熱湯行得好快，撞到我個女，湯淋落佢隻手，起晒水泡。"),
        ("zh-Hans", "我说了对花生过敏，店员头都没抬就说没有，喝完喉咙肿了送急诊。"),
        # safety sets 150 and 151 (rules 2026.12.06-57): a coach who walked off to take a call, a marshal who waved everyone on, adults let onto a children's session, a gate left open behind him, a door chained shut, no warning sign, a window stop taken off and not put back
        ("en", "The coach walked off to take a phone call, leaving the kids alone on the trampolines, and my daughter landed on her neck."),
        ("en", "The marshal waved everyone on past a crashed kart and my son hit it; he has whiplash."),
        ("en", "Staff let a group of adults onto the toddler soft play and one of them knocked my son off the slide; he broke his arm."),
        ("en", "The agent showing the flat left the stair gate open behind him and my toddler fell down three steps and split her lip."),
        ("zh-Hant", "管理員把逃生門鎖住，火警時我們走不出去，女兒吸入濃煙住院。"),
        ("ko", "미화 직원들이 물청소를 하면서 표지판도 없이 통로를 막지 않아 아버지가 미끄러져 넘어지셨습니다. 손목이 부러졌어요."),
        ("zh-Hans", "保洁阿姨把窗户限位器拆了下来，走的时候没有装回，孩子差点从窗户掉下去。"),
        # safety sets 156 and 157 (rules 2026.12.06-58): a barrier dropped without looking, no helmet and the wrong side of the road, a beautician who carried on, a therapist who stepped out (走开)
        ("en", "The car park attendant pressed the button without looking and the barrier came down on my husband's head; he needed stitches."),
        ("en", "The bike taxi captain didn't give me a helmet and drove on the wrong side, so when he braked I hit the road and cut my knee open."),
        ("en", "I told the beautician the wax was too hot and she just laughed and carried on; my leg blistered."),
        ("zh-Hans", "推拿师说出去一下就走开了，烤灯一直对着我妈的膝盖，烫出了水泡。"),
        # safety sets 162 and 163 (rules 2026.12.06-59): told to climb the shelving, sent on without calling anyone, pushing a trolley while chatting, an old woman sent down the stairs
        ("zh-Hans", "乘务员一边推车一边和同事讲话，推车撞到我奶奶，她摔倒了。"),
        ("en", "Your staff told my mum to climb the shelving to get the box herself and she fell and broke her hip."),
        ("en", "At the water station they sent him on without calling anyone, and he collapsed and was taken to hospital."),
        ("zh-Hant", "工作人員叫阿嬤自己走樓梯落去，結果佢跌低撞到頭，縫咗三針。"),
        # safety sets 168 and 169, blind set 166 (rules 2026.12.06-60): the gas left on, wet-floor signs taken away, a forklift reversed while on the phone, seated by the kiln, a door shut and the bus pulled off
        ("ko", "직원이 어머니를 불가마 입구 바로 앞에 앉히고 깔개도 안 줬어요. 다리에 물집이 잡혔습니다."),
        ("ko", "아이가 내리는 중에 기사님이 문 닫고 출발해서 아이가 끌려가다 넘어졌어요. 무릎이 까졌습니다."),
        ("zh-Hans", "上门的厨师走前没关火，锅烧干冒烟，烟雾报警器响了半小时。"),
        ("en", "The cleaner took the wet floor signs away while the stairs were still wet and my father slipped and broke his hip."),
        ("en", "The yard lad was reversing the forklift while on his phone and knocked my son over; A&E checked his leg."),
        # safety set 172 (rules 2026.12.06-61): a child used to demonstrate a hold, nobody gave him safety glasses, a guide who said the river water was safe to drink, a floor hosed with no sign
        ("en", "The instructor used my son to demonstrate a hold at full strength and his collarbone was broken."),
        ("en", "Nobody gave my husband safety glasses and a chip of metal went into his eye, he had it removed at hospital."),
        ("en", "The guide told us the water was safe to drink straight from the river and four of us were sick for two days."),
        ("en", "Staff decided to hose the changing room floor while we were in it, no sign, no warning, and my mum slipped and cracked her wrist."),
        # safety set 180 (rules 2026.12.06-62): a carver joking while he cut, a floor just mopped with no sign
        ("zh-Hans", "烤肉师傅一边跟客人说笑一边切，刀划到了我儿子的手背，缝了三针。"),
        ("zh-Hans", "店员刚拖过地又没摆提示牌，我妈滑倒摔到了胯骨。"),
    ],
)
def test_a_hazard_caused_by_staff_conduct_is_p1_for_customer_service(clf, language, text):
    """A driver nodding off or a marshal on his phone is a service failure, not a defective
    product (`hazard_causes` and `evidence_for`, rules 2026.12.06-16): the hazard's evidence goes
    to service_attitude instead of product_quality."""
    c = clf.classify(text=text, channel="phone", language=language)
    assert (c.priority, c.category) == ("P1", "service_attitude")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The staff member at the desk was chatting on her phone and ignored me for ten minutes."),
        ("ko", "직원이 계속 휴대폰만 보고 있어서 주문을 받지 않았어요."),
        ("zh-Hans", "店员一直低头看手机，叫了好几次都不理人。"),
    ],
)
def test_staff_on_their_phones_without_a_hazard_is_an_attitude_complaint_not_p1(clf, language, text):
    """A hazard cause raises no priority by itself."""
    c = clf.classify(text=text, channel="web", language=language)
    assert c.priority != "P1" and c.category == "service_attitude"


def _with_model_settings(clf: Classifier, **settings) -> Classifier:
    """The shipped rules with some of rules.yaml's `model` settings changed, and the same model."""
    from routing.adapters.config_files import read_rules
    from routing.domain.classification.config import compile_rules

    config = read_rules()
    changed = config.model_copy(update={"model": config.model.model_copy(update=settings)})
    return Classifier(compile_rules(changed), clf.model)


@pytest.mark.parametrize(("name", "record_id"), [("safety_blind192.jsonl", "safety192-en-07")])
def test_a_hazard_the_text_model_says_staff_caused_goes_to_customer_service(clf, name, record_id):
    """A groundsman strimming round a maze full of families: no hazard_causes rule holds these
    words, but the model's hazard-cause part (trained on hazards alone, rules 2026.12.07-72; the
    category model asked without the hazard bonus from -63 to -71) gives staff conduct at least
    model.hazard_cause_min_probability. Without model.hazard_cause_categories the same record
    goes to quality. (Until rules 2026.12.07-69 the example was a barman's flaming shot,
    safety186-en-04; since the safety sets are training data the model reads that one as staff
    conduct even with the bonus on quality.)"""
    (record,) = [r for r in read_jsonl([DATA / name]) if r["id"] == record_id]
    decision = classify_record(clf, record)
    assert (decision.priority, decision.category, decision.department) == ("P1", "service_attitude", "customer_service")
    assert any("by the model>" in str(e.detail) for e in decision.explanation)
    without = classify_record(_with_model_settings(clf, hazard_cause_categories=[]), record)
    assert (without.priority, without.category) == ("P1", "product_quality")


@pytest.mark.parametrize(
    ("name", "record_id"), [("safety_blind228.jsonl", "safety228-en-23"), ("safety_blind312.jsonl", "safety312-zh-Hans-24")]
)
def test_a_hazard_no_rule_holds_is_found_by_the_models_hazard_detector(clf, name, record_id):
    """A 91-year-old left on her bedroom floor all morning because a key safe froze shut, until
    the ambulance crew took her in: no hazard rule holds these words (rules 2026.12.07-74), but
    the model's hazard detector reads a safety case at model.hazard_model_min_probability or
    more. The hit counts as a hazard's: P1, the hazard bonus to quality, care for the person
    first. Without the detector the same record is an ordinary complaint. Round 49's tent stove
    whose door would not close and a couple who woke with a pounding head and nausea (read at
    0.58) was missed at the line of 0.70 and is found at 0.50 (rules 2026.12.08-98)."""
    (record,) = [r for r in read_jsonl([DATA / name]) if r["id"] == record_id]
    decision = classify_record(clf, record)
    assert (decision.priority, decision.category, decision.department) == ("P1", "product_quality", "quality")
    (found,) = [e for e in decision.explanation if e.step == "priority"]
    assert found.rule == "model.hazard" and found.weight >= clf.rules.hazard_model_min_probability
    assert decision.motive == clf.rules.safety_motive.id
    without = classify_record(_with_model_settings(clf, hazard_model_min_probability=None), record)
    assert without.priority != "P1" and not any(e.rule == "model.hazard" for e in without.explanation)


@pytest.mark.parametrize(("name", "record_id"), [("unseen_industries_blind266.jsonl", "blind266-zh-Hans-47")])
def test_personal_data_no_rule_holds_is_found_by_the_models_personal_data_detector(clf, name, record_id):
    """A design studio's meeting recordings shared by links anyone could open, salaries seen by a
    stranger: no legal rule holds these words (rules 2026.12.07-88), but the model's
    personal-data detector reads a misuse of personal data at
    model.personal_data_model_min_probability or more (0.34 by model 8e1a936b, which had not seen
    the record; the models since are trained on it). The decision is legal and P1 at the
    detector's probability, uncertain below the triage threshold: then a person checks it.
    Without the detector the same record is a question about settings."""
    (record,) = [r for r in read_jsonl([DATA / name]) if r["id"] == record_id]
    decision = classify_record(clf, record)
    assert (decision.category, decision.department, decision.priority) == ("legal_regulatory", "legal", "P1")
    (found,) = [e for e in decision.explanation if e.rule == "model.personal_data"]
    assert found.weight == decision.confidence >= clf.rules.personal_data_model_min_probability
    assert decision.uncertain is (decision.confidence < clf.rules.confidence_threshold)
    without = classify_record(_with_model_settings(clf, personal_data_model_min_probability=None), record)
    assert without.category != "legal_regulatory" and not any(e.rule == "model.personal_data" for e in without.explanation)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # the two the shipped detector reads highest of these (0.18, 0.12): one's own profile, where to edit it
        ("zh-Hans", "我想查一下我的个人资料里的生日是不是对的"),
        ("ko", "개인정보 수정은 어디서 하나요?"),
        ("en", "I want to change the phone number on my account."),
        ("en", "Can you send me a copy of the data you hold about me?"),
        ("zh-Hans", "我的会员信息填错了，帮我改一下名字"),
        # what made a detector of every legal record read legal (round 36): a complaint made before, to the company
        ("zh-Hans", "我已经投诉过了，退款还没到。"),
        ("zh-Hant", "第三次打嚟投訴，仲未有人跟進"),
        ("ko", "구청 민원실에 문의했어요"),
    ],
)
def test_questions_about_ones_own_details_are_not_made_legal_by_the_personal_data_detector(clf, language, text):
    """Short texts that name personal details, or a complaint, without any misuse of them."""
    assert clf.rules.personal_data_model_min_probability is not None
    assert clf.classify(text=text, channel="web", language=language).category != "legal_regulatory"


@pytest.mark.parametrize(("name", "record_id"), [("unseen_industries_blind7.jsonl", "blind7-en-02")])
def test_a_legal_rule_the_model_disputes_keeps_its_route_at_a_low_confidence(clf, name, record_id):
    """A solicitors' firm whose office move went wrong: a legal hand rule reads the firm's name,
    the model reads a delivery. The decision stays legal and P1 (a legal rule's P1 is never
    dropped by the model), but at model.legal_disputed_confidence, not 0.95, so it is no longer
    among the confident decisions that coverage at 97 % precision counts first."""
    (record,) = [r for r in read_jsonl([DATA / name]) if r["id"] == record_id]
    decision = classify_record(clf, record)
    assert (decision.category, decision.department, decision.priority) == ("legal_regulatory", "legal", "P1")
    assert decision.confidence == clf.rules.legal_disputed_confidence < 0.95
    (disputed,) = [e for e in decision.explanation if e.rule == "model.disputes_legal"]
    assert float(disputed.detail.rsplit(" ", 1)[1]) < clf.rules.legal_disputed_below
    undisputed = classify_record(_with_model_settings(clf, legal_disputed_below=None), record)
    assert (undisputed.department, undisputed.priority, undisputed.confidence) == ("legal", "P1", 0.95)


def test_a_legal_rule_the_model_agrees_with_keeps_its_confidence(clf):
    text = "I have reported your company to the Information Commissioner's Office: you sold my personal data to a marketing firm."
    c = clf.classify(text=text, channel="email", language="en")
    assert (c.category, c.priority) == ("legal_regulatory", "P1") and c.confidence >= 0.95
    assert not any(e.rule == "model.disputes_legal" for e in c.explanation)


def test_the_text_model_does_not_move_a_product_hazard(clf):
    """A heater that burnt a child's hand stays a product's fault: the model is asked, and says so."""
    c = clf.classify(
        text="The heater in our hotel room smelt of burning within the hour and my son (6) burnt his hand on the casing; the front desk just moved us to another room.",
        channel="email",
        language="en",
    )
    assert (c.priority, c.category) == ("P1", "product_quality")


def test_medical_records_and_an_id_card_posted_in_a_group_chat_are_personal_data_misuse(clf):
    text = "护工把我母亲的病历和身份证照片发到了小区群里，我们从来没同意过。"
    c = clf.classify(text=text, channel="web", language="zh-Hans")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_skin_that_does_not_sting_is_not_p1(clf):
    text = "제모크림을 10분 발랐는데 털이 하나도 안 빠져요. 피부 따갑거나 그런 건 전혀 없어요."
    assert clf.classify(text=text, channel="sms", language="ko").priority != "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The new heater caught fire today. Your team handled last year's claim fairly, so I hope you will again."),
        ("zh-Hans", "今天新买的取暖器冒烟了。去年那次理赔你们处理得很好，这次也请尽快处理。"),
        ("en", "Last year's claim was settled, thank you. Today the replacement heater caught fire in the lounge."),
    ],
)
def test_a_new_hazard_beside_an_old_settled_claim_stays_p1(clf, language, text):
    """`harm_over` drops only the harm told with the settled matter: in its sentence, or in the
    sentence before it when that one is told in the past (rules 2026.12.06-23)."""
    assert clf.classify(text=text, channel="email", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text", "category"),
    [
        # earlier safety sets (rules 2026.12.06-16 and -21)
        ("en", "Two days after your service the front caliper twisted round and I went over the bars: the bolt had barely been tightened. Stitches in my chin.", "warranty_repair"),
        ("en", "The delivery crew carried the fridge up without the straps and one of them let go at the top. It slid down and pinned my father-in-law against the wall; his shin is badly cut.", "delivery"),
        # safety sets 50 and 51 (rules 2026.12.06-23)
        ("en", "The delivery men left the mirror leaning against the hall wall and it fell on my son; he needed stitches.", "delivery"),
        ("en", "The paper boy knocked my daughter over with his bike and rode off.", "delivery"),
        ("zh-Hans", "送货员把旧冰箱横放在走廊里，我妈晚上被绊倒，手腕骨折。", "delivery"),
        ("ko", "택배 기사님이 박스를 계단에 쌓아 놓고 가서 할머니가 걸려 넘어지셨어요, 발목 골절이래요.", "delivery"),
        ("en", "The jelly cups are marketed at toddlers and my son choked on one.", "misleading_advertising"),
        ("en", "After your service the brake pipe union was finger-loose and I crashed into a wall.", "warranty_repair"),
        # safety sets 54 and 55 (rules 2026.12.06-24)
        ("en", "Your engineer replaced the element and the earth lead was never reconnected after the repair; my wife got a shock off the door.", "warranty_repair"),
        ("zh-Hant", "送貨師傅將手推車泊咗喺斜路頂，冇踩制，架車溜落去撞倒學生，腳踭扭傷。", "delivery"),
        ("zh-Hans", "送货师傅把柜体靠墙一放就走了，柜子倒下来压在孩子腿上，小腿骨裂。", "delivery"),
        # safety set 59 (rules 2026.12.06-26)
        ("en", "The driver let the mower slide off the tail lift and it landed on my father's foot; two toes are broken.", "delivery"),
        ("en", "After your fitter put the towbar on, two bolts were missing and the rest could be turned by hand. On the motorway the towbar tore away from the car.", "warranty_repair"),
        ("zh-Hant", "安裝師傅話鎖好了，點知固定腳根本沒卡進門框，車頂架喺高速飛出去，後面司機手被玻璃割傷。", "warranty_repair"),
        # safety set 58 (rules 2026.12.06-28)
        ("en", "Your driver left our shopping on the front steps in the dark and my mother went over the bags; 4 stitches in her forehead.", "delivery"),
        ("zh-Hant", "送啤酒個師傅將啤酒疊到好高擺喺後巷就走，塌落嚟砸中我哋阿姐隻腳。", "delivery"),
        # safety set 62 (rules 2026.12.06-32)
        ("zh-Hans", "你们送货的把米和油堆在楼梯拐角就走了，我妈绊了一跤，头磕在台阶上。", "delivery"),
        ("zh-Hant", "你哋送貨車喺停車場倒車冇人睇車尾，撞跌我個女，要縫四針。", "delivery"),
        # safety sets 66 and 67 (rules 2026.12.06-35)
        ("en", "Your driver swung a pack of joists off the crane over our heads and it came down on my labourer's shoulder.", "delivery"),
        ("zh-Hans", "送美容床的两个师傅卸货时没抬稳，床砸在我脚上，脚趾骨裂。", "delivery"),
        ("en", "Three weeks after your install the racking collapsed; half the base plates have no anchor bolts, and a picker was hurt.", "warranty_repair"),
        ("zh-Hant", "蒸臉機送修返回後噴出熱水，燙傷客人。", "warranty_repair"),
        ("ko", "컨베이어 수리 후 비상정지가 안 돼서 작업자 손가락이 골절됐습니다.", "warranty_repair"),
        # safety sets 74 and 75 (rules 2026.12.06-40)
        ("en", "Your driver left three gas bottles lying in the hallway and my father tripped over one; his shin is cut open.", "delivery"),
        ("zh-Hant", "速遞員將成箱玻璃樽由閘外掟入嚟，我個女執嘅時候界損手要縫針。", "delivery"),
        ("ko", "배송 기사가 카트를 밀고 급하게 들어오다가 할머니를 치셔서 넘어지셨어요, 손목 골절입니다.", "delivery"),
        ("ko", "기사님이 오셔서 레일을 조정하고 가셨는데 사흘 뒤 문짝이 빠져 아이 발가락이 골절됐어요.", "warranty_repair"),
        # safety sets 80 and 81 (rules 2026.12.06-42)
        ("en", "Your driver reversed out of the car park without looking and clipped a woman with a pram; her hip is badly bruised.", "delivery"),
        ("zh-Hant", "送石油氣師傅換完罐就走咗，冇幾分鐘成個廚房一陣臭雞蛋味。", "delivery"),
        ("ko", "배달 오토바이가 인도로 들어와서 할아버지를 치고 갔어요, 다리가 찢어졌어요.", "delivery"),
        ("en", "Since that visit there has been a smell of gas, and a flame came out sideways and caught my sleeve.", "warranty_repair"),
        ("zh-Hant", "隱形防跌網保養完，固定螺絲冇收緊，鋼纜成條由路軌甩咗出嚟，個仔隻腳伸咗出窗。", "warranty_repair"),
        ("ko", "기사님이 오셔서 앵커를 박고 가셨는데 그네 고리가 빠져 아이가 떨어졌어요.", "warranty_repair"),
        ("en", "Your engineer 'fixed' the beam and it came down on my daughter; the bolts were finger tight.", "warranty_repair"),
        # safety sets 86 and 87 (rules 2026.12.06-43)
        ("en", "The driver tossed the tub of pool chlorine over our gate and my son burned his hands on the tablets.", "delivery"),
        ("en", "The pallet rolled off the tail-lift and caught my colleague's leg; suspected broken tibia.", "delivery"),
        ("en", "Your fitter installed a loft ladder last month and it came away from the hatch; my husband fell and broke his ankle.", "warranty_repair"),
        ("en", "The doors have been closing on people since your service visit, and an elderly customer went down and bruised her hip.", "warranty_repair"),
        # safety sets 92 and 93 (rules 2026.12.06-44)
        ("en", "Your crew leaned the mirror against the hall wall and it fell on my son's legs; he needed stitches.", "delivery"),
        ("en", "The driver never set up the keg ramp, a keg bounced down the steps and broke three of our cellarman's fingers.", "delivery"),
        ("en", "Your delivery rider came along the footpath on his scooter and hit my daughter; she needed four stitches.", "delivery"),
        ("en", "Your technician came to replace the pump and that night the mattress went flat; my mother now has a pressure sore.", "warranty_repair"),
        ("ko", "기사님이 유리를 빼서 다시 끼우고 가셨는데 이틀 뒤 유리가 빠져 어머니 발이 찢어졌습니다.", "warranty_repair"),
        # safety sets 98 and 99 (rules 2026.12.06-45)
        ("en", "They wheeled the cabinet through the crowd on a sack truck and it tipped; a commuter was cut on the leg.", "delivery"),
        ("zh-Hant", "出升降機嗰陣其中一個師傅鬆手，雪櫃冧落嚟壓住工人姐姐隻腳，腳趾骨裂。", "delivery"),
        ("ko", "택배 트럭이 후진하면서 아이 자전거를 밀어 버려 아이 팔이 부러졌습니다.", "delivery"),
        ("zh-Hans", "你们送货的站在楼梯口直接往下扔箱子，砸到我婆婆头上，缝了三针。", "delivery"),
        ("zh-Hant", "送貨員將啲箱疊喺門口樓梯位就走咗，我阿媽俾箱絆親碌咗落樓梯。", "delivery"),
        ("zh-Hans", "电梯换完制动器第三天就溜梯，一位员工被绊倒，脚踝扭伤。", "warranty_repair"),
        ("ko", "점검 이틀 만에 주차 팔레트가 떨어져 직원이 이마를 꿰맸습니다.", "warranty_repair"),
        # safety sets 104 and 105 (rules 2026.12.06-46)
        ("zh-Hans", "送粥的骑手把一桶热粥放楼道地上就走了，孩子一脚踢翻，小腿烫得起泡。", "delivery"),
        ("zh-Hans", "送轮胎的师傅直接把轮胎从院门上扔进来，滚下去把我妈撞倒了。", "delivery"),
        ("en", "They did my brakes yesterday and a bleed nipple was left loose; the pedal went to the floor and I hit a van and hurt my neck.", "warranty_repair"),
        ("zh-Hant", "換完方向機後方向盤突然變得空空的，檢查說固定螺絲只鎖了一半。", "warranty_repair"),
        # safety sets 110 and 111 (rules 2026.12.06-47)
        ("en", "The fitter put up the stair gate, but it was not screwed into the wall at all; it gave way and my son fell down the stairs and cut his head.", "warranty_repair"),
        ("en", "The delivery driver handed my mother a curry instead of her allergy-safe meal and her face swelled up; she was taken to hospital.", "delivery"),
        ("zh-Hant", "送貨師傅搬梳化上樓時手鬆咗，梳化滑落壓傷我爸爸隻腳，骨裂。", "delivery"),
        ("ko", "배송 차량이 주차장에서 후진하다가 우리 딸을 쳐서 무릎이 찢어졌어요.", "delivery"),
        ("zh-Hans", "上周在你们门店换了刹车片，今天下坡刹车完全失灵，撞上护栏，手臂擦伤。", "warranty_repair"),
        # safety sets 116 and 117 (rules 2026.12.06-48)
        ("en", "Your delivery lads propped the steel shelving against the wall and left; one upright fell and broke my colleague's toe.", "delivery"),
        ("zh-Hans", "送货的师傅把两桶农药卸在门口就走了，桶盖没拧紧，孩子手上沾了起疹子。", "delivery"),
        ("en", "Your roofers re-did the conservatory roof on Thursday and today a glass panel slid out and cut my dad's arm.", "warranty_repair"),
        ("en", "He reversed the lorry over our manhole cover; two days later it gave way under my husband and he cracked two ribs.", "delivery"),
        ("en", "Your installers fitted the fume cupboard but the fan was never wired in, and a technician went dizzy.", "warranty_repair"),
        # safety sets 122 and 123 (rules 2026.12.06-49); mixing a cleaner with bleach is usage_guidance
        ("en", "Three days after collection from your workshop the carb leaked onto the exhaust and flames came up round my legs; I have burns on my calf.", "warranty_repair"),
        ("en", "Your cycle courier rode along the footpath and struck my mother; she fractured her wrist.", "delivery"),
        ("en", "The transporter driver left the car on my drive without putting the handbrake on; it rolled and broke my neighbour's foot.", "delivery"),
        ("ko", "택배기사가 세정제 박스를 담장 너머로 휙 던져서 통이 깨졌고 아이 손에 물집이 잡혔어요.", "delivery"),
        ("ko", "화장실 세정제에 락스를 같이 부었더니 매운 냄새에 어머니가 숨이 차서 응급실에 가셨어요. 같이 써도 되는지 알려 주세요.", "usage_guidance"),
        ("ko", "수리 받고 온 지 3일 만에 쓰다가 볼에 찌릿한 전기가 오고 빨간 줄이 생겼어요.", "warranty_repair"),
        # safety sets 128 and 129 (rules 2026.12.06-51)
        ("en", "The warranty engineer came on Monday to replace the motor; since then the frame gives my father a jolt up his arm.", "warranty_repair"),
        ("en", "Your fitters completed the wet room last week; the water came out scalding and she has scalds on her back.", "warranty_repair"),
        ("en", "Your courier left our front gate wide open and my toddler got out and was found on the road.", "delivery"),
        ("en", "The delivery van clipped my son with the back of the van on our drive; he has grazed knees.", "delivery"),
        ("zh-Hans", "送货小哥把一箱啤酒放在楼道窗台上就走了，被风吹下去砸到楼下老人的肩膀。", "delivery"),
        # safety sets 134 and 135 (rules 2026.12.06-52)
        ("en", "The handyman came out on Tuesday and cleared the flue; last night the room filled with smoke and the kids were coughing.", "warranty_repair"),
        ("en", "The site maintenance man replaced part of the flue and the joint wasn't sealed; we all had headaches and my wife was vomiting.", "warranty_repair"),
        ("en", "The driver put the suitcases at the top of the narrow stairs and my husband fell over them and broke his wrist.", "delivery"),
        ("zh-Hant", "送氣師傅一路講電話，石油氣罐放落地冇企穩，碌落樓梯砸斷我阿媽腳趾。", "delivery"),
        ("zh-Hant", "配送員說衣櫃先靠著就好，下次再來裝固定扣件；昨晚衣櫃倒下壓到女兒，手臂骨折。", "delivery"),
        ("zh-Hant", "你們師傅上週才來修落地窗，今天整片玻璃門倒下來壓到兒子，縫了五針。", "warranty_repair"),
        # safety set 139 (rules 2026.12.06-54)
        ("en", "Your freight crew didn't lock the casters on our sloping drive; the cabinet rolled and pinned my son's leg, deep bruising.", "delivery"),
        # safety sets 144 and 145 (rules 2026.12.06-56)
        ("en", "The driver left Dad's chilled meals out on the porch all afternoon and he got food poisoning from one.", "delivery"),
        ("en", "Your draymen left the hatch open and our cook fell into the cellar and broke his leg.", "delivery"),
        ("en", "Caller says our technician Mark replaced the heater element on Monday; yesterday it gave her son an electric shock.", "warranty_repair"),
        # safety sets 150 and 151 (rules 2026.12.06-57)
        ("en", "The delivery lads left the boxed 60kg rowing machine standing on its end in the hall and it fell on my daughter and broke her toe.", "delivery"),
        ("en", "Your courier was throwing the boxes of gas bottles over the fence and one split with a loud hiss and a strong smell of gas.", "delivery"),
        ("en", "They carried the wardrobe up the stairs without a trolley, dropped it and it knocked my father down; he has a cut head.", "delivery"),
        ("ko", "저희 기사가 셔터 모터를 교체한 뒤 다음 날 셔터가 내려와 직원 머리를 쳐서 병원에 갔습니다.", "warranty_repair"),
        ("zh-Hans", "卫生间电路是你们改的，孩子洗澡时手被电了一下，手心发红。", "warranty_repair"),
        ("ko", "배송 기사님들이 사다리차에 끈을 제대로 안 묶어서 냉장고가 떨어졌고 지나가던 아이가 파편에 맞아 다쳤어요.", "delivery"),
        # safety set 156 (rules 2026.12.06-58)
        ("en", "Your driver left the car on our drive with the handbrake off; it rolled into the road and knocked a cyclist off, who broke his collarbone.", "delivery"),
        # safety sets 162 and 163 (rules 2026.12.06-59)
        ("zh-Hant", "你們送貨的司機硬要把貨車倒進巷子，壓到一位阿伯的腳，送去醫院照X光。", "delivery"),
        ("zh-Hans", "吊牌只用了两颗膨胀螺丝，与方案不符，掉下来砸伤了顾客肩膀。", "warranty_repair"),
        ("en", "The driver carried the wardrobe in, then he stood the box on end in the hall; later it fell on my son and broke his wrist.", "delivery"),
        # safety sets 168 and 169 (rules 2026.12.06-60)
        ("ko", "배송 기사 두 명이 유리 상판을 벽에 기대 놓고 감. 상판이 넘어져 아이 다리에 유리가 박혀 응급실 갔어요.", "delivery"),
        ("en", "Your courier left two boxes of dry ice in our tiny stock room and shut the door; our manager went in and passed out.", "delivery"),
        ("en", "The exhaust fan was replaced by your tech on Monday; on Wednesday it caught fire.", "warranty_repair"),
        ("en", "Our engineer came to replace the valve and the kitchen stank of gas the next morning; the porter felt dizzy and sick.", "warranty_repair"),
    ],
)
def test_a_hazard_is_filed_under_what_caused_it(clf, language, text, category):
    """A hazard's cause decides its category (`hazard_causes`): a courier or crew's handling is
    delivery, a part a repairer or fitter left loose is warranty_repair, a product marketed to the
    people it harmed is misleading_advertising; told in other words than the sets' records."""
    c = clf.classify(text=text, channel="phone", language=language)
    assert (c.priority, c.category) == ("P1", category)


def test_a_rider_who_texted_a_customer_on_the_number_from_her_order_is_personal_data_misuse(clf):
    text = "The rider has been messaging me on my personal mobile. The only way he had my number was from the order."
    c = clf.classify(text=text, channel="phone", language="en")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "热水壶冒烟了，孩子的手也烫起了水泡。售后说机器没问题，但我不认同。"),
        ("en", "The heater sparked and burned my son's hand. Your engineer says there is nothing wrong with it, which I dispute."),
        ("ko", "전기장판에서 타는 냄새가 나고 아이가 화상을 입었어요. 기사님은 아무 이상 없다고 하시는데 납득이 안 됩니다."),
    ],
)
def test_a_hazard_the_company_calls_harmless_stays_p1(clf, language, text):
    """`harm_over.false_alarm` drops a hazard only on the customer's own concession ("这个我认",
    "false alarm"); the company saying nothing is wrong, which customers often dispute, is none."""
    assert clf.classify(text=text, channel="phone", language=language).priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "There's a hissing at the regulator since your driver swapped the bottles and my partner felt dizzy."),
        ("en", "I'm writing from Byrne & Co Solicitors (account BC-0042): the witness trace we paid for is two weeks late."),
        ("ko", "고소한 맛이 하나도 안 나는 참기름이 왔어요. 바꿔 주세요."),
        ("zh-Hant", "我媽在衛福部台北醫院住了三天，回來發現訂的貨送錯地址。"),
        ("zh-Hans", "退税要先去海关盖章吗？APP里没写清楚。"),
        ("ko", "앱에 잔액이 0원으로 떠서 해킹당한 줄 알았어요. 표시 오류라니 고쳐 주세요."),
        # round 44 (rules 2026.12.07-89)
        ("ko", "직업이 변호사라 약관을 꼼꼼히 보는데, 할인 조건을 놓쳤네요."),
        ("zh-Hans", "条款里写着「争议由天河区人民法院管辖」，可为了20块钱我不可能去法院。"),
        ("zh-Hant", "合約寫明以台中地方法院為第一審管轄法院，但我只想更正請款單。"),
        ("ko", "약관에 '관할 법원은 서울중앙지방법원으로 한다'고 돼 있던데, 그냥 환불만 해 주세요."),
        ("ko", "구청에 민원 넣는 엄마들도 있다던데 저는 그냥 답장만 받고 싶어요."),
        ("zh-Hant", "通告話工程已經向勞工處備案，想問幾時開工？"),
        # round 45 (rules 2026.12.07-90)
        ("ko", "약관에 서울중앙지방법원을 관할 법원으로 한다고 돼 있던데, 남은 횟수 환불만 부탁드려요."),
        ("zh-Hans", "我不是要跟你们打官司，就想把多扣的钱退回来。"),
        ("zh-Hant", "條款寫明有爭議交由香港法院處理，但我只想退返多扣嘅保費。"),
        ("zh-Hans", "客服说可以去消协投诉，我没那工夫，退我25块就行。"),
        ("ko", "소비자원에 이런 환불 기준이 있다던데 그 기준대로 계산하신 건가요?"),
        # round 46 (rules 2026.12.07-93): a lawyer, court or regulator named and declined in that sentence or the next
        # (`declined.markers`), a gas bottle's regulator
        ("en", "Your terms say disputes go to the county court. I honestly don't want anything like that, just my deposit back."),
        ("en", "My brother, who is a solicitor, laughed at the small print; we have no intention of taking this any further."),
        ("ko", "약관에 분쟁은 수원지방법원 관할이라던데 그런 것까진 바라지도 않아요. 서류만 보내 주세요."),
        ("zh-Hans", "邻居说可以去消协投诉，我觉得不至于，给我换一个就行。"),
        ("zh-Hant", "我個仔係律師，叫我先寫信問下；我無意牽涉任何法律程序。"),
        ("zh-Hant", "條款寫明爭議交小額錢債審裁處，但我無意將事情鬧大。"),
        ("en", "Bottle and regulator were the ones your shop supplied, and the grill is fine."),
        # round 47 (rules 2026.12.07-94): declined (그렇게까지 할 일은 아니, 不想折腾), a lawyer in the family who laughed, the
        # consumer agency's refund standard looked up, another customer's order in a parcel, a law firm as a courier's customer
        ("ko", "약관에 관할 법원 얘기가 있던데 그렇게까지 할 일은 아니고, 환불만 해 주세요."),
        ("zh-Hans", "同事说可以找律师，我不想折腾，退钱就行。"),
        ("en", "My uncle is a lawyer and he laughed at your small print. Please just refund the fee."),
        ("ko", "소비자원 홈페이지의 환불 기준을 보니 위약금이 너무 많아요."),
        ("en", "The invoice in the parcel belonged to a different customer's order, and my mug was missing."),
        ("zh-Hant", "本律師行每月經貴公司往返法院送文件，今個月發票多收咗錢。"),
        # round 48 (rules 2026.12.07-96): Sue in accounts
        ("en", "I spoke to Sue in accounts and she said the credit note is on its way, but it has not come."),
        # round 49 (rules 2026.12.08-98): a lawyer the customer will not drag in, was talked out of, will not pay for over a
        # small thing; the Transport Department as the body that books driving tests; a consumer body asked about, 'not
        # wanting it to go that far'
        ("en", "I'm not about to drag a solicitor into this over a £20 refund, just sort it out."),
        ("zh-Hans", "我本来想找律师，被我老婆劝住了，还是先跟你们好好沟通。"),
        ("ko", "소송할 생각까지는 없고 환불만 해 주세요."),
        ("zh-Hant", "我唔會為咗呢啲小事請律師，但希望你哋退返差價。"),
        ("zh-Hant", "運輸署最快要兩個月後先有考期，套餐條款應該寫清楚。"),
        ("zh-Hans", "是不是可以去找消协？我还不想闹到那一步，先看你们怎么处理。"),
    ],
)
def test_words_the_legal_rules_would_misread_are_no_legal_case(clf, language, text):
    """Blind sets 112 and 113, safety set 117 (rules 2026.12.06-48): 'hissing at the regulator' is a gas
    bottle's, 'Byrne & Co Solicitors (account BC-0042)' a law firm buying a service, 고소한 맛 a nutty taste.
    Round 37 (rules 2026.12.07-80): 卫福部 named in a hospital's name, a customs stamp in a tax-refund
    question, 'I thought I'd been hacked' at a display fault."""
    assert clf.classify(text=text, channel="web", language=language).category != "legal_regulatory"


def test_a_claim_issued_through_money_claim_online_is_legal(clf):
    """Blind set 136 (rules 2026.12.06-53)."""
    c = clf.classify(text="As you ignored my letters I have issued a claim against your business through Money Claim Online.", channel="letter", language="en")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


def test_a_report_to_an_accreditation_body_is_legal(clf):
    """Blind set 115 (rules 2026.12.06-48): calibration certificates reported to the accreditation body (인정기구)."""
    c = clf.classify(text="교정성적서 날짜가 실제와 달라 인정기구에 신고할 예정입니다.", channel="letter", language="ko")
    assert (c.category, c.priority) == ("legal_regulatory", "P1")


@pytest.mark.parametrize(
    "text",
    [
        "The GP checked her over after the fall and said she was lucky.",
        "The out of hours doctor checked his heart.",
        "We took her to the doctor, who checked her lungs.",
        "Paramedics came out and checked him over.",
        "He was kept in overnight for observation.",
        "The doctor told us to watch her for 24 hours.",
        "We spent the night at the children's hospital.",
        "Her hand came up in a big red welt.",
        "She could not breathe properly for a few minutes.",
        "My son was trapped under it until a neighbour lifted it off.",
        "The walker's brake let go on the slope and Mum went straight down the ramp.",
    ],
)
def test_harm_told_by_the_care_that_followed_is_p1(clf, text):
    """Rules 2026.12.06-50: English first runs missed hazards told only by what the doctor did
    (checked her lungs, kept in for observation, watch him for 24 hours); none of these phrases
    is in a labelled record, so the patterns were tried on sentences like these first."""
    assert clf.classify(text=text, channel="email", language="en").priority == "P1"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "洗手液在手上一搓就起泡，味道有点冲。"),  # soap that lathers and smells strong (rules 2026.12.06-36)
        ("ko", "포그 머신에서 하얀 연기가 올라와서 깜짝 놀랐어요."),  # a fog machine's smoke (rules 2026.12.07-70)
        ("zh-Hant", "醫生話觀察下，唔得就去急症，之後就收線。"),  # a vet's "if it gets worse, go to A&E" (round 43)
        ("en", "The doctor checked my bill and it was wrong."),
    ],
)
def test_look_alikes_the_hazard_detector_raises_at_the_line_of_050_are_pinned(clf, language, text):
    """The cost of the detector's line at 0.50 (rules 2026.12.08-98), pinned so that a change to
    it is seen: four one-line look-alikes of these tests, each written near the old line of
    0.70 (af03532d reads them at 0.50, 0.69, 0.69 and 0.65), are raised to P1 by the model
    alone. Held-out blind rounds (1,160 records no hazard rule holds) gave 31 P1s found and 1
    false at 0.50, 26 and 0 at 0.70 (rules.yaml, hazard_model_min_probability)."""
    c = clf.classify(text=text, channel="email", language=language)
    (raised,) = [e for e in c.explanation if e.step == "priority"]
    assert c.priority == "P1" and raised.rule == "model.hazard"
    assert clf.rules.hazard_model_min_probability <= raised.weight < 0.70


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I don't want anything like that over a deposit. But if it is not back by Friday I will take you to the county court."),
        ("en", "Your staff posted videos of my kids on your page without asking. I have no intention of taking this any further, just take them down."),
    ],
)
def test_a_decline_does_not_excuse_a_threat_in_another_sentence_nor_personal_data_misuse(clf, language, text):
    """`declined.markers` drop a lawyer, court or regulator named in the same sentence or the one
    before the decline; a threat told after it, and personal data misused, stay legal."""
    decision = clf.classify(text=text, channel="web", language=language)
    assert (decision.category, decision.priority) == ("legal_regulatory", "P1")
