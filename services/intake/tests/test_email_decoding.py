"""How intake reads the text of real mail: the charset rules, HTML-only bodies, quoted text and
signatures, attachments and broken structure, each on a small synthetic message."""

from __future__ import annotations

import base64
import quopri

import pytest
from complaints_shared import events as ev
from intake.domain import mail_charsets
from intake.domain.email_messages import UnreadableEmail, read_email
from intake.domain.mail_auto_replies import IgnoredReason

COMPLAINT_ZH = "热水壶使用三天后底部漏水，请更换或退款。"
COMPLAINT_ZH_GBK = "我買的電鍋壞了，請盡快處理"  # traditional characters: outside GB2312, inside GBK
COMPLAINT_HANT = "電熱水壺用了三天就漏水，請更換或退款。"
COMPLAINT_HKSCS = "啲嘢壞咗"  # Cantonese: 啲 and 咗 are HKSCS characters, not in cp950
COMPLAINT_KO = "주문한 전기 주전자가 사흘 만에 물이 샙니다. 교환해 주세요."
JAPANESE = "日本語のメールです"


def mime(body: bytes, *, charset: str | None, subject: str = "complaint", cte: str = "8bit", ctype: str = "text/plain",
         extra: str = "") -> bytes:
    params = f"; charset={charset}" if charset else ""
    head = (f"From: Customer <customer@example.com>\r\nTo: complaints@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: <m-{abs(hash(body))}@example.com>\r\n{extra}MIME-Version: 1.0\r\n"
            f"Content-Type: {ctype}{params}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n")
    return head.encode("ascii") + body


def text_of(raw: bytes) -> str:
    read = read_email(raw)
    assert read.complaint is not None
    return read.complaint.text


def b_word(text: str, codec: str, label: str) -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode(codec)).decode()}?="


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (COMPLAINT_ZH_GBK, "gbk", "gb2312"),  # GBK under a GB2312 label: read as GB18030
        (COMPLAINT_ZH, "gb2312", "GB2312"),
        (COMPLAINT_HANT, "cp950", "big5"),
        (COMPLAINT_HKSCS, "big5hkscs", "big5"),  # cp950 cannot read it: Big5-HKSCS can
        (COMPLAINT_KO, "cp949", "euc-kr"),  # cp949-only syllables under an EUC-KR label
        (COMPLAINT_KO, "cp949", "ks_c_5601-1987"),
        (JAPANESE, "iso2022_jp", "iso-2022-jp"),
        (JAPANESE, "cp932", "shift_jis"),
    ],
)
def test_labelled_bodies_decode_by_the_superset_of_their_label(text, codec, label):
    assert text_of(mime(text.encode(codec), charset=label)) == text


@pytest.mark.parametrize(("text", "codec", "label"), [(COMPLAINT_ZH_GBK, "gbk", "gb2312"), (COMPLAINT_HANT, "big5", "big5"),
                                                      (COMPLAINT_KO, "cp949", "ks_c_5601-1987"), (JAPANESE, "iso2022_jp", "ISO-2022-JP")])
def test_encoded_word_subjects_decode_by_the_same_rules(text, codec, label):
    read = read_email(mime(b"body", charset="us-ascii", subject=b_word(text, codec, label)))
    assert read.complaint is not None and read.complaint.subject == text


def test_a_character_split_between_two_encoded_words_is_joined_before_decoding():
    data = COMPLAINT_ZH.encode("gb18030")
    first, second = data[:5], data[5:]  # byte 5 is inside a two-byte character
    subject = (f"=?GB2312?B?{base64.b64encode(first).decode()}?=\r\n =?GB2312?B?{base64.b64encode(second).decode()}?=")
    assert mail_charsets.decode_header(subject) == COMPLAINT_ZH


def test_undeclared_8bit_text_is_guessed_not_replaced():
    # EUC-KR with no charset at all, in the body and raw in the Subject.
    raw = mime(COMPLAINT_KO.encode("euc-kr"), charset=None, subject="x").replace(b"Subject: x", b"Subject: " + "주전자 누수".encode("euc-kr"))
    read = read_email(raw)
    assert read.complaint is not None
    assert read.complaint.text == COMPLAINT_KO
    assert read.complaint.subject == "주전자 누수"
    assert read.complaint.language == ev.Language.KO


def test_a_legacy_label_over_utf8_bytes_is_read_as_utf8():
    assert text_of(mime(COMPLAINT_ZH.encode(), charset="gb2312")) == COMPLAINT_ZH


def test_big5_bytes_once_taken_for_latin1_are_repaired():
    double = COMPLAINT_HANT.encode("cp950").decode("latin-1").encode()
    assert text_of(mime(double, charset="big5")) == COMPLAINT_HANT


def test_unknown_labels_fall_back_to_a_guess():
    assert text_of(mime(COMPLAINT_ZH.encode("gb18030") * 3, charset="x-unknown")) == COMPLAINT_ZH * 3


