import logging

import pytest
from notification.adapters import templates
from notification.adapters.notifiers import LogNotifier, Notice

LANGUAGES = ("zh-Hans", "zh-Hant", "ko", "en")
CUSTOMER_NOTICES = ("acknowledgement", "resolution", "satisfaction_request", "info_request")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", CUSTOMER_NOTICES)
def test_every_customer_notice_has_its_own_file_per_language_naming_the_case(template, language):
    assert templates.environment().get_template(f"{template}.{language}.j2")
    notice = Notice(case_id="case-5", recipient_role="customer", template=template, language=language,
                    fields={"resolution": "A new lid", "acknowledge_by": "2026-12-05 09:00 UTC", "their_subject": "",
                            "question": "Which batch number is on the lid?"})
    assert "case-5" in notice.body() and "case-5" in notice.short_text() and notice.subject().endswith("[Case case-5]")


def test_a_language_without_a_file_falls_back_to_english_and_an_unknown_notice_to_the_generic_one():
    assert Notice(case_id="c", recipient_role="supervisor:quality", template="approval_request", language="fr",
                  fields={"priority": "P2"}).subject() == "[P2] Approve or reject the remedy: case c"
    assert Notice(case_id="c", recipient_role="department:quality", template="case_assigned",
                  fields={"priority": "P2"}).subject() == "[P2] case assigned: case c"


async def test_the_log_carries_no_customer_data(caplog):
    notice = Notice(case_id="case-5", recipient_role="customer", template="resolution", to="kim@customer.example",
                    fields={"resolution": "Refunded Mr Kim's order", "priority": "P2"})
    with caplog.at_level(logging.INFO, logger="notification.notices"):
        await LogNotifier().send(notice)
    [record] = caplog.records
    assert record.case_id == "case-5" and record.priority == "P2" and not hasattr(record, "resolution")
    assert "kim@" not in str(record.__dict__) and "Kim" not in str(record.__dict__)
    assert "kim@" not in repr(notice)
