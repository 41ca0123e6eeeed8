"""SMS channel: Twilio's webhook (signature checked with the twilio package's own validator),
the plain JSON route, idempotency under parallel deliveries, E.164 numbers and the
satisfaction score answered by SMS."""

from __future__ import annotations

import asyncio
import hashlib
import re
from urllib.parse import urlencode

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus
from complaints_shared.web import ApiKey
from intake.adapters.customer_cases import ArchiveResolvedCases
from intake.bootstrap import bootstrap
from intake.domain.scripts import script_language
from intake.domain.sms import satisfaction_score
from intake.settings import IntakeSettings
from twilio.request_validator import RequestValidator

from .conftest import API_KEY, FakeArchive

TOKEN = "twilio-auth-token-for-tests"
WEBHOOK = "/v1/complaints/sms/twilio"
CUSTOMER = "+8613800138000"


def twilio_form(**fields: str) -> dict[str, str]:
    form = {
        "MessageSid": "SM0f6e2d4c8b7a41f1a3d9e6c5b4a39281", "AccountSid": "AC" + "0" * 32, "From": "13800138000",
        "To": "+86 10 9555 5555", "Body": "热水壶用了两周就漏水，要求退款。", "NumSegments": "1", "NumMedia": "0",
    }
    return form | fields


def signed(url: str, form: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form), "Content-Type": "application/x-www-form-urlencoded"}


class ArchiveWithCustomers(FakeArchive):
    """Archive's case list by customer (`GET /v1/cases?customer=&status=resolved&limit=1`) and
    cases that name their contact, as agreed with archive. `ignore_customer_filter` plays an
    archive that does not know the filter yet (answers every customer's latest case)."""

    def __init__(self) -> None:
        super().__init__()
        self.phones: dict[str, str] = {}
        self.ignore_customer_filter = False

    def add_customer_case(self, case_id: str, phone: str, status: CaseStatus) -> None:
        self.add(case_id, status)
        self.phones[case_id] = phone

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/cases" and not self.unreachable:
            customer, status = request.url.params.get("customer"), request.url.params.get("status")
            found = [case_id for case_id, (state, _v) in self.cases.items()
                     if state.value == status and (self.ignore_customer_filter or self.phones.get(case_id) == customer)]
            return httpx.Response(200, json={"cases": [{"case_id": c, "status": status} for c in found[-1:]], "limit": 1, "skip": 0})
        response = await super().handle(request)
        match = re.match(r"^/v1/cases/([^/]+)$", request.url.path)
        if response.status_code == 200 and match:
            body = response.json() | {"contact": {"phone": self.phones.get(match.group(1))}}
            return httpx.Response(200, json=body, headers=response.headers)
        return response

    def resolved(self) -> ArchiveResolvedCases:
        return ArchiveResolvedCases(self.client().http)


@pytest.fixture
def archive() -> ArchiveWithCustomers:
    return ArchiveWithCustomers()


def make_app(publisher, archive: ArchiveWithCustomers, **settings):
    settings = {"COMPLAINTS_API_KEY": API_KEY, "twilio_auth_token": TOKEN} | settings
    return bootstrap(
        IntakeSettings(**settings), publisher=publisher, case_states=archive.client(), resolved_cases=archive.resolved()
    )


@pytest.fixture
async def http(publisher, archive):
    transport = httpx.ASGITransport(app=make_app(publisher, archive))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client


async def test_a_signed_twilio_sms_is_a_complaint_and_the_answer_tells_the_case_number(http, publisher):
    form = twilio_form(NumSegments="3")
    response = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"http://intake{WEBHOOK}", form))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    [event] = publisher.events
    complaint = event.data
    assert isinstance(complaint, ev.ComplaintReceived)
    assert f"<Message>您的投诉已受理，案件编号：{complaint.case_id}</Message>" in response.text
    assert complaint.channel is ev.Channel.SMS
    assert complaint.text == form["Body"]
    assert complaint.customer.phone == CUSTOMER  # E.164, read in the default region (CN)
    assert complaint.sms == ev.SmsDetails(to="+861095555555", segments=3)
    assert complaint.language is ev.Language.ZH_HANS
    assert complaint.external_id == form["MessageSid"]


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature at all
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},  # made up
        "wrong-token",  # signed, with another account's token
        "tampered",  # signed, then the body changed
    ],
)
async def test_a_missing_or_forged_signature_is_a_403_problem_and_nothing_is_recorded(http, publisher, headers):
    form = twilio_form()
    url = f"http://intake{WEBHOOK}"
    if headers == "wrong-token":
        headers = signed(url, form, token="someone-elses-token")
    elif headers == "tampered":
        headers = signed(url, form)
        form = twilio_form(Body="I never sent this")
    response = await http.post(WEBHOOK, content=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"} | headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "X-Twilio-Signature" in response.json()["detail"]
    assert publisher.events == []


async def test_behind_a_proxy_the_signature_is_checked_over_the_public_url(publisher, archive):
    public = "https://complaints.example.com"
    app = make_app(publisher, archive, public_base_url=public)
    form = twilio_form()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://10.0.0.7:8001") as http:
        internal = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"http://10.0.0.7:8001{WEBHOOK}", form))
        public_signed = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"{public}{WEBHOOK}", form))
    assert internal.status_code == 403
    assert public_signed.status_code == 200, public_signed.text


