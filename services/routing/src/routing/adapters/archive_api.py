"""Archive's read API, as routing's offline commands read it: no reach into archive's database.

    GET /v1/cases?received_to=...&limit=...   overviews, newest first (with `corrected`)
    GET /v1/cases/{case_id}                   one case with its text

with the platform's bearer key. The list is walked by time window (`received_to` moves to the
oldest case of each page) rather than by `skip`, which archive bounds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx

__all__ = ["ArchiveCases"]

PAGE_SIZE = 100  # well under archive's max_page_size (200 by default)
_TICK = timedelta(microseconds=1)


class ArchiveCases:
    """The cases archive holds, read through its HTTP API with `client` (base URL and bearer
    key set on it)."""

    def __init__(self, client: httpx.AsyncClient, *, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    @classmethod
    def connect(cls, base_url: str, api_key: str | None, *, timeout: float = 30.0) -> ArchiveCases:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return cls(httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout))

    async def aclose(self) -> None:
        await self.client.aclose()

    async def overviews(self) -> AsyncIterator[dict[str, Any]]:
        """Every case overview once, newest first."""
        seen: set[str] = set()
        received_to: datetime | None = None
        skip = 0
        while True:
            params: dict[str, Any] = {"limit": self.page_size, "skip": skip}
            if received_to is not None:
                params["received_to"] = received_to.isoformat()
            response = await self.client.get("/v1/cases", params=params)
            response.raise_for_status()
            page = response.json()["cases"]
            for case in page:
                if case["case_id"] not in seen:
                    seen.add(case["case_id"])
                    yield case
            if len(page) < self.page_size:
                return
            times = [datetime.fromisoformat(c["received_at"]) for c in page if c.get("received_at")]
            oldest = min(times) if times else None
            if oldest is None or (received_to is not None and oldest + _TICK >= received_to):
                skip += len(page)  # a whole page at one instant: page through it
                continue
            # the next window: up to and including the oldest instant seen (cases sharing it may
            # lie beyond this page; the ones already given are not given twice)
            received_to, skip = oldest + _TICK, 0

    async def case(self, case_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/v1/cases/{case_id}")
        response.raise_for_status()
        return response.json()

    async def corrected_cases(self) -> AsyncIterator[dict[str, Any]]:
        """The cases staff reassigned, each with its text."""
        async for overview in self.overviews():
            if overview.get("corrected"):
                yield await self.case(overview["case_id"])