def test_quoted_printable_and_base64_bodies_in_cjk_charsets():
    assert text_of(mime(quopri.encodestring(COMPLAINT_ZH.encode("gb2312")), charset="gb2312", cte="quoted-printable")) == COMPLAINT_ZH
    assert text_of(mime(base64.encodebytes(COMPLAINT_KO.encode("euc-kr")), charset="euc-kr", cte="base64")) == COMPLAINT_KO


def test_html_only_body_becomes_readable_text():
    html = f"<html><head><style>p {{color: red}}</style></head><body><p>{COMPLAINT_HANT}</p><p>訂單&nbsp;A-1</p></body></html>"
    text = text_of(mime(html.encode("cp950"), charset="big5", ctype="text/html"))
    assert text == f"{COMPLAINT_HANT}\n訂單 A-1"


def test_html_without_a_charset_uses_its_meta_tag():
    html = f'<html><head><meta charset="gbk"></head><body>{COMPLAINT_ZH_GBK}</body></html>'
    assert text_of(mime(html.encode("gbk"), charset=None, ctype="text/html")) == COMPLAINT_ZH_GBK


def test_quoted_reply_and_signature_are_kept_apart_from_the_new_text():
    body = (
        "The replacement kettle leaks too.\n\n"
        "On Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n"
        "> We are sending you a replacement.\n"
        "> Kind regards\n"
    )
    read = read_email(mime(body.encode(), charset="utf-8"))
    assert read.complaint is not None
    assert read.complaint.text == "The replacement kettle leaks too."
    assert "We are sending you a replacement." in read.details.quoted_text


def test_a_signature_goes_with_the_quoted_text():
    body = "My order A-1 arrived broken.\n\n--\nJane Doe\nACME Ltd, +1 555 0100\n"
    read = read_email(mime(body.encode(), charset="utf-8"))
    assert read.complaint is not None
    assert read.complaint.text == "My order A-1 arrived broken."
    assert "Jane Doe" in read.details.quoted_text


def test_attachments_are_listed_with_safe_names_and_the_body_is_not_one():
    boundary = "b1"
    raw = (
        "From: c@example.com\r\nSubject: photo\r\nMessage-ID: <att@example.com>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the photo.\r\n"
        f"--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"../../etc/photo.jpg\"\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(b'JPEGDATA').decode()}\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; name=\"{b_word('사진.txt', 'cp949', 'ks_c_5601-1987')}\"\r\n"
        f"Content-Disposition: attachment\r\n\r\nnotes\r\n--{boundary}--\r\n"
    ).encode()
    read = read_email(raw)
    assert read.complaint is not None and read.complaint.text == "See the photo."
    assert [(f.content_type, f.filename, f.data) for f in read.files] == [
        ("image/jpeg", "photo.jpg", b"JPEGDATA"), ("text/plain", "사진.txt", b"notes"),
    ]


def test_header_lines_wrapped_without_folding_do_not_end_the_header():
    raw = (b"From: c@example.com\r\nx-long: aaaa\r\nbbbb-continued-without-a-space\r\nSubject: kept\r\n"
           b"Content-Type: text/plain\r\n\r\nThe body.\r\n")
    read = read_email(raw)
    assert read.complaint is not None
    assert (read.complaint.subject, read.complaint.text) == ("kept", "The body.")


def test_parts_delimited_by_another_boundary_than_declared_are_found():
    raw = (b"From: c@example.com\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary=\"declared\"\r\n\r\n"
           b"--used\r\nContent-Type: text/plain\r\n\r\nThe real text.\r\n--used--\r\n")
    assert text_of(raw) == "The real text."


def test_threading_headers_and_the_case_tag_are_read():
    extra = ("In-Reply-To: <case.c-1.n-7@mail.example.com>\r\n"
             "References: <first@example.com> <case.c-1.n-7@mail.example.com>\r\n")
    read = read_email(mime(b"Still broken.", charset="utf-8", subject="Re: your case [Case c-2]", extra=extra))
    assert read.details.in_reply_to == "<case.c-1.n-7@mail.example.com>"
    assert read.details.references == ("<first@example.com>", "<case.c-1.n-7@mail.example.com>")
    assert read.thread_case_ids == ("c-1", "c-2")
    assert read.referenced_ids == ("<case.c-1.n-7@mail.example.com>", "<first@example.com>")
    # Another domain than ours does not name one of our cases.
    assert read_email(mime(b"x", charset="utf-8", extra=extra), mail_domain="example.org").thread_case_ids == ()


