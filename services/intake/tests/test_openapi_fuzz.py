"""A bounded schemathesis run against intake's OpenAPI document (a fake publisher, the
in-memory idempotency store): whatever the document allows, and whatever it forbids, intake
answers without a 5xx and as documented (issue 8, defect 10)."""

import schemathesis
from complaints_shared import lifecycle
from complaints_shared.testing import FakePublisher
from hypothesis import HealthCheck, settings
from intake.adapters.idempotency import InMemoryIdempotencyStore
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

KEY = "fuzz-key"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]



@schemathesis.serializer("message/rfc822")
def rfc822(_context, value) -> bytes:
    # The document says "a string": any text, sent as the raw message.
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


# Twilio's webhook is signed instead (its token set, so the fuzzer's unsigned calls get 403, not 503).
SIGNED_PATHS = {"/v1/complaints/sms/twilio": "twilioSignature"}
app = bootstrap(
    IntakeSettings(COMPLAINTS_API_KEY=KEY, twilio_auth_token="fuzz-twilio-token"), publisher=FakePublisher(), idempotency=InMemoryIdempotencyStore()
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/v1/")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_intake_answers_as_its_openapi_says(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)


def test_the_case_update_body_is_a_union_of_the_update_types_by_type():
    document = app.openapi()
    body = document["paths"]["/v1/cases/{case_id}/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "type"
    mapping = body["discriminator"]["mapping"]
    assert set(mapping) == {"acknowledged", "cause_found", "note_added", "reassigned", "remedy_proposed", "remedy_approved",
                            "remedy_rejected", "resolved", "closed", "reopened", "merged", "satisfaction_recorded",
                            "customer_followed_up", "escalation_acknowledged",
                            "customer_info_requested", "customer_info_received"}
    # Every action of the lifecycle can be posted, and nothing else.
    assert set(mapping) == set(lifecycle.ACTIONS)
    reassigned = document["components"]["schemas"][mapping["reassigned"].rsplit("/", 1)[-1]]
    assert reassigned["additionalProperties"] is False
    assert {"type", "actor", "department"} <= set(reassigned["required"])
    assert not {"case_id", "at"} & set(reassigned["properties"])


def test_every_route_documents_its_problems_and_the_bearer_key():
    document = app.openapi()
    for path, item in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in item.items():
            if path in SIGNED_PATHS:
                for status in ("403", "413", "422", "503"):
                    assert "application/problem+json" in operation["responses"][status]["content"], (method, path, status)
                assert operation["security"] == [{SIGNED_PATHS[path]: []}]
                continue
            expected = {"401", "503"} | ({"400", "409", "413", "422"} if method == "post" else set())
            for status in expected:
                assert "application/problem+json" in operation["responses"][status]["content"], (method, path, status)
            assert "Retry-After" in operation["responses"]["503"]["headers"]
            assert operation["security"] == [{"HTTPBearer": []}]
