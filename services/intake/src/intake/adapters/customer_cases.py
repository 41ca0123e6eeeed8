"""A customer's latest resolved case, from archive's case list
(`GET /v1/cases?customer=<E.164>&status=resolved&limit=1`, newest first): where a bare "1".."5"
SMS answering the satisfaction call-back belongs."""

from __future__ import annotations

import logging

import httpx
from complaints_shared.lifecycle import CaseStatus

from ..domain.case_states import CaseStatesUnavailable

log = logging.getLogger(__name__)


class ArchiveResolvedCases:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http  # archive's client (adapters.case_states.ArchiveCaseStates.http): its key and timeout

    async def latest_resolved(self, phone: str) -> str | None:
        try:
            response = await self.http.get("/v1/cases", params={"customer": phone, "status": CaseStatus.RESOLVED.value, "limit": 1})
        except httpx.HTTPError as exc:
            log.warning("archive unreachable", extra={"error": type(exc).__name__})
            raise CaseStatesUnavailable(f"archive did not answer ({type(exc).__name__})") from exc
        cases = self._body(response).get("cases")
        if not isinstance(cases, list) or not cases or not isinstance(cases[0], dict):
            return None
        case_id = str(cases[0].get("case_id"))
        # The list's entries carry no contact, and an archive that does not know the `customer`
        # filter would answer everyone's latest case: the case itself must name this number.
        try:
            response = await self.http.get(f"/v1/cases/{case_id}")
        except httpx.HTTPError as exc:
            raise CaseStatesUnavailable(f"archive did not answer ({type(exc).__name__})") from exc
        if response.status_code == 404:
            return None
        case = self._body(response)
        contact = case.get("contact") or {}
        if case.get("status") != CaseStatus.RESOLVED.value or not isinstance(contact, dict) or contact.get("phone") != phone:
            return None
        return case_id

    @staticmethod
    def _body(response: httpx.Response) -> dict:
        if response.status_code != 200:
            log.warning("archive refused a case lookup", extra={"status": response.status_code})
            raise CaseStatesUnavailable(f"archive answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise CaseStatesUnavailable("archive's answer is not JSON") from exc
        if not isinstance(body, dict):
            raise CaseStatesUnavailable("archive's answer is not as agreed")
        return body


class NoResolvedCases:
    """No archive to ask (unit tests that do not need one): no customer has a resolved case."""

    async def latest_resolved(self, phone: str) -> str | None:
        return None
