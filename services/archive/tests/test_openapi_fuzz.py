"""A bounded schemathesis run against archive's OpenAPI document (a fake store): whatever the
document allows, and whatever it forbids, the API answers without a 5xx and as documented."""

from datetime import UTC, datetime, timedelta

import schemathesis
from archive.domain.indicators import indicators
from archive.entrypoints.http import create_app
from complaints_shared.web import bearer_auth
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

KEY = "fuzz-key"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


def stored_case(case_id: str) -> dict:
    """A case document as the projection writes it: received, routed, acknowledged."""
    return {
        "_id": case_id, "status": "acknowledged", "version": 3, "channel": "email", "subject": "", "text": "kettle leaks", "received_at": T0,
        "external_id": None, "product": None, "contact": {"email": "x@example.com"},
        "validity": "valid", "related_case_id": None, "category": "product_quality", "department": "quality", "priority": "P3",
        "confidence": 0.9, "uncertain": False, "customer_id": None, "customer_tier": "standard", "handling_hint": "",
        "routed_at": T0, "language": "en",
        "deadlines": {"acknowledge_by": T0 + timedelta(hours=24), "resolve_by": T0 + timedelta(days=5)},
        "acknowledged_at": T0 + timedelta(hours=2), "escalations": 1, "escalation_level": "supervisor",
        "created_at": T0, "updated_at": T0,
        "timeline": [
            {"event_id": "e1", "type": "org.complaints.complaint.received.v1", "at": T0, "source": "/intake", "data": {"channel": "email"}},
        ],
    }


class FakeRepository:
    async def get_case(self, case_id):
        return None if case_id.startswith("0") else stored_case(case_id)

    async def list_cases(self, *, where, limit, skip=0, after=None):
        case = stored_case("c1")
        for hidden in ("timeline", "text", "contact"):
            del case[hidden]
        return [case][:limit]

    async def indicators(self, *, first_day, last_day, group_by, only=None, with_causes=True):
        values = indicators({"recorded": 3, "received": 2, "acknowledged": 1, "acknowledged_on_time": 1, "tta_2": 1})
        return {"total": values, "groups": [{"key": "quality", **values}], "top_causes": [{"cause": "seal", "cases": 1}]}

    async def apply_erasure(self, record):
        return True

    async def plan_erasure(self, customer, *, requested_by, at):
        return {"_id": "e1", "at": at, "requested_by": requested_by, "cases": 1, "events": 0, "raw_records": 0, "attachments": 1, "attachments_shared": 0,
                "letter_jobs": 0, "case_ids": ["c1"]}

    async def summary(self):
        rates = {"cases": 2, "answer_rate": 0.5, "resolution_rate": 0.0, "acknowledged_on_time_rate": 1.0,
                 "resolved_on_time_rate": None, "satisfaction_avg": None, "escalations": 1}
        return {"overall": rates, "by_department": {"quality": rates}, "by_priority": {"P3": rates}, "by_status": {"acknowledged": 2}}


class FakeErasureLog:
    async def append(self, erased):
        pass


async def _ready():
    return True


REPOSITORY = FakeRepository()
ERASURE_LOG = FakeErasureLog()
app = create_app(auth=bearer_auth(lambda: KEY), repository_dep=lambda: REPOSITORY, readiness={"mongodb": _ready}, max_page_size=100,
                 erasure_log_dep=lambda: ERASURE_LOG)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/v1/")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_read_api_answers_as_its_openapi_says(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)