def test_no_text_is_refused_clearly():
    with pytest.raises(UnreadableEmail):
        read_email(b"From: a@example.com\r\nSubject: x\r\nContent-Type: image/png\r\n\r\nAAAA")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", IgnoredReason.AUTO_REPLY),
        ("Auto-Submitted: auto-generated\r\n", IgnoredReason.AUTO_REPLY),
        ("Precedence: auto_reply\r\n", IgnoredReason.AUTO_REPLY),
        ("X-Autoreply: yes\r\n", IgnoredReason.AUTO_REPLY),
        ("X-Autorespond: yes\r\n", IgnoredReason.AUTO_REPLY),
        ("Precedence: bulk\r\n", IgnoredReason.BULK),
        ("Precedence: junk\r\n", IgnoredReason.BULK),
    ],
)
def test_auto_reply_headers_are_recognised(headers, reason):
    assert read_email(mime(b"I am away.", charset="utf-8", extra=headers)).ignored == reason


@pytest.mark.parametrize(
    "subject", ["Automatic reply: complaint", "Out of Office: complaint", "自动回复: 投诉", "자동 응답: 불만", "Undeliverable: complaint",
                "Undelivered Mail Returned to Sender"],
)
def test_vendor_subjects_are_recognised(subject):
    encoded = b_word(subject, "utf-8", "utf-8")
    assert read_email(mime(b"text", charset="utf-8", subject=encoded)).ignored is not None


@pytest.mark.parametrize("subject", ["My parcel was undeliverable", "Delivery failed twice, please refund", "Re: out of office hours support"])
def test_customers_writing_about_deliveries_are_not_taken_for_bounces(subject):
    assert read_email(mime(b"Please help.", charset="utf-8", subject=subject)).ignored is None


def test_a_delivery_status_report_and_the_daemon_are_bounces():
    raw = (b"From: MAILER-DAEMON@mx.example.com\r\nSubject: failure\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
           b"--r\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
           b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
           b"Final-Recipient: rfc822; x@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--r--\r\n")
    assert read_email(raw).ignored == IgnoredReason.BOUNCE
    assert read_email(mime(b"hello", charset="utf-8").replace(b"customer@example.com", b"mailer-daemon@example.com")).ignored == IgnoredReason.BOUNCE


@pytest.mark.parametrize("label", ["gb\x002312", "gb\udca92312", "no-such-charset"])
def test_a_charset_label_that_is_no_name_is_no_label(label):
    # Found by mutating the corpus: a NUL or an 8-bit byte in a label made the codec lookup raise.
    assert mail_charsets.codecs_for(label) == ()
    assert mail_charsets.decode(COMPLAINT_ZH.encode("gb18030") * 3, label) == COMPLAINT_ZH * 3


def test_an_8bit_body_under_a_label_with_a_nul_is_still_read():
    # Found by mutating the corpus: the library's own decoding raised ValueError on such a label.
    raw = b'From: c@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset="gb\x002312"\r\n\r\n' + COMPLAINT_ZH.encode("gb18030") * 3
    assert text_of(raw) == COMPLAINT_ZH * 3


def test_a_boundary_with_a_backslash_found_in_the_parts_is_used_as_it_is():
    # Found by mutating the corpus: the boundary went into a regular-expression template.
    raw = (b"From: c@example.com\r\nSubject: s\r\nContent-Type: multipart/mixed\r\n\r\n"
           b"--a\\Cb\r\nContent-Type: text/plain\r\n\r\nThe real text.\r\n--a\\Cb--\r\n")
    assert text_of(raw) == "The real text."


def test_mutated_corpus_mail_is_read_or_refused_never_a_crash():
    """Real messages with bytes changed, inserted and cut (a fixed seed: the same cases every
    run): each is read or refused as unreadable, nothing else (a crash would be a 500)."""
    import random
    from pathlib import Path

    from pydantic import ValidationError

    corpus = Path(__file__).resolve().parents[3].parent / "shared" / "email-corpus"
    files = [p.read_bytes()[:20000] for p in sorted(corpus.rglob("*")) if p.is_file() and p.name != "SOURCES.md"]
    if not files:
        pytest.skip(f"the shared e-mail corpus is not on this machine ({corpus})")
    pieces = [b"\r\n", b"=?", b"?=", b"=?gb2312?B?", b"=?\x00?Q?", b"--", b";", b"\x1b$B", b"\xff\xfe", b"charset=", b"\n\n",
              b"Content-Type: multipart/mixed; boundary=x\r\n", b"Content-Type: message/rfc822\r\n\r\n", b"\x00", b"\\", b'"']
    rnd = random.Random(2026)
    for _ in range(400):
        data = bytearray(rnd.choice(files))
        for _ in range(rnd.randint(1, 30)):
            at = rnd.randrange(len(data) + 1)
            choice = rnd.random()
            if choice < 0.4 and data:
                data[min(at, len(data) - 1)] = rnd.randrange(256)
            elif choice < 0.7:
                data[at:at] = rnd.choice(pieces)
            else:
                del data[at:at + rnd.randint(1, 50)]
        try:
            read_email(bytes(data))
        except (UnreadableEmail, ValidationError):
            pass
