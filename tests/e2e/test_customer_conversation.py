"""The customer's side of the method, for real: the four services as processes on the real broker
and store, notification sending through a real SMTP server (aiosmtpd) and a local server that
speaks the Twilio Messages API.

- A complaint mailed to intake's SMTP listener gets an acknowledgement from notification; the
  customer's reply to that acknowledgement (naming only its Message-ID) is filed by intake as a
  follow-up on the same case.
- A complaint by SMS, taken through the method to `resolved`, gets the satisfaction request by
  SMS; the customer's bare "4" is recorded as that case's satisfaction (intake finds the case
  through archive's case list).
"""

from __future__ import annotations

import re
import smtplib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import mail_sink
import pytest
from processes import SERVICES, free_port, serving, start_service, wait_ready
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from waiting import wait_for

pytestmark = pytest.mark.e2e
KEY = "conversation-key"
COMPLAINTS_ADDRESS = "complaints@corp.example"
CUSTOMER_MAIL = "lin@customer.example"
CUSTOMER_PHONE = "+821055501234"
AUTH = {"Authorization": f"Bearer {KEY}"}


class TextMessages:
    """What the SMS gateway was asked to send (the Twilio Messages API's form fields)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def create(self, request: Request) -> JSONResponse:
        self.sent.append(dict(await request.form()))
        return JSONResponse({"sid": f"SM{len(self.sent)}", "status": "queued"}, status_code=201)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/2010-04-01/Accounts/{account}/Messages.json", self.create, methods=["POST"])])


@pytest.fixture(scope="module")
def platform(real_backends, tmp_path_factory):
    token = uuid.uuid4().hex[:10]
    texts = TextMessages()
    workdir = tmp_path_factory.mktemp("conversation")
    services: dict[str, Any] = {}
    with mail_sink.smtp_sink() as (sink_port, inbox), serving(texts.app()) as gateway_url:
        smtp_port = free_port()
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": real_backends.kafka_bootstrap_servers,
            "MONGODB_URL": real_backends.mongodb_url,
            "COMPLAINTS_TOPIC_PREFIX": f"c{token}.",
            "MONGODB_DATABASE": f"conversation_{token}",
            "COMPLAINTS_API_KEY": KEY,
        }
        by_service = {
            "intake": {"INTAKE_SMTP_HOST": "127.0.0.1", "INTAKE_SMTP_PORT": str(smtp_port), "INTAKE_SMTP_RECIPIENTS": COMPLAINTS_ADDRESS,
                       "INTAKE_MAIL_DOMAIN": "corp.example", "INTAKE_LETTER_OCR_WORKER": "false"},
            "notification": {"NOTIFICATION_CHANNELS": '["email","sms"]', "NOTIFICATION_SMTP_PORT": str(sink_port),
                             "NOTIFICATION_MAIL_FROM": COMPLAINTS_ADDRESS, "NOTIFICATION_DEFAULT_ADDRESS": "desk@corp.example",
                             "NOTIFICATION_SMS_URL": gateway_url, "NOTIFICATION_SMS_ACCOUNT": "AC123",
                             "NOTIFICATION_SMS_TOKEN": "t0ken", "NOTIFICATION_SMS_FROM": "+15550000000"},
        }
        try:
            # Archive first: intake asks it for a case's state before recording a case action.
            for name in sorted(SERVICES, key=lambda n: n != "archive"):
                extra = by_service.get(name, {}) | ({"INTAKE_ARCHIVE_URL": services["archive"].url} if name == "intake" else {})
                services[name] = start_service(name, env=env | extra, workdir=workdir)
            for service in services.values():
                wait_ready(service)
            yield services, smtp_port, inbox, texts
        finally:
            codes = {name: service.stop() for name, service in services.items()}
            assert all(code in (0, -15) for code in codes.values()), {name: services[name].log_tail() for name in codes}


def _eventually(what: str, probe) -> Any:
    return wait_for(probe, timeout=60, message=f"never happened: {what}")


def _case(services, case_id: str) -> dict:
    response = httpx.get(f"{services['archive'].url}/v1/cases/{case_id}", headers=AUTH, timeout=10)
    return response.json() if response.status_code == 200 else {}


def _deliver(port: int, data: bytes) -> str:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo("mta.customer.example")
        smtp.mail(CUSTOMER_MAIL)
        smtp.rcpt(COMPLAINTS_ADDRESS)
        code, text = smtp.data(data)
    assert code == 250, text
    return text.decode()


def test_a_reply_to_the_acknowledgement_is_a_follow_up_on_the_same_case(platform):
    services, smtp_port, inbox, _ = platform
    answer = _deliver(smtp_port, (
        f"From: Lin Wei <{CUSTOMER_MAIL}>\r\nTo: {COMPLAINTS_ADDRESS}\r\nSubject: Kettle leaks\r\n"
        "Message-ID: <first@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "The electric kettle I bought from your shop last month leaks water from its base. Please replace it.\r\n"
    ).encode())
    case_id = re.search(r"case (\S+)$", answer).group(1)  # type: ignore[union-attr]

    [acknowledgement] = _eventually("the customer's acknowledgement", lambda: inbox.to(CUSTOMER_MAIL))
    assert case_id in acknowledgement["Subject"] and case_id in acknowledgement.get_content()
    assert acknowledgement["In-Reply-To"] == "<first@customer.example>"

    # The reply names only our acknowledgement, and its subject carries no case tag: intake
    # must find the case by the Message-ID notification wrote.
    reply = (f"From: {CUSTOMER_MAIL}\r\nTo: {COMPLAINTS_ADDRESS}\r\nSubject: more details\r\n"
             f"Message-ID: <second@customer.example>\r\nIn-Reply-To: {acknowledgement['Message-ID']}\r\n"
             f"References: {acknowledgement['Message-ID']}\r\n\r\nThe batch number on the box is 4711.\r\n").encode()
    assert _deliver(smtp_port, reply).endswith(f"follow-up on case {case_id}")

    case = _eventually("the follow-up in archive", lambda: (c := _case(services, case_id)) and "4711" in str(c["timeline"]) and c)
    follow_ups = [entry for entry in case["timeline"] if "4711" in str(entry)]
    assert [entry["type"] for entry in follow_ups] == ["org.complaints.case.customer_followed_up.v1"], follow_ups
    listed = httpx.get(f"{services['archive'].url}/v1/cases", params={"customer": CUSTOMER_MAIL}, headers=AUTH, timeout=10).json()
    assert [listed_case["case_id"] for listed_case in listed["cases"]] == [case_id]  # one case, not a second complaint


def test_an_sms_customer_answers_the_satisfaction_request_with_a_score_that_lands_on_the_case(platform):
    services, _, _, texts = platform
    with httpx.Client(base_url=services["intake"].url, headers=AUTH, timeout=10) as intake:
        sms = {"from": CUSTOMER_PHONE, "to": "+8215880000", "message_id": "gw-1", "received_at": datetime.now(UTC).isoformat(),
               "text": "The vacuum cleaner you delivered yesterday does not switch on at all. Please repair or replace it."}
        accepted = intake.post("/v1/complaints/sms", json=sms)
        assert accepted.status_code == 202, accepted.text
        case_id = accepted.json()["case_id"]
        _eventually("routing's decision in archive", lambda: _case(services, case_id).get("status") == "assigned")

        steps = [{"type": "acknowledged", "actor": "agent-1"},
                 {"type": "cause_found", "actor": "agent-1", "cause": "A loose switch cable."},
                 {"type": "remedy_proposed", "actor": "agent-1", "remedy": "Repair at home."},
                 {"type": "remedy_approved", "actor": "sup-1"},
                 {"type": "resolved", "actor": "agent-1", "resolution": "Repaired at home."}]
        for step in steps:
            response = intake.post(f"/v1/cases/{case_id}/events", json=step)
            assert response.status_code == 202, (step["type"], response.text, _case(services, case_id))
        _eventually("the case resolved in archive", lambda: _case(services, case_id).get("status") == "resolved")

        requests = _eventually("the satisfaction request by SMS",
                               lambda: [text for text in texts.sent if text["To"] == CUSTOMER_PHONE and case_id in text["Body"] and "5" in text["Body"]])
        assert requests[0]["From"] == "+15550000000"

        score = intake.post("/v1/complaints/sms", json=sms | {"message_id": "gw-2", "text": "4", "received_at": datetime.now(UTC).isoformat()})
        assert score.status_code == 202, score.text
        assert (score.json()["case_id"], score.json()["satisfaction"]) == (case_id, 4)
        case = _eventually("the score on the case", lambda: (c := _case(services, case_id)).get("satisfaction") == 4 and c)
        assert case["status"] == "evaluated"
