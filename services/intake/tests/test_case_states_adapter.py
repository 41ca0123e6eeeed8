"""The archive client reads a case's status and version as agreed, and turns every other
answer into 'unavailable' (intake then records nothing)."""

from __future__ import annotations

import httpx
import pytest
from complaints_shared.lifecycle import CaseStatus
from intake.adapters.case_states import ArchiveCaseStates
from intake.domain.case_states import CaseState, CaseStatesUnavailable


def states(handler) -> ArchiveCaseStates:
    return ArchiveCaseStates(httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://archive"))


async def test_status_and_version_from_the_body():
    archive = states(lambda r: httpx.Response(200, json={"status": "investigating", "version": 4}, headers={"ETag": '"4"'}))
    assert await archive.get("c-1") == CaseState(CaseStatus.INVESTIGATING, 4)


async def test_the_version_from_the_etag_when_the_body_has_none():
    archive = states(lambda r: httpx.Response(200, json={"status": "assigned"}, headers={"ETag": '"9"'}))
    assert await archive.get("c-1") == CaseState(CaseStatus.ASSIGNED, 9)


async def test_an_unknown_case_is_none():
    assert await states(lambda r: httpx.Response(404, json={})).get("c-1") is None


@pytest.mark.parametrize(
    "body",
    [{"status": "open", "version": 1}, {"status": "assigned"}, {"status": "assigned", "version": "1"}, {"version": 1}, []],
)
async def test_an_answer_not_as_agreed_is_unavailable(body):
    with pytest.raises(CaseStatesUnavailable):
        await states(lambda r: httpx.Response(200, json=body)).get("c-1")


async def test_a_timeout_is_unavailable():
    def slow(request):
        raise httpx.ReadTimeout("archive too slow", request=request)

    with pytest.raises(CaseStatesUnavailable, match="ReadTimeout"):
        await states(slow).get("c-1")


async def test_connect_bounds_the_wait_and_sends_the_key():
    archive = ArchiveCaseStates.connect("http://archive:8004", "k-1", timeout_seconds=1.5)
    assert archive.http.headers["authorization"] == "Bearer k-1"
    assert archive.http.timeout == httpx.Timeout(1.5)
    assert str(archive.http.base_url) == "http://archive:8004"
    await archive.aclose()