async def test_without_a_twilio_token_the_webhook_refuses_with_503(publisher, archive):
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, case_states=archive.client())
    form = twilio_form()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as http:
        response = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"http://intake{WEBHOOK}", form))
    assert response.status_code == 503
    assert publisher.events == []


async def test_the_same_message_sid_again_gets_the_same_answer_and_one_complaint(http, publisher):
    form = twilio_form()
    headers = signed(f"http://intake{WEBHOOK}", form)
    first = await http.post(WEBHOOK, content=urlencode(form), headers=headers)
    again = await http.post(WEBHOOK, content=urlencode(form), headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.text == again.text
    assert len(publisher.events) == 1


async def test_fifty_parallel_deliveries_of_one_sms_are_one_complaint_with_one_answer(http, publisher):
    body = {"from": "010-6552 9988", "to": "+8610955555", "text": "快递三天没到。", "message_id": "gw-77"}
    responses = await asyncio.gather(
        *(http.post("/v1/complaints/sms", json=body, headers={"Authorization": f"Bearer {API_KEY}"}) for _ in range(50))
    )
    assert {r.status_code for r in responses} == {202}, {r.text for r in responses}
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert len(publisher.events) == 1
    assert publisher.events[0].data.customer.phone == "+861065529988"


async def test_the_json_route_names_a_bad_field_and_needs_the_sms_right(publisher, archive):
    scoped = ApiKey(name="phone-system", sha256=hashlib.sha256(b"cti-key").hexdigest(), channels=frozenset({"phone"}))
    app = make_app(publisher, archive, COMPLAINTS_API_KEYS=(scoped,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as http:
        missing = await http.post("/v1/complaints/sms", json={"text": "x", "message_id": "m1"}, headers={"Authorization": f"Bearer {API_KEY}"})
        no_right = await http.post(
            "/v1/complaints/sms", json={"from": CUSTOMER, "text": "x", "message_id": "m1"}, headers={"Authorization": "Bearer cti-key"}
        )
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["from"]
    assert no_right.status_code == 403
    assert no_right.json()["missing_right"] == "channel:sms"
    assert publisher.events == []


async def test_a_bare_score_from_a_customer_with_a_resolved_case_is_that_cases_satisfaction(http, publisher, archive):
    archive.add_customer_case("case-resolved-1", CUSTOMER, CaseStatus.RESOLVED)
    form = twilio_form(Body="４", MessageSid="SM-score-1")
    response = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"http://intake{WEBHOOK}", form))
    assert response.status_code == 200, response.text
    [event] = publisher.events
    assert isinstance(event.data, ev.SatisfactionRecorded)
    assert (event.data.case_id, event.data.score, event.data.actor) == ("case-resolved-1", 4, "customer")
    assert "case-resolved-1" in response.text and "4" in response.text
    # The same SMS delivered again is not recorded twice.
    again = await http.post(WEBHOOK, content=urlencode(form), headers=signed(f"http://intake{WEBHOOK}", form))
    assert again.text == response.text
    assert len(publisher.events) == 1


async def test_a_bare_score_without_a_resolved_case_of_that_customer_is_a_complaint(http, publisher, archive):
    archive.add_customer_case("someone-elses-case", "+8613900000000", CaseStatus.RESOLVED)
    archive.ignore_customer_filter = True  # an archive that answers everyone's latest case: the case's contact decides
    response = await http.post(
        "/v1/complaints/sms", json={"from": CUSTOMER, "text": "3", "message_id": "gw-3"}, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert response.status_code == 202, response.text
    [event] = publisher.events
    assert isinstance(event.data, ev.ComplaintReceived)
    assert "satisfaction" not in response.json()


async def test_archive_away_when_a_score_arrives_is_a_503_and_nothing_is_recorded(http, publisher, archive):
    archive.unreachable = True
    response = await http.post(
        "/v1/complaints/sms", json={"from": CUSTOMER, "text": "5", "message_id": "gw-5"}, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert response.status_code == 503
    assert publisher.events == []


def test_scores_and_languages_are_read_from_the_text():
    assert [satisfaction_score(t) for t in ("1", " 5 ", "５", "3。", "0", "6", "12", "5 stars", "")] == [1, 5, 5, 3, None, None, None, None, None]
    assert script_language("熱水壺漏水，要求退款") is ev.Language.ZH_HANT
    assert script_language("热水壶漏水，要求退款") is ev.Language.ZH_HANS
    assert script_language("전기주전자가 샙니다") is ev.Language.KO
    assert script_language("The kettle leaks") is ev.Language.EN
    assert script_language("12345") is None

