from __future__ import annotations

from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus

COMPLAINT = {
    "channel": "email",
    "subject": "Kettle sparks",
    "text": "My new kettle sparked and smoked when I switched it on.",
    "customer": {"email": "ann@example.com", "phone": "+44 20 7946 0000"},
    "external_id": "msg-0001",
}


async def test_complaint_is_published_and_answered_with_its_case_id(client, publisher):
    response = await client.post("/v1/complaints", json=COMPLAINT)
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/cases/{body['case_id']}"
    [event] = publisher.events
    assert event.type == "org.complaints.complaint.received.v1"
    assert event.subject == body["case_id"] == event.data.case_id
    assert event.id == body["event_id"]
    assert event.data.text == COMPLAINT["text"]
    assert event.data.channel == ev.Channel.EMAIL


async def test_retry_with_same_external_id_gives_the_first_answer_again(client, publisher):
    first = (await client.post("/v1/complaints", json=COMPLAINT)).json()
    second = (await client.post("/v1/complaints", json=COMPLAINT)).json()
    assert first == second
    [event] = publisher.events  # answered from the idempotency store, not published twice
    assert event.id == first["event_id"]


async def test_without_external_id_each_post_is_a_new_case(client):
    body = {k: v for k, v in COMPLAINT.items() if k != "external_id"}
    first = (await client.post("/v1/complaints", json=body)).json()
    second = (await client.post("/v1/complaints", json=body)).json()
    assert first["case_id"] != second["case_id"]


async def test_missing_key_is_401_and_wrong_key_is_401(client, publisher):
    assert (await client.post("/v1/complaints", json=COMPLAINT, headers={"Authorization": ""})).status_code == 401
    response = await client.post("/v1/complaints", json=COMPLAINT, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert publisher.events == []


async def test_health_needs_no_key(client):
    response = await client.get("/healthz", headers={"Authorization": ""})
    assert response.status_code == 200


async def test_bad_field_is_a_problem_naming_the_field(client, publisher):
    response = await client.post("/v1/complaints", json=COMPLAINT | {"channel": "pigeon"})
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["errors"][0]["field"] == "channel"
    assert publisher.events == []


async def test_empty_text_and_unknown_field_are_rejected(client):
    assert (await client.post("/v1/complaints", json=COMPLAINT | {"text": "   "})).json()["errors"][0]["field"] == "text"
    response = await client.post("/v1/complaints", json=COMPLAINT | {"colour": "red"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "colour"


async def test_malformed_json_is_422_not_500(client):
    response = await client.post("/v1/complaints", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


async def test_oversized_body_is_413(client, publisher):
    response = await client.post("/v1/complaints", json=COMPLAINT | {"text": "x" * 70_000})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert publisher.events == []


async def test_naive_received_at_is_rejected(client):
    response = await client.post("/v1/complaints", json=COMPLAINT | {"received_at": "2026-11-24T10:00:00"})
    assert response.status_code == 422
    assert "received_at" in response.text


async def test_case_update_is_published_on_the_updates_topic(client, publisher, archive):
    archive.add("case-1", CaseStatus.ASSIGNED)
    response = await client.post("/v1/cases/case-1/events", json={"type": "acknowledged", "actor": "agent-7"})
    assert response.status_code == 202, response.text
    [event] = publisher.events
    assert event.type == "org.complaints.case.acknowledged.v1"
    assert event.data.case_id == "case-1"


async def test_case_update_with_unknown_type_or_missing_field_is_422(client, publisher):
    response = await client.post("/v1/cases/case-1/events", json={"type": "teleported", "actor": "a"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"
    response = await client.post("/v1/cases/case-1/events", json={"type": "satisfaction_recorded", "actor": "a", "score": 9})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "score"
    assert publisher.events == []


async def test_email_webhook_parses_the_message(client, publisher):
    message = (
        "From: Ann Example <ann@example.com>\r\nTo: care@shop.example\r\nSubject: =?utf-8?b?5oqV6K+J?=\r\n"
        "Message-ID: <abc@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0800\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n牛奶打开就结块了，有酸味。\r\n"
    ).encode()
    response = await client.post("/v1/complaints/email", content=message, headers={"content-type": "message/rfc822"})
    assert response.status_code == 202, response.text
    [event] = publisher.events
    assert event.data.subject == "投诉"
    assert event.data.text == "牛奶打开就结块了，有酸味。"
    assert event.data.customer.email == "ann@example.com"
    assert event.data.external_id == "<abc@example.com>"


async def test_email_without_text_is_422(client):
    message = b"From: a@example.com\r\nSubject: x\r\nContent-Type: image/png\r\n\r\nAAAA"
    response = await client.post("/v1/complaints/email", content=message, headers={"content-type": "message/rfc822"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


async def test_openapi_lists_the_interfaces(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/v1/complaints", "/v1/complaints/email", "/v1/cases/{case_id}/events"} <= set(paths)


async def test_healthz_reports_a_dead_raw_topic_consumer():
    import httpx
    from intake.bootstrap import Intake
    from intake.settings import IntakeSettings

    class DeadLoop:
        alive = False

    intake = Intake(IntakeSettings(COMPLAINTS_API_KEY="k"))
    intake.raw_loop = DeadLoop()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=intake.app()), base_url="http://i") as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["raw_topic_consumer"] is False  # (the letter OCR worker has a check of its own)
