"""Staff notices in the staff's language (issue 11): every staff template in en, zh-Hans,
zh-Hant and ko, with the English one's fields, rendered strictly (a variable the handlers don't
pass fails); NOTIFICATION_STAFF_LANGUAGE(S) picks the language, the customer's stays theirs."""

import re
from datetime import UTC, datetime

import jinja2
import jinja2.meta
import pytest
from complaints_shared import events as ev
from complaints_shared.testing import FakePublisher
from notification import handlers
from notification.adapters import templates
from notification.adapters.notifiers import Notice
from notification.domain.ladder import WatchedCase
from notification.settings import NotificationSettings
from pydantic import ValidationError

LANGUAGES = [language.value for language in ev.Language]
TRANSLATED = [language for language in LANGUAGES if language != "en"]
NOW = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
LINK = "http://127.0.0.1:8000/v1/cases/case-7"
DUE = "2026-12-05T09:00:00+00:00"

# Each staff notice with the fields handlers.py gives it (notify, climb, send_digest, notify_customer's call-back).
STAFF_NOTICES = {
    "escalated_acknowledge": ("supervisor:quality", {"priority": "P3", "department": "quality", "link": LINK,
                                                     "deadline": "acknowledge", "level": "supervisor", "due_at": DUE}),
    "escalated_department_reply": ("department:quality", {"priority": "P3", "department": "quality", "link": LINK,
                                                          "deadline": "department_reply", "level": "agent", "due_at": DUE}),
    "escalated_resolve": ("key_account_manager", {"priority": "P1", "department": "quality", "link": LINK,
                                                  "deadline": "resolve", "level": "manager", "due_at": DUE}),
    "approval_request": ("supervisor:quality", {"priority": "P2", "department": "quality", "link": LINK,
                                                "remedy": "Replace the kettle", "approve_by": DUE}),
    "remedy_rejected": ("department:quality", {"priority": "P2", "department": "quality", "link": LINK, "reason": "Too costly"}),
    "callback_task": ("hotline", {"purpose": "satisfaction_request", "priority": "P3", "link": LINK}),
    "case_assigned": ("department:logistics", {"priority": "P2", "department": "logistics", "link": LINK, "category": "delivery",
                                               "acknowledge_by": DUE}),
    "digest": ("department:quality", {"department": "quality", "day": "2026-12-04", "new": "12", "open": "34", "overdue": "5",
                                      "escalated": "6", "awaiting_approval": "7"}),
}
# The files behind them (escalated_* and case_assigned have none of their own).
STAFF_FILES = ("escalated", "approval_request", "remedy_rejected", "callback_task", "generic", "digest")
# What a native reader expects to see: Han characters, or Hangul.
SCRIPT = {"zh-Hans": re.compile(r"[\u4e00-\u9fff]"), "zh-Hant": re.compile(r"[\u4e00-\u9fff]"), "ko": re.compile(r"[\uac00-\ud7a3]"),
          "en": re.compile(r"[A-Za-z]")}


@pytest.fixture(scope="module")
def strict() -> jinja2.Environment:
    # The service renders a missing variable empty (a notice still goes out); here it is an error.
    return jinja2.Environment(loader=templates.environment().loader, autoescape=False, undefined=jinja2.StrictUndefined)


def render_strictly(environment: jinja2.Environment, notice: Notice, block: str) -> str:
    base = notice.template if notice.template in STAFF_FILES else "escalated" if notice.template.startswith("escalated_") else "generic"
    template = environment.get_template(f"{base}.{notice.language}.j2")
    return "".join(template.blocks[block](template.new_context(notice._variables()))).strip()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", STAFF_NOTICES)
def test_every_staff_notice_renders_in_every_language_with_all_its_fields(name, language, strict):
    role, fields = STAFF_NOTICES[name]
    notice = Notice(case_id="case-7", recipient_role=role, template=name, fields=fields, language=language)
    subject, body = render_strictly(strict, notice, "subject"), render_strictly(strict, notice, "body")
    # The service's own rendering picks the same file.
    assert (notice.subject(), notice.body().strip()) == (subject, body)
    assert SCRIPT[language].search(subject) and SCRIPT[language].search(body)
    if name == "digest":
        assert "2026-12-04" in subject and "2026-12-04" in body
        assert [line.split()[-1] for line in body.splitlines()[-5:]] == ["12", "34", "5", "6", "7"]
        assert all(figure in render_strictly(strict, notice, "sms") for figure in ("12", "34", "5", "6", "7"))
    else:
        assert "case-7" in subject and "case-7" in body and LINK in body
    for own_text in ("Replace the kettle", "Too costly"):
        assert (own_text in body) == (own_text in fields.values())
    if name.startswith("escalated_"):
        assert DUE in body


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", STAFF_FILES)
def test_a_translated_staff_template_has_the_english_ones_blocks_and_fields(name, language, strict):
    def shape(lang: str) -> tuple[set[str], set[str]]:
        source = strict.loader.get_source(strict, f"{name}.{lang}.j2")[0]
        return set(strict.get_template(f"{name}.{lang}.j2").blocks), jinja2.meta.find_undeclared_variables(strict.parse(source))

    assert shape(language) == shape("en")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_labels_the_same_deadlines_rungs_roles_and_departments(language, strict):
    reference, labels = strict.get_template("_labels.zh-Hans.j2").module, strict.get_template(f"_labels.{language}.j2").module
    for table in ("deadlines", "levels", "roles", "departments", "categories", "purposes", "notices", "fields"):
        assert getattr(labels, table).keys() == getattr(reference, table).keys(), table


