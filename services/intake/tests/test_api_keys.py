"""Scoped API keys (issue 10, Access): each adapter's key submits only its channels and posts
only its actions; COMPLAINTS_API_KEY stays the all-rights key."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest
from complaints_shared.lifecycle import CaseStatus
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from pydantic import ValidationError

from .conftest import API_KEY

SMS_KEY, STAFF_KEY = "sms-gateway-secret", "staff-tool-secret"
PROBLEM = "application/problem+json"


def entry(name: str, key: str, **rights) -> dict:
    return {"name": name, "sha256": hashlib.sha256(key.encode()).hexdigest(), **rights}


KEYS = [
    entry("sms-gateway", SMS_KEY, channels=["sms"], actions=["customer_followed_up"]),
    entry("staff-tool", STAFF_KEY, roles=["agent"], channels=["*"], actions=["*"]),
]


@pytest.fixture
def keyed_env(monkeypatch):
    monkeypatch.setenv("COMPLAINTS_API_KEYS", json.dumps(KEYS))


@pytest.fixture
async def http(keyed_env, publisher, archive):
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, case_states=archive.client())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_read_from_the_environment_as_hashes(keyed_env):
    keys = IntakeSettings().api_keys
    assert [k.name for k in keys] == ["sms-gateway", "staff-tool"]
    assert keys[0].channels == {"sms"}
    assert SMS_KEY not in json.dumps([k.model_dump(mode="json") for k in keys])


@pytest.mark.parametrize(
    ("keys", "complaint"),
    [
        ([entry("a", "k", channels=["fax"])], "unknown channels"),
        ([entry("a", "k", actions=["approve"])], "unknown actions"),
        ([entry("a", "k", roles=["boss"])], "unknown roles"),
        ([entry("a", "k"), entry("a", "k2")], "own name"),
        ([entry("a", "k"), entry("b", "k")], "same sha256"),
        ([{"name": "a", "sha256": "k"}], "sha256"),
    ],
)
def test_a_misconfigured_key_stops_the_service_from_starting(monkeypatch, keys, complaint):
    monkeypatch.setenv("COMPLAINTS_API_KEYS", json.dumps(keys))
    with pytest.raises(ValidationError, match=complaint):
        IntakeSettings()


async def test_the_sms_gateway_submits_sms_and_nothing_else(http, publisher):
    sms = {"channel": "sms", "text": "Parcel never came.", "external_id": "SM1"}
    assert (await http.post("/v1/complaints", json=sms, headers=bearer(SMS_KEY))).status_code == 202
    refused = await http.post("/v1/complaints", json=sms | {"channel": "phone"}, headers=bearer(SMS_KEY))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["missing_right"] == "channel:phone"
    email = b"From: a@example.com\r\nSubject: x\r\n\r\nThe zip broke.\r\n"
    refused = await http.post("/v1/complaints/email", content=email, headers=bearer(SMS_KEY) | {"content-type": "message/rfc822"})
    assert refused.json()["missing_right"] == "channel:email"
    assert len(publisher.events) == 1


@pytest.mark.parametrize("action", ["acknowledged", "remedy_approved", "closed", "note_added"])
async def test_the_sms_gateway_cannot_post_staff_actions(http, publisher, archive, action):
    archive.add("case-1", CaseStatus.ASSIGNED)
    body = {"type": action, "actor": "sms", **({"note": "x"} if action == "note_added" else {})}
    refused = await http.post("/v1/cases/case-1/events", json=body, headers=bearer(SMS_KEY))
    assert refused.status_code == 403, refused.text
    assert refused.json()["missing_right"] == f"action:{action}"
    assert publisher.events == []


async def test_the_sms_gateway_may_post_a_customer_follow_up(http, archive):
    archive.add("case-1", CaseStatus.INVESTIGATING)
    body = {"type": "customer_followed_up", "actor": "customer", "text": "Any news?", "channel": "sms"}
    assert (await http.post("/v1/cases/case-1/events", json=body, headers=bearer(SMS_KEY))).status_code == 202


async def test_a_staff_key_without_the_supervisor_role_cannot_approve(http, archive):
    archive.add("case-1", CaseStatus.REMEDY_PROPOSED)
    body = {"type": "remedy_approved", "actor": "agent-3"}
    refused = await http.post("/v1/cases/case-1/events", json=body, headers=bearer(STAFF_KEY))
    assert refused.json()["missing_right"] == "role:supervisor"
    assert (await http.post("/v1/cases/case-1/events", json=body, headers=bearer(API_KEY))).status_code == 202


async def test_a_key_listing_every_action_but_no_role_still_cannot_act_as_staff(monkeypatch, publisher, archive):
    monkeypatch.setenv("COMPLAINTS_API_KEYS", json.dumps([entry("mail-adapter", "m", channels=["email"], actions=["*"])]))
    app = bootstrap(IntakeSettings(COMPLAINTS_API_KEY=API_KEY), publisher=publisher, case_states=archive.client())
    archive.add("case-1", CaseStatus.ASSIGNED)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        refused = await client.post("/v1/cases/case-1/events", json={"type": "acknowledged", "actor": "x"}, headers=bearer("m"))
    assert refused.json()["missing_right"] == "role:agent"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Bearer {KEYS[0]['sha256']}", f"Basic {SMS_KEY}"])
async def test_wrong_or_missing_credentials_are_401(http, publisher, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = await http.post("/v1/complaints", json={"channel": "sms", "text": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert publisher.events == []


async def test_scoped_keys_alone_are_enough_to_run(keyed_env, publisher, archive):
    app = bootstrap(IntakeSettings(), publisher=publisher, case_states=archive.client())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        ok = await client.post("/v1/complaints", json={"channel": "sms", "text": "x"}, headers=bearer(SMS_KEY))
    assert ok.status_code == 202


async def test_each_key_has_its_own_idempotency_keys(http, publisher):
    body = {"channel": "sms", "text": "Parcel never came."}
    same = {"Idempotency-Key": "req-1"}
    by_gateway = await http.post("/v1/complaints", json=body, headers=bearer(SMS_KEY) | same)
    by_staff = await http.post("/v1/complaints", json=body, headers=bearer(STAFF_KEY) | same)
    assert by_gateway.json()["case_id"] != by_staff.json()["case_id"]
    assert len(publisher.events) == 2
