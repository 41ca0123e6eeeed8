import json
from datetime import UTC, datetime, timedelta

import pytest
from complaints_shared.events import CustomerContact, CustomerProfileUpdated, CustomerTier
from routing.domain.customers import (
    CustomerDirectory,
    ResolvedCustomer,
    contact_keys,
    extract_contacts,
    extract_emails,
    extract_phones,
    normalise_email,
    normalise_phone,
    text_contact_keys,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def profile(cid="C123", *, phones=("182-0000-5017",), emails=("Wang.Li@Example.COM",), tier=CustomerTier.KEY_ACCOUNT, at=T0):
    return CustomerProfileUpdated(customer_id=cid, tier=tier, phones=phones, emails=emails, name="王力", updated_at=at)


# --- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("182-0000-5017", "CN", "+8618200005017"),  # Chinese mobile, national format
        ("+86 182 0000 5017", "CN", "+8618200005017"),
        ("(010) 6552 9988", "CN", "+861065529988"),  # Beijing landline
        ("１８２００００５０１７", "CN", "+8618200005017"),  # full-width digits
        ("9123 4567", "HK", "+85291234567"),  # Hong Kong mobile
        ("+852 9123 4567", "CN", "+85291234567"),  # HK number, CN default region
        ("00852 9123 4567", "CN", "+85291234567"),  # international prefix from mainland
        ("010-1234-5678", "KR", "+821012345678"),  # Korean mobile
        ("+82 2-312-3456", "CN", "+8223123456"),  # Seoul landline
        ("(650) 253-0000", "US", "+16502530000"),  # US
        ("+1 650 253 0000", "CN", "+16502530000"),
    ],
)
def test_normalise_phone_e164(raw, region, expected):
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "12345", "not a phone", "+86 123"])
def test_normalise_phone_rejects(raw):
    assert normalise_phone(raw) is None


def test_normalise_phone_default_region_is_cn():
    assert normalise_phone("18200005017") == "+8618200005017"


# --- e-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Foo.Bar@Example.COM", "foo.bar@example.com"),
        ("  a@b.com ", "a@b.com"),
        ("王力 <Wang.Li@Example.com>", "wang.li@example.com"),
        ("ｋｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ", "kim@example.com"),  # full-width
    ],
)
def test_normalise_email(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "not-an-email", "a@", "@b.com", "a b@c.com"])
def test_normalise_email_rejects(raw):
    assert normalise_email(raw) is None


# --- contact keys -------------------------------------------------------------------------


def test_contact_keys_of_contact():
    contact = CustomerContact(email="A@B.com", phone="+8618200005017", customer_id=" 123 ")
    assert contact_keys(contact) == ["customer:123", "phone:+8618200005017", "email:a@b.com"]


def test_contact_keys_skip_unparseable():
    assert contact_keys(CustomerContact(email="nope", phone="12")) == []
    assert contact_keys(None) == []


def test_contact_keys_of_profile():
    p = profile(phones=("182-0000-5017", "+852 9123 4567", "bad"), emails=("x@y.com", "X@Y.COM"))
    assert contact_keys(p) == ["customer:C123", "phone:+8618200005017", "phone:+85291234567", "email:x@y.com"]


# --- free text ----------------------------------------------------------------------------


def test_extract_phone_from_chinese_text():
    assert extract_phones("客户电话182-0000-5017，请回电") == ["+8618200005017"]


def test_extract_phones_several_and_deduplicated():
    text = "手机18200005017，或者打 +852 9123 4567；再说一次：182 0000 5017"
    assert extract_phones(text) == ["+8618200005017", "+85291234567"]


def test_extract_phone_korean_and_english():
    assert extract_phones("연락처는 010-1234-5678 입니다", "KR") == ["+821012345678"]
    assert extract_phones("Call me on +1 650 253 0000 please") == ["+16502530000"]


def test_order_numbers_are_not_phones():
    assert extract_phones("订单号 202403011234567 没发货") == []


def test_extract_emails():
    text = "请回复到 Wang.Li@Example.com 或 backup@mail.example.cn。谢谢; not@valid"
    assert extract_emails(text) == ["wang.li@example.com", "backup@mail.example.cn"]


def test_extract_contacts_keys():
    found = extract_contacts("电话182-0000-5017 邮箱 a@b.com")
    assert found.phones == ("+8618200005017",)
    assert found.emails == ("a@b.com",)
    assert text_contact_keys("电话182-0000-5017 邮箱 a@b.com") == ["phone:+8618200005017", "email:a@b.com"]


# --- directory ----------------------------------------------------------------------------


def test_index_profile_is_pure_and_json_safe():
    table: dict = {}
    directory = CustomerDirectory(table)
    writes = directory.index_profile(profile())
    assert table == {}
    assert writes["phone:+8618200005017"] == "C123"
    assert writes["email:wang.li@example.com"] == "C123"
    assert writes["customer:C123"] == "C123"
    assert writes["profile:C123"]["tier"] == "key_account"
    json.dumps(writes)


def test_resolve_across_channels():
    directory = CustomerDirectory()
    directory.ingest(profile())
    json.dumps(directory.table)  # the whole state is JSON

    by_phone = directory.resolve(CustomerContact(phone="+8618200005017"))
    assert by_phone == ResolvedCustomer("C123", CustomerTier.KEY_ACCOUNT, "phone")
    assert by_phone.customer_key == "customer:C123"

    by_email = directory.resolve(CustomerContact(email="WANG.LI@example.com"))
    assert (by_email.customer_id, by_email.matched_on) == ("C123", "email")

    by_id = directory.resolve(CustomerContact(customer_id="C123"))
    assert (by_id.customer_id, by_id.matched_on, by_id.tier, by_id.known) == ("C123", "customer_id", CustomerTier.KEY_ACCOUNT, True)