def test_the_labels_cover_every_ladder_deadline_and_rung():
    labels = templates.environment().get_template("_labels.ko.j2").module
    assert set(labels.levels) == {"agent", "supervisor", "manager", "director"}
    assert set(labels.deadlines) == {"acknowledge", "department_reply", "resolve", "approve"}


def test_an_unknown_department_reads_as_its_name():
    notice = Notice(case_id="c", recipient_role="department:spare_parts", template="digest", language="zh-Hans",
                    fields=STAFF_NOTICES["digest"][1] | {"department": "spare_parts"})
    assert notice.subject() == "每日投诉汇总：spare parts，2026-12-04"


def test_the_escalation_in_chinese_names_the_clock_the_rung_and_the_case():
    role, fields = STAFF_NOTICES["escalated_acknowledge"]
    notice = Notice(case_id="case-7", recipient_role=role, template="escalated_acknowledge", fields=fields, language="zh-Hans")
    assert notice.subject() == "[P3] 已升级（受理确认）：案件 case-7"
    assert notice.body().splitlines()[:2] == [f"案件 case-7（P3，质量部）：受理确认时限已于 {DUE} 到期，现升级至您处理。",
                                              "接收人：质量部主管（升级层级：主管）"]
    taiwan = Notice(case_id="case-7", recipient_role=role, template="escalated_acknowledge", fields=fields, language="zh-Hant")
    assert taiwan.subject() == "[P3] 已升級（確認受理）：案件 case-7" and "品保部主管" in taiwan.body()


# --- the setting ------------------------------------------------------------------------------------


def test_the_staff_language_is_english_unless_set(monkeypatch):
    monkeypatch.delenv("NOTIFICATION_STAFF_LANGUAGE", raising=False)
    assert NotificationSettings().staff_language == "en"
    monkeypatch.setenv("NOTIFICATION_STAFF_LANGUAGE", "zh-hant")  # the tag's case does not matter
    monkeypatch.setenv("NOTIFICATION_STAFF_LANGUAGES", '{"logistics": "KO"}')
    settings = NotificationSettings()
    assert (settings.staff_language, settings.staff_languages) == ("zh-Hant", {"logistics": "ko"})


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("NOTIFICATION_STAFF_LANGUAGE", "fr", "NOTIFICATION_STAFF_LANGUAGE: 'fr' is not one of zh-Hans, zh-Hant, ko, en"),
    ("NOTIFICATION_STAFF_LANGUAGE", "zh", "NOTIFICATION_STAFF_LANGUAGE: 'zh' is not one of"),
    ("NOTIFICATION_STAFF_LANGUAGES", '{"quality": "ja"}', "NOTIFICATION_STAFF_LANGUAGES\\['quality'\\]: 'ja' is not one of"),
])
def test_a_wrong_staff_language_is_a_settings_error_naming_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=message):
        NotificationSettings()


class FakeNotifier:
    def __init__(self, medium: str) -> None:
        self.medium, self.sent = medium, []

    async def send(self, notice: Notice) -> None:
        self.sent.append((notice.template, notice.language, notice.subject()))


async def test_staff_notices_follow_the_setting_and_the_customers_stay_in_their_language():
    """A Korean customer's complaint in a Chinese company: the department reads Chinese, the
    customer Korean; a department configured on its own reads its own language."""
    mail = FakeNotifier("email")
    senders = handlers.Senders([mail], FakePublisher().publish, staff_language="zh-Hans", staff_languages={"logistics": "ko"})
    korean = {"channel": "email", "language": "ko", "email": "kim@customer.example", "received_event_id": "received-1"}
    case = WatchedCase(case_id="case-7", department="quality", priority="P2", routed=True, customer=korean)

    case = await handlers.notify(case, senders=senders, role="department:quality", template="case_assigned", trigger_event_id="routed-1",
                                 fields={"priority": "P2", "department": "quality", "link": LINK}, now=NOW)
    case = await handlers.notify_customer(case, senders=senders, template="acknowledgement", trigger_event_id="received-1", now=NOW,
                                          fields={"acknowledge_by": "2026-12-05 09:00 UTC", "their_subject": ""})
    elsewhere = WatchedCase(case_id="case-8", department="logistics", priority="P2", routed=True)
    await handlers.notify(elsewhere, senders=senders, role="department:logistics", template="remedy_rejected", trigger_event_id="rejected-1",
                          fields={"priority": "P2", "department": "logistics", "link": LINK, "reason": "Too costly"}, now=NOW)

    assert mail.sent == [("case_assigned", "zh-Hans", "[P2] 新案件分派：案件 case-7"),
                         ("acknowledgement", "ko", "고객님의 불만 접수 [Case case-7]"),
                         ("remedy_rejected", "ko", "[P2] 처리안 반려: 접수 번호 case-8")]


async def test_the_digest_goes_out_in_the_departments_language():
    log = FakeNotifier("log")
    senders = handlers.Senders([log], FakePublisher().publish, staff_language="zh-Hant")
    work = handlers.DueWork(kind="digest", case_id="digest:quality", department="quality", day="2026-12-04",
                            counts={"new": 1, "open": 2, "overdue": 0, "escalated": 0, "awaiting_approval": 1})
    assert await handlers.send_digest(work, watch={}, senders=senders)
    assert log.sent == [("digest", "zh-Hant", "每日客訴彙整：品保部，2026-12-04")]


def test_bootstrap_hands_the_setting_to_the_senders():
    from notification.bootstrap import bootstrap

    notification = bootstrap(NotificationSettings(COMPLAINTS_TOPIC_PREFIX="unit.", staff_language="ko", staff_languages={"legal": "zh-Hans"}),
                             notifiers=[], clock=lambda: NOW)
    assert notification.senders.staff_language_of("quality") == "ko"
    assert notification.senders.staff_language_of("legal") == "zh-Hans"
