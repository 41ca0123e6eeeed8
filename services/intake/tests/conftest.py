from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import httpx
import pytest
from complaints_shared import events as ev
from complaints_shared import lifecycle
from complaints_shared.lifecycle import CaseStatus
from complaints_shared.testing import FakePublisher
from intake.adapters.case_states import ArchiveCaseStates
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings

API_KEY = "unit-test-key"
ARCHIVE_KEY = "archive-read-key"
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
_CASE_PATH = re.compile(r"^/v1/cases/([^/]+)$")


class FakeArchive:
    """Archive's `GET /v1/cases/{case_id}` as agreed with it (status, allowed_actions, version,
    `ETag: "<version>"`), served through an httpx MockTransport. Cases are seeded with `add`;
    `catch_up` projects what intake published, as archive's consumer does later (version +1
    per event, its id in the timeline; an update that does not fit is kept, the status stays);
    `notice` applies what notification says about a case (version +1, the status stays)."""

    def __init__(self) -> None:
        self.cases: dict[str, tuple[CaseStatus, int]] = {}
        self.timelines: dict[str, list[str]] = {}
        self.lookups = 0
        self.unreachable = False
        self.status_code: int | None = None  # answer every lookup with this status instead
        self._applied = 0

    def add(self, case_id: str, status: CaseStatus, version: int = 2) -> None:
        self.cases[case_id] = (status, version)

    def catch_up(self, published: list[ev.Event]) -> None:
        for event in published[self._applied:]:
            data = event.data
            if isinstance(data, ev.CaseUpdate) and data.case_id in self.cases:
                status, version = self.cases[data.case_id]
                action = lifecycle.ACTIONS[data.event_type.removeprefix("case.")]
                if status in action.allowed_from:
                    status = action.target(status)
                self.cases[data.case_id] = (status, version + 1)
                self.timelines.setdefault(data.case_id, []).append(event.id)
        self._applied = len(published)

    def notice(self, case_id: str) -> None:
        status, version = self.cases[case_id]
        self.cases[case_id] = (status, version + 1)
        self.timelines.setdefault(case_id, []).append(f"notice-{version + 1}")

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.lookups += 1
        await asyncio.sleep(0)  # other requests run while this one waits for its answer, as on a network
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        if self.status_code is not None:
            return httpx.Response(self.status_code, json={"title": "broken"})
        if request.headers.get("authorization") != f"Bearer {ARCHIVE_KEY}":
            return httpx.Response(401, json={"title": "missing or wrong bearer key"})
        match = _CASE_PATH.match(request.url.path)
        if request.method != "GET" or match is None or match.group(1) not in self.cases:
            return httpx.Response(404, json={"title": "Not Found"})
        status, version = self.cases[match.group(1)]
        body = {"case_id": match.group(1), "status": status.value, "allowed_actions": lifecycle.allowed_actions(status), "version": version,
                "timeline": [{"event_id": event_id} for event_id in self.timelines.get(match.group(1), [])]}
        return httpx.Response(200, json=body, headers={"ETag": f'"{version}"'})

    def client(self) -> ArchiveCaseStates:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle), base_url="http://archive",
                                 headers={"Authorization": f"Bearer {ARCHIVE_KEY}"})
        return ArchiveCaseStates(http)


class AwaitingPublisher(FakePublisher):
    """Lets other requests run while the broker acknowledges, as a real one does."""

    async def publish(self, data: ev.Contract, event_id: str | None = None) -> ev.Event:
        await asyncio.sleep(0)
        return await super().publish(data, event_id=event_id)


@pytest.fixture
def publisher() -> FakePublisher:
    return AwaitingPublisher()


@pytest.fixture
def archive() -> FakeArchive:
    return FakeArchive()


def intake_app(publisher, archive: FakeArchive, **settings):
    return bootstrap(
        IntakeSettings(COMPLAINTS_API_KEY=API_KEY, **settings), publisher=publisher, case_states=archive.client()
    )


@pytest.fixture
async def client(publisher, archive):
    app = intake_app(publisher, archive, max_body_bytes=64 * 1024)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://intake", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as http:
        yield http