def test_resolve_phone_channel_by_number_in_text():
    directory = CustomerDirectory()
    directory.ingest(profile())
    # a phone-channel complaint whose caller id was withheld; the agent typed the number
    resolved = directory.resolve(CustomerContact(), text="客户电话182-0000-5017，反映热水器漏水")
    assert resolved is not None
    assert (resolved.customer_id, resolved.matched_on, resolved.key) == ("C123", "text_phone", "phone:+8618200005017")
    by_mail = directory.resolve(None, text="please reply to wang.li@example.com")
    assert by_mail.matched_on == "text_email"


def test_resolve_unknown():
    directory = CustomerDirectory()
    directory.ingest(profile())
    assert directory.resolve(CustomerContact(phone="+8613900001111")) is None
    assert directory.resolve(None) is None
    unknown_id = directory.resolve(CustomerContact(customer_id="C999"))
    assert (unknown_id.customer_id, unknown_id.tier, unknown_id.known) == ("C999", CustomerTier.STANDARD, False)


def test_channel_contact_wins_over_text():
    directory = CustomerDirectory()
    directory.ingest(profile("C1", phones=("18200005017",), emails=()))
    directory.ingest(profile("C2", phones=("13900001111",), emails=(), tier=CustomerTier.STANDARD))
    resolved = directory.resolve(CustomerContact(phone="18200005017"), text="我朋友电话13900001111")
    assert resolved.customer_id == "C1"


def test_profile_update_removes_stale_keys():
    directory = CustomerDirectory()
    directory.ingest(profile())
    directory.ingest(profile(phones=("+8613900001111",), at=T0 + timedelta(days=1)))
    assert directory.lookup("phone:+8618200005017") is None
    assert directory.lookup("phone:+8613900001111") == "C123"
    assert directory.lookup("email:wang.li@example.com") == "C123"


def test_stale_key_taken_over_by_other_customer_is_kept():
    directory = CustomerDirectory()
    directory.ingest(profile("C1", phones=("18200005017",), emails=()))
    directory.ingest(profile("C2", phones=("18200005017",), emails=()))  # family phone: last one wins
    directory.ingest(profile("C1", phones=(), emails=(), at=T0 + timedelta(days=1)))
    assert directory.lookup("phone:+8618200005017") == "C2"


def test_older_profile_is_ignored():
    directory = CustomerDirectory()
    directory.ingest(profile(tier=CustomerTier.KEY_ACCOUNT, at=T0))
    assert directory.ingest(profile(tier=CustomerTier.STANDARD, at=T0 - timedelta(hours=1))) == {}
    assert directory.profile("C123")["tier"] == "key_account"


def test_best_key():
    directory = CustomerDirectory()
    directory.ingest(profile())
    assert directory.best_key(CustomerContact(phone="18200005017")) == "customer:C123"
    assert directory.best_key(CustomerContact(email="new@example.com")) == "email:new@example.com"
    assert directory.best_key(CustomerContact(), text="电话13900001111") == "phone:+8613900001111"
    assert directory.best_key(None) is None


def test_default_region_configurable():
    directory = CustomerDirectory(default_region="HK")
    directory.ingest(profile(phones=("9123 4567",), emails=()))
    assert directory.lookup("phone:+85291234567") == "C123"


# --- the matcher that skips hopeless candidates finds what the plain one finds --------------

import phonenumbers  # noqa: E402
from phonenumbers import PhoneMetadata  # noqa: E402
from phonenumbers.phonenumberutil import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS  # noqa: E402
from routing.domain import customers as customers_module  # noqa: E402


def test_min_international_digits_holds_for_every_region():
    metadata = [PhoneMetadata.metadata_for_region(r) for r in SUPPORTED_REGIONS]
    metadata += [PhoneMetadata.metadata_for_nongeo_region(cc) for cc in COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    fewest = min(customers_module._min_written_digits(m, True) for m in metadata if m is not None)
    assert customers_module._MIN_INTERNATIONAL_DIGITS <= fewest


PHONE_TEXTS = [
    "客户电话182-0000-5017，付了64元，2026-11-02 买的，第2次",
    "call me +86 182 0000 5017 or (010) 6552-9988 or 182.0000.5017 or 18200005017",
    "電話：１８２００００５０１７ / +852 9123 4567 / 0086 138 0013 8000",
    "my number is 415-555-2671 ext. 12, office +1 (415) 555-2671 x 34, fax +44 20 7946 0958",
    "+43 1234, +49 30 1234, +378 0549 123456, +672 3 12345, +290 22222, +683 4002",
    "12xx34xx56 1xxxx2xxxx3 12 ext 34567 +4 anexo 3 1 int 2 138 ext 0000",
    "订单123456 phone 1820000501 amount 1,299.00 on 11/02/2026 at 10:30, page 211-227 (2003)",
    "전화 010-1234-5678 로 연락주세요, 02-312-3456",
    "price $5551234567 or 5551234567% or abc8005001234def",
    "",
    "no digits here at all",
]


@pytest.mark.parametrize("text", PHONE_TEXTS)
@pytest.mark.parametrize("region", ["CN", "US", "KR", "GB", "AT"])
def test_extract_phones_matches_the_plain_matcher(text, region):
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    plain = list(dict.fromkeys(
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(folded, region, leniency=phonenumbers.Leniency.VALID)
    ))
    assert extract_phones(text, region) == plain


def test_extract_emails_without_at_sign():
    assert extract_emails("no address here 我的邮箱") == []
    assert extract_emails("mail：ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == ["wang@example.com"]
