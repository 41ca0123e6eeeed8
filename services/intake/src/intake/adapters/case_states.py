"""Cases' states from archive's read API (`GET /v1/cases/{case_id}`: `status`, `version`,
`ETag: "<version>"`, the event ids of its `timeline`), with a short timeout: a staff client
waits for its answer."""

from __future__ import annotations

import logging

import httpx
from complaints_shared.lifecycle import CaseStatus

from ..domain.case_states import CaseState, CaseStatesUnavailable

log = logging.getLogger(__name__)


class ArchiveCaseStates:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @classmethod
    def connect(cls, base_url: str, api_key: str | None, *, timeout_seconds: float) -> ArchiveCaseStates:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return cls(httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout_seconds))

    async def get(self, case_id: str) -> CaseState | None:
        try:
            response = await self.http.get(f"/v1/cases/{case_id}")
        except httpx.HTTPError as exc:
            log.warning("archive unreachable", extra={"error": type(exc).__name__})
            raise CaseStatesUnavailable(f"archive did not answer ({type(exc).__name__})") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            # 401 (intake's key for archive is wrong) and 5xx alike: intake cannot tell, so it
            # records nothing and says so; the log tells the operator which.
            log.warning("archive refused a case lookup", extra={"status": response.status_code})
            raise CaseStatesUnavailable(f"archive answered {response.status_code}")
        return _state_of(response)

    async def aclose(self) -> None:
        await self.http.aclose()


def _state_of(response: httpx.Response) -> CaseState:
    try:
        body = response.json()
        status = CaseStatus(body["status"])
        version = body.get("version")
        if version is None:  # the body's version and the ETag are the same number
            version = int(response.headers["etag"].strip('"'))
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValueError("version is not a count")
        timeline = body.get("timeline")
        applied = None if timeline is None else frozenset(str(entry["event_id"]) for entry in timeline)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("archive's case answer is not as agreed", extra={"error": type(exc).__name__})
        raise CaseStatesUnavailable("archive's answer has no readable status and version") from exc
    return CaseState(status, version, applied)


class InMemoryCaseStates:
    """Cases' states in a dict (unit tests; an app built with a fake publisher)."""

    def __init__(self, states: dict[str, CaseState] | None = None) -> None:
        self.states = dict(states or {})

    async def get(self, case_id: str) -> CaseState | None:
        return self.states.get(case_id)
