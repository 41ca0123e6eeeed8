"""Every route of both APIs demands the bearer key, read off each app's own OpenAPI document:
a route added later is checked without anyone listing it here (only the public ones are)."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from archive.bootstrap import Archive
from archive.domain.indicators import indicators
from archive.settings import ArchiveSettings
from complaints_shared.testing import FakePublisher
from fastapi import FastAPI
from intake.bootstrap import bootstrap as intake_bootstrap
from intake.settings import IntakeSettings
from twilio.request_validator import RequestValidator

KEY = "contract-test-key"
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"}
# Webhooks a provider signs instead of presenting the bearer key: path -> security scheme.
SIGNED_PATHS = {"/v1/complaints/sms/twilio": "twilioSignature"}
TWILIO_TOKEN = "contract-twilio-token"
METHODS = {"get", "put", "post", "delete", "patch"}
PROBLEM = "application/problem+json"
# Bodies the schema can't say how to build (a string schema for a whole e-mail).
BODY_FOR_MEDIA_TYPE = {
    "message/rfc822": "From: someone@example.com\r\nTo: complaints@example.com\r\nSubject: kettle\r\n\r\nThe kettle leaks.\r\n",
    "text/plain": "The kettle leaks.",
}
FILE_FOR_BINARY_PART = b"\x89PNG\r\n\x1a\n" + bytes(16)  # what a scan's magic bytes must say
STRING_FOR_FORMAT = {"date-time": "2026-11-24T09:00:00Z", "date": "2026-11-24", "email": "someone@example.com", "uuid": str(uuid.uuid4())}


class FakeRepository:
    async def get_case(self, case_id):
        return None

    async def list_cases(self, **_query):
        return []

    async def indicators(self, *, first_day, last_day, group_by, only=None, with_causes=True):
        return {"total": indicators({}), "groups": []}

    async def erase_customer(self, customer, *, requested_by, at):
        return {"_id": "e1", "at": at, "requested_by": requested_by, "cases": 0, "events": 0, "raw_records": 0,
                "attachments": 0, "attachments_shared": 0, "letter_jobs": 0}

    async def plan_erasure(self, customer, *, requested_by, at):
        return await self.erase_customer(customer, requested_by=requested_by, at=at)

    async def apply_erasure(self, record):
        return True

    async def summary(self):
        rates = {"cases": 0, "answer_rate": None, "resolution_rate": None, "acknowledged_on_time_rate": None,
                 "resolved_on_time_rate": None, "satisfaction_avg": None, "escalations": 0}
        return {"overall": rates, "by_department": {}, "by_priority": {}, "by_status": {}}


class FakeErasureLog:
    async def append(self, erased):
        pass


def intake_app() -> FastAPI:
    return intake_bootstrap(IntakeSettings(COMPLAINTS_API_KEY=KEY, twilio_auth_token=TWILIO_TOKEN), publisher=FakePublisher())


def archive_app() -> FastAPI:
    archive = Archive(ArchiveSettings(COMPLAINTS_API_KEY=KEY))
    archive.repository = FakeRepository()  # type: ignore[assignment] - the read API only reads
    archive.erasure_log = FakeErasureLog()  # type: ignore[assignment] - erasures are kept on Kafka first
    return archive.app()


APPS = {"intake": intake_app, "archive": archive_app}


def protected_operations() -> list[Any]:
    found = []
    for name, make_app in APPS.items():
        document = make_app().openapi()
        for path, item in document["paths"].items():
            if path in PUBLIC_PATHS or path in SIGNED_PATHS:
                continue
            for method in sorted(METHODS & item.keys()):
                found.append(pytest.param(name, path, method, id=f"{name} {method.upper()} {path}"))
    return found


OPERATIONS = protected_operations()


def test_both_apps_have_protected_operations():
    assert {param.values[0] for param in OPERATIONS} == set(APPS)


# --- a minimal valid request, built from the document ----------------------------------------


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document["components"]["schemas"][name]
    return schema


def example_of(schema: dict, document: dict) -> Any:
    """The simplest instance of `schema`: documented examples first, else required parts only."""
    schema = _resolve(schema, document)
    if "example" in schema:
        return schema["example"]
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    for key in ("default", "const"):
        if key in schema:
            return schema[key]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [option for option in schema[key] if _resolve(option, document).get("type") != "null"]
            return example_of(options[0], document)
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            merged |= example_of(part, document)
        return merged
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example_of(properties.get(name, {}), document) for name in schema.get("required", [])}
    if kind == "array":
        return [example_of(schema.get("items", {}), document) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if "pattern" in schema:
            raise AssertionError(f"no example for a string of pattern {schema['pattern']}: document one (`examples`)")
        text = STRING_FOR_FORMAT.get(schema.get("format", ""), "x")
        return text.ljust(schema.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    raise AssertionError(f"no example for {schema}")


def parameter_value(parameter: dict, document: dict) -> str:
    schema = _resolve(parameter.get("schema", {}), document)
    if parameter["in"] == "path" and schema.get("type", "string") == "string":
        value = str(uuid.uuid4())  # a case id as intake makes them
        assert re.search(schema.get("pattern", ""), value), f"a uuid must pass {parameter['name']}'s pattern"
        return value
    return str(example_of(schema, document))


def request_for(document: dict, path: str, method: str) -> dict[str, Any]:
    operation = document["paths"][path][method]
    url, query, headers = path, {}, {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", parameter_value(parameter, document))
        elif parameter.get("required"):
            {"query": query, "header": headers}[parameter["in"]][parameter["name"]] = parameter_value(parameter, document)
    request: dict[str, Any] = {"method": method.upper(), "url": url, "params": query, "headers": headers}
    body = operation.get("requestBody")
    if body:
        media_type, content = next(iter(body["content"].items()))
        if media_type == "multipart/form-data":
            return request | multipart_body(_resolve(content.get("schema", {}), document), document)
        headers["Content-Type"] = media_type
        if content.get("examples"):
            payload = next(iter(content["examples"].values()))["value"]
        elif "example" in content:
            payload = content["example"]
        elif media_type in BODY_FOR_MEDIA_TYPE:
            payload = BODY_FOR_MEDIA_TYPE[media_type]
        else:
            payload = example_of(content.get("schema", {}), document)
        if media_type.endswith("json"):
            request["json"] = payload
        else:
            request["content"] = payload
    return request


def multipart_body(schema: dict, document: dict) -> dict[str, Any]:
    """httpx's `files` and `data` for a form's required parts (a binary part gets a small PNG);
    httpx writes Content-Type with its boundary."""
    parts = example_of(schema, document)
    binary = {name for name, part in schema.get("properties", {}).items() if part.get("format") == "binary"}
    return {
        "files": {name: (f"{name}.png", FILE_FOR_BINARY_PART, "image/png") for name in parts if name in binary},
        "data": {name: value for name, value in parts.items() if name not in binary},
    }


async def call(app: FastAPI, request: dict[str, Any], authorization: str | None) -> httpx.Response:
    headers = dict(request["headers"])
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as http:
        return await http.request(**(request | {"headers": headers}))


# --- the checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("app_name", "path", "method"), OPERATIONS)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key", f"Basic {KEY}", f"Bearer {KEY}x"])
async def test_a_missing_or_wrong_key_is_a_401_problem(app_name, path, method, authorization):
    app = APPS[app_name]()
    response = await call(app, request_for(app.openapi(), path, method), authorization)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


@pytest.mark.parametrize(("app_name", "path", "method"), OPERATIONS)
async def test_the_right_key_with_the_example_request_is_let_through(app_name, path, method):
    # Shows that the 401s above come from the key: the same request with the key is served.
    app = APPS[app_name]()
    response = await call(app, request_for(app.openapi(), path, method), f"Bearer {KEY}")
    assert response.status_code not in (401, 403, 422) and response.status_code < 500, response.text


@pytest.mark.parametrize(("app_name", "path", "method"), OPERATIONS)
def test_the_document_declares_the_bearer_key_and_its_401(app_name, path, method):
    document = APPS[app_name]().openapi()
    operation = document["paths"][path][method]
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer = {name for name, scheme in schemes.items() if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"}
    assert any(bearer & requirement.keys() for requirement in operation.get("security", document.get("security", []))), (
        "the operation does not declare the bearer security scheme"
    )
    assert PROBLEM in operation["responses"].get("401", {}).get("content", {}), "the operation does not document its 401 problem"


# --- signed webhooks: the provider's signature instead of the bearer key -----------------------


def _signed_request(document: dict, path: str, signature: str | None) -> dict[str, Any]:
    request = request_for(document, path, "post")
    form = dict(parse_qsl(request["content"]))
    if signature == "valid":
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"http://api{path}", form)
    if signature is not None:
        request["headers"]["X-Twilio-Signature"] = signature
    return request


@pytest.mark.parametrize("path", sorted(SIGNED_PATHS))
@pytest.mark.parametrize("signature", [None, "Zm9yZ2Vk", "valid"])
async def test_a_signed_webhook_needs_the_signature_not_the_bearer_key(path, signature):
    app = intake_app()
    document = app.openapi()
    operation = document["paths"][path]["post"]
    assert operation["security"] == [{SIGNED_PATHS[path]: []}], "the operation does not declare its signature scheme"
    assert PROBLEM in operation["responses"]["403"]["content"]
    response = await call(app, _signed_request(document, path, signature), f"Bearer {KEY}")
    if signature == "valid":
        assert response.status_code == 200, response.text
    else:  # the bearer key is no substitute for the signature
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == PROBLEM
