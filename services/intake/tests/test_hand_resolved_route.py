"""`POST /v1/complaints` resolves its arguments by hand (HandResolvedRoute, for speed). These
tests hold it to what FastAPI's own solver does with the endpoint's signature: the same answer
for the same request, good or bad, and the same OpenAPI."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.routing import APIRoute
from intake.entrypoints import http as intake_http

from .conftest import API_KEY, AwaitingPublisher, FakeArchive, intake_app

COMPLAINT = {"channel": "sms", "text": "热水壶用了两周就漏水，要求退款。", "customer": {"phone": "+8613800138000"}}
JSON = {"content-type": "application/json"}


def _json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


# (what the request is, body bytes, headers): each answered alike by both routes.
REQUESTS = [
    ("a complaint", _json(COMPLAINT), JSON),
    ("with an external_id", _json(COMPLAINT | {"external_id": "ext-1"}), JSON),
    ("with an Idempotency-Key", _json(COMPLAINT), JSON | {"idempotency-key": "key-1"}),
    ("a JSON content type with parameters", _json(COMPLAINT), {"content-type": "application/json; charset=utf-8"}),
    ("a +json media type", _json(COMPLAINT), {"content-type": "application/vnd.complaint+json"}),
    ("an unknown channel", _json(COMPLAINT | {"channel": "pigeon"}), JSON),
    ("an unknown field", _json(COMPLAINT | {"colour": "red"}), JSON),
    ("blank text", _json(COMPLAINT | {"text": "   "}), JSON),
    ("a nested field wrong", _json(COMPLAINT | {"customer": {"phone": 5}}), JSON),
    ("no text", _json({"channel": "sms"}), JSON),
    ("a naive received_at", _json(COMPLAINT | {"received_at": "2026-11-24T10:00:00"}), JSON),
    ("a JSON array", b"[1, 2]", JSON),
    ("a JSON string", b'"text"', JSON),
    ("an empty body", b"", JSON),
    ("a body that is not JSON", b"text=x", {"content-type": "text/plain"}),
    ("an empty Idempotency-Key", _json(COMPLAINT), JSON | {"idempotency-key": ""}),
    ("a 201-character Idempotency-Key", _json(COMPLAINT), JSON | {"idempotency-key": "k" * 201}),
    ("a bad header and a bad body", _json(COMPLAINT | {"channel": "pigeon"}), JSON | {"idempotency-key": "k" * 201}),
    ("no bearer key", _json(COMPLAINT), JSON | {"authorization": ""}),
    ("a wrong bearer key", _json(COMPLAINT), JSON | {"authorization": "Bearer nope"}),
    ("another scheme", _json(COMPLAINT), JSON | {"authorization": f"Basic {API_KEY}"}),
]


def _fields(answer: httpx.Response) -> list[str]:
    return [error["field"] for error in answer.json().get("errors", [])]


async def _answers(app, requests) -> list[httpx.Response]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as client:
        return [await client.post("/v1/complaints", content=body, headers=headers) for _name, body, headers in requests]


@pytest.fixture
def apps(monkeypatch):
    """(intake's app, the same app with `POST /v1/complaints` a plain APIRoute: FastAPI's
    dependency solver)."""
    by_hand = intake_app(AwaitingPublisher(), FakeArchive())
    monkeypatch.setattr(intake_http, "resolved_by", lambda _resolve: APIRoute)
    return by_hand, intake_app(AwaitingPublisher(), FakeArchive())


async def test_every_request_is_answered_as_fastapis_solver_answers_it(apps):
    by_hand = await _answers(apps[0], REQUESTS)
    solved = await _answers(apps[1], REQUESTS)
    for (name, _body, _headers), mine, theirs in zip(REQUESTS, by_hand, solved, strict=True):
        assert mine.status_code == theirs.status_code, name
        assert mine.headers["content-type"] == theirs.headers["content-type"], name
        if mine.status_code == 202:  # new case ids without an external_id or key, the same ones with
            assert mine.json().keys() == theirs.json().keys(), name
            assert (mine.json() == theirs.json()) is ("external_id" in name or "Key" in name), name
        elif mine.status_code == 422:
            # The fields named agree. The messages of a body that is no JSON object differ (FastAPI
            # says what it could not read; this route asks for JSON), so only fields are compared.
            assert _fields(mine) == _fields(theirs), name
        else:
            assert mine.json() == theirs.json(), name
    assert [answer.status_code for answer in by_hand] == [202] * 5 + [422] * 13 + [401] * 3
    # Two apps, not one twice: only the hand-resolved route asks for JSON in so many words.
    not_json = [name for name, _body, _headers in REQUESTS].index("a body that is not JSON")
    assert "application/json" in by_hand[not_json].json()["detail"]
    assert "application/json" not in solved[not_json].json()["detail"]


async def test_the_bad_requests_name_the_field_and_what_to_send():
    names = ("an empty body", "a JSON array", "a 201-character Idempotency-Key", "a bad header and a bad body")
    answers = await _answers(intake_app(AwaitingPublisher(), FakeArchive()), [r for r in REQUESTS if r[0] in names])
    assert [_fields(answer) for answer in answers] == [[""], [""], ["header.idempotency-key"], ["header.idempotency-key", "channel"]]
    assert "at most 200 characters" in answers[2].json()["detail"]


async def test_nothing_is_published_for_a_refused_request():
    publisher = AwaitingPublisher()
    refused = [r for r in REQUESTS if r[0] in ("no bearer key", "an unknown field", "an empty body")]
    assert [a.status_code for a in await _answers(intake_app(publisher, FakeArchive()), refused)] == [422, 422, 401]
    assert publisher.events == []


def test_the_openapi_is_the_one_fastapi_writes_from_the_signature(apps):
    operation = apps[0].openapi()["paths"]["/v1/complaints"]["post"]
    assert operation == apps[1].openapi()["paths"]["/v1/complaints"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SubmitComplaint"}
    [header] = [p for p in operation["parameters"] if p["name"] == "idempotency-key"]
    assert header["in"] == "header"
    assert operation["security"] == [{"HTTPBearer": []}]
