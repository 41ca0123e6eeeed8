"""Dates and fields have bounds; the server sets `at` and the path names the case
(issue 8, defect 5)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared.lifecycle import CaseStatus
from intake import handlers
from intake.bootstrap import bootstrap
from intake.domain.case_updates import UPDATE_BODIES
from intake.domain.complaints import InvalidField, SubmitComplaint
from intake.settings import IntakeSettings

from .conftest import API_KEY

COMPLAINT = {"channel": "web", "text": "The blender's lid cracked on first use.", "external_id": "web-991"}


def at(delta: timedelta) -> str:
    return (ev.utcnow() + delta).isoformat()


@pytest.mark.parametrize(
    "received_at",
    ["9999-12-31T23:59:59+00:00", at(timedelta(hours=1)), at(-timedelta(days=91)), "1970-01-01T00:00:00Z"],
)
async def test_received_at_outside_the_window_is_422_naming_it(client, publisher, received_at):
    response = await client.post("/v1/complaints", json=COMPLAINT | {"received_at": received_at})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["received_at"]
    assert publisher.events == []


@pytest.mark.parametrize("received_at", [at(timedelta(minutes=2)), at(-timedelta(days=30)), at(-timedelta(days=89))])
async def test_received_at_inside_the_window_is_kept(client, publisher, received_at):
    response = await client.post("/v1/complaints", json=COMPLAINT | {"received_at": received_at})
    assert response.status_code == 202, response.text
    assert publisher.events[0].data.received_at.isoformat() == received_at


async def test_the_window_is_a_setting(publisher):
    settings = IntakeSettings(COMPLAINTS_API_KEY=API_KEY, received_at_max_age_days=400)
    transport = httpx.ASGITransport(app=bootstrap(settings, publisher=publisher))
    async with httpx.AsyncClient(transport=transport, base_url="http://i", headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        response = await http.post("/v1/complaints", json=COMPLAINT | {"received_at": at(-timedelta(days=300))})
    assert response.status_code == 202, response.text


async def test_raw_record_outside_the_window_is_refused_for_the_dead_letter_topic(publisher):
    value = ev.RawComplaintSubmitted(channel=ev.Channel.SMS, text="late parcel", received_at="9999-01-01T00:00:00Z")
    window = IntakeSettings().received_at_window()
    with pytest.raises(InvalidField, match="received_at"):
        await handlers.normalise_raw(value.model_dump_json().encode(), origin="raw/0/1", publisher=publisher, now=ev.utcnow(), window=window)
    assert publisher.events == []


async def test_an_email_date_outside_the_window_is_replaced_by_the_time_of_receipt(client, publisher):
    message = b"From: a@example.com\r\nDate: Fri, 31 Dec 9999 10:00:00 +0000\r\nSubject: x\r\n\r\nThe zip broke.\r\n"
    before = ev.utcnow()
    response = await client.post("/v1/complaints/email", content=message, headers={"content-type": "message/rfc822"})
    assert response.status_code == 202, response.text
    assert before <= publisher.events[0].data.received_at <= ev.utcnow()


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"case_id": "other-case"}, "case_id"), ({"at": "2020-01-01T00:00:00Z"}, "at")],
)
async def test_case_update_body_cannot_set_the_case_or_the_time(client, publisher, extra, field):
    response = await client.post("/v1/cases/case-1/events", json={"type": "acknowledged", "actor": "a"} | extra)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert publisher.events == []


async def test_the_server_sets_the_time_of_a_case_update(client, publisher, archive):
    archive.add("case-1", CaseStatus.REMEDY_APPROVED)
    before = ev.utcnow()
    response = await client.post("/v1/cases/case-1/events", json={"type": "resolved", "actor": "a", "resolution": "Refunded"})
    assert response.status_code == 202, response.text
    [event] = publisher.events
    assert before <= event.data.at <= ev.utcnow()
    assert event.data.case_id == "case-1"


async def test_long_department_is_422_naming_it(client, publisher):
    body = {"type": "reassigned", "actor": "sup-3", "department": "q" * 201}
    response = await client.post("/v1/cases/case-1/events", json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["department"]
    assert publisher.events == []


def unbounded_strings(schema: dict, path: str = "") -> list[str]:
    """Paths of string properties with neither maxLength nor a fixed set of values."""
    definitions = schema.get("$defs", {})
    found: list[str] = []

    def walk(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                walk(definitions[node["$ref"].removeprefix("#/$defs/")], where)
                return
            if node.get("type") == "string" and not ({"maxLength", "enum", "const"} & set(node)) and node.get("format") not in ("date-time", "date"):
                found.append(where or "<root>")
            for key, value in node.items():
                if key == "$defs":
                    continue
                walk(value, f"{where}.{key}" if key not in ("properties", "anyOf", "items") else where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schema, path)
    return found


@pytest.mark.parametrize(
    "model",
    [*ev.CASE_UPDATES, *UPDATE_BODIES.values(), SubmitComplaint, ev.ComplaintReceived, ev.RawComplaintSubmitted],
    ids=lambda m: m.__name__,
)
def test_every_string_field_has_a_length_limit(model):
    assert unbounded_strings(model.model_json_schema()) == []
